import Codegen
import Foundation
import IR
import Testing

/// Tolerances, stated once: |got − ref| ≤ atol + rtol·|ref|.
/// The reference rounds every operation to the dtype, so arithmetic ops should match almost bit for bit;
/// transcendental ops differ by libm's float vs double implementations (a few ulps).
struct Tolerance {
    var rtol: Double
    var atol: Double

    static func arithmetic(_ dt: DType) -> Tolerance { dt == .f32 ? .init(rtol: 1e-6, atol: 1e-7) : .init(rtol: 1e-13, atol: 1e-14) }
    static func transcendental(_ dt: DType) -> Tolerance { dt == .f32 ? .init(rtol: 1e-5, atol: 1e-6) : .init(rtol: 1e-12, atol: 1e-13) }
    static let exact = Tolerance(rtol: 0, atol: 0)
}

/// Deterministic pseudo-random test data (an LCG), uniform in lo..<hi.
func values(_ n: Int, seed: UInt64, _ lo: Double = -2, _ hi: Double = 2) -> [Double] {
    var s = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<n).map { _ in
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return lo + (hi - lo) * Double(s >> 11) / Double(1 << 53)
    }
}

func tensor(_ dt: DType, _ shape: [Int], seed: UInt64, _ lo: Double = -2, _ hi: Double = 2) -> Tensor {
    let v = values(shape.reduce(1, *), seed: seed, lo, hi)
    switch dt {
    case .f32: return try! Tensor(shape: shape, floats: v.map(Float.init))
    case .f64: return try! Tensor(shape: shape, doubles: v)
    case .i32: return try! Tensor(shape: shape, storage: .i32(v.map { Int32($0.rounded(.towardZero)) }))
    case .i64: return try! Tensor(shape: shape, storage: .i64(v.map { Int64($0.rounded(.towardZero)) }))
    case .bool: return try! Tensor(shape: shape, storage: .bool(v.map { $0 > 0 }))
    }
}

/// `text` with every `DT` replaced by the dtype, parsed and verified.
func function(_ text: String, _ dt: DType = .f32) throws -> Function {
    try parseFunction(text.replacingOccurrences(of: "DT", with: dt.rawValue))
}

/// Runs `compiled` and the reference evaluator on the same tensors and compares every output.
func checkAgainstReference(
    _ compiled: CompiledFunction, inputs: [String: Tensor], params: [String: Tensor] = [:], _ tol: Tolerance,
    _ note: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
    let got = try compiled.run(inputs: inputs, params: params)
    expectMatchesReference(got, compiled.function, inputs: inputs, params: params, tol, note, sourceLocation: sourceLocation)
}

/// Compares outputs `got` of `f` with the reference evaluator's, within `tol`.
func expectMatchesReference(
    _ got: [String: Tensor], _ f: Function, inputs: [String: Tensor], params: [String: Tensor], _ tol: Tolerance,
    _ note: String, sourceLocation: Testing.SourceLocation
) {
    expectMatches(got, Reference.evaluate(f, inputs: inputs, params: params), tol, note, sourceLocation: sourceLocation)
}

/// Compares outputs `got` with already evaluated reference outputs `want`, within `tol`.
func expectMatches(
    _ got: [String: Tensor], _ want: [String: RefTensor], _ tol: Tolerance, _ note: String,
    sourceLocation: Testing.SourceLocation
) {
    #expect(Set(got.keys) == Set(want.keys), sourceLocation: sourceLocation)
    for (name, w) in want.sorted(by: { $0.key < $1.key }) {
        guard let g = got[name] else { continue }
        let ctx = "output '\(name)' \(note) shape \(w.shape)"
        #expect(g.dtype == w.dtype, "\(ctx): dtype", sourceLocation: sourceLocation)
        #expect(g.shape == w.shape, "\(ctx): shape \(g.shape)", sourceLocation: sourceLocation)
        let gv = g.doubles()
        guard gv.count == w.data.count else { continue }
        for (i, (x, y)) in zip(gv, w.data).enumerated() {
            let ok = (x.isNaN && y.isNaN) || x == y || Swift.abs(x - y) <= tol.atol + tol.rtol * Swift.abs(y)
            if !ok {
                Issue.record("\(ctx): element \(i) is \(x), expected \(y)", sourceLocation: sourceLocation)
                break
            }
        }
    }
}

/// The thrown error's message (or nil when nothing was thrown).
func errorMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let e as CodegenError {
        return e.message
    } catch {
        return "unexpected error type: \(error)"
    }
}

let optLevels = [0, 3]
let floatTypes: [DType] = [.f32, .f64]
