import CLLVM
import Foundation
import IR

/// The complex FFT of a 5-smooth length M = 2^a·3^b·5^c chosen at run time (Emitter+FFTLength.swift), as explicit
/// butterfly stages: Stockham autosort (no bit reversal), in the order of FFTLength.swift — radix 4 while 4 divides
/// the remaining sub-transform length, one radix 2 if 2 does, then radix 3, then radix 5. Stage t reads `src` and
/// writes `dst` (the two buffers swap each stage).
///
/// A radix-r stage with sub-transform length n and stride s = M/n (n·s = M) computes, for p < n/r, q < s, the r-point
/// DFT of x[q + s·(p + j·n/r)], j < r, multiplies its output j by w^{jp} and writes it to y[q + s·(r·p + j)], with
/// w = e^{∓2πi/n} = W_M^s (upper sign forward). For r = 4, from a, b, c, d:
///     y₀ = (a + c) + (b + d),  y₁ = (a − c) ∓ i(b − d),  y₂ = (a + c) − (b + d),  y₃ = (a − c) ± i(b − d);
/// r = 2: a + b, a − b; r = 3 and 5: the DFT with the constants cos and sin of 2π/3, 2π/5, 4π/5 (`dft`).
/// The q loop is innermost and contiguous, so it vectorizes once s ≥ the vector width; the first two radix-4 stages
/// (s = 1, 4) have their stride built in. The p = 0 column (twiddles all 1) runs without twiddle products.
/// Twiddles come from `tw`, the table W_M^j = e^{−2πij/M}, j < M (conjugated for the inverse).
struct FFTPlan {
    let dtype: DType
    /// M and its factorization, which fixes the stages.
    let length: FFTLength
    /// W_M^j for j < M.
    let twiddles: SplitComplex

    var points: Index { length.points }
}

extension Emitter {
    /// Fills `tw` with e^{−2πij/M} for j < M, each computed in f64 from its own angle and rounded once.
    func fillTwiddles(_ dt: DType, _ tw: SplitComplex, count: Index, period: Index) {
        let periodF = LLVMBuildSIToFP(b, period.value, f64, "")!
        forLoop(count) { j in
            let jF = LLVMBuildSIToFP(self.b, j.value, self.f64, "")!
            let angle = fdiv(fmul(float(-2 * Double.pi, .f64), jF), periodF)
            store(toDType(intrinsic("cos", .f64, angle), dt), dt, tw.re, j)
            store(toDType(intrinsic("sin", .f64, angle), dt), dt, tw.im, j)
        }
    }

    func toDType(_ v: LLVMValueRef, _ dt: DType) -> LLVMValueRef {
        dt == .f64 ? v : LLVMBuildFPTrunc(b, v, type(dt), "")!
    }

    /// Transforms `a` (forward: X[k] = Σ x[j] e^{−2πijk/M}; inverse: the same with +, unscaled) using `scratch` as
    /// the other Stockham buffer. Returns where the result is (`a` or `scratch`, by the parity of the stage count).
    func fft(_ plan: FFTPlan, _ a: SplitComplex, _ scratch: SplitComplex, inverse: Bool) -> SplitComplex {
        let m = plan.points
        let radix4Stages = lshr(plan.length.twos, index(1))
        /// The buffers of stage `t`: it reads `a` when t is even.
        func buffers(_ t: Index) -> (from: SplitComplex, to: SplitComplex) {
            let even = LLVMBuildICmp(b, LLVMIntEQ, and(t, index(1)).value, index(0).value, "")!
            return (select(even, a, scratch), select(even, scratch, a))
        }
        // Stages 0 and 1 with their stride known (1 and 4), so the short q loops unroll into straight code; then
        // the rest, whose q loops are long enough to vectorize.
        forLoop(smin(radix4Stages, index(1))) { _ in
            stage(plan, radix: 4, n: m, s: index(1), from: a, to: scratch, inverse: inverse)
        }
        forLoop(sub(smin(radix4Stages, index(2)), smin(radix4Stages, index(1)))) { _ in
            stage(plan, radix: 4, n: lshr(m, index(2)), s: index(4), from: scratch, to: a, inverse: inverse)
        }
        forLoop(from: index(2), to: radix4Stages) { t in
            let twoT = self.shl(t, self.index(1))
            let (x, y) = buffers(t)
            stage(plan, radix: 4, n: lshr(m, twoT), s: shl(index(1), twoT), from: x, to: y, inverse: inverse)
        }
        // Then radix 2, 3 and 5 (the stride s grows by the radix each stage, n = M/s).
        var done = radix4Stages
        let stride = entryAlloca(i64)
        LLVMBuildStore(b, shl(index(1), shl(radix4Stages, index(1))).value, stride)
        let radix2Stages = and(plan.length.twos, index(1))
        for (radix, count) in [(2, radix2Stages), (3, plan.length.threes), (5, plan.length.fives)] {
            let before = done
            forLoop(count) { t in
                let s = Index(value: LLVMBuildLoad2(self.b, self.i64, stride, "")!, known: nil)
                let (x, y) = buffers(self.add(before, t))
                stage(plan, radix: radix, n: udiv(m, s), s: s, from: x, to: y, inverse: inverse)
                LLVMBuildStore(self.b, self.mul(s, self.index(radix)).value, stride)
            }
            done = add(done, count)
        }
        return buffers(done).from
    }

