import CLLVM
import IR

/// compare (→ bool, one byte 0/1) and select, both with NumPy broadcasting over any dtype the type rules
/// allow. Float compares are ordered (false when either side is NaN) except `ne`, which is unordered-or-
/// not-equal (NaN != NaN is true), exactly Swift's and IEEE's operators; integer and bool compares are signed.
extension Emitter {
    func lowerCompare(_ op: CompareOp, _ out: Value, _ dst: LLVMValueRef, _ a: Value, _ pa: LLVMValueRef,
                      _ bv: Value, _ pb: LLVMValueRef) {
        let dt = a.type.dtype
        broadcastLoop(out.type.shape, [a.type.shape, bv.type.shape]) { off, o in
            let c = compare(op, dt, load(dt, pa, off[0]), load(dt, pb, off[1]))
            store(LLVMBuildZExt(b, c, i8, "")!, .bool, dst, o)
        }
    }

    /// One comparison as an i1.
    func compare(_ op: CompareOp, _ dt: DType, _ x: LLVMValueRef, _ y: LLVMValueRef) -> LLVMValueRef {
        if dt.isFloat {
            let p: LLVMRealPredicate
            switch op {
            case .lt: p = LLVMRealOLT
            case .le: p = LLVMRealOLE
            case .gt: p = LLVMRealOGT
            case .ge: p = LLVMRealOGE
            case .eq: p = LLVMRealOEQ
            case .ne: p = LLVMRealUNE
            }
            return LLVMBuildFCmp(b, p, x, y, "")!
        }
        let p: LLVMIntPredicate
        switch op {
        case .lt: p = LLVMIntSLT
        case .le: p = LLVMIntSLE
        case .gt: p = LLVMIntSGT
        case .ge: p = LLVMIntSGE
        case .eq: p = LLVMIntEQ
        case .ne: p = LLVMIntNE
        }
        return LLVMBuildICmp(b, p, x, y, "")!
    }

    /// out = cond ≠ 0 ? a : b, all three broadcast. Both arms are loaded (in bounds either way), so the
    /// loop stays branch-free.
    func lowerSelect(_ out: Value, _ dst: LLVMValueRef, _ c: Value, _ pc: LLVMValueRef, _ a: Value,
                     _ pa: LLVMValueRef, _ bv: Value, _ pb: LLVMValueRef) {
        let dt = out.type.dtype
        broadcastLoop(out.type.shape, [c.type.shape, a.type.shape, bv.type.shape]) { off, o in
            let cond = LLVMBuildICmp(b, LLVMIntNE, load(.bool, pc, off[0]), zero(.bool), "")!
            let v = LLVMBuildSelect(b, cond, load(dt, pa, off[1]), load(dt, pb, off[2]), "")!
            store(v, dt, dst, o)
        }
    }

    /// Visits every element of `shape` with the offsets of each broadcast operand (`operands` are their
    /// shapes) and of the result. Operands of the result's own shape share one flat partitioned loop;
    /// otherwise a loop nest whose rows are partitioned, with stride 0 on broadcast axes.
    func broadcastLoop(_ shape: [Dim], _ operands: [[Dim]], _ body: (_ offsets: [Index], _ out: Index) -> Void) {
        if operands.allSatisfy({ $0 == shape }) {
            partitionedLoop(shape) { i in body(operands.map { _ in i }, i) }
            return
        }
        let rank = shape.count
        let so = strides(shape, alignedTo: rank)
        let st = operands.map { strides($0, alignedTo: rank) }
        partitionedRows(shape) { idx in body(st.map { offset(idx, $0) }, offset(idx, so)) }
    }
}
