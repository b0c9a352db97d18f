import Foundation
import IR
import Testing

@testable import Frontend

// `input NAME: type if COND`, and alternatives: several conditional declarations of one name, at most one of which
// holds (a layout switch such as Mamba's shared or grouped B/C, or D per head vs per head and channel).

private func lowerSource(_ source: String, _ params: [String: ParameterValue] = [:]) throws -> Function {
    try lowerModel(try parseModel(source, file: "m.seq"), parameters: params)
}

private let gatedModel = """
    model Gate(has_z = true, grouped = false, g = 2) {
      input x: f32[B, L, 4]
      input z: f32[B, L, 4]       if has_z
      input s: f32[B, L, 1]       if !grouped
      input s: f32[B, L, g, 1]    if grouped
      param D: f32[4]             if grouped
      param D: f32[1]             if !grouped
      var y = x * reshape(s, [B, L, 1]) + D
      if has_z { y = y * silu(z) }
      output y
    }
    """

@Test func conditionalInputsAreDeclaredOnlyWhenTheirConditionHolds() throws {
    let f = try lowerSource(gatedModel)
    #expect(f.inputs.map(\.name) == ["x", "z", "s"])
    #expect(f.inputs[2].type == TensorType(.f32, [.symbol("B"), .symbol("L"), .known(1)]))
    #expect(f.params.map(\.name) == ["D"])
    #expect(f.params[0].type == TensorType(.f32, [.known(1)]))

    let g = try lowerSource(gatedModel, ["has_z": .bool(false), "grouped": .bool(true), "g": .int(1)])
    #expect(g.inputs.map(\.name) == ["x", "s"])
    #expect(g.inputs[1].type == TensorType(.f32, [.symbol("B"), .symbol("L"), .known(1), .known(1)]))
    #expect(g.params[0].type == TensorType(.f32, [.known(4)]))
}

@Test func anAbsentInputCannotBeUsedAsATensor() throws {
    let source = """
        model M(has_z = false) {
          input x: f32[B, 4]
          input z: f32[B, 4] if has_z
          output y = x * z
        }
        """
    #expect { try lowerSource(source) } throws: { error in
        (error as? Diagnostic)?.message.contains("absent optional weight or input") == true
    }
    // A declaration that holds is still declared once only.
    let twice = """
        model M(a = true) {
          input x: f32[B, 4] if a
          input x: f32[B, 4] if a
          output y = x
        }
        """
    #expect { try lowerSource(twice) } throws: { error in
        (error as? Diagnostic)?.message.contains("duplicate declaration of 'x'") == true
    }
}

@Test func anIfOnTheNextLineIsAStatementNotACondition() throws {
    let source = """
        model M(has_z = true) {
          input x: f32[B, 4]
          param w: f32[4]
          if has_z { output y = x * w } else { output y = x }
        }
        """
    let f = try lowerSource(source)
    #expect(f.inputs.map(\.name) == ["x"])
    #expect(f.params.map(\.name) == ["w"])
}
