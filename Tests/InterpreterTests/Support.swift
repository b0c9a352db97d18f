import Foundation
import IR

@testable import Frontend

/// A small seeded generator (SplitMix64), so every random test is reproducible from its seed.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53)
    }

    mutating func tensor(_ shape: [Int], _ lo: Double = -1, _ hi: Double = 1) -> Tensor {
        try! Tensor(shape: shape, floats: (0..<shape.reduce(1, *)).map { _ in Float(uniform(lo, hi)) })
    }
}

/// Lowers `.seq` source held in a string.
func lower(_ source: String, _ params: [String: ParameterValue] = [:]) throws -> Function {
    try lowerModel(try parseModel(source, file: "test.seq"), parameters: params)
}

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Largest |a - b| / max(|b|, floor) over all elements.
func maxRelativeError(_ a: [Double], _ b: [Double], floor: Double = 1e-3) -> Double {
    zip(a, b).map { abs($0 - $1) / max(abs($1), floor) }.max() ?? 0
}
