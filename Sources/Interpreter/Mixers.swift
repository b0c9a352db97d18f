import Foundation
import IR

// Reference semantics of the structured mixers: each by its direct definition (`apply`: recurrence, explicit
// softmax, direct convolution) and by its dense matrix (`matrix`). Tests hold M·x equal to apply.

extension Interpreter {
    func evaluateMixer(_ m: MixerOp, _ inst: Instruction, _ args: [Array], bindings: [String: Int]) throws(BindingError) -> [Array] {
        switch m {
        case .toeplitzFFT(let causal, let skip, let gate):
            // The convolution by its definition; the skip d·x and the gate as the separate mul, add and mul would
            // round them.
            let x = args[causal ? 1 : 2]
            let dtype = inst.result.type.dtype
            var y = toeplitzApply(args[0], causal ? nil : args[1], x)
            if skip { y = broadcast(round(y, dtype), round(broadcast(args[causal ? 2 : 3], x, *), dtype), +) }
            if gate { y = broadcast(round(y, dtype), args[args.count - 1], *) }
            return [y]
        case .toeplitz(let causal):
            return [toeplitzApply(args[0], causal ? nil : args[1], args[args.count - 1])]
        case .toeplitzMatrix(let causal):
            guard let shape = inst.result.type.resolve(bindings) else {
                throw BindingError("toeplitz_matrix to \(inst.result.type) uses a dim that no input binds")
            }
            return [toeplitzMatrix(args[0], causal ? nil : args[1], length: shape[shape.count - 1])]
        case .ssmScan(_, let reverse):
            return ssmScan(args[0], args[1], args[2], args[3], h0: args.count == 5 ? args[4] : nil, reverse: reverse,
                           f32: roundsToF32(inst))
        case .ssmScanExp(_, let reverse):
            return ssmScan(exponentialDecay(args[0], args[1], f32: roundsToF32(inst)), args[2], args[3], args[4],
                           h0: args.count == 6 ? args[5] : nil, reverse: reverse, f32: roundsToF32(inst))
        case .ssmScanChunked(_, let chunk):
            return ssmScanChunked(args[0], args[1], args[2], args[3], h0: args.count == 5 ? args[4] : nil, chunk: chunk,
                                  f32: roundsToF32(inst))
        case .ssmMatrix:
            return [ssmMatrix(args[0], args[1], args[2])]
        case .attention(let causal, let scale):
            return [attention(args[0], args[1], args[2], causal: causal, scale: scale)]
        case .attentionMatrix(let causal, let scale):
            return [attentionWeights(args[0], args[1], causal: causal, scale: scale)]
        case .linearAttention(let causal, let normalize, let eps):
            return [linearAttention(args[0], args[1], args[2], causal: causal, normalize: normalize, eps: eps)]
        case .linearAttentionMatrix(let causal, let normalize, let eps):
            return [linearAttentionMatrix(args[0], args[1], causal: causal, normalize: normalize, eps: eps)]
        }
    }

    func roundsToF32(_ inst: Instruction) -> Bool { precision == .native && inst.result.type.dtype == .f32 }

    // MARK: Toeplitz

    /// Leading-dim broadcast of kernel [..., K] and x [..., L]: the number of rows and each operand's row index.
    private func rows(_ a: [Int], _ b: [Int]) -> (shape: [Int], index: (Int) -> (Int, Int)) {
        let shape = broadcastShape(a, b)
        let sa = broadcastStrides(a, to: shape), sb = broadcastStrides(b, to: shape)
        let strides = contiguousStrides(shape)
        return (shape, { flat in
            var ia = 0, ib = 0, rest = flat
            for k in 0..<shape.count {
                let i = strides[k] > 0 ? rest / strides[k] : 0
                rest -= i * strides[k]
                ia += i * sa[k]
                ib += i * sb[k]
            }
            return (ia, ib)
        })
    }

    /// y[i] = Σ_{j≤i} k[i-j] x[j] (+ Σ_{j>i} k_rev[j-i-1] x[j]): the direct convolution.
    func toeplitzApply(_ k: Array, _ kRev: Array?, _ x: Array) -> Array {
        let K = k.shape.last!, L = x.shape.last!
        let (lead, index) = rows(Swift.Array(k.shape.dropLast()), Swift.Array(x.shape.dropLast()))
        let count = lead.reduce(1, *)
        var out = [Double](repeating: 0, count: count * L)
        for r in 0..<count {
            let (rk, rx) = index(r)
            for i in 0..<L {
                var acc = 0.0
                for j in stride(from: max(0, i - K + 1), through: i, by: 1) { acc += k.data[rk * K + i - j] * x.data[rx * L + j] }
                if let kr = kRev {
                    for j in (i + 1)..<max(i + 1, min(L, i + 1 + K)) { acc += kr.data[rk * K + j - i - 1] * x.data[rx * L + j] }
                }
                out[r * L + i] = acc
            }
        }
        return Array(shape: lead + [L], data: out)
    }

