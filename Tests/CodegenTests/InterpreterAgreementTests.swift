// The JIT against the reference interpreter, op by op: every op of the IR, f32 and f64, at -O0 and -O3, on seeded
// inputs whose symbolic dim N is 1, 7, 33 and 1000. One compiled function serves every size.
import Foundation
import IR
import Testing

@testable import Codegen
@testable import Frontend
@testable import Interpreter

/// One model per op family; `DT` becomes the dtype. Every input and weight is filled with seeded uniform(-1, 1).
private let opModels: [(name: String, source: String)] = [
    ("unary", """
        model M {
          input x: DT[2, N]
          let p = abs(x) + 0.5
          output neg = -x
          output exp = exp(x)
          output log = log(p)
          output sqrt = sqrt(p)
          output rsqrt = rsqrt(p)
          output tanh = tanh(x)
          output sigmoid = sigmoid(x)
          output silu = silu(x)
          output softplus = softplus(x * 25)
          output gelu = gelu(x * 3)
          output abs = abs(x)
          output relu = relu(x)
          output sin = sin(x * 4)
          output cos = cos(x * 4)
          output floor = floor(x * 3)
          output sign = sign(relu(x) - 0.3)
          output elu = elu(x * 2)
        }
        """),
    ("binary", """
        model M {
          input x: DT[2, N]
          input y: DT[N]
          output add = x + y
          output sub = y - x
          output mul = x * y * 0.5
          output div = x / (abs(y) + 1)
          output max = maximum(x, y)
          output min = minimum(x, 0.25)
          output pow = pow(abs(x) + 0.5, y)
          output atan2 = atan2(x, y)
        }
        """),
    ("linear", """
        model M {
          input x: DT[2, N, 5]
          input z: DT[2, N]
          param w: DT[3, 5]
          param b: DT[3]
          param wn: DT[4, N]
          output plain = linear(x, w)
          output biased = linear(x, w, b)
          output long = linear(z, wn)
        }
        """),
    ("matmul", """
        model M {
          input x: DT[2, N, 5]
          input s: DT[5, 3]
          output gram = transpose(x, 1, 2) @ x
          output rows = x @ s
          output broadcast = matmul(unsqueeze(transpose(s, 0, 1), 0), transpose(x, 1, 2))
        }
        """),
    ("reduce", """
        model M {
          input x: DT[2, N]
          output sum0 = sum(x, axis: 0)
          output sum1 = sum(x, axis: 1, keepdims: true)
          output mean1 = mean(x, axis: -1)
          output max0 = max(x, axis: 0, keepdims: true)
          output max1 = max(x, axis: 1)
        }
        """),
    ("rmsnorm", """
        model M {
          input x: DT[3, N]
          param w: DT[N]
          output y = rmsnorm(x, w)
          output z = rmsnorm(x * 100, w, eps: 0.5)
        }
        """),
    ("layout", """
        model M {
          input x: DT[2, N, 3]
          output p = permute(x, [2, 0, 1])
          output t = transpose(x, 0, 1)
          output r = reshape(x, [2, 3, N])
          output u = unsqueeze(x, 1) * 2
          output s = squeeze(unsqueeze(x, -1), 3) + 1
        }
        """),
    ("scan", """
        model M {
          input a: DT[2, N, 3]
          input b: DT[2, N, 3]
          input h0: DT[2, 3]
          input g: DT[N, 3]
          let decay = sigmoid(a) * 0.5 + 0.5
          let (h1, last1) = scan(decay, b, axis: 1)
          let (h2, last2) = scan(decay, b, h0, axis: 1)
          let (h3, last3) = scan(decay, b, axis: 0)
          let (h4, last4) = scan(decay, b, axis: 2)
          let (h5, last5) = scan(sigmoid(g), b, axis: 1)
          output h1 = h1
          output last1 = last1
          output h2 = h2
          output last2 = last2
          output h3 = h3
          output last3 = last3
          output h4 = h4
          output last4 = last4
          output h5 = h5
          output last5 = last5
        }
        """),
    ("cast", """
        model M {
          input x: DT[2, N]
          output i32 = cast(x * 40, i32)
          output i64 = cast(x * 40, i64)
          output flag = cast(relu(x), bool)
          output back = cast(cast(x * 40, i32), DT) + cast(cast(x, f64), DT)
        }
        """),
]

