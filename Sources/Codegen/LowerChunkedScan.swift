import CLLVM
import IR

/// ssm_scan_chunked: the chunked SSD algorithm (MixerOp.swift; the interpreter's ChunkedScan.swift is the same
/// computation in the same order). The (batch, head) pairs are partitioned; each walks its time axis in chunks with
/// three per-pair arrays (StateMemory.swift): the state h [N, P], the chunk's state update [N, P] and one row [P] for
/// h · c_t. Inner loops run over the head dim P, contiguous in x, y and the arrays, so they vectorize; every sum keeps
/// the interpreter's order.
extension Emitter {
    func lowerSSMScanChunked(_ inst: Instruction, chunk: Int, _ r: [LLVMValueRef], _ o: [LLVMValueRef],
                             scratch: [LLVMValueRef]) {
        let ops = inst.operands
        let (y, last) = (inst.results[0], inst.results[1])
        let (py, pLast) = (r[0], r[1])
        let (pa, pb, pc, px) = (o[0], o[1], o[2], o[3])
        let ph0: LLVMValueRef? = ops.count == 5 ? o[4] : nil
        let dt = y.type.dtype
        let ext = extents(y.type.shape)
        let (len, heads, p) = (ext[1], ext[2], ext[3])
        let n = extent(last.type.shape[3])
        let s = ops.prefix(4).map { strides($0.type.shape, alignedTo: 4) }
        let (sa, sb, sc, sx) = (s[0], s[1], s[2], s[3])
        let arrays = stateArrays(StateRequirement.of(inst)!, scratch: scratch)
        let decay = scalarSlot(dt)
        let dot = scalarSlot(dt)
        let q = index(chunk)
        let pn = mul(p, n)
        partitionedLoop([y.type.shape[0], y.type.shape[2]]) { it in
            let bi = udiv(it, heads), h = urem(it, heads)
            let a3 = arrays(it)
            let (state, update, carry) = (a3[0], a3[1], a3[2])
            let lastBase = mul(it, pn)  // last and h0 are [B, H, P, N]
            forLoop(n) { ni in
                forLoop(p) { pi in
                    let v = ph0.map { load(dt, $0, add(lastBase, add(mul(pi, n), ni))) } ?? zero(dt)
                    store(v, dt, state, add(mul(ni, p), pi))
                }
            }
            func row(_ st: [Index], _ t: Index) -> Index { offset([bi, t, h], Array(st[0..<3])) }
            func a(_ t: Index) -> LLVMValueRef { load(dt, pa, row(sa, t)) }
            func yRow(_ t: Index) -> Index { mul(add(mul(add(mul(bi, len), t), heads), h), p) }

            let chunks = udiv(add(len, index(chunk - 1)), q)
            forLoop(chunks) { k in
                let c0 = mul(k, q)
                let c1 = smin(add(c0, q), len)
                // Outputs: the intra-chunk sum over s = t … c0, then the state carried into the chunk.
                forLoop(from: c0, to: c1) { t in
                    let yt = yRow(t)
                    let cRow = row(sc, t)
                    zeroBlock(dt, count: p, py, yt)
                    decay.set(float(1, dt))
                    forLoop(add(sub(t, c0), index(1))) { j in
                        let src = sub(t, j)
                        let bRow = row(sb, src), xRow = row(sx, src)
                        dot.set(zero(dt))
                        forLoop(n) { ni in
                            let cb = fmul(load(dt, pc, add(cRow, mul(ni, sc[3]))), load(dt, pb, add(bRow, mul(ni, sb[3]))))
                            dot.set(fadd(dot.get(), cb))
                        }
                        let w = fmul(decay.get(), dot.get())
                        forLoop(p) { pi in accumulate(fmul(w, load(dt, px, add(xRow, mul(pi, sx[3])))), dt, py, add(yt, pi)) }
                        decay.set(fmul(decay.get(), a(src)))
                    }
                    zeroBlock(dt, count: p, carry, index(0))
                    forLoop(n) { ni in
                        let cn = load(dt, pc, add(cRow, mul(ni, sc[3])))
                        forLoop(p) { pi in accumulate(fmul(load(dt, state, add(mul(ni, p), pi)), cn), dt, carry, pi) }
                    }
                    let d = decay.get()
                    forLoop(p) { pi in accumulate(fmul(d, load(dt, carry, pi)), dt, py, add(yt, pi)) }
                }
                // The state pass: each step's x ⊗ b decayed to the chunk's end, then the whole chunk's decay.
                zeroBlock(dt, count: pn, update, index(0))
                decay.set(float(1, dt))
                forLoop(sub(c1, c0)) { j in
                    let src = sub(sub(c1, index(1)), j)
                    let bRow = row(sb, src), xRow = row(sx, src)
                    let d = decay.get()
                    forLoop(n) { ni in
                        let bn = load(dt, pb, add(bRow, mul(ni, sb[3])))
                        forLoop(p) { pi in
                            let xs = fmul(d, load(dt, px, add(xRow, mul(pi, sx[3]))))
                            accumulate(fmul(xs, bn), dt, update, add(mul(ni, p), pi))
                        }
                    }
                    decay.set(fmul(d, a(src)))
                }
                let d = decay.get()
                forLoop(pn) { i in store(fadd(fmul(d, load(dt, state, i)), load(dt, update, i)), dt, state, i) }
            }
            forLoop(p) { pi in
                forLoop(n) { ni in
                    store(load(dt, state, add(mul(ni, p), pi)), dt, pLast, add(lastBase, add(mul(pi, n), ni)))
                }
            }
        }
    }
}
