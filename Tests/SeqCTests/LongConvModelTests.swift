// models/long_conv.seq against an independent reference written from mixers.md §i: the upstream FFT formula
// y = irfft(rfft(u, N) · rfft(kernel, N))[..., :L] + D·u, computed here with a naive O(N²) DFT in double.
// N = fft_size when the case sets one (a circular convolution, so taps may wrap), else N = L + kernel_len - 1
// (exactly the linear causal convolution).
import Foundation
import SeqC
import Testing



private func f32(_ shape: [Int], _ v: [Double]) throws -> Tensor { try Tensor(shape: shape, floats: v.map { Float($0) }) }

/// The circular convolution of length n of x and k (both zero-padded or cut to n), by the DFT: IDFT(DFT(x)·DFT(k)).
private func circularConvolution(_ x: [Double], _ k: [Double], n: Int) -> [Double] {
    func dft(_ a: [Double]) -> [(Double, Double)] {
        (0..<n).map { f in
            var re = 0.0, im = 0.0
            for t in 0..<min(n, a.count) {
                let w = -2 * Double.pi * Double(f * t % n) / Double(n)
                re += a[t] * cos(w)
                im += a[t] * sin(w)
            }
            return (re, im)
        }
    }
    let X = dft(x), K = dft(k)
    let P = zip(X, K).map { ($0.0 * $1.0 - $0.1 * $1.1, $0.0 * $1.1 + $0.1 * $1.0) }
    return (0..<n).map { t in
        var acc = 0.0
        for f in 0..<n {
            let w = 2 * Double.pi * Double(f * t % n) / Double(n)
            acc += P[f].0 * cos(w) - P[f].1 * sin(w)
        }
        return acc / Double(n)
    }
}

private struct Case: CustomStringConvertible, Sendable {
    var batch: Int, channels: Int, kernelLen: Int, len: Int, hasD: Bool, fftSize: Int, seed: UInt64
    var description: String { "B\(batch) C\(channels) K\(kernelLen) L\(len) D\(hasD) N\(fftSize)" }
}

private let cases: [Case] = [
    Case(batch: 1, channels: 1, kernelLen: 1, len: 1, hasD: true, fftSize: 0, seed: 1),
    Case(batch: 2, channels: 3, kernelLen: 7, len: 7, hasD: true, fftSize: 0, seed: 2),
    Case(batch: 3, channels: 5, kernelLen: 4, len: 19, hasD: false, fftSize: 0, seed: 3),   // shorter kernel
    Case(batch: 1, channels: 4, kernelLen: 25, len: 11, hasD: true, fftSize: 0, seed: 4),  // longer kernel
    Case(batch: 2, channels: 3, kernelLen: 13, len: 13, hasD: true, fftSize: 26, seed: 5), // FlashFFTConv(2L), no wrap
    Case(batch: 2, channels: 2, kernelLen: 20, len: 9, hasD: true, fftSize: 18, seed: 6),  // 2L with a long kernel: wraps
    Case(batch: 1, channels: 3, kernelLen: 12, len: 10, hasD: false, fftSize: 21, seed: 7), // safari's L + kernel_len - 1
    Case(batch: 1, channels: 2, kernelLen: 8, len: 5, hasD: true, fftSize: 10, seed: 8),   // kernel cut at N/2 + 3
]

@Test(arguments: cases)
private func longConvModelMatchesFFTReference(_ c: Case) throws {
    var model = try Model(contentsOf: modelPath("long_conv"))
    try model.setParameter("channels", .int(c.channels))
    try model.setParameter("kernel_len", .int(c.kernelLen))
    try model.setParameter("has_D", .bool(c.hasD))
    try model.setParameter("fft_size", .int(c.fftSize))

    var rng = SplitMix(state: c.seed)
    let u = rng.values(c.batch * c.channels * c.len)
    let kernel = rng.values(c.channels * c.kernelLen)
    let D = rng.values(c.channels)
    var weights = ["kernel": try f32([c.channels, c.kernelLen], kernel)]
    if c.hasD { weights["D"] = try f32([c.channels], D) }
    let out = try model.interpret(inputs: ["u": try f32([c.batch, c.channels, c.len], u)], weights: weights, precision: .f64)
    let y = out["y"]!.doubles()
    #expect(out["y"]!.shape == [c.batch, c.channels, c.len])

    let n = c.fftSize > 0 ? c.fftSize : c.len + c.kernelLen - 1
    var expected: [Double] = []
    for b in 0..<c.batch {
        for ch in 0..<c.channels {
            let row = Array(u[((b * c.channels + ch) * c.len)..<((b * c.channels + ch + 1) * c.len)])
            let conv = circularConvolution(row, Array(kernel[(ch * c.kernelLen)..<((ch + 1) * c.kernelLen)]), n: n)
            for t in 0..<c.len { expected.append(conv[t] + (c.hasD ? D[ch] * row[t] : 0)) }
        }
    }
    // Both sides in double; the naive DFT rounds at about 1e-14 of the output's scale, far inside 1e-9.
    let scale = max(expected.map(abs).max()!, 1e-300)
    let err = zip(y, expected).map { abs($0 - $1) }.max()!
    #expect(err <= 1e-9 * scale, "\(c): max error \(err) (scale \(scale))")
}

@Test private func longConvWithoutDHasNoDWeight() throws {
    var model = try Model(contentsOf: modelPath("long_conv"))
    try model.setParameter("has_D", .bool(false))
    #expect(try model.graph().params.map(\.name) == ["kernel"])
}
