import CLLVM
import IR

/// Signed index arithmetic for window bounds, and contiguous block copies and fills: the building blocks of
/// the data-movement lowerings (slice, concat, take). Constants fold as in Emitter's `add`/`mul`.
extension Emitter {
    func sub(_ x: Index, _ y: Index) -> Index {
        if let a = x.known, let c = y.known { return index(a &- c) }
        if y.known == 0 { return x }
        return Index(value: LLVMBuildNSWSub(b, x.value, y.value, "")!, known: nil)
    }

    func smin(_ x: Index, _ y: Index) -> Index {
        if let a = x.known, let c = y.known { return index(Swift.min(a, c)) }
        return Index(value: intrinsic("smin", [i64], [x.value, y.value]), known: nil)
    }

    func smax(_ x: Index, _ y: Index) -> Index {
        if let a = x.known, let c = y.known { return index(Swift.max(a, c)) }
        return Index(value: intrinsic("smax", [i64], [x.value, y.value]), known: nil)
    }

    /// `c ? x : y` on indices.
    func select(_ c: LLVMValueRef, _ x: Index, _ y: Index) -> Index {
        if x.known != nil && x.known == y.known { return x }
        return Index(value: LLVMBuildSelect(b, c, x.value, y.value, "")!, known: nil)
    }

    /// The zero of `dtype` (+0.0 for floats, false for bool).
    func zero(_ dtype: DType) -> LLVMValueRef {
        dtype.isFloat ? float(0, dtype) : LLVMConstInt(type(dtype), 0, 0)
    }

    /// dst[dstStart + f] = src[srcStart + f] for f in 0..<count (nothing when count ≤ 0, and then `src`
    /// is never touched, so `srcStart` may be meaningless).
    func copyBlock(_ dtype: DType, count: Index, _ dst: LLVMValueRef, _ dstStart: Index, _ src: LLVMValueRef,
                   _ srcStart: Index) {
        forLoop(count) { f in store(load(dtype, src, add(srcStart, f)), dtype, dst, add(dstStart, f)) }
    }

    /// dst[start + f] = 0 for f in 0..<count (nothing when count ≤ 0).
    func zeroBlock(_ dtype: DType, count: Index, _ dst: LLVMValueRef, _ start: Index) {
        let z = zero(dtype)
        forLoop(count) { f in store(z, dtype, dst, add(start, f)) }
    }
}

extension Emitter {
    /// A private constant global `[n x t]` holding `values`.
    func constantTable(_ name: String, _ t: LLVMTypeRef, _ values: [LLVMValueRef]) -> LLVMValueRef {
        var vs = values.map(Optional.some)
        let array = vs.withUnsafeMutableBufferPointer { LLVMConstArray2(t, $0.baseAddress, UInt64($0.count)) }!
        let global = LLVMAddGlobal(module, LLVMTypeOf(array), name)!
        LLVMSetInitializer(global, array)
        LLVMSetGlobalConstant(global, 1)
        LLVMSetLinkage(global, LLVMPrivateLinkage)
        return global
    }

    /// Element `i` of a table of `t`s.
    func loadTable(_ t: LLVMTypeRef, _ table: LLVMValueRef, _ i: Index) -> LLVMValueRef {
        LLVMBuildLoad2(b, t, buildInBoundsGEP(b, t, table, [i.value], "")!, "")!
    }

    func loadTable(_ t: LLVMTypeRef, _ table: LLVMValueRef, _ i: LLVMValueRef) -> LLVMValueRef {
        loadTable(t, table, Index(value: i, known: nil))
    }
}
