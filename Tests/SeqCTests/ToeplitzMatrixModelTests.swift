// models/toeplitz_matrix.seq: every mixer's kernel, output and dense matrix against plain double-precision
// references (mixers.md §c, g, h, i, j). The matrix is built entry by entry, M[i][j] = K[i − j] (j ≤ i) plus the
// skip on the diagonal (and k_rev[j − i − 1] above it for a bidirectional SGConv).
import Foundation
import SeqC
import Testing

private struct MatrixCase: CustomStringConvertible, Sendable {
    var mixer: String
    var batch = 2, width = 3, L = 9, seed: UInt64 = 1
    var parameters: [String: ParameterValue] = [:]
    var description: String { "\(mixer) B\(batch) W\(width) L\(L) \(parameters.keys.sorted())" }
}

private let matrixCases: [MatrixCase] = [
    MatrixCase(mixer: "s4d_zoh", batch: 1, width: 2, L: 1, seed: 41, parameters: ["d_state": .int(4)]),
    MatrixCase(mixer: "s4d_zoh", batch: 2, width: 3, L: 11, seed: 42, parameters: ["d_state": .int(6), "discretization": .string("bilinear")]),
    MatrixCase(mixer: "long_conv", batch: 2, width: 3, L: 9, seed: 43, parameters: ["kernel_len": .int(5)]),
    MatrixCase(mixer: "long_conv", batch: 1, width: 2, L: 6, seed: 44, parameters: ["kernel_len": .int(8)]),
    MatrixCase(mixer: "h3_shift", batch: 2, width: 3, L: 7, seed: 45, parameters: ["d_state": .int(4)]),
    MatrixCase(mixer: "h3_shift", batch: 1, width: 2, L: 3, seed: 46, parameters: ["d_state": .int(6)]),
    MatrixCase(mixer: "h3_diag", batch: 2, width: 3, L: 10, seed: 47, parameters: ["d_state": .int(4), "discretization": .string("bilinear")]),
    MatrixCase(mixer: "h3_diag", batch: 1, width: 2, L: 5, seed: 48, parameters: ["d_state": .int(8), "discretization": .string("zoh")]),
    MatrixCase(mixer: "sgconv", batch: 2, width: 3, L: 10, seed: 49, parameters: ["kernel_dim": .int(3), "num_scales": .int(3)]),
    MatrixCase(mixer: "sgconv", batch: 1, width: 2, L: 8, seed: 50,
               parameters: ["kernel_dim": .int(2), "num_scales": .int(3), "channels": .int(2), "bidirectional": .bool(true)]),
    MatrixCase(mixer: "sgconv", batch: 2, width: 2, L: 13, seed: 53,
               parameters: ["kernel_dim": .int(2), "num_scales": .int(2), "kernel_norm_initialized": .bool(false)]),
    MatrixCase(mixer: "hyena_filter", batch: 2, width: 3, L: 8, seed: 51,
               parameters: ["l_max": .int(12), "order": .int(2), "filter_order": .int(6), "emb_dim": .int(3)]),
    MatrixCase(mixer: "hyena_filter", batch: 1, width: 2, L: 5, seed: 52,
               parameters: ["l_max": .int(5), "order": .int(3), "filter_order": .int(4), "emb_dim": .int(5), "num_inner_mlps": .int(1)]),
]

private func int(_ p: [String: ParameterValue], _ k: String, _ d: Int) -> Int {
    if case .int(let n)? = p[k] { return n }
    return d
}

