import CLLVM
import IR

/// The structured mixers (MixerOp.swift), each by a direct algorithm that never builds an L×L matrix unless the
/// op *is* the matrix form. Arithmetic is IEEE in the value's dtype (no fast-math); every sum runs in the order
/// of the interpreter's definition (Interpreter/Mixers.swift), except attention's softmax, which is online
/// (flash style, see LowerAttention.swift). Where a sum would be a sequential reduction in the inner loop, the
/// loops are ordered "outer product" style — the summation index outside, the output index inside over a
/// contiguous accumulator row — so each output keeps its sequential order while the inner loop vectorizes.
extension Emitter {
    func lowerMixer(_ m: MixerOp, _ inst: Instruction, results r: [LLVMValueRef], operands o: [LLVMValueRef],
                    scratch: [LLVMValueRef]) {
        let out = inst.results[0]
        let x = inst.operands
        switch m {
        case .toeplitz(let causal):
            lowerToeplitz(out, r[0], x[0], o[0], causal ? nil : o[1], x[x.count - 1], o[o.count - 1])
        case .toeplitzFFT(let causal, let skip, let gate):
            let xi = causal ? 1 : 2
            lowerToeplitzFFT(out, r[0], x[0], o[0], causal ? nil : o[1], x[xi], o[xi],
                             skip: skip ? (x[xi + 1], o[xi + 1]) : nil, gate: gate ? (x[x.count - 1], o[o.count - 1]) : nil)
        case .toeplitzMatrix(let causal):
            lowerToeplitzMatrix(out, r[0], x[0], o[0], causal ? nil : o[1])
        case .ssmScan:
            lowerSSMScan(inst, r, o, scratch: scratch)
        case .ssmScanExp:
            lowerSSMScanExp(inst, r, o, scratch: scratch)
        case .ssmScanChunked(_, let chunk):
            lowerSSMScanChunked(inst, chunk: chunk, r, o, scratch: scratch)
        case .ssmMatrix:
            lowerSSMMatrix(inst, r[0], o, scratch: scratch)
        case .attention(let causal, let scale):
            lowerAttention(causal: causal, scale: scale, out, r[0], x[0], o[0], x[1], o[1], o[2])
        case .attentionMatrix(let causal, let scale):
            lowerAttentionMatrix(causal: causal, scale: scale, out, r[0], x[0], o[0], x[1], o[1])
        case .linearAttention(let causal, let normalize, let eps):
            lowerLinearAttention(causal: causal, normalize: normalize, eps: eps, inst, r[0], o, scratch: scratch)
        case .linearAttentionMatrix(let causal, let normalize, let eps):
            lowerLinearAttentionMatrix(causal: causal, normalize: normalize, eps: eps, out, r[0], x[0], o[0], o[1])
        }
    }

    // MARK: float helpers (IEEE, no flags)

    func fadd(_ x: LLVMValueRef, _ y: LLVMValueRef) -> LLVMValueRef { LLVMBuildFAdd(b, x, y, "")! }
    func fsub(_ x: LLVMValueRef, _ y: LLVMValueRef) -> LLVMValueRef { LLVMBuildFSub(b, x, y, "")! }
    func fmul(_ x: LLVMValueRef, _ y: LLVMValueRef) -> LLVMValueRef { LLVMBuildFMul(b, x, y, "")! }
    func fdiv(_ x: LLVMValueRef, _ y: LLVMValueRef) -> LLVMValueRef { LLVMBuildFDiv(b, x, y, "")! }

    /// A scalar accumulator in an entry-block alloca (promoted to a register at -O1 and above).
    func scalarSlot(_ dt: DType) -> (get: () -> LLVMValueRef, set: (LLVMValueRef) -> Void) {
        let t = type(dt)
        let slot = entryAlloca(t)
        return ({ LLVMBuildLoad2(self.b, t, slot, "")! }, { LLVMBuildStore(self.b, $0, slot) })
    }

