import CLLVM
import IR

/// ssm_scan_exp: ssm_scan with a_t[n] = exp(Δ_t · A[h, n]) computed in registers (Emitter+VectorExp.swift), never
/// stored. Two kernels:
///
/// - **S6 shape** (P = 1, N known and at most `maxLaneStates`): Mamba's selective scan, every channel its own head.
///   Channels go in the SIMD lanes (`lanes` of them per block) and the N state vectors of a block stay in registers
///   (an alloca that SROA promotes) for the whole time loop: per step, per n, one Δ·A product, one vector exp, the
///   state update and the y accumulation (fused multiply-adds, one rounding each where the interpreter's double
///   update rounds once too) — no memory traffic but Δ_t, x_t, b_t, c_t and y_t. The partitioned
///   iterations are the (batch, channel) pairs; a chunk walks its range in blocks of `lanes` channels of one batch.
///   The block that does not fill the lanes (the end of a batch's channels or of a chunk) reads and writes its lanes
///   through clamped channel indices: surplus lanes repeat the last channel, compute the same bits and store them to
///   the same place. Every lane runs the same operations whatever block it is in, so results are bit-identical for
///   every chunking (the generic kernel, without fused multiply-adds, may differ in the last bits).
/// - **anything else**: ssm_scan's recurrence (LowerMixer.swift) with the same exp, one element at a time.
extension Emitter {
    /// The S6 kernel keeps this many state vectors live across the time loop (AVX2 has 16 registers; beyond twice
    /// that spilling would cost more than the generic kernel saves).
    static let maxLaneStates = 32

    func lowerSSMScanExp(_ inst: Instruction, _ r: [LLVMValueRef], _ o: [LLVMValueRef], scratch: [LLVMValueRef]) {
        let ops = inst.operands
        let dt = inst.results[0].type.dtype
        if ops[4].type.shape[3] == .known(1), let n = inst.results[1].type.shape[3].knownValue, n <= Self.maxLaneStates {
            lowerSelectiveScanLanes(inst, r, o, states: n)
            return
        }
        let (sd, sa) = (strides(ops[0].type.shape, alignedTo: 4), strides(ops[1].type.shape, alignedTo: 4))
        if Self.ssdLanesApply(inst, decayLast: ops[1].type.shape[3]) {
            lowerSSDLanes(inst, r, Array(o.dropFirst(2)), inputs: Array(ops.dropFirst(2)), scratch: scratch) { row in
                let delta = self.load(dt, o[0], self.offset(row, Array(sd[0..<3])))
                return self.fastExp(self.fmul(delta, self.load(dt, o[1], self.mul(row[2], sa[2]))), dt, lanes: 1)
            }
            return
        }
        lowerStateRecurrence(inst, r, Array(o.dropFirst(2)), inputs: Array(ops.dropFirst(2)), scratch: scratch) { row in
            let delta = self.load(dt, o[0], self.offset(row, Array(sd[0..<3])))
            let aRow = self.mul(row[2], sa[2])
            return { ni in
                let a = self.load(dt, o[1], self.add(aRow, self.mul(ni, sa[3])))
                return self.fastExp(self.fmul(delta, a), dt, lanes: 1)
            }
        }
    }

    /// Which channels the lanes of a block are: `count` of them from `first`, or all `lanes` when `count` is nil.
    private struct LaneBlock {
        let first: Index
        /// Per-lane channel indices clamped to the block's last channel (only for partial blocks).
        let clamped: [Index]?
    }

