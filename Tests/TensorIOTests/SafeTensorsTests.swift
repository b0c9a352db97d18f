import Foundation
import IR
import Testing
@testable import TensorIO

@Suite struct SafeTensorsTests {
    @Test func roundTripsEveryDTypeAndShapeWithMetadata() throws {
        let path = Support.tempDir().appendingPathComponent("all.safetensors").path
        let tensors = Support.allSamples
        let metadata = ["format": "pt", "note": "quotes \" and slashes / and ünïcode"]
        try SafeTensors.write(tensors, metadata: metadata, path: path)
        let file = try SafeTensors.read(path: path)
        #expect(file.metadata == metadata)
        #expect(Set(file.names) == Set(tensors.map(\.0)))
        for (name, t) in tensors { #expect(file[name] == t, "\(name)") }
    }

    @Test func writerLayout() throws {
        // Keys sorted, data in name order, header padded with spaces to a multiple of 8.
        let b = try Tensor(shape: [2], storage: .i32([1, 2]))
        let a = try Tensor(shape: [1], storage: .bool([true]))
        let data = try SafeTensors.encode([("b", b), ("a", a)])
        let n = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(n % 8 == 0)
        let header = String(decoding: data[8..<(8 + n)], as: UTF8.self)
        #expect(header.trimmingCharacters(in: .whitespaces)
            == #"{"a":{"data_offsets":[0,1],"dtype":"BOOL","shape":[1]},"b":{"data_offsets":[1,9],"dtype":"I32","shape":[2]}}"#)
        #expect(Array(data[(8 + n)...]) == [1, 1, 0, 0, 0, 2, 0, 0, 0])
        let file = try SafeTensors.read(bytes: data, name: "mem")
        #expect(file.names == ["a", "b"])
        #expect(file.metadata.isEmpty)
        #expect(file.ordered.map(\.tensor) == [a, b])
    }

    @Test func rejectsBadNamesOnWrite() {
        let t = Support.sample(.f32, [1])
        #expect(throws: TensorFileError.self) { try SafeTensors.encode([("x", t), ("x", t)]) }
        #expect(throws: TensorFileError.self) { try SafeTensors.encode([("__metadata__", t)]) }
    }

    @Test func widensF16AndBF16ToF32() throws {
        let halves: [UInt16] = [0x0000, 0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x7C00, 0xFC00, 0x3555, 0x8000]
        let brains: [UInt16] = [0x3F80, 0xC040, 0x7F80, 0x0000]
        let bytes = (halves + brains).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let header = #"{"h":{"dtype":"F16","shape":[10],"data_offsets":[0,20]},"b":{"dtype":"BF16","shape":[2,2],"data_offsets":[20,28]}}"#
        let file = try SafeTensors.read(bytes: Support.safetensors(header: header, data: bytes), name: "half")
        #expect(file.names == ["h", "b"])
        #expect(file["h"] == (try Tensor(shape: [10], floats: [0, 1, -2, 0.5, 65504, 0x1p-24, .infinity, -.infinity, 0.333251953125, -0.0])))
        #expect(file["h"]?.floats().last?.sign == .minus)
        #expect(file["b"] == (try Tensor(shape: [2, 2], floats: [1, -3, .infinity, 0])))
        let nan = try SafeTensors.read(
            bytes: Support.safetensors(header: #"{"n":{"dtype":"F16","shape":[],"data_offsets":[0,2]}}"#, data: [0x01, 0x7E]),
            name: "nan")
        #expect(nan["n"]?.floats().first?.isNaN == true)
    }

    @Test(arguments: ["I8", "U8", "I16", "U16", "U32", "U64", "F8_E4M3", "F8_E5M2"])
    func otherDtypesAreClearErrors(dtype: String) {
        let bits = SafeTensors.dtypeBits[dtype]!
        let header = #"{"q":{"dtype":"\#(dtype)","shape":[2],"data_offsets":[0,\#(bits / 4)]}}"#
        let bytes = Support.safetensors(header: header, data: Array(repeating: 0, count: bits / 4))
        #expect { try SafeTensors.read(bytes: bytes, name: "w.safetensors") } throws: {
            "\($0)".hasPrefix("w.safetensors: tensor 'q': unsupported dtype \(dtype)")
        }
    }

    // MARK: Malformed files

    static func message(_ header: String, data: [UInt8]) -> String {
        message(Support.safetensors(header: header, data: data))
    }

    static func message(_ bytes: [UInt8]) -> String {
        do {
            _ = try SafeTensors.read(bytes: bytes, name: "w.safetensors")
            return "no error"
        } catch {
            #expect(error is TensorFileError)
            return "\(error)"
        }
    }

    static func entry(_ name: String, _ shape: [Int], _ begin: Int, _ end: Int, dtype: String = "F32") -> String {
        #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":[\#(begin),\#(end)]}"#
    }

    @Test func byteLengthMismatchNamesEverything() {
        let m = Self.message("{\(Self.entry("A", [8, 4], 0, 100))}", data: Array(repeating: 0, count: 100))
        #expect(m == "w.safetensors: tensor 'A': data_offsets [0, 100] give 100 bytes, but F32 [8, 4] needs 128")
    }

    @Test func rejectsOverlaps() {
        let m = Self.message("{\(Self.entry("a", [2], 0, 8)),\(Self.entry("b", [2], 4, 12))}", data: Array(repeating: 0, count: 12))
        #expect(m.contains("tensor 'b'") && m.contains("overlap tensor 'a'"), "\(m)")
    }

    @Test func rejectsGaps() {
        let m = Self.message("{\(Self.entry("a", [2], 0, 8)),\(Self.entry("b", [2], 12, 20))}", data: Array(repeating: 0, count: 20))
        #expect(m.contains("tensor 'b'") && m.contains("gap"), "\(m)")
        let first = Self.message("{\(Self.entry("a", [2], 4, 12))}", data: Array(repeating: 0, count: 12))
        #expect(first.contains("gap: bytes [0, 4)"), "\(first)")
    }

    @Test func rejectsOutOfBoundsAndTrailingData() {
        let past = Self.message("{\(Self.entry("a", [4], 0, 16))}", data: Array(repeating: 0, count: 8))
        #expect(past.contains("tensor 'a'") && past.contains("run past the end"), "\(past)")
        let huge = Self.message("{\(Self.entry("a", [2], 0, 8)),\(Self.entry("b", [2], 8, 9_223_372_036_854_775_807))}",
                                data: Array(repeating: 0, count: 8))
        #expect(huge.contains("tensor 'b'"), "\(huge)")
        let trailing = Self.message("{\(Self.entry("a", [2], 0, 8))}", data: Array(repeating: 0, count: 9))
        #expect(trailing.contains("1 bytes after the last tensor"), "\(trailing)")
    }

    @Test func rejectsReversedOffsets() {
        let m = Self.message("{\(Self.entry("a", [0], 8, 0))}", data: Array(repeating: 0, count: 8))
        #expect(m.contains("before the begin"), "\(m)")
    }

    @Test func rejectsHugeShapesWithoutTrapping() {
        for shape in [[1 << 40, 1 << 40], [Int.max, 2], [1 << 62]] {
            let m = Self.message("{\(Self.entry("a", shape, 0, 8))}", data: Array(repeating: 0, count: 8))
            #expect(m.contains("tensor 'a'") && m.contains("too many elements"), "\(m)")
        }
    }

    @Test func rejectsHeaderLengthPastTheEndAndOverTheCap() {
        let body = Array("{}".utf8)
        #expect(Self.message(Support.u64le(3) + body).contains("header length 3 runs past the end"))
        #expect(Self.message(Support.u64le(100_000_001) + body).contains("over the 100000000-byte limit"))
        #expect(Self.message(Support.u64le(.max) + body).contains("over the 100000000-byte limit"))
        #expect(Self.message([1, 2, 3]).contains("too short"))
    }

    @Test(arguments: [
        "", "not json", "[1, 2]", "{\"a\": 1", " {}", "{\"a\": 1}", "{\"a\": {}}",
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#,
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0, 8.0]}}"#,
        #"{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0, 8]}}"#,
        #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0, 8]}}"#,
        #"{"a":{"dtype":"F32","shape":[true],"data_offsets":[0, 8]}}"#,
        #"{"a":{"dtype":"F32","shape":["2"],"data_offsets":[0, 8]}}"#,
        #"{"a":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0, 8]}}"#,
        #"{"a":{"dtype":"F32","shape":[123456789012345678901234567890],"data_offsets":[0, 8]}}"#,
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0, 1e400]}}"#,
        #"{"a":{"dtype":"F33","shape":[2],"data_offsets":[0, 8]}}"#,
        #"{"a":{"dtype":7,"shape":[2],"data_offsets":[0, 8]}}"#,
        #"{"__metadata__":{"k":1}}"#,
        #"{"__metadata__":[]}"#,
    ])
    func rejectsMalformedHeaders(header: String) {
        let m = Self.message(header, data: Array(repeating: 0, count: 8))
        #expect(m.hasPrefix("w.safetensors: ") && m != "no error", "\(m)")
    }

    @Test func rejectsInvalidUTF8Header() {
        #expect(Self.message(Support.u64le(3) + [0x7B, 0xFF, 0x7D]).contains("UTF-8"))
    }

    @Test func emptyFileOfNoTensorsIsFine() throws {
        let file = try SafeTensors.read(bytes: Support.safetensors(header: "{}", data: []), name: "e")
        #expect(file.names.isEmpty && file.tensors.isEmpty)
    }

    @Test func missingFileIsAClearError() {
        #expect { try SafeTensors.read(path: "/nonexistent/w.safetensors") } throws: {
            "\($0)" == "/nonexistent/w.safetensors: no such file"
        }
    }
}
