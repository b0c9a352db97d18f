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
    try MambaKit.checkLM(
        "mamba2_lm", dModel: c.dModel, parameters: c.parameters, vocab: vocab, layers: layers, tied: tied, batch: batch,
        len: len, seed: seed,
        addMixerWeights: { w, prefix, rng in c.addWeights(&w, prefix: prefix, &rng) },
        mixer: { w, prefix, x in mamba2MixerReference(c, w, prefix: prefix, x: x, len: len).y })
}
