// The accuracy of the in-register f32 sin and cos (Emitter+VectorTrig.swift), read out through the unary ops: errors
// in ulps of the correctly rounded result against Foundation's sin/cos in double (glibc's, with a full Payne–Hanek
// reduction). Bound: ≤ 1 ulp — the code evaluates in double and rounds once, so only near-halfway cases may differ
// from the correctly rounded float. Arguments: a dense grid around zero, random floats up to the 2^30 switch
// between the two reductions, floats on both sides of that switch, every power-of-two decade up to the largest
// float, floats nearest multiples of π/2 (where the reduction cancels most), and the special values.
import Foundation
import IR
import Testing

@testable import Codegen

struct VectorTrigTests {
    static func arguments() -> [Double] {
        var xs = (0..<200_001).map { -10 + 20 * Double($0) / 200_000 }
        // Log-uniform magnitudes up to the 2^30 switch, both signs (deterministic: a Weyl sequence).
        xs += (0..<200_000).map { i in
            let u = (Double(i) * 0.6180339887498949).truncatingRemainder(dividingBy: 1)
            return (i % 2 == 0 ? 1 : -1) * Foundation.exp(u * 30 * Foundation.log(2))
        }
        // Around the 2^30 switch and far beyond: a spread of mantissas at every exponent 2^20 … 2^127, both signs.
        for e in 20...127 {
            for k in 0..<64 {
                let x = Double(Float(sign: .plus, exponent: e, significand: 1 + Float(k) / 64 + Float(e % 7) / 4096))
                xs += [x, -x]
            }
        }
        // The floats nearest k·π/2 for k up to 10^6 (every 997th).
        for k in stride(from: 1, to: 1_000_000, by: 997) {
            let v = Float(Double(k) * Double.pi / 2)
            xs += [Double(v), Double(v.nextUp), Double(v.nextDown)]
        }
        xs += [0, Double(Float.leastNonzeroMagnitude), Double(Float.leastNormalMagnitude), 1e-20, Double(Float.greatestFiniteMagnitude)]
        return xs.map { Double(Float($0)) }
    }

    @Test func sinWithinOneUlp() throws {
        let worst = try VectorMathTests.worstError("sin", Self.arguments(), .f32, Foundation.sin)
        #expect(worst.ulps <= 1, "sin: \(worst.ulps) ulp at \(worst.at)")
    }

    @Test func cosWithinOneUlp() throws {
        let worst = try VectorMathTests.worstError("cos", Self.arguments(), .f32, Foundation.cos)
        #expect(worst.ulps <= 1, "cos: \(worst.ulps) ulp at \(worst.at)")
    }

    /// Signed zero, NaN and infinities; and a fused chain (the loop vectorizer widens the one-lane form) gives the
    /// same bits as the lone op's explicit vectors.
    @Test func specialValuesAndFusedChains() throws {
        let specials: [Double] = [0, -0.0, .nan, .infinity, -.infinity]
        let s = try VectorMathTests.jit("sin", specials, .f32)
        #expect(s[0] == 0 && s[0].sign == .plus && s[1] == 0 && s[1].sign == .minus)
        #expect(s[2].isNaN && s[3].isNaN && s[4].isNaN)
        let c = try VectorMathTests.jit("cos", specials, .f32)
        #expect(c[0] == 1 && c[1] == 1 && c[2].isNaN && c[3].isNaN && c[4].isNaN)

        let xs = Array(Self.arguments().prefix(5000)) + Array(Self.arguments().suffix(3000))
        let f = try function("""
            func @f {
              %0 = input "x" : f32[N]
              %1 = const 1.0 : f32[]
              %2 = mul %0, %1 : f32[N]
              %3 = sin %2 : f32[N]
              %4 = cos %2 : f32[N]
              output "s" = %3
              output "c" = %4
            }
            """)
        let fused = try CompiledFunction(f, options: .init(optLevel: 3))
        #expect(fused.kernelCalls == 1)
        let out = try fused.run(inputs: ["x": try Tensor(shape: [xs.count], doubles: xs).converted(to: .f32)], params: [:])
        #expect(out["s"]!.doubles().map(\.bitPattern) == (try VectorMathTests.jit("sin", xs, .f32)).map(\.bitPattern))
        #expect(out["c"]!.doubles().map(\.bitPattern) == (try VectorMathTests.jit("cos", xs, .f32)).map(\.bitPattern))
    }
}
