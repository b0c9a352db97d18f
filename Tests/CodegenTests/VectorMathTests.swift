// The accuracy of the in-register log, sigmoid, silu and softplus (Emitter+VectorMath.swift) that elementwise kernels
// use, read out through the unary ops themselves: errors in ulps of the correctly rounded result, against Foundation's
// functions in double (f32) or long-double-free double references (f64, where glibc is itself within 1 ulp).
// Bounds: log ≤ 2 ulp; the composed activations ≤ 4 ulp (one exp, one division, one log each, every step ≤ 1–2 ulp).
// A count that is not a multiple of the vector width makes the one-lane tail run too.
import Foundation
import IR
import Testing

@testable import Codegen

struct VectorMathTests {
    static func jit(_ op: String, _ xs: [Double], _ dt: DType) throws -> [Double] {
        let f = try function("""
            func @f {
              %0 = input "x" : DT[N]
              %1 = \(op) %0 : DT[N]
              output "y" = %1
            }
            """, dt)
        let c = try CompiledFunction(f, options: .init(optLevel: 3))
        let out = try c.run(inputs: ["x": try Tensor(shape: [xs.count], doubles: xs).converted(to: dt)], params: [:])
        return out["y"]!.doubles()
    }

    /// Largest error in ulps of `op` over `xs` (representable in `dt`) against `exact`, and where it occurs.
    static func worstError(_ op: String, _ xs: [Double], _ dt: DType, _ exact: (Double) -> Double) throws
        -> (ulps: Double, at: Double)
    {
        let got = try jit(op, xs, dt)
        var worst = (ulps: 0.0, at: 0.0)
        for (x, g) in zip(xs, got) {
            let e = exact(x)
            if g == e || (g.isNaN && e.isNaN) { continue }
            let ulp: Double
            if dt == .f32 {
                let r = Float(e)
                ulp = r.isInfinite ? .infinity : Double(r == 0 ? Float.leastNonzeroMagnitude : r.ulp)
            } else {
                ulp = e == 0 ? Double.leastNonzeroMagnitude : e.ulp
            }
            // Below the normal range a result's precision is the subnormal spacing, and silu multiplies a sigmoid that
            // may be subnormal (already rounded to that spacing) by x: where e/x is subnormal the error counts in
            // spacings times |x|.
            let normal = dt == .f32 ? Double(Float.leastNormalMagnitude) : Double.leastNormalMagnitude
            let scale = Swift.abs(e) < normal * Swift.max(1, Swift.abs(x)) ? Swift.max(1, Swift.abs(x)) : 1
            let err = ulp.isInfinite ? (g.isInfinite ? 0 : .infinity) : Swift.abs(g - e) / (ulp * scale)
            if !(err <= worst.ulps) { worst = (err.isNaN ? .infinity : err, x) }
        }
        return worst
    }

    /// Positive arguments from the subnormals to the largest finite value, log-spaced, plus a dense grid near 1.
    static func positives(_ dt: DType, count: Int) -> [Double] {
        let (lo, hi) = dt == .f32 ? (Double(Float.leastNonzeroMagnitude), Double(Float.greatestFiniteMagnitude))
                                  : (Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude)
        let (a, b) = (Foundation.log(lo), Foundation.log(hi))
        var xs = (0..<count).map { Foundation.exp(a + (b - a) * Double($0) / Double(count - 1)) }
        xs += (0..<count / 4).map { 0.5 + 1.5 * Double($0) / Double(count / 4) }
        return xs.map { dt == .f32 ? Double(Float($0)) : $0 }.filter { $0 > 0 && $0.isFinite }
    }

    static func activationArguments(_ dt: DType) -> [Double] {
        var xs = (0..<200_001).map { -100 + 200 * Double($0) / 200_000 }
        xs += (0..<20_001).map { 1e-3 * (Double($0) / 10_000 - 1) }
        return xs.map { dt == .f32 ? Double(Float($0)) : $0 }
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    @Test(arguments: [DType.f32, .f64])
    func logWithinTwoUlps(_ dt: DType) throws {
        let worst = try Self.worstError("log", Self.positives(dt, count: 400_001), dt, Foundation.log)
        #expect(worst.ulps <= 2, "\(dt) log: \(worst.ulps) ulp at \(worst.at)")
    }

    @Test(arguments: [DType.f32, .f64])
    func activationsWithinFourUlps(_ dt: DType) throws {
        let xs = Self.activationArguments(dt)
        let references: [(String, (Double) -> Double)] = [
            ("sigmoid", Self.sigmoid),
            ("silu", { $0 * Self.sigmoid($0) }),
            ("softplus", { $0 > 20 ? $0 : Foundation.log1p(Foundation.exp($0)) }),
            ("exp", Foundation.exp),
        ]
        for (op, exact) in references {
            let worst = try Self.worstError(op, xs, dt, exact)
            #expect(worst.ulps <= 4, "\(dt) \(op): \(worst.ulps) ulp at \(worst.at)")
        }
    }

    @Test(arguments: [DType.f32, .f64])
    func specialValues(_ dt: DType) throws {
        let xs: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, 1e-40, 5e-324, -1e-30, 1e30, -1e30]
        for (op, exact) in [("log", Foundation.log), ("sigmoid", Self.sigmoid),
                            ("softplus", { $0 > 20 ? $0 : Foundation.log1p(Foundation.exp($0)) })] as [(String, (Double) -> Double)] {
            let input = xs.map { dt == .f32 ? Double(Float($0)) : $0 }
            let got = try Self.jit(op, input, dt)
            for (x, g) in zip(input, got) {
                let e = dt == .f32 ? Double(Float(exact(x))) : exact(x)
                let same = g == e || (g.isNaN && e.isNaN) || Swift.abs(g - e) <= 4 * (dt == .f32 ? Double(Float(e).ulp) : e.ulp)
                #expect(same, "\(dt) \(op)(\(x)) = \(g), expected \(e)")
            }
        }
    }
}
