import IR

// select-mixer-algorithms — choose how each structured mixer runs.
//
// Every mixer application (toeplitz, ssm_scan, attention, linear_attention) can run by its direct algorithm
// (convolution, recurrent scan, flash attention, running-state scan) or as its dense L×L matrix times x. The cost
// model: direct costs O(L·state) per channel, dense O(L²) plus an L×L buffer, so dense only wins for a short, known
// L (at most `denseMaxLength`, where it turns into matrix products); with a symbolic L the direct form is kept.
// `.dense` and `.direct` force one form everywhere (tests use this to hold both to the same numbers).
//
// An ssm_scan with a scalar decay per head (Mamba-2's SSD) has a third algorithm, chunked SSD (`ssm_scan_chunked`):
// per step it costs Q·(N + P) (the intra-chunk products, Q/2 earlier steps of an N-dot and a P-axpy each) plus
// 4·N·P (h·c_t and the state pass) flops against the recurrence's 5·N·P, for chunks of Q = `ssdChunk` steps. `auto`
// takes it only when that count is lower, which needs a state N·P larger than Q·(N + P): on a CPU without matrix units
// both run at about the same flop rate, so the count decides (W4's N = 128, P = 64: 45 k vs 41 k per step, recurrence;
// PERF-NOTES measured 3.36 vs 2.02 GFLOP for the whole workload). `.chunked` forces it on every such scan.
//
// A causal or bidirectional Toeplitz mixer has a third form too, `toeplitz_fft` (docs/FFT.md): O(N log N) per row with
// N a 5-smooth length ≥ L + K' − 1, K' = min(K, L) taps, against L·K' multiply-adds directly. `auto` picks it when
// K' is at least `fftMinTaps` (measured on this machine, docs/FFT.md) or unknown — a symbolic kernel length is the
// sequence length in every long-convolution model; `.fft` forces it for every Toeplitz mixer.
//
// Before: `%y = attention %q, %k, %v {…}`. After (dense): `%w = attention_matrix %q, %k {…}`, the value heads spread
// over the query heads (GQA) and moved before time, a matmul, and the heads moved back.
// After: with `.dense`, no toeplitz, attention or linear_attention op remains, and no ssm_scan whose last state is
// unused or which has no initial state. A scan whose state is used keeps its direct form (the matrix has no state).

/// Which algorithm the mixers use.
public enum MixerAlgorithm: String, Sendable, CaseIterable {
    /// The cost model decides per mixer.
    case auto
    /// Always the direct algorithm.
    case direct
    /// The dense matrix times x wherever the mixer allows it.
    case dense
    /// Chunked SSD for every scan with a scalar decay per head; the direct form for the other mixers.
    case chunked
    /// Toeplitz mixers as FFT convolutions (`toeplitz_fft`); the other mixers keep their direct form.
    case fft
}

/// Steps per chunk of chunked SSD (Mamba-2's GPU kernels use 64–256; 64 keeps a chunk's x and b rows in L1 here).
public let ssdChunk = 64

/// Kernel taps from which an FFT convolution beats the direct one on this machine (`seqc-bench --crossover`, docs/FFT.md).
public let fftMinTaps = 256

extension Pass {
    public static func selectMixerAlgorithms(_ policy: MixerAlgorithm, denseMaxLength: Int = 32) -> Pass {
        Pass(name: "select-mixer-algorithms") { Passes.selectMixerAlgorithms($0, policy: policy, denseMaxLength: denseMaxLength) }
    }
}

public func selectMixerAlgorithms(_ f: Function, policy: MixerAlgorithm, denseMaxLength: Int = 32) -> Function {
    guard policy != .direct else { return f }
    var used = Set<Int>()
    for inst in f.body { for v in inst.operands { used.insert(v.id) } }
    for o in f.outputs { used.insert(o.value.id) }

    var rewriter = DenseRewriter(next: f.nextValueID)
    var out = f
    out.body = []
    var replace: [Int: Value] = [:]
    for var inst in f.body {
        inst.operands = inst.operands.map { replace[$0.id] ?? $0 }
        if let chunked = chunkedForm(inst, policy) {
            out.body.append(chunked)
            continue
        }
        guard policy != .chunked else {
            out.body.append(inst)
            continue
        }
        if case .mixer(.toeplitz(let causal)) = inst.op, policy == .fft || (policy == .auto && prefersFFT(inst, denseMaxLength)) {
            inst.op = .mixer(.toeplitzFFT(causal: causal, skip: false))
            out.body.append(inst)
            continue
        }
        guard case .mixer(let m) = inst.op, !m.isMatrix, policy != .fft, let length = timeLength(inst),
            policy == .dense || (length.knownValue.map { $0 <= denseMaxLength } ?? false),
            let dense = try? rewriter.dense(inst, stateUsed: inst.results.count > 1 && used.contains(inst.results[1].id))
        else {
            out.body.append(inst)
            continue
        }
        out.body += dense.body
        replace[inst.results[0].id] = dense.result
    }
    out.outputs = f.outputs.map { Output(name: $0.name, value: replace[$0.value.id] ?? $0.value) }
    return out
}

/// `inst` as ssm_scan_chunked when it is a forward ssm_scan with a scalar decay per head and the policy forces
/// chunking or (auto) the flop count favours it; else nil.
private func chunkedForm(_ inst: Instruction, _ policy: MixerAlgorithm) -> Instruction? {
    guard case .mixer(.ssmScan(let hasInit, false)) = inst.op, inst.operands[0].type.shape[3] == .known(1),
        policy == .chunked || policy == .auto
    else { return nil }
    if policy == .auto {
        let last = inst.results[1].type.shape
        guard let n = last[3].knownValue, let p = last[2].knownValue,
            ssdChunk * (n + p) + 4 * n * p < 5 * n * p
        else { return nil }
    }
    var chunked = inst
    chunked.op = .mixer(.ssmScanChunked(hasInit: hasInit, chunk: ssdChunk))
    return chunked
}

