// ssm_scan_exp's kernels against the interpreter: the S6 lane kernel (P = 1, known N ≤ 32) with full and partial
// lane blocks (13 heads), N = 1, 16, 17, with and without h0, per-head and shared b/c, broadcast Δ and A; the
// generic kernel (P = 3, N = 33, symbolic N in scratch); the SSD lane kernel (scalar decay per head, P = 8); each
// scan forwards and in reverse. f32 and f64, -O0 and -O3, L = 0, 1, 7, 33, 200; then
// bit-identity over thread counts, and the memory a whole Mamba block allocates once fuse-ssm-decay has run.
// Tolerance as MixerTests (the exp adds ≤ 2 ulp per decay, well inside it).
import Foundation
import Frontend
import IR
import Passes
import Testing

@testable import Codegen
@testable import Interpreter

let ssmExpSource = """
    func @ssm_exp {
      %0 = input "dt" : DT[2, L, 13, 1]
      %1 = input "A" : DT[1, 1, 13, 16]
      %2 = input "b" : DT[2, L, 1, 16]
      %3 = input "c" : DT[2, L, 1, 16]
      %4 = input "x" : DT[2, L, 13, 1]
      %5 = input "h0" : DT[2, 13, 1, 16]
      %6 = input "A1" : DT[1, 1, 13, 1]
      %7 = input "b1" : DT[2, L, 1, 1]
      %8 = input "A17" : DT[1, 1, 13, 17]
      %9 = input "b17" : DT[2, L, 13, 17]
      %10 = input "dtb" : DT[1, L, 1, 1]
      %11 = input "Ash" : DT[1, 1, 1, 16]
      %12 = input "xp" : DT[2, L, 13, 3]
      %13 = input "h0p" : DT[2, 13, 3, 16]
      %14 = input "A33" : DT[1, 1, 13, 33]
      %15 = input "b33" : DT[2, L, 1, 33]
      %16 = input "As" : DT[1, 1, 13, S]
      %17 = input "bs" : DT[2, L, 1, S]
      %18 = input "x8" : DT[2, L, 13, 8]
      %19 = input "h08" : DT[2, 13, 8, 16]
      %20, %21 = ssm_scan_exp %0, %1, %2, %3, %4 : DT[2, L, 13, 1], DT[2, 13, 1, 16]
      %22, %23 = ssm_scan_exp %0, %1, %2, %3, %4, %5 : DT[2, L, 13, 1], DT[2, 13, 1, 16]
      %24, %25 = ssm_scan_exp %0, %6, %7, %7, %4 : DT[2, L, 13, 1], DT[2, 13, 1, 1]
      %26, %27 = ssm_scan_exp %0, %8, %9, %9, %4 : DT[2, L, 13, 1], DT[2, 13, 1, 17]
      %28, %29 = ssm_scan_exp %10, %11, %2, %3, %4 : DT[2, L, 13, 1], DT[2, 13, 1, 16]
      %30, %31 = ssm_scan_exp %0, %1, %2, %3, %12, %13 : DT[2, L, 13, 3], DT[2, 13, 3, 16]
      %32, %33 = ssm_scan_exp %0, %14, %15, %15, %4 : DT[2, L, 13, 1], DT[2, 13, 1, 33]
      %34, %35 = ssm_scan_exp %0, %16, %17, %17, %4 : DT[2, L, 13, 1], DT[2, 13, 1, S]
      %36, %37 = ssm_scan_exp %0, %1, %2, %3, %4, %5 {reverse = true} : DT[2, L, 13, 1], DT[2, 13, 1, 16]
      %38, %39 = ssm_scan_exp %0, %1, %2, %3, %12, %13 {reverse = true} : DT[2, L, 13, 3], DT[2, 13, 3, 16]
      %40, %41 = ssm_scan_exp %0, %6, %2, %3, %18, %19 : DT[2, L, 13, 8], DT[2, 13, 8, 16]
      %42, %43 = ssm_scan_exp %0, %6, %2, %3, %18 {reverse = true} : DT[2, L, 13, 8], DT[2, 13, 8, 16]
      output "y" = %20
      output "last" = %21
      output "y_init" = %22
      output "last_init" = %23
      output "y_n1" = %24
      output "last_n1" = %25
      output "y_n17_per_head" = %26
      output "last_n17_per_head" = %27
      output "y_shared" = %28
      output "last_shared" = %29
      output "y_generic_p3" = %30
      output "last_generic_p3" = %31
      output "y_generic_n33" = %32
      output "last_generic_n33" = %33
      output "y_scratch" = %34
      output "last_scratch" = %35
      output "y_reverse" = %36
      output "last_reverse" = %37
      output "y_generic_reverse" = %38
      output "last_generic_reverse" = %39
      output "y_ssd_lanes" = %40
      output "last_ssd_lanes" = %41
      output "y_ssd_lanes_reverse" = %42
      output "last_ssd_lanes_reverse" = %43
    }
    """

