// models/hydra_block.seq against an independent reference written from mixers.md §f (goombalab Hydra.forward,
// use_mem_eff_path=False), as double loops: in_proj, "same"-padded depthwise conv + silu, the split, softplus with
// ONE dt_bias, two SSD recurrences (forward over t = 0…L-1, backward over t = L-1…0, from the same initial state),
// each shifted by one step, the data-dependent diagonal x ⊙ (x fc_Dᵀ + D), gated RMSNorm, out_proj.
import Foundation
import SeqC
import Testing



private func f32(_ shape: [Int], _ v: [Double]) throws -> Tensor { try Tensor(shape: shape, floats: v.map { Float($0) }) }


private func softplus(_ x: Double) -> Double { x > 20 ? x : log1p(exp(x)) }
private func silu(_ x: Double) -> Double { x / (1 + exp(-x)) }

private struct Case: CustomStringConvertible, Sendable {
    var batch: Int, len: Int, dModel: Int, expand: Int, headdim: Int, ngroups: Int, dState: Int, dConv: Int
    var bias = false, convBias = true, dtSoftplus = true, normBeforeGate = true, groupSize = 0, initStates = false
    var seed: UInt64
    var description: String {
        "B\(batch) L\(len) d\(dModel)x\(expand) P\(headdim) G\(ngroups) N\(dState) K\(dConv) bias \(bias) conv_bias \(convBias) "
            + "softplus \(dtSoftplus) nbg \(normBeforeGate) gs \(groupSize) init \(initStates)"
    }
}

private let cases: [Case] = [
    Case(batch: 1, len: 1, dModel: 2, expand: 2, headdim: 2, ngroups: 1, dState: 1, dConv: 3, seed: 1),
    Case(batch: 2, len: 2, dModel: 4, expand: 2, headdim: 4, ngroups: 1, dState: 3, dConv: 5, seed: 2),
    Case(batch: 2, len: 13, dModel: 6, expand: 2, headdim: 3, ngroups: 1, dState: 4, dConv: 7, seed: 3),
    Case(batch: 1, len: 9, dModel: 8, expand: 1, headdim: 2, ngroups: 2, dState: 3, dConv: 3, seed: 4),
    Case(batch: 3, len: 6, dModel: 4, expand: 2, headdim: 2, ngroups: 4, dState: 2, dConv: 5, bias: true, convBias: false,
         seed: 5),
    Case(batch: 1, len: 11, dModel: 6, expand: 2, headdim: 4, ngroups: 1, dState: 5, dConv: 3, dtSoftplus: false,
         normBeforeGate: false, groupSize: 4, seed: 6),
    Case(batch: 2, len: 7, dModel: 4, expand: 2, headdim: 2, ngroups: 2, dState: 3, dConv: 3, initStates: true, seed: 7),
]

