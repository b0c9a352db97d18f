import CLLVM
import IR

/// linear and matmul. Each output element is a dot product accumulated in the value's dtype, in index
/// order from 0 (no reassociation), so results match a plain sequential reference.
extension Emitter {
    /// y[r, o] = Σ_k x[r, k] · w[o, k]  (+ b[o]); x is [..., in] flattened to rows, which are partitioned.
    func lowerLinear(_ out: Value, _ dst: LLVMValueRef, _ x: Value, _ px: LLVMValueRef, _ pw: LLVMValueRef,
                     bias pb: LLVMValueRef?) {
        let dt = out.type.dtype
        let t = type(dt)
        let k = extent(x.type.shape.last!)
        let o = extent(out.type.shape.last!)
        let acc = entryAlloca(t)
        partitionedLoop(Array(x.type.shape.dropLast())) { r in
            forLoop(o) { j in
                LLVMBuildStore(b, float(0, dt), acc)
                forLoop(k) { p in
                    let prod = LLVMBuildFMul(b, load(dt, px, add(mul(r, k), p)), load(dt, pw, add(mul(j, k), p)), "")
                    LLVMBuildStore(b, LLVMBuildFAdd(b, LLVMBuildLoad2(b, t, acc, ""), prod, ""), acc)
                }
                var y = LLVMBuildLoad2(b, t, acc, "")!
                if let pb { y = LLVMBuildFAdd(b, y, load(dt, pb, j), "")! }
                store(y, dt, dst, add(mul(r, o), j))
            }
        }
    }

    /// c[..., i, j] = Σ_p a[..., i, p] · b[..., p, j] with broadcast batch dims. Loop order i, p, j keeps
    /// each c[i, j]'s sum in p order while the innermost j loop is contiguous (vectorizable). The rows
    /// (batch × i, flattened) are partitioned, so a batch of 1 still splits over i.
    func lowerMatmul(_ out: Value, _ dst: LLVMValueRef, _ a: Value, _ pa: LLVMValueRef, _ bm: Value,
                     _ pb: LLVMValueRef) {
        let dt = out.type.dtype
        let rank = out.type.rank
        let nb = rank - 2
        let ext = extents(out.type.shape)
        let n = ext[nb + 1]
        let kDim = extent(a.type.shape[a.type.rank - 1])
        let sa = strides(a.type.shape, alignedTo: rank)
        let sb = strides(bm.type.shape, alignedTo: rank)
        let so = strides(out.type.shape, alignedTo: rank)
        partitionedNest(Array(out.type.shape[0...nb])) { rowIdx in
            let batch = Array(rowIdx[0..<nb])
            let i = rowIdx[nb]
            let bBase = offset(batch, Array(sb[0..<nb]))
            let aRow = add(offset(batch, Array(sa[0..<nb])), mul(i, sa[nb]))
            let oRow = add(offset(batch, Array(so[0..<nb])), mul(i, so[nb]))
            forLoop(n) { j in store(float(0, dt), dt, dst, add(oRow, mul(j, so[nb + 1]))) }
            forLoop(kDim) { p in
                let av = load(dt, pa, add(aRow, mul(p, sa[nb + 1])))
                let bRow = add(bBase, mul(p, sb[nb]))
                forLoop(n) { j in
                    let oj = add(oRow, mul(j, so[nb + 1]))
                    let prod = LLVMBuildFMul(b, av, load(dt, pb, add(bRow, mul(j, sb[nb + 1]))), "")
                    store(LLVMBuildFAdd(b, load(dt, dst, oj), prod, "")!, dt, dst, oj)
                }
            }
        }
    }
}
