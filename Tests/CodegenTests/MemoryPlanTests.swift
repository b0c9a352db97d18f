@testable import Codegen
import IR
import Testing

/// The arena (MemoryPlan): values that are never live at once share bytes, values that are never overlap, returned
/// values survive to the end, and runs give the interpreter's results.
@Suite struct MemoryPlanTests {
    /// Random lifetimes and sizes: slots whose lifetimes overlap never overlap in bytes, every slot is aligned, and
    /// the arena is no bigger than the sum of the (aligned) slots.
    @Test func layoutNeverOverlapsLiveSlots() {
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33) % n
        }
        for _ in 0..<200 {
            let count = 1 + next(30)
            let lifetimes = (0..<count).map { s -> (slot: Int, first: Int, last: Int) in
                let first = next(20)
                return (s, first, next(4) == 0 ? Int.max : first + next(6))
            }
            let plan = MemoryPlan(lifetimes: lifetimes)
            let sizes = (0..<count).map { _ in 1 + next(5000) }
            let (offsets, bytes) = plan.layout(sizes)
            #expect(bytes <= sizes.map(MemoryPlan.aligned).reduce(0, +))
            for i in 0..<count {
                #expect(offsets[i] % MemoryPlan.alignment == 0 && offsets[i] + sizes[i] <= bytes)
                for j in 0..<i where lifetimes[i].first <= lifetimes[j].last && lifetimes[j].first <= lifetimes[i].last {
                    let apart = offsets[i] + sizes[i] <= offsets[j] || offsets[j] + sizes[j] <= offsets[i]
                    #expect(apart, "live together but sharing bytes: \(lifetimes[i]) \(lifetimes[j])")
                }
            }
        }
    }

    /// A chain of permutes (no fusion applies) whose intermediates die one after another: the arena holds far less
    /// than the buffers would, an early returned value (also read later) is not overwritten by later values, and the
    /// results match the interpreter on every run, with or without threads.
    @Test(arguments: optLevels)
    func intermediatesShareTheArena(_ opt: Int) throws {
        var lines = ["  %0 = input \"x\" : f32[N, 32]", "  %1 = exp %0 : f32[N, 32]"]
        for k in 2...12 {
            lines.append(k % 2 == 0 ? "  %\(k) = permute %\(k - 1) {perm = [1, 0]} : f32[32, N]"
                                    : "  %\(k) = permute %\(k - 1) {perm = [1, 0]} : f32[N, 32]")
        }
        lines.append("  %13 = add %11, %1 : f32[N, 32]")
        let f = try parseFunction("func @chain {\n" + lines.joined(separator: "\n")
            + "\n  output \"early\" = %1\n  output \"y\" = %13\n}\n")
        let c = try CompiledFunction(f, options: .init(optLevel: opt))
        for n in [3, 700] {
            let inputs = ["x": tensor(.f32, [n, 32], seed: 9)]
            let use = try c.memoryUse(inputs: inputs, params: [:])
            let bytes = n * 32 * 4
            #expect(use.unsharedBytes >= 13 * bytes)
            #expect(use.peakBytes <= 4 * MemoryPlan.aligned(bytes), "peak \(use.peakBytes) for values of \(bytes) bytes")
            for threads in [1, 2, 2] {
                let run = try c.execute(inputs: inputs, params: [:], threads: threads)
                #expect(run.allocatedBytes == use.peakBytes && run.bufferBytes == use.unsharedBytes)
                expectMatchesReference(run.outputs, f, inputs: inputs, params: [:], .transcendental(.f32),
                                       "N=\(n) threads=\(threads)", sourceLocation: #_sourceLocation)
            }
        }
    }
}
