import Foundation
import IR
import Testing
@testable import TensorIO

@Suite struct NPYTests {
    @Test func roundTripsEveryDTypeAndShape() throws {
        for (name, t) in Support.allSamples {
            let back = try NPY.read(NPY.encode(t), name: name)
            #expect(back == t, "\(name)")
        }
    }

    @Test func roundTripsThroughAFile() throws {
        let path = Support.tempDir().appendingPathComponent("t.npy").path
        let t = Support.sample(.f32, [2, 3, 4])
        try NPY.write(t, path: path)
        #expect(try NPY.read(path: path) == t)
    }

    @Test func headerMatchesNumpyLayout() throws {
        // What numpy 2.x's np.save writes for np.zeros((3, 5), np.float32).
        let data = NPY.encode(try Tensor.zeros(.f32, shape: [3, 5]))
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        #expect(Array(data.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }"))
        #expect(header.hasSuffix(" \n"))
        #expect(data.count == 10 + headerLength + 60)
        // Scalar and 1-d shapes use Python's tuple repr.
        let scalar = NPY.encode(try Tensor.zeros(.i64, shape: []))
        #expect(String(decoding: scalar, as: UTF8.self).contains("'shape': (), }"))
        let vector = NPY.encode(try Tensor.zeros(.bool, shape: [5]))
        #expect(String(decoding: vector, as: UTF8.self).contains("'descr': '|b1', 'fortran_order': False, 'shape': (5,), }"))
    }