    /// M[..., i, j] = k[i-j] (j ≤ i, i-j < K), k_rev[j-i-1] (j > i, j-i-1 < K) when bidirectional, else 0.
    func toeplitzMatrix(_ k: Array, _ kRev: Array?, length L: Int) -> Array {
        let K = k.shape.last!
        let count = k.count / max(K, 1)
        var out = [Double](repeating: 0, count: count * L * L)
        for r in 0..<count {
            for i in 0..<L {
                for j in 0..<L {
                    var v = 0.0
                    if j <= i, i - j < K { v = k.data[r * K + i - j] }
                    if let kr = kRev, j > i, j - i - 1 < K { v = kr.data[r * K + j - i - 1] }
                    out[(r * L + i) * L + j] = v
                }
            }
        }
        return Array(shape: Swift.Array(k.shape.dropLast()) + [L, L], data: out)
    }

    // MARK: semiseparable scan

    /// Index of [b, t, h, n] in a [B, L, H, N]-layout operand that may broadcast (size-1 dims).
    private func at(_ a: Array, _ b: Int, _ t: Int, _ h: Int, _ n: Int) -> Double {
        let s = a.shape
        let i = ((s[0] == 1 ? 0 : b) * s[1] + (s[1] == 1 ? 0 : t)) * s[2] + (s[2] == 1 ? 0 : h)
        return a.data[i * s[3] + (s[3] == 1 ? 0 : n)]
    }

    /// h_t = a_t ⊙ h_{t-1} + x_t ⊗ b_t; y_t = h_t · c_t, per (batch, head). The recurrence itself; `reverse` visits
    /// t from L−1 down to 0 (h_t = a_t ⊙ h_{t+1} + x_t ⊗ b_t).
    func ssmScan(_ a: Array, _ b: Array, _ c: Array, _ x: Array, h0: Array?, reverse: Bool = false, f32: Bool) -> [Array] {
        let shapes = [a.shape, b.shape, c.shape, x.shape]
        let B = shapes.map { $0[0] }.max()!, L = shapes.map { $0[1] }.max()!, H = shapes.map { $0[2] }.max()!
        let N = [a.shape[3], b.shape[3], c.shape[3]].max()!, P = x.shape[3]
        var y = [Double](repeating: 0, count: B * L * H * P)
        var last = [Double](repeating: 0, count: B * H * P * N)
        let round: (Double) -> Double = f32 ? { Double(Float($0)) } : { $0 }
        for bb in 0..<B {
            for h in 0..<H {
                let base = (bb * H + h) * P * N
                var state = [Double](repeating: 0, count: P * N)
                if let h0 { for i in 0..<(P * N) { state[i] = h0.data[base + i] } }
                for step in 0..<L {
                    let t = reverse ? L - 1 - step : step
                    for p in 0..<P {
                        let xv = at(x, bb, t, h, p)
                        var acc = 0.0
                        for n in 0..<N {
                            let s = round(at(a, bb, t, h, n) * state[p * N + n] + xv * at(b, bb, t, h, n))
                            state[p * N + n] = s
                            acc += s * at(c, bb, t, h, n)
                        }
                        y[((bb * L + t) * H + h) * P + p] = acc
                    }
                }
                for i in 0..<(P * N) { last[base + i] = state[i] }
            }
        }
        return [Array(shape: [B, L, H, P], data: y), Array(shape: [B, H, P, N], data: last)]
    }

    /// ssm_scan_exp's decay exp(Δ · A) [B, L, H, N], element by element: the product and the exp each rounded to the
    /// dtype, exactly as the unfused `mul` and `exp` would give it.
    func exponentialDecay(_ delta: Array, _ a: Array, f32: Bool) -> Array {
        let round: (Double) -> Double = f32 ? { Double(Float($0)) } : { $0 }
        let product = broadcast(delta, a) { round($0 * $1) }
        return Array(shape: product.shape, data: product.data.map { round(Foundation.exp($0)) })
    }

    /// M[b, h, i, j] = Σ_n c_i[n] (Π_{k=j+1..i} a_k[n]) b_j[n] for j ≤ i.
    func ssmMatrix(_ a: Array, _ b: Array, _ c: Array) -> Array {
        let shapes = [a.shape, b.shape, c.shape]
        let B = shapes.map { $0[0] }.max()!, L = shapes.map { $0[1] }.max()!, H = shapes.map { $0[2] }.max()!
        let N = shapes.map { $0[3] }.max()!
        var out = [Double](repeating: 0, count: B * H * L * L)
        for bb in 0..<B {
            for h in 0..<H {
                for j in 0..<L {
                    // decay[n] = Π_{k=j+1..i} a_k[n], built up as i grows.
                    var decay = [Double](repeating: 1, count: N)
                    for i in j..<L {
                        if i > j { for n in 0..<N { decay[n] *= at(a, bb, i, h, n) } }
                        var v = 0.0
                        for n in 0..<N { v += at(c, bb, i, h, n) * decay[n] * at(b, bb, j, h, n) }
                        out[((bb * H + h) * L + i) * L + j] = v
                    }
                }
            }
        }
        return Array(shape: [B, H, L, L], data: out)
    }

