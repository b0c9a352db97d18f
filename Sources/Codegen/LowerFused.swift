import CLLVM
import IR

/// A fused elementwise group (FusionPlan): one loop over the group's result shape that, per element, loads each
/// outside operand once (broadcast like the single ops), evaluates every member in order in registers, and stores
/// the members' results the plan keeps. Each member uses the same element operation as its own kernel would
/// (`vectorUnary` / `unary`, `binary`, `compare`, `convert`, select), so fused and unfused code give bit-identical
/// results.
extension Emitter {
    /// `members` in order; `stored` the values to store, one pointer each in `results`; `externals` the outside
    /// operands, one pointer each in `operands`.
    func lowerFused(_ members: [Instruction], shape: [Dim], stored: [Value], results: [LLVMValueRef],
                    externals: [Value], operands: [LLVMValueRef]) {
        let storeAt = Dictionary(uniqueKeysWithValues: stored.enumerated().map { ($1.id, $0) })
        let externalAt = Dictionary(uniqueKeysWithValues: externals.enumerated().map { ($1.id, $0) })
        let slices = members.contains { if case .slice = $0.op { true } else { false } }
        // Slices need the multi-index; without them the plain broadcast loop (flat when no operand broadcasts).
        func loop(_ body: (_ idx: [Index], _ offsets: [Index], _ o: Index) -> Void) {
            guard slices else { return broadcastLoop(shape, externals.map(\.type.shape)) { body([], $0, $1) } }
            let so = strides(shape, alignedTo: shape.count)
            let st = externals.map { strides($0.type.shape, alignedTo: shape.count) }
            partitionedRows(shape) { idx in body(idx, st.map { offset(idx, $0) }, offset(idx, so)) }
        }
        loop { idx, offsets, o in
            var registers: [Int: LLVMValueRef] = [:]
            func value(_ v: Value) -> LLVMValueRef {
                if let r = registers[v.id] { return r }
                let k = externalAt[v.id]!
                let loaded = load(v.type.dtype, operands[k], offsets[k])
                registers[v.id] = loaded
                return loaded
            }
            for inst in members {
                let out = inst.results[0]
                let dt = out.type.dtype
                let x = inst.operands
                let r: LLVMValueRef
                switch inst.op {
                case .constant(let c): r = constantValue(c, dt)
                case .unary(let u):  // the scalar form of lowerUnary's code (the loop vectorizer widens it)
                    r = unary(u, dt, value(x[0]))
                case .binary(let op): r = binary(op, dt, value(x[0]), value(x[1]))
                case .compare(let op):
                    r = LLVMBuildZExt(b, compare(op, x[0].type.dtype, value(x[0]), value(x[1])), i8, "")!
                case .select:
                    let cond = LLVMBuildICmp(b, LLVMIntNE, value(x[0]), zero(.bool), "")!
                    r = LLVMBuildSelect(b, cond, value(x[1]), value(x[2]), "")!
                case .cast: r = convert(value(x[0]), from: x[0].type.dtype, to: dt)
                case .expand: r = value(x[0])
                case .slice(let axis, let start, let fromEnd):
                    r = slicedElement(x[0], operands[externalAt[x[0].id]!], axis: axis, start: start, fromEnd: fromEnd, idx)
                default: preconditionFailure("\(inst.op.mnemonic) is not elementwise (FusionPlan.isElementwise)")
                }
                registers[out.id] = r
                if let k = storeAt[out.id] { store(r, dt, results[k], o) }
            }
        }
    }

    /// Element `idx` of `slice x`: x at idx with axis position shifted by the slice's first position, or 0 where that
    /// falls outside x (lowerSlice's semantics). The load sits behind a branch, so x is never read out of bounds
    /// (the loop vectorizer turns it into a masked load).
    private func slicedElement(_ x: Value, _ px: LLVMValueRef, axis: Int, start: Int, fromEnd: Bool, _ idx: [Index])
        -> LLVMValueRef
    {
        let dt = x.type.dtype
        let n = extent(x.type.shape[axis])
        // As in lowerSlice: a start beyond ±2^62 reads nothing, and clamping keeps the arithmetic from overflowing.
        let s = index(Swift.min(Swift.max(start, -(1 << 62)), 1 << 62))
        let p = add(fromEnd ? add(n, s) : s, idx[axis])
        let inRange = LLVMBuildAnd(b, LLVMBuildICmp(b, LLVMIntSGE, p.value, index(0).value, "")!,
                                   LLVMBuildICmp(b, LLVMIntSLT, p.value, n.value, "")!, "")!
        var at = idx
        at[axis] = p
        let fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(b))!
        let before = LLVMGetInsertBlock(b)
        let read = LLVMAppendBasicBlockInContext(context, fn, "slice.read")!
        let join = LLVMAppendBasicBlockInContext(context, fn, "slice.join")!
        LLVMBuildCondBr(b, inRange, read, join)
        LLVMPositionBuilderAtEnd(b, read)
        let v = load(dt, px, offset(at, strides(x.type.shape, alignedTo: idx.count)))
        let readEnd = LLVMGetInsertBlock(b)
        LLVMBuildBr(b, join)
        LLVMPositionBuilderAtEnd(b, join)
        let phi = LLVMBuildPhi(b, type(dt), "")!
        var values: [LLVMValueRef?] = [v, zero(dt)]
        var blocks: [LLVMBasicBlockRef?] = [readEnd, before]
        LLVMAddIncoming(phi, &values, &blocks, 2)
        return phi
    }
}