/// The cost model for `auto` on a Toeplitz mixer: FFT when the taps that reach an output, min(K, L), are at least
/// `fftMinTaps` or not known, unless L is short enough for the dense form.
private func prefersFFT(_ inst: Instruction, _ denseMaxLength: Int) -> Bool {
    let length = inst.results[0].type.shape.last!.knownValue
    if let length, length <= denseMaxLength { return false }
    let kernel = inst.operands[0].type.shape.last!.knownValue
    let taps = [length, kernel].compactMap { $0 }.min()
    return taps.map { $0 >= fftMinTaps } ?? true
}

/// The time length a mixer application runs over.
private func timeLength(_ inst: Instruction) -> Dim? {
    guard case .mixer(let m) = inst.op else { return nil }
    let y = inst.results[0].type
    switch m {
    case .toeplitz: return y.shape.last
    case .ssmScan, .attention, .linearAttention: return y.rank == 4 ? y.shape[1] : nil
    default: return nil
    }
}

/// Emits the dense form of one mixer application with fresh value ids.
private struct DenseRewriter {
    var next: Int
    var body: [Instruction] = []

    mutating func emit(_ op: Op, _ operands: [Value], declared: TensorType? = nil, loc: SourceLocation?) throws -> Value {
        let types = try inferResultTypes(op, operands.map(\.type), declared: declared)
        let results = types.map { t -> Value in
            defer { next += 1 }
            return Value(id: next, type: t)
        }
        body.append(Instruction(results: results, op: op, operands: operands, location: loc))
        return results[0]
    }

    /// The instructions computing `inst`'s first result as matrix · x, and that result.
    mutating func dense(_ inst: Instruction, stateUsed: Bool) throws -> (body: [Instruction], result: Value) {
        body = []
        guard case .mixer(let m) = inst.op else { throw TypeRuleError("not a mixer") }
        let o = inst.operands, loc = inst.location
        let y = inst.results[0].type
        let result: Value
        switch m {
        case .toeplitz(let causal):
            // M [..., L, L] · x[..., L, 1]
            let x = o[o.count - 1]
            let L = x.type.shape.last!
            let k = o[0]
            let matrixType = TensorType(k.type.dtype, Array(k.type.shape.dropLast()) + [L, L])
            let matrix = try emit(.mixer(.toeplitzMatrix(causal: causal)), Array(o.dropLast()), declared: matrixType, loc: loc)
            let column = try emit(.reshape, [x], declared: TensorType(x.type.dtype, x.type.shape + [.known(1)]), loc: loc)
            let product = try emit(.matmul, [matrix, column], loc: loc)
            result = try emit(.reshape, [product], declared: y, loc: loc)
        case .ssmScan(let hasInit, let reverse):
            guard !hasInit, !stateUsed, !reverse else { throw TypeRuleError("the dense form has no state") }
            let matrix = try emit(.mixer(.ssmMatrix), Array(o[0..<3]), loc: loc)
            result = try timeMajor(try emit(.matmul, [matrix, try headMajor(o[3], loc), ], loc: loc), loc, expected: y)
        case .attention(let causal, let scale):
            let weights = try emit(.mixer(.attentionMatrix(causal: causal, scale: scale)), [o[0], o[1]], loc: loc)
            let v = try spreadHeads(o[2], to: o[0].type.shape[2], loc)
            result = try timeMajor(try emit(.matmul, [weights, try headMajor(v, loc)], loc: loc), loc, expected: y)
        case .linearAttention(let causal, let normalize, let eps):
            let matrix = try emit(.mixer(.linearAttentionMatrix(causal: causal, normalize: normalize, eps: eps)), [o[0], o[1]], loc: loc)
            result = try timeMajor(try emit(.matmul, [matrix, try headMajor(o[2], loc)], loc: loc), loc, expected: y)
        default:
            throw TypeRuleError("no dense form")
        }
        return (body, result)
    }

    /// [B, L, H, P] → [B, H, L, P]
    mutating func headMajor(_ x: Value, _ loc: SourceLocation?) throws -> Value {
        try emit(.permute([0, 2, 1, 3]), [x], loc: loc)
    }

    /// [B, H, L, P] → [B, L, H, P], checked against the direct form's type.
    mutating func timeMajor(_ x: Value, _ loc: SourceLocation?, expected: TensorType) throws -> Value {
        let t = try emit(.permute([0, 2, 1, 3]), [x], loc: loc)
        guard t.type == expected else { throw TypeRuleError("dense form gives \(t.type), not \(expected)") }
        return t
    }

    /// Key/value heads [B, L, G, d] spread over H query heads (each repeated H/G times, as GQA reads them).
    mutating func spreadHeads(_ v: Value, to heads: Dim, _ loc: SourceLocation?) throws -> Value {
        let s = v.type.shape
        if s[2] == heads { return v }
        guard case .known(let h) = heads, case .known(let g) = s[2], g > 0, h % g == 0 else {
            throw TypeRuleError("cannot spread \(s[2]) heads over \(heads)")
        }
        let t = v.type.dtype
        let split = try emit(.reshape, [v], declared: TensorType(t, [s[0], s[1], s[2], .known(1), s[3]]), loc: loc)
        let wide = try emit(.expand, [split], declared: TensorType(t, [s[0], s[1], s[2], .known(h / g), s[3]]), loc: loc)
        return try emit(.reshape, [wide], declared: TensorType(t, [s[0], s[1], heads, s[3]]), loc: loc)
    }
}
