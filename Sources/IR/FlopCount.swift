import Foundation

/// Floating-point operations of a function for one binding of its symbolic dims, counted from the Graph IR (for
/// `seqc bench`'s GFLOP/s). Conventions, the usual ones for model FLOPs:
/// - `linear` / `matmul`: 2·M·N·K (a multiply and an add per term), a bias adds M·N;
/// - mixers: their direct algorithm (causal pairs only where the mixer is causal), whatever form a pass chose;
/// - elementwise ops (transcendentals too): one per result element; reductions: one per operand element;
///   `rmsnorm`: four per element; `scan`: two per element; an FFT of length n: 2.5·n·log2(n);
/// - data movement (reshape, permute, slice, concat, take, expand, cast, …): none.
public struct FlopCount: Sendable, Equatable {
    /// All operations.
    public var total: Double = 0
    /// Operations by op mnemonic (`linear`, `ssm_scan_exp`, `exp`, …).
    public var byOp: [String: Double] = [:]

    /// Counts `f` for `bindings` (symbol → size, as `bindSymbols` gives); nil when a shape does not resolve.
    public init?(_ f: Function, bindings: [String: Int]) {
        for inst in f.body {
            guard let n = Self.count(inst, bindings) else { return nil }
            guard n > 0 else { continue }
            total += n
            byOp[inst.op.mnemonic, default: 0] += n
        }
    }

    private static func count(_ inst: Instruction, _ b: [String: Int]) -> Double? {
        func shape(_ v: Value) -> [Int]? { v.type.resolve(b) }
        func elements(_ v: Value) -> Double? { shape(v).map { Double($0.reduce(1, *)) } }
        switch inst.op {
        case .input, .param, .constant, .iota, .reshape, .permute, .cast, .slice, .concat, .flip, .expand, .take:
            return 0
        case .unary, .binary, .compare, .select:
            return elements(inst.result)
        case .linear(let hasBias):
            guard let out = elements(inst.result), let k = shape(inst.operands[0])?.last else { return nil }
            return 2 * out * Double(k) + (hasBias ? out : 0)
        case .matmul:
            guard let out = elements(inst.result), let a = shape(inst.operands[0]), let k = a.last else { return nil }
            return 2 * out * Double(k)
        case .reduce:
            return elements(inst.operands[0])
        case .rmsNorm:
            return elements(inst.operands[0]).map { 4 * $0 }
        case .scan:
            return elements(inst.results[0]).map { 2 * $0 }
        case .rfft(let axis, let n), .irfft(let axis, let n):
            // One transform per position of the other axes, of the padded length n.
            guard let len = n.resolve(b), let s = shape(inst.results[0]) else { return nil }
            let transforms = Double(s.reduce(1, *)) / Double(max(s[axis], 1))
            return transforms * fft(len)
        case .mixer(let m):
            return mixer(m, inst, b)
        }
    }

    /// 2.5·n·log2(n): a real FFT of length n.
    private static func fft(_ n: Int) -> Double {
        n > 1 ? 2.5 * Double(n) * log2(Double(n)) : 0
    }

    /// Σ_{i<lq} min(i + 1, lk): the (query, key) pairs of a causal, top-left aligned mask.
    static func causalPairs(_ lq: Int, _ lk: Int) -> Double {
        let full = min(lq, lk)
        return Double(full) * Double(full + 1) / 2 + Double(max(lq - lk, 0)) * Double(lk)
    }

