import CLLVM
import IR

/// Mamba-2's SSD recurrence (ssm_scan / ssm_scan_exp with one scalar decay per head and step) with the head dim P in
/// the SIMD lanes. Per (batch, head), partitioned: the state h [N, P] stays in one array (32 KiB at N = 128, P = 64:
/// L1) for the whole time loop, and per step the P/lanes accumulators of y_t and the vectors of x_t stay in registers
/// while the loop over N streams the state through them:
///
///     a = decay_t;  for n: h[n, :] = fma(a, h[n, :], x_t · b_t[n]);  y_t += h[n, :] · c_t[n]   (fma)
///
/// one load, one store and one mul + two fma per state vector, against the generic kernel's extra load and store of
/// y per state row. Each y_t[p] still sums over n in order from 0; the fused multiply-adds round once where the
/// generic kernel rounds twice (the interpreter computes each update in double and rounds once, so this is closer to
/// it, within the same tolerance). Lane-wise identical for any chunking, so bit-identical for any thread count.
extension Emitter {
    /// Largest head dim, in vectors, kept in registers (16 ymm on AVX2: y accumulators and x vectors of 4 each).
    static let ssdLaneVectors = 8

    /// Whether `inst` (a forward or reverse scan, result y [B, L, H, P]) can run on this kernel: a scalar decay per
    /// head, P known and a multiple of the vector width, at most `ssdLaneVectors` vectors.
    static func ssdLanesApply(_ inst: Instruction, decayLast: Dim) -> Bool {
        let dt = inst.results[0].type.dtype
        let lanes = vectorBytes / dt.byteSize
        guard decayLast == .known(1), let p = inst.results[0].type.shape[3].knownValue else { return false }
        return p > 0 && p % lanes == 0 && p / lanes <= ssdLaneVectors
    }

    /// The kernel; `o` and `ops` are b, c, x (, h0), `decay(row)` gives the scalar a_t for row = [b, t, h].
    func lowerSSDLanes(_ inst: Instruction, _ r: [LLVMValueRef], _ o: [LLVMValueRef], inputs ops: [Value],
                       scratch: [LLVMValueRef], decay: ([Index]) -> LLVMValueRef) {
        let (y, last) = (inst.results[0], inst.results[1])
        let (py, pLast) = (r[0], r[1])
        let (pb, pc, px) = (o[0], o[1], o[2])
        let ph0: LLVMValueRef? = ops.count == 4 ? o[3] : nil
        let dt = y.type.dtype
        let lanes = Self.vectorBytes / dt.byteSize
        let vt = vectorType(type(dt), lanes)
        let p = y.type.shape[3].knownValue!
        let vectors = p / lanes
        let ext = extents(y.type.shape)
        let (len, heads) = (ext[1], ext[2])
        let n = extent(last.type.shape[3])
        let (sb, sc, sx) = (strides(ops[0].type.shape, alignedTo: 4), strides(ops[1].type.shape, alignedTo: 4),
                            strides(ops[2].type.shape, alignedTo: 4))
        let state = stateArrays(StateRequirement.of(inst)!, scratch: scratch)
        let acc = registerBlock(vectors: vectors, dt)
        let pn = mul(index(p), n)
        let reverse = Self.isReverseScan(inst)

        partitionedLoop([y.type.shape[0], y.type.shape[2]]) { it in
            let bi = udiv(it, heads), h = urem(it, heads)
            let st = state(it)[0]
            let lastBase = mul(it, pn)  // last and h0 are [B, H, P, N]; the state is [N, P]
            forLoop(n) { ni in
                forLoop(index(p)) { pi in
                    let v = ph0.map { load(dt, $0, add(lastBase, add(mul(pi, n), ni))) } ?? zero(dt)
                    store(v, dt, st, add(mul(ni, index(p)), pi))
                }
            }
            timeLoop(len, reverse: reverse) { t in
                let row = [bi, t, h]
                let a = splat(decay(row), lanes)
                let (bRow, cRow, xRow) = (offset(row, Array(sb[0..<3])), offset(row, Array(sc[0..<3])),
                                          offset(row, Array(sx[0..<3])))
                let x: [LLVMValueRef] = (0..<vectors).map { v in
                    if sx[3].known == 1 { return loadVector(dt, lanes: lanes, px, add(xRow, index(v * lanes))) }
                    var e = LLVMGetPoison(vt)!
                    for lane in 0..<lanes { e = insertLane(e, load(dt, px, add(xRow, mul(index(v * lanes + lane), sx[3]))), lane) }
                    return e
                }
                acc.zero()
                forLoop(n) { ni in
                    let bn = splat(load(dt, pb, add(bRow, mul(ni, sb[3]))), lanes)
                    let cn = splat(load(dt, pc, add(cRow, mul(ni, sc[3]))), lanes)
                    let stRow = mul(ni, index(p))
                    for v in 0..<vectors {
                        let at = add(stRow, index(v * lanes))
                        let hv = vfma(a, loadVector(dt, lanes: lanes, st, at), fmul(x[v], bn))
                        storeVector(hv, dt, st, at)
                        acc.set(v, vfma(hv, cn, acc.get(v)))
                    }
                }
                let yRow = mul(add(mul(add(mul(bi, len), t), heads), h), index(p))
                acc.store(to: py, at: yRow)
            }
            forLoop(index(p)) { pi in
                forLoop(n) { ni in
                    store(load(dt, st, add(mul(ni, index(p)), pi)), dt, pLast, add(lastBase, add(mul(pi, n), ni)))
                }
            }
        }
    }
}
