// models/linear_attention.seq against an independent reference written from mixers.md §b: the quadratic form
// y_i = Σ_{j∈S(i)} (φ(q_i)·φ(k_j)) v_j / (φ(q_i) · Σ_{j∈S(i)} φ(k_j) + eps) with φ = elu + 1, as double loops.
import Foundation
import SeqC
import Testing



private func f32(_ shape: [Int], _ v: [Double]) throws -> Tensor { try Tensor(shape: shape, floats: v.map { Float($0) }) }

private struct Case: CustomStringConvertible, Sendable {
    var batch: Int, len: Int, heads: Int, dk: Int, dv: Int, causal: Bool, normalize: Bool, eps: Double, seed: UInt64
    var description: String { "B\(batch) L\(len) H\(heads) dk\(dk) dv\(dv) causal \(causal) normalize \(normalize)" }
}

private let cases: [Case] = [
    Case(batch: 1, len: 1, heads: 1, dk: 1, dv: 1, causal: true, normalize: true, eps: 1e-6, seed: 1),
    Case(batch: 3, len: 9, heads: 2, dk: 5, dv: 3, causal: true, normalize: true, eps: 1e-6, seed: 2),
    Case(batch: 2, len: 17, heads: 3, dk: 4, dv: 6, causal: false, normalize: true, eps: 1e-6, seed: 3),
    Case(batch: 1, len: 8, heads: 2, dk: 3, dv: 2, causal: true, normalize: false, eps: 1e-6, seed: 4),
    Case(batch: 2, len: 5, heads: 1, dk: 2, dv: 4, causal: false, normalize: false, eps: 1e-6, seed: 5),
    Case(batch: 1, len: 6, heads: 2, dk: 3, dv: 3, causal: true, normalize: true, eps: 0.5, seed: 6),
]

@Test(arguments: cases)
private func linearAttentionModelMatchesReference(_ c: Case) throws {
    var model = try Model(contentsOf: modelPath("linear_attention"))
    try model.setParameter("num_heads", .int(c.heads))
    try model.setParameter("dk", .int(c.dk))
    try model.setParameter("dv", .int(c.dv))
    try model.setParameter("causal", .bool(c.causal))
    try model.setParameter("normalize", .bool(c.normalize))
    try model.setParameter("eps", .float(c.eps))

    var rng = SplitMix(state: c.seed)
    let q = rng.values(c.batch * c.len * c.heads * c.dk, -2, 2)
    let k = rng.values(c.batch * c.len * c.heads * c.dk, -2, 2)
    let v = rng.values(c.batch * c.len * c.heads * c.dv)
    let out = try model.interpret(
        inputs: [
            "q": try f32([c.batch, c.len, c.heads, c.dk], q), "k": try f32([c.batch, c.len, c.heads, c.dk], k),
            "v": try f32([c.batch, c.len, c.heads, c.dv], v),
        ], weights: [:], precision: .f64)
    #expect(out["y"]!.shape == [c.batch, c.len, c.heads, c.dv])
    let y = out["y"]!.doubles()

    func phi(_ x: Double) -> Double { x > 0 ? x + 1 : exp(x) }   // elu(x) + 1
    var expected = [Double](repeating: 0, count: y.count)
    for b in 0..<c.batch {
        for h in 0..<c.heads {
            for i in 0..<c.len {
                var num = [Double](repeating: 0, count: c.dv), den = c.eps
                for j in 0..<(c.causal ? i + 1 : c.len) {
                    var s = 0.0
                    for e in 0..<c.dk {
                        s += phi(q[((b * c.len + i) * c.heads + h) * c.dk + e]) * phi(k[((b * c.len + j) * c.heads + h) * c.dk + e])
                    }
                    den += s
                    for f in 0..<c.dv { num[f] += s * v[((b * c.len + j) * c.heads + h) * c.dv + f] }
                }
                for f in 0..<c.dv { expected[((b * c.len + i) * c.heads + h) * c.dv + f] = c.normalize ? num[f] / den : num[f] }
            }
        }
    }
    // Both in double; the model's running-state sums and the reference's pairwise sums differ only by rounding.
    let scale = expected.map(abs).max()!
    let err = zip(y, expected).map { abs($0 - $1) }.max()!
    #expect(err <= 1e-9 * scale, "\(c): max error \(err) (scale \(scale))")
}

@Test private func linearAttentionRejectsOtherFeatureMaps() throws {
    var model = try Model(contentsOf: modelPath("linear_attention"))
    #expect(throws: SeqCError.self) { try model.setParameter("feature_map", .string("relu")) }
}
