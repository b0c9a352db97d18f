import CLLVM
import IR

/// scan: h[t] = a[t] · h[t-1] + b[t] along `axis`, h[-1] = h0 or 0. The running state lives in the
/// `last` result buffer, so after the loop it already holds the last h (or h0/zeros for an empty axis).
/// The dims before `axis` are independent sequences and are partitioned; with axis 0 the time loop is
/// outermost and the positions after the axis (each its own sequence, visited in time order) are partitioned.
extension Emitter {
    func lowerScan(axis: Int, _ all: Value, _ pAll: LLVMValueRef, _ last: Value, _ pLast: LLVMValueRef,
                   _ a: Value, _ pa: LLVMValueRef, _ bv: Value, _ pb: LLVMValueRef, h0 ph0: LLVMValueRef?) {
        let dt = all.type.dtype
        let shape = all.type.shape
        let rank = shape.count
        let ext = extents(shape)
        let sa = strides(a.type.shape, alignedTo: rank)
        let sb = strides(bv.type.shape, alignedTo: rank)
        let sh = strides(shape, alignedTo: rank)
        // The state (and h0) has the shape without `axis`: its strides, with 0 inserted at `axis`.
        var sl = strides(last.type.shape, alignedTo: rank - 1)
        sl.insert(index(0), at: axis)
        let innerExt = Array(ext[(axis + 1)...])
        // With axis 0 the time loop must stay outermost, so the chunks split the positions after the axis instead.
        let innerRange = axis == 0 ? partitionedRange(Array(shape[1...])) : nil
        func innerLoop(_ body: ([Index]) -> Void) {
            guard let (lo, hi) = innerRange else { return loopNest(innerExt, body) }
            forLoop(from: lo, to: hi) { f in body(unflatten(f, innerExt)) }
        }
        func sequences(_ outer: [Index]) {
            innerLoop { inner in
                let idx = outer + [index(0)] + inner
                let off = offset(idx, sl)
                store(ph0.map { load(dt, $0, off) } ?? float(0, dt), dt, pLast, off)
            }
            forLoop(ext[axis]) { t in
                innerLoop { inner in
                    let idx = outer + [t] + inner
                    let lo = offset(idx, sl)
                    let prev = load(dt, pLast, lo)
                    let h = LLVMBuildFAdd(
                        b, LLVMBuildFMul(b, load(dt, pa, offset(idx, sa)), prev, ""), load(dt, pb, offset(idx, sb)), "")!
                    store(h, dt, pAll, offset(idx, sh))
                    store(h, dt, pLast, lo)
                }
            }
        }
        if axis > 0 {
            partitionedNest(Array(shape[..<axis]), sequences)
        } else {
            sequences([])
        }
    }
}
