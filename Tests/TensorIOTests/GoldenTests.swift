import Foundation
import IR
import Testing
@testable import TensorIO

/// The reference files written by PyTorch/NumPy for the selective-scan golden test.
@Suite struct GoldenTests {
    static let dir = Support.goldenDir.appendingPathComponent("selective_scan_core")

    @Test func readsReferenceSafetensors() throws {
        let file = try SafeTensors.read(path: Self.dir.appendingPathComponent("weights.safetensors").path)
        #expect(Set(file.names) == ["A", "D", "delta_bias"])
        #expect(file["A"]?.shape == [8, 4] && file["A"]?.dtype == .f32)
        #expect(file["D"]?.shape == [8] && file["D"]?.dtype == .f32)
        #expect(file["delta_bias"]?.shape == [8] && file["delta_bias"]?.dtype == .f32)
        #expect(file["A"]?.floats().allSatisfy { $0.isFinite } == true)
    }

    @Test func readsReferenceNpy() throws {
        let u = try NPY.read(path: Self.dir.appendingPathComponent("u.npy").path)
        #expect(u.shape == [2, 8, 37] && u.dtype == .f32)
        let expected = try NPY.read(path: Self.dir.appendingPathComponent("expected.npy").path)
        #expect(expected.shape == [2, 8, 37] && expected.dtype == .f64)
        #expect(expected.doubles().allSatisfy { $0.isFinite })
    }

    @Test func reencodingReferenceNpyIsByteIdentical() throws {
        // numpy wrote these files; our writer must produce the same bytes.
        for name in ["u.npy", "expected.npy"] {
            let url = Self.dir.appendingPathComponent(name)
            let original = try Data(contentsOf: url)
            #expect(NPY.encode(try NPY.read(original, name: name)) == original, "\(name)")
        }
    }
}
