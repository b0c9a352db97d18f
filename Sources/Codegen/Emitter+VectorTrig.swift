import CLLVM
import IR

/// sin(x) and cos(x) of f32 values in registers, on scalars or <lanes x float> vectors, without branches or calls, so
/// elementwise loops over them vectorize (S4D's Vandermonde, Hyena's positional features: millions of sin/cos per
/// run, where a libm call per element dominated). Each lane is computed in double and rounded once to float: the
/// argument reduction is exact enough and the polynomials accurate enough that the result is the correctly rounded
/// sin/cos in all but rare near-halfway cases: Tests/CodegenTests/VectorTrigTests.swift measures at most 0.50005 ulp
/// over ~1.5·10⁶ arguments (a dense grid near zero, magnitudes to 2^30, every exponent to the largest float, floats
/// nearest multiples of π/2) against glibc in double, and holds it to ≤ 1 ulp. f64 keeps libm.
///
/// Reduction: x = k·(π/2) + r, |r| ≲ π/4, and the quadrant k mod 4 picks ±sin r or ±cos r.
/// - |x| < 2^30: k = round(x·2/π) by the 1.5·2^52 shift trick (its low bits are k mod 4; no fptosi, so NaN and inf
///   cannot produce poison), r = x − k·C1 − k·C2 with π/2 = C1 + C2 (+ 1.5e−33) in two fused multiply-adds: each
///   product is exact inside the FMA, so r is accurate to ~1e−16 relative.
/// - |x| ≥ 2^30: x·(2/π) with 2/π in four 53-bit pieces, each product split exactly by an FMA and reduced mod 4
///   exactly (`largeReduction`); exact for every finite float. Both reductions run and a select keeps one: a branch
///   would stop the loop vectorizer, and the large one is about half the cost (measured: W6's fused Vandermonde
///   kernel, 6.3·10⁶ sin/cos pairs, 126 ms with libm calls → ~90 ms, 1 thread).
/// Then sin r = r + r³·P(r²) (Taylor to r¹¹) and cos r = 1 − r²/2 + r⁴·Q(r²) (to r¹²): truncation ≤ 7e−12 on
/// |r| ≤ π/4 + a little, far below a float ulp. NaN gives NaN; ±inf gives NaN.
extension Emitter {
    func fastSin(_ x: LLVMValueRef, lanes: Int) -> LLVMValueRef { sinCos(x, lanes: lanes, cosine: false) }
    func fastCos(_ x: LLVMValueRef, lanes: Int) -> LLVMValueRef { sinCos(x, lanes: lanes, cosine: true) }

