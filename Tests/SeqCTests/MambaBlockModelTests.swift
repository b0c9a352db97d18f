// models/mamba_block.seq against the Mamba mixer (mamba_ssm Mamba.forward, non-fused path) written directly in
// double from mixers.md §d.2: sizes unlike the golden case, L = 1 and odd lengths, L shorter than d_conv (the conv
// state is then zero-padded), and the bias / conv_bias / delta_softplus variants.
import Foundation
import SeqC
import Testing

struct MambaMixerConfig: CustomStringConvertible, Sendable {
    var dModel: Int, dState: Int, dConv: Int, expand: Int, dtRank: Int
    var bias = false, convBias = true, softplus = true
    var dInner: Int { expand * dModel }

    var description: String {
        "d\(dModel) N\(dState) K\(dConv) e\(expand) R\(dtRank) bias:\(bias) conv_bias:\(convBias) sp:\(softplus)"
    }

    var parameters: [String: ParameterValue] {
        [
            "d_model": .int(dModel), "d_state": .int(dState), "d_conv": .int(dConv), "expand": .int(expand),
            "dt_rank": .int(dtRank), "bias": .bool(bias), "conv_bias": .bool(convBias), "delta_softplus": .bool(softplus),
        ]
    }

    /// Random weights under `prefix` with the module's names.
    func addWeights(_ w: inout MambaKit.Tensors, prefix: String, _ rng: inout MambaKit.Random) {
        let (d, di, n, r) = (dModel, dInner, dState, dtRank)
        w.add(prefix + "in_proj.weight", [2 * di, d], &rng, -0.5, 0.5)
        if bias { w.add(prefix + "in_proj.bias", [2 * di], &rng, -0.2, 0.2) }
        w.add(prefix + "conv1d.weight", [di, 1, dConv], &rng, -0.5, 0.5)
        if convBias { w.add(prefix + "conv1d.bias", [di], &rng, -0.2, 0.2) }
        w.add(prefix + "x_proj.weight", [r + 2 * n, di], &rng, -0.5, 0.5)
        w.add(prefix + "dt_proj.weight", [di, r], &rng, -0.5, 0.5)
        // Without softplus Δ must come out positive by itself: a bias well above the projection's range.
        if softplus { w.add(prefix + "dt_proj.bias", [di], &rng, -3, -1) } else { w.add(prefix + "dt_proj.bias", [di], &rng, 1.5, 2) }
        w.add(prefix + "A_log", [di, n], &rng, -1, 1)
        w.add(prefix + "D", [di], &rng)
        w.add(prefix + "out_proj.weight", [d, di], &rng, -0.5, 0.5)
        if bias { w.add(prefix + "out_proj.bias", [d], &rng, -0.2, 0.2) }
    }
}

