import CLLVM
import IR

/// `rfft` and `irfft` (NumPy's semantics, Interpreter/Fourier.swift) through the FFT of Emitter+FFT.swift.
/// Their length n is any size, so each line's DFT runs by Bluestein's algorithm: with the chirp c_j = e^{−iπj²/n},
///     X[k] = c_k · Σ_t (x_t c_t) · conj(c_{k−t}),
/// a convolution of length n computed as a circular one of a 5-smooth length P ≥ 2n − 1 — one forward FFT of the
/// chirped line, a product with the (once per chunk) spectrum of conj(c), one inverse FFT, and the chirp again.
/// The inverse DFT is conj(DFT(conj X)). Lines along `axis` are partitioned across threads; each chunk prepares its
/// tables once in its workspace from the host (ChunkWorkspace: the chirp [n], twiddles, the chirp spectrum and two
/// buffers [P]).
extension Emitter {
    /// re, im [.., n/2 + 1, ..] = rfft(x, n) along `axis`, x zero-padded or cut to n.
    func lowerRFFT(axis: Int, n: Dim, _ x: Value, _ px: LLVMValueRef, _ re: Value, _ pre: LLVMValueRef, _ pim: LLVMValueRef) {
        let dt = x.type.dtype
        let len = extent(x.type.shape[axis])
        let bins = extent(re.type.shape[axis])
        let size = extent(n)
        // Bins the DFT gives: all of them, except for n = 0, whose one bin is the empty sum. An empty line (L = 0)
        // has nothing to read: its spectrum is zero too.
        let computed = mul(smin(bins, size), smin(len, index(1)))
        fourierLines(dt, x.type.shape, axis: axis, size: n) { dft, line in
            let (inRow, inner) = line(len), (outRow, _) = line(bins)
            forLoop(smin(computed, index(1))) { _ in
                dft.transform(self, input: { t in
                    let inside = LLVMBuildICmp(self.b, LLVMIntSLT, t.value, len.value, "")!
                    let at = self.select(inside, t, self.index(0))  // never read past the line
                    let v = LLVMBuildSelect(self.b, inside, self.load(dt, px, self.add(inRow, self.mul(at, inner))),
                                            self.zero(dt), "")!
                    return ComplexValue(re: v, im: self.zero(dt))
                }, count: computed) { k, v in
                    self.store(v.re, dt, pre, self.add(outRow, self.mul(k, inner)))
                    self.store(v.im, dt, pim, self.add(outRow, self.mul(k, inner)))
                }
            }
            forLoop(from: computed, to: bins) { k in
                self.store(self.zero(dt), dt, pre, self.add(outRow, self.mul(k, inner)))
                self.store(self.zero(dt), dt, pim, self.add(outRow, self.mul(k, inner)))
            }
        }
    }

