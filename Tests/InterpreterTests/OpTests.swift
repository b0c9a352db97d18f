import Foundation
import IR
import Testing

@testable import Interpreter

private func run(_ src: String, _ inputs: [String: Tensor], _ params: [String: Tensor] = [:], precision: Interpreter.Precision = .native) throws -> [String: Tensor] {
    try Interpreter(precision: precision).run(try lower(src), inputs: inputs, params: params)
}

@Test func elementwiseAndBroadcast() throws {
    let x = try Tensor(shape: [2, 3], floats: [1, 2, 3, 4, 5, 6])
    let b = try Tensor(shape: [3], floats: [10, 20, 30])
    let out = try run("""
        model M {
          input x: f32[B, 3]
          param b: f32[3]
          output y = (x + b) * 2 - 1
          output z = maximum(x, 3.5) / x
        }
        """, ["x": x], ["b": b])
    #expect(out["y"]!.floats() == [21, 43, 65, 27, 49, 71])
    #expect(out["z"]!.floats() == [3.5, 1.75, 3.5 / 3, 1, 1, 1].map { Float($0) })
}

@Test func unaryFunctionsMatchTheirDefinitions() throws {
    let values: [Double] = [-30, -2, -0.5, 0.25, 1, 3, 19.9, 20, 20.5, 40]
    let x = try Tensor(shape: [values.count], doubles: values)
    let out = try run("""
        model M {
          input x: f64[N]
          output softplus = softplus(x)
          output silu = silu(x)
          output gelu = gelu(x)
          output sigmoid = sigmoid(x)
          output tanh = tanh(x)
          output relu = relu(x)
        }
        """, ["x": x])
    for (i, v) in values.enumerated() {
        #expect(out["softplus"]!.doubles()[i] == (v > 20 ? v : log1p(exp(v))))
        #expect(abs(out["silu"]!.doubles()[i] - v / (1 + exp(-v))) < 1e-15 * max(1, abs(v)))
        #expect(abs(out["gelu"]!.doubles()[i] - 0.5 * v * (1 + erf(v / sqrt(2)))) < 1e-14 * max(1, abs(v)))
        #expect(abs(out["sigmoid"]!.doubles()[i] - 1 / (1 + exp(-v))) < 1e-15)
        #expect(out["tanh"]!.doubles()[i] == tanh(v))
        #expect(out["relu"]!.doubles()[i] == max(v, 0))
    }
}

@Test func linearMatmulReduceNorm() throws {
    let x = try Tensor(shape: [1, 2, 3], floats: [1, 2, 3, 4, 5, 6])
    let w = try Tensor(shape: [2, 3], floats: [1, 0, -1, 0.5, 0.5, 0.5])
    let bias = try Tensor(shape: [2], floats: [100, 200])
    let nw = try Tensor(shape: [3], floats: [1, 2, 3])
    let out = try run("""
        model M {
          input x: f32[B, L, 3]
          param lin.weight: f32[2, 3]
          param lin.bias: f32[2]
          param norm.weight: f32[3]
          output y = linear(x, lin.weight, lin.bias)
          output g = x @ transpose(x, 1, 2)
          output s = sum(x, axis: -1)
          output m = mean(x, axis: 1, keepdims: true)
          output mx = max(x, axis: 2)
          output n = rmsnorm(x, norm.weight, eps: 0.0)
        }
        """, ["x": x], ["lin.weight": w, "lin.bias": bias, "norm.weight": nw])
    #expect(out["y"]!.shape == [1, 2, 2])
    #expect(out["y"]!.floats() == [98, 203, 98, 207.5])
    #expect(out["g"]!.floats() == [14, 32, 32, 77])
    #expect(out["s"]!.floats() == [6, 15])
    #expect(out["m"]!.shape == [1, 1, 3])
    #expect(out["m"]!.floats() == [2.5, 3.5, 4.5])
    #expect(out["mx"]!.floats() == [3, 6])
    let r = (14.0 / 3).squareRoot()
    let expected = [1 / r, 4 / r, 9 / r]
    #expect(maxRelativeError(Array(out["n"]!.doubles()[0..<3]), expected) < 1e-6)
}

