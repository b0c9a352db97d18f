import CLLVM
import IR

/// `toeplitz_fft`: the Toeplitz mixer as a linear FFT convolution (docs/FFT.md).
///
/// Per row, the real sequences (x of length L, the kernel h of K' = min(K, L) taps, the reverse kernel at the end
/// when bidirectional) are zero-padded to N = 2M ≥ L + K' − 1 (+1 bidirectional), M a 5-smooth FFT length
/// (FFTLength.swift), so the circular convolution of length N equals the linear one on the L outputs. A real length-N transform runs as
/// an M-point complex FFT of z[j] = x[2j] + i·x[2j+1] (the half-length trick), and one pass over the bins pairs k
/// with M − k to (1) split Z into the real spectrum X, (2) multiply by the kernel's spectrum H and (3) fold the
/// product back into the M-point half-length form of the inverse — so the inverse is again one M-point FFT, whose
/// result holds y[2j] + i·y[2j+1]. The constant factors (½, ½ and 1/M) are folded into H.
///
/// Rows are grouped by the kernel row they read: the partitioned loop runs over the rows of the kernel's own
/// leading dims (channels) and an inner loop over the leading dims along which the kernel broadcasts (batch), so
/// each channel's spectrum is computed once per run and reused for every batch element. Each chunk of channels
/// works in its own workspace from the host (ChunkWorkspace: twiddles, kernel spectrum, two Stockham buffers,
/// about 10M floats, in L2 for N ≤ 16384).
extension Emitter {
    func lowerToeplitzFFT(_ out: Value, _ dst: LLVMValueRef, _ k: Value, _ pk: LLVMValueRef, _ pkr: LLVMValueRef?,
                          _ x: Value, _ px: LLVMValueRef, skip: (Value, LLVMValueRef)?, gate: (Value, LLVMValueRef)?) {
        let dt = out.type.dtype
        let (lead, kLen, len, sk, sx) = toeplitzRows(out, k, x)
        // The skip d [..., 1]: one scalar per row.
        let sd = skip.map { strides(Array($0.0.type.shape.dropLast()), alignedTo: lead.count) }
        // The gate g: broadcasting to the whole result [..., L].
        let sg = gate.map { strides($0.0.type.shape, alignedTo: lead.count + 1) }
        // Leading axes along which the kernel broadcasts (stride 0) share one spectrum.
        // At least one axis stays partitioned, so a kernel shared by every row still spreads rows over threads.
        let shared = min(sk.prefix { $0.known == 0 }.count, max(lead.count - 1, 0))
        let outerExt = extents(Array(lead[..<shared])), innerExt = extents(Array(lead[shared...]))
        let innerCount = product(innerExt)

        let bidirectional = pkr != nil
        let (taps, n, length) = toeplitzFFTLengths(kLen: kLen, len: len, bidirectional: bidirectional)
        let m = length.points
        // The size functions (workspace, persistent memory) recompute M from the symbol sizes, as the kernel does.
        let lengthFromSizes = { (e: Emitter) -> Index in
            let rows = e.toeplitzRows(out, k, x)
            return e.toeplitzFFTLengths(kLen: rows.kLen, len: rows.len, bidirectional: bidirectional).length.points
        }
        let memory = chunkWorkspace { e in e.toeplitzFFTWorkspaceBytes(dt, lengthFromSizes(e)) }
        // Working memory (complex, split): tw [M] (FFT twiddles), rw [M] (W_N^k for the real split), spectrum [M + 1],
        // and the two Stockham buffers [M], each part `stride` elements from the next (fftArrayStride).
        let stride = fftArrayStride(m)
        func array(_ k: Int) -> SplitComplex { splitComplex(dt, memory, at: mul(stride, index(2 * k)), count: stride) }
        let (tw, rw, spectrum, bufA, bufB) = (array(0), array(1), array(2), array(3), array(4))
        let specCount = add(m, index(1))
        fillTwiddles(dt, tw, count: m, period: m)
        fillTwiddles(dt, rw, count: m, period: n)
        let plan = FFTPlan(dtype: dt, length: length, twiddles: tw)

        // Kept spectra (PersistentMemory, when the host gives it: the kernel depends only on weights and sizes): a
        // filled flag (i64) per iteration of the partitioned loop, then that iteration's spectrum [M + 1] (split).
        let kept = persistentMemory(caching: bidirectional ? [0, 1] : [0]) { e in
            let m = lengthFromSizes(e)
            let iterations = e.product(e.extents(Array(lead[shared...])))
            return e.mul(iterations, e.add(e.index(8), e.mul(e.add(e.add(m, m), e.index(2)), e.index(dt.byteSize))))
        }
        let keeps = LLVMBuildICmp(b, LLVMIntNE, kept, LLVMConstNull(ptr), "")!
        let keepsCount = Index(value: LLVMBuildZExt(b, keeps, i64, "")!, known: nil)
        let flagElements = mul(product(innerExt), index(8 / dt.byteSize))
        let computeSpectrum = entryAlloca(i64)

        partitionedLoop(Array(lead[shared...])) { inner in
            let innerIdx = unflatten(inner, innerExt)
            let kRow = mul(offset([Index](repeating: index(0), count: shared) + innerIdx, Array(sk)), kLen)

            // This iteration's spectrum: kept (filled by an earlier run, or by this one now), or in the workspace.
            let keptRow = splitComplex(dt, kept, at: add(flagElements, mul(inner, add(specCount, specCount))), count: specCount)
            let conv = RealConvolution(dt: dt, rw: rw, spectrum: select(keeps, keptRow, spectrum))
            LLVMBuildStore(b, index(1).value, computeSpectrum)
            forLoop(keepsCount) { _ in
                let filled = self.load(.i64, kept, inner)
                let empty = LLVMBuildICmp(self.b, LLVMIntEQ, filled, self.index(0).value, "")!
                LLVMBuildStore(self.b, LLVMBuildZExt(self.b, empty, self.i64, "")!, computeSpectrum)
            }
            forLoop(Index(value: LLVMBuildLoad2(b, i64, computeSpectrum, "")!, known: nil)) { _ in
                // The kernel's spectrum (scaled by 1/(4N), see RealConvolution).
                zeroBlock(dt, count: m, bufA.re, index(0))
                zeroBlock(dt, count: m, bufA.im, index(0))
                forLoop(taps) { d in storePacked(load(dt, pk, add(kRow, d)), dt, bufA, at: d) }
                if let pkr {
                    // h[N − j] = k_rev[j − 1] for j = 1…K'.
                    forLoop(taps) { j in storePacked(load(dt, pkr, add(kRow, j)), dt, bufA, at: sub(sub(n, j), index(1))) }
                }
                conv.storeKernelSpectrum(self, fft(plan, bufA, bufB, inverse: false), points: m)
                forLoop(keepsCount) { _ in self.store(self.index(1).value, .i64, kept, inner) }
            }

            forLoop(product(outerExt)) { o in
                let idx = unflatten(o, outerExt) + innerIdx
                let xRow = mul(offset(idx, sx), len)
                let yRow = mul(add(mul(o, innerCount), inner), len)
                packRow(dt, px, xRow, len: len, into: bufA, points: m)
                let z = fft(plan, bufA, bufB, inverse: false)
                let other = select(LLVMBuildICmp(b, LLVMIntEQ, z.re, bufA.re, "")!, bufB, bufA)
                conv.multiply(self, z, into: other, points: m)
                let y = fft(plan, other, z, inverse: true)
                let skipRow = skip.map { (d, pd) in (scale: load(dt, pd, offset(idx, sd!)), x: px, row: xRow) }
                let gateRow = gate.map { (g, pg) in (g: pg, row: offset(idx, Array(sg!.dropLast())), stride: sg!.last!) }
                unpackRow(dt, y, into: dst, yRow, len: len, skip: skipRow, gate: gateRow)
            }
        }
    }