    /// One stage as a call of a helper function whose buffers are `noalias` (they are picked at run time, which
    /// would otherwise keep LLVM from vectorizing); a stride known here (1, 4) is built into its own helper.
    private func stage(_ plan: FFTPlan, radix: Int, n: Index, s: Index, from x: SplitComplex, to y: SplitComplex,
                       inverse: Bool) {
        let dt = plan.dtype
        let name = "fft_radix\(radix)_\(dt)_\(inverse ? "inverse" : "forward")" + (s.known.map { "_s\($0)" } ?? "")
        let helper = helperFunction(name, pointers: 6, integers: 2) { p, i in
            butterflies(radix, dt, n: i[0], s: s.known == nil ? i[1] : s, from: SplitComplex(re: p[0], im: p[1]),
                        to: SplitComplex(re: p[2], im: p[3]), twiddles: SplitComplex(re: p[4], im: p[5]), inverse: inverse)
        }
        _ = buildCall(b, helper.type, helper.fn, [x.re, x.im, y.re, y.im, plan.twiddles.re, plan.twiddles.im, n.value, s.value])
    }

    private func butterflies(_ r: Int, _ dt: DType, n: Index, s: Index, from x: SplitComplex, to y: SplitComplex,
                             twiddles: SplitComplex, inverse: Bool) {
        let columns = udiv(n, index(r))  // n/r
        let stride = mul(columns, s)  // s·n/r = M/r
        func column(_ p: Index, twiddled: Bool) {
            let ps = mul(p, s)
            let w = (1..<r).map { j -> ComplexValue in
                guard twiddled else { return ComplexValue(re: float(1, dt), im: zero(dt)) }
                let v = load(dt, twiddles, mul(ps, index(j)))
                return inverse ? conj(v) : v
            }
            let outBase = mul(ps, index(r))  // s·r·p
            forLoop(s) { q in
                let i0 = self.add(ps, q)
                let inputs = (0..<r).map { j in self.load(dt, x, self.add(i0, self.mul(stride, self.index(j)))) }
                let o0 = self.add(outBase, q)
                for (j, v) in self.dft(dt, inputs, inverse: inverse).enumerated() {
                    self.store(j == 0 || !twiddled ? v : self.cmul(w[j - 1], v), dt, y, self.add(o0, self.mul(s, self.index(j))))
                }
            }
        }
        column(index(0), twiddled: false)
        forLoop(from: index(1), to: columns) { p in column(p, twiddled: true) }
    }

    /// The r-point DFT (r = 2, 3, 4, 5) of `v`: y_k = Σ_j v_j e^{∓2πijk/r} (upper sign forward), with the fewest
    /// multiplications: sums and differences of the pairs j, r − j, then the real cos and sin constants.
    private func dft(_ dt: DType, _ v: [ComplexValue], inverse: Bool) -> [ComplexValue] {
        // ∓i·x: the sign of the imaginary rotation of the forward (−) or inverse (+) transform.
        func rotate(_ x: ComplexValue) -> ComplexValue { timesI(x, positive: inverse) }
        func c(_ x: Double) -> LLVMValueRef { float(x, dt) }
        switch v.count {
        case 2:
            return [cadd(v[0], v[1]), csub(v[0], v[1])]
        case 3:
            let t = cadd(v[1], v[2])
            let mid = cadd(v[0], scale(t, c(-0.5)))  // cos(2π/3) = −½
            let r = rotate(scale(csub(v[1], v[2]), c(sin(2 * Double.pi / 3))))
            return [cadd(v[0], t), cadd(mid, r), csub(mid, r)]
        case 4:
            let apc = cadd(v[0], v[2]), amc = csub(v[0], v[2])
            let bpd = cadd(v[1], v[3]), r = rotate(csub(v[1], v[3]))
            return [cadd(apc, bpd), cadd(amc, r), csub(apc, bpd), csub(amc, r)]
        default:
            precondition(v.count == 5, "the FFT has stages of radix 2, 3, 4 and 5 only")
            let (c1, c2) = (c(cos(2 * Double.pi / 5)), c(cos(4 * Double.pi / 5)))
            let (s1, s2) = (c(sin(2 * Double.pi / 5)), c(sin(4 * Double.pi / 5)))
            let t1 = cadd(v[1], v[4]), t2 = cadd(v[2], v[3])
            let d1 = csub(v[1], v[4]), d2 = csub(v[2], v[3])
            let m1 = cadd(v[0], cadd(scale(t1, c1), scale(t2, c2)))
            let m2 = cadd(v[0], cadd(scale(t1, c2), scale(t2, c1)))
            let r1 = rotate(cadd(scale(d1, s1), scale(d2, s2)))
            let r2 = rotate(csub(scale(d1, s2), scale(d2, s1)))
            return [cadd(v[0], cadd(t1, t2)), cadd(m1, r1), cadd(m2, r2), csub(m2, r2), csub(m1, r1)]
        }
    }
}
