import CLLVM
import IR

/// log, log1p and the activations built on exp (sigmoid, silu, softplus) in registers, on scalars or on
/// `<lanes x float|double>` vectors, so elementwise kernels over them vectorize instead of calling libm once per
/// element (softplus was two libm calls per element: Mamba's Δ). Within a few ulp of the correctly rounded result
/// (Tests/CodegenTests/VectorMathTests.swift holds them to it over wide ranges and the special values). Every
/// function is lane-independent, so a vector block and a one-lane tail give the same bits for the same element.
extension Emitter {
    /// log(x): x = m·2^e with m ∈ [√½, √2), log(m) = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716, by its odd
    /// series 2s + 2s³/3 + … (terms to s¹¹ for f32, s²⁵ for f64: the first omitted is below half an ulp), plus e·ln 2
    /// with ln 2 split in two. Subnormal x are scaled by 2^k into the normal range first. x < 0 or NaN → NaN,
    /// ±0 → −inf, +inf → +inf.
    func fastLog(_ x: LLVMValueRef, _ dt: DType, lanes: Int) -> LLVMValueRef {
        let f32 = dt == .f32
        let ft = vectorType(type(dt), lanes), it = vectorType(f32 ? i32 : i64, lanes)
        func c(_ v: Double) -> LLVMValueRef { splat(float(v, dt), lanes) }
        func ci(_ v: Int64) -> LLVMValueRef { splat(LLVMConstInt(f32 ? i32 : i64, UInt64(bitPattern: v), 1), lanes) }
        func fma(_ a: LLVMValueRef, _ b: LLVMValueRef, _ c: LLVMValueRef) -> LLVMValueRef { intrinsic("fma", [ft], [a, b, c]) }
        func bits(_ v: LLVMValueRef) -> LLVMValueRef { LLVMBuildBitCast(b, v, it, "")! }
        func asFloat(_ v: LLVMValueRef) -> LLVMValueRef { LLVMBuildBitCast(b, v, ft, "")! }
        func select(_ cond: LLVMValueRef, _ t: LLVMValueRef, _ f: LLVMValueRef) -> LLVMValueRef {
            LLVMBuildSelect(b, cond, t, f, "")!
        }

        let (mantissa, subnormalScale) = f32 ? (23, 25) : (52, 54)
        let smallest = f32 ? Double(Float.leastNormalMagnitude) : Double.leastNormalMagnitude
        // Subnormals: scale into the normal range and take the scale back out of the exponent.
        let tiny = LLVMBuildFCmp(b, LLVMRealOLT, x, c(smallest), "")!
        let xs = select(tiny, fmul(x, c(Double(sign: .plus, exponent: subnormalScale, significand: 1))), x)
        let eAdjust = select(tiny, c(Double(-subnormalScale)), c(0))

        // m ∈ [√½, √2): take the bits of x, subtract those of √½ so the exponent field counts from there.
        let sqrtHalfBits: Int64 = f32 ? Int64(Float(0.5).squareRoot().bitPattern) : Int64(bitPattern: 0.5.squareRoot().bitPattern)
        let shifted = LLVMBuildSub(b, bits(xs), ci(sqrtHalfBits), "")!
        let e = LLVMBuildAShr(b, shifted, ci(Int64(mantissa)), "")!
        let mBits = LLVMBuildSub(b, bits(xs), LLVMBuildShl(b, e, ci(Int64(mantissa)), "")!, "")!
        let m = asFloat(mBits)
        let ef = fadd(LLVMBuildSIToFP(b, e, ft, "")!, eAdjust)

        let s = fdiv(fsub(m, c(1)), fadd(m, c(1)))
        let s2 = fmul(s, s)
        let terms = f32 ? 5 : 12
        var p = c(2 / Double(2 * terms + 1))
        for k in stride(from: terms - 1, through: 1, by: -1) { p = fma(p, s2, c(2 / Double(2 * k + 1))) }
        // log(m) = 2s + s·s²·P(s²), the 2s kept separate so the polynomial only adds its small correction.
        let logM = fma(fmul(s, s2), p, fadd(s, s))
        let (ln2Hi, ln2Lo) = f32 ? (0.693147182464599609375, -1.904654323148236017e-09)
                                 : (6.93147180369123816490e-01, 1.90821492927058770002e-10)
        var y = fma(ef, c(ln2Hi), fma(ef, c(ln2Lo), logM))

        // Special values, in order: +inf stays, 0 → −inf, negative or NaN → NaN.
        let inf = Double.infinity
        y = select(LLVMBuildFCmp(b, LLVMRealOEQ, x, c(inf), "")!, c(inf), y)
        y = select(LLVMBuildFCmp(b, LLVMRealOEQ, x, c(0), "")!, c(-inf), y)
        y = select(LLVMBuildFCmp(b, LLVMRealOGE, x, c(0), "")!, y, c(.nan))
        return y
    }

