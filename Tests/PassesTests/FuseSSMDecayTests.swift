import Foundation
import IR
import Interpreter
import Testing

@testable import Passes

// fuse-ssm-decay: IR before/after in text form, the cases it must leave alone, and the interpreter's outputs
// before == after, bit for bit, on random inputs (f32 rounded per op, and in f64).

/// Mamba's S6 as the frontend writes it: Δ unsqueezed to [B, L, H, 1] times A [H, N], exp, ssm_scan.
let s6Before = """
    func @s6 {
      %0 = input "dt" : DT[B, L, 4]
      %1 = param "A" : DT[4, 3]
      %2 = input "b" : DT[B, L, 1, 3]
      %3 = input "c" : DT[B, L, 1, 3]
      %4 = input "x" : DT[B, L, 4, 1]
      %5 = reshape %0 : DT[B, L, 4, 1]
      %6 = mul %5, %1 : DT[B, L, 4, 3]
      %7 = exp %6 : DT[B, L, 4, 3]
      %8, %9 = ssm_scan %7, %2, %3, %4 : DT[B, L, 4, 1], DT[B, 4, 1, 3]
      output "y" = %8
      output "h" = %9
    }

    """

/// The factors commuted, Δ without a batch axis, the exp reshaped to rank 4 on the way, an h0, and a second use of
/// the exp (which must survive).
let commutedBefore = """
    func @commuted {
      %0 = input "dt" : DT[L, 4, 1]
      %1 = param "A" : DT[4, 3]
      %2 = input "b" : DT[B, L, 1, 3]
      %3 = input "c" : DT[B, L, 4, 3]
      %4 = input "x" : DT[B, L, 4, 2]
      %5 = input "h0" : DT[B, 4, 2, 3]
      %6 = mul %1, %0 : DT[L, 4, 3]
      %7 = exp %6 : DT[L, 4, 3]
      %8 = reshape %7 : DT[1, L, 4, 3]
      %9, %10 = ssm_scan %8, %2, %3, %4, %5 : DT[B, L, 4, 2], DT[B, 4, 2, 3]
      output "y" = %9
      output "h" = %10
      output "decay" = %7
    }

    """

