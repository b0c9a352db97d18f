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

    /// out[b, i, h, :] = Σ_j softmax_j(scale · q_i·k_j) v_j over the visible keys (j ≤ i when causal), per query
    /// row, the rows (b, h, i) partitioned. An online softmax over key tiles of `attentionKeyTile`: scores of one
    /// tile in a stack array, a running max m and denominator l, and the output row itself as the accumulator
    /// (rescaled by exp(m - m') whenever the max grows, divided by l at the end). Memory beyond the output:
    /// the tile and a few scalars per thread — never an Lq×Lk buffer.
    ///
    /// Numerics: each score is the dot product in e order from 0 times `scale`, as in the interpreter; the
    /// softmax sums differ from its exact two-pass form by the rescalings (a few ulps of the output scale).
    func lowerAttention(causal: Bool, scale: Double, _ out: Value, _ dst: LLVMValueRef, _ q: Value, _ pq: LLVMValueRef,
                        _ k: Value, _ pk: LLVMValueRef, _ pv: LLVMValueRef) {
        let dt = out.type.dtype
        let t = type(dt)
        let qe = extents(q.type.shape), ke = extents(k.type.shape)
        let (lq, heads, d) = (qe[1], qe[2], qe[3])
        let (lk, kvHeads) = (ke[1], ke[2])
        let dv = extent(out.type.shape[3])
        let tile = index(Self.attentionKeyTile)
        let scores = entryAlloca(LLVMArrayType2(t, UInt64(Self.attentionKeyTile)))
        let m = scalarSlot(dt), l = scalarSlot(dt)
        let scaleC = float(scale, dt)
        partitionedLoop([q.type.shape[0], q.type.shape[2], q.type.shape[1]]) { it in
            let i = urem(it, lq), bh = udiv(it, lq)
            let bi = udiv(bh, heads), h = urem(bh, heads)
            let g = kvHead(h, heads: heads, kvHeads: kvHeads)
            let qRow = mul(add(mul(add(mul(bi, lq), i), heads), h), d)
            let oRow = mul(add(mul(add(mul(bi, lq), i), heads), h), dv)
            let visible = causal ? smin(lk, add(i, index(1))) : lk
            // Key j's rows of k and v: ((b·Lk + j)·G + g)·dim.
            let kvBase = add(mul(bi, mul(lk, kvHeads)), g)
            let kvStride = kvHeads
            zeroBlock(dt, count: dv, dst, oRow)
            m.set(float(-.infinity, dt))
            l.set(zero(dt))
            let tiles = udiv(add(visible, sub(tile, index(1))), tile)
            forLoop(tiles) { tt in
                let j0 = mul(tt, tile)
                let count = smin(tile, sub(visible, j0))
                // Scores, e outside so the tile's dot products advance together (each still sums in e order).
                zeroBlock(dt, count: count, scores, index(0))
                forLoop(d) { e in
                    let qv = load(dt, pq, add(qRow, e))
                    forLoop(count) { jj in
                        let kRow = mul(add(kvBase, mul(add(j0, jj), kvStride)), d)
                        accumulate(fmul(qv, load(dt, pk, add(kRow, e))), dt, scores, jj)
                    }
                }
                let mOld = m.get()
                forLoop(count) { jj in
                    let s = fmul(load(dt, scores, jj), scaleC)
                    store(s, dt, scores, jj)
                    m.set(intrinsic("maxnum", [t], [m.get(), s]))
                }
                let mNew = m.get()
                let alpha = intrinsic("exp", dt, fsub(mOld, mNew))
                l.set(fmul(l.get(), alpha))
                forLoop(dv) { e in store(fmul(load(dt, dst, add(oRow, e)), alpha), dt, dst, add(oRow, e)) }
                forLoop(count) { jj in
                    let pj = intrinsic("exp", dt, fsub(load(dt, scores, jj), mNew))
                    l.set(fadd(l.get(), pj))
                    let vRow = mul(add(kvBase, mul(add(j0, jj), kvStride)), dv)
                    forLoop(dv) { e in accumulate(fmul(pj, load(dt, pv, add(vRow, e))), dt, dst, add(oRow, e)) }
                }
            }
            // No visible key (Lk = 0): the row stays 0, as in the interpreter.
            let lv = l.get()
            let den = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOEQ, lv, zero(dt), ""), float(1, dt), lv, "")!
            forLoop(dv) { e in store(fdiv(load(dt, dst, add(oRow, e)), den), dt, dst, add(oRow, e)) }
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
