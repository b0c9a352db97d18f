// models/mamba_lm.seq against a Mamba LM written directly in double from mixers.md §d.3: embedding, pre-norm residual
// mixers (the mixer reference of MambaBlockModelTests), final RMSNorm, LM head tied to the embedding or separate.
import Foundation
import SeqC
import Testing

private let cases: [(MambaMixerConfig, vocab: Int, layers: Int, tied: Bool, batch: Int, len: Int, seed: UInt64)] = [
    (MambaMixerConfig(dModel: 4, dState: 3, dConv: 4, expand: 2, dtRank: 1), 11, 1, true, 1, 1, 31),
    (MambaMixerConfig(dModel: 6, dState: 2, dConv: 3, expand: 2, dtRank: 2), 9, 3, false, 2, 5, 32),
    (MambaMixerConfig(dModel: 5, dState: 4, dConv: 4, expand: 1, dtRank: 1, convBias: false), 13, 2, true, 2, 9, 33),
]

@Test(arguments: cases)
func mambaLMModelMatchesReference(
    _ c: MambaMixerConfig, vocab: Int, layers: Int, tied: Bool, batch: Int, len: Int, seed: UInt64
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
    let out = try MambaKit.run("mamba_lm", params, inputs: inputs, weights: w.tensors)

    let d = c.dModel, emb = w["backbone.embeddings.weight"]
    var logits: [Double] = []
    for b in 0..<batch {
        var h: [Double] = []
        for t in 0..<len { let id = Int(ids[b * len + t]); h += emb[(id * d)..<((id + 1) * d)] }
        for i in 0..<layers {
            let normed = MambaKit.rmsnorm(h, rows: len, d: d, w["backbone.layers.\(i).norm.weight"], eps: 1e-5)
            let y = mambaMixerReference(c, w, prefix: "backbone.layers.\(i).mixer.", x: normed, len: len).y
            h = zip(h, y).map(+)
        }
        let hf = MambaKit.rmsnorm(h, rows: len, d: d, w["backbone.norm_f.weight"], eps: 1e-5)
        logits += MambaKit.linear(hf, rows: len, tied ? emb : w["lm_head.weight"], nOut: vocab, nIn: d)
    }
    #expect(out["logits"]!.shape == [batch, len, vocab])
    // f64 on both sides: agreement to rounding.
    #expect(MambaKit.relativeError(out["logits"]!.values, logits) <= 1e-9)
}
