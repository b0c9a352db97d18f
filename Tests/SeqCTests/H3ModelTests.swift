// models/h3.seq against a plain double-precision H3 (safari H3.forward, mixers.md §g), head_dim 1 and 2.
import Foundation
import SeqC
import Testing

/// x [b][l][i] → out [b][l][o].
private func h3Reference(
    _ xt: Tensor, _ w: [String: Tensor], batch: Int, d: Int, dState: Int, headDim hd: Int, length L: Int, disc: String
) -> [Double] {
    let x = xt.doubles(), H = d / hd
    // Projections, channels first: p[b][c][l].
    func project(_ name: String) -> [[[Double]]] {
        let W = w["\(name).weight"]!.doubles(), bias = w["\(name).bias"]!.doubles()
        var p = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: L), count: d), count: batch)
        for b in 0..<batch {
            for c in 0..<d {
                for l in 0..<L {
                    var acc = bias[c]
                    for i in 0..<d { acc += W[c * d + i] * x[(b * L + l) * d + i] }
                    p[b][c][l] = acc
                }
            }
        }
        return p
    }
    let q = project("q_proj"), k = project("k_proj"), v = project("v_proj")
    let ks = referenceShiftKernel(w, prefix: "ssm_k_kernel.kernel.", h: d, n: dState, length: L)
    let K = referenceSSKernelDiag(w, prefix: "kernel.kernel.", h: H, n: dState / 2, disc: disc, length: L)
    let Dk = w["ssm_k_D"]!.doubles(), D = w["D"]!.doubles()
    let Wo = w["output_linear.weight"]!.doubles(), bo = w["output_linear.bias"]!.doubles()
    var result = [Double](repeating: 0, count: batch * L * d)
    for b in 0..<batch {
        // Shift SSM on k.
        let kt = (0..<d).map { c in
            let conv = referenceCausalConv(ks[c], k[b][c])
            return (0..<L).map { conv[$0] + Dk[c] * k[b][c][$0] }
        }
        // Diagonal SSM on each (d1, d2) product of head h, then the q gate summed over d1.
        var out = [[Double]](repeating: [Double](repeating: 0, count: L), count: d)
        for h in 0..<H {
            for d1 in 0..<hd {
                for d2 in 0..<hd {
                    let kv = (0..<L).map { kt[h * hd + d1][$0] * v[b][h * hd + d2][$0] }
                    let y = referenceCausalConv(K[h], kv)
                    for l in 0..<L { out[d2 * H + h][l] += q[b][h * hd + d1][l] * (y[l] + D[h] * kv[l]) }
                }
            }
        }
        for l in 0..<L {
            for o in 0..<d {
                var acc = bo[o]
                for c in 0..<d { acc += Wo[o * d + c] * out[c][l] }
                result[(b * L + l) * d + o] = acc
            }
        }
    }
    return result
}

/// (batch, d_model, d_state, head_dim, seqlen, discretization, seed): L = 1, L < d_state, head_dim 2 and 4, zoh too.
private let h3Cases: [(Int, Int, Int, Int, Int, String, UInt64)] = [
    (1, 2, 2, 1, 1, "bilinear", 11), (2, 4, 8, 1, 5, "bilinear", 12), (2, 6, 4, 2, 13, "bilinear", 13),
    (1, 8, 6, 4, 9, "zoh", 14), (3, 3, 4, 1, 21, "zoh", 15),
]

@Test(arguments: h3Cases)
func h3ModelMatchesReference(_ c: (Int, Int, Int, Int, Int, String, UInt64)) throws {
    let (batch, d, dState, hd, L, disc, seed) = c
    let H = d / hd, N = dState / 2
    var rng = KernelTestRandom(seed: seed)
    let x = rng.tensor([batch, L, d])
    var w: [String: Tensor] = [:]
    for p in ["q_proj", "k_proj", "v_proj", "output_linear"] {
        w["\(p).weight"] = rng.tensor([d, d], -0.5, 0.5)
        w["\(p).bias"] = rng.tensor([d])
    }
    w["ssm_k_D"] = rng.tensor([d])
    w["ssm_k_kernel.kernel.B"] = rng.tensor([d, dState])
    w["ssm_k_kernel.kernel.C"] = rng.tensor([1, d, dState])
    w["D"] = rng.tensor([H])
    w["kernel.kernel.log_dt"] = rng.tensor([H], log(0.001), log(0.1))
    w["kernel.kernel.inv_A_real"] = rng.tensor([H, N], -1, 0.5)
    w["kernel.kernel.A_imag"] = rng.tensor([H, N], 0, 10)
    w["kernel.kernel.B"] = rng.tensor([H, N, 2])
    w["kernel.kernel.C"] = rng.tensor([1, H, N, 2])
    let out = try runKernelModel(
        "h3", ["d_model": .int(d), "d_state": .int(dState), "head_dim": .int(hd), "discretization": .string(disc)],
        inputs: ["x": x], weights: w)
    let ref = h3Reference(x, w, batch: batch, d: d, dState: dState, headDim: hd, length: L, disc: disc)
    // Same maths in f64; the kernels' powers and the sums run in another order: rounding only.
    #expect(out["y"]!.shape == [batch, L, d])
    #expect(kernelRelativeError(out["y"]!.doubles(), ref) < 1e-9)
}
