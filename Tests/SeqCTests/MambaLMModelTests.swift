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
    try MambaKit.checkLM(
        "mamba_lm", dModel: c.dModel, parameters: c.parameters, vocab: vocab, layers: layers, tied: tied, batch: batch,
        len: len, seed: seed,
        addMixerWeights: { w, prefix, rng in c.addWeights(&w, prefix: prefix, &rng) },
        mixer: { w, prefix, x in mambaMixerReference(c, w, prefix: prefix, x: x, len: len).y })
}
