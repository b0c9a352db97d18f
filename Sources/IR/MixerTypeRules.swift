/// The type rule of each mixer op (see MixerOp.swift for the layouts).
func inferMixerTypes(_ m: MixerOp, _ operands: [TensorType], declared: TensorType?) throws(TypeRuleError) -> [TensorType] {
    func arity(_ n: Int) throws(TypeRuleError) {
        guard operands.count == n else {
            throw TypeRuleError("'\(m.mnemonic)' takes \(n) operands, got \(operands.count)")
        }
    }
    func floats() throws(TypeRuleError) -> DType {
        let d = operands[0].dtype
        guard d.isFloat, operands.allSatisfy({ $0.dtype == d }) else {
            throw TypeRuleError("'\(m.mnemonic)' expects float operands of one dtype, got \(operands.map(\.description).joined(separator: ", "))")
        }
        return d
    }
    func rank(_ t: TensorType, _ r: Int, _ what: String) throws(TypeRuleError) {
        guard t.rank == r else { throw TypeRuleError("'\(m.mnemonic)' expects \(what), got \(t)") }
    }
    func broadcast(_ shapes: [[Dim]], _ what: String) throws(TypeRuleError) -> [Dim] {
        var out: [Dim] = []
        for s in shapes {
            guard let b = broadcastShapes(out, s) else {
                throw TypeRuleError("'\(m.mnemonic)' cannot broadcast the \(what) of \(operands.map(\.description).joined(separator: ", "))")
            }
            out = b
        }
        return out
    }

    switch m {
    case .toeplitzFFT(let causal, let skip, let gate):
        // toeplitz's rule on the convolution's operands; the skip d must be a per-row scalar [..., 1] of those rows,
        // the gate g must broadcast to the result without widening it.
        try arity((causal ? 2 : 3) + (skip ? 1 : 0) + (gate ? 1 : 0))
        let conv = Array(operands.prefix(causal ? 2 : 3))
        let y: TensorType
        do {
            y = try inferMixerTypes(.toeplitz(causal: causal), conv, declared: nil)[0]
        } catch {
            throw TypeRuleError("'toeplitz_fft' (the convolution of toeplitz): \(error.message)")
        }
        if skip {
            let d = operands[conv.count], rows = Array(y.shape.dropLast()) + [Dim.known(1)]
            guard d.dtype == y.dtype, d.rank >= 1, d.shape.last == .known(1), broadcastShapes(d.shape, rows) == rows else {
                throw TypeRuleError("'toeplitz_fft' skip must be \(y.dtype)[..., 1] broadcasting to the rows \(rows), got \(d)")
            }
        }
        if gate {
            let g = operands[operands.count - 1]
            guard g.dtype == y.dtype, g.rank <= y.rank, broadcastShapes(g.shape, y.shape) == y.shape else {
                throw TypeRuleError("'toeplitz_fft' gate must be \(y.dtype) broadcasting to the result \(y), got \(g)")
            }
        }
        return [y]

    case .toeplitz(let causal):
        try arity(causal ? 2 : 3)
        let dt = try floats()
        let (k, x) = (operands[0], operands[operands.count - 1])
        guard k.rank >= 1, x.rank >= 1 else { throw TypeRuleError("'\(m.mnemonic)' expects a kernel [..., K] and x [..., L]") }
        if !causal, operands[1] != k { throw TypeRuleError("'\(m.mnemonic)' bidirectional kernels must match: \(k) and \(operands[1])") }
        let lead = try broadcast([Array(k.shape.dropLast()), Array(x.shape.dropLast())], "channel dims")
        return [TensorType(dt, lead + [x.shape.last!])]

    case .toeplitzMatrix(let causal):
        try arity(causal ? 1 : 2)
        let dt = try floats()
        guard let d = declared else { throw TypeRuleError("'toeplitz_matrix' needs a declared result type") }
        let k = operands[0]
        guard k.rank >= 1, d.dtype == dt, d.rank == k.rank + 1, Array(d.shape.dropLast(2)) == Array(k.shape.dropLast()),
            d.shape[d.rank - 1] == d.shape[d.rank - 2]
        else {
            throw TypeRuleError("'toeplitz_matrix' of kernel \(k) must be \(dt)[..., L, L] with the kernel's leading dims, got \(d)")
        }
        return [d]

    case .ssmScan(let hasInit, _):
        try arity(hasInit ? 5 : 4)
        let dt = try floats()
        let (a, b, c, x) = (operands[0], operands[1], operands[2], operands[3])
        for (t, n) in [(a, "decay a [B, L, H, N]"), (b, "input b [B, L, H, N]"), (c, "output c [B, L, H, N]"), (x, "x [B, L, H, P]")] {
            try rank(t, 4, n)
        }
        let blh = try broadcast([a, b, c, x].map { Array($0.shape.prefix(3)) }, "batch, time and head dims")
        let n = try broadcast([[a.shape[3]], [b.shape[3]], [c.shape[3]]], "state dims")[0]
        let state = TensorType(dt, [blh[0], blh[2], x.shape[3], n])
        if hasInit, operands[4] != state {
            throw TypeRuleError("'ssm_scan' initial state must be \(state), got \(operands[4])")
        }
        return [TensorType(dt, blh.prefix(3) + [x.shape[3]]), state]

    case .ssmScanExp(let hasInit, _):
        // The type of ssm_scan with decay exp(Δ · A): Δ [B, L, H, 1] and A [1, 1, H, N] broadcast to [B, L, H, N].
        try arity(hasInit ? 6 : 5)
        let (delta, a) = (operands[0], operands[1])
        try rank(delta, 4, "delta [B, L, H, 1]")
        try rank(a, 4, "A [1, 1, H, N]")
        guard delta.shape[3] == .known(1) else {
            throw TypeRuleError("'ssm_scan_exp' delta must be [B, L, H, 1], got \(delta)")
        }
        guard a.shape[0] == .known(1), a.shape[1] == .known(1) else {
            throw TypeRuleError("'ssm_scan_exp' A must be [1, 1, H, N] (no batch or time extent), got \(a)")
        }
        guard a.dtype == delta.dtype, let h = broadcastShapes([delta.shape[2]], [a.shape[2]]) else {
            throw TypeRuleError("'ssm_scan_exp' cannot broadcast delta \(delta) with A \(a)")
        }
        let decay = TensorType(delta.dtype, [delta.shape[0], delta.shape[1], h[0], a.shape[3]])
        do {
            return try inferMixerTypes(.ssmScan(hasInit: hasInit), [decay] + operands.dropFirst(2), declared: nil)
        } catch {
            throw TypeRuleError("'ssm_scan_exp' (ssm_scan of decay exp(delta · A) \(decay)): \(error.message)")
        }

    case .ssmScanChunked(let hasInit, let chunk):
        guard chunk > 0 else { throw TypeRuleError("'ssm_scan_chunked' chunk must be positive, got \(chunk)") }
        guard operands.count >= 1, operands[0].rank == 4, operands[0].shape[3] == .known(1) else {
            throw TypeRuleError("'ssm_scan_chunked' needs a scalar decay per head and step, a [B, L, H, 1]")
        }
        do {
            return try inferMixerTypes(.ssmScan(hasInit: hasInit), operands, declared: nil)
        } catch {
            throw TypeRuleError("'ssm_scan_chunked': \(error.message)")
        }

    case .ssmMatrix:
        try arity(3)
        let dt = try floats()
        for t in operands { try rank(t, 4, "[B, L, H, N] operands") }
        let blh = try broadcast(operands.map { Array($0.shape.prefix(3)) }, "batch, time and head dims")
        _ = try broadcast(operands.map { [$0.shape[3]] }, "state dims")
        return [TensorType(dt, [blh[0], blh[2], blh[1], blh[1]])]

    case .attention, .attentionMatrix:
        let isMatrix = m.isMatrix
        try arity(isMatrix ? 2 : 3)
        let dt = try floats()
        for t in operands { try rank(t, 4, "[B, L, heads, head_dim] operands") }
        let (q, k) = (operands[0], operands[1])
        guard q.shape[0] == k.shape[0], q.shape[3] == k.shape[3] else {
            throw TypeRuleError("'\(m.mnemonic)' q \(q) and k \(k) must share batch and head_dim")
        }
        if case .known(let h) = q.shape[2], case .known(let g) = k.shape[2], g == 0 || h % g != 0 {
            throw TypeRuleError("'\(m.mnemonic)' needs query heads (\(h)) to be a multiple of key/value heads (\(g))")
        }
        if isMatrix { return [TensorType(dt, [q.shape[0], q.shape[2], q.shape[1], k.shape[1]])] }
        let v = operands[2]
        guard v.shape[0] == k.shape[0], v.shape[1] == k.shape[1], v.shape[2] == k.shape[2] else {
            throw TypeRuleError("'attention' v \(v) must match k \(k) in batch, length and heads")
        }
        return [TensorType(dt, [q.shape[0], q.shape[1], q.shape[2], v.shape[3]])]

    case .linearAttention, .linearAttentionMatrix:
        let isMatrix = m.isMatrix
        try arity(isMatrix ? 2 : 3)
        let dt = try floats()
        for t in operands { try rank(t, 4, "[B, L, heads, dim] operands") }
        let (q, k) = (operands[0], operands[1])
        guard q.shape == k.shape else { throw TypeRuleError("'\(m.mnemonic)' Q \(q) and K \(k) must have one shape") }
        if isMatrix { return [TensorType(dt, [q.shape[0], q.shape[2], q.shape[1], q.shape[1]])] }
        let v = operands[2]
        guard Array(v.shape.prefix(3)) == Array(q.shape.prefix(3)) else {
            throw TypeRuleError("'linear_attention' V \(v) must match Q \(q) in batch, length and heads")
        }
        return [TensorType(dt, Array(q.shape.prefix(3)) + [v.shape[3]])]
    }
}
