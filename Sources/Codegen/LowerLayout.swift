import CLLVM
import IR

/// permute: a strided copy (any dtype), rows partitioned. reshape needs no code: it shares its operand's buffer
/// (see BufferPlan), since both are row-major with the same element order.
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
}