    private func sinCos(_ x: LLVMValueRef, lanes: Int, cosine: Bool) -> LLVMValueRef {
        let dt = vectorType(f64, lanes), it = vectorType(i64, lanes)
        func c(_ v: Double) -> LLVMValueRef { splat(float(v, .f64), lanes) }
        func ci(_ v: Int64) -> LLVMValueRef { splat(LLVMConstInt(i64, UInt64(bitPattern: v), 1), lanes) }
        func fma(_ a: LLVMValueRef, _ b: LLVMValueRef, _ c: LLVMValueRef) -> LLVMValueRef { intrinsic("fma", [dt], [a, b, c]) }
        func bits(_ v: LLVMValueRef) -> LLVMValueRef { LLVMBuildBitCast(b, v, it, "")! }
        let shift = c(6755399441055744)  // 1.5·2^52: adding it rounds to an integer kept in the low mantissa bits

        let xd = LLVMBuildFPExt(b, x, dt, "")!
        let (c1, c2) = Self.piOver2

        // |x| < 2^30: Cody–Waite with FMAs.
        let t = fma(xd, c(0.6366197723675814), shift)
        let k = fsub(t, shift)
        let negK = LLVMBuildFNeg(b, k, "")!
        let rSmall = fma(negK, c(c2), fma(negK, c(c1), xd))

        let absX = intrinsic("fabs", [vectorType(f32, lanes)], [x])
        let large = LLVMBuildFCmp(b, LLVMRealOGE, absX, splat(float(Double(1 << 30), .f32), lanes), "")!
        // Both reductions run (branch-free, so loops over them vectorize); a select keeps the right one.
        let (rLarge, qLarge) = largeReduction(xd, lanes: lanes)
        let r = LLVMBuildSelect(b, large, rLarge, rSmall, "")!
        let quadrant0 = LLVMBuildSelect(b, large, qLarge, bits(t), "")!
        var quadrant = quadrant0
        if cosine { quadrant = LLVMBuildAdd(b, quadrant, ci(1), "")! }  // cos x = sin(x + π/2)

        let r2 = fmul(r, r)
        func factorial(_ n: Int) -> Double { (1...n).reduce(1.0) { $0 * Double($1) } }
        var ps = c(-1 / factorial(11))
        for n in stride(from: 9, through: 3, by: -2) { ps = fma(ps, r2, c((n / 2 % 2 == 0 ? 1 : -1) / factorial(n))) }
        let sinR = fma(fmul(ps, r2), r, r)
        var pc = c(1 / factorial(12))
        for n in stride(from: 10, through: 4, by: -2) { pc = fma(pc, r2, c((n / 2 % 2 == 0 ? 1 : -1) / factorial(n))) }
        let cosR = fma(fmul(pc, r2), r2, fma(r2, c(-0.5), c(1)))

        // Quadrant q: sin x = sin r, cos r, −sin r, −cos r for q = 0, 1, 2, 3.
        let odd = LLVMBuildICmp(b, LLVMIntNE, LLVMBuildAnd(b, quadrant, ci(1), "")!, ci(0), "")!
        let negative = LLVMBuildICmp(b, LLVMIntNE, LLVMBuildAnd(b, quadrant, ci(2), "")!, ci(0), "")!
        let v = LLVMBuildSelect(b, odd, cosR, sinR, "")!
        var signed = LLVMBuildSelect(b, negative, LLVMBuildFNeg(b, v, "")!, v, "")!
        if !cosine {  // sin ±0 = ±0 (the polynomial's r + r³·P would give +0 for −0)
            signed = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOEQ, xd, c(0), "")!, xd, signed, "")!
        }
        return LLVMBuildFPTrunc(b, signed, vectorType(f32, lanes), "")!
    }

    /// r and the quadrant bits (low two bits: k mod 4) of floats |x| ≥ 2^30. With 2/π = A1 + A2 + A3 + A4 (212 bits
    /// in four 53-bit pieces), each product x·Ak is split exactly into hi + lo by an FMA, each part is reduced mod 4
    /// exactly (v − 4·rint(v/4): 0 for parts whose lowest bit is ≥ 4), and the eight small parts are summed with their
    /// integer parts taken out as they come, so the fraction keeps its low bits. Exact to ~2^−52 of the fraction for
    /// every finite float (x = m·2^s with s ≤ 104, so no piece beyond A4 reaches the fraction's precision).
    private func largeReduction(_ xd: LLVMValueRef, lanes: Int) -> (r: LLVMValueRef, quadrant: LLVMValueRef) {
        let dt = vectorType(f64, lanes), it = vectorType(i64, lanes)
        func c(_ v: Double) -> LLVMValueRef { splat(float(v, .f64), lanes) }
        func fma(_ a: LLVMValueRef, _ b: LLVMValueRef, _ c: LLVMValueRef) -> LLVMValueRef { intrinsic("fma", [dt], [a, b, c]) }
        func rint(_ v: LLVMValueRef) -> LLVMValueRef { intrinsic("rint", [dt], [v]) }
        func mod4(_ v: LLVMValueRef) -> LLVMValueRef { fma(rint(fmul(v, c(0.25))), c(-4), v) }
        var fraction = c(0), integer = c(0)
        for a in TwoOverPi.pieces {
            let hi = fmul(xd, c(a))
            let lo = fma(xd, c(a), LLVMBuildFNeg(b, hi, "")!)
            for part in [hi, lo] {
                let sum = fadd(fraction, mod4(part))
                let n = rint(sum)
                fraction = fsub(sum, n)
                integer = fadd(integer, n)
            }
        }
        let r = fma(fraction, c(Self.piOver2.hi), fmul(fraction, c(Self.piOver2.lo)))
        // integer is a small whole number (|integer| ≤ 16): its low bits through the shift trick.
        let shifted = fadd(integer, c(6755399441055744))
        return (r, LLVMBuildBitCast(b, shifted, it, "")!)
    }

    /// π/2 = hi + lo (+ 1.5·10⁻³³) in doubles.
    private static let piOver2 = (hi: 1.5707963267948966, lo: 6.123233995736766e-17)

}

/// 2/π in four doubles whose sum holds its first 212 bits exactly (each piece 53 consecutive bits, truncated).
enum TwoOverPi {
    /// 2/π = 0.A2F9836E… in hexadecimal.
    static let hexDigits = "A2F9836E4E441529FC2757D1F534DDC0DB6295993C439041FE5163ABDEBBC561B7246E3A424DD2E006492EEA09D1921C"

    static let pieces: [Double] = {
        let bits = hexDigits.flatMap { ch -> [Int] in
            let v = Int(String(ch), radix: 16)!
            return (0..<4).map { (v >> (3 - $0)) & 1 }
        }
        // Piece k holds bits 53k + 1 … 53k + 53 (bit i has weight 2^−i).
        return (0..<4).map { k in
            let integer = bits[(53 * k)..<(53 * k + 53)].reduce(0) { $0 * 2 + $1 }
            return Double(integer) * Double(sign: .plus, exponent: -53 * (k + 1), significand: 1)
        }
    }()
}