@Test func fusesMambaDecay() throws {
    let before = try parseFunction(s6Before.replacingOccurrences(of: "DT", with: "f32"))
    let fused = fuseExponentialDecays(before)
    try verify(fused)
    #expect(printFunction(fused) == """
        func @s6 {
          %0 = input "dt" : f32[B, L, 4]
          %1 = param "A" : f32[4, 3]
          %2 = input "b" : f32[B, L, 1, 3]
          %3 = input "c" : f32[B, L, 1, 3]
          %4 = input "x" : f32[B, L, 4, 1]
          %5 = reshape %0 : f32[B, L, 4, 1]
          %6 = mul %5, %1 : f32[B, L, 4, 3]
          %7 = exp %6 : f32[B, L, 4, 3]
          %10 = reshape %1 : f32[1, 1, 4, 3]
          %8, %9 = ssm_scan_exp %5, %10, %2, %3, %4 : f32[B, L, 4, 1], f32[B, 4, 1, 3]
          output "y" = %8
          output "h" = %9
        }

        """)
    // The -O1+ pipeline then drops the dead mul and exp: nothing of shape [B, L, H, N] is left.
    let optimized = printFunction(try PassManager.pipeline(optLevel: 2).run(before))
    #expect(!optimized.contains(" = exp ") && !optimized.contains(" = mul "))
    #expect(!optimized.contains("[B, L, 4, 3]"))
}

@Test func fusesCommutedFactorsThroughReshapeAndKeepsOtherUses() throws {
    let before = try parseFunction(commutedBefore.replacingOccurrences(of: "DT", with: "f32"))
    let after = try PassManager.pipeline(optLevel: 1).run(before)
    #expect(printFunction(after) == """
        func @commuted {
          %0 = input "dt" : f32[L, 4, 1]
          %1 = param "A" : f32[4, 3]
          %2 = input "b" : f32[B, L, 1, 3]
          %3 = input "c" : f32[B, L, 4, 3]
          %4 = input "x" : f32[B, L, 4, 2]
          %5 = input "h0" : f32[B, 4, 2, 3]
          %6 = mul %1, %0 : f32[L, 4, 3]
          %7 = exp %6 : f32[L, 4, 3]
          %11 = reshape %0 : f32[1, L, 4, 1]
          %12 = reshape %1 : f32[1, 1, 4, 3]
          %9, %10 = ssm_scan_exp %11, %12, %2, %3, %4, %5 : f32[B, L, 4, 2], f32[B, 4, 2, 3]
          output "y" = %9
          output "h" = %10
          output "decay" = %7
        }

        """)
}

@Test func leavesOtherDecaysAlone() throws {
    let cases = [
        // Δ already has an N axis: the product is not of the factored form.
        """
        func @n_axis {
          %0 = input "dt" : f32[B, L, 4, 3]
          %1 = param "A" : f32[4, 3]
          %2 = input "b" : f32[B, L, 1, 3]
          %3 = input "x" : f32[B, L, 4, 1]
          %4 = mul %0, %1 : f32[B, L, 4, 3]
          %5 = exp %4 : f32[B, L, 4, 3]
          %6, %7 = ssm_scan %5, %2, %2, %3 : f32[B, L, 4, 1], f32[B, 4, 1, 3]
          output "y" = %6
        }
        """,
        // A varies over time.
        """
        func @a_time {
          %0 = input "dt" : f32[B, L, 4, 1]
          %1 = input "A" : f32[L, 4, 3]
          %2 = input "b" : f32[B, L, 1, 3]
          %3 = input "x" : f32[B, L, 4, 1]
          %4 = mul %0, %1 : f32[B, L, 4, 3]
          %5 = exp %4 : f32[B, L, 4, 3]
          %6, %7 = ssm_scan %5, %2, %2, %3 : f32[B, L, 4, 1], f32[B, 4, 1, 3]
          output "y" = %6
        }
        """,
        // Not an exp; and an exp of a sum.
        """
        func @not_exp {
          %0 = input "dt" : f32[B, L, 4, 1]
          %1 = param "A" : f32[4, 3]
          %2 = input "b" : f32[B, L, 1, 3]
          %3 = input "x" : f32[B, L, 4, 1]
          %4 = mul %0, %1 : f32[B, L, 4, 3]
          %5 = sigmoid %4 : f32[B, L, 4, 3]
          %6, %7 = ssm_scan %5, %2, %2, %3 : f32[B, L, 4, 1], f32[B, 4, 1, 3]
          %8 = add %0, %1 : f32[B, L, 4, 3]
          %9 = exp %8 : f32[B, L, 4, 3]
          %10, %11 = ssm_scan %9, %2, %2, %3 : f32[B, L, 4, 1], f32[B, 4, 1, 3]
          output "y" = %6
          output "z" = %10
        }
        """,
        // A reshape that moves elements (not just leading 1s) between the exp and the scan.
        """
        func @moved {
          %0 = input "dt" : f32[B, L, 4, 1]
          %1 = param "A" : f32[4, 3]
          %2 = input "b" : f32[B, L, 1, 4]
          %3 = input "x" : f32[B, L, 3, 1]
          %4 = mul %0, %1 : f32[B, L, 4, 3]
          %5 = exp %4 : f32[B, L, 4, 3]
          %6 = reshape %5 : f32[B, L, 3, 4]
          %7, %8 = ssm_scan %6, %2, %2, %3 : f32[B, L, 3, 1], f32[B, 3, 1, 4]
          output "y" = %7
        }
        """,
    ]
    for text in cases {
        let f = try parseFunction(text)
        #expect(fuseExponentialDecays(f) == f, "\(f.name)")
    }
}

@Test(arguments: [DType.f32, .f64], Interpreter.Precision.allCases)
func fusionKeepsInterpreterOutputs(_ dt: DType, _ precision: Interpreter.Precision) throws {
    for text in [s6Before, commutedBefore] {
        let before = try parseFunction(text.replacingOccurrences(of: "DT", with: dt.rawValue))
        let after = try PassManager.pipeline(optLevel: 2).run(before)
        #expect(after.body.contains { $0.op.mnemonic == "ssm_scan_exp" })
        let sizes = ["B": 2, "L": 9]
        var rng = SeededTensors(seed: 12345, sizes: sizes, dtype: dt)
        func random(_ t: TensorType, _ lo: Double, _ hi: Double) throws -> Tensor { try rng.tensor(t, lo, hi) }
        var inputs: [String: Tensor] = [:]
        for i in before.inputs { inputs[i.name] = try random(i.type, i.name == "dt" ? 0 : -1, 1) }
        let params = ["A": try random(before.params[0].type, -4, 0.5)]
        let interpreter = Interpreter(precision: precision)
        let expected = try interpreter.run(before, inputs: inputs, params: params)
        let got = try interpreter.run(after, inputs: inputs, params: params)
        #expect(got == expected, "\(before.name) \(dt) \(precision)")
    }
}
