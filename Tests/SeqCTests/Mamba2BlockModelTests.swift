// models/mamba2_block.seq against the Mamba-2 mixer (mamba_ssm Mamba2.forward, non-fused path) written directly in
// double from mixers.md §e.3: in_proj split [z | xBC | dt], causal conv over xBC, several groups, D per head or per
// head and channel, gated RMSNorm (norm before or after the gate, group size d_inner / ngroups) or a plain z gate,
// biases on and off, L = 1 and odd lengths.
import Foundation
import SeqC
import Testing

struct Mamba2MixerConfig: CustomStringConvertible, Sendable {
    var dModel: Int, dState: Int, dConv: Int, expand: Int, headdim: Int, groups: Int
    var bias = false, convBias = true, softplus = true, dHasHdim = false, rmsnorm = true, normBeforeGate = false
    var dInner: Int { expand * dModel }
    var heads: Int { dInner / headdim }
    var convDim: Int { dInner + 2 * groups * dState }

    var description: String {
        "d\(dModel) N\(dState) K\(dConv) e\(expand) P\(headdim) G\(groups) bias:\(bias) conv_bias:\(convBias) sp:\(softplus) Dh:\(dHasHdim) norm:\(rmsnorm) before:\(normBeforeGate)"
    }

    var parameters: [String: ParameterValue] {
        [
            "d_model": .int(dModel), "d_state": .int(dState), "d_conv": .int(dConv), "expand": .int(expand),
            "headdim": .int(headdim), "ngroups": .int(groups), "bias": .bool(bias), "conv_bias": .bool(convBias),
            "dt_softplus": .bool(softplus), "D_has_hdim": .bool(dHasHdim), "rmsnorm": .bool(rmsnorm),
            "norm_before_gate": .bool(normBeforeGate),
        ]
    }

    func addWeights(_ w: inout MambaKit.Tensors, prefix: String, _ rng: inout MambaKit.Random) {
        let nProj = dInner + convDim + heads
        w.add(prefix + "in_proj.weight", [nProj, dModel], &rng, -0.5, 0.5)
        if bias { w.add(prefix + "in_proj.bias", [nProj], &rng, -0.2, 0.2) }
        w.add(prefix + "conv1d.weight", [convDim, 1, dConv], &rng, -0.5, 0.5)
        if convBias { w.add(prefix + "conv1d.bias", [convDim], &rng, -0.2, 0.2) }
        // Without softplus Δ must come out positive by itself: a bias well above the projection's range.
        if softplus { w.add(prefix + "dt_bias", [heads], &rng, -3, -1) } else { w.add(prefix + "dt_bias", [heads], &rng, 2, 3) }
        w.add(prefix + "A_log", [heads], &rng, -1, 1)
        w.add(prefix + "D", dHasHdim ? [heads, headdim] : [heads], &rng)
        if rmsnorm { w.add(prefix + "norm.weight", [dInner], &rng, 0.5, 1.5) }
        w.add(prefix + "out_proj.weight", [dModel, dInner], &rng, -0.5, 0.5)
        if bias { w.add(prefix + "out_proj.bias", [dModel], &rng, -0.2, 0.2) }
    }
}

