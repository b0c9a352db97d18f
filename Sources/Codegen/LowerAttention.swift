import CLLVM
import IR

/// Softmax attention (flash style), its weights, and linear attention (running state).
extension Emitter {
    /// Keys per tile of the online softmax: the scores of one tile live in a stack array of this size.
    static let attentionKeyTile = 64

    /// The kv head of query head `h`: h / (H / G) (GQA; MQA when G = 1), guarded like the interpreter.
    private func kvHead(_ h: Index, heads: Index, kvHeads: Index) -> Index {
        udiv(h, smax(udiv(heads, smax(kvHeads, index(1))), index(1)))
    }

    /// Query rows per block: the rows of one block share each key tile (loaded, and transposed, once).
    static let attentionQueryBlock = 16

    /// out[b, i, h, :] = Σ_j softmax_j(scale · q_i·k_j) v_j over the visible keys (j ≤ i when causal): flash style.
    /// The partitioned extent is the query rows (b, h, i); a chunk walks its rows in blocks of up to
    /// `attentionQueryBlock` consecutive rows of one (b, h), and each block walks the key tiles of
    /// `attentionKeyTile` keys its rows can see. Per tile the keys are copied transposed into a stack tile
    /// [d, tile] (when d is known and the tile fits the stack), so every row's scores accumulate over e with a
    /// contiguous, vectorizable inner loop over the tile's keys. Per row: an online softmax with running max m and
    /// denominator l, and the output row itself as the accumulator (rescaled by exp(m − m') per tile, divided by
    /// l at the end). Memory beyond the output: the tiles and per-row scalars on the stack — never Lq×Lk.
    ///
    /// Determinism: a row's operations — scores in e order from 0, times `scale`, tiles in key order — are the
    /// same whichever block the row falls in (a tile a row cannot see yet leaves it unchanged: rescaling by
    /// exp(0) = 1 and adding nothing), so results do not depend on the chunking. Against the interpreter the
    /// softmax sums differ by the per-tile rescalings and the in-register exp (≤ 2 ulp): a few ulps of the output scale.
    func lowerAttention(causal: Bool, scale: Double, _ out: Value, _ dst: LLVMValueRef, _ q: Value, _ pq: LLVMValueRef,
                        _ k: Value, _ pk: LLVMValueRef, _ pv: LLVMValueRef) {
        let dt = out.type.dtype
        let t = type(dt)
        let qe = extents(q.type.shape), ke = extents(k.type.shape)
        let (lq, heads, d) = (qe[1], qe[2], qe[3])
        let (lk, kvHeads) = (ke[1], ke[2])
        let dv = extent(out.type.shape[3])
        let (bc, br) = (Self.attentionKeyTile, Self.attentionQueryBlock)
        let tile = index(bc)
        func array(_ n: Int) -> LLVMValueRef { entryAlloca(LLVMArrayType2(t, UInt64(n))) }
        let scores = array(br * bc)
        let rowMax = array(br), rowSum = array(br)
        // The transposed key tile, when its size is known and small.
        let transposed: LLVMValueRef? = d.known.flatMap { n in
            n * bc * dt.byteSize <= StateRequirement.stackLimitBytes ? array(Swift.max(n, 1) * bc) : nil
        }
        let scaleC = float(scale, dt)
        // SIMD registers: the key tile's scores, and the output row when dv is a known, small multiple of the lanes.
        let lanes = Self.vectorBytes / dt.byteSize
        let outVectors: Int? = dv.known.flatMap { $0 > 0 && $0 % lanes == 0 && $0 / lanes <= 8 ? $0 / lanes : nil }
        if let kt = transposed {
            // Columns past a short tile's keys are computed on and never read: give them defined values once.
            zeroBlock(dt, count: index(Swift.max(d.known!, 1) * bc), kt, index(0))
        }
        let (lo, hi) = partitionedRange([q.type.shape[0], q.type.shape[2], q.type.shape[1]])
        // The (b, h) groups of Lq rows that meet lo..<hi (none when Lq = 0: then lo = hi = 0).
        let lq1 = smax(lq, index(1))
        forLoop(from: udiv(lo, lq1), to: udiv(add(hi, sub(lq1, index(1))), lq1)) { grp in
            let bi = udiv(grp, heads), h = urem(grp, heads)
            let g = kvHead(h, heads: heads, kvHeads: kvHeads)
            let kvBase = add(mul(bi, mul(lk, kvHeads)), g)  // key j's row: (kvBase + j·G)·dim
            let first = smax(lo, mul(grp, lq))
            let rows = sub(smin(hi, mul(add(grp, index(1)), lq)), first)
            let iStart = sub(first, mul(grp, lq))
            forLoop(udiv(add(rows, index(br - 1)), index(br))) { blk in
                let i0 = add(iStart, mul(blk, index(br)))
                let nb = smin(index(br), sub(rows, mul(blk, index(br))))
                func qRow(_ rr: Index) -> Index { mul(add(mul(add(mul(bi, lq), add(i0, rr)), heads), h), d) }
                func oRow(_ rr: Index) -> Index { mul(add(mul(add(mul(bi, lq), add(i0, rr)), heads), h), dv) }
                func visible(_ rr: Index) -> Index { causal ? smin(lk, add(add(i0, rr), index(1))) : lk }
                forLoop(nb) { rr in
                    zeroBlock(dt, count: dv, dst, oRow(rr))
                    store(float(-.infinity, dt), dt, rowMax, rr)
                    store(zero(dt), dt, rowSum, rr)
                }
                let blockVisible = visible(sub(nb, index(1)))  // the last row sees the most
                forLoop(udiv(add(blockVisible, sub(tile, index(1))), tile)) { tt in
                    let j0 = mul(tt, tile)
                    let count = smin(tile, sub(blockVisible, j0))
                    func kRow(_ jj: Index) -> Index { mul(add(kvBase, mul(add(j0, jj), kvHeads)), d) }
                    if let kt = transposed {
                        forLoop(count) { jj in
                            let row = kRow(jj)
                            forLoop(d) { e in store(load(dt, pk, add(row, e)), dt, kt, add(mul(e, tile), jj)) }
                        }
                    }
                    forLoop(nb) { rr in
                        let n = clamp(sub(visible(rr), j0), count)
                        let sRow = mul(rr, tile)
                        let qr = qRow(rr), orow = oRow(rr)
                        // Scores, e outside so the tile's dot products advance together (each sums in e order): in
                        // registers over the whole tile when the keys are transposed (lanes past the visible keys
                        // compute on stale tile columns and are never read), else through the scores row.
                        if let kt = transposed {
                            let acc = registerBlock(vectors: bc / lanes, dt)
                            acc.zero()
                            forLoop(d) { e in
                                let qv = splat(load(dt, pq, add(qr, e)), lanes)
                                acc.update { v, s in
                                    vfma(qv, loadVector(dt, lanes: lanes, kt, add(mul(e, tile), index(v * lanes))), s)
                                }
                            }
                            acc.store(to: scores, at: sRow)
                        } else {
                            zeroBlock(dt, count: n, scores, sRow)
                            forLoop(d) { e in
                                let qv = load(dt, pq, add(qr, e))
                                forLoop(n) { jj in accumulate(fmul(qv, load(dt, pk, add(kRow(jj), e))), dt, scores, add(sRow, jj)) }
                            }
                        }
                        let mOld = load(dt, rowMax, rr)
                        let m = scalarSlot(dt)
                        m.set(mOld)
                        forLoop(n) { jj in
                            let s = fmul(load(dt, scores, add(sRow, jj)), scaleC)
                            store(s, dt, scores, add(sRow, jj))
                            m.set(intrinsic("maxnum", [t], [m.get(), s]))
                        }
                        let mNew = m.get()
                        store(mNew, dt, rowMax, rr)
                        // The exps in registers (Emitter+VectorExp.swift): a loop of them alone vectorizes.
                        let alpha = fastExp(fsub(mOld, mNew), dt, lanes: 1)
                        forLoop(n) { jj in
                            let at = add(sRow, jj)
                            store(fastExp(fsub(load(dt, scores, at), mNew), dt, lanes: 1), dt, scores, at)
                        }
                        let l = scalarSlot(dt)
                        l.set(fmul(load(dt, rowSum, rr), alpha))
                        forLoop(n) { jj in l.set(fadd(l.get(), load(dt, scores, add(sRow, jj)))) }
                        func vRow(_ jj: Index) -> Index { mul(add(kvBase, mul(add(j0, jj), kvHeads)), dv) }
                        if let vectors = outVectors {
                            // The output row in registers across the tile's keys: o = alpha·o, then o += p_j v_j.
                            let acc = registerBlock(vectors: vectors, dt)
                            let alphaV = splat(alpha, lanes)
                            acc.load(from: dst, at: orow) { fmul($0, alphaV) }
                            forLoop(n) { jj in
                                let pj = splat(load(dt, scores, add(sRow, jj)), lanes)
                                let row = vRow(jj)
                                acc.update { v, o in vfma(pj, loadVector(dt, lanes: lanes, pv, add(row, index(v * lanes))), o) }
                            }
                            acc.store(to: dst, at: orow)
                        } else {
                            forLoop(dv) { e in store(fmul(load(dt, dst, add(orow, e)), alpha), dt, dst, add(orow, e)) }
                            forLoop(n) { jj in
                                let pj = load(dt, scores, add(sRow, jj))
                                let row = vRow(jj)
                                forLoop(dv) { e in accumulate(fmul(pj, load(dt, pv, add(row, e))), dt, dst, add(orow, e)) }
                            }
                        }
                        store(l.get(), dt, rowSum, rr)
                    }
                }
                forLoop(nb) { rr in
                    // No visible key (Lk = 0): l = 0 and the row stays 0, as in the interpreter.
                    let lv = load(dt, rowSum, rr)
                    let den = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOEQ, lv, zero(dt), ""), float(1, dt), lv, "")!
                    let orow = oRow(rr)
                    forLoop(dv) { e in store(fdiv(load(dt, dst, add(orow, e)), den), dt, dst, add(orow, e)) }
                }
            }
        }
    }

    /// The softmax weights [B, H, Lq, Lk], row by row (rows partitioned): scores into the row, then the exact
    /// two-pass max-subtracted softmax of the interpreter; masked entries 0.
    func lowerAttentionMatrix(causal: Bool, scale: Double, _ out: Value, _ dst: LLVMValueRef, _ q: Value,
                              _ pq: LLVMValueRef, _ k: Value, _ pk: LLVMValueRef) {
        let dt = out.type.dtype
        let t = type(dt)
        let qe = extents(q.type.shape), ke = extents(k.type.shape)
        let (lq, heads, d) = (qe[1], qe[2], qe[3])
        let (lk, kvHeads) = (ke[1], ke[2])
        let m = scalarSlot(dt), z = scalarSlot(dt)
        let scaleC = float(scale, dt)
        partitionedLoop(Array(out.type.shape[0..<3])) { it in
            let i = urem(it, lq), bh = udiv(it, lq)
            let bi = udiv(bh, heads), h = urem(bh, heads)
            let g = kvHead(h, heads: heads, kvHeads: kvHeads)
            let qRow = mul(add(mul(add(mul(bi, lq), i), heads), h), d)
            let oRow = mul(it, lk)
            let visible = causal ? smin(lk, add(i, index(1))) : lk
            let kvBase = add(mul(bi, mul(lk, kvHeads)), g)
            zeroBlock(dt, count: visible, dst, oRow)
            forLoop(d) { e in
                let qv = load(dt, pq, add(qRow, e))
                forLoop(visible) { j in
                    accumulate(fmul(qv, load(dt, pk, add(mul(add(kvBase, mul(j, kvHeads)), d), e))), dt, dst, add(oRow, j))
                }
            }
            m.set(float(-.infinity, dt))
            forLoop(visible) { j in
                let s = fmul(load(dt, dst, add(oRow, j)), scaleC)
                store(s, dt, dst, add(oRow, j))
                m.set(intrinsic("maxnum", [t], [m.get(), s]))
            }
            let mv = m.get()
            z.set(zero(dt))
            forLoop(visible) { j in
                let e = intrinsic("exp", dt, fsub(load(dt, dst, add(oRow, j)), mv))
                store(e, dt, dst, add(oRow, j))
                z.set(fadd(z.get(), e))
            }
            let zv = z.get()
            forLoop(visible) { j in store(fdiv(load(dt, dst, add(oRow, j)), zv), dt, dst, add(oRow, j)) }
            zeroBlock(dt, count: sub(lk, visible), dst, add(oRow, visible))
        }
    }

    /// Linear attention by its running state, per (batch, head) (partitioned): S = Σ K_j V_jᵀ [dk, dv] and
    /// z = Σ K_j [dk] in state arrays (StateMemory.swift), grown step by step (causal) or summed over all keys
    /// first (non-causal); y_i = Q_iᵀ S / (Q_i·z + eps). The output row accumulates Q_iᵀ S in e order, the
    /// interpreter's order, with the contiguous dv loop inside.
    func lowerLinearAttention(causal: Bool, normalize: Bool, eps: Double, _ inst: Instruction, _ dst: LLVMValueRef,
                              _ o: [LLVMValueRef], scratch: [LLVMValueRef]) {
        let (q, v) = (inst.operands[0], inst.operands[2])
        let (pq, pk, pv) = (o[0], o[1], o[2])
        let dt = q.type.dtype
        let qe = extents(q.type.shape)
        let (len, heads, dk) = (qe[1], qe[2], qe[3])
        let dv = extent(v.type.shape[3])
        let state = stateArrays(StateRequirement.of(inst)!, scratch: scratch)
        let den = scalarSlot(dt)
        partitionedLoop([q.type.shape[0], q.type.shape[2]]) { it in
            let bi = udiv(it, heads), h = urem(it, heads)
            let arrays = state(it)
            let (s, z) = (arrays[0], arrays[1])
            zeroBlock(dt, count: mul(dk, dv), s, index(0))
            zeroBlock(dt, count: dk, z, index(0))
            // Row j of a [B, L, H, dim] tensor starts at ((b·L + j)·H + h)·dim.
            func row(_ j: Index, _ dim: Index) -> Index { mul(add(mul(add(mul(bi, len), j), heads), h), dim) }
            func absorb(_ j: Index) {
                let kRow = row(j, dk), vRow = row(j, dv)
                forLoop(dk) { e in
                    let kv = load(dt, pk, add(kRow, e))
                    accumulate(kv, dt, z, e)
                    let sRow = mul(e, dv)
                    forLoop(dv) { f in accumulate(fmul(kv, load(dt, pv, add(vRow, f))), dt, s, add(sRow, f)) }
                }
            }
            if !causal { forLoop(len) { j in absorb(j) } }
            forLoop(len) { i in
                if causal { absorb(i) }
                let qRow = row(i, dk), oRow = row(i, dv)
                zeroBlock(dt, count: dv, dst, oRow)
                forLoop(dk) { e in
                    let qv = load(dt, pq, add(qRow, e))
                    let sRow = mul(e, dv)
                    forLoop(dv) { f in accumulate(fmul(qv, load(dt, s, add(sRow, f))), dt, dst, add(oRow, f)) }
                }
                if normalize {
                    den.set(float(eps, dt))
                    forLoop(dk) { e in den.set(fadd(den.get(), fmul(load(dt, pq, add(qRow, e)), load(dt, z, e)))) }
                    let dv0 = den.get()
                    forLoop(dv) { f in store(fdiv(load(dt, dst, add(oRow, f)), dv0), dt, dst, add(oRow, f)) }
                }
            }
        }
    }

    /// M[b, h, i, j] = (Q_i·K_j) [j ∈ S(i)] · Z_i, Z_i = 1 / (Σ_{S(i)} Q_i·K_j + eps) when normalised; rows partitioned.
    func lowerLinearAttentionMatrix(causal: Bool, normalize: Bool, eps: Double, _ out: Value, _ dst: LLVMValueRef,
                                    _ q: Value, _ pq: LLVMValueRef, _ pk: LLVMValueRef) {
        let dt = out.type.dtype
        let qe = extents(q.type.shape)
        let (len, heads, d) = (qe[1], qe[2], qe[3])
        let sum = scalarSlot(dt)
        partitionedLoop(Array(out.type.shape[0..<3])) { it in
            let i = urem(it, len), bh = udiv(it, len)
            let bi = udiv(bh, heads), h = urem(bh, heads)
            func row(_ j: Index) -> Index { mul(add(mul(add(mul(bi, len), j), heads), h), d) }
            let qRow = row(i)
            let oRow = mul(it, len)
            let visible = causal ? add(i, index(1)) : len
            zeroBlock(dt, count: visible, dst, oRow)
            forLoop(d) { e in
                let qv = load(dt, pq, add(qRow, e))
                forLoop(visible) { j in accumulate(fmul(qv, load(dt, pk, add(row(j), e))), dt, dst, add(oRow, j)) }
            }
            if normalize {
                sum.set(zero(dt))
                forLoop(visible) { j in sum.set(fadd(sum.get(), load(dt, dst, add(oRow, j)))) }
                let zi = fdiv(float(1, dt), fadd(sum.get(), float(eps, dt)))
                forLoop(visible) { j in store(fmul(load(dt, dst, add(oRow, j)), zi), dt, dst, add(oRow, j)) }
            }
            zeroBlock(dt, count: sub(len, visible), dst, add(oRow, visible))
        }
    }
}
