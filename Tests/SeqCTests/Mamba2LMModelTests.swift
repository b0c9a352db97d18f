// models/mamba2_lm.seq against a Mamba-2 LM written directly in double from mixers.md §e.3–§e.4 (and §d.3 for the
// backbone): embedding, pre-norm residual Mamba-2 mixers (the reference of Mamba2BlockModelTests), final RMSNorm, LM
// head tied to the embedding or separate.
import Foundation
import SeqC
import Testing

private let cases: [(Mamba2MixerConfig, vocab: Int, layers: Int, tied: Bool, batch: Int, len: Int, seed: UInt64)] = [
    (Mamba2MixerConfig(dModel: 4, dState: 3, dConv: 4, expand: 2, headdim: 4, groups: 1), 10, 1, true, 1, 1, 61),
    (Mamba2MixerConfig(dModel: 6, dState: 2, dConv: 3, expand: 2, headdim: 3, groups: 2), 7, 3, false, 2, 6, 62),
    (Mamba2MixerConfig(dModel: 4, dState: 4, dConv: 4, expand: 2, headdim: 2, groups: 2, dHasHdim: true), 12, 2, true, 2, 9, 63),
]

@Test(arguments: cases)
func mamba2LMModelMatchesReference(
    _ c: Mamba2MixerConfig, vocab: Int, layers: Int, tied: Bool, batch: Int, len: Int, seed: UInt64
) throws {
    var rng = MambaKit.Random(seed: seed)
    var w = MambaKit.Tensors()
    w.add("backbone.embeddings.weight", [vocab, c.dModel], &rng)
    for i in 0..<layers {
        w.add("backbone.layers.\(i).norm.weight", [c.dModel], &rng, 0.5, 1.5)
        c.addWeights(&w, prefix: "backbone.layers.\(i).mixer.", &rng)
    }
    w.add("backbone.norm_f.weight", [c.dModel], &rng, 0.5, 1.5)
    if !tied { w.add("lm_head.weight", [vocab, c.dModel], &rng) }
    let ids = (0..<(batch * len)).map { _ in Int32(rng.int(below: vocab)) }
    let inputs = ["input_ids": try Tensor(shape: [batch, len], storage: .i32(ids))]

    var params = c.parameters
    params["vocab_size"] = .int(vocab)
    params["n_layer"] = .int(layers)
    params["tie_embeddings"] = .bool(tied)
    let out = try MambaKit.run("mamba2_lm", params, inputs: inputs, weights: w.tensors)

    let d = c.dModel, emb = w["backbone.embeddings.weight"]
    var logits: [Double] = []
    for b in 0..<batch {
        var h: [Double] = []
        for t in 0..<len { let id = Int(ids[b * len + t]); h += emb[(id * d)..<((id + 1) * d)] }
        for i in 0..<layers {
            let normed = MambaKit.rmsnorm(h, rows: len, d: d, w["backbone.layers.\(i).norm.weight"], eps: 1e-5)
            let y = mamba2MixerReference(c, w, prefix: "backbone.layers.\(i).mixer.", x: normed, len: len).y
            h = zip(h, y).map(+)
        }
        let hf = MambaKit.rmsnorm(h, rows: len, d: d, w["backbone.norm_f.weight"], eps: 1e-5)
        logits += MambaKit.linear(hf, rows: len, tied ? emb : w["lm_head.weight"], nOut: vocab, nIn: d)
    }
    #expect(out["logits"]!.shape == [batch, len, vocab])
    // f64 on both sides: agreement to rounding.
    #expect(MambaKit.relativeError(out["logits"]!.values, logits) <= 1e-9)
}