/// Δ positive (it comes out of a softplus), A mostly negative but not all (the exp sees both signs; small enough that 700 steps stay finite).
let ssmExpModel = MixerModel(
    name: "ssm_exp", source: ssmExpSource, symbols: { ["L": $0, "S": 5] },
    ranges: ["dt": 0...1, "dtb": 0...1, "A": -3...0.05, "A1": -3...0.05, "A17": -3...0.05, "Ash": -3...0.05,
             "A33": -3...0.05, "As": -3...0.05])

@Suite struct SSMScanExpTests {
    @Test(arguments: [DType.f32, .f64])
    func agreesWithInterpreter(_ dt: DType) throws {
        let f = try function(ssmExpSource, dt)
        for level in optLevels {
            let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: level))
            for len in MixerTests.lengths {
                let inputs = mixerInputs(ssmExpModel, f, dt, len: len, seed: UInt64(len * 17 + level))
                let expected = try Interpreter().run(f, inputs: inputs, params: [:])
                let got = try compiled.run(inputs: inputs, params: [:])
                expectClose(got, expected, tol: mixerTolerance(dt), "ssm_scan_exp \(dt) -O\(level) L=\(len)")
            }
        }
    }

    /// Chunks of 26 (batch, head) pairs cut lane blocks anywhere; every lane computes the same bits regardless.
    @Test(arguments: optLevels, [DType.f32, .f64])
    func splitsBitIdentically(_ opt: Int, _ dt: DType) throws {
        let f = try function(ssmExpSource, dt)
        let c = try CompiledFunction(f, options: .init(optLevel: opt))
        let inputs = mixerInputs(ssmExpModel, f, dt, len: 700, seed: 3)
        let expected = try Interpreter().run(f, inputs: inputs, params: [:])
        var single: [String: Tensor] = [:]
        for threads in ThreadingTests.threadCounts {
            let run = try c.execute(inputs: inputs, params: [:], threads: threads)
            if threads == 1 {
                expectClose(run.outputs, expected, tol: mixerTolerance(dt), "\(dt) -O\(opt) threads=1")
                single = run.outputs
            } else {
                for (name, t) in single.sorted(by: { $0.key < $1.key }) {
                    #expect(run.outputs[name].map(ThreadingTests.bits) == ThreadingTests.bits(t),
                            "'\(name)' \(dt) -O\(opt): \(threads) threads differ from 1")
                }
                #expect(run.chunks.allSatisfy { $0 == min(threads, 26) }, "\(run.chunks)")
            }
        }
    }

    /// models/mamba_block.seq through the -O2 pipeline at B = 1, L = 512, d_inner = 64, N = 16: no value of shape
    /// [B, L, H, N] is left, the scan's operands total less than one such tensor, no buffer is that big, and the run
    /// allocates exactly the exp's and mul's 2 · B·L·H·N floats less than without the pass.
    @Test func mambaBlockAllocatesNoDecayTensor() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models/mamba_block.seq").path
        let graph = try lowerModel(try parseModel(String(contentsOfFile: path, encoding: .utf8), file: path))
        let optimized = try PassManager.pipeline(optLevel: 2).run(graph)
        let (batch, len, heads, states) = (1, 512, 64, 16)
        let decayBytes = batch * len * heads * states * 4
        let decayShape: [Dim] = [.symbol("B"), .symbol("L"), .known(heads), .known(states)]
        #expect(graph.body.contains { $0.results.contains { $0.type.shape == decayShape } })  // the test sees it before
        #expect(!optimized.body.contains { $0.results.contains { $0.type.shape == decayShape } })
        #expect(!printFunction(optimized).contains("[B, L, \(heads), \(states)]"))
        let scan = try #require(optimized.body.first { $0.op == .mixer(.ssmScanExp(hasInit: false)) })
        let sizes = ["B": batch, "L": len]
        let operandBytes = scan.operands.map { $0.type.resolve(sizes)!.reduce(1, *) * 4 }.reduce(0, +)
        #expect(operandBytes < decayBytes)

        let inputs = ["x": tensor(.f32, [batch, len, 32], seed: 1, -1, 1)]
        var params: [String: Tensor] = [:]
        for (k, p) in graph.params.enumerated() { params[p.name] = tensor(.f32, p.type.resolve(sizes)!, seed: UInt64(10 + k), -0.5, 0.5) }
        // Kernel fusion off on both sides: this compares the buffers of the two graphs, value for value.
        let fused = try CompiledFunction(optimized, options: .init(optLevel: 2, fuse: false))
        let run = try fused.execute(inputs: inputs, params: params, threads: 2)
        var largest = 0
        for (type, source) in zip(fused.plan.types, fused.plan.sources) where source == .owned || source == .scratch {
            let count: Int = type.resolve(sizes)!.reduce(1, *)
            largest = max(largest, count * type.dtype.byteSize)
        }
        #expect(largest < decayBytes)
        let unfused = try CompiledFunction(try PassManager([.cse, .dce]).run(graph), options: .init(optLevel: 2, fuse: false))
        let unfusedRun = try unfused.execute(inputs: inputs, params: params, threads: 2)
        #expect(unfusedRun.bufferBytes - run.bufferBytes == 2 * decayBytes)
        let expected = try Interpreter().run(graph, inputs: inputs, params: params)
        expectClose(run.outputs, expected, tol: 2e-5, "mamba block")
    }
}
