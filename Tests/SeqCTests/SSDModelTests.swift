// models/ssd.seq against the exact SSD recurrence (mixers.md §e.1) written directly in double: groups (head h reads
// group h / (H/G)), D per head or per head and channel, the z gate, an initial state, dt_bias and softplus on or off.
import Foundation
import SeqC
import Testing

struct SSDVariant: CustomStringConvertible, Sendable {
    var batch: Int, len: Int, heads: Int, headdim: Int, n: Int, groups: Int
    var hasD = true, dHasHdim = false, hasZ = false, hasInit = false, hasDtBias = true, softplus = true
    var seed: UInt64

    var description: String {
        "b\(batch) L\(len) H\(heads) P\(headdim) N\(n) G\(groups) D:\(hasD)\(dHasHdim ? "(hdim)" : "") z:\(hasZ) h0:\(hasInit) dt_bias:\(hasDtBias) sp:\(softplus)"
    }
}

/// The SSD recurrence on x [B, L, H, P], dt [B, L, H], B/C [B, L, G, N]; y [B, L, H, P] and the state [B, H, P, N].
func ssdReference(
    _ v: SSDVariant, x: [Double], dt rawDt: [Double], B: [Double], C: [Double], A: [Double],
    D: [Double]?, dtBias: [Double]?, z: [Double]?, h0: [Double]?
) -> (y: [Double], state: [Double]) {
    let (batch, len, H, P, N, G) = (v.batch, v.len, v.heads, v.headdim, v.n, v.groups)
    var y = [Double](repeating: 0, count: batch * len * H * P)
    var state = [Double](repeating: 0, count: batch * H * P * N)
    for b in 0..<batch {
        for h in 0..<H {
            let g = h / (H / G)
            var s = [Double](repeating: 0, count: P * N)
            if let h0 { for i in 0..<(P * N) { s[i] = h0[(b * H + h) * P * N + i] } }
            for t in 0..<len {
                var dt = rawDt[(b * len + t) * H + h] + (dtBias?[h] ?? 0)
                if v.softplus { dt = MambaKit.softplus(dt) }
                let decay = exp(dt * A[h])
                for p in 0..<P {
                    let xi = ((b * len + t) * H + h) * P + p
                    var acc = 0.0
                    for k in 0..<N {
                        let bc = ((b * len + t) * G + g) * N + k
                        s[p * N + k] = decay * s[p * N + k] + dt * x[xi] * B[bc]
                        acc += s[p * N + k] * C[bc]
                    }
                    if let D { acc += (v.dHasHdim ? D[h * P + p] : D[h]) * x[xi] }
                    if let z { acc *= MambaKit.silu(z[xi]) }
                    y[xi] = acc
                }
            }
            for i in 0..<(P * N) { state[(b * H + h) * P * N + i] = s[i] }
        }
    }
    return (y, state)
}

private let variants: [SSDVariant] = [
    .init(batch: 1, len: 1, heads: 1, headdim: 1, n: 1, groups: 1, seed: 41),
    .init(batch: 2, len: 7, heads: 4, headdim: 3, n: 5, groups: 2, hasZ: true, seed: 42),
    .init(batch: 3, len: 9, heads: 6, headdim: 2, n: 3, groups: 3, dHasHdim: true, hasInit: true, seed: 43),
    .init(batch: 1, len: 17, heads: 2, headdim: 4, n: 2, groups: 1, hasD: false, hasInit: true, hasDtBias: false, seed: 44),
    .init(batch: 2, len: 5, heads: 3, headdim: 2, n: 4, groups: 3, dHasHdim: true, hasZ: true, softplus: false, seed: 45),
]

@Test(arguments: variants)
func ssdModelMatchesReference(_ v: SSDVariant) throws {
    var rng = MambaKit.Random(seed: v.seed)
    var t = MambaKit.Tensors()
    t.add("x", [v.batch, v.len, v.heads, v.headdim], &rng)
    if v.softplus { t.add("dt", [v.batch, v.len, v.heads], &rng, -3, 1) } else { t.add("dt", [v.batch, v.len, v.heads], &rng, 0.05, 1) }
    t.add("B", [v.batch, v.len, v.groups, v.n], &rng)
    t.add("C", [v.batch, v.len, v.groups, v.n], &rng)
    if v.hasZ { t.add("z", [v.batch, v.len, v.heads, v.headdim], &rng) }
    if v.hasInit { t.add("initial_states", [v.batch, v.heads, v.headdim, v.n], &rng) }
    var w = MambaKit.Tensors()
    w.add("A", [v.heads], &rng, -2, -0.1)
    if v.hasD { w.add("D", v.dHasHdim ? [v.heads, v.headdim] : [v.heads], &rng) }
    if v.hasDtBias { w.add("dt_bias", [v.heads], &rng, -1, 0.5) }

    let params: [String: ParameterValue] = [
        "nheads": .int(v.heads), "headdim": .int(v.headdim), "d_state": .int(v.n), "ngroups": .int(v.groups),
        "has_D": .bool(v.hasD), "D_has_hdim": .bool(v.dHasHdim), "has_z": .bool(v.hasZ),
        "has_initial_states": .bool(v.hasInit), "has_dt_bias": .bool(v.hasDtBias), "dt_softplus": .bool(v.softplus),
    ]
    let out = try MambaKit.run("ssd", params, inputs: t.tensors, weights: w.tensors)
    let ref = ssdReference(
        v, x: t["x"], dt: t["dt"], B: t["B"], C: t["C"], A: w["A"], D: w.optional("D"), dtBias: w.optional("dt_bias"),
        z: t.optional("z"), h0: t.optional("initial_states"))

    #expect(out["y"]!.shape == [v.batch, v.len, v.heads, v.headdim])
    #expect(out["ssm_state"]!.shape == [v.batch, v.heads, v.headdim, v.n])
    // f64 on both sides: agreement to rounding.
    #expect(MambaKit.relativeError(out["y"]!.values, ref.y) <= 1e-9)
    #expect(MambaKit.relativeError(out["ssm_state"]!.values, ref.state) <= 1e-9)
}