    /// dst[at] += v.
    func accumulate(_ v: LLVMValueRef, _ dt: DType, _ dst: LLVMValueRef, _ at: Index) {
        store(fadd(load(dt, dst, at), v), dt, dst, at)
    }

    // MARK: toeplitz

    /// y[r, i] = Σ_{j ≤ i, i-j < K} k[r, i-j] x[r, j] (+ Σ_{j > i, j-i-1 < K} k_rev[r, j-i-1] x[r, j]) per row r of the
    /// broadcast leading dims; rows are partitioned. The row of y is the accumulator: for each j (ascending) the
    /// inner loop adds k[i-j] x[j] to the contiguous run of i it reaches, so every y[i] sums its causal terms in
    /// j order and then its reverse terms in j order, as the interpreter does.
    func lowerToeplitz(_ out: Value, _ dst: LLVMValueRef, _ k: Value, _ pk: LLVMValueRef, _ pkr: LLVMValueRef?,
                       _ x: Value, _ px: LLVMValueRef) {
        let dt = out.type.dtype
        let (lead, kLen, len, sk, sx) = toeplitzRows(out, k, x)
        let ext = extents(lead)
        partitionedLoop(lead) { row in
            let idx = unflatten(row, ext)
            let kRow = mul(offset(idx, sk), kLen)
            let xRow = mul(offset(idx, sx), len)
            let yRow = mul(row, len)
            zeroBlock(dt, count: len, dst, yRow)
            forLoop(len) { j in
                let xj = load(dt, px, add(xRow, j))
                forLoop(from: j, to: smin(len, add(j, kLen))) { i in
                    accumulate(fmul(load(dt, pk, add(kRow, sub(i, j))), xj), dt, dst, add(yRow, i))
                }
            }
            if let pkr {
                // i < j with j - i - 1 < K: i in max(0, j - K)..<j.
                forLoop(from: index(1), to: len) { j in
                    let xj = load(dt, px, add(xRow, j))
                    forLoop(from: smax(index(0), sub(j, kLen)), to: j) { i in
                        let kv = load(dt, pkr, add(kRow, sub(sub(j, i), index(1))))
                        accumulate(fmul(kv, xj), dt, dst, add(yRow, i))
                    }
                }
            }
        }
    }

    /// A Toeplitz mixer's rows: the broadcast leading dims of y, the kernel and sequence lengths, and the kernel's and
    /// x's strides over those dims (0 where they broadcast).
    func toeplitzRows(_ out: Value, _ k: Value, _ x: Value) -> (lead: [Dim], kLen: Index, len: Index, sk: [Index], sx: [Index]) {
        let lead = Array(out.type.shape.dropLast())
        return (lead, extent(k.type.shape.last!), extent(out.type.shape.last!),
                strides(Array(k.type.shape.dropLast()), alignedTo: lead.count),
                strides(Array(x.type.shape.dropLast()), alignedTo: lead.count))
    }

    /// M[r, i, j] = k[r, i-j] (0 ≤ i-j < K), k_rev[r, j-i-1] (bidirectional, 0 ≤ j-i-1 < K), else 0. Rows (r, i)
    /// are partitioned; each is four runs: zeros, the causal band, the reverse band, zeros.
    func lowerToeplitzMatrix(_ out: Value, _ dst: LLVMValueRef, _ k: Value, _ pk: LLVMValueRef, _ pkr: LLVMValueRef?) {
        let dt = out.type.dtype
        let len = extent(out.type.shape.last!)
        let kLen = extent(k.type.shape.last!)
        partitionedLoop(Array(out.type.shape.dropLast())) { ri in
            let i = urem(ri, len)
            let kRow = mul(udiv(ri, len), kLen)
            let oRow = mul(ri, len)
            let next = add(i, index(1))
            let lo = smax(index(0), sub(next, kLen))
            zeroBlock(dt, count: lo, dst, oRow)
            forLoop(from: lo, to: next) { j in store(load(dt, pk, add(kRow, sub(i, j))), dt, dst, add(oRow, j)) }
            var zerosFrom = next
            if let pkr {
                zerosFrom = smin(len, add(next, kLen))
                forLoop(from: next, to: zerosFrom) { j in
                    store(load(dt, pkr, add(kRow, sub(j, next))), dt, dst, add(oRow, j))
                }
            }
            zeroBlock(dt, count: sub(len, zerosFrom), dst, add(oRow, zerosFrom))
        }
    }

