import IR
import Testing

@testable import Passes

@Test func cseMergesRepeatedWork() throws {
    let before = try parseFunction("""
        func @f {
          %0 = input "x" : f32[B, 4]
          %1 = exp %0 : f32[B, 4]
          %2 = exp %0 : f32[B, 4]
          %3 = add %1, %2 : f32[B, 4]
          %4 = reduce_sum %3 {axis = 1, keepdims = false} : f32[B]
          %5 = reduce_sum %3 {axis = 1, keepdims = true} : f32[B, 1]
          output "y" = %4
          output "z" = %5
        }

        """)
    let expected = """
        func @f {
          %0 = input "x" : f32[B, 4]
          %1 = exp %0 : f32[B, 4]
          %3 = add %1, %1 : f32[B, 4]
          %4 = reduce_sum %3 {axis = 1, keepdims = false} : f32[B]
          %5 = reduce_sum %3 {axis = 1, keepdims = true} : f32[B, 1]
          output "y" = %4
          output "z" = %5
        }

        """
    let after = eliminateCommonSubexpressions(before)
    try verify(after)
    #expect(printFunction(after) == expected)
}

@Test func dceDropsUnusedButKeepsInterface() throws {
    let before = try parseFunction("""
        func @f {
          %0 = input "x" : f32[4]
          %1 = input "unused" : f32[4]
          %2 = param "w" : f32[4]
          %3 = exp %0 : f32[4]
          %4 = log %0 : f32[4]
          output "y" = %3
        }

        """)
    let expected = """
        func @f {
          %0 = input "x" : f32[4]
          %1 = input "unused" : f32[4]
          %2 = param "w" : f32[4]
          %3 = exp %0 : f32[4]
          output "y" = %3
        }

        """
    let after = eliminateDeadCode(before)
    try verify(after)
    #expect(printFunction(after) == expected)
}

@Test func pipelineReportsEachPass() throws {
    let f = try parseFunction("""
        func @f {
          %0 = input "x" : f32[4]
          %1 = exp %0 : f32[4]
          %2 = exp %0 : f32[4]
          output "y" = %1
        }

        """)
    var steps: [String] = []
    let out = try PassManager.pipeline(optLevel: 2).run(f) { steps.append("\($0.pass):\($0.changed)") }
    #expect(steps == ["fuse-ssm-decay:false", "cse:true", "dce:false"])
    #expect(out.body.count == 2)
    #expect(try PassManager.pipeline(optLevel: 0).run(f) == f)
}