    /// log1p(t) for t ≥ 0 (what softplus needs): u = 1 + t rounded, log(u) corrected by the rounding error of u,
    /// log(1 + t) ≈ log(u) − ((u − 1) − t)/u, which keeps tiny t exact (u = 1 gives t).
    func fastLog1pNonNegative(_ t: LLVMValueRef, _ dt: DType, lanes: Int) -> LLVMValueRef {
        let one = splat(float(1, dt), lanes)
        let u = fadd(one, t)
        let error = fsub(fsub(u, one), t)
        return fsub(fastLog(u, dt, lanes: lanes), fdiv(error, u))
    }

    /// 1 / (1 + exp(−x)), as e/(1 + e) with e = exp(x) for negative x so that the tail below exp's overflow
    /// (x < −88 in f32) keeps its (subnormal) value instead of 1/∞ = 0.
    func fastSigmoid(_ x: LLVMValueRef, _ dt: DType, lanes: Int) -> LLVMValueRef {
        let one = splat(float(1, dt), lanes)
        let negative = LLVMBuildFCmp(b, LLVMRealOLT, x, splat(float(0, dt), lanes), "")!
        let e = fastExp(LLVMBuildFNeg(b, intrinsic("fabs", [vectorType(type(dt), lanes)], [x]), "")!, dt, lanes: lanes)
        return fdiv(LLVMBuildSelect(b, negative, e, one, "")!, fadd(one, e))
    }

    /// PyTorch's softplus: x > 20 ? x : log1p(exp(x)).
    func fastSoftplus(_ x: LLVMValueRef, _ dt: DType, lanes: Int) -> LLVMValueRef {
        let soft = fastLog1pNonNegative(fastExp(x, dt, lanes: lanes), dt, lanes: lanes)
        let big = LLVMBuildFCmp(b, LLVMRealOGT, x, splat(float(20, dt), lanes), "")!
        return LLVMBuildSelect(b, big, x, soft, "")!
    }

    /// Whether `op` on `dt` has an in-register form (`vectorUnary`).
    static func hasVectorForm(_ op: UnaryOp, _ dt: DType) -> Bool {
        switch (op, dt) {
        case (.exp, .f32), (.exp, .f64), (.log, .f32), (.log, .f64), (.sigmoid, .f32), (.sigmoid, .f64),
             (.silu, .f32), (.silu, .f64), (.softplus, .f32), (.softplus, .f64), (.sin, .f32), (.cos, .f32):
            return true
        default:
            return false
        }
    }

    /// The unary ops that have an in-register form here, on `lanes` lanes; nil for the others (they call libm).
    func vectorUnary(_ op: UnaryOp, _ dt: DType, _ x: LLVMValueRef, lanes: Int) -> LLVMValueRef? {
        guard Self.hasVectorForm(op, dt) else { return nil }
        switch op {
        case .exp: return fastExp(x, dt, lanes: lanes)
        case .log: return fastLog(x, dt, lanes: lanes)
        case .sigmoid: return fastSigmoid(x, dt, lanes: lanes)
        case .silu: return fmul(x, fastSigmoid(x, dt, lanes: lanes))
        case .softplus: return fastSoftplus(x, dt, lanes: lanes)
        case .sin: return fastSin(x, lanes: lanes)
        case .cos: return fastCos(x, lanes: lanes)
        default: return nil
        }
    }
}
