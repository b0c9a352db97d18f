import CLLVM
import IR

/// slice and concat as contiguous block copies: both view their tensors as [outer, len, inner] around the axis
/// (inner = the elements after it), so every piece of an outer row is one flat run of len' · inner elements.
/// Rows are partitioned when axis > 0; with axis 0 the axis itself is split (`partitionedAxisRows`).
extension Emitter {
    /// result[o, i, k] = x[o, first + i, k] for first + i in 0..<n, else 0, with first = start (or n + start
    /// when `fromEnd`). Each range lo..<hi of i splits into a zero run, a copied run and a zero run, so x is
    /// read only inside its bounds and the copy loop has no branch.
    func lowerSlice(axis: Int, start: Int, fromEnd: Bool, _ out: Value, _ dst: LLVMValueRef, _ x: Value,
                    _ src: LLVMValueRef) {
        let dt = out.type.dtype
        let n = extent(x.type.shape[axis])
        let m = extent(out.type.shape[axis])
        let inner = product(extents(Array(out.type.shape[(axis + 1)...])))
        // A start beyond ±2^62 reads nothing either way (no axis is that long); clamping keeps the bound
        // arithmetic below free of overflow.
        let s = index(Swift.min(Swift.max(start, -(1 << 62)), 1 << 62))
        let first = fromEnd ? add(n, s) : s
        // i reads x exactly when vlo ≤ i < vhi (vlo ≤ vhi since n ≥ 0). Clamped to 0...m, which changes no
        // range below (they lie in 0..<m) and keeps every count and offset within the buffers' sizes.
        let vlo = clamp(sub(index(0), first), m)
        let vhi = clamp(sub(n, first), m)
        partitionedAxisRows(out.type.shape, axis: axis) { o, lo, hi in
            let oRow = mul(o, m)
            let xRow = mul(o, n)
            let zeroEnd = smin(hi, vlo)
            zeroBlock(dt, count: mul(sub(zeroEnd, lo), inner), dst, mul(add(oRow, lo), inner))
            let (a, c) = (smax(lo, vlo), smin(hi, vhi))
            // x's position first + a is in 0..<n whenever the run is non-empty; clamped for the empty case.
            copyBlock(dt, count: mul(sub(c, a), inner), dst, mul(add(oRow, a), inner), src,
                      mul(add(xRow, clamp(add(first, a), n)), inner))
            let zeroStart = smax(lo, vhi)
            zeroBlock(dt, count: mul(sub(hi, zeroStart), inner), dst, mul(add(oRow, zeroStart), inner))
        }
    }

    /// result[o, c_p + i, k] = x_p[o, i, k] where c_p is the sum of the earlier operands' lengths (known or symbolic).
    func lowerConcat(axis: Int, _ out: Value, _ dst: LLVMValueRef, _ xs: [Value], _ srcs: [LLVMValueRef]) {
        let dt = out.type.dtype
        let total = extent(out.type.shape[axis])
        let inner = product(extents(Array(out.type.shape[(axis + 1)...])))
        partitionedAxisRows(out.type.shape, axis: axis) { o, lo, hi in
            var c = index(0)
            for (x, src) in zip(xs, srcs) {
                let len = extent(x.type.shape[axis])
                let end = add(c, len)
                let (a, e) = (smax(lo, c), smin(hi, end))
                // An empty run (e ≤ a) copies nothing: copyBlock takes a count of zero or less as nothing.
                copyBlock(dt, count: mul(sub(smax(e, a), a), inner), dst, mul(add(mul(o, total), a), inner), src,
                          mul(add(mul(o, len), sub(a, c)), inner))
                c = end
            }
        }
    }

    /// x clamped to 0...hi.
    func clamp(_ x: Index, _ hi: Index) -> Index { smin(smax(x, index(0)), hi) }
}
