// The structured sequence mixers of seqc. Every mixer computes Y = M · X along the time axis with an L×L matrix M per
// channel or head, whose structure decides the fast algorithm. Each has an `apply` form (M @ x, by its direct
// definition) and a `matrix` form (M itself, dense) — the reference meaning; tests hold M·x equal to apply.

/// A mixer op. Time is axis `-2` of the matrix form ([…, L, L], rows are outputs i, columns inputs j).
public enum MixerOp: Hashable, Sendable {
    /// Toeplitz (convolution): operands k [..., Lk] (and k_rev [..., Lk] when bidirectional), x [..., L]; leading
    /// dims broadcast. Causal: y[i] = Σ_{j≤i, i-j<Lk} k[i-j] x[j]. Bidirectional adds Σ_{j>i} k_rev[j-i-1] x[j]
    /// (the S4 convention). `%y = toeplitz %k, %x {causal = true} : f32[B, H, L]`
    case toeplitz(causal: Bool)
    /// `toeplitz` computed as a linear FFT convolution (same operands, type and meaning; rounding differs): each
    /// row is zero-padded to an even length N = 2M ≥ L + min(K, L) − 1 (M 5-smooth) (+1 when bidirectional, so the reverse
    /// kernel sits at the end without wrapping), transformed as N/2 complex points, multiplied by the kernel's
    /// spectrum and transformed back (docs/FFT.md). `select-mixer-algorithms` chooses it for long kernels.
    /// With `skip`, an operand d [..., 1] after x (broadcasting over the rows like the kernel) adds the skip d·x in
    /// the inverse pass: y = toeplitz(k) @ x + d·x, each rounded as the separate mul and add would be. With `gate`,
    /// a last operand g (broadcasting to the result) multiplies the output as it leaves the inverse pass:
    /// y = (toeplitz(k) @ x (+ d·x)) · g, rounded as the separate mul would be (H3's and Hyena's gates;
    /// `fuse-fft-epilogue` forms both). `%y = toeplitz_fft %k, %x, %d, %g {causal = true, skip = true, gate = true}`
    /// (`gate` prints only when true).
    case toeplitzFFT(causal: Bool, skip: Bool, gate: Bool = false)
    /// The dense matrix of `toeplitz`: operands k (, k_rev); result [..., L, L] with L declared.
    case toeplitzMatrix(causal: Bool)

    /// Semiseparable state-space scan (Mamba's S6 and Mamba-2's SSD in one form). Operands, time on axis 1:
    /// decay a [B, L, H, N|1], input b [B, L, H, N], output c [B, L, H, N], x [B, L, H, P] and, when `hasInit`,
    /// h0 [B, H, P, N]. State h [B, H, P, N]: h_t = a_t ⊙ h_{t-1} + x_t ⊗ b_t, y_t = h_t · c_t.
    /// Results: y [B, L, H, P] and the last state [B, H, P, N].
    /// With `reverse` the recurrence runs backwards in time, h_t = a_t ⊙ h_{t+1} + x_t ⊗ b_t from t = L−1 down to 0
    /// (h_L = h0), and the last state is h_0: what the forward scan of the time-flipped operands computes, flipped
    /// back, without the flip copies (`fold-reversed-scans` forms it; Hydra's backward half).
    /// `%y, %h = ssm_scan %a, %b, %c, %x {reverse = true} : …` (the attribute prints only when true).
    case ssmScan(hasInit: Bool, reverse: Bool = false)
    /// `ssm_scan` with its decay given factored, a_t = exp(Δ_t · A) taken per element, so that the [B, L, H, N] decay
    /// never exists (Mamba's S6; `fuse-ssm-decay` forms it). Operands: delta Δ [B, L, H, 1], A [1, 1, H, N] (either
    /// may broadcast along H, Δ along B and L; A has no batch or time extent), then b, c, x (, h0) as for `ssm_scan`.
    /// Means exactly `ssm_scan(exp(Δ · A), b, c, x (, h0))` with the product and the exp each rounded to the dtype.
    /// `%y, %h = ssm_scan_exp %dt, %A, %b, %c, %x : f32[B, L, 64, 1], f32[B, 64, 1, 16]`
    case ssmScanExp(hasInit: Bool, reverse: Bool = false)
    /// `ssm_scan` with a scalar decay per head and step (a [B, L, H, 1]: Mamba-2's SSD) computed by the chunked SSD
    /// algorithm: time in chunks of `chunk` steps; within a chunk each y_t is a decayed matrix product over the chunk's
    /// earlier steps, y_t = Σ_{s ≤ t} (Π_{s<r≤t} a_r)(c_t·b_s) x_s, plus the state carried in from the chunks before,
    /// which one state pass per chunk updates. Same operands and results as `ssm_scan`; same value up to rounding.
    /// `%y, %h = ssm_scan_chunked %a, %b, %c, %x {chunk = 64} : f32[B, L, 24, 64], f32[B, 24, 64, 128]`
    case ssmScanChunked(hasInit: Bool, chunk: Int)
    /// The dense matrix of `ssm_scan`: operands a, b, c; result [B, H, L, L],
    /// M[i, j] = Σ_n c_i[n] (Π_{k=j+1..i} a_k[n]) b_j[n] for j ≤ i, else 0.
    case ssmMatrix

    /// Softmax attention: q [B, Lq, H, d], k [B, Lk, G, d], v [B, Lk, G, dv] with H a multiple of G (query head h
    /// reads kv head h / (H/G)). Causal masks key j > query i (top-left aligned). `scale` multiplies q·k.
    /// Result [B, Lq, H, dv]. `%y = attention %q, %k, %v {causal = true, scale = 0.125} : f32[B, L, 4, 8]`
    case attention(causal: Bool, scale: Double)
    /// The attention weights: operands q, k; result [B, H, Lq, Lk].
    case attentionMatrix(causal: Bool, scale: Double)

    /// Linear attention on already feature-mapped Q [B, L, H, dk], K [B, L, H, dk], V [B, L, H, dv]:
    /// y_i = Σ_{j∈S(i)} (Q_i·K_j) V_j, divided by (Q_i · Σ_{j∈S(i)} K_j + eps) when `normalize`;
    /// S(i) = {j ≤ i} when causal, else all j. Result [B, L, H, dv].
    case linearAttention(causal: Bool, normalize: Bool, eps: Double)
    /// Its matrix: operands Q, K; result [B, H, L, L].
    case linearAttentionMatrix(causal: Bool, normalize: Bool, eps: Double)

    public var mnemonic: String {
        switch self {
        case .toeplitz: return "toeplitz"
        case .toeplitzMatrix: return "toeplitz_matrix"
        case .toeplitzFFT: return "toeplitz_fft"
        case .ssmScan: return "ssm_scan"
        case .ssmScanExp: return "ssm_scan_exp"
        case .ssmScanChunked: return "ssm_scan_chunked"
        case .ssmMatrix: return "ssm_matrix"
        case .attention: return "attention"
        case .attentionMatrix: return "attention_matrix"
        case .linearAttention: return "linear_attention"
        case .linearAttentionMatrix: return "linear_attention_matrix"
        }
    }

    /// True for a scan that runs backwards in time.
    public var isReverse: Bool {
        switch self {
        case .ssmScan(_, let reverse), .ssmScanExp(_, let reverse): return reverse
        default: return false
        }
    }

    /// True for the dense-matrix forms.
    public var isMatrix: Bool {
        switch self {
        case .toeplitzMatrix, .ssmMatrix, .attentionMatrix, .linearAttentionMatrix: return true
        default: return false
        }
    }
}