    // MARK: semiseparable scan

    static func isReverseScan(_ inst: Instruction) -> Bool {
        if case .mixer(let m) = inst.op { return m.isReverse }
        return false
    }

    /// for t in 0..<len, or len−1 down to 0 when `reverse` (a scan's time loop).
    func timeLoop(_ len: Index, reverse: Bool, _ body: (Index) -> Void) {
        forLoop(len) { step in body(reverse ? sub(sub(len, index(1)), step) : step) }
    }

    /// ssm_scan: the recurrence below with a_t[n] loaded from the decay operand.
    func lowerSSMScan(_ inst: Instruction, _ r: [LLVMValueRef], _ o: [LLVMValueRef], scratch: [LLVMValueRef]) {
        let dt = inst.results[0].type.dtype
        let sa = strides(inst.operands[0].type.shape, alignedTo: 4)
        if Self.ssdLanesApply(inst, decayLast: inst.operands[0].type.shape[3]) {
            lowerSSDLanes(inst, r, Array(o.dropFirst()), inputs: Array(inst.operands.dropFirst()), scratch: scratch) { row in
                self.load(dt, o[0], self.offset(row, Array(sa[0..<3])))
            }
            return
        }
        lowerStateRecurrence(inst, r, Array(o.dropFirst()), inputs: Array(inst.operands.dropFirst()), scratch: scratch) { row in
            let aRow = self.offset(row, Array(sa[0..<3]))
            return { ni in self.load(dt, o[0], self.add(aRow, self.mul(ni, sa[3]))) }
        }
    }

    /// h_t = a_t ⊙ h_{t-1} + x_t ⊗ b_t, y_t = h_t · c_t per (batch, head), the (batch, head) pairs partitioned;
    /// `inputs` are b, c, x (, h0) with pointers `o`, and `decay(row)` gives n ↦ a_t[n] for row = [b, t, h].
    /// The state of one pair lives in a state array (StateMemory.swift) laid out [N, P], so the inner loop runs
    /// over the head dim P: contiguous in the state, in x and in the row of y, which is the accumulator — each
    /// y[p] sums h[p, n] c[n] in n order from 0, as the interpreter does. The last state is copied out
    /// transposed to [P, N]; h0 is read the same way.
    func lowerStateRecurrence(_ inst: Instruction, _ r: [LLVMValueRef], _ o: [LLVMValueRef], inputs ops: [Value],
                              scratch: [LLVMValueRef], decay: ([Index]) -> (Index) -> LLVMValueRef) {
        let (y, last) = (inst.results[0], inst.results[1])
        let (py, pLast) = (r[0], r[1])
        let (pb, pc, px) = (o[0], o[1], o[2])
        let ph0: LLVMValueRef? = ops.count == 4 ? o[3] : nil
        let dt = y.type.dtype
        let ext = extents(y.type.shape)
        let (len, heads, p) = (ext[1], ext[2], ext[3])
        let n = extent(last.type.shape[3])
        let (sb, sc, sx) = (strides(ops[0].type.shape, alignedTo: 4), strides(ops[1].type.shape, alignedTo: 4),
                            strides(ops[2].type.shape, alignedTo: 4))
        let state = stateArrays(StateRequirement.of(inst)!, scratch: scratch)
        let pn = mul(p, n)
        partitionedLoop([y.type.shape[0], y.type.shape[2]]) { it in
            let bi = udiv(it, heads), h = urem(it, heads)
            let st = state(it)[0]
            let lastBase = mul(it, pn)  // last and h0 are [B, H, P, N]
            forLoop(n) { ni in
                forLoop(p) { pi in
                    let v = ph0.map { load(dt, $0, add(lastBase, add(mul(pi, n), ni))) } ?? zero(dt)
                    store(v, dt, st, add(mul(ni, p), pi))
                }
            }
            timeLoop(len, reverse: Self.isReverseScan(inst)) { t in
                let yRow = mul(add(mul(add(mul(bi, len), t), heads), h), p)
                let row = [bi, t, h]
                let decayAt = decay(row)
                let (bRow, cRow, xRow) = (offset(row, Array(sb[0..<3])), offset(row, Array(sc[0..<3])),
                                          offset(row, Array(sx[0..<3])))
                zeroBlock(dt, count: p, py, yRow)
                forLoop(n) { ni in
                    let an = decayAt(ni)
                    let bn = load(dt, pb, add(bRow, mul(ni, sb[3])))
                    let cn = load(dt, pc, add(cRow, mul(ni, sc[3])))
                    let stRow = mul(ni, p)
                    forLoop(p) { pi in
                        let at = add(stRow, pi)
                        let xv = load(dt, px, add(xRow, mul(pi, sx[3])))
                        let s = fadd(fmul(an, load(dt, st, at)), fmul(xv, bn))
                        store(s, dt, st, at)
                        accumulate(fmul(s, cn), dt, py, add(yRow, pi))
                    }
                }
            }
            forLoop(p) { pi in
                forLoop(n) { ni in
                    store(load(dt, st, add(mul(ni, p), pi)), dt, pLast, add(lastBase, add(mul(pi, n), ni)))
                }
            }
        }
    }

