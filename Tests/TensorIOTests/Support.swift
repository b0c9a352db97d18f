import Foundation
import IR
@testable import TensorIO

/// Paths and sample tensors shared by the TensorIO tests.
enum Support {
    /// …/Tests/TensorIOTests/Support.swift → the package root, three levels up.
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Reference files produced by PyTorch/NumPy, shared beside the repo.
    static let goldenDir = repoRoot.appendingPathComponent("../shared/golden").standardizedFileURL

    /// A fresh directory for one test's files.
    static func tempDir() -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tensorio-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let shapes: [[Int]] = [[], [0], [1], [3, 5], [2, 3, 4]]

    /// A tensor of `dtype` and `shape` with distinct, awkward values (negatives, fractions, extremes).
    static func sample(_ dtype: DType, _ shape: [Int]) -> Tensor {
        let n = shape.reduce(1, *)
        let storage: Tensor.Storage
        switch dtype {
        case .f32: storage = .f32((0..<n).map { i in i == 1 ? .infinity : Float(i) * -1.25 + 0.1 })
        case .f64: storage = .f64((0..<n).map { i in i == 1 ? -Double.greatestFiniteMagnitude : Double(i) / 3 - 7 })
        case .i32: storage = .i32((0..<n).map { i in i == 1 ? Int32.min : Int32(i) * 1000 - 5 })
        case .i64: storage = .i64((0..<n).map { i in i == 1 ? Int64.max : Int64(i) * -123_456_789_012 })
        case .bool: storage = .bool((0..<n).map { $0 % 3 == 0 })
        }
        return try! Tensor(shape: shape, storage: storage)
    }

    static var allSamples: [(String, Tensor)] {
        DType.allCases.flatMap { dtype in
            shapes.map { shape in ("\(dtype)_\(shape.map(String.init).joined(separator: "x"))", sample(dtype, shape)) }
        }
    }

    static func u64le(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    static func u32le(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }

    /// A .npy file built by hand: any version, any header text, any data.
    static func npy(version: UInt8, header: String, data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        let h = Array(header.utf8)
        if version == 1 {
            out += [UInt8(h.count & 0xFF), UInt8(h.count >> 8)]
        } else {
            out += u32le(UInt32(h.count))
        }
        return out + h + data
    }

    /// A .safetensors file built by hand from raw header JSON and a data buffer.
    static func safetensors(header: String, data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        return u64le(UInt64(h.count)) + h + data
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }
}
