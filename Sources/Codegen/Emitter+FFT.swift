import CLLVM
import IR

/// The complex FFT of a power-of-two length M chosen at run time, as explicit butterfly stages: Stockham
/// autosort (no bit reversal), radix 4 while at least 4 points remain per sub-transform, then one radix-2
/// stage when log2 M is odd. Stage t reads `src` and writes `dst` (the two buffers swap each stage).
///
/// A radix-4 stage with sub-transform length n and stride s = M/n (n·s = M) computes, for p < n/4, q < s,
/// from a = x[q + s·p], b = x[q + s·(p + n/4)], c = …(p + n/2), d = …(p + 3n/4):
///     y[q + s·4p]     = (a + c) + (b + d)
///     y[q + s·(4p+1)] = w^p  · ((a − c) ∓ i(b − d))
///     y[q + s·(4p+2)] = w^2p · ((a + c) − (b + d))
///     y[q + s·(4p+3)] = w^3p · ((a − c) ± i(b − d))
/// with w = e^{∓2πi/n} = W_M^s (upper signs forward). The q loop is innermost and contiguous, so it vectorizes
/// once s ≥ the vector width; the first stage (s = 1) runs as one flat loop over p.
/// Twiddles come from `tw`, the table W_M^j = e^{−2πij/M}, j < M (conjugated for the inverse).
struct FFTPlan {
    let dtype: DType
    /// Points M (a power of two ≥ 1) and log2 M.
    let points: Index
    let log2Points: Index
    /// W_M^j for j < M.
    let twiddles: SplitComplex
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
    /// the other Stockham buffer. Returns where the result is (`a` or `scratch`, chosen by the stage count).
    func fft(_ plan: FFTPlan, _ a: SplitComplex, _ scratch: SplitComplex, inverse: Bool) -> SplitComplex {
        let m = plan.points
        let radix4Stages = lshr(plan.log2Points, index(1))
        // Stages 0 and 1 with their stride known (1 and 4), so the short q loops unroll into straight code; then
        // the rest, whose q loops are long enough to vectorize.
        forLoop(smin(radix4Stages, index(1))) { _ in
            radix4Stage(plan, n: m, s: index(1), from: a, to: scratch, inverse: inverse)
        }
        forLoop(sub(smin(radix4Stages, index(2)), smin(radix4Stages, index(1)))) { _ in
            radix4Stage(plan, n: lshr(m, index(2)), s: index(4), from: scratch, to: a, inverse: inverse)
        }
        forLoop(from: index(2), to: radix4Stages) { t in
            let even = LLVMBuildICmp(self.b, LLVMIntEQ, self.and(t, self.index(1)).value, self.index(0).value, "")!
            let twoT = self.shl(t, self.index(1))
            radix4Stage(plan, n: lshr(m, twoT), s: shl(index(1), twoT), from: select(even, a, scratch),
                        to: select(even, scratch, a), inverse: inverse)
        }
        // Where the radix-4 stages left the data: `a` after an even count.
        let evenSoFar = LLVMBuildICmp(b, LLVMIntEQ, and(radix4Stages, index(1)).value, index(0).value, "")!
        let afterRadix4 = select(evenSoFar, a, scratch)
        let other = select(evenSoFar, scratch, a)
        let odd = and(plan.log2Points, index(1))
        forLoop(odd) { _ in radix2Stage(plan, from: afterRadix4, to: other) }
        return select(isNonZero(odd), other, afterRadix4)
    }

    /// One radix-4 stage as a call of a helper function whose buffers are `noalias` (they are picked at run time,
    /// which would otherwise keep LLVM from vectorizing); a stride known here (1, 4) is built into its own helper.
    private func radix4Stage(_ plan: FFTPlan, n: Index, s: Index, from x: SplitComplex, to y: SplitComplex, inverse: Bool) {
        let dt = plan.dtype
        let name = "fft_radix4_\(dt)_\(inverse ? "inverse" : "forward")" + (s.known.map { "_s\($0)" } ?? "")
        let helper = helperFunction(name, pointers: 6, integers: 2) { p, i in
            radix4Butterflies(dt, n: i[0], s: s.known == nil ? i[1] : s, from: SplitComplex(re: p[0], im: p[1]),
                              to: SplitComplex(re: p[2], im: p[3]), twiddles: SplitComplex(re: p[4], im: p[5]), inverse: inverse)
        }
        _ = buildCall(b, helper.type, helper.fn, [x.re, x.im, y.re, y.im, plan.twiddles.re, plan.twiddles.im, n.value, s.value])
    }

    private func radix4Butterflies(_ dt: DType, n: Index, s: Index, from x: SplitComplex, to y: SplitComplex,
                                   twiddles: SplitComplex, inverse: Bool) {
        let quarter = lshr(n, index(2))
        forLoop(quarter) { p in
            let ps = self.mul(p, s)
            var w1 = self.load(dt, twiddles, ps)
            var w2 = self.load(dt, twiddles, self.add(ps, ps))
            var w3 = self.load(dt, twiddles, self.add(self.add(ps, ps), ps))
            if inverse { (w1, w2, w3) = (self.conj(w1), self.conj(w2), self.conj(w3)) }
            let inBase = ps, outBase = self.shl(ps, self.index(2))  // s·p and s·4p
            let stride = self.mul(quarter, s)  // s·n/4 = M/4
            self.forLoop(s) { q in
                let i0 = self.add(inBase, q)
                let a = self.load(dt, x, i0)
                let bb = self.load(dt, x, self.add(i0, stride))
                let c = self.load(dt, x, self.add(i0, self.add(stride, stride)))
                let d = self.load(dt, x, self.add(i0, self.mul(stride, self.index(3))))
                let apc = self.cadd(a, c), amc = self.csub(a, c)
                let bpd = self.cadd(bb, d), rot = self.timesI(self.csub(bb, d), positive: inverse)
                let o0 = self.add(outBase, q)
                self.store(self.cadd(apc, bpd), dt, y, o0)
                self.store(self.cmul(w1, self.cadd(amc, rot)), dt, y, self.add(o0, s))
                self.store(self.cmul(w2, self.csub(apc, bpd)), dt, y, self.add(o0, self.add(s, s)))
                self.store(self.cmul(w3, self.csub(amc, rot)), dt, y, self.add(o0, self.mul(s, self.index(3))))
            }
        }
    }

    /// The last stage when log2 M is odd: n = 2, s = M/2, no twiddles.
    private func radix2Stage(_ plan: FFTPlan, from x: SplitComplex, to y: SplitComplex) {
        let dt = plan.dtype
        let helper = helperFunction("fft_radix2_\(dt)", pointers: 4, integers: 1) { p, i in
            let (x, y, half) = (SplitComplex(re: p[0], im: p[1]), SplitComplex(re: p[2], im: p[3]), i[0])
            forLoop(half) { q in
                let a = self.load(dt, x, q), c = self.load(dt, x, self.add(q, half))
                self.store(self.cadd(a, c), dt, y, q)
                self.store(self.csub(a, c), dt, y, self.add(q, half))
            }
        }
        _ = buildCall(b, helper.type, helper.fn, [x.re, x.im, y.re, y.im, lshr(plan.points, index(1)).value])
    }
}
