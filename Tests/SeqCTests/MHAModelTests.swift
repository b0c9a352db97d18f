// models/mha.seq against an independent reference written from mixers.md §a (mamba_ssm MHA without rotary/conv/mlp):
// in_proj with bias, q | k | v split (k of every kv head, then v), query head h reads kv head h // (H/Hkv), softmax of
// scale·q·k with the top-left causal mask, out_proj with bias — all as double loops.
import Foundation
import SeqC
import Testing



private func f32(_ shape: [Int], _ v: [Double]) throws -> Tensor { try Tensor(shape: shape, floats: v.map { Float($0) }) }


private struct Case: CustomStringConvertible, Sendable {
    var batch: Int, len: Int, embed: Int, heads: Int, kvHeads: Int, headDim: Int, causal: Bool
    var scale: Double, qkvBias: Bool, outBias: Bool, seed: UInt64
    var description: String { "B\(batch) L\(len) D\(embed) H\(heads)/\(kvHeads)x\(headDim) causal \(causal) scale \(scale)" }
}

// headDim 0 and kvHeads 0 leave the model's defaults (embed/heads and heads); scale 0 leaves 1/sqrt(head_dim).
private let cases: [Case] = [
    Case(batch: 1, len: 1, embed: 4, heads: 2, kvHeads: 0, headDim: 0, causal: true, scale: 0, qkvBias: true, outBias: true, seed: 1),
    Case(batch: 2, len: 7, embed: 12, heads: 3, kvHeads: 0, headDim: 0, causal: true, scale: 0, qkvBias: true, outBias: true, seed: 2),
    Case(batch: 3, len: 11, embed: 12, heads: 6, kvHeads: 2, headDim: 0, causal: false, scale: 0.3, qkvBias: true, outBias: true, seed: 3),
    Case(batch: 1, len: 9, embed: 8, heads: 4, kvHeads: 1, headDim: 5, causal: true, scale: 0, qkvBias: false, outBias: false, seed: 4),
    Case(batch: 2, len: 6, embed: 10, heads: 2, kvHeads: 2, headDim: 3, causal: false, scale: 0.7, qkvBias: false, outBias: true, seed: 5),
]

@Test(arguments: cases)
private func mhaModelMatchesReference(_ c: Case) throws {
    var model = try Model(contentsOf: modelPath("mha"))
    try model.setParameter("embed_dim", .int(c.embed))
    try model.setParameter("num_heads", .int(c.heads))
    try model.setParameter("num_heads_kv", .int(c.kvHeads))
    try model.setParameter("head_dim", .int(c.headDim))
    try model.setParameter("causal", .bool(c.causal))
    try model.setParameter("softmax_scale", .float(c.scale))
    try model.setParameter("qkv_proj_bias", .bool(c.qkvBias))
    try model.setParameter("out_proj_bias", .bool(c.outBias))

    let H = c.heads, G = c.kvHeads == 0 ? c.heads : c.kvHeads, d = c.headDim == 0 ? c.embed / c.heads : c.headDim
    let scale = c.scale > 0 ? c.scale : 1 / Double(d).squareRoot()
    let qkvDim = (H + 2 * G) * d
    var rng = SplitMix(state: c.seed)
    let x = rng.values(c.batch * c.len * c.embed)
    let wIn = rng.values(qkvDim * c.embed), bIn = rng.values(qkvDim)
    let wOut = rng.values(c.embed * H * d), bOut = rng.values(c.embed)
    var weights = ["in_proj.weight": try f32([qkvDim, c.embed], wIn), "out_proj.weight": try f32([c.embed, H * d], wOut)]
    if c.qkvBias { weights["in_proj.bias"] = try f32([qkvDim], bIn) }
    if c.outBias { weights["out_proj.bias"] = try f32([c.embed], bOut) }
    let out = try model.interpret(inputs: ["x": try f32([c.batch, c.len, c.embed], x)], weights: weights, precision: .f64)
    #expect(out["y"]!.shape == [c.batch, c.len, c.embed])

    let rows = c.batch * c.len
    let qkv = referenceLinear(x, wIn, c.qkvBias ? bIn : nil, rows: rows, inDim: c.embed, outDim: qkvDim)
    // Row r of qkv: q at h·d + e, k at H·d + g·d + e, v at (H + G)·d + g·d + e.
    var context = [Double](repeating: 0, count: rows * H * d)
    for b in 0..<c.batch {
        for h in 0..<H {
            let g = h / (H / G)
            for i in 0..<c.len {
                let visible = c.causal ? i + 1 : c.len
                var s = [Double](repeating: 0, count: visible)
                for j in 0..<visible {
                    for e in 0..<d { s[j] += qkv[(b * c.len + i) * qkvDim + h * d + e] * qkv[(b * c.len + j) * qkvDim + (H + g) * d + e] }
                    s[j] *= scale
                }
                let m = s.max()!
                let p = s.map { exp($0 - m) }
                let z = p.reduce(0, +)
                for e in 0..<d {
                    var acc = 0.0
                    for j in 0..<visible { acc += p[j] / z * qkv[(b * c.len + j) * qkvDim + (H + G + g) * d + e] }
                    context[(b * c.len + i) * H * d + h * d + e] = acc
                }
            }
        }
    }
    let expected = referenceLinear(context, wOut, c.outBias ? bOut : nil, rows: rows, inDim: H * d, outDim: c.embed)
    // Both in double: only summation order differs, about 1e-15 of the output's scale.
    let y = out["y"]!.doubles()
    let scaleY = expected.map(abs).max()!
    let err = zip(y, expected).map { abs($0 - $1) }.max()!
    #expect(err <= 1e-9 * scaleY, "\(c): max error \(err) (scale \(scaleY))")
}