@Test(arguments: matrixCases)
private func toeplitzMatrixModelMatchesReference(_ c: MatrixCase) throws {
    var rng = KernelTestRandom(seed: c.seed)
    let W = c.width, L = c.L, p = c.parameters
    var parameters = p
    parameters["mixer"] = .string(c.mixer)
    parameters[c.mixer == "long_conv" ? "channels" : "d_model"] = .int(W)
    var disc = "zoh"
    if case .string(let s)? = p["discretization"] { disc = s }
    let nState = int(p, "d_state", 64)

    // Per output row r: its kernel (and reverse kernel), skip, and input channel; G groups of W rows.
    var w: [String: Tensor] = [:]
    var kernels: [[Double]] = [], reverse: [[Double]]? = nil, skips: [Double] = [], groups = 1
    switch c.mixer {
    case "s4d_zoh":
        let N = nState / 2
        w = ["D": rng.tensor([W]), "kernel.log_dt": rng.tensor([W], log(0.001), log(0.1)), "kernel.C": rng.tensor([W, N, 2]),
             "kernel.log_A_real": rng.tensor([W, N], -1, 0.5), "kernel.A_imag": rng.tensor([W, N], 0, 10)]
        kernels = referenceS4DKernel(w, prefix: "kernel.", h: W, n: N, disc: disc, length: L)
        skips = w["D"]!.doubles()
    case "long_conv":
        let K = int(p, "kernel_len", 64)
        w = ["kernel": rng.tensor([W, K]), "D": rng.tensor([W])]
        let k = w["kernel"]!.doubles()
        kernels = (0..<W).map { Array(k[($0 * K)..<(($0 + 1) * K)]) }
        skips = w["D"]!.doubles()
    case "h3_shift":
        w = ["ssm_k_D": rng.tensor([W]), "ssm_k_kernel.kernel.B": rng.tensor([W, nState]), "ssm_k_kernel.kernel.C": rng.tensor([1, W, nState])]
        kernels = referenceShiftKernel(w, prefix: "ssm_k_kernel.kernel.", h: W, n: nState, length: L)
        skips = w["ssm_k_D"]!.doubles()
    case "h3_diag":
        let N = nState / 2
        w = ["D": rng.tensor([W]), "kernel.kernel.log_dt": rng.tensor([W], log(0.001), log(0.1)),
             "kernel.kernel.inv_A_real": rng.tensor([W, N], -1, 0.5), "kernel.kernel.A_imag": rng.tensor([W, N], 0, 10),
             "kernel.kernel.B": rng.tensor([W, N, 2]), "kernel.kernel.C": rng.tensor([1, W, N, 2])]
        kernels = referenceSSKernelDiag(w, prefix: "kernel.kernel.", h: W, n: N, disc: disc, length: L)
        skips = w["D"]!.doubles()
    case "sgconv":
        let C = int(p, "channels", 1), bidirectional = p["bidirectional"] == .bool(true)
        let kd = int(p, "kernel_dim", 64), S = int(p, "num_scales", 1)
        let kc = bidirectional ? 2 * C : C
        let stored = p["kernel_norm_initialized"] != .bool(false)
        w = sgconvKernelWeights(&rng, kernelChannels: kc, h: W, kernelDim: kd, scales: S)
        w["D"] = rng.tensor([C, W])
        if !stored { w["kernel_norm"] = try Tensor(shape: [W, 1], floats: [Float](repeating: 1, count: W)) }
        let k = referenceSGConvKernel(w, channels: kc, h: W, kernelDim: kd, scales: S, initScale: 0, cat: true, nearest: false,
                                      length: L, normStored: stored)
        kernels = (0..<C).flatMap { ch in k[ch] }
        if bidirectional { reverse = (0..<C).flatMap { ch in k[C + ch] } }
        skips = w["D"]!.doubles()
        groups = C
    default:
        let order = int(p, "order", 2), width = int(p, "filter_order", 64), emb = int(p, "emb_dim", 3)
        let inner = int(p, "num_inner_mlps", 2), lMax = int(p, "l_max", 64)
        w = hyenaFilterWeights(&rng, dF: W * (order - 1), emb: emb, width: width, inner: inner, lMax: lMax)
        let h = referenceHyenaFilter(w, prefix: "filter_fn.", dF: W * (order - 1), emb: emb, width: width, inner: inner,
                                     lMax: lMax, length: L, modulate: true, shift: 0, normalized: false)
        let bias = w["filter_fn.bias"]!.doubles()
        // Layout '(v o)': channel ch of order o is filter channel ch·(order−1) + o.
        for o in 0..<(order - 1) {
            for ch in 0..<W {
                kernels.append((0..<L).map { h[$0][ch * (order - 1) + o] })
                skips.append(bias[ch * (order - 1) + o])
            }
        }
        groups = order - 1
    }
    let u = rng.tensor([c.batch, W, L])
    let out = try runKernelModel("toeplitz_matrix", parameters, inputs: ["u": u], weights: w)

    // References: y[b][g][ch][l] (row r = g·W + ch reads input channel ch), kernel rows, matrix rows.
    let x = u.doubles()
    var y: [Double] = [], matrix: [Double] = []
    for b in 0..<c.batch {
        for r in 0..<(groups * W) {
            let row = Array(x[((b * W + r % W) * L)..<((b * W + r % W + 1) * L)])
            let conv = referenceCausalConv(kernels[r], row)
            for i in 0..<L {
                var acc = conv[i] + skips[r] * row[i]
                if let rev = reverse { for j in (i + 1)..<max(i + 1, L) where j - i - 1 < rev[r].count { acc += rev[r][j - i - 1] * row[j] } }
                y.append(acc)
            }
        }
    }
    for r in 0..<(groups * W) {
        for i in 0..<L {
            for j in 0..<L {
                var m = j <= i && i - j < kernels[r].count ? kernels[r][i - j] : 0
                if let rev = reverse, j > i { m = rev[r][j - i - 1] }
                matrix.append(m + (i == j ? skips[r] : 0))
            }
        }
    }
    // Same maths in f64; the kernels' powers and sums run in another order: rounding only.
    #expect(kernelRelativeError(out["y"]!.doubles(), y) < 1e-9)
    #expect(kernelRelativeError(out["matrix"]!.doubles(), matrix) < 1e-9)
    if c.mixer != "long_conv" {
        #expect(out["kernel"]!.shape.last == L)
        let flat = (reverse.map { kernels + $0 } ?? kernels).flatMap { $0 }
        #expect(kernelRelativeError(out["kernel"]!.doubles(), flat) < 1e-9)
    }
}