    /// The taps K' = min(K, L) that reach an output, the real transform length N = 2M and the FFT length M: the length
    /// FFTLength chooses for ⌈span/2⌉, span = L + K' − 1 (+ 1 bidirectional), at least 1 (the half-length trick needs
    /// only N even).
    func toeplitzFFTLengths(kLen: Index, len: Index, bidirectional: Bool) -> (taps: Index, n: Index, length: FFTLength) {
        let taps = smin(kLen, len)
        let span = add(add(len, taps), index(bidirectional ? 0 : -1))
        let length = fftLength(atLeast: lshr(add(smax(span, index(2)), index(1)), index(1)))
        return (taps, add(length.points, length.points), length)
    }

    /// Bytes of a chunk's workspace: (complex, split) tw [M] (FFT twiddles), rw [M] (W_N^k for the real split),
    /// spectrum [M + 1] and the two Stockham buffers [M], each part fftArrayStride(M) elements from the next.
    func toeplitzFFTWorkspaceBytes(_ dt: DType, _ m: Index) -> Index {
        mul(mul(fftArrayStride(m), index(10)), index(dt.byteSize))
    }

    /// Real sample `v` at position `pos` of a sequence packed as z[j] = s[2j] + i·s[2j+1].
    private func storePacked(_ v: LLVMValueRef, _ dt: DType, _ z: SplitComplex, at pos: Index) {
        let odd = isNonZero(and(pos, index(1)))
        let base = LLVMBuildSelect(b, odd, z.im, z.re, "")!
        store(v, dt, base, lshr(pos, index(1)))
    }

