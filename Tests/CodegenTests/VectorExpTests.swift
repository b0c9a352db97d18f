// The accuracy of the exp that ssm_scan_exp computes in registers (Emitter+VectorExp.swift), read out through the op
// itself: with Δ = 1, x = 0 and h0 = 1 over one time step, the last state is exactly exp(A) (1·a + 0·b = a). Error
// is in ulps of the correctly rounded result, against Foundation's exp in double (for f32) or in double itself (f64,
// where glibc's exp is itself within 1 ulp). The documented bound is ≤ 2 ulp (measured exhaustively: 1.013 f32).
import Foundation
import IR
import Testing

@testable import Codegen

struct VectorExpTests {
    /// exp of every value in `xs` by the S6 lane kernel (N = 16 states per channel, known) or, with `generic`, by
    /// the one-element-at-a-time kernel (symbolic N).
    static func jitExp(_ xs: [Double], _ dt: DType, generic: Bool = false) throws -> [Double] {
        let n = 16
        let padded = xs + [Double](repeating: 0, count: (n - xs.count % n) % n)
        let h = padded.count / n
        let f = try function("""
            func @exp {
              %0 = input "one" : DT[1, 1, H, 1]
              %1 = input "a" : DT[1, 1, H, N]
              %2 = input "zero" : DT[1, 1, 1, 1]
              %3 = input "x" : DT[1, 1, H, 1]
              %4 = input "h0" : DT[1, H, 1, N]
              %5, %6 = ssm_scan_exp %0, %1, %2, %2, %3, %4 : DT[1, 1, H, 1], DT[1, H, 1, N]
              output "exp" = %6
            }
            """.replacingOccurrences(of: "N]", with: generic ? "N]" : "\(n)]"), dt)
        let c = try CompiledFunction(f, options: .init(optLevel: 3))
        func t(_ shape: [Int], _ v: [Double]) throws -> Tensor { try Tensor(shape: shape, doubles: v).converted(to: dt) }
        let out = try c.run(inputs: [
            "one": t([1, 1, h, 1], .init(repeating: 1, count: h)), "a": t([1, 1, h, n], padded),
            "zero": t([1, 1, 1, 1], [0]), "x": t([1, 1, h, 1], .init(repeating: 0, count: h)),
            "h0": t([1, h, 1, n], .init(repeating: 1, count: h * n)),
        ], params: [:])
        return Array(out["exp"]!.doubles().prefix(xs.count))
    }

    /// Largest error in ulps of exp over `xs` (already representable in `dt`), and the argument where it occurs.
    static func worstError(_ xs: [Double], _ dt: DType, generic: Bool = false) throws -> (ulps: Double, at: Double) {
        let got = try jitExp(xs, dt, generic: generic)
        var worst = (ulps: 0.0, at: 0.0)
        for (x, g) in zip(xs, got) {
            let exact = Foundation.exp(x)
            let ulp: Double
            if dt == .f32 {
                let r = Float(exact)
                ulp = r.isInfinite ? .infinity : Double(r == 0 ? Float.leastNonzeroMagnitude : r.ulp)
            } else {
                ulp = exact == 0 ? Double.leastNonzeroMagnitude : exact.ulp
            }
            let e = g == exact ? 0 : (ulp.isInfinite ? (g.isInfinite ? 0 : .infinity) : Swift.abs(g - exact) / ulp)
            if e > worst.ulps { worst = (e, x) }
        }
        return worst
    }

    @Test func f32WithinTwoUlps() throws {
        // All 1.1·10⁹ floats of [-88, 0] are too many for a test (checked once outside it: ≤ 1.010 ulp). Here: a grid
        // of 2^20 points over [-88, 0], small arguments where exp ≈ 1, positive ones up to overflow, the subnormal range.
        var xs: [Double] = (0..<(1 << 20)).map { Double(Float(-88 * Double($0) / Double(1 << 20))) }
        xs += (0..<20000).map { Double(Float(1e-3 * (Double($0) / 10000 - 1))) }
        xs += (0..<20000).map { Double(Float(88.7 * Double($0) / 20000)) }
        xs += (0..<20000).map { Double(Float(-88 - 15.9 * Double($0) / 20000)) }
        let worst = try Self.worstError(xs, .f32)
        #expect(worst.ulps <= 2, "f32 exp: \(worst.ulps) ulp at \(worst.at)")
        let generic = try Self.worstError(Array(xs.prefix(50000)), .f32, generic: true)
        #expect(generic.ulps <= 2, "f32 exp (generic kernel): \(generic.ulps) ulp at \(generic.at)")
    }

    @Test func f64WithinTwoUlps() throws {
        var xs: [Double] = (0..<(1 << 19)).map { -745 + 1454.7 * Double($0) / Double(1 << 19) }
        xs += (0..<20000).map { 1e-3 * (Double($0) / 10000 - 1) }
        let worst = try Self.worstError(xs, .f64)
        #expect(worst.ulps <= 2, "f64 exp: \(worst.ulps) ulp at \(worst.at)")
    }

    @Test(arguments: [DType.f32, .f64])
    func specialValues(_ dt: DType) throws {
        let xs: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, -1000, 1000, -104, -746, 89, 710]
        let got = try Self.jitExp(xs, dt)
        #expect(got[0] == 1 && got[1] == 1)
        #expect(Swift.abs(got[2] - M_E) < 1e-6 && Swift.abs(got[3] - 1 / M_E) < 1e-7)
        #expect(got[4] == .infinity && got[5] == 0 && got[6].isNaN)
        #expect(got[7] == 0 && got[8] == .infinity)
        if dt == .f32 { #expect(got[9] == 0 && got[11] == .infinity) } else { #expect(got[10] == 0 && got[12] == .infinity) }
    }
}
