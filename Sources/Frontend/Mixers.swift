import IR

// Structured mixers in the language. A mixer is a compile-time value built from tensors; `M @ x` applies it by its
// direct algorithm (a mixer op in the IR) and `materialize(M)` gives its dense L×L matrix. Layouts:
//   toeplitz                 x [..., L] (time last)            M [..., L, L]
//   semiseparable            x [B, L, H, P] (time on axis 1)   M [B, H, L, L]
//   softmax / linear attn    v [B, L, H, dv]                   M [B, H, Lq, Lk]
//   quasiseparable           x [B, L, H, P]                    M [B, H, L, L]
//   dense                    x [..., L, P]                     M [..., L, L]

/// A mixer value: which structure, and the tensors that define it.
indirect enum MixerValue {
    /// Causal when `reverse` is nil; bidirectional (S4 convention) otherwise.
    case toeplitz(kernel: Value, reverse: Value?)
    case semiseparable(decay: Value, input: Value, output: Value)
    case attention(q: Value, k: Value, causal: Bool, scale: Double)
    case linearAttention(q: Value, k: Value, causal: Bool, normalize: Bool, eps: Double)
    case dense(Value)
    /// Hydra: y = shift(F @ x) + flip(shift(Bw @ flip(x))) + diagonal ⊙ x, where `backward` is a semiseparable
    /// mixer over the time-reversed sequence and the shift moves every row down by one (row 0 gets zeros).
    case quasiseparable(forward: MixerValue, backward: MixerValue, diagonal: Value?)

    var kindName: String {
        switch self {
        case .toeplitz(_, let r): return r == nil ? "causal Toeplitz" : "bidirectional Toeplitz"
        case .semiseparable: return "semiseparable"
        case .attention: return "softmax attention"
        case .linearAttention: return "linear attention"
        case .dense: return "dense"
        case .quasiseparable: return "quasiseparable"
        }
    }
}

let mixerSignatures: [String: [String]] = [
    "toeplitz": ["kernel", "reverse?"],
    "semiseparable": ["decay", "input", "output"],
    "softmax_attention": ["q", "k", "causal?", "scale?"],
    "attention": ["q", "k", "v", "causal?", "scale?"],
    "linear_attention": ["q", "k", "causal?", "normalize?", "eps?"],
    "dense": ["matrix"],
    "quasiseparable": ["forward", "backward", "diagonal?"],
    "materialize": ["mixer", "length?"],
    "apply": ["mixer", "x", "initial?"],
]

extension Lowering {
    mutating func mixerArg(_ a: CallArguments, _ name: String) throws(Diagnostic) -> MixerValue {
        let e = a.values[name]!
        guard case .mixer(let m) = try lowerExpr(e) else {
            throw error("argument '\(name)' of '\(a.callee)' must be a mixer (toeplitz, semiseparable, …)", at: e.location)
        }
        return m
    }

    /// The mixer builtins; nil when `f` is not one of them.
    mutating func lowerMixerCall(_ f: String, _ a: CallArguments, at loc: SourceLocation) throws(Diagnostic) -> Bound? {
        switch f {
        case "toeplitz":
            return .mixer(.toeplitz(kernel: try tensorArg(a, "kernel"), reverse: try optionalTensorArg(a, "reverse")))
        case "semiseparable":
            return .mixer(.semiseparable(decay: try tensorArg(a, "decay"), input: try tensorArg(a, "input"), output: try tensorArg(a, "output")))
        case "softmax_attention", "attention":
            let q = try tensorArg(a, "q"), k = try tensorArg(a, "k")
            let causal = try boolArg(a, "causal", default: false)
            let d = q.type.shape.last!
            guard case .known(let headDim) = d, headDim > 0 else {
                throw error("attention needs a known head dim, got \(q.type)", at: loc)
            }
            let scale = try numberArg(a, "scale", default: 1 / Double(headDim).squareRoot())
            let m = MixerValue.attention(q: q, k: k, causal: causal, scale: scale)
            if f == "attention" { return .tensor(try applyMixer(m, try tensorArg(a, "v"), at: loc)) }
            return .mixer(m)
        case "linear_attention":
            return .mixer(.linearAttention(
                q: try tensorArg(a, "q"), k: try tensorArg(a, "k"), causal: try boolArg(a, "causal", default: true),
                normalize: try boolArg(a, "normalize", default: true), eps: try numberArg(a, "eps", default: 1e-6)))
        case "dense":
            return .mixer(.dense(try tensorArg(a, "matrix")))
        case "quasiseparable":
            return .mixer(.quasiseparable(
                forward: try mixerArg(a, "forward"), backward: try mixerArg(a, "backward"),
                diagonal: try optionalTensorArg(a, "diagonal")))
        case "materialize":
            let m = try mixerArg(a, "mixer")
            var length: Dim?
            if let e = a.values["length"] { length = try dim(e) }
            return .tensor(try materialize(m, length: length, at: loc))
        case "apply":
            let m = try mixerArg(a, "mixer")
            let x = try tensorArg(a, "x")
            let h0 = try optionalTensorArg(a, "initial")
            guard case .semiseparable(let d, let i, let o) = m else {
                guard h0 == nil else { throw error("only a semiseparable mixer takes an initial state", at: loc) }
                return .tensor(try applyMixer(m, x, at: loc))
            }
            return .tuple(try emitMany(.mixer(.ssmScan(hasInit: h0 != nil)), [d, i, o, x] + (h0.map { [$0] } ?? []), at: loc))
        default:
            return nil
        }
    }

