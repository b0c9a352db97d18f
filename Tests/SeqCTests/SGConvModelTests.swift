// models/sgconv.seq against a plain double-precision GConv (ctlllll/SGConv GConv.forward after the first call,
// mixers.md §j). The reference builds the kernel as upstream does for length L (interpolating only the samples each
// scale needs) and folds the bidirectional pair by a circular convolution of length 2L, as GConv does.
import Foundation
import SeqC
import Testing

private struct SGConvCase: CustomStringConvertible, Sendable {
    var batch = 2, d = 3, channels = 1, kernelDim = 4, scales = 3, initScale = 0, L = 10
    var mode = "cat_randn", nearest = false, bidirectional = false, linear = false, normStored = true, transposed = true
    var seed: UInt64 = 1
    var description: String {
        "B\(batch) d\(d) c\(channels) kd\(kernelDim) S\(scales)+\(initScale) L\(L) \(mode)\(nearest ? " nearest" : "")\(bidirectional ? " bidir" : "")\(linear ? " linear" : "")\(normStored ? "" : " first call")\(transposed ? "" : " [B, L, H]")"
    }
}

private let sgconvCases: [SGConvCase] = [
    SGConvCase(batch: 1, d: 1, kernelDim: 2, scales: 1, L: 1, seed: 31),
    SGConvCase(batch: 2, d: 3, kernelDim: 4, scales: 3, L: 10, seed: 32),              // shorter than the full 16
    SGConvCase(batch: 2, d: 2, kernelDim: 3, scales: 3, L: 17, seed: 33),              // longer than the full 12
    SGConvCase(batch: 1, d: 3, channels: 2, kernelDim: 4, scales: 4, initScale: 1, L: 29, seed: 34),
    SGConvCase(batch: 2, d: 2, kernelDim: 4, scales: 3, L: 13, mode: "sum_randn", seed: 35),
    SGConvCase(batch: 2, d: 3, kernelDim: 3, scales: 3, L: 11, nearest: true, seed: 36),
    SGConvCase(batch: 2, d: 2, channels: 2, kernelDim: 4, scales: 2, L: 9, bidirectional: true, seed: 37),
    SGConvCase(batch: 1, d: 4, kernelDim: 4, scales: 2, L: 7, bidirectional: true, linear: true, seed: 38),
    SGConvCase(batch: 2, d: 3, kernelDim: 3, scales: 3, L: 10, normStored: false, seed: 39),
    SGConvCase(batch: 2, d: 2, channels: 2, kernelDim: 2, scales: 3, L: 11, mode: "sum_randn", normStored: false, transposed: false, seed: 40),
]

/// u [b][h][l] → y [b][(c h)][l] (after GELU and output_linear unless linear), and the kernel [kc][h][l].
private func sgconvReference(_ ut: Tensor, _ w: [String: Tensor], _ c: SGConvCase) -> (y: [Double], kernel: [Double]) {
    let u = ut.doubles(), H = c.d, L = c.L, C = c.channels
    let kc = c.bidirectional ? 2 * C : C
    let k = referenceSGConvKernel(
        w, channels: kc, h: H, kernelDim: c.kernelDim, scales: c.scales, initScale: c.initScale,
        cat: c.mode.hasPrefix("cat"), nearest: c.nearest, length: L, normStored: c.normStored)
    let D = w["D"]!.doubles()
    var y = [Double](repeating: 0, count: c.batch * C * H * L)
    for b in 0..<c.batch {
        var rows = [[Double]]()
        for ch in 0..<C {
            for h in 0..<H {
                // Length-2L kernel: k0 then (bidirectional) flip(k1); circular convolution, first L outputs.
                var full = k[ch][h] + [Double](repeating: 0, count: L)
                if c.bidirectional { for j in 0..<L { full[L + j] += k[C + ch][h][L - 1 - j] } }
                let x = Array(u[((b * H + h) * L)..<((b * H + h + 1) * L)])
                rows.append((0..<L).map { i in
                    var acc = D[ch * H + h] * x[i]
                    for j in 0..<L { acc += full[((i - j) % (2 * L) + 2 * L) % (2 * L)] * x[j] }
                    return acc
                })
            }
        }
        if c.linear {
            for r in 0..<(C * H) { for l in 0..<L { y[(b * C * H + r) * L + l] = rows[r][l] } }
        } else {
            let W = w["output_linear.weight"]!.doubles(), bias = w["output_linear.bias"]!.doubles()
            let act = rows.map { $0.map { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) } }
            for o in 0..<H {
                for l in 0..<L {
                    var acc = bias[o]
                    for r in 0..<(C * H) { acc += W[o * C * H + r] * act[r][l] }
                    y[(b * H + o) * L + l] = acc
                }
            }
        }
    }
    return (c.linear ? y : Array(y[0..<(c.batch * H * L)]), k.flatMap { $0.flatMap { $0 } })
}

/// GConv's kernel weights and buffers (kernel_norm positive, as a stored norm is).
func sgconvKernelWeights(_ rng: inout KernelTestRandom, kernelChannels: Int, h: Int, kernelDim: Int, scales: Int) -> [String: Tensor] {
    var w: [String: Tensor] = [
        "multiplier": rng.tensor([1, h, 1], 1, 2.5),
        "kernel_norm": rng.tensor([kernelChannels, h, 1], 0.5, 3),
    ]
    for i in 0..<scales { w["kernel_list.\(i)"] = rng.tensor([kernelChannels, h, kernelDim]) }
    return w
}

@Test(arguments: sgconvCases)
private func sgconvModelMatchesReference(_ c: SGConvCase) throws {
    var rng = KernelTestRandom(seed: c.seed)
    let u = rng.tensor([c.batch, c.d, c.L])
    var w = sgconvKernelWeights(
        &rng, kernelChannels: c.bidirectional ? 2 * c.channels : c.channels, h: c.d, kernelDim: c.kernelDim, scales: c.scales)
    // Before the first call the buffer holds its initial ones, [H, 1].
    if !c.normStored { w["kernel_norm"] = try Tensor(shape: [c.d, 1], floats: [Float](repeating: 1, count: c.d)) }
    w["D"] = rng.tensor([c.channels, c.d])
    if !c.linear {
        w["output_linear.weight"] = rng.tensor([c.d, c.channels * c.d])
        w["output_linear.bias"] = rng.tensor([c.d])
    }
    let out = try runKernelModel(
        "sgconv",
        [
            "d_model": .int(c.d), "channels": .int(c.channels), "kernel_dim": .int(c.kernelDim),
            "num_scales": .int(c.scales), "init_scale": .int(c.initScale), "bidirectional": .bool(c.bidirectional),
            "linear": .bool(c.linear), "mode": .string(c.mode),
            "interpolate": .string(c.nearest ? "nearest" : "linear (align_corners=False)"),
            "kernel_norm_initialized": .bool(c.normStored), "transposed": .bool(c.transposed),
        ],
        inputs: ["u": c.transposed ? u : kernelTransposed12(u)], weights: w)
    let ref = sgconvReference(u, w, c)
    // Same maths in f64, summed in another order: rounding only.
    let rows = c.linear ? c.channels * c.d : c.d
    let y = c.transposed ? out["y"]! : kernelTransposed12(out["y"]!)
    #expect(y.shape == [c.batch, rows, c.L])
    #expect(kernelRelativeError(y.doubles(), ref.y) < 1e-9)
    #expect(kernelRelativeError(out["kernel"]!.doubles(), ref.kernel) < 1e-9)
}
