// models/hyena.seq against a plain double-precision Hyena operator (safari HyenaOperator, mixers.md §h).
import Foundation
import SeqC
import Testing

private struct HyenaCase: CustomStringConvertible, Sendable {
    var batch = 2, d = 3, lMax = 16, L = 7, order = 2, width = 8, emb = 3, inner = 2, shortOrder = 3
    var modulate = true, shift = 0.0, normalized = false, layout = "vo", seed: UInt64 = 1
    var description: String { "B\(batch) d\(d) L\(L)/\(lMax) order \(order) \(layout) inner \(inner) mod \(modulate) norm \(normalized)" }
}

private let hyenaCases: [HyenaCase] = [
    HyenaCase(batch: 1, d: 1, lMax: 4, L: 1, seed: 21),
    HyenaCase(batch: 2, d: 3, lMax: 16, L: 7, seed: 22),
    HyenaCase(batch: 2, d: 4, lMax: 20, L: 20, order: 3, width: 6, emb: 5, inner: 1, shortOrder: 4, seed: 23),
    HyenaCase(batch: 3, d: 2, lMax: 12, L: 11, order: 4, layout: "od", seed: 24),
    HyenaCase(batch: 1, d: 5, lMax: 9, L: 9, order: 3, modulate: false, normalized: true, seed: 25),
    HyenaCase(batch: 2, d: 2, lMax: 10, L: 6, modulate: true, shift: 0.25, normalized: true, layout: "od", seed: 26),
]

/// x [b][l][i] → y [b][l][o], and the filters [order−1][d][L].
private func hyenaReference(_ xt: Tensor, _ w: [String: Tensor], _ c: HyenaCase) -> (y: [Double], filters: [Double]) {
    let x = xt.doubles(), d = c.d, L = c.L, width = (c.order + 1) * d, O = c.order - 1, K = c.shortOrder
    let Win = w["in_proj.weight"]!.doubles(), bin = w["in_proj.bias"]!.doubles()
    let Ws = w["short_filter.weight"]!.doubles(), bs = w["short_filter.bias"]!.doubles()
    let Wout = w["out_proj.weight"]!.doubles(), bout = w["out_proj.bias"]!.doubles()
    let bias = w["filter_fn.bias"]!.doubles()
    let h = referenceHyenaFilter(
        w, prefix: "filter_fn.", dF: d * O, emb: c.emb, width: c.width, inner: c.inner, lMax: c.lMax, length: L,
        modulate: c.modulate, shift: c.shift, normalized: c.normalized)
    // Filter channel of (order o, channel ch).
    func channel(_ o: Int, _ ch: Int) -> Int { c.layout == "vo" ? ch * O + o : o * d + ch }
    var y = [Double](repeating: 0, count: c.batch * L * d)
    for b in 0..<c.batch {
        // in_proj, then the causal depthwise conv: uc[ch][l].
        var z = [[Double]](repeating: [Double](repeating: 0, count: L), count: width)
        for ch in 0..<width {
            for l in 0..<L {
                var acc = bin[ch]
                for i in 0..<d { acc += Win[ch * d + i] * x[(b * L + l) * d + i] }
                z[ch][l] = acc
            }
        }
        var uc = z
        for ch in 0..<width {
            for l in 0..<L {
                var acc = bs[ch]
                for k in 0..<K where l - (K - 1) + k >= 0 { acc += Ws[ch * K + k] * z[ch][l - (K - 1) + k] }
                uc[ch][l] = acc
            }
        }
        var v = Array(uc[(c.order * d)..<((c.order + 1) * d)])
        for o in 0..<O {
            let gate = c.order - 1 - o
            for ch in 0..<d {
                let gated = (0..<L).map { v[ch][$0] * uc[gate * d + ch][$0] }
                let conv = referenceCausalConv((0..<L).map { h[$0][channel(o, ch)] }, gated)
                v[ch] = (0..<L).map { conv[$0] + bias[channel(o, ch)] * gated[$0] }
            }
        }
        for l in 0..<L {
            for o in 0..<d {
                var acc = bout[o]
                for ch in 0..<d { acc += Wout[o * d + ch] * v[ch][l] * uc[ch][l] }
                y[(b * L + l) * d + o] = acc
            }
        }
    }
    var filters: [Double] = []
    for o in 0..<O { for ch in 0..<d { for l in 0..<L { filters.append(h[l][channel(o, ch)]) } } }
    return (y, filters)
}

