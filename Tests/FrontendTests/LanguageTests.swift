import Foundation
import IR
import Testing

@testable import Frontend

private func lower(_ source: String, _ params: [String: ParameterValue] = [:], files: [String: String] = [:]) throws -> Function {
    let loader: IncludeLoader = { path, _ in files[path].map { (path, $0) } }
    return try lowerModel(try parseModel(source, file: "m.seq", loader: loader), parameters: params)
}

private let layeredModel = """
    model Stack(d = 4, n_layer = 3, gated = true) {
      block Layer(x: f32[B, L, D], eps = 1e-5) {
        param norm.weight: f32[D]
        param proj.weight: f32[D, D]
        param proj.bias: f32[D] if gated
        let h = linear(rmsnorm(x, norm.weight, eps: eps), proj.weight, proj.bias)
        return x + h
      }

      input x: f32[B, L, d]
      var h = x
      for i in 0..<n_layer scope "layers.\\(i)" {
        h = Layer(h) scope "mixer"
      }
      param norm_f.weight: f32[d]
      output y = rmsnorm(h, norm_f.weight)
    }
    """

@Test func blocksAndLoopsNameWeightsByScope() throws {
    let f = try lower(layeredModel)
    #expect(f.params.map(\.name) == [
        "layers.0.mixer.norm.weight", "layers.0.mixer.proj.weight", "layers.0.mixer.proj.bias",
        "layers.1.mixer.norm.weight", "layers.1.mixer.proj.weight", "layers.1.mixer.proj.bias",
        "layers.2.mixer.norm.weight", "layers.2.mixer.proj.weight", "layers.2.mixer.proj.bias",
        "norm_f.weight",
    ])
    #expect(f.params.first!.type == TensorType(.f32, [.known(4)]))
    let ungated = try lower(layeredModel, ["gated": .bool(false), "n_layer": .int(1)])
    #expect(ungated.params.map(\.name) == ["layers.0.mixer.norm.weight", "layers.0.mixer.proj.weight", "norm_f.weight"])
    #expect(ungated.body.contains { $0.op == .linear(hasBias: false) })
}

@Test func ifElseAndStringEnumerations() throws {
    let source = """
        model M(disc = "zoh" | "bilinear", scale = 2) {
          input x: f32[N]
          if disc == "zoh" && scale > 1 {
            output y = exp(x) * scale
          } else if disc == "bilinear" {
            output y = x / scale
          } else {
            output y = x
          }
        }
        """
    #expect(try lower(source).body.contains { $0.op == .unary(.exp) })
    let bilinear = try lower(source, ["disc": .string("bilinear")])
    #expect(!bilinear.body.contains { $0.op == .unary(.exp) })
    #expect(bilinear.body.contains { $0.op == .binary(.div) })
    #expect(throws: Diagnostic.self) { try lower(source, ["disc": .string("euler")]) }
}

@Test func includedBlocksAndTuples() throws {
    let blocks = """
        // blocks shared by several models
        block Pair(a: f32[N, K], b: f32[N, K]) {
          let (h, last) = scan(a, b, axis: 0)
          return (h, last)
        }
        """
    let f = try lower("""
        include "blocks.seq"
        model M(k = 3) {
          input a: f32[L, k]
          let (h, last) = Pair(a, a)
          output h = h
          output last = last
        }
        """, files: ["blocks.seq": blocks])
    #expect(f.outputs.map(\.value.type) == [TensorType(.f32, [.symbol("L"), .known(3)]), TensorType(.f32, [.known(3)])])
}

@Test func blockDimVariablesUnifyWithTheCaller() throws {
    let source = """
        model M {
          block Mix(x: f32[B, T, C], w: f32[C, C]) {
            param bias: f32[C]
            return linear(x, w, bias)
          }
          input x: f32[B, L, 6]
          input w: f32[6, 5]
          output y = Mix(x, w)
        }
        """
    #expect {
        _ = try lower(source)
    } throws: { error in
        (error as? Diagnostic)?.message == "argument 'w' of block 'Mix' must be f32[C, C] with C = 6, got f32[6, 5]"
    }
}

@Test func varsAssignAcrossScopesAndKeepTheirType() throws {
    let f = try lower("""
        model M(n = 4) {
          input x: f32[B]
          var acc = x
          var count = 0
          for i in 0..<n {
            if i % 2 == 0 { acc = acc + x }
            count = count + 1
          }
          output y = acc * count
        }
        """)
    #expect(f.body.filter { $0.op == .binary(.add) }.count == 2)
    #expect(f.body.contains { $0.op == .constant(4) })
}
