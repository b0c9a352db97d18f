import CLLVM
import IR

/// permute, flip and expand: strided copies (any dtype), rows partitioned; iota. reshape needs no code: it shares
/// its operand's buffer (see BufferPlan), since both are row-major with the same element order.
extension Emitter {
    /// out[i0, i1, ...] = x[...] where out axis k walks x axis perm[k].
    func lowerPermute(_ perm: [Int], _ out: Value, _ dst: LLVMValueRef, _ x: Value, _ src: LLVMValueRef) {
        let dt = out.type.dtype
        let xs = strides(x.type.shape, alignedTo: x.type.rank)
        let permuted = perm.map { xs[$0] }
        let so = strides(out.type.shape, alignedTo: out.type.rank)
        partitionedRows(out.type.shape) { idx in
            store(load(dt, src, offset(idx, permuted)), dt, dst, offset(idx, so))
        }
    }

    /// out[..., i, ...] = x[..., n - 1 - i, ...] along `axis`.
    func lowerFlip(axis: Int, _ out: Value, _ dst: LLVMValueRef, _ x: Value, _ src: LLVMValueRef) {
        let dt = out.type.dtype
        let rank = out.type.rank
        let last = sub(extent(x.type.shape[axis]), index(1))
        let xs = strides(x.type.shape, alignedTo: rank)
        let so = strides(out.type.shape, alignedTo: rank)
        partitionedRows(out.type.shape) { idx in
            var from = idx
            from[axis] = sub(last, idx[axis])
            store(load(dt, src, offset(from, xs)), dt, dst, offset(idx, so))
        }
    }

    /// x broadcast to the declared shape (stride 0 on the axes x lacks or has as a known 1).
    func lowerExpand(_ out: Value, _ dst: LLVMValueRef, _ x: Value, _ src: LLVMValueRef) {
        let dt = out.type.dtype
        broadcastLoop(out.type.shape, [x.type.shape]) { off, o in store(load(dt, src, off[0]), dt, dst, o) }
    }

    /// out[idx] = idx[axis] converted to the result's dtype (i64 → float rounds to nearest, → i32 wraps,
    /// like the interpreter's Double → dtype rounding for every index a buffer can hold).
    func lowerIota(axis: Int, _ out: Value, _ dst: LLVMValueRef) {
        let dt = out.type.dtype
        let so = strides(out.type.shape, alignedTo: out.type.rank)
        partitionedRows(out.type.shape) { idx in
            store(convert(idx[axis].value, from: .i64, to: dt), dt, dst, offset(idx, so))
        }
    }
}