    /// y [.., n, ..] = irfft(re, im, n) along `axis`: the inverse DFT of the Hermitian spectrum whose bins k < n/2 + 1
    /// are given (missing ones are zero; the imaginary parts of bin 0 and, for even n, bin n/2 are ignored).
    func lowerIRFFT(axis: Int, n: Dim, _ re: Value, _ pre: LLVMValueRef, _ pim: LLVMValueRef, _ y: Value, _ py: LLVMValueRef) {
        let dt = y.type.dtype
        let bins = extent(re.type.shape[axis])
        let size = extent(n)
        let used = smin(bins, add(lshr(size, index(1)), index(1)))
        let scale = fdiv(float(1, dt), LLVMBuildSIToFP(b, smax(size, index(1)).value, type(dt), "")!)
        // With no bins at all there is nothing to read and the signal is zero.
        let hasBins = smin(bins, index(1))
        fourierLines(dt, re.type.shape, axis: axis, size: n) { dft, line in
            let (inRow, inner) = line(bins), (outRow, _) = line(size)
            forLoop(sub(index(1), hasBins)) { _ in
                forLoop(size) { t in self.store(self.zero(dt), dt, py, self.add(outRow, self.mul(t, inner))) }
            }
            forLoop(hasBins) { _ in
                // x = Re DFT(conj H) / n with H the Hermitian extension: H[k] = X[m], m = min(k, n − k), conjugated for
                // k > n/2; zero when m ≥ used; real at m = 0 and 2m = n. conj H is fed, so the signs flip.
                dft.transform(self, input: { k in
                    let upper = LLVMBuildICmp(self.b, LLVMIntSGT, self.add(k, k).value, size.value, "")!
                    let m = self.select(upper, self.sub(size, k), k)
                    let present = LLVMBuildICmp(self.b, LLVMIntSLT, m.value, used.value, "")!
                    let at = self.add(inRow, self.mul(self.select(present, m, self.index(0)), inner))
                    let realOnly = LLVMBuildOr(self.b, LLVMBuildICmp(self.b, LLVMIntEQ, m.value, self.index(0).value, "")!,
                                               LLVMBuildICmp(self.b, LLVMIntEQ, self.add(m, m).value, size.value, "")!, "")!
                    let r = LLVMBuildSelect(self.b, present, self.load(dt, pre, at), self.zero(dt), "")!
                    let i = LLVMBuildSelect(self.b, LLVMBuildOr(self.b, realOnly, LLVMBuildNot(self.b, present, "")!, "")!,
                                            self.zero(dt), self.load(dt, pim, at), "")!
                    // conj(H[k]) = (r, −i) below n/2, (r, i) above.
                    return ComplexValue(re: r, im: LLVMBuildSelect(self.b, upper, i, LLVMBuildFNeg(self.b, i, "")!, "")!)
                }, count: size) { t, v in
                    self.store(self.fmul(v.re, scale), dt, py, self.add(outRow, self.mul(t, inner)))
                }
            }
        }
    }

    /// The partitioned loop over the lines of `shape` along `axis` (outer × inner of them), with a Bluestein DFT of
    /// `size` points prepared once per chunk. `body` gets the DFT and, for a line, a function giving the first
    /// element and the element stride of the line in a tensor whose `axis` has the given extent.
    private func fourierLines(_ dt: DType, _ shape: [Dim], axis: Int, size: Dim,
                              _ body: (BluesteinDFT, (Index) -> (row: Index, stride: Index)) -> Void) {
        let outerDims = Array(shape[..<axis]), innerDims = Array(shape[(axis + 1)...])
        let inner = product(extents(innerDims))
        let memory = chunkWorkspace { e in BluesteinDFT.workspaceBytes(e, dt, size: e.extent(size)) }
        let dft = BluesteinDFT(self, dt, size: extent(size), memory: memory)
        partitionedLoop(outerDims + innerDims) { lineIndex in
            let o = udiv(lineIndex, inner), i = urem(lineIndex, inner)
            body(dft) { extent in (add(mul(mul(o, extent), inner), i), inner) }
        }
    }
}

/// The DFT of `size` points by Bluestein's algorithm, its tables built where it is made.
struct BluesteinDFT {
    let dt: DType
    let size: Index
    let plan: FFTPlan
    /// c_j = e^{−iπj²/n}, j < n.
    let chirp: SplitComplex
    /// FFT of conj(c) laid out circularly over P points, times 1/P (the inverse FFT's normalisation).
    let chirpSpectrum: SplitComplex
    let a: SplitComplex
    let b: SplitComplex

    /// Bytes of the tables and buffers in `memory`: twiddles, chirp spectrum and two buffers [P] (each part
    /// fftArrayStride(P) apart), the chirp [n], all complex (split); P = the 5-smooth FFT length ≥ 2n − 1.
    static func workspaceBytes(_ e: Emitter, _ dt: DType, size n: Index) -> Index {
        let stride = e.fftArrayStride(e.fftLength(atLeast: e.sub(e.add(n, n), e.index(1))).points)
        return e.mul(e.add(e.mul(stride, e.index(8)), e.add(n, n)), e.index(dt.byteSize))
    }

