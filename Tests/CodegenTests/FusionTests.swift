@testable import Codegen
import IR
import Testing

/// Elementwise fusion (FusionPlan, LowerFused): which instructions group, which values stay in registers, and that
/// fused code gives bit-identical results to unfused code, on any thread count.
@Suite struct FusionTests {
    /// A chain with a broadcast operand, a scalar constant, compare/select/cast and a value also read outside the
    /// chain (by reduce_sum, before the chain ends).
    static let chain = """
        func @chain {
          %0 = input "x" : DT[N, 24]
          %1 = input "w" : DT[24]
          %2 = const 0.25 : DT[]
          %3 = mul %0, %1 : DT[N, 24]
          %4 = exp %3 : DT[N, 24]
          %5 = reduce_sum %4 {axis = 1, keepdims = true} : DT[N, 1]
          %6 = add %4, %0 : DT[N, 24]
          %7 = gt %6, %2 : bool[N, 24]
          %8 = select %7, %6, %3 : DT[N, 24]
          %9 = cast %8 : i32[N, 24]
          %10 = div %8, %5 : DT[N, 24]
          %11 = mul %10, %2 : DT[N, 24]
          output "y" = %11
          output "i" = %9
        }
        """

    /// Before (unfused) and after: one kernel per instruction versus the groups the plan makes, and which values
    /// lose their buffers.
    @Test func planGroupsTheChain() throws {
        let f = try function(Self.chain)
        let unfused = FusionPlan(f, fuse: false)
        #expect(unfused.groups.map(\.members) == (2...11).map { [$0] })
        #expect(unfused.inRegisters.isEmpty)
        let fused = FusionPlan(f, fuse: true)
        // %3 %4 run before reduce_sum reads %4; %6…%11 (with the constant) form the second chain after it.
        #expect(fused.groups.map(\.members) == [[3, 4], [5], [2, 6, 7, 8, 9, 10, 11]])
        #expect(fused.groups[0].stored == [3, 4])  // both read by the later chain (%3 by select, %4 by add)
        #expect(fused.groups[2].stored == [9, 11])  // the outputs
        #expect(fused.inRegisters == [2, 6, 7, 8, 10])
    }

    /// An instruction between two chain members reads a chain value: the member after it must not join (the group
    /// would run too late for the reader).
    @Test func readerBetweenMembersSplitsTheChain() throws {
        let f = try function("""
            func @split {
              %0 = input "x" : f32[N, 8]
              %1 = exp %0 : f32[N, 8]
              %2 = permute %1 {perm = [1, 0]} : f32[8, N]
              %3 = neg %1 : f32[N, 8]
              output "p" = %2
              output "n" = %3
            }
            """)
        #expect(FusionPlan(f, fuse: true).groups.map(\.members) == [[1], [2], [3]])
    }

    /// A causal depthwise convolution the way the models write it: shifted slices of x (zeros before the start)
    /// times per-channel weights, summed; and a slice reading past the end (zeros after it).
    static let conv = """
        func @conv {
          %0 = input "x" : DT[B, 6, L]
          %1 = input "w" : DT[6, 1]
          %2 = slice %0 {axis = 2, start = -2, from_end = false} : DT[B, 6, L]
          %3 = mul %2, %1 : DT[B, 6, L]
          %4 = slice %0 {axis = 2, start = -1, from_end = false} : DT[B, 6, L]
          %5 = mul %4, %1 : DT[B, 6, L]
          %6 = add %3, %5 : DT[B, 6, L]
          %7 = slice %0 {axis = 2, start = 1, from_end = false} : DT[B, 6, L]
          %8 = add %6, %7 : DT[B, 6, L]
          output "y" = %8
        }
        """

    @Test func slicesOfValuesInMemoryJoinTheChain() throws {
        let f = try function(Self.conv)
        let plan = FusionPlan(f, fuse: true)
        #expect(plan.groups.map(\.members) == [[2, 3, 4, 5, 6, 7, 8]])
        #expect(plan.inRegisters == [2, 3, 4, 5, 6, 7])
    }

    @Test(arguments: optLevels, floatTypes)
    func fusedChainMatchesUnfusedBitForBit(_ opt: Int, _ dt: DType) throws {
        let f = try function(Self.chain, dt)
        try Self.expectFusedMatchesUnfused(f, opt: opt, fusedCalls: 3, unfusedCalls: 10, registers: 5, sizes: [1, 5, 2000]) { n in
            ["x": tensor(dt, [n, 24], seed: 5, -1, 1), "w": tensor(dt, [24], seed: 6, -1, 1)]
        }
    }

    @Test(arguments: optLevels, floatTypes)
    func fusedConvolutionMatchesUnfusedBitForBit(_ opt: Int, _ dt: DType) throws {
        let f = try function(Self.conv, dt)
        try Self.expectFusedMatchesUnfused(f, opt: opt, fusedCalls: 1, unfusedCalls: 7, registers: 6, sizes: [0, 1, 3, 4000]) { l in
            ["x": tensor(dt, [2, 6, l], seed: 7, -1, 1), "w": tensor(dt, [6, 1], seed: 8, -1, 1)]
        }
    }

    /// Fused and unfused code agree with the reference and bit for bit with each other on 1, 2, 3 and 7 threads; the
    /// fused run needs less memory, and splits over threads at the largest size.
    static func expectFusedMatchesUnfused(
        _ f: Function, opt: Int, fusedCalls: Int, unfusedCalls: Int, registers: Int, sizes: [Int],
        inputs: (Int) -> [String: Tensor], sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let fused = try CompiledFunction(f, options: .init(optLevel: opt))
        let unfused = try CompiledFunction(f, options: .init(optLevel: opt, fuse: false))
        #expect(fused.kernelCalls == fusedCalls && unfused.kernelCalls == unfusedCalls, sourceLocation: sourceLocation)
        #expect(fused.plan.sources.filter { $0 == .register }.count == registers, sourceLocation: sourceLocation)
        for n in sizes {
            let feed = inputs(n)
            let want = try unfused.execute(inputs: feed, params: [:], threads: 1)
            expectMatchesReference(want.outputs, f, inputs: feed, params: [:], .transcendental(f.outputs.first.map { $0.value.type.dtype } ?? .f32),
                                   "unfused size \(n)", sourceLocation: sourceLocation)
            for threads in ThreadingTests.threadCounts {
                let got = try fused.execute(inputs: feed, params: [:], threads: threads)
                for (name, t) in want.outputs {
                    #expect(got.outputs[name].map(ThreadingTests.bits) == ThreadingTests.bits(t),
                            "\(name) -O\(opt) size \(n) threads=\(threads)", sourceLocation: sourceLocation)
                }
                #expect(got.bufferBytes < want.bufferBytes, "the fused chain keeps intermediates in registers",
                        sourceLocation: sourceLocation)
                if n == sizes.last! && threads > 1 {
                    #expect(got.chunks.allSatisfy { $0 > 1 }, "\(got.chunks)", sourceLocation: sourceLocation)
                }
            }
        }
    }
}