/// The Mamba mixer on one sequence x [L, d_model]: output [L, d_model], conv state [d_inner, d_conv], ssm state
/// [d_inner, d_state].
func mambaMixerReference(
    _ c: MambaMixerConfig, _ w: MambaKit.Tensors, prefix: String, x: [Double], len: Int
) -> (y: [Double], convState: [Double], ssmState: [Double]) {
    let (d, di, n, r, k) = (c.dModel, c.dInner, c.dState, c.dtRank, c.dConv)
    func p(_ name: String) -> [Double] { w[prefix + name] }
    func opt(_ name: String) -> [Double]? { w.optional(prefix + name) }
    let xz = MambaKit.linear(x, rows: len, p("in_proj.weight"), nOut: 2 * di, nIn: d, bias: opt("in_proj.bias"))
    var xs = [Double](repeating: 0, count: len * di), z = xs
    for t in 0..<len {
        for i in 0..<di {
            xs[t * di + i] = xz[t * 2 * di + i]
            z[t * di + i] = xz[t * 2 * di + di + i]
        }
    }
    let convState = MambaKit.convState(xs, len: len, channels: di, k: k)
    let u = MambaKit.causalConv(xs, len: len, channels: di, p("conv1d.weight"), k: k, bias: opt("conv1d.bias")).map(MambaKit.silu)
    let xdbl = MambaKit.linear(u, rows: len, p("x_proj.weight"), nOut: r + 2 * n, nIn: di)
    var dtLow = [Double](repeating: 0, count: len * r)
    for t in 0..<len { for j in 0..<r { dtLow[t * r + j] = xdbl[t * (r + 2 * n) + j] } }
    var dt = MambaKit.linear(dtLow, rows: len, p("dt_proj.weight"), nOut: di, nIn: r, bias: p("dt_proj.bias"))
    if c.softplus { dt = dt.map(MambaKit.softplus) }
    let A = p("A_log").map { -exp($0) }
    let D = p("D")
    var y = [Double](repeating: 0, count: len * di)
    var h = [Double](repeating: 0, count: di * n)
    for t in 0..<len {
        for i in 0..<di {
            var acc = 0.0
            for s in 0..<n {
                let B = xdbl[t * (r + 2 * n) + r + s], C = xdbl[t * (r + 2 * n) + r + n + s]
                h[i * n + s] = exp(dt[t * di + i] * A[i * n + s]) * h[i * n + s] + dt[t * di + i] * B * u[t * di + i]
                acc += h[i * n + s] * C
            }
            y[t * di + i] = (acc + D[i] * u[t * di + i]) * MambaKit.silu(z[t * di + i])
        }
    }
    let out = MambaKit.linear(y, rows: len, p("out_proj.weight"), nOut: d, nIn: di, bias: opt("out_proj.bias"))
    return (out, convState, h)
}

private let cases: [(MambaMixerConfig, batch: Int, len: Int, seed: UInt64)] = [
    (MambaMixerConfig(dModel: 3, dState: 2, dConv: 4, expand: 2, dtRank: 1), 1, 1, 21),
    (MambaMixerConfig(dModel: 5, dState: 3, dConv: 3, expand: 1, dtRank: 2, bias: true, convBias: false), 2, 7, 22),
    (MambaMixerConfig(dModel: 4, dState: 4, dConv: 2, expand: 2, dtRank: 1, softplus: false), 3, 11, 23),
    (MambaMixerConfig(dModel: 6, dState: 5, dConv: 4, expand: 2, dtRank: 3, bias: true), 2, 3, 24),
]

@Test(arguments: cases)
func mambaBlockModelMatchesReference(_ c: MambaMixerConfig, batch: Int, len: Int, seed: UInt64) throws {
    var rng = MambaKit.Random(seed: seed)
    var w = MambaKit.Tensors()
    c.addWeights(&w, prefix: "", &rng)
    var t = MambaKit.Tensors()
    t.add("x", [batch, len, c.dModel], &rng)
    let out = try MambaKit.run("mamba_block", c.parameters, inputs: t.tensors, weights: w.tensors)

    var y: [Double] = [], conv: [Double] = [], ssm: [Double] = []
    for b in 0..<batch {
        let x = Array(t["x"][(b * len * c.dModel)..<((b + 1) * len * c.dModel)])
        let r = mambaMixerReference(c, w, prefix: "", x: x, len: len)
        y += r.y
        conv += r.convState
        ssm += r.ssmState
    }
    #expect(out["y"]!.shape == [batch, len, c.dModel])
    #expect(out["conv_state"]!.shape == [batch, c.dInner, c.dConv])
    #expect(out["ssm_state"]!.shape == [batch, c.dInner, c.dState])
    // f64 throughout on both sides: only association order differs (≈1e-15 relative).
    #expect(MambaKit.relativeError(out["y"]!.values, y) <= 1e-9)
    #expect(MambaKit.relativeError(out["conv_state"]!.values, conv) <= 1e-9)
    #expect(MambaKit.relativeError(out["ssm_state"]!.values, ssm) <= 1e-9)
}
