import Foundation
import IR
import Testing

@testable import Interpreter

@Test func rfftOfAKnownSignal() throws {
    let f = try lower("""
        model M {
          input x: f64[4]
          let (re, im) = rfft(x)
          output re = re
          output im = im
          output back = irfft(re, im, 4)
        }
        """)
    let out = try Interpreter(precision: .f64).run(f, inputs: ["x": try Tensor(shape: [4], doubles: [1, 2, 3, 4])], params: [:])
    #expect(maxRelativeError(out["re"]!.doubles(), [10, -2, -2], floor: 1e-9) < 1e-12)
    #expect(maxRelativeError(out["im"]!.doubles(), [0, 2, 0], floor: 1) < 1e-12)
    #expect(maxRelativeError(out["back"]!.doubles(), [1, 2, 3, 4], floor: 1e-9) < 1e-12)
}

/// The FFT convolution of mixers.md §c — irfft(rfft(u, 2L)·rfft(k, 2L))[:L] — is the causal Toeplitz mixer.
@Test(arguments: [1, 2, 7, 16])
func fftConvolutionIsTheToeplitzMixer(length: Int) throws {
    let f = try lower("""
        model M(h = 3) {
          input u: f64[B, h, L]
          input k: f64[h, L]
          let (ur, ui) = rfft(u, n: 2 * L)
          let (kr, ki) = rfft(k, n: 2 * L)
          let y = irfft(ur * kr - ui * ki, ur * ki + ui * kr, 2 * L)
          output fft = slice(y, axis: -1, start: 0, length: L)
          output direct = toeplitz(k) @ u
          output padded = pad(u, axis: 2, before: 1, after: 2)
          output doubled = concat([u, flip(u, 2)], axis: 2)
        }
        """)
    var rng = SeededRandom(seed: UInt64(length))
    let u = rng.tensor([2, 3, length]).converted(to: .f64), k = rng.tensor([3, length]).converted(to: .f64)
    let out = try Interpreter(precision: .f64).run(f, inputs: ["u": u, "k": k], params: [:])
    #expect(maxRelativeError(out["fft"]!.doubles(), out["direct"]!.doubles(), floor: 1e-6) < 1e-10)
    #expect(out["padded"]!.shape == [2, 3, length + 3])
    #expect(out["padded"]!.doubles()[0] == 0)
    #expect(out["padded"]!.doubles()[1] == u.doubles()[0])
    #expect(out["doubled"]!.shape == [2, 3, 2 * length])
}
