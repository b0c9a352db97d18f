import CLLVM
import IR

/// permute, flip and expand: strided copies (any dtype), rows partitioned; iota. reshape needs no code: it shares
/// its operand's buffer (see BufferPlan), since both are row-major with the same element order.
extension Emitter {
    /// out[i0, i1, ...] = x[...] where out axis k walks x axis perm[k]. When the output's last axis is not x's last
    /// axis (a transpose), a row-by-row copy would read one element per cache line; the copy then goes in tiles of
    /// `transposeTile` output rows × `transposeTile` columns, so every line read or written is used whole in the tile.
    func lowerPermute(_ perm: [Int], _ out: Value, _ dst: LLVMValueRef, _ x: Value, _ src: LLVMValueRef) {
        let dt = out.type.dtype
        let xs = strides(x.type.shape, alignedTo: x.type.rank)
        let permuted = perm.map { xs[$0] }
        let so = strides(out.type.shape, alignedTo: out.type.rank)
        let rank = out.type.rank
        guard rank >= 2, perm[rank - 1] != rank - 1 else {
            partitionedRows(out.type.shape) { idx in
                store(load(dt, src, offset(idx, permuted)), dt, dst, offset(idx, so))
            }
            return
        }
        let rowShape = Array(out.type.shape.dropLast())
        let rowExtents = extents(rowShape)
        let columns = extent(out.type.shape[rank - 1])
        let tile = index(Self.transposeTile)
        let rowStarts = entryAlloca(LLVMArrayType2(i64, UInt64(Self.transposeTile)))
        let (lo, hi) = partitionedRange(rowShape)
        let rowTiles = udiv(add(sub(hi, lo), index(Self.transposeTile - 1)), tile)
        let columnTiles = udiv(add(columns, index(Self.transposeTile - 1)), tile)
        forLoop(rowTiles) { rt in
            let r0 = add(lo, mul(rt, tile))
            let r1 = smin(add(r0, tile), hi)
            // Where each row of the tile starts in x, computed once per tile (unflattening divides).
            forLoop(from: r0, to: r1) { r in
                let from = offset(unflatten(r, rowExtents), Array(permuted.dropLast()))
                store(from.value, .i64, rowStarts, sub(r, r0))
            }
            forLoop(columnTiles) { ct in
                let c0 = mul(ct, tile)
                let c1 = smin(add(c0, tile), columns)
                // Columns outside, rows inside: when x's last axis is the rows' (the usual transpose), the inner loop
                // reads x contiguously.
                forLoop(from: c0, to: c1) { c in
                    let column = mul(c, permuted[rank - 1])
                    forLoop(from: r0, to: r1) { r in
                        let from = Index(value: load(.i64, rowStarts, sub(r, r0)), known: nil)
                        store(load(dt, src, add(from, column)), dt, dst, add(mul(r, columns), c))
                    }
                }
            }
        }
    }

    /// Rows and columns per tile of a transposing permute: 16 f32 are one 64-byte cache line.
    static let transposeTile = 16

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