    @Test(arguments: [UInt8(1), 2, 3])
    func readsEveryFormatVersion(version: UInt8) throws {
        let values: [Float] = [1, -2.5, 3, 4, 5, 6]
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }       \n"
        let bytes = Support.npy(version: version, header: header, data: Support.floatBytes(values))
        #expect(try NPY.read(bytes, name: "v\(version).npy") == Tensor(shape: [2, 3], floats: values))
    }

    @Test func readsAUTF8HeaderInVersion3() throws {
        // 3.0 exists for UTF-8 headers; a non-ASCII character must not upset the parser.
        let header = "{\"shape\": (2,), 'descr': '<i4', \"fortran_order\": False, 'x\u{e9}': 1}\n"
        let bytes = Support.npy(version: 3, header: header, data: [1, 0, 0, 0, 2, 0, 0, 0])
        // Unknown keys are an error, as in numpy, and the message shows the key.
        #expect { try NPY.read(bytes, name: "u.npy") } throws: { "\($0)".contains("'x\u{e9}'") }
        let ok = Support.npy(version: 3, header: "{\"shape\": (2,), 'descr': '<i4', \"fortran_order\": False}\n",
                             data: [1, 0, 0, 0, 2, 0, 0, 0])
        #expect(try NPY.read(ok, name: "u.npy") == Tensor(shape: [2], storage: .i32([1, 2])))
    }

    @Test func toleratesKeyOrderSpacingAndTrailingCommas() throws {
        let headers = [
            "{'shape':(4,),'fortran_order':False,'descr':'<i8'}",
            "{ 'fortran_order' : False , 'descr' : '<i8' , 'shape' : ( 4 , ) , }\n",
            "{'descr': '<i8', 'fortran_order': False, 'shape': (4L,), }",  // Python 2 long
        ]
        let data = (0..<4).flatMap { Support.u64le(UInt64($0)) }
        for header in headers {
            let t = try NPY.read(Support.npy(version: 1, header: header, data: data), name: "k.npy")
            #expect(try t == Tensor(shape: [4], storage: .i64([0, 1, 2, 3])), "\(header)")
        }
    }

    @Test func readsScalarsAndEmptyArrays() throws {
        let scalar = Support.npy(version: 1, header: "{'descr': '<f8', 'fortran_order': False, 'shape': ()}",
                                 data: Array(repeating: 0, count: 8))
        #expect(try NPY.read(scalar, name: "s.npy") == Tensor(shape: [], doubles: [0]))
        let empty = Support.npy(version: 1, header: "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 7)}", data: [])
        #expect(try NPY.read(empty, name: "e.npy") == Tensor(shape: [0, 7], doubles: []))
    }

    @Test func fortranOrderIsFineForOneDimension() throws {
        let bytes = Support.npy(version: 1, header: "{'descr': '|b1', 'fortran_order': True, 'shape': (3,)}",
                                data: [1, 0, 7])
        #expect(try NPY.read(bytes, name: "b.npy") == Tensor(shape: [3], storage: .bool([true, false, true])))
    }

    // MARK: Malformed files

    static func message(_ bytes: [UInt8]) -> String {
        do {
            _ = try NPY.read(bytes, name: "bad.npy")
            return "no error"
        } catch {
            #expect(error is TensorFileError)
            return "\(error)"
        }
    }

    static let good = Support.npy(version: 1, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}",
                                  data: Support.floatBytes([1, 2]))

    @Test func rejectsTruncatedData() {
        let m = Self.message(Array(Self.good.dropLast(1)))
        #expect(m.hasPrefix("bad.npy: "))
        #expect(m.contains("truncated") && m.contains("needs 8"))
    }

    @Test func rejectsTrailingBytes() {
        #expect(Self.message(Self.good + [0]).contains("1 extra bytes"))
    }

    @Test func rejectsBadMagicAndTinyFiles() {
        var bad = Self.good
        bad[1] = UInt8(ascii: "X")
        #expect(Self.message(bad).contains("magic"))
        #expect(Self.message([]).contains("too short"))
        #expect(Self.message(Array(Self.good.prefix(9))).contains("too short"))
        #expect(Self.message(Array(Support.npy(version: 2, header: "", data: []).prefix(11))).contains("too short"))
    }

    @Test func rejectsUnknownVersions() {
        var bad = Self.good
        bad[6] = 4
        #expect(Self.message(bad).contains("version 4.0"))
    }

    @Test func rejectsHeaderLengthPastTheEnd() {
        var bad = Self.good
        bad[8] = 0xFF
        bad[9] = 0xFF
        #expect(Self.message(bad).contains("header length 65535 runs past the end"))
        let v2 = [0x93] + Array("NUMPY".utf8) + [2, 0] + Support.u32le(.max) + [0x7B]
        #expect(Self.message(v2).contains("runs past the end"))
    }

    @Test(arguments: [">f4", "<f2", "|O", "<u1", "|u1", "<c8", "=f4", ">i8"])
    func rejectsUnsupportedDescr(descr: String) {
        let bytes = Support.npy(version: 1, header: "{'descr': '\(descr)', 'fortran_order': False, 'shape': (2,)}",
                                data: [0, 0, 0, 0, 0, 0, 0, 0])
        let m = Self.message(bytes)
        #expect(m.contains("unsupported dtype '\(descr)'"), "\(m)")
    }

    @Test func rejectsStructuredDtypes() {
        let bytes = Support.npy(
            version: 1, header: "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,)}",
            data: Array(repeating: 0, count: 8))
        #expect(Self.message(bytes).contains("structured dtype [('a', '<f4'), ('b', '<i4')]"))
    }

    @Test func rejectsFortranOrder() {
        let bytes = Support.npy(version: 1, header: "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3)}",
                                data: Array(repeating: 0, count: 24))
        #expect(Self.message(bytes).contains("fortran_order True"))
    }

    @Test(arguments: [
        "", "{", "{'descr': '<f4'", "not a dict", "['descr']", "{'descr': '<f4', 'fortran_order': False}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [2]}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,)}",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
        "{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} extra",
        String(repeating: "(", count: 10_000),
    ])
    func rejectsMalformedHeaders(header: String) {
        let m = Self.message(Support.npy(version: 1, header: header, data: Support.floatBytes([1, 2])))
        #expect(m.hasPrefix("bad.npy: ") && m != "no error", "\(m)")
    }

    @Test func rejectsHugeShapesWithoutTrapping() {
        for shape in ["(1099511627776, 1099511627776)", "(9223372036854775807, 2)", "(4611686018427387904,)"] {
            let bytes = Support.npy(version: 1, header: "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape)}",
                                    data: [])
            let m = Self.message(bytes)
            #expect(m.contains("too many elements") || m.contains("truncated"), "\(m)")
        }
    }

    @Test func missingFilesAreClearErrors() {
        #expect { try NPY.read(path: "/nonexistent/x.npy") } throws: { "\($0)" == "/nonexistent/x.npy: no such file" }
        #expect { try NPY.read(path: "/tmp") } throws: { "\($0)".contains("is a directory") }
    }
}
