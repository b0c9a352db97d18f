import CLLVM
import IR

/// The working memory a kernel needs for one iteration of its partitioned loop: the running state of a
/// recurrence (ssm_scan's h [N, P], ssm_scan_chunked's h, update [N, P] and row [P], linear attention's S [dk, dv] and z [dk], ssm_matrix's decay [N]).
/// Each iteration overwrites all of it before reading it, so nothing flows between iterations and chunks
/// stay independent.
///
/// Where it lives is decided from the types alone, so BufferPlan (which lays out slots) and the lowering
/// (which emits the accesses) agree:
/// - on the stack (entry-block allocas, one per array, reused by every iteration of the chunk) when every
///   dim is known and the arrays total at most `stackLimitBytes` — the common case, head and state dims are
///   weights' dims. Small arrays then often become registers at -O3;
/// - otherwise in *scratch slots* (see BufferPlan): one buffer per array of shape partition + array, where
///   iteration `it` owns slice `it`. For the recurrences that is one state per independent sequence (batch ×
///   head), the size of a last-state result, never anything that grows with the sequence length; ssm_matrix
///   (a test-sized dense form, itself L²) keeps one decay vector per column.
struct StateRequirement {
    let dtype: DType
    /// The kernel's partitioned dims (their flattening is the iteration index).
    let partition: [Dim]
    /// Shapes of the per-iteration state arrays.
    let arrays: [[Dim]]

    /// Largest total state kept in allocas: small next to a thread's stack (Mamba-2's f32 state [128, 64] is
    /// 32 KiB, 64 KiB in f64), and the allocas are made once per kernel call, not per iteration.
    static let stackLimitBytes = 64 * 1024

    var onStack: Bool {
        var bytes = 0
        for a in arrays {
            guard let n = a.reduce(Optional(1), { acc, d in acc.flatMap { x in d.knownValue.map { x * $0 } } }) else {
                return false
            }
            bytes += n * dtype.byteSize
        }
        return bytes <= Self.stackLimitBytes
    }

    /// The scratch slots' types when the state does not go on the stack (else none).
    var scratchTypes: [TensorType] { onStack ? [] : arrays.map { TensorType(dtype, partition + $0) } }

    /// The state needed by `inst`'s kernel, if any.
    static func of(_ inst: Instruction) -> StateRequirement? {
        guard case .mixer(let m) = inst.op else { return nil }
        let dt = inst.results[0].type.dtype
        let x = inst.operands
        switch m {
        case .ssmScan, .ssmScanExp:
            // y [B, L, H, P], last [B, H, P, N]; state [N, P] per (b, h).
            let y = inst.results[0].type.shape, last = inst.results[1].type.shape
            return StateRequirement(dtype: dt, partition: [y[0], y[2]], arrays: [[last[3], last[2]]])
        case .ssmScanChunked:
            // The state h and the chunk's update [N, P], and the row h · c_t [P], per (b, h).
            let y = inst.results[0].type.shape, last = inst.results[1].type.shape
            return StateRequirement(dtype: dt, partition: [y[0], y[2]], arrays: [[last[3], last[2]], [last[3], last[2]], [last[2]]])
        case .ssmMatrix:
            // out [B, H, L, L]; decay [N] per (b, h, j).
            let out = inst.results[0].type.shape
            return StateRequirement(dtype: dt, partition: [out[0], out[1], out[2]], arrays: [[broadcastDim(x.map { $0.type.shape[3] })]])
        case .linearAttention:
            // q [B, L, H, dk], v [B, L, H, dv]; S [dk, dv] and z [dk] per (b, h).
            let q = x[0].type.shape, v = x[2].type.shape
            return StateRequirement(dtype: dt, partition: [q[0], q[2]], arrays: [[q[3], v[3]], [q[3]]])
        default:
            return nil
        }
    }
}

/// The dim several broadcast-compatible dims broadcast to: the first that is not a known 1.
func broadcastDim(_ dims: [Dim]) -> Dim {
    dims.first { $0 != .known(1) } ?? .known(1)
}

extension Emitter {
    /// The state arrays of one iteration: call once, before the partitioned loop; the returned function gives,
    /// for the flat iteration index, one pointer per array (the allocas, or the iteration's scratch slices).
    func stateArrays(_ req: StateRequirement, scratch: [LLVMValueRef]) -> (Index) -> [LLVMValueRef] {
        let t = type(req.dtype)
        if req.onStack {
            let slots = req.arrays.map { a in
                entryAlloca(LLVMArrayType2(t, UInt64(Swift.max(a.reduce(1) { $0 * $1.knownValue! }, 1))))
            }
            return { _ in slots }
        }
        precondition(scratch.count == req.arrays.count, "BufferPlan gave \(scratch.count) scratch slots")
        let sizes = req.arrays.map { product(extents($0)) }
        return { it in
            zip(scratch, sizes).map { base, n in
                let off = self.mul(it, n)
                return off.known == 0 ? base : buildInBoundsGEP(self.b, t, base, [off.value], "")!
            }
        }
    }
}