    // MARK: attention

    /// Softmax weights [B, H, Lq, Lk]: explicit max-subtracted softmax over the visible keys.
    func attentionWeights(_ q: Array, _ k: Array, causal: Bool, scale: Double) -> Array {
        let (B, Lq, H, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let (Lk, G) = (k.shape[1], k.shape[2])
        let group = H / max(G, 1)
        var out = [Double](repeating: 0, count: B * H * Lq * Lk)
        for b in 0..<B {
            for h in 0..<H {
                let g = h / max(group, 1)
                for i in 0..<Lq {
                    let visible = causal ? min(Lk, i + 1) : Lk
                    guard visible > 0 else { continue }
                    var s = [Double](repeating: 0, count: visible)
                    for j in 0..<visible {
                        var acc = 0.0
                        for e in 0..<d { acc += q.data[((b * Lq + i) * H + h) * d + e] * k.data[((b * Lk + j) * G + g) * d + e] }
                        s[j] = acc * scale
                    }
                    let m = s.max()!
                    let e = s.map { Foundation.exp($0 - m) }
                    let z = e.reduce(0, +)
                    for j in 0..<visible { out[((b * H + h) * Lq + i) * Lk + j] = e[j] / z }
                }
            }
        }
        return Array(shape: [B, H, Lq, Lk], data: out)
    }

    func attention(_ q: Array, _ k: Array, _ v: Array, causal: Bool, scale: Double) -> Array {
        let w = attentionWeights(q, k, causal: causal, scale: scale)
        let (B, Lq, H) = (q.shape[0], q.shape[1], q.shape[2])
        let (Lk, G, dv) = (k.shape[1], k.shape[2], v.shape[3])
        let group = H / max(G, 1)
        var out = [Double](repeating: 0, count: B * Lq * H * dv)
        for b in 0..<B {
            for h in 0..<H {
                let g = h / max(group, 1)
                for i in 0..<Lq {
                    for e in 0..<dv {
                        var acc = 0.0
                        for j in 0..<Lk { acc += w.data[((b * H + h) * Lq + i) * Lk + j] * v.data[((b * Lk + j) * G + g) * dv + e] }
                        out[((b * Lq + i) * H + h) * dv + e] = acc
                    }
                }
            }
        }
        return Array(shape: [B, Lq, H, dv], data: out)
    }

    // MARK: linear attention

    /// M[b, h, i, j] = (Q_i·K_j) [j ∈ S(i)] Z_i with Z_i = 1 / (Q_i · Σ_{S(i)} K_j + eps) when normalised.
    func linearAttentionMatrix(_ q: Array, _ k: Array, causal: Bool, normalize: Bool, eps: Double) -> Array {
        let (B, L, H, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        var out = [Double](repeating: 0, count: B * H * L * L)
        for b in 0..<B {
            for h in 0..<H {
                for i in 0..<L {
                    let visible = causal ? i + 1 : L
                    var row = [Double](repeating: 0, count: visible)
                    for j in 0..<visible {
                        var acc = 0.0
                        for e in 0..<d { acc += q.data[((b * L + i) * H + h) * d + e] * k.data[((b * L + j) * H + h) * d + e] }
                        row[j] = acc
                    }
                    let z = normalize ? 1 / (row.reduce(0, +) + eps) : 1
                    for j in 0..<visible { out[((b * H + h) * L + i) * L + j] = row[j] * z }
                }
            }
        }
        return Array(shape: [B, H, L, L], data: out)
    }

    /// The running-state form: S_t = S_{t-1} + K_t V_tᵀ, z_t = z_{t-1} + K_t, y_t = Q_tᵀ S_t / (Q_t·z_t + eps).
    func linearAttention(_ q: Array, _ k: Array, _ v: Array, causal: Bool, normalize: Bool, eps: Double) -> Array {
        let (B, L, H, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let dv = v.shape[3]
        var out = [Double](repeating: 0, count: B * L * H * dv)
        for b in 0..<B {
            for h in 0..<H {
                var S = [Double](repeating: 0, count: d * dv)
                var z = [Double](repeating: 0, count: d)
                func accumulate(_ j: Int) {
                    for e in 0..<d {
                        let kv = k.data[((b * L + j) * H + h) * d + e]
                        z[e] += kv
                        for f in 0..<dv { S[e * dv + f] += kv * v.data[((b * L + j) * H + h) * dv + f] }
                    }
                }
                if !causal { for j in 0..<L { accumulate(j) } }
                for i in 0..<L {
                    if causal { accumulate(i) }
                    var den = eps
                    for e in 0..<d { den += q.data[((b * L + i) * H + h) * d + e] * z[e] }
                    for f in 0..<dv {
                        var acc = 0.0
                        for e in 0..<d { acc += q.data[((b * L + i) * H + h) * d + e] * S[e * dv + f] }
                        out[((b * L + i) * H + h) * dv + f] = normalize ? acc / den : acc
                    }
                }
            }
        }
        return Array(shape: [B, L, H, dv], data: out)
    }
}