    /// z[j] = x[2j] + i·x[2j+1] for the L samples of row `xRow`, zero up to M points.
    private func packRow(_ dt: DType, _ px: LLVMValueRef, _ xRow: Index, len: Index, into z: SplitComplex, points m: Index) {
        let pairs = lshr(len, index(1))
        forLoop(pairs) { j in
            let at = add(xRow, shl(j, index(1)))
            store(load(dt, px, at), dt, z.re, j)
            store(load(dt, px, add(at, index(1))), dt, z.im, j)
        }
        forLoop(and(len, index(1))) { _ in
            store(load(dt, px, add(xRow, sub(len, index(1)))), dt, z.re, pairs)
            store(zero(dt), dt, z.im, pairs)
        }
        let used = lshr(add(len, index(1)), index(1))
        zeroBlock(dt, count: sub(m, used), z.re, used)
        zeroBlock(dt, count: sub(m, used), z.im, used)
    }

    /// y[2j] = Re z[j], y[2j+1] = Im z[j] for the first L samples, plus d·x[t] when there is a skip (the mul, then
    /// the add), times g[t] when there is a gate — each rounded as the unfused ops round them.
    private func unpackRow(_ dt: DType, _ z: SplitComplex, into py: LLVMValueRef, _ yRow: Index, len: Index,
                           skip: (scale: LLVMValueRef, x: LLVMValueRef, row: Index)?,
                           gate: (g: LLVMValueRef, row: Index, stride: Index)?) {
        func put(_ v: LLVMValueRef, _ t: Index) {
            var y = skip.map { fadd(v, fmul($0.scale, load(dt, $0.x, add($0.row, t)))) } ?? v
            if let gate { y = fmul(y, load(dt, gate.g, add(gate.row, mul(t, gate.stride)))) }
            store(y, dt, py, add(yRow, t))
        }
        let pairs = lshr(len, index(1))
        forLoop(pairs) { j in
            let t = shl(j, index(1))
            put(load(dt, z.re, j), t)
            put(load(dt, z.im, j), add(t, index(1)))
        }
        forLoop(and(len, index(1))) { _ in put(load(dt, z.re, pairs), sub(len, index(1))) }
    }
}

/// The bin-pair arithmetic between the forward and inverse half-length transforms. With Z the M-point FFT of the
/// packed real sequence and W = W_N^k = e^{−πik/M}, the pair k, j = M − k gives (times 2, folded into H)
///     E = Z[k] + conj Z[j],  O = −i (Z[k] − conj Z[j]),  X[k] = E + W·O,  X[j] = conj(E − W·O);
/// and for the product Y = X·H the inverse's packed input is, with A = Y[k] + conj Y[j], B = Y[k] − conj Y[j],
///     Z'[k] = A + i·conj(W)·B,  Z'[j] = conj(A − i·conj(W)·B).
/// k = 0 pairs with the bin M (Z[M] = Z[0]), whose Z' is not stored. Each pass runs k over 1…M − 1 and stores only
/// bin k (so each pair is computed twice): one store stream in one direction is what lets LLVM vectorize the loop
/// (two streams into one array, k up and M − k down, would be an unknown dependence). Each pass is a helper
/// function with `noalias` buffers.
private struct RealConvolution {
    let dt: DType
    let rw: SplitComplex
    let spectrum: SplitComplex

