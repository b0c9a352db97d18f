// Shared by the long-convolution model tests (S4D, H3, Hyena, SGConv, toeplitz_matrix): a seeded generator, model
// loading, and plain double-precision references of the kernel generators, written from docs/mixers.md (no seqc code).
import Foundation
import SeqC
import Testing

typealias KernelTestRandom = SplitMix

func runKernelModel(
    _ family: String, _ parameters: [String: ParameterValue], inputs: [String: Tensor], weights: [String: Tensor]
) throws -> [String: Tensor] {
    try runModel(family, parameters, inputs: inputs, weights: weights)
}

/// max |a − b| / max |b|: the error relative to the output's scale. Shapes must agree, so a count mismatch is ∞.
func kernelRelativeError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count, !b.isEmpty else { return .infinity }
    let scale = max(b.map(abs).max()!, 1e-300)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}

// MARK: complex numbers

struct KCx {
    var re: Double, im: Double
    init(_ re: Double, _ im: Double = 0) { self.re = re; self.im = im }
    static func + (a: KCx, b: KCx) -> KCx { KCx(a.re + b.re, a.im + b.im) }
    static func - (a: KCx, b: KCx) -> KCx { KCx(a.re - b.re, a.im - b.im) }
    static func * (a: KCx, b: KCx) -> KCx { KCx(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re) }
    static func / (a: KCx, b: KCx) -> KCx {
        let d = b.re * b.re + b.im * b.im
        return KCx((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }
    var exp: KCx { KCx(Foundation.exp(re) * cos(im), Foundation.exp(re) * sin(im)) }
}

// MARK: kernel generators

/// The diagonal-SSM kernel K[h][l] = 2·Re Σ_n C'[h,n]·Ā[h,n]^l, with Ā^l by repeated multiplication (not the model's
/// exp(l·log Ā)). A [h][n], B and C [h][n] complex, Δ [h]; disc "zoh" or "bilinear".
func referenceDiagonalKernel(dt: [Double], A: [[KCx]], B: [[KCx]], C: [[KCx]], disc: String, length L: Int) -> [[Double]] {
    var K = [[Double]](repeating: [Double](repeating: 0, count: L), count: dt.count)
    for h in 0..<dt.count {
        for n in 0..<A[h].count {
            let dtA = A[h][n] * KCx(dt[h])
            var coefficient: KCx, dA: KCx
            if disc == "zoh" {
                coefficient = C[h][n] * B[h][n] * (dtA.exp - KCx(1)) / A[h][n]
                dA = dtA.exp
            } else {
                let den = KCx(1) - dtA * KCx(0.5)
                coefficient = C[h][n] * B[h][n] * KCx(dt[h]) / den
                dA = (KCx(1) + dtA * KCx(0.5)) / den
            }
            var power = KCx(1)
            for l in 0..<L {
                K[h][l] += 2 * (coefficient * power).re
                power = power * dA
            }
        }
    }
    return K
}

/// s4d.py S4DKernel from its weights (B ≡ 1).
func referenceS4DKernel(_ w: [String: Tensor], prefix: String, h H: Int, n N: Int, disc: String, length L: Int) -> [[Double]] {
    let logDt = w[prefix + "log_dt"]!.doubles(), C = w[prefix + "C"]!.doubles()
    let logAReal = w[prefix + "log_A_real"]!.doubles(), AImag = w[prefix + "A_imag"]!.doubles()
    let A = (0..<H).map { h in (0..<N).map { n in KCx(-exp(logAReal[h * N + n]), AImag[h * N + n]) } }
    let Cc = (0..<H).map { h in (0..<N).map { n in KCx(C[(h * N + n) * 2], C[(h * N + n) * 2 + 1]) } }
    let ones = [[KCx]](repeating: [KCx](repeating: KCx(1), count: N), count: H)
    return referenceDiagonalKernel(dt: logDt.map { exp($0) }, A: A, B: ones, C: Cc, disc: disc, length: L)
}

/// safari SSKernelDiag from its weights (one output channel).
func referenceSSKernelDiag(_ w: [String: Tensor], prefix: String, h H: Int, n N: Int, disc: String, length L: Int) -> [[Double]] {
    let logDt = w[prefix + "log_dt"]!.doubles(), invAReal = w[prefix + "inv_A_real"]!.doubles()
    let AImag = w[prefix + "A_imag"]!.doubles(), B = w[prefix + "B"]!.doubles(), C = w[prefix + "C"]!.doubles()
    let A = (0..<H).map { h in (0..<N).map { n in KCx(-exp(invAReal[h * N + n]), AImag[h * N + n]) } }
    let Bc = (0..<H).map { h in (0..<N).map { n in KCx(B[(h * N + n) * 2], B[(h * N + n) * 2 + 1]) } }
    let Cc = (0..<H).map { h in (0..<N).map { n in KCx(C[(h * N + n) * 2], C[(h * N + n) * 2 + 1]) } }
    return referenceDiagonalKernel(dt: logDt.map { exp($0) }, A: A, B: Bc, C: Cc, disc: disc, length: L)
}

/// H3's shift SSM kernel ks[h][m] = Σ_j B[h,j]·C[0,h,j+m] for m < min(N, L), zero beyond.
func referenceShiftKernel(_ w: [String: Tensor], prefix: String, h H: Int, n N: Int, length L: Int) -> [[Double]] {
    let B = w[prefix + "B"]!.doubles(), C = w[prefix + "C"]!.doubles()
    var ks = [[Double]](repeating: [Double](repeating: 0, count: L), count: H)
    for h in 0..<H {
        for m in 0..<min(N, L) {
            for j in 0..<(N - m) { ks[h][m] += B[h * N + j] * C[h * N + j + m] }
        }
    }
    return ks
}

/// Hyena's implicit filters h[l][c] (c < d_f) for l < L, run step by step through the MLP.
func referenceHyenaFilter(
    _ w: [String: Tensor], prefix p: String, dF: Int, emb: Int, width: Int, inner: Int, lMax: Int, length L: Int,
    modulate: Bool, shift: Double, normalized: Bool
) -> [[Double]] {
    let z = w[p + "pos_emb.z"]!.doubles(), t = w[p + "pos_emb.t"]!.doubles(), deltas = w[p + "modulation.deltas"]!.doubles()
    func dense(_ x: [Double], _ name: String, out: Int, bias: Bool = true) -> [Double] {
        let W = w[p + "implicit_filter.\(name).weight"]!.doubles()
        let b = bias ? w[p + "implicit_filter.\(name).bias"]!.doubles() : [Double](repeating: 0, count: out)
        var y = b
        for o in 0..<out {
            for i in 0..<x.count { y[o] += W[o * x.count + i] * x[i] }
        }
        return y
    }
    func sine(_ x: [Double], _ name: String) -> [Double] {
        let f = w[p + "implicit_filter.\(name).freq"]!.doubles()
        return x.indices.map { sin(f[$0] * x[$0]) }
    }
    precondition(L <= lMax)
    return (0..<L).map { l in
        var h = sine(dense(Array(z[(l * emb)..<(l * emb + emb)]), "0", out: width), "1")
        for i in 0..<inner { h = sine(dense(h, "\(2 * i + 2)", out: width), "\(2 * i + 3)") }
        var out = dense(h, "\(2 * inner + 2)", out: dF, bias: false)
        if normalized {
            let norm = out.reduce(0.0) { $0 + abs($1) }
            out = out.map { $0 / norm }
        }
        if modulate { out = out.indices.map { out[$0] * (exp(-t[l] * abs(deltas[$0])) + shift) } }
        return out
    }
}

/// PyTorch F.interpolate of one row by an integer scale (linear with align_corners=False, or nearest).
func referenceInterpolate(_ x: [Double], scale s: Int, nearest: Bool) -> [Double] {
    let n = x.count
    return (0..<(n * s)).map { j in
        if nearest { return x[min(Int((Double(j) / Double(s)).rounded(.down)), n - 1)] }
        let src = max((Double(j) + 0.5) / Double(s) - 0.5, 0)
        let i0 = Int(src.rounded(.down))
        let i1 = i0 + (i0 < n - 1 ? 1 : 0)
        let lam = src - Double(i0)
        return (1 - lam) * x[i0] + lam * x[i1]
    }
}

/// GConv.forward's kernel after the first call (kernel_norm stored), as upstream builds it for length L: only the
/// samples each scale needs are interpolated. Returns k[c][h][l] for kernel channels c. With `normStored` false it is
/// the first call instead: the full kernel_dim·2^(S−1+init_scale) steps, divided by their L2 norm, cut or padded to L.
func referenceSGConvKernel(
    _ w: [String: Tensor], channels C: Int, h H: Int, kernelDim kd: Int, scales S: Int, initScale: Int, cat: Bool,
    nearest: Bool, length L: Int, normStored: Bool = true
) -> [[[Double]]] {
    if !normStored {
        var unit = w
        unit["kernel_norm"] = try! Tensor(shape: [C, H, 1], doubles: [Double](repeating: 1, count: C * H))
        let full = kd << (S - 1 + initScale)
        let k = referenceSGConvKernel(unit, channels: C, h: H, kernelDim: kd, scales: S, initScale: initScale, cat: cat,
                                      nearest: nearest, length: full)
        return k.map { $0.map { row in
            let norm = row.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            return (0..<L).map { $0 < full ? row[$0] / norm : 0 }
        } }
    }
    let multiplier = w["multiplier"]!.doubles(), norm = w["kernel_norm"]!.doubles()
    var k = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: L), count: H), count: C)
    var offset = 0
    for i in 0..<S {
        let list = w["kernel_list.\(i)"]!.doubles()
        let scale = 1 << ((cat ? max(0, i - 1) : i) + initScale)
        let remaining = cat ? L - offset : L
        let inputSize = min(Int((Double(remaining) / Double(scale)).rounded(.up)) + 1, kd)
        let outputSize = min(remaining, inputSize * scale)
        for c in 0..<C {
            for h in 0..<H {
                let factor = pow(multiplier[h], Double(S - i - 1))
                let row = (0..<inputSize).map { list[(c * H + h) * kd + $0] * factor }
                let stretched = referenceInterpolate(row, scale: scale, nearest: nearest)
                for j in 0..<max(outputSize, 0) { k[c][h][(cat ? offset : 0) + j] += stretched[j] }
            }
        }
        if cat { offset += max(outputSize, 0) }
    }
    for c in 0..<C { for h in 0..<H { k[c][h] = k[c][h].map { $0 / norm[c * H + h] } } }
    return k
}

/// Causal convolution y[l] = Σ_{j≤l} k[l−j]·x[j] (k may be shorter or longer than x).
func referenceCausalConv(_ k: [Double], _ x: [Double]) -> [Double] {
    var y = [Double](repeating: 0, count: x.count)
    for l in 0..<x.count {
        for j in max(0, l - k.count + 1)...l { y[l] += k[l - j] * x[j] }
    }
    return y
}

/// x [a, b, c] → [a, c, b] (channels-first ↔ time-first layouts).
func kernelTransposed12(_ x: Tensor) -> Tensor {
    let (A, B, C) = (x.shape[0], x.shape[1], x.shape[2]), v = x.doubles()
    var out = [Double](repeating: 0, count: v.count)
    for a in 0..<A { for b in 0..<B { for c in 0..<C { out[(a * C + c) * B + b] = v[(a * B + b) * C + c] } } }
    return x.dtype == .f32 ? try! Tensor(shape: [A, C, B], floats: out.map { Float($0) }) : try! Tensor(shape: [A, C, B], doubles: out)
}
