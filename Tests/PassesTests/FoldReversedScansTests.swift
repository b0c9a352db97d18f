import Foundation
import IR
import Interpreter
import Testing

@testable import Passes

// fold-reversed-scans: IR before/after in text form, what it must leave alone, and the interpreter's outputs before ==
// after, bit for bit (the reverse scan does the same operations in the same order).

/// Hydra's backward half as the frontend writes it: a scan of time-flipped operands (the decay broadcast over the
/// batch, c shared by the heads), shifted down one step and flipped back; its last state is an output too.
let backwardBefore = """
    func @backward {
      %0 = input "a" : DT[1, L, 3, 1]
      %1 = input "b" : DT[B, L, 3, 2]
      %2 = input "c" : DT[B, L, 1, 2]
      %3 = input "x" : DT[B, L, 3, 4]
      %4 = flip %0 {axis = 1} : DT[1, L, 3, 1]
      %5 = flip %1 {axis = 1} : DT[B, L, 3, 2]
      %6 = flip %2 {axis = 1} : DT[B, L, 1, 2]
      %7 = flip %3 {axis = 1} : DT[B, L, 3, 4]
      %8, %9 = ssm_scan %4, %5, %6, %7 : DT[B, L, 3, 4], DT[B, 3, 4, 2]
      %10 = slice %8 {axis = 1, start = -1, from_end = false} : DT[B, L, 3, 4]
      %11 = flip %10 {axis = 1} : DT[B, L, 3, 4]
      output "y" = %11
      output "h" = %9
      output "unshifted" = %8
    }

    """

@Test func foldsFlippedScanIntoReverseScan() throws {
    let before = try parseFunction(backwardBefore.replacingOccurrences(of: "DT", with: "f32"))
    let after = foldReversedScans(before)
    try verify(after)
    #expect(printFunction(after) == """
        func @backward {
          %0 = input "a" : f32[1, L, 3, 1]
          %1 = input "b" : f32[B, L, 3, 2]
          %2 = input "c" : f32[B, L, 1, 2]
          %3 = input "x" : f32[B, L, 3, 4]
          %4 = flip %0 {axis = 1} : f32[1, L, 3, 1]
          %5 = flip %1 {axis = 1} : f32[B, L, 3, 2]
          %6 = flip %2 {axis = 1} : f32[B, L, 1, 2]
          %7 = flip %3 {axis = 1} : f32[B, L, 3, 4]
          %12, %9 = ssm_scan %0, %1, %2, %3 {reverse = true} : f32[B, L, 3, 4], f32[B, 3, 4, 2]
          %13 = flip %12 {axis = 1} : f32[B, L, 3, 4]
          %10 = slice %13 {axis = 1, start = -1, from_end = false} : f32[B, L, 3, 4]
          %14 = slice %12 {axis = 1, start = 1, from_end = false} : f32[B, L, 3, 4]
          output "y" = %14
          output "h" = %9
          output "unshifted" = %13
        }

        """)
    // With dce the operand flips go; the one flip left is the unshifted output's, which is asked for.
    let optimized = printFunction(try PassManager([.foldReversedScans, .dce]).run(before))
    #expect(optimized.components(separatedBy: " = flip ").count - 1 == 1)
    #expect(try parseFunction(printFunction(after)) == after)
}

@Test func leavesOtherScansAlone() throws {
    let cases = [
        // x is not flipped: the scan mixes directions.
        """
        func @mixed {
          %0 = input "a" : f32[B, L, 3, 1]
          %1 = input "x" : f32[B, L, 3, 4]
          %2 = flip %0 {axis = 1} : f32[B, L, 3, 1]
          %3, %4 = ssm_scan %2, %2, %2, %1 : f32[B, L, 3, 4], f32[B, 3, 4, 1]
          output "y" = %3
        }
        """,
        // Flipped along heads, not time.
        """
        func @heads {
          %0 = input "a" : f32[B, L, 3, 1]
          %1 = flip %0 {axis = 2} : f32[B, L, 3, 1]
          %2, %3 = ssm_scan %1, %1, %1, %1 : f32[B, L, 3, 1], f32[B, 3, 1, 1]
          output "y" = %2
        }
        """,
        // A shift that changes the length is not a shift of the same sequence.
        """
        func @window {
          %0 = input "v" : f32[B, 8]
          %1 = flip %0 {axis = 1} : f32[B, 8]
          %2 = slice %1 {axis = 1, start = 2, from_end = false} : f32[B, 5]
          %3 = flip %2 {axis = 1} : f32[B, 5]
          output "y" = %3
        }
        """,
    ]
    for text in cases {
        let f = try parseFunction(text)
        #expect(foldReversedScans(f) == f, "\(f.name)")
    }
}

@Test func doubleFlipsCancel() throws {
    let f = try parseFunction("""
        func @twice {
          %0 = input "v" : f32[B, L]
          %1 = flip %0 {axis = 1} : f32[B, L]
          %2 = flip %1 {axis = 1} : f32[B, L]
          %3 = flip %1 {axis = 0} : f32[B, L]
          output "y" = %2
          output "z" = %3
        }
        """)
    let after = try PassManager([.foldReversedScans, .dce]).run(f)
    #expect(printFunction(after) == """
        func @twice {
          %0 = input "v" : f32[B, L]
          %1 = flip %0 {axis = 1} : f32[B, L]
          %3 = flip %1 {axis = 0} : f32[B, L]
          output "y" = %0
          output "z" = %3
        }

        """)
}

@Test(arguments: [DType.f32, .f64], Interpreter.Precision.allCases)
func foldingKeepsInterpreterOutputs(_ dt: DType, _ precision: Interpreter.Precision) throws {
    let before = try parseFunction(backwardBefore.replacingOccurrences(of: "DT", with: dt.rawValue))
    let after = try PassManager.pipeline(optLevel: 2).run(before)
    #expect(after.body.contains { $0.op.mnemonic == "ssm_scan" && $0.op == .mixer(.ssmScan(hasInit: false, reverse: true)) })
    for (b, l) in [(2, 9), (1, 1), (3, 2)] {
        let sizes = ["B": b, "L": l]
        var rng = SeededTensors(seed: 777, sizes: sizes, dtype: dt)
        func random(_ t: TensorType, _ lo: Double, _ hi: Double) throws -> Tensor { try rng.tensor(t, lo, hi) }
        var inputs: [String: Tensor] = [:]
        for i in before.inputs { inputs[i.name] = try random(i.type, i.name == "a" ? 0 : -1, 1) }
        let interpreter = Interpreter(precision: precision)
        let expected = try interpreter.run(before, inputs: inputs, params: [:])
        let got = try interpreter.run(after, inputs: inputs, params: [:])
        #expect(got == expected, "\(dt) \(precision) B=\(b) L=\(l)")
    }
}