    static func split(_ e: Emitter, _ zk: ComplexValue, _ zj: ComplexValue, _ w: ComplexValue) -> (ComplexValue, ComplexValue) {
        let even = e.cadd(zk, e.conj(zj))
        let odd = e.timesI(e.csub(zk, e.conj(zj)), positive: false)
        let wo = e.cmul(w, odd)
        return (e.cadd(even, wo), e.conj(e.csub(even, wo)))
    }

    static func fold(_ e: Emitter, _ yk: ComplexValue, _ yj: ComplexValue, _ w: ComplexValue) -> (ComplexValue, ComplexValue) {
        let a = e.cadd(yk, e.conj(yj))
        let t = e.timesI(e.cmul(e.conj(w), e.csub(yk, e.conj(yj))), positive: true)
        return (e.cadd(a, t), e.conj(e.csub(a, t)))
    }

    /// spectrum[k] = X[k] / (4N) for k = 0…M from the FFT `z` of the packed kernel (M points).
    func storeKernelSpectrum(_ e: Emitter, _ z: SplitComplex, points: Index) {
        let dt = self.dt
        let helper = e.helperFunction("fft_kernel_spectrum_\(dt)", pointers: 6, integers: 1) { p, i in
            let (z, rw, spectrum, m) = (SplitComplex(re: p[0], im: p[1]), SplitComplex(re: p[2], im: p[3]),
                                        SplitComplex(re: p[4], im: p[5]), i[0])
            // 1/(4N) = 1/(8M): the ½ of both half-length splits and the 1/M of the inverse.
            let s = e.fdiv(e.float(0.125, dt), LLVMBuildSIToFP(e.b, m.value, e.type(dt), "")!)
            let z0 = e.load(dt, z, e.index(0))
            let (x0, xm) = Self.split(e, z0, z0, e.load(dt, rw, e.index(0)))
            e.store(e.scale(x0, s), dt, spectrum, e.index(0))
            e.store(e.scale(xm, s), dt, spectrum, m)
            e.forLoop(from: e.index(1), to: m) { k in
                let (xk, _) = Self.split(e, e.load(dt, z, k), e.load(dt, z, e.sub(m, k)), e.load(dt, rw, k))
                e.store(e.scale(xk, s), dt, spectrum, k)
            }
        }
        _ = buildCall(e.b, helper.type, helper.fn, [z.re, z.im, rw.re, rw.im, spectrum.re, spectrum.im, points.value])
    }

    /// out = the packed input of the inverse FFT of X·H, from the FFT `z` of a packed input row (M points).
    func multiply(_ e: Emitter, _ z: SplitComplex, into out: SplitComplex, points: Index) {
        let dt = self.dt
        let helper = e.helperFunction("fft_spectrum_product_\(dt)", pointers: 8, integers: 1) { p, i in
            let (z, out, rw, spectrum, m) = (SplitComplex(re: p[0], im: p[1]), SplitComplex(re: p[2], im: p[3]),
                                             SplitComplex(re: p[4], im: p[5]), SplitComplex(re: p[6], im: p[7]), i[0])
            let z0 = e.load(dt, z, e.index(0))
            let w0 = e.load(dt, rw, e.index(0))
            let (x0, xm) = Self.split(e, z0, z0, w0)
            let (y0, _) = Self.fold(e, e.cmul(x0, e.load(dt, spectrum, e.index(0))), e.cmul(xm, e.load(dt, spectrum, m)), w0)
            e.store(y0, dt, out, e.index(0))
            e.forLoop(from: e.index(1), to: m) { k in
                let j = e.sub(m, k)
                let w = e.load(dt, rw, k)
                let (xk, xj) = Self.split(e, e.load(dt, z, k), e.load(dt, z, j), w)
                let (yk, _) = Self.fold(e, e.cmul(xk, e.load(dt, spectrum, k)), e.cmul(xj, e.load(dt, spectrum, j)), w)
                e.store(yk, dt, out, k)
            }
        }
        _ = buildCall(e.b, helper.type, helper.fn,
                      [z.re, z.im, out.re, out.im, rw.re, rw.im, spectrum.re, spectrum.im, points.value])
    }
}
