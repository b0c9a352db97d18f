import Foundation
import IR
import Testing
@testable import TensorIO

@Suite struct NPZTests {
    @Test(arguments: [false, true])
    func roundTripsEveryDTypeAndShape(compressed: Bool) throws {
        let path = Support.tempDir().appendingPathComponent("all.npz").path
        let tensors = Support.allSamples
        try NPZ.write(tensors, path: path, compressed: compressed)
        let back = try NPZ.read(path: path)
        #expect(back.map(\.name) == tensors.map(\.0))  // archive order
        for ((name, t), (_, u)) in zip(back, tensors) { #expect(t == u, "\(name)") }
    }

    @Test func deflatedMembersAreActuallyCompressed() throws {
        let dir = Support.tempDir()
        let zeros = [("z", try Tensor.zeros(.f64, shape: [64, 64]))]
        try NPZ.write(zeros, path: dir.appendingPathComponent("s.npz").path, compressed: false)
        try NPZ.write(zeros, path: dir.appendingPathComponent("d.npz").path, compressed: true)
        let size = { (name: String) in
            try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)[.size] as! Int
        }
        #expect(try size("d.npz") < size("s.npz") / 10)
        #expect(try NPZ.read(path: dir.appendingPathComponent("d.npz").path).first?.tensor == zeros[0].1)
    }

    @Test func overwritesAnExistingFile() throws {
        let path = Support.tempDir().appendingPathComponent("o.npz").path
        try NPZ.write([("a", Support.sample(.i32, [3]))], path: path)
        try NPZ.write([("b", Support.sample(.bool, [2]))], path: path)
        #expect(try NPZ.read(path: path).map(\.name) == ["b"])
    }

    @Test func rejectsDuplicateNamesOnWrite() {
        let path = Support.tempDir().appendingPathComponent("dup.npz").path
        let t = Support.sample(.f32, [1])
        #expect { try NPZ.write([("a", t), ("a", t)], path: path) } throws: { "\($0)".contains("tensor 'a'") }
    }

    @Test func errorsNameTheFileAndMember() throws {
        let dir = Support.tempDir()
        #expect { try NPZ.read(path: dir.appendingPathComponent("missing.npz").path) } throws: {
            "\($0)".hasSuffix("missing.npz: no such file")
        }
        let notZip = dir.appendingPathComponent("junk.npz")
        try Data("this is not a zip archive".utf8).write(to: notZip)
        #expect { try NPZ.read(path: notZip.path) } throws: { "\($0)".contains("junk.npz: not a readable .npz") }

        // A member whose .npy bytes are broken: the error names the archive and the member.
        let path = dir.appendingPathComponent("bad.npz").path
        try NPZ.write([("good", Support.sample(.f32, [2])), ("w", Support.sample(.f32, [4]))], path: path, compressed: true)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes = bytes.prefix(bytes.count / 2)  // cut the archive: the central directory is gone
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: TensorFileError.self) { try NPZ.read(path: path) }
    }

    @Test func corruptMemberIsAnError() throws {
        let path = Support.tempDir().appendingPathComponent("crc.npz").path
        try NPZ.write([("w", Tensor(shape: [4], floats: [1, 2, 3, 4]))], path: path, compressed: false)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // Flip one data byte of the stored member: the float 1.0 (00 00 80 3F) after the .npy header.
        let one: [UInt8] = [0x00, 0x00, 0x80, 0x3F]
        let at = try #require(bytes.firstRange(of: one))
        bytes[at.lowerBound + 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect { try NPZ.read(path: path) } throws: { "\($0)".contains("tensor 'w'") && "\($0)".contains("CRC32") }
    }

    @Test func badMemberErrorNamesArchiveAndMember() throws {
        let path = Support.tempDir().appendingPathComponent("member.npz").path
        try NPZ.write([("ok", Support.sample(.i64, [2])), ("w", Support.sample(.f32, [2]))], path: path)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Make member w big-endian, then fix its CRC in the local header and the central directory.
        let descr = Array("'<f4'".utf8)
        let at = try #require(bytes.indices.first { bytes[$0...].starts(with: descr) })
        bytes[at + 1] = UInt8(ascii: ">")
        let local = try #require(bytes[..<at].indices.last { bytes[$0...].starts(with: [0x50, 0x4B, 0x03, 0x04]) })
        let nameLength = Int(bytes[local + 26]) | Int(bytes[local + 27]) << 8
        let extraLength = Int(bytes[local + 28]) | Int(bytes[local + 29]) << 8
        let dataStart = local + 30 + nameLength + extraLength
        let size = Int(bytes[local + 18]) | Int(bytes[local + 19]) << 8
        let crc = Self.crc32(bytes[dataStart..<(dataStart + size)])
        let central = try #require(bytes.indices.last { bytes[$0...].starts(with: [0x50, 0x4B, 0x01, 0x02]) })
        for offset in [local + 14, central + 16] {
            for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect { try NPZ.read(path: path) } throws: {
            "\($0)".hasPrefix("\(path): tensor 'w': unsupported dtype '>f4'")
        }
    }

    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