    private static func mixer(_ m: MixerOp, _ inst: Instruction, _ b: [String: Int]) -> Double? {
        let shapes = inst.operands.map { $0.type.resolve(b) }
        guard shapes.allSatisfy({ $0 != nil }) else { return nil }
        let s = shapes.map { $0! }
        func count(_ x: [Int]) -> Double { Double(x.reduce(1, *)) }
        switch m {
        case .toeplitz(let causal):
            // k [..., Lk], x [..., L]: per channel Σ_i (taps reaching back) (+ forward taps), 2 each.
            let k = s[0], x = s[causal ? 1 : 2]
            let len = x.last ?? 1, taps = k.last ?? 1
            guard let y = inst.result.type.resolve(b) else { return nil }
            let channels = count(y) / Double(max(len, 1))
            var pairs = causalPairs(len, taps)
            if !causal { pairs += causalPairs(len - 1, taps) }  // Σ_i min(L-1-i, Lk): the same count shifted by one
            return 2 * channels * pairs
        case .toeplitzFFT(let causal, let skip, let gate):
            // Per channel: three real transforms of the padded length N (2.5·N·log₂N each, the usual count), the
            // spectrum product (6 per bin), the skip (2 per step) and the gate (1). N is counted as the power of two ≥
            // the span, the nominal size; the JIT may pad to a shorter 5-smooth length (docs/FFT.md), which this count
            // ignores.
            let k = s[0], x = s[causal ? 1 : 2]
            let len = x.last ?? 1, taps = min(k.last ?? 1, len)
            guard let y = inst.result.type.resolve(b) else { return nil }
            let channels = count(y) / Double(max(len, 1))
            var n = 1
            while n < len + taps - (causal ? 1 : 0) { n *= 2 }
            let transforms = 3 * 2.5 * Double(n) * log2(Double(n))
            return channels * (transforms + 6 * Double(n / 2 + 1) + (skip ? 2 * Double(len) : 0) + (gate ? Double(len) : 0))
        case .toeplitzMatrix:
            return 0  // materialises the kernel in a matrix: data movement
        case .ssmScan, .ssmScanExp:
            // x [B, L, H, P] and the state [B, H, P, N]: per step h = a·h + x·b (3) and y += h·c (2).
            let factored: Bool
            if case .ssmScanExp = m { factored = true } else { factored = false }
            let x = s[factored ? 4 : 3], bIn = s[factored ? 2 : 1]
            guard x.count == 4, let n = bIn.last else { return nil }
            var flops = 5 * count(x) * Double(n)
            // exp(Δ·A), per [B, L, H, N] element: a multiply and an exp.
            if factored { flops += 2 * Double(x[0] * x[1] * x[2] * n) }
            return flops
        case .ssmScanChunked(_, let chunk):
            // Chunked SSD per (batch, head): within each chunk the (t, s ≤ t) pairs take an N-dot and a P-axpy
            // (2N + 2P); per step h·c_t and the state pass take 2·N·P each.
            let x = s[3], bIn = s[1]
            guard x.count == 4, let n = bIn.last else { return nil }
            let (len, p) = (x[1], Double(x[3]))
            var pairs = 0.0
            for c0 in stride(from: 0, to: len, by: chunk) { pairs += causalPairs(min(chunk, len - c0), min(chunk, len - c0)) }
            return Double(x[0] * x[2]) * (pairs * (2 * Double(n) + 2 * p) + Double(len) * 4 * Double(n) * p)
        case .ssmMatrix:
            // M[i, j] for j ≤ i: N terms of c·(cumulative decay)·b, 3 each.
            let a = s[0], bIn = s[1]
            guard a.count == 4, let n = bIn.last else { return nil }
            return Double(a[0] * a[2]) * causalPairs(a[1], a[1]) * 3 * Double(n)
        case .attention(let causal, _), .attentionMatrix(let causal, _):
            // q [B, Lq, H, d], k [B, Lk, G, d], v [B, Lk, G, dv]: per pair q·k (2d), softmax (3), weights·v (2dv).
            let q = s[0], k = s[1]
            guard q.count == 4, k.count == 4 else { return nil }
            let pairs = causal ? causalPairs(q[1], k[1]) : Double(q[1] * k[1])
            var perPair = 2 * Double(q[3]) + 3
            if case .attention = m, let v = s.count > 2 ? s[2] : nil, let dv = v.last { perPair += 2 * Double(dv) }
            return Double(q[0] * q[2]) * pairs * perPair
        case .linearAttention(_, let normalize, _):
            // Q, K [B, L, H, dk], V [B, L, H, dv]: the running state K ⊗ V (2·dk·dv) and Q·state (2·dk·dv) per step,
            // the same count causal or not; normalising adds the running Σ K and Q·ΣK (2·dk each) and a division.
            let q = s[0], v = s[2]
            guard q.count == 4, v.count == 4 else { return nil }
            let dk = Double(q[3]), dv = Double(v[3])
            let steps = Double(q[0] * q[1] * q[2])
            return steps * (4 * dk * dv + (normalize ? 4 * dk + dv : 0))
        case .linearAttentionMatrix(let causal, let normalize, _):
            let q = s[0]
            guard q.count == 4 else { return nil }
            let pairs = causal ? causalPairs(q[1], q[1]) : Double(q[1] * q[1])
            return Double(q[0] * q[2]) * pairs * (2 * Double(q[3]) + (normalize ? 1 : 0))
        }
    }
}