@Test func scanIsTheRecurrence() throws {
    var rng = SeededRandom(seed: 7)
    let a = rng.tensor([2, 5, 3], 0.5, 1)
    let b = rng.tensor([2, 5, 3])
    let h0 = rng.tensor([2, 3])
    let out = try run("""
        model M {
          input a: f32[B, L, 3]
          input b: f32[B, L, 3]
          input h0: f32[B, 3]
          let (h, last) = scan(a, b, h0, axis: 1)
          output h = h
          output last = last
        }
        """, ["a": a, "b": b, "h0": h0], precision: .f64)
    let (ad, bd, hd) = (a.doubles(), b.doubles(), h0.doubles())
    for batch in 0..<2 {
        for c in 0..<3 {
            var state = hd[batch * 3 + c]
            for t in 0..<5 {
                let k = (batch * 5 + t) * 3 + c
                state = ad[k] * state + bd[k]
                #expect(out["h"]!.doubles()[k] == state)
            }
            #expect(out["last"]!.doubles()[batch * 3 + c] == state)
        }
    }
    #expect(out["h"]!.dtype == .f64)
}

@Test func emptySequenceScanKeepsInitialState() throws {
    let a = try Tensor(shape: [1, 0, 2], floats: [])
    let h0 = try Tensor(shape: [1, 2], floats: [3, 4])
    let out = try run("""
        model M {
          input a: f32[B, L, 2]
          input h0: f32[B, 2]
          let (h, last) = scan(a, a, h0, axis: 1)
          output h = h
          output last = last
        }
        """, ["a": a, "h0": h0])
    #expect(out["h"]!.shape == [1, 0, 2])
    #expect(out["last"]!.floats() == [3, 4])
}

@Test func nativePrecisionRoundsToF32() throws {
    let x = try Tensor(shape: [1], floats: [1])
    let src = """
        model M {
          input x: f32[N]
          output y = x + 1e-9
        }
        """
    #expect(try run(src, ["x": x])["y"]!.storage == .f32([1]))
    #expect(try run(src, ["x": x], precision: .f64)["y"]!.storage == .f64([1 + 1e-9]))
}

@Test func badInputsAreErrorsNotCrashes() throws {
    let src = """
        model M(d = 3) {
          input x: f32[B, d]
          input y: f32[B, d]
          param w: f32[d]
          output o = x * w + y
        }
        """
    let f = try lower(src)
    let ok = try Tensor(shape: [2, 3], floats: .init(repeating: 1, count: 6))
    let w = try Tensor(shape: [3], floats: [1, 2, 3])
    let cases: [([String: Tensor], [String: Tensor], String)] = [
        (["x": ok], ["w": w], "missing input 'y'"),
        (["x": ok, "y": try Tensor(shape: [2, 4], floats: .init(repeating: 0, count: 8))], ["w": w], "input 'y': expected f32[B, 3], got f32[2, 4]"),
        (["x": ok, "y": try Tensor(shape: [5, 3], floats: .init(repeating: 0, count: 15))], ["w": w], "dim B is 5 here but 2 in input 'x'"),
        (["x": ok, "y": ok.converted(to: .f64)], ["w": w], "input 'y': expected f32[B, 3], got f64[2, 3]"),
        (["x": ok, "y": ok], [:], "missing weight 'w' f32[3]"),
        (["x": ok, "y": ok], ["w": w, "v": w], "unexpected weight 'v'"),
        (["x": ok, "y": ok, "q": ok], ["w": w], "unknown input 'q'"),
    ]
    for (inputs, params, message) in cases {
        #expect {
            _ = try Interpreter().run(f, inputs: inputs, params: params)
        } throws: { error in
            String(describing: error).contains(message)
        }
    }
}

@Test func absurdSizesAreErrors() throws {
    let f = try lower("""
        model M {
          input x: f32[N, 1]
          input y: f32[1, N]
          output outer = x @ y
        }
        """)
    let n = 3_000_000
    let x = try Tensor(shape: [n, 1], floats: .init(repeating: 1, count: n))
    let y = try Tensor(shape: [1, n], floats: .init(repeating: 1, count: n))
    #expect {
        _ = try Interpreter().run(f, inputs: ["x": x, "y": y], params: [:])
    } throws: { error in
        String(describing: error).contains("over the")
    }
}