private let sizes = [1, 7, 33, 1000]

/// Element-by-element agreement. In f32 the interpreter computes each op in double and rounds once, while the JIT
/// computes in f32 (single-precision libm, sequential f32 sums of up to 1000 terms), so the bound is 2e-5 of the
/// output's largest magnitude (at least 1); in f64 it is 1e-12. Integer and boolean outputs must be equal.
private func agree(_ a: Tensor, _ b: Tensor, _ what: String) {
    #expect(a.shape == b.shape, "\(what): shape \(a.shape) vs \(b.shape)")
    #expect(a.dtype == b.dtype, "\(what): dtype \(a.dtype) vs \(b.dtype)")
    let x = a.doubles(), y = b.doubles()
    let scale = max(1, y.filter(\.isFinite).map(abs).max() ?? 1)
    let tol = a.dtype == .f64 ? 1e-12 * scale : a.dtype == .f32 ? 2e-5 * scale : 0
    for i in 0..<min(x.count, y.count) where !(x[i] == y[i] || abs(x[i] - y[i]) <= tol || (x[i].isNaN && y[i].isNaN)) {
        Issue.record("\(what): first bad element \(i): JIT \(x[i]) vs interpreter \(y[i]) (tolerance \(tol))")
        return
    }
}

/// Seeded uniform(-1, 1) tensors for every input and weight of `f` with N = n.
private func feeds(_ f: Function, n: Int, seed: UInt64) -> (inputs: [String: Tensor], params: [String: Tensor]) {
    var state = seed
    func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
    func make(_ t: TensorType) -> Tensor {
        let shape = t.resolve(["N": n])!
        let values = (0..<shape.reduce(1, *)).map { _ in next() }
        return try! Tensor(shape: shape, storage: .f64(values)).converted(to: t.dtype)
    }
    return (
        Dictionary(uniqueKeysWithValues: f.inputs.map { ($0.name, make($0.type)) }),
        Dictionary(uniqueKeysWithValues: f.params.map { ($0.name, make($0.type)) })
    )
}

@Test(arguments: opModels.map(\.name), [DType.f32, .f64])
func jitAgreesWithInterpreter(model: String, dtype: DType) throws {
    let source = opModels.first { $0.name == model }!.source.replacingOccurrences(of: "DT", with: dtype.rawValue)
    let f = try lowerModel(try parseModel(source, file: "\(model).seq"))
    for level in [0, 3] {
        let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: level))
        for n in sizes {
            let (inputs, params) = feeds(f, n: n, seed: UInt64(n * 31 + level))
            let expected = try Interpreter().run(f, inputs: inputs, params: params)
            let got = try compiled.run(inputs: inputs, params: params)
            for o in f.outputs {
                agree(got[o.name]!, expected[o.name]!, "\(model) \(dtype) -O\(level) N=\(n) output \(o.name)")
            }
        }
    }
}

/// Windows and joins along a symbolic axis (affine dims L + 3 and 2·L) compile and agree with the interpreter.
@Test(arguments: [DType.f32, .f64])
func affineDimsAgreeWithInterpreter(dtype: DType) throws {
    let source = """
        model M {
          input x: DT[2, N, 3]
          output padded = pad(x, axis: 1, before: 1, after: 2)
          output doubled = concat([x, flip(x, 1) * 2], axis: 1)
          output trimmed = slice(pad(x, axis: 1, before: 2), axis: 1, start: 1, length: N + 1)
        }
        """.replacingOccurrences(of: "DT", with: dtype.rawValue)
    let f = try lowerModel(try parseModel(source, file: "affine.seq"))
    #expect(f.outputs[1].value.type.shape[1] == .scaled("N", scale: 2, offset: 0))
    let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: 2))
    for n in sizes {
        let (inputs, params) = feeds(f, n: n, seed: UInt64(n))
        let expected = try Interpreter().run(f, inputs: inputs, params: params)
        let got = try compiled.run(inputs: inputs, params: params, threads: 2)
        for o in f.outputs { agree(got[o.name]!, expected[o.name]!, "affine \(dtype) N=\(n) \(o.name)") }
    }
}
