import CLLVM
import IR

/// take: a gather along `axis` with i32/i64 indices. Viewed as x [outer, n, inner], ids [T] (flattened) and
/// result [outer, T, inner]: row (o, t) is x's row (o, ids[t]) when 0 ≤ ids[t] < n, else zeros. x is never
/// read out of bounds: the copied count is 0 for an out-of-range index (and its source offset is 0).
/// The rows (outer × T) are partitioned.
extension Emitter {
    func lowerTake(axis: Int, _ out: Value, _ dst: LLVMValueRef, _ x: Value, _ src: LLVMValueRef, _ ids: Value,
                   _ pIds: LLVMValueRef) {
        let dt = out.type.dtype
        let n = extent(x.type.shape[axis])
        let inner = product(extents(Array(x.type.shape[(axis + 1)...])))
        let t = product(extents(ids.type.shape))
        let rows = Array(out.type.shape[..<(axis + ids.type.rank)])
        partitionedLoop(rows) { r in
            let o = udiv(r, t)
            let it = urem(r, t)
            let id = convert(load(ids.type.dtype, pIds, it), from: ids.type.dtype, to: .i64)
            // Unsigned: a negative index is a huge unsigned one, so one compare checks both ends.
            let inRange = LLVMBuildICmp(b, LLVMIntULT, id, n.value, "")!
            let j = select(inRange, Index(value: id, known: nil), index(0))
            let copied = select(inRange, inner, index(0))
            let outRow = mul(r, inner)
            copyBlock(dt, count: copied, dst, outRow, src, mul(add(mul(o, n), j), inner))
            zeroBlock(dt, count: sub(inner, copied), dst, add(outRow, copied))
        }
    }
}
