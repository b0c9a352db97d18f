import CLLVM
import IR

/// linear and matmul, both as the blocked GEMM of GEMM.swift (docs/GEMM.md): this file only says where each
/// operand's elements are. Each output element is one fused multiply-add chain in index order over the inner
/// dim (then + bias), the same for every thread count.
extension Emitter {
    /// y[r, o] = Σ_k x[r, k] · w[o, k] (+ b[o]); x is [..., in] flattened to rows, w [out, in] read as B[k, o].
    func lowerLinear(_ out: Value, _ dst: LLVMValueRef, _ x: Value, _ px: LLVMValueRef, _ w: Value, _ pw: LLVMValueRef,
                     bias pb: LLVMValueRef?, scratch: LLVMValueRef) {
        let dt = out.type.dtype
        let k = extent(x.type.shape.last!)
        let tiling = GEMMTiling.host(dt)
        let problem = GEMMProblem(
            dtype: dt, m: product(extents(Array(x.type.shape.dropLast()))), n: extent(out.type.shape.last!), k: k,
            columns: out.type.shape.last!, packDepth: tiling.packDepth(w.type.shape[1]), batch: [],
            aBase: { _ in self.index(0) }, bBase: { _ in self.index(0) }, cBase: { _ in self.index(0) },
            a: px, aRow: k, aDepth: index(1), b: pw, bDepth: index(1), bColumn: k, c: dst, bias: pb)
        emitGEMM(problem, tiling, pack: scratch)
    }

    /// c[..., i, j] = Σ_p a[..., i, p] · b[..., p, j] with broadcast batch dims. When b has no batch (a shared
    /// weight) and a is not broadcast, the batch folds into the rows: one GEMM of (batch · m) rows.
    func lowerMatmul(_ out: Value, _ dst: LLVMValueRef, _ a: Value, _ pa: LLVMValueRef, _ bm: Value, _ pb: LLVMValueRef,
                     scratch: LLVMValueRef) {
        let dt = out.type.dtype
        let rank = out.type.rank
        let nb = rank - 2
        let ext = extents(out.type.shape)
        let (m, n) = (ext[nb], ext[nb + 1])
        let kDim = a.type.shape[a.type.rank - 1]
        let k = extent(kDim)
        let tiling = GEMMTiling.host(dt)
        let sa = strides(a.type.shape, alignedTo: rank)
        let sb = strides(bm.type.shape, alignedTo: rank)
        let batchDims = Array(out.type.shape[..<nb])
        let sharedB = bm.type.shape.dropLast(2).allSatisfy { $0 == .known(1) }
        let foldBatch = sharedB && Array(a.type.shape.dropLast(2)) == batchDims
        let so = strides(out.type.shape, alignedTo: rank)
        let problem = GEMMProblem(
            dtype: dt, m: foldBatch ? product(Array(ext[...nb])) : m, n: n, k: k, columns: out.type.shape[nb + 1],
            packDepth: tiling.packDepth(kDim), batch: foldBatch ? [] : Array(ext[..<nb]),
            aBase: { self.offset($0, Array(sa[..<nb])) }, bBase: { self.offset($0, Array(sb[..<nb])) },
            cBase: { self.offset($0, Array(so[..<nb])) },
            a: pa, aRow: foldBatch ? k : sa[nb], aDepth: sa[nb + 1], b: pb, bDepth: sb[nb], bColumn: sb[nb + 1],
            c: dst, bias: nil)
        emitGEMM(problem, tiling, pack: scratch)
    }
}