    /// M[b, h, i, j] = Σ_n c_i[n] (Π_{k=j+1..i} a_k[n]) b_j[n] for j ≤ i, else 0. Columns (b, h, j) are partitioned;
    /// each carries its running decay product [N] down the rows, as the interpreter does.
    func lowerSSMMatrix(_ inst: Instruction, _ dst: LLVMValueRef, _ o: [LLVMValueRef], scratch: [LLVMValueRef]) {
        let out = inst.results[0]
        let ops = inst.operands
        let (pa, pb, pc) = (o[0], o[1], o[2])
        let dt = out.type.dtype
        let ext = extents(out.type.shape)
        let (heads, len) = (ext[1], ext[2])
        let n = extent(broadcastDim(ops.map { $0.type.shape[3] }))
        let (sa, sb, sc) = (strides(ops[0].type.shape, alignedTo: 4), strides(ops[1].type.shape, alignedTo: 4),
                            strides(ops[2].type.shape, alignedTo: 4))
        let state = stateArrays(StateRequirement.of(inst)!, scratch: scratch)
        let acc = scalarSlot(dt)
        partitionedLoop(Array(out.type.shape[0..<3])) { it in
            let j = urem(it, len), bh = udiv(it, len)
            let bi = udiv(bh, heads), h = urem(bh, heads)
            let decay = state(it)[0]
            let colBase = add(mul(bh, mul(len, len)), j)
            forLoop(n) { ni in store(float(1, dt), dt, decay, ni) }
            forLoop(j) { i in store(zero(dt), dt, dst, add(colBase, mul(i, len))) }
            let bRow = offset([bi, j, h], Array(sb[0..<3]))
            func entry(_ i: Index) {
                let cRow = offset([bi, i, h], Array(sc[0..<3]))
                acc.set(zero(dt))
                forLoop(n) { ni in
                    let cd = fmul(load(dt, pc, add(cRow, mul(ni, sc[3]))), load(dt, decay, ni))
                    acc.set(fadd(acc.get(), fmul(cd, load(dt, pb, add(bRow, mul(ni, sb[3]))))))
                }
                store(acc.get(), dt, dst, add(colBase, mul(i, len)))
            }
            entry(j)
            forLoop(from: add(j, index(1)), to: len) { i in
                let aRow = offset([bi, i, h], Array(sa[0..<3]))
                forLoop(n) { ni in
                    store(fmul(load(dt, decay, ni), load(dt, pa, add(aRow, mul(ni, sa[3])))), dt, decay, ni)
                }
                entry(i)
            }
        }
    }
}
