// models/s4d_layer.seq against a plain double-precision S4D layer (s4d.py S4D.forward, mixers.md §c).
import Foundation
import SeqC
import Testing

/// s4d.py's layer: kernel, causal conv + D, GELU, 1×1 conv to 2H channels, GLU. u [b][h][l].
private func s4dLayerReference(
    _ u: Tensor, _ w: [String: Tensor], batch: Int, h H: Int, n N: Int, length L: Int, disc: String
) -> (y: [Double], kernel: [Double]) {
    let K = referenceS4DKernel(w, prefix: "kernel.", h: H, n: N, disc: disc, length: L)
    let x = u.doubles(), D = w["D"]!.doubles()
    let W = w["output_linear.0.weight"]!.doubles(), bias = w["output_linear.0.bias"]!.doubles()
    var out = [Double](repeating: 0, count: batch * H * L)
    for b in 0..<batch {
        var s = [[Double]]()
        for h in 0..<H {
            let row = Array(x[((b * H + h) * L)..<((b * H + h + 1) * L)])
            let conv = referenceCausalConv(K[h], row)
            s.append((0..<L).map { l in
                let v = conv[l] + D[h] * row[l]
                return 0.5 * v * (1 + erf(v / 2.0.squareRoot()))
            })
        }
        for o in 0..<H {
            for l in 0..<L {
                var a = bias[o], g = bias[H + o]
                for i in 0..<H {
                    a += W[o * H + i] * s[i][l]
                    g += W[(H + o) * H + i] * s[i][l]
                }
                out[(b * H + o) * L + l] = a / (1 + exp(-g))
            }
        }
    }
    return (out, K.flatMap { $0 })
}

/// (batch, d_model, d_state, seqlen, discretization, seed): L = 1, odd lengths, both discretizations.
private let s4dCases: [(Int, Int, Int, Int, String, UInt64)] = [
    (1, 1, 2, 1, "zoh", 1), (2, 3, 6, 7, "zoh", 2), (3, 5, 8, 19, "bilinear", 3), (1, 4, 4, 33, "bilinear", 4),
    (2, 3, 4, 6, "zoh", 5),   // odd seeds run with transposed = false: [B, L, H] in and out
]

@Test(arguments: s4dCases)
func s4dLayerModelMatchesReference(_ c: (Int, Int, Int, Int, String, UInt64)) throws {
    let (batch, H, dState, L, disc, seed) = c
    let N = dState / 2
    var rng = KernelTestRandom(seed: seed)
    let u = rng.tensor([batch, H, L])
    let w: [String: Tensor] = [
        "D": rng.tensor([H]),
        "kernel.log_dt": rng.tensor([H], log(0.001), log(0.1)),
        "kernel.C": rng.tensor([H, N, 2]),
        "kernel.log_A_real": rng.tensor([H, N], -1, 0.5),
        "kernel.A_imag": rng.tensor([H, N], 0, 10),
        "output_linear.0.weight": rng.tensor([2 * H, H, 1]),
        "output_linear.0.bias": rng.tensor([2 * H]),
    ]
    let transposed = seed % 2 == 0
    let out = try runKernelModel(
        "s4d_layer",
        ["d_model": .int(H), "d_state": .int(dState), "discretization": .string(disc), "transposed": .bool(transposed)],
        inputs: ["u": transposed ? u : kernelTransposed12(u)], weights: w)
    let ref = s4dLayerReference(u, w, batch: batch, h: H, n: N, length: L, disc: disc)
    // Same maths in f64; only the kernel's Ā^l (exp(l·log Ā) against repeated products) differs: rounding only.
    let y = transposed ? out["y"]! : kernelTransposed12(out["y"]!)
    #expect(y.shape == [batch, H, L])
    #expect(kernelRelativeError(y.doubles(), ref.y) < 1e-9)
    #expect(kernelRelativeError(out["kernel"]!.doubles(), ref.kernel) < 1e-9)
}
