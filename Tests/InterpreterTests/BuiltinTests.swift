import Foundation
import IR
import Testing

@testable import Interpreter

private func run(_ src: String, _ inputs: [String: Tensor]) throws -> [String: Tensor] {
    try Interpreter(precision: .f64).run(try lower(src), inputs: inputs, params: [:])
}

@Test func sliceShiftTailSplitConcat() throws {
    let x = try Tensor(shape: [1, 5], doubles: [1, 2, 3, 4, 5])
    let out = try run("""
        model M {
          input x: f64[B, 5]
          output delayed = shift(x, axis: 1, by: 2)
          output ahead = shift(x, axis: 1, by: -1)
          output last3 = tail(x, axis: 1, length: 3)
          output last7 = tail(x, axis: 1, length: 7)
          let (a, b) = split(concat([x, x * 10], axis: 1), [4, 6])
          output a = a
          output b = b
          output rev = flip(x, 1)
          output window = slice(x, axis: 1, start: -1, length: 3)
        }
        """, ["x": x])
    #expect(out["delayed"]!.doubles() == [0, 0, 1, 2, 3])
    #expect(out["ahead"]!.doubles() == [2, 3, 4, 5, 0])
    #expect(out["last3"]!.doubles() == [3, 4, 5])
    #expect(out["last7"]!.doubles() == [0, 0, 1, 2, 3, 4, 5])
    #expect(out["a"]!.doubles() == [1, 2, 3, 4])
    #expect(out["b"]!.doubles() == [5, 10, 20, 30, 40, 50])
    #expect(out["rev"]!.doubles() == [5, 4, 3, 2, 1])
    #expect(out["window"]!.doubles() == [0, 1, 2])
}

@Test func conv1dMatchesPyTorchCrossCorrelation() throws {
    var rng = SeededRandom(seed: 3)
    let (C, L, K) = (3, 7, 4)
    let x = rng.tensor([2, C, L]).converted(to: .f64), w = rng.tensor([C, 1, K]).converted(to: .f64)
    let b = rng.tensor([C]).converted(to: .f64), w5 = rng.tensor([C, 1, 5]).converted(to: .f64)
    let out = try run("""
        model M(c = 3) {
          input x: f64[B, c, L]
          input w: f64[c, 1, 4]
          input w5: f64[c, 1, 5]
          input b: f64[c]
          output causal = conv1d(x, w, b)
          output same = conv1d(x, w5, padding: "same")
        }
        """, ["x": x, "w": w, "w5": w5, "b": b])
    let xd = x.doubles(), wd = w.doubles(), bd = b.doubles(), w5d = w5.doubles()
    func xat(_ n: Int, _ c: Int, _ t: Int) -> Double { t >= 0 && t < L ? xd[(n * C + c) * L + t] : 0 }
    for n in 0..<2 {
        for c in 0..<C {
            for t in 0..<L {
                var causal = bd[c], same = 0.0
                for k in 0..<K { causal += wd[c * K + k] * xat(n, c, t - (K - 1) + k) }
                for k in 0..<5 { same += w5d[c * 5 + k] * xat(n, c, t - 2 + k) }
                #expect(abs(out["causal"]!.doubles()[(n * C + c) * L + t] - causal) < 1e-12)
                #expect(abs(out["same"]!.doubles()[(n * C + c) * L + t] - same) < 1e-12)
            }
        }
    }
}

@Test func normsSoftmaxEmbeddingRepeat() throws {
    let x = try Tensor(shape: [1, 4], doubles: [1, 2, 3, 6])
    let z = try Tensor(shape: [1, 4], doubles: [0.5, -1, 2, 0])
    let ids = try Tensor(shape: [1, 3], storage: .i32([2, 0, 7]))
    let table = try Tensor(shape: [3, 2], doubles: [1, 2, 3, 4, 5, 6])
    let out = try run("""
        model M {
          input x: f64[B, 4]
          input z: f64[B, 4]
          input ids: i32[B, L]
          input table: f64[3, 2]
          output sm = softmax(x)
          output ln = layernorm(x, eps: 0)
          output g1 = gated_rmsnorm(x, z, x * 0 + 1, eps: 0, group_size: 2)
          output g2 = gated_rmsnorm(x, z, x * 0 + 1, eps: 0, norm_before_gate: true)
          output emb = embedding(ids, table)
          output rep = repeat_interleave(x, 2, axis: 1)
          output cs = cumsum(x, axis: 1)
          output pos = where(x > 2, x, 0)
          output r = arange(L)
        }
        """, ["x": x, "z": z, "ids": ids, "table": table])
    let e = [1.0, 2, 3, 6].map { exp($0) }
    #expect(maxRelativeError(out["sm"]!.doubles(), e.map { $0 / e.reduce(0, +) }) < 1e-14)
    let sd = (([1.0, 2, 3, 6].map { ($0 - 3) * ($0 - 3) }).reduce(0, +) / 4).squareRoot()
    #expect(maxRelativeError(out["ln"]!.doubles(), [1.0, 2, 3, 6].map { ($0 - 3) / sd }) < 1e-14)
    let gated = zip([1.0, 2, 3, 6], [0.5, -1, 2, 0]).map { $0 * $1 / (1 + exp(-$1)) }
    let r1 = ((gated[0] * gated[0] + gated[1] * gated[1]) / 2).squareRoot()
    let r2 = ((gated[2] * gated[2] + gated[3] * gated[3]) / 2).squareRoot()
    #expect(maxRelativeError(out["g1"]!.doubles(), [gated[0] / r1, gated[1] / r1, gated[2] / r2, gated[3] / r2], floor: 1e-9) < 1e-13)
    let rms = (([1.0, 4, 9, 36]).reduce(0, +) / 4).squareRoot()
    let g2 = zip([1.0, 2, 3, 6], [0.5, -1, 2, 0]).map { $0 / rms * ($1 / (1 + exp(-$1))) }
    #expect(maxRelativeError(out["g2"]!.doubles(), g2, floor: 1e-9) < 1e-13)
    #expect(out["emb"]!.shape == [1, 3, 2])
    #expect(out["emb"]!.doubles() == [5, 6, 1, 2, 0, 0])
    #expect(out["rep"]!.doubles() == [1, 1, 2, 2, 3, 3, 6, 6])
    #expect(out["cs"]!.doubles() == [1, 3, 6, 12])
    #expect(out["pos"]!.doubles() == [0, 0, 3, 6])
    #expect(out["r"]!.doubles() == [0, 1, 2])
}