    /// Builds the tables in `memory` (of `workspaceBytes`).
    init(_ e: Emitter, _ dt: DType, size n: Index, memory: LLVMValueRef) {
        self.dt = dt
        size = n
        // P ≥ 2n − 1, a 5-smooth FFT length (FFTLength.swift).
        let length = e.fftLength(atLeast: e.sub(e.add(n, n), e.index(1)))
        let p = length.points
        // Four complex arrays of P, each part `stride` elements from the next (fftArrayStride), then the chirp.
        let stride = e.fftArrayStride(p)
        let array = { (k: Int, count: Index) in e.splitComplex(dt, memory, at: e.mul(stride, e.index(2 * k)), count: count) }
        let tw = array(0, stride)
        chirpSpectrum = array(1, stride)
        a = array(2, stride)
        b = array(3, stride)
        chirp = array(4, n)
        e.fillTwiddles(dt, tw, count: p, period: p)
        plan = FFTPlan(dtype: dt, length: length, twiddles: tw)

        // c_j from the angle π·(j² mod 2n)/n, reduced exactly in integers so long transforms keep their accuracy.
        let nF = LLVMBuildSIToFP(e.b, n.value, e.f64, "")!
        let (chirp, a) = (self.chirp, self.a)
        e.forLoop(n) { j in
            let square = e.urem(e.mul(j, j), e.add(n, n))
            let angle = e.fdiv(e.fmul(e.float(-Double.pi, .f64), LLVMBuildSIToFP(e.b, square.value, e.f64, "")!), nF)
            e.store(e.toDType(e.intrinsic("cos", .f64, angle), dt), dt, chirp.re, j)
            e.store(e.toDType(e.intrinsic("sin", .f64, angle), dt), dt, chirp.im, j)
        }
        // conj(c_j) at j and at P − j, zero between; its FFT, scaled by 1/P.
        e.zeroBlock(dt, count: p, a.re, e.index(0))
        e.zeroBlock(dt, count: p, a.im, e.index(0))
        e.forLoop(n) { j in
            let v = e.conj(e.load(dt, chirp, j))
            e.store(v, dt, a, j)
            e.forLoop(e.smin(j, e.index(1))) { _ in e.store(v, dt, a, e.sub(p, j)) }
        }
        let spectrum = e.fft(plan, a, b, inverse: false)
        let scale = e.fdiv(e.float(1, dt), LLVMBuildSIToFP(e.b, p.value, e.type(dt), "")!)
        let target = chirpSpectrum
        e.forLoop(p) { k in e.store(e.scale(e.load(dt, spectrum, k), scale), dt, target, k) }
    }

    /// out(k, X[k]) for k < count ≤ n, X = DFT of input(t), t < n.
    func transform(_ e: Emitter, input: (Index) -> ComplexValue, count: Index, out: (Index, ComplexValue) -> Void) {
        let p = plan.points
        e.forLoop(size) { t in e.store(e.cmul(input(t), e.load(dt, chirp, t)), dt, a, t) }
        e.zeroBlock(dt, count: e.sub(p, size), a.re, size)
        e.zeroBlock(dt, count: e.sub(p, size), a.im, size)
        let z = e.fft(plan, a, b, inverse: false)
        let other = e.select(LLVMBuildICmp(e.b, LLVMIntEQ, z.re, a.re, "")!, b, a)
        e.forLoop(p) { k in e.store(e.cmul(e.load(dt, z, k), e.load(dt, chirpSpectrum, k)), dt, other, k) }
        let r = e.fft(plan, other, z, inverse: true)
        e.forLoop(count) { k in out(k, e.cmul(e.load(dt, r, k), e.load(dt, chirp, k))) }
    }
}