/// Hyena's weights for a case (filter_fn.* as HyenaFilter names them).
func hyenaFilterWeights(_ rng: inout KernelTestRandom, dF: Int, emb: Int, width: Int, inner: Int, lMax: Int) -> [String: Tensor] {
    var w: [String: Tensor] = [
        "filter_fn.bias": rng.tensor([dF]),
        "filter_fn.pos_emb.z": rng.tensor([1, lMax, emb]),
        "filter_fn.pos_emb.t": rng.tensor([1, lMax, 1], 0, 1),
        "filter_fn.modulation.deltas": rng.tensor([1, 1, dF], -10, -1),
        "filter_fn.implicit_filter.0.weight": rng.tensor([width, emb]),
        "filter_fn.implicit_filter.0.bias": rng.tensor([width]),
        "filter_fn.implicit_filter.\(2 * inner + 2).weight": rng.tensor([dF, width]),
    ]
    // One shared Sin frequency, repeated at every Sin position as in a state_dict.
    let freq = rng.tensor([1, width], 0.5, 2)
    for i in 0...inner { w["filter_fn.implicit_filter.\(2 * i + 1).freq"] = freq }
    for i in 0..<inner {
        w["filter_fn.implicit_filter.\(2 * i + 2).weight"] = rng.tensor([width, width], -0.5, 0.5)
        w["filter_fn.implicit_filter.\(2 * i + 2).bias"] = rng.tensor([width])
    }
    return w
}

@Test(arguments: hyenaCases)
private func hyenaModelMatchesReference(_ c: HyenaCase) throws {
    var rng = KernelTestRandom(seed: c.seed)
    let width = (c.order + 1) * c.d
    let x = rng.tensor([c.batch, c.L, c.d])
    var w = hyenaFilterWeights(&rng, dF: c.d * (c.order - 1), emb: c.emb, width: c.width, inner: c.inner, lMax: c.lMax)
    w["in_proj.weight"] = rng.tensor([width, c.d])
    w["in_proj.bias"] = rng.tensor([width])
    w["short_filter.weight"] = rng.tensor([width, 1, c.shortOrder])
    w["short_filter.bias"] = rng.tensor([width])
    w["out_proj.weight"] = rng.tensor([c.d, c.d])
    w["out_proj.bias"] = rng.tensor([c.d])
    let out = try runKernelModel(
        "hyena",
        [
            "d_model": .int(c.d), "l_max": .int(c.lMax), "order": .int(c.order), "filter_order": .int(c.width),
            "emb_dim": .int(c.emb), "num_inner_mlps": .int(c.inner), "short_filter_order": .int(c.shortOrder),
            "modulate": .bool(c.modulate), "modulation_shift": .float(c.shift), "normalized": .bool(c.normalized),
            "filter_layout": .string(c.layout),
        ],
        inputs: ["x": x], weights: w)
    let ref = hyenaReference(x, w, c)
    // Same maths in f64, summed in another order: rounding only.
    #expect(out["y"]!.shape == [c.batch, c.L, c.d])
    #expect(kernelRelativeError(out["y"]!.doubles(), ref.y) < 1e-9)
    #expect(out["filter"]!.shape == [c.order - 1, c.d, c.L])
    #expect(kernelRelativeError(out["filter"]!.doubles(), ref.filters) < 1e-9)
}
