import IR

// ssm_scan_chunked by its own algorithm (chunked SSD), not by the recurrence: tests hold the two to the same values,
// which is what makes the chunked form a correct alternative. Every intermediate is rounded to the dtype ("native"
// f32), like the operations a JIT kernel would do.

extension Interpreter {
    /// Per (batch, head), time in chunks of `chunk` steps. With Π(s, t) = Π_{s<r≤t} a_r inside the chunk:
    ///   y_t = Σ_{c0 ≤ s ≤ t} Π(s, t) (c_t · b_s) x_s  +  Π(c0 − 1, t) (h · c_t)        (intra-chunk + carried state)
    ///   h  ← Π(c0 − 1, c1 − 1) h + Σ_{c0 ≤ s < c1} Π(s, c1 − 1) x_s ⊗ b_s               (state pass, once per chunk)
    /// where h [P, N] is the state entering the chunk (h0 or zeros for the first).
    func ssmScanChunked(_ a: Array, _ b: Array, _ c: Array, _ x: Array, h0: Array?, chunk: Int, f32: Bool) -> [Array] {
        let shapes = [a.shape, b.shape, c.shape, x.shape]
        let B = shapes.map { $0[0] }.max()!, L = shapes.map { $0[1] }.max()!, H = shapes.map { $0[2] }.max()!
        let N = Swift.max(b.shape[3], c.shape[3]), P = x.shape[3]
        let round: (Double) -> Double = f32 ? { Double(Float($0)) } : { $0 }
        func at(_ v: Array, _ bb: Int, _ t: Int, _ h: Int, _ k: Int) -> Double {
            let s = v.shape
            let i = ((s[0] == 1 ? 0 : bb) * s[1] + (s[1] == 1 ? 0 : t)) * s[2] + (s[2] == 1 ? 0 : h)
            return v.data[i * s[3] + (s[3] == 1 ? 0 : k)]
        }
        var y = [Double](repeating: 0, count: B * L * H * P)
        var last = [Double](repeating: 0, count: B * H * P * N)
        for bb in 0..<B {
            for h in 0..<H {
                let base = (bb * H + h) * P * N
                var state = [Double](repeating: 0, count: P * N)
                if let h0 { for i in 0..<(P * N) { state[i] = h0.data[base + i] } }
                for c0 in stride(from: 0, to: L, by: chunk) {
                    let c1 = Swift.min(c0 + chunk, L)
                    for t in c0..<c1 {
                        // Π(s, t) for s = t, t−1, …, c0 by a running product; then Π(c0 − 1, t) for the carried state.
                        var decay = 1.0
                        var row = [Double](repeating: 0, count: P)
                        for s in stride(from: t, through: c0, by: -1) {
                            var cb = 0.0
                            for n in 0..<N { cb = round(cb + round(at(c, bb, t, h, n) * at(b, bb, s, h, n))) }
                            let w = round(decay * cb)
                            for p in 0..<P { row[p] = round(row[p] + round(w * at(x, bb, s, h, p))) }
                            decay = round(decay * at(a, bb, s, h, 0))
                        }
                        for p in 0..<P {
                            var hc = 0.0
                            for n in 0..<N { hc = round(hc + round(state[p * N + n] * at(c, bb, t, h, n))) }
                            y[((bb * L + t) * H + h) * P + p] = round(row[p] + round(decay * hc))
                        }
                    }
                    // The state pass: decay from each step to the chunk's end, then the whole chunk's decay.
                    var decay = 1.0
                    var update = [Double](repeating: 0, count: P * N)
                    for s in stride(from: c1 - 1, through: c0, by: -1) {
                        for p in 0..<P {
                            let xs = round(decay * at(x, bb, s, h, p))
                            for n in 0..<N { update[p * N + n] = round(update[p * N + n] + round(xs * at(b, bb, s, h, n))) }
                        }
                        decay = round(decay * at(a, bb, s, h, 0))
                    }
                    for i in 0..<(P * N) { state[i] = round(round(decay * state[i]) + update[i]) }
                }
                for i in 0..<(P * N) { last[base + i] = state[i] }
            }
        }
        return [Array(shape: [B, L, H, P], data: y), Array(shape: [B, H, P, N], data: last)]
    }
}
