import CLLVM
import IR

/// const, the unary float functions and the broadcasting binary ops.
extension Emitter {
    /// A scalar constant of any dtype (float → int truncates toward zero; bool is value ≠ 0).
    func lowerConstant(_ v: Double, _ out: Value, _ dst: LLVMValueRef) {
        store(constantValue(v, out.type.dtype), out.type.dtype, dst, index(0))
    }

    func constantValue(_ v: Double, _ dtype: DType) -> LLVMValueRef {
        switch dtype {
        case .f32, .f64: return float(v, dtype)
        case .i32, .i64:
            let t = v.isFinite ? v.rounded(.towardZero) : 0
            let n = Int64(exactly: t) ?? (t < 0 ? Int64.min : Int64.max)
            return LLVMConstInt(type(dtype), UInt64(bitPattern: n), 1)
        case .bool: return LLVMConstInt(i8, v != 0 ? 1 : 0, 0)
        }
    }

    /// y = f(x) over all elements, as one flat partitioned loop (operand and result have one shape). Ops with an
    /// in-register form (Emitter+VectorMath.swift) run a SIMD register at a time, the last few elements one lane at
    /// a time through the same code.
    func lowerUnary(_ op: UnaryOp, _ out: Value, _ dst: LLVMValueRef, _ src: LLVMValueRef) {
        let dt = out.type.dtype
        let lanes = Self.vectorBytes / dt.byteSize
        guard Self.hasVectorForm(op, dt) else {
            partitionedLoop(out.type.shape) { i in
                store(unary(op, dt, load(dt, src, i)), dt, dst, i)
            }
            return
        }
        let (lo, hi) = partitionedRange(out.type.shape)
        let blocks = udiv(sub(hi, lo), index(lanes))
        forLoop(blocks) { k in
            let i = add(lo, mul(k, index(lanes)))
            storeVector(vectorUnary(op, dt, loadVector(dt, lanes: lanes, src, i), lanes: lanes)!, dt, dst, i)
        }
        forLoop(from: add(lo, mul(blocks, index(lanes))), to: hi) { i in
            store(vectorUnary(op, dt, load(dt, src, i), lanes: 1)!, dt, dst, i)
        }
    }

    /// One element of a unary op: the in-register form where there is one (Emitter+VectorMath.swift), so every
    /// kernel computes it alike, else IEEE in `dt` (no fast-math, no contraction) or libm.
    func unary(_ op: UnaryOp, _ dt: DType, _ x: LLVMValueRef) -> LLVMValueRef {
        if let v = vectorUnary(op, dt, x, lanes: 1) { return v }
        let one = float(1, dt)
        switch op {
        case .neg: return LLVMBuildFNeg(b, x, "")!
        case .sin: return intrinsic("sin", dt, x)
        case .cos: return intrinsic("cos", dt, x)
        case .floor: return intrinsic("floor", dt, x)
        case .sign:  // -1, 0 or 1; 0 for ±0 and NaN (ordered comparisons are false for NaN)
            let pos = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOGT, x, float(0, dt), ""), one, float(0, dt), "")!
            return LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOLT, x, float(0, dt), ""), float(-1, dt), pos, "")!
        case .elu:  // x > 0 ? x : expm1(x)
            let big = LLVMBuildFCmp(b, LLVMRealOGT, x, float(0, dt), "")
            return LLVMBuildSelect(b, big, x, libm("expm1", dt, x), "")!
        case .exp, .log, .sigmoid, .silu, .softplus:
            preconditionFailure("\(op) has an in-register form for every float dtype")
        case .sqrt: return intrinsic("sqrt", dt, x)
        case .rsqrt: return LLVMBuildFDiv(b, one, intrinsic("sqrt", dt, x), "")!
        case .tanh: return libm("tanh", dt, x)
        case .gelu:  // 0.5 · x · (1 + erf(x / √2))
            let e = libm("erf", dt, LLVMBuildFDiv(b, x, float(2.0.squareRoot(), dt), "")!)
            let halfX = LLVMBuildFMul(b, float(0.5, dt), x, "")!
            return LLVMBuildFMul(b, halfX, LLVMBuildFAdd(b, one, e, ""), "")!
        case .abs: return intrinsic("fabs", dt, x)
        case .relu: return intrinsic("maxnum", [type(dt)], [x, float(0, dt)])
        }
    }

    /// z = a ∘ b with NumPy broadcasting. Same-shape operands use one flat partitioned loop; otherwise a
    /// loop nest over the result (rows partitioned) with stride 0 on broadcast axes.
    func lowerBinary(_ op: BinaryOp, _ out: Value, _ dst: LLVMValueRef, _ a: Value, _ pa: LLVMValueRef,
                     _ bv: Value, _ pb: LLVMValueRef) {
        let dt = out.type.dtype
        let shape = out.type.shape
        if a.type.shape == shape && bv.type.shape == shape {
            partitionedLoop(shape) { i in
                store(binary(op, dt, load(dt, pa, i), load(dt, pb, i)), dt, dst, i)
            }
            return
        }
        let rank = shape.count
        let (sa, sb, so) = (strides(a.type.shape, alignedTo: rank), strides(bv.type.shape, alignedTo: rank),
                            strides(shape, alignedTo: rank))
        partitionedRows(shape) { idx in
            let x = load(dt, pa, offset(idx, sa))
            let y = load(dt, pb, offset(idx, sb))
            store(binary(op, dt, x, y), dt, dst, offset(idx, so))
        }
    }

    func binary(_ op: BinaryOp, _ dt: DType, _ x: LLVMValueRef, _ y: LLVMValueRef) -> LLVMValueRef {
        switch op {
        case .add: return LLVMBuildFAdd(b, x, y, "")!
        case .sub: return LLVMBuildFSub(b, x, y, "")!
        case .mul: return LLVMBuildFMul(b, x, y, "")!
        case .div: return LLVMBuildFDiv(b, x, y, "")!
        case .max: return intrinsic("maxnum", [type(dt)], [x, y])
        case .min: return intrinsic("minnum", [type(dt)], [x, y])
        case .pow: return intrinsic("pow", [type(dt)], [x, y])
        case .atan2: return libm2("atan2", dt, x, y)
        }
    }
}