@Test(arguments: cases)
private func hydraBlockModelMatchesReference(_ c: Case) throws {
    let di = c.expand * c.dModel, H = di / c.headdim, P = c.headdim, G = c.ngroups, N = c.dState, K = c.dConv, L = c.len
    let gn = G * N, convDim = di + 4 * gn, projDim = 2 * di + 4 * gn + 2 * H
    var model = try Model(contentsOf: modelPath("hydra_block"))
    for (name, value) in [("d_model", c.dModel), ("expand", c.expand), ("headdim", c.headdim), ("ngroups", c.ngroups),
                          ("d_state", c.dState), ("d_conv", c.dConv), ("rmsnorm_group_size", c.groupSize)] {
        try model.setParameter(name, .int(value))
    }
    for (name, value) in [("bias", c.bias), ("conv_bias", c.convBias), ("dt_softplus", c.dtSoftplus),
                          ("norm_before_gate", c.normBeforeGate), ("learnable_init_states", c.initStates)] {
        try model.setParameter(name, .bool(value))
    }

    var rng = SplitMix(state: c.seed)
    let x = rng.values(c.batch * L * c.dModel)
    let wIn = rng.values(projDim * c.dModel), bIn = rng.values(projDim)
    let wConv = rng.values(convDim * K), bConv = rng.values(convDim)
    let dtBias = rng.values(H, -1, 0.5), aLog = rng.values(H, -1, 1), D = rng.values(H)
    let fcD = rng.values(H * di, -0.5, 0.5), normW = rng.values(di, 0.5, 1.5)
    let wOut = rng.values(c.dModel * di), bOut = rng.values(c.dModel)
    let h0 = rng.values(H * P * N)
    var weights: [String: Tensor] = [
        "in_proj.weight": try f32([projDim, c.dModel], wIn), "conv1d.weight": try f32([convDim, 1, K], wConv),
        "dt_bias": try f32([H], dtBias), "A_log": try f32([H], aLog), "D": try f32([H], D),
        "fc_D.weight": try f32([H, di], fcD), "norm.weight": try f32([di], normW),
        "out_proj.weight": try f32([c.dModel, di], wOut),
    ]
    if c.bias {
        weights["in_proj.bias"] = try f32([projDim], bIn)
        weights["out_proj.bias"] = try f32([c.dModel], bOut)
    }
    if c.convBias { weights["conv1d.bias"] = try f32([convDim], bConv) }
    if c.initStates { weights["init_states"] = try f32([H, P, N], h0) }
    let out = try model.interpret(inputs: ["x": try f32([c.batch, L, c.dModel], x)], weights: weights, precision: .f64)
    #expect(out["y"]!.shape == [c.batch, L, c.dModel])

    // The reference, one sequence at a time.
    let A = aLog.map { -exp($0) }
    var expected: [Double] = []
    for b in 0..<c.batch {
        let u = Array(x[(b * L * c.dModel)..<((b + 1) * L * c.dModel)])
        let proj = referenceLinear(u, wIn, c.bias ? bIn : nil, rows: L, inDim: c.dModel, outDim: projDim)
        // "same" depthwise conv (a cross-correlation, K/2 zeros each side) and silu over the xBC channels.
        var xBC = [Double](repeating: 0, count: L * convDim)
        for ch in 0..<convDim {
            for t in 0..<L {
                var acc = c.convBias ? bConv[ch] : 0
                for k in 0..<K {
                    let s = t - K / 2 + k
                    if s >= 0 && s < L { acc += wConv[ch * K + k] * proj[s * projDim + di + ch] }
                }
                xBC[t * convDim + ch] = silu(acc)
            }
        }
        func xv(_ t: Int, _ h: Int, _ p: Int) -> Double { xBC[t * convDim + h * P + p] }
        // B_fw | C_fw | B_bw | C_bw, each G·N wide after x; head h reads group h / (H/G).
        func bc(_ part: Int, _ t: Int, _ h: Int, _ n: Int) -> Double { xBC[t * convDim + di + part * gn + (h / (H / G)) * N + n] }
        func dt(_ dir: Int, _ t: Int, _ h: Int) -> Double {
            let v = proj[t * projDim + 2 * di + 4 * gn + dir * H + h] + dtBias[h]
            return c.dtSoftplus ? softplus(v) : v
        }
        // The two SSDs: state_t = exp(dt_t A) state + dt_t B_t x_t, out_t = C_t · state_t.
        var yf = [Double](repeating: 0, count: L * H * P), yb = yf
        for h in 0..<H {
            for dir in 0..<2 {
                var state = [Double](repeating: 0, count: P * N)
                if c.initStates { for i in 0..<(P * N) { state[i] = h0[h * P * N + i] } }
                for t in (dir == 0 ? Array(0..<L) : Array((0..<L).reversed())) {
                    let d = dt(dir, t, h), a = exp(d * A[h])
                    for p in 0..<P {
                        var acc = 0.0
                        for n in 0..<N {
                            state[p * N + n] = a * state[p * N + n] + d * bc(2 * dir, t, h, n) * xv(t, h, p)
                            acc += bc(2 * dir + 1, t, h, n) * state[p * N + n]
                        }
                        if dir == 0 { yf[(t * H + h) * P + p] = acc } else { yb[(t * H + h) * P + p] = acc }
                    }
                }
            }
        }
        // Shifted by one step each way, plus the diagonal x ⊙ (x · fc_D[h] + D[h]).
        var y = [Double](repeating: 0, count: L * di)
        for t in 0..<L {
            for h in 0..<H {
                var diag = D[h]
                for ch in 0..<di { diag += xBC[t * convDim + ch] * fcD[h * di + ch] }
                for p in 0..<P {
                    var v = xv(t, h, p) * diag
                    if t >= 1 { v += yf[((t - 1) * H + h) * P + p] }
                    if t + 1 < L { v += yb[((t + 1) * H + h) * P + p] }
                    y[t * di + h * P + p] = v
                }
            }
        }
        // Gated RMSNorm (eps 1e-5) over groups of gs channels, then out_proj.
        let gs = c.groupSize == 0 ? di : c.groupSize
        var normed = [Double](repeating: 0, count: L * di)
        for t in 0..<L {
            let gate = (0..<di).map { silu(proj[t * projDim + $0]) }
            let v = (0..<di).map { c.normBeforeGate ? y[t * di + $0] : y[t * di + $0] * gate[$0] }
            for g in 0..<(di / gs) {
                let ms = (0..<gs).map { v[g * gs + $0] * v[g * gs + $0] }.reduce(0, +) / Double(gs)
                for i in (g * gs)..<((g + 1) * gs) {
                    normed[t * di + i] = v[i] / (ms + 1e-5).squareRoot() * normW[i] * (c.normBeforeGate ? gate[i] : 1)
                }
            }
        }
        expected += referenceLinear(normed, wOut, c.bias ? bOut : nil, rows: L, inDim: di, outDim: c.dModel)
    }
    // Both in double; only summation order differs (about 1e-15 of the output's scale).
    let y = out["y"]!.doubles()
    let scale = expected.map(abs).max()!
    let err = zip(y, expected).map { abs($0 - $1) }.max()!
    #expect(err <= 1e-9 * scale, "\(c): max error \(err) (scale \(scale))")
}

@Test private func hydraWeightsFollowTheFlags() throws {
    var model = try Model(contentsOf: modelPath("hydra_block"))
    let plain = Set(try model.graph().params.map(\.name))
    #expect(plain == ["in_proj.weight", "conv1d.weight", "conv1d.bias", "dt_bias", "A_log", "D", "fc_D.weight", "norm.weight",
                      "out_proj.weight"])
    try model.setParameter("learnable_init_states", .bool(true))
    try model.setParameter("bias", .bool(true))
    try model.setParameter("conv_bias", .bool(false))
    let all = Set(try model.graph().params.map(\.name))
    #expect(all == plain.subtracting(["conv1d.bias"]).union(["in_proj.bias", "out_proj.bias", "init_states"]))
}
