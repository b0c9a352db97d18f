import Foundation
import IR
import Testing

@testable import Interpreter

// Every mixer two ways: its direct algorithm (`M @ x`) and its dense matrix (`materialize(M)` applied by a matmul).
// Both run in f64, so they agree to rounding: 1e-10 relative to the output's scale.

private let mixerModels: [(name: String, source: String)] = [
    ("toeplitz", """
        model T(c = 3, k = 5) {
          input x: f64[B, c, L]
          input kernel: f64[c, k]
          input rev: f64[c, k]
          let M = toeplitz(kernel)
          output direct = M @ x
          output dense = squeeze(materialize(M, length: L) @ unsqueeze(x, -1), -1)
          let Mb = toeplitz(kernel, reverse: rev)
          output direct_bidirectional = Mb @ x
          output dense_bidirectional = squeeze(materialize(Mb, length: L) @ unsqueeze(x, -1), -1)
        }
        """),
    ("semiseparable", """
        model S(h = 3, n = 4, p = 2) {
          input a: f64[B, L, h, n]
          input b: f64[B, L, h, n]
          input c: f64[B, L, h, n]
          input x: f64[B, L, h, p]
          let M = semiseparable(decay: sigmoid(a), input: b, output: c)
          output direct = M @ x
          output dense = permute(materialize(M) @ permute(x, [0, 2, 1, 3]), [0, 2, 1, 3])
          // Mamba-2 style: one scalar decay per head and step.
          let Ms = semiseparable(decay: sigmoid(sum(a, axis: -1, keepdims: true)), input: b, output: c)
          output direct_scalar = Ms @ x
          output dense_scalar = permute(materialize(Ms) @ permute(x, [0, 2, 1, 3]), [0, 2, 1, 3])
        }
        """),
    ("attention", """
        model A {
          input q: f64[B, L, 4, 8]
          input k: f64[B, L, 2, 8]
          input v: f64[B, L, 2, 6]
          let vr = permute(repeat_interleave(v, 2, axis: 2), [0, 2, 1, 3])
          let M = softmax_attention(q, k, causal: true)
          output direct = M @ v
          output dense = permute(materialize(M) @ vr, [0, 2, 1, 3])
          let N = softmax_attention(q, k, scale: 0.3)
          output direct_bidirectional = N @ v
          output dense_bidirectional = permute(materialize(N) @ vr, [0, 2, 1, 3])
          // The weights by hand: softmax of masked scores.
          let s = permute(q, [0, 2, 1, 3]) @ transpose(permute(repeat_interleave(k, 2, axis: 2), [0, 2, 1, 3]), 2, 3)
          output weights_by_hand = softmax(s * 0.3, axis: -1)
          output weights = materialize(N)
        }
        """),
    ("linear_attention", """
        model LA {
          input q: f64[B, L, 2, 4]
          input k: f64[B, L, 2, 4]
          input v: f64[B, L, 2, 3]
          let Q = elu(q) + 1
          let K = elu(k) + 1
          let vt = permute(v, [0, 2, 1, 3])
          let M = linear_attention(Q, K)
          output direct = M @ v
          output dense = permute(materialize(M) @ vt, [0, 2, 1, 3])
          let N = linear_attention(Q, K, causal: false, normalize: false)
          output direct_global = N @ v
          output dense_global = permute(materialize(N) @ vt, [0, 2, 1, 3])
        }
        """),
    ("quasiseparable", """
        model Q(h = 2, n = 3, p = 2) {
          input a: f64[B, L, h, n]
          input b: f64[B, L, h, n]
          input c: f64[B, L, h, n]
          input x: f64[B, L, h, p]
          input d: f64[B, L, h, 1]
          let F = semiseparable(decay: sigmoid(a), input: b, output: c)
          let R = semiseparable(decay: sigmoid(flip(a, 1)), input: flip(c, 1), output: flip(b, 1))
          let M = quasiseparable(forward: F, backward: R, diagonal: d)
          output direct = M @ x
          output dense = permute(materialize(M) @ permute(x, [0, 2, 1, 3]), [0, 2, 1, 3])
        }
        """),
]

/// Pairs of outputs that must agree: `direct*` with the matching `dense*`, `weights_by_hand` with `weights`.
private func pairs(_ f: Function) -> [(String, String)] {
    f.outputs.map(\.name).compactMap { n in
        if n.hasPrefix("direct") { return (n, "dense" + n.dropFirst("direct".count)) }
        if n == "weights_by_hand" { return (n, "weights") }
        return nil
    }
}

@Test(arguments: mixerModels.map(\.name), [1, 2, 9])
func directAndDenseAgree(_ name: String, length: Int) throws {
    let f = try lower(mixerModels.first { $0.name == name }!.source)
    var rng = SeededRandom(seed: UInt64(length * 131 + name.count))
    var inputs: [String: Tensor] = [:]
    for (n, t) in f.inputs {
        let shape = t.resolve(["B": 2, "L": length])!
        inputs[n] = try Tensor(shape: shape, doubles: (0..<shape.reduce(1, *)).map { _ in rng.uniform(-1, 1) })
    }
    let out = try Interpreter(precision: .f64).run(f, inputs: inputs, params: [:])
    #expect(!pairs(f).isEmpty)
    for (a, b) in pairs(f) {
        let x = out[a]!.doubles(), y = out[b]!.doubles()
        #expect(out[a]!.shape == out[b]!.shape, "\(name): \(a) vs \(b) shapes")
        let scale = max(1, y.map(abs).max() ?? 1)
        let err = zip(x, y).map { abs($0 - $1) }.max() ?? 0
        #expect(err <= 1e-10 * scale, "\(name) L=\(length): \(a) vs \(b) differ by \(err)")
    }
}

@Test func causalMixersIgnoreTheFuture() throws {
    // Changing x at the last step must not change any earlier output of a causal mixer.
    let f = try lower(mixerModels.first { $0.name == "semiseparable" }!.source)
    var rng = SeededRandom(seed: 5)
    var inputs: [String: Tensor] = [:]
    for (n, t) in f.inputs { inputs[n] = rng.tensor(t.resolve(["B": 1, "L": 6])!).converted(to: .f64) }
    let before = try Interpreter(precision: .f64).run(f, inputs: inputs, params: [:])["direct"]!.doubles()
    var x = inputs["x"]!.doubles()
    for i in (x.count - 6)..<x.count { x[i] += 10 }
    inputs["x"] = try Tensor(shape: inputs["x"]!.shape, doubles: x)
    let after = try Interpreter(precision: .f64).run(f, inputs: inputs, params: [:])["direct"]!.doubles()
    #expect(Array(before.prefix(before.count - 6)) == Array(after.prefix(after.count - 6)))
    #expect(before.suffix(6) != after.suffix(6))
}
