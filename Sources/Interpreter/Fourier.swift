import Foundation
import IR

// Reference semantics of the real FFT pair, as direct DFT sums (O(n²) per line: the definition, not the fast path).

extension Interpreter {
    /// Lines along `axis`: (outer, length, inner) so that element (o, t, i) is at (o·length + t)·inner + i.
    private func lines(_ shape: [Int], _ axis: Int) -> (Int, Int, Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// X[k] = Σ_{t<n} x[t] e^{-2πi k t / n} for k = 0…n/2, with x zero-padded or cut to n.
    func rfft(_ x: Array, axis: Int, n: Int) -> [Array] {
        let (outer, len, inner) = lines(x.shape, axis)
        let bins = n / 2 + 1
        var shape = x.shape
        shape[axis] = bins
        var re = [Double](repeating: 0, count: outer * bins * inner)
        var im = re
        for o in 0..<outer {
            for i in 0..<inner {
                for k in 0..<bins {
                    var sr = 0.0, si = 0.0
                    for t in 0..<min(len, n) {
                        // Reduce k·t mod n before scaling, so long transforms keep their accuracy.
                        let angle = -2 * Double.pi * Double((k * t) % max(n, 1)) / Double(n)
                        let v = x.data[(o * len + t) * inner + i]
                        sr += v * Foundation.cos(angle)
                        si += v * Foundation.sin(angle)
                    }
                    re[(o * bins + k) * inner + i] = sr
                    im[(o * bins + k) * inner + i] = si
                }
            }
        }
        return [Array(shape: shape, data: re), Array(shape: shape, data: im)]
    }

    /// x[t] = (1/n) Σ_k c_k (Re X[k] cos θ − Im X[k] sin θ), θ = 2π k t / n, over the bins k = 0…n/2 that exist;
    /// c_k = 1 for k = 0 and for k = n/2 when n is even, else 2 (the conjugate half of the spectrum).
    func irfft(_ re: Array, _ im: Array, axis: Int, n: Int) -> Array {
        let (outer, bins, inner) = lines(re.shape, axis)
        var shape = re.shape
        shape[axis] = n
        var out = [Double](repeating: 0, count: outer * n * inner)
        let used = min(bins, n / 2 + 1)
        for o in 0..<outer {
            for i in 0..<inner {
                for t in 0..<n {
                    var acc = 0.0
                    for k in 0..<used {
                        let angle = 2 * Double.pi * Double((k * t) % n) / Double(n)
                        let r = re.data[(o * bins + k) * inner + i]
                        let c = (k == 0 || (n % 2 == 0 && k == n / 2)) ? 1.0 : 2.0
                        let s = (k == 0 || (n % 2 == 0 && k == n / 2)) ? 0.0 : im.data[(o * bins + k) * inner + i]
                        acc += c * (r * Foundation.cos(angle) - s * Foundation.sin(angle))
                    }
                    out[(o * n + t) * inner + i] = acc / Double(n)
                }
            }
        }
        return Array(shape: shape, data: out)
    }
}
