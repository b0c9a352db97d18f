// models/selective_scan.seq against mamba_ssm's selective_scan_ref written directly in double (mixers.md §d.1), for
// every variant the model supports: shared or grouped B/C, with and without D, z, delta_bias and softplus.
import Foundation
import SeqC
import Testing

/// One configuration of the scan.
struct SelectiveScanVariant: CustomStringConvertible, Sendable {
    var batch: Int, dim: Int, n: Int, len: Int
    var groups: Int? = nil  // nil: B/C shared (B, N, L); else grouped (B, G, N, L)
    var hasD = true, hasZ = true, hasBias = true, softplus = true
    var seed: UInt64

    var description: String {
        "b\(batch) d\(dim) n\(n) L\(len) \(groups.map { "G\($0)" } ?? "shared") D:\(hasD) z:\(hasZ) bias:\(hasBias) sp:\(softplus)"
    }
}

/// selective_scan_ref in the kernel's layout (batch, channel, time); B/C of group g = d / (dim / G).
private func selectiveScanReference(_ v: SelectiveScanVariant, _ t: MambaKit.Tensors) -> (y: [Double], state: [Double]) {
    let (batch, dim, n, len) = (v.batch, v.dim, v.n, v.len)
    let groups = v.groups ?? 1
    let (u, delta, A, B, C) = (t["u"], t["delta"], t["A"], t["B"], t["C"])
    var y = [Double](repeating: 0, count: batch * dim * len)
    var state = [Double](repeating: 0, count: batch * dim * n)
    for b in 0..<batch {
        for d in 0..<dim {
            let g = d / (dim / groups)
            var h = [Double](repeating: 0, count: n)
            for s in 0..<len {
                let i = (b * dim + d) * len + s
                var dt = delta[i] + (v.hasBias ? t["delta_bias"][d] : 0)
                if v.softplus { dt = MambaKit.softplus(dt) }
                var acc = 0.0
                for k in 0..<n {
                    let bc = ((b * groups + g) * n + k) * len + s
                    h[k] = exp(dt * A[d * n + k]) * h[k] + dt * B[bc] * u[i]
                    acc += h[k] * C[bc]
                }
                if v.hasD { acc += t["D"][d] * u[i] }
                if v.hasZ { acc *= MambaKit.silu(t["z"][i]) }
                y[i] = acc
            }
            for k in 0..<n { state[(b * dim + d) * n + k] = h[k] }
        }
    }
    return (y, state)
}

private let variants: [SelectiveScanVariant] = [
    .init(batch: 1, dim: 1, n: 1, len: 1, seed: 11),
    .init(batch: 2, dim: 3, n: 5, len: 7, hasD: false, hasZ: false, hasBias: false, softplus: false, seed: 12),
    .init(batch: 3, dim: 6, n: 4, len: 9, groups: 3, seed: 13),
    .init(batch: 2, dim: 8, n: 2, len: 1, groups: 2, hasZ: false, softplus: false, seed: 14),
    .init(batch: 1, dim: 4, n: 3, len: 13, groups: 1, hasD: false, hasBias: false, seed: 15),
    .init(batch: 2, dim: 5, n: 3, len: 20, groups: 5, hasD: true, hasZ: true, hasBias: false, seed: 16),
]

@Test(arguments: variants)
func selectiveScanModelMatchesReference(_ v: SelectiveScanVariant) throws {
    var rng = MambaKit.Random(seed: v.seed)
    var t = MambaKit.Tensors()
    let bcShape = v.groups.map { [v.batch, $0, v.n, v.len] } ?? [v.batch, v.n, v.len]
    t.add("u", [v.batch, v.dim, v.len], &rng)
    // Raw Δ: around zero before softplus; already positive without it.
    if v.softplus { t.add("delta", [v.batch, v.dim, v.len], &rng, -3, 1) } else { t.add("delta", [v.batch, v.dim, v.len], &rng, 0.05, 1) }
    t.add("B", bcShape, &rng)
    t.add("C", bcShape, &rng)
    if v.hasZ { t.add("z", [v.batch, v.dim, v.len], &rng) }
    var w = MambaKit.Tensors()
    w.add("A", [v.dim, v.n], &rng, -2, -0.1)
    if v.hasD { w.add("D", [v.dim], &rng) }
    if v.hasBias { w.add("delta_bias", [v.dim], &rng, -1, 0.5) }
    var all = t
    all.values.merge(w.values) { a, _ in a }

    var params: [String: ParameterValue] = [
        "dim": .int(v.dim), "d_state": .int(v.n), "has_D": .bool(v.hasD), "has_z": .bool(v.hasZ),
        "has_delta_bias": .bool(v.hasBias), "delta_softplus": .bool(v.softplus),
    ]
    if let g = v.groups { params["bc_layout"] = .string("grouped"); params["ngroups"] = .int(g) }
    let out = try MambaKit.run("selective_scan", params, inputs: t.tensors, weights: w.tensors)
    let ref = selectiveScanReference(v, all)

    // The f64 interpreter performs the reference's operations up to association order: agreement to ~1e-15.
    #expect(out["y"]!.shape == [v.batch, v.dim, v.len])
    #expect(out["ssm_state"]!.shape == [v.batch, v.dim, v.n])
    #expect(MambaKit.relativeError(out["y"]!.values, ref.y) <= 1e-9)
    #expect(MambaKit.relativeError(out["ssm_state"]!.values, ref.state) <= 1e-9)
}