    /// The S6 kernel (see the type comment). Operands Δ [B, L, H, 1], A [1, 1, H, N], b, c [B, L, H, N], x [B, L, H, 1]
    /// (, h0 [B, H, 1, N]), any of them broadcasting; results y [B, L, H, 1], last [B, H, 1, N].
    private func lowerSelectiveScanLanes(_ inst: Instruction, _ r: [LLVMValueRef], _ o: [LLVMValueRef], states n: Int) {
        let ops = inst.operands
        let (y, last) = (inst.results[0], inst.results[1])
        let dt = y.type.dtype
        let lanes = Self.vectorBytes / dt.byteSize
        let vt = vectorType(type(dt), lanes)
        let s = ops.map { strides($0.type.shape, alignedTo: 4) }
        let (sy, sLast) = (strides(y.type.shape, alignedTo: 4), strides(last.type.shape, alignedTo: 4))
        let (len, heads) = (extent(y.type.shape[1]), extent(y.type.shape[2]))
        let hasInit = ops.count == 6
        let reverse = Self.isReverseScan(inst)
        let stateSlot = entryAlloca(LLVMArrayType2(vt, UInt64(n)))
        func stateAt(_ k: Int) -> LLVMValueRef { buildInBoundsGEP(b, vt, stateSlot, [index(k).value], "")! }

        func channel(_ block: LaneBlock, _ lane: Int) -> Index { block.clamped?[lane] ?? add(block.first, index(lane)) }

        /// Operand `k` at [bi, t, lane channels, ni] as a vector: a splat when it does not vary over channels, one
        /// load when its channels are contiguous and the block full, else one load per lane.
        func read(_ k: Int, _ idx: (b: Index, t: Index, n: Index), _ block: LaneBlock) -> LLVMValueRef {
            let st = s[k]
            let row = offset([idx.b, idx.t, idx.n], [st[0], st[1], st[3]])
            if st[2].known == 0 { return splat(load(dt, o[k], row), lanes) }
            if block.clamped == nil, st[2].known == 1 { return loadVector(dt, lanes: lanes, o[k], add(row, block.first)) }
            var v = LLVMGetPoison(vt)!
            for lane in 0..<lanes {
                v = insertLane(v, load(dt, o[k], add(row, mul(channel(block, lane), st[2]))), lane)
            }
            return v
        }

        /// One block: the state from h0 (or zeros), the time loop, the last state out.
        func runBlock(_ bi: Index, _ block: LaneBlock) {
            let a = (0..<n).map { ni in read(1, (index(0), index(0), index(ni)), block) }
            for ni in 0..<n {
                var v = splat(zero(dt), lanes)
                if hasInit {
                    v = LLVMGetPoison(vt)!
                    for lane in 0..<lanes {
                        let at = offset([bi, channel(block, lane), index(ni)], [s[5][0], s[5][1], s[5][3]])
                        v = insertLane(v, load(dt, o[5], at), lane)
                    }
                }
                LLVMBuildStore(b, v, stateAt(ni))
            }
            timeLoop(len, reverse: reverse) { t in
                let delta = read(0, (bi, t, index(0)), block)
                let x = read(4, (bi, t, index(0)), block)
                var acc = splat(zero(dt), lanes)
                for ni in 0..<n {
                    let decay = fastExp(fmul(delta, a[ni]), dt, lanes: lanes)
                    let bn = read(2, (bi, t, index(ni)), block), cn = read(3, (bi, t, index(ni)), block)
                    let h = vfma(decay, LLVMBuildLoad2(b, vt, stateAt(ni), "")!, fmul(x, bn))
                    LLVMBuildStore(b, h, stateAt(ni))
                    acc = vfma(h, cn, acc)
                }
                let yRow = offset([bi, t], [sy[0], sy[1]])
                if block.clamped == nil, sy[2].known == 1 {
                    storeVector(acc, dt, r[0], add(yRow, block.first))
                } else {
                    for lane in 0..<lanes { store(extractLane(acc, lane), dt, r[0], add(yRow, mul(channel(block, lane), sy[2]))) }
                }
            }
            for ni in 0..<n {
                let h = LLVMBuildLoad2(b, vt, stateAt(ni), "")!
                for lane in 0..<lanes {
                    let at = offset([bi, channel(block, lane), index(ni)], [sLast[0], sLast[1], sLast[3]])
                    store(extractLane(h, lane), dt, r[1], at)
                }
            }
        }

        // The chunk's (batch, channel) range in blocks: a full block of `lanes` channels where the batch and the chunk
        // have that many left, else a partial one up to the nearer end.
        let (lo, hi) = partitionedRange([y.type.shape[0], y.type.shape[2]])
        advancingLoop(from: lo, to: hi) { pos in
            let bi = udiv(pos, heads), h = urem(pos, heads)
            let count = smin(smin(sub(heads, h), sub(hi, pos)), index(lanes))
            let full = LLVMBuildICmp(b, LLVMIntEQ, count.value, index(lanes).value, "")!
            ifElse(full) {
                runBlock(bi, LaneBlock(first: h, clamped: nil))
            } otherwise: {
                let lastChannel = add(h, sub(count, index(1)))
                runBlock(bi, LaneBlock(first: h, clamped: (0..<lanes).map { smin(add(h, index($0)), lastChannel) }))
            }
            return add(pos, count)
        }
    }
}

extension Emitter {
    /// var i = lo; while i < hi { i = body(i) } — for loops whose step the body decides (it must be positive).
    func advancingLoop(from lo: Index, to hi: Index, _ body: (Index) -> Index) {
        loopDepth += 1
        defer { loopDepth -= 1 }
        let fn = function!
        let pre = LLVMGetInsertBlock(b)
        let loop = LLVMAppendBasicBlockInContext(context, fn, "walk")!
        let exit = LLVMAppendBasicBlockInContext(context, fn, "walk.end")!
        LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntSLT, lo.value, hi.value, ""), loop, exit)
        LLVMPositionBuilderAtEnd(b, loop)
        let i = LLVMBuildPhi(b, i64, "pos")!
        let next = body(Index(value: i, known: nil)).value
        let latch = LLVMGetInsertBlock(b)
        LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntSLT, next, hi.value, ""), loop, exit)
        var values: [LLVMValueRef?] = [lo.value, next]
        var blocks: [LLVMBasicBlockRef?] = [pre, latch]
        LLVMAddIncoming(i, &values, &blocks, 2)
        LLVMMoveBasicBlockAfter(exit, LLVMGetLastBasicBlock(fn))
        LLVMPositionBuilderAtEnd(b, exit)
    }

    /// if cond { then() } else { otherwise() }, both falling through to one join block.
    func ifElse(_ cond: LLVMValueRef, _ then: () -> Void, otherwise: () -> Void) {
        let fn = function!
        let (thenBlock, elseBlock) = (LLVMAppendBasicBlockInContext(context, fn, "then")!,
                                      LLVMAppendBasicBlockInContext(context, fn, "else")!)
        let join = LLVMAppendBasicBlockInContext(context, fn, "join")!
        LLVMBuildCondBr(b, cond, thenBlock, elseBlock)
        LLVMPositionBuilderAtEnd(b, thenBlock)
        then()
        LLVMBuildBr(b, join)
        LLVMMoveBasicBlockAfter(elseBlock, LLVMGetLastBasicBlock(fn))
        LLVMPositionBuilderAtEnd(b, elseBlock)
        otherwise()
        LLVMBuildBr(b, join)
        LLVMMoveBasicBlockAfter(join, LLVMGetLastBasicBlock(fn))
        LLVMPositionBuilderAtEnd(b, join)
    }
}