    /// `M @ x` by the mixer's direct algorithm.
    mutating func applyMixer(_ m: MixerValue, _ x: Value, at loc: SourceLocation) throws(Diagnostic) -> Value {
        switch m {
        case .toeplitz(let k, let r):
            return try emit(.mixer(.toeplitz(causal: r == nil)), [k] + (r.map { [$0] } ?? []) + [x], at: loc)
        case .semiseparable(let d, let i, let o):
            return try emitMany(.mixer(.ssmScan(hasInit: false)), [d, i, o, x], at: loc)[0]
        case .attention(let q, let k, let causal, let scale):
            return try emit(.mixer(.attention(causal: causal, scale: scale)), [q, k, x], at: loc)
        case .linearAttention(let q, let k, let causal, let normalize, let eps):
            return try emit(.mixer(.linearAttention(causal: causal, normalize: normalize, eps: eps)), [q, k, x], at: loc)
        case .dense(let matrix):
            return try emit(.matmul, [matrix, x], at: loc)
        case .quasiseparable(let forward, let backward, let diagonal):
            // Time is axis 1 of x [B, L, H, P].
            guard x.type.rank == 4 else { throw error("a quasiseparable mixer applies to x [B, L, H, P], got \(x.type)", at: loc) }
            let fw = try shiftDown(try applyMixer(forward, x, at: loc), axis: 1, at: loc)
            let reversed = try emit(.flip(axis: 1), [x], at: loc)
            let bw = try emit(.flip(axis: 1), [try shiftDown(try applyMixer(backward, reversed, at: loc), axis: 1, at: loc)], at: loc)
            var y = try emit(.binary(.add), [fw, bw], at: loc)
            if let d = diagonal { y = try emit(.binary(.add), [y, try emit(.binary(.mul), [d, x], at: loc)], at: loc) }
            return y
        }
    }

    /// x moved one step later along `axis`, with zeros entering at the start.
    mutating func shiftDown(_ x: Value, axis: Int, at loc: SourceLocation) throws(Diagnostic) -> Value {
        try emit(.slice(axis: axis, start: -1, fromEnd: false), [x], declared: x.type, at: loc)
    }

    /// The dense matrix of a mixer.
    mutating func materialize(_ m: MixerValue, length: Dim?, at loc: SourceLocation) throws(Diagnostic) -> Value {
        switch m {
        case .toeplitz(let k, let r):
            let L = length ?? k.type.shape.last!
            let type = TensorType(k.type.dtype, Array(k.type.shape.dropLast()) + [L, L])
            return try emit(.mixer(.toeplitzMatrix(causal: r == nil)), [k] + (r.map { [$0] } ?? []), declared: type, at: loc)
        case .semiseparable(let d, let i, let o):
            return try emit(.mixer(.ssmMatrix), [d, i, o], at: loc)
        case .attention(let q, let k, let causal, let scale):
            return try emit(.mixer(.attentionMatrix(causal: causal, scale: scale)), [q, k], at: loc)
        case .linearAttention(let q, let k, let causal, let normalize, let eps):
            return try emit(.mixer(.linearAttentionMatrix(causal: causal, normalize: normalize, eps: eps)), [q, k], at: loc)
        case .dense(let matrix):
            return matrix
        case .quasiseparable(let forward, let backward, let diagonal):
            // Rows shift down by one (row i of the lower part is row i-1 of the forward matrix); the backward
            // part is the same construction in reversed time, so it is flipped on both axes.
            let f = try materialize(forward, length: length, at: loc)
            let rank = f.type.rank
            let lower = try shiftDown(f, axis: rank - 2, at: loc)
            let b = try shiftDown(try materialize(backward, length: length, at: loc), axis: rank - 2, at: loc)
            let upper = try emit(.flip(axis: rank - 1), [try emit(.flip(axis: rank - 2), [b], at: loc)], at: loc)
            var matrix = try emit(.binary(.add), [lower, upper], at: loc)
            if let d = diagonal {
                // d [B, L, H, 1] → diag(d) [B, H, L, L]
                guard d.type.rank == 4 else { throw error("the diagonal of a quasiseparable mixer must be [B, L, H, 1], got \(d.type)", at: loc) }
                let L = f.type.shape[rank - 1]
                let rows = try emit(.iota(axis: 0), [], declared: TensorType(.i64, [L, .known(1)]), at: loc)
                let cols = try emit(.iota(axis: 1), [], declared: TensorType(.i64, [.known(1), L]), at: loc)
                let eye = try emit(.compare(.eq), [rows, cols], at: loc)
                let dh = try emit(.permute([0, 2, 1, 3]), [d], at: loc)  // [B, H, L, 1]
                let zero = try constant(0, d.type.dtype, at: loc)
                matrix = try emit(.binary(.add), [matrix, try emit(.select, [eye, dh, zero], at: loc)], at: loc)
            }
            return matrix
        }
    }
}
