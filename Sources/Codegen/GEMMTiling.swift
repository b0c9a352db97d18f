import CLLVM
import IR

/// Register tile and cache blocks of the generated GEMM (docs/GEMM.md), derived from the host's vector width and
/// register count so a 512-bit host gets 512-bit tiles and a 256-bit host 256-bit ones.
///
/// - Register tile MR × NR: NR = `vectors` vectors of `lanes` elements (the packed B side, loaded), MR rows of A
///   (broadcast one element at a time). MR·vectors accumulators + `vectors` B loads + 1 broadcast fill the
///   register file: 6 × 16 f32 (12 + 2 + 1 of 16 ymm) on AVX2, 14 × 32 f32 on AVX-512 (28 + 2 + 1 of 32 zmm).
/// - KC: the k-depth of one packed B micro-panel, KC × NR elements ≈ 16 KiB, half an L1d (the A rows' KC-slices
///   take most of the rest while they are reused across the B micro-panels of a block).
/// - NC: columns of one packed B block, KC × NC elements ≈ 256 KiB, half a 512 KiB L2 (AMD Zen 3; Intel's client
///   parts have 1–2 MiB and lose nothing by it).
struct GEMMTiling: Equatable {
    let dtype: DType
    let lanes: Int
    let vectors: Int
    let rows: Int
    let kc: Int
    let nc: Int

    var nr: Int { lanes * vectors }

    init(_ dtype: DType, vectorBytes: Int, registers: Int) {
        self.dtype = dtype
        lanes = Swift.max(vectorBytes / dtype.byteSize, 1)
        vectors = 2
        rows = Swift.max(1, Swift.min(14, (registers - vectors - 1) / vectors))
        let nr = lanes * vectors
        kc = Swift.max(64, 16 * 1024 / (nr * dtype.byteSize))
        nc = Swift.max(nr, (256 * 1024 / (kc * dtype.byteSize)) / nr * nr)
    }

    /// The tiling for this host's widest vectors.
    static func host(_ dtype: DType) -> GEMMTiling {
        GEMMTiling(dtype, vectorBytes: HostVectors.bytes, registers: HostVectors.registers)
    }

    /// The depth the packed B buffer needs per column: KC, or all of K when K is a known smaller size.
    func packDepth(_ k: Dim) -> Int {
        if let n = k.knownValue { return Swift.max(1, Swift.min(kc, n)) }
        return kc
    }

    /// The working memory of a GEMM kernel: a packed-B buffer of `packDepth` elements per output column [N, depth].
    /// A chunk of columns [c0, c1) owns rows c0..<c1, which hold any block it packs (at most KC × (c1 − c0)
    /// elements), so chunks never share memory and the buffer does not grow with M or the batch.
    static func scratchTypes(_ inst: Instruction) -> [TensorType] {
        let out = inst.results[0].type
        let k: Dim
        switch inst.op {
        case .linear: k = inst.operands[1].type.shape[1]
        case .matmul: k = inst.operands[0].type.shape.last!
        default: return []
        }
        return [TensorType(out.dtype, [out.shape.last!, .known(host(out.dtype).packDepth(k))])]
    }
}
