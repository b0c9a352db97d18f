import CLLVM
import IR

/// reduce_sum / reduce_mean / reduce_max over one axis, and rmsnorm over the last axis. Sums run in the
/// value's dtype in index order.
extension Emitter {
    /// x viewed as [outer, n, inner]; out[o, i] = reduce_t x[o, t, i]. The t loop sits outside the
    /// contiguous i loop, so each element still accumulates in t order while i vectorizes.
    /// An empty axis gives 0 (sum), NaN (mean, 0/0) and -inf (max). The outer rows are partitioned when
    /// there are any (axis > 0); with axis 0 the inner positions are (each element's sum keeps its order).
    func lowerReduce(_ op: ReduceOp, axis: Int, _ out: Value, _ dst: LLVMValueRef, _ x: Value, _ src: LLVMValueRef) {
        let dt = x.type.dtype
        let ext = extents(x.type.shape)
        let n = ext[axis]
        let inner = product(Array(ext[(axis + 1)...]))
        let initial = op == .max ? float(-.infinity, dt) : float(0, dt)
        // The positions i of the inner run this kernel call handles: all of them when rows are partitioned, a
        // partitioned range with axis 0 (the t loop must stay outside i, so the chunks split i instead).
        let (iLo, iHi) = axis > 0 ? (index(0), inner) : partitionedRange(Array(x.type.shape[1...]))
        func row(_ o: Index) {
            let oBase = mul(o, inner)
            let xBase = mul(mul(o, n), inner)
            forLoop(from: iLo, to: iHi) { i in store(initial, dt, dst, add(oBase, i)) }
            forLoop(n) { t in
                let xRow = add(xBase, mul(t, inner))
                forLoop(from: iLo, to: iHi) { i in
                    let acc = load(dt, dst, add(oBase, i))
                    let v = load(dt, src, add(xRow, i))
                    let r = op == .max ? intrinsic("maxnum", [type(dt)], [acc, v]) : LLVMBuildFAdd(b, acc, v, "")!
                    store(r, dt, dst, add(oBase, i))
                }
            }
            if op == .mean {
                let count = LLVMBuildSIToFP(b, n.value, type(dt), "")
                forLoop(from: iLo, to: iHi) { i in
                    store(LLVMBuildFDiv(b, load(dt, dst, add(oBase, i)), count, "")!, dt, dst, add(oBase, i))
                }
            }
        }
        if axis > 0 {
            partitionedLoop(Array(x.type.shape[..<axis]), row)
        } else {
            row(index(0))
        }
    }

    /// y = x · (1 / √(mean(x²) + eps)) · w per row of the last axis; rows are partitioned.
    func lowerRMSNorm(eps: Double, _ out: Value, _ dst: LLVMValueRef, _ x: Value, _ px: LLVMValueRef,
                      _ pw: LLVMValueRef) {
        let dt = x.type.dtype
        let t = type(dt)
        let ext = extents(x.type.shape)
        let d = ext.last!
        let acc = entryAlloca(t)
        partitionedLoop(Array(x.type.shape.dropLast())) { r in
            let base = mul(r, d)
            LLVMBuildStore(b, float(0, dt), acc)
            forLoop(d) { j in
                let v = load(dt, px, add(base, j))
                LLVMBuildStore(b, LLVMBuildFAdd(b, LLVMBuildLoad2(b, t, acc, ""), LLVMBuildFMul(b, v, v, ""), ""), acc)
            }
            let mean = LLVMBuildFDiv(b, LLVMBuildLoad2(b, t, acc, ""), LLVMBuildSIToFP(b, d.value, t, ""), "")!
            let root = intrinsic("sqrt", dt, LLVMBuildFAdd(b, mean, float(eps, dt), "")!)
            let inv = LLVMBuildFDiv(b, float(1, dt), root, "")!
            forLoop(d) { j in
                let y = LLVMBuildFMul(b, LLVMBuildFMul(b, load(dt, px, add(base, j)), inv, ""), load(dt, pw, j), "")!
                store(y, dt, dst, add(base, j))
            }
        }
    }
}
