import CLLVM
import IR

/// exp(x) in registers, on scalars or on <lanes x float|double> vectors, for kernels that take an exp per element in
/// their inner loop (ssm_scan_exp) where a libm call per lane would dominate. Not IEEE-correctly rounded: within
/// about 1 ulp of the true exp — an exhaustive check of every f32 in [-104, 88.7] against exp in double gives at
/// most 1.013 ulp (1.010 on [-88, 0], subnormal results included); f64 at most 1.004 ulp on 4·10⁷ samples over
/// [-746, 710] against long double (Tests/CodegenTests/VectorExpTests.swift checks ≤ 2 ulp). Gives 0 below the
/// underflow limit (subnormal results rounded once), +inf above the overflow limit, NaN for NaN.
///
/// Cody–Waite: n = round(x·log₂e) by the 1.5·2^m shift trick (no fptosi: its poison on NaN is avoided; the integer
/// ops see NaN's bits and produce some scale, and NaN · scale is NaN),
/// r = x − n·ln2 with ln2 split in two and fused multiply-adds, so |r| ≤ ln2/2 nearly exactly; exp(r) = 1 + r + r²·P(r)
/// (f32: Cephes' degree-5 minimax P; f64: Taylor to r¹³); then 2ⁿ applied as 2^⌊n/2⌋ · 2^(n−⌊n/2⌋), two exact
/// power-of-two factors built in the exponent bits, so subnormal results round once and no factor overflows.
extension Emitter {
    func fastExp(_ x: LLVMValueRef, _ dt: DType, lanes: Int) -> LLVMValueRef {
        let f32 = dt == .f32
        let ft = vectorType(type(dt), lanes), it = vectorType(f32 ? i32 : i64, lanes)
        func c(_ v: Double) -> LLVMValueRef { splat(float(v, dt), lanes) }
        func ci(_ v: Int) -> LLVMValueRef { splat(LLVMConstInt(f32 ? i32 : i64, UInt64(bitPattern: Int64(v)), 1), lanes) }
        func fma(_ a: LLVMValueRef, _ b: LLVMValueRef, _ c: LLVMValueRef) -> LLVMValueRef { intrinsic("fma", [ft], [a, b, c]) }

        // Clamp to where the result is 0 or +inf anyway; NaN fails both compares and passes through.
        let (lo, hi) = f32 ? (c(-104), c(89)) : (c(-746), c(710))
        var xc = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOLT, x, lo, ""), lo, x, "")!
        xc = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOGT, xc, hi, ""), hi, xc, "")!

        // n = round(x·log₂e) by adding a shift S = 1.5·2^m + 2·bias: the sum's ulp is 1, so it rounds to an integer, and
        // its low bits hold k = n + 2·bias ≥ 0 (the clamp keeps n ≥ -150, resp. -1075).
        let (bias, mantissa) = f32 ? (127, 23) : (1023, 52)
        let shift = c((f32 ? 12582912 : 6755399441055744) + Double(2 * bias))
        let kf = fma(xc, c(1.4426950408889634), shift)
        let n = fsub(kf, shift)
        let (ln2Hi, ln2Lo) = f32 ? (0.693147182464599609375, -1.904654323148236017e-09)
                                 : (6.93147180369123816490e-01, 1.90821492927058770002e-10)
        let r = fma(n, c(-ln2Lo), fma(n, c(-ln2Hi), xc))

        let coefficients: [Double] = f32
            ? [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]
            : (2...13).reversed().map { k in 1 / (1...k).reduce(1.0) { $0 * Double($1) } }
        var p = c(coefficients[0])
        for k in coefficients.dropFirst() { p = fma(p, r, c(k)) }
        p = fadd(fma(p, fmul(r, r), r), c(1))

        // 2ⁿ = 2^n1 · 2^n2 with n1 = ⌊n/2⌋, n2 = n − n1; their biased exponents are k >> 1 and k − (k >> 1). The shift's
        // own bits sit above the exponent field's width, so shifting into place drops them.
        let kBits = LLVMBuildBitCast(b, kf, it, "")!
        let half = LLVMBuildLShr(b, kBits, ci(1), "")!
        func pow2(_ e: LLVMValueRef) -> LLVMValueRef { LLVMBuildBitCast(b, LLVMBuildShl(b, e, ci(mantissa), "")!, ft, "")! }
        let (n1, n2) = (half, LLVMBuildSub(b, kBits, half, "")!)
        return fmul(fmul(p, pow2(n1)), pow2(n2))
    }

    // MARK: vectors

    /// `<lanes x t>`, or `t` itself for one lane.
    func vectorType(_ t: LLVMTypeRef, _ lanes: Int) -> LLVMTypeRef {
        lanes == 1 ? t : LLVMVectorType(t, UInt32(lanes))
    }

    /// A constant or run-time scalar in every lane (itself for one lane).
    func splat(_ v: LLVMValueRef, _ lanes: Int) -> LLVMValueRef {
        if lanes == 1 { return v }
        if LLVMIsConstant(v) != 0 {
            var elements = [LLVMValueRef?](repeating: v, count: lanes)
            return LLVMConstVector(&elements, UInt32(lanes))
        }
        let t = LLVMVectorType(LLVMTypeOf(v), UInt32(lanes))!
        let one = LLVMBuildInsertElement(b, LLVMGetPoison(t), v, LLVMConstInt(i32, 0, 0), "")!
        return LLVMBuildShuffleVector(b, one, LLVMGetPoison(t), LLVMConstNull(LLVMVectorType(i32, UInt32(lanes))), "")!
    }

    /// The address of element `off` of `base` (elements of `dt`).
    func elementPointer(_ dt: DType, _ base: LLVMValueRef, _ off: Index) -> LLVMValueRef {
        off.known == 0 ? base : buildInBoundsGEP(b, type(dt), base, [off.value], "")!
    }

    /// `lanes` consecutive elements at base[off], aligned only to the element.
    func loadVector(_ dt: DType, lanes: Int, _ base: LLVMValueRef, _ off: Index) -> LLVMValueRef {
        let p = elementPointer(dt, base, off)
        let v = LLVMBuildLoad2(b, vectorType(type(dt), lanes), p, "")!
        LLVMSetAlignment(v, UInt32(dt.byteSize))
        return v
    }

    func storeVector(_ v: LLVMValueRef, _ dt: DType, _ base: LLVMValueRef, _ off: Index) {
        let p = elementPointer(dt, base, off)
        LLVMSetAlignment(LLVMBuildStore(b, v, p), UInt32(dt.byteSize))
    }

    func insertLane(_ v: LLVMValueRef, _ x: LLVMValueRef, _ lane: Int) -> LLVMValueRef {
        LLVMBuildInsertElement(b, v, x, LLVMConstInt(i32, UInt64(lane), 0), "")!
    }

    func extractLane(_ v: LLVMValueRef, _ lane: Int) -> LLVMValueRef {
        LLVMBuildExtractElement(b, v, LLVMConstInt(i32, UInt64(lane), 0), "")!
    }
}
