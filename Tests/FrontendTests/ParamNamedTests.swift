import Foundation
import IR
import Testing

@testable import Frontend

// `param_named`: weights whose checkpoint names are computed, such as the entries of a PyTorch ParameterList.

private func lowerSource(_ source: String, _ params: [String: ParameterValue] = [:]) throws -> Function {
    try lowerModel(try parseModel(source, file: "m.seq"), parameters: params)
}

private let listModel = """
    model M(n = 3, width = 4) {
      block Scales(x: f32[B, C]) {
        var acc = x
        for i in 0..<n {
          acc = acc + param_named("kernel_list.\\(i)", [C])
        }
        return acc
      }
      input x: f32[B, width]
      output y = Scales(x) scope "conv"
      output z = x * param_named("gain", [1, width], dtype: f32)
    }
    """

@Test func paramNamedDeclaresComputedNamesUnderTheScope() throws {
    let f = try lowerSource(listModel)
    #expect(f.params.map(\.name) == ["conv.kernel_list.0", "conv.kernel_list.1", "conv.kernel_list.2", "gain"])
    #expect(f.params.first!.type == TensorType(.f32, [.known(4)]))
    #expect(f.params.last!.type == TensorType(.f32, [.known(1), .known(4)]))
    #expect(try lowerSource(listModel, ["n": .int(1)]).params.count == 2)
}

@Test func paramNamedRejectsDuplicatesAndBadNames() throws {
    #expect {
        _ = try lowerSource("model M {\n  input x: f32[4]\n  output y = x * param_named(\"w\", [4]) + param_named(\"w\", [4])\n}\n")
    } throws: { error in
        (error as? Diagnostic)?.message.hasPrefix("duplicate declaration of 'w'") == true
    }
    #expect {
        _ = try lowerSource("model M {\n  input x: f32[4]\n  output y = x * param_named(\"a..b\", [4])\n}\n")
    } throws: { error in
        (error as? Diagnostic)?.message == "weight name \"a..b\" is not a dotted name"
    }
    #expect {
        _ = try lowerSource("model M {\n  input x: f32[4]\n  output y = x * param_named(3, [4])\n}\n")
    } throws: { error in
        (error as? Diagnostic)?.message.contains("must be a string") == true
    }
}
