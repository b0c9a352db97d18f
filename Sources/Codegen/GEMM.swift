import CLLVM
import IR

/// One GEMM as the blocked driver sees it: per batch index, C[i, j] = Σ_p A[i, p] · B[p, j] (+ bias[j]) for
/// i < m, j < n, p < k, with every operand addressed by element offsets so that linear (B is the weight
/// transposed) and matmul (broadcast batch dims) share the code. C is contiguous: row i of a batch at i · n.
struct GEMMProblem {
    let dtype: DType
    let m, n, k: Index
    /// The dim of n: the kernel's partitioned loop runs over output columns.
    let columns: Dim
    /// Packed-B depth per column in the scratch buffer (GEMMTiling.packDepth of k's dim).
    let packDepth: Int
    /// Batch extents (empty for none) and each operand's base offset for a batch multi-index.
    let batch: [Index]
    let aBase, bBase, cBase: ([Index]) -> Index
    let a: LLVMValueRef
    /// Element strides of A along i and p.
    let aRow, aDepth: Index
    let b: LLVMValueRef
    /// Element strides of B along p and j.
    let bDepth, bColumn: Index
    let c: LLVMValueRef
    let bias: LLVMValueRef?
}

/// The blocked GEMM (docs/GEMM.md). The partitioned loop is over output columns: a chunk [c0, c1) of columns
/// computes C[:, c0..<c1] for every batch and row, so no two chunks write the same element or share packing
/// memory. Within a chunk:
///
///     for each batch, for jc in column blocks of NC:            B block KC × NC stays in L2
///       for kb in depth blocks of KC:
///         pack B[kb-block, jc-block] into NR-wide micro-panels   (once per chunk and block)
///         for ir in row tiles of MR:                             A's MR rows × KC stay in L1 across jr
///           for jr in micro-panels of the block: C tile MR × NR += A rows · panel  (GEMMMicroKernel.swift)
///
/// A is not packed: the micro-kernel broadcasts its elements one at a time straight from the rows.
/// Numerics: every C[i, j] is one fused multiply-add chain over p = 0, 1, …, k−1 in order (a tile stores its
/// accumulators after a depth block and reloads them for the next), then + bias. Blocking, tiles, edges and the
/// thread count never change which operations produce an element, so results are bit-identical for any
/// chunking; they differ from a separate multiply-then-add reference only by the fused roundings.
extension Emitter {
    func emitGEMM(_ g: GEMMProblem, _ tiling: GEMMTiling, pack scratch: LLVMValueRef) {
        let dt = g.dtype
        let (lo, hi) = partitionedRange([g.columns])
        let width = smax(sub(hi, lo), index(0))
        let pack = elementPointer(dt, scratch, mul(lo, index(g.packDepth)))
        // At least one depth block, so k = 0 still writes C (zeros, or the bias).
        let kBlocks = smax(index(1), ceilDiv(g.k, tiling.kc))
        let lastBlock = sub(kBlocks, index(1))
        loopNest(g.batch) { bi in
            let (aBase, bBase, cBase) = (g.aBase(bi), g.bBase(bi), g.cBase(bi))
            forBlocks(width, tiling.nc) { jcLocal, w in
                let jc = add(lo, jcLocal)
                forLoop(kBlocks) { kb in
                    let pc = mul(kb, index(tiling.kc))
                    let kc = smax(index(0), smin(index(tiling.kc), sub(g.k, pc)))
                    packB(g, tiling, base: add(bBase, mul(pc, g.bDepth)), column: jc, depth: kc, width: w, into: pack)
                    let first = LLVMBuildICmp(b, LLVMIntEQ, kb.value, index(0).value, "")!
                    let last = LLVMBuildICmp(b, LLVMIntEQ, kb.value, lastBlock.value, "")!
                    forBlocks(g.m, tiling.rows) { ir, mr in
                        let aTile = elementPointer(dt, g.a, add(aBase, add(mul(ir, g.aRow), mul(pc, g.aDepth))))
                        let cRow = add(cBase, mul(ir, g.n))
                        forBlocks(w, tiling.nr) { jr, nr in
                            let tile = GEMMTile(
                                a: aTile, aRow: g.aRow, aDepth: g.aDepth, panel: elementPointer(dt, pack, mul(jr, kc)),
                                c: elementPointer(dt, g.c, add(cRow, add(jc, jr))), cRow: g.n,
                                bias: g.bias.map { elementPointer(dt, $0, add(jc, jr)) }, depth: kc, first: first, last: last)
                            emitTile(tiling, tile, rows: mr, columns: nr)
                        }
                    }
                }
            }
        }
    }

    /// Packs B[p, column + j] for p < depth, j < width (offsets from `base`) as NR-wide micro-panels: panel q holds
    /// columns q·NR ..< q·NR + nr (nr = NR but for the last) at q·NR·depth, element (p, j) at p·nr + j, so the
    /// micro-kernel reads each panel front to back. Packing costs one pass over B per chunk (k · n moves against
    /// m · n · k multiply-adds), so it is plain scalar code in whichever order reads B contiguously.
    private func packB(_ g: GEMMProblem, _ tiling: GEMMTiling, base: Index, column: Index, depth: Index, width: Index,
                       into pack: LLVMValueRef) {
        let dt = g.dtype
        forBlocks(width, tiling.nr) { jr, nr in
            let panel = mul(jr, depth)
            let firstColumn = add(base, mul(add(column, jr), g.bColumn))
            func move(_ p: Index, _ j: Index) {
                let v = load(dt, g.b, add(firstColumn, add(mul(p, g.bDepth), mul(j, g.bColumn))))
                store(v, dt, pack, add(panel, add(mul(p, nr), j)))
            }
            if g.bColumn.known == 1 || g.bColumn.known == 0 {
                forLoop(depth) { p in forLoop(nr) { j in move(p, j) } }
            } else {
                forLoop(nr) { j in forLoop(depth) { p in move(p, j) } }
            }
        }
    }

    /// for each block of `step` in 0..<total: body(start, min(step, total − start)). `total` must be ≥ 0.
    func forBlocks(_ total: Index, _ step: Int, _ body: (_ start: Index, _ count: Index) -> Void) {
        forLoop(ceilDiv(total, step)) { t in
            let start = mul(t, index(step))
            body(start, smin(index(step), sub(total, start)))
        }
    }

    /// ⌈x / d⌉ for x ≥ 0 and a positive constant d.
    func ceilDiv(_ x: Index, _ d: Int) -> Index {
        udiv(add(x, index(d - 1)), index(d))
    }
}