/// The Mamba-2 mixer on one sequence x [L, d_model]: output [L, d_model], conv state [conv_dim, d_conv], SSD state
/// [H, P, N].
func mamba2MixerReference(
    _ c: Mamba2MixerConfig, _ w: MambaKit.Tensors, prefix: String, x: [Double], len: Int
) -> (y: [Double], convState: [Double], ssmState: [Double]) {
    let (d, di, n, G, H, P, cd) = (c.dModel, c.dInner, c.dState, c.groups, c.heads, c.headdim, c.convDim)
    func p(_ name: String) -> [Double] { w[prefix + name] }
    func opt(_ name: String) -> [Double]? { w.optional(prefix + name) }
    let nProj = di + cd + H
    let proj = MambaKit.linear(x, rows: len, p("in_proj.weight"), nOut: nProj, nIn: d, bias: opt("in_proj.bias"))
    var z = [Double](repeating: 0, count: len * di), xBC = [Double](repeating: 0, count: len * cd)
    var dtRaw = [Double](repeating: 0, count: len * H)
    for t in 0..<len {
        for i in 0..<di { z[t * di + i] = proj[t * nProj + i] }
        for i in 0..<cd { xBC[t * cd + i] = proj[t * nProj + di + i] }
        for h in 0..<H { dtRaw[t * H + h] = proj[t * nProj + di + cd + h] }
    }
    let convState = MambaKit.convState(xBC, len: len, channels: cd, k: c.dConv)
    let act = MambaKit.causalConv(xBC, len: len, channels: cd, p("conv1d.weight"), k: c.dConv, bias: opt("conv1d.bias")).map(MambaKit.silu)
    // Split x [L, H, P], B and C [L, G, N] out of the convolved channels.
    var xs = [Double](repeating: 0, count: len * di)
    var B = [Double](repeating: 0, count: len * G * n), C = B
    for t in 0..<len {
        for i in 0..<di { xs[t * di + i] = act[t * cd + i] }
        for i in 0..<(G * n) {
            B[t * G * n + i] = act[t * cd + di + i]
            C[t * G * n + i] = act[t * cd + di + G * n + i]
        }
    }
    let v = SSDVariant(
        batch: 1, len: len, heads: H, headdim: P, n: n, groups: G, dHasHdim: c.dHasHdim, softplus: c.softplus, seed: 0)
    let ssd = ssdReference(
        v, x: xs, dt: dtRaw, B: B, C: C, A: p("A_log").map { -exp($0) }, D: p("D"), dtBias: p("dt_bias"), z: nil, h0: nil)
    // Gate, with or without the grouped RMSNorm.
    var y = ssd.y
    if c.rmsnorm {
        if c.normBeforeGate {
            y = MambaKit.rmsnorm(y, rows: len, d: di, p("norm.weight"), eps: 1e-5, group: di / G)
            y = zip(y, z).map { $0 * MambaKit.silu($1) }
        } else {
            y = zip(y, z).map { $0 * MambaKit.silu($1) }
            y = MambaKit.rmsnorm(y, rows: len, d: di, p("norm.weight"), eps: 1e-5, group: di / G)
        }
    } else {
        y = zip(y, z).map { $0 * MambaKit.silu($1) }
    }
    let out = MambaKit.linear(y, rows: len, p("out_proj.weight"), nOut: d, nIn: di, bias: opt("out_proj.bias"))
    return (out, convState, ssd.state)
}

private let cases: [(Mamba2MixerConfig, batch: Int, len: Int, seed: UInt64)] = [
    (Mamba2MixerConfig(dModel: 4, dState: 3, dConv: 4, expand: 2, headdim: 4, groups: 1), 1, 1, 51),
    (Mamba2MixerConfig(dModel: 6, dState: 2, dConv: 3, expand: 2, headdim: 3, groups: 2, bias: true, dHasHdim: true), 2, 7, 52),
    (Mamba2MixerConfig(dModel: 4, dState: 4, dConv: 4, expand: 3, headdim: 2, groups: 3, convBias: false, normBeforeGate: true), 2, 9, 53),
    (Mamba2MixerConfig(dModel: 5, dState: 2, dConv: 2, expand: 2, headdim: 5, groups: 2, softplus: false, rmsnorm: false), 3, 5, 54),
]

@Test(arguments: cases)
func mamba2BlockModelMatchesReference(_ c: Mamba2MixerConfig, batch: Int, len: Int, seed: UInt64) throws {
    var rng = MambaKit.Random(seed: seed)
    var w = MambaKit.Tensors()
    c.addWeights(&w, prefix: "", &rng)
    var t = MambaKit.Tensors()
    t.add("x", [batch, len, c.dModel], &rng)
    let out = try MambaKit.run("mamba2_block", c.parameters, inputs: t.tensors, weights: w.tensors)

    var y: [Double] = [], conv: [Double] = [], ssm: [Double] = []
    for b in 0..<batch {
        let x = Array(t["x"][(b * len * c.dModel)..<((b + 1) * len * c.dModel)])
        let r = mamba2MixerReference(c, w, prefix: "", x: x, len: len)
        y += r.y
        conv += r.convState
        ssm += r.ssmState
    }
    #expect(out["y"]!.shape == [batch, len, c.dModel])
    #expect(out["ssm_state"]!.shape == [batch, c.heads, c.headdim, c.dState])
    #expect(out["conv_state"]!.shape == [batch, c.convDim, c.dConv])
    // f64 on both sides: agreement to rounding.
    #expect(MambaKit.relativeError(out["y"]!.values, y) <= 1e-9)
    #expect(MambaKit.relativeError(out["ssm_state"]!.values, ssm) <= 1e-9)
    #expect(MambaKit.relativeError(out["conv_state"]!.values, conv) <= 1e-9)
}
