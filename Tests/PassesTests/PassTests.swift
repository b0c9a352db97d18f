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
    #expect(steps == ["select-mixer-algorithms:false", "fold-reversed-scans:false", "fuse-ssm-decay:false", "fuse-fft-epilogue:false", "cse:true", "dce:false"])
    #expect(out.body.count == 2)
    #expect(try PassManager.pipeline(optLevel: 0).run(f) == f)
}

@Test func selectMixerAlgorithmsWritesTheDenseForm() throws {
    let before = try parseFunction("""
        func @f {
          %0 = input "q" : f32[B, L, 4, 8]
          %1 = input "k" : f32[B, L, 2, 8]
          %2 = attention %0, %1, %1 {causal = true, scale = 0.5} : f32[B, L, 4, 8]
          output "y" = %2
        }

        """)
    let expected = """
        func @f {
          %0 = input "q" : f32[B, L, 4, 8]
          %1 = input "k" : f32[B, L, 2, 8]
          %3 = attention_matrix %0, %1 {causal = true, scale = 0.5} : f32[B, 4, L, L]
          %4 = reshape %1 : f32[B, L, 2, 1, 8]
          %5 = expand %4 : f32[B, L, 2, 2, 8]
          %6 = reshape %5 : f32[B, L, 4, 8]
          %7 = permute %6 {perm = [0, 2, 1, 3]} : f32[B, 4, L, 8]
          %8 = matmul %3, %7 : f32[B, 4, L, 8]
          %9 = permute %8 {perm = [0, 2, 1, 3]} : f32[B, L, 4, 8]
          output "y" = %9
        }

        """
    let dense = selectMixerAlgorithms(before, policy: .dense)
    try verify(dense)
    #expect(printFunction(dense) == expected)
    // Symbolic L: the cost model keeps the direct form; `.direct` never rewrites.
    #expect(selectMixerAlgorithms(before, policy: .auto) == before)
    #expect(selectMixerAlgorithms(before, policy: .direct) == before)
}

@Test func costModelPicksDenseOnlyForShortKnownLengths() throws {
    func scan(_ L: Int) throws -> Function {
        try parseFunction("""
            func @f {
              %0 = input "a" : f32[B, \(L), 2, 4]
              %1 = input "x" : f32[B, \(L), 2, 3]
              %2, %3 = ssm_scan %0, %0, %0, %1 : f32[B, \(L), 2, 3], f32[B, 2, 3, 4]
              output "y" = %2
            }

            """)
    }
    let short = selectMixerAlgorithms(try scan(8), policy: .auto)
    #expect(short.body.contains { $0.op == .mixer(.ssmMatrix) })
    #expect(!short.body.contains { $0.op == .mixer(.ssmScan(hasInit: false)) })
    let long = try scan(1000)
    #expect(selectMixerAlgorithms(long, policy: .auto) == long)
    // A scan whose final state is an output keeps its direct form even when dense is forced.
    var stateful = try scan(8)
    stateful.outputs.append(Output(name: "state", value: stateful.body[2].results[1]))
    #expect(selectMixerAlgorithms(stateful, policy: .dense) == stateful)
}

/// Chunked SSD: `.chunked` rewrites every forward scan with a scalar decay per head (and nothing else); `auto` takes it
/// only where its flop count Q·(N + P) + 4·N·P beats the recurrence's 5·N·P (a large state), never for a per-state
/// decay or a reverse scan.
@Test func chunkedSSDSelection() throws {
    func ssd(n: Int, p: Int, decayN: Int = 1, reverse: Bool = false) throws -> Function {
        try parseFunction("""
            func @f {
              %0 = input "a" : f32[1, L, 2, \(decayN)]
              %1 = input "b" : f32[1, L, 1, \(n)]
              %2 = input "x" : f32[1, L, 2, \(p)]
              %3, %4 = ssm_scan %0, %1, %1, %2\(reverse ? " {reverse = true}" : "") : f32[1, L, 2, \(p)], f32[1, 2, \(p), \(n)]
              output "y" = %3
            }
            """)
    }
    func chosen(_ f: Function, _ policy: MixerAlgorithm) -> String {
        selectMixerAlgorithms(f, policy: policy).body.last!.op.mnemonic
    }
    #expect(printFunction(selectMixerAlgorithms(try ssd(n: 16, p: 8), policy: .chunked)).contains(
        "%3, %4 = ssm_scan_chunked %0, %1, %1, %2 {chunk = \(ssdChunk)} : f32[1, L, 2, 8], f32[1, 2, 8, 16]"))
    #expect(chosen(try ssd(n: 16, p: 8, decayN: 16), .chunked) == "ssm_scan")
    #expect(chosen(try ssd(n: 16, p: 8, reverse: true), .chunked) == "ssm_scan")
    // W4's state (N = 128, P = 64): the recurrence; a 256 × 256 state: chunked.
    #expect(chosen(try ssd(n: 128, p: 64), .auto) == "ssm_scan")
    #expect(chosen(try ssd(n: 256, p: 256), .auto) == "ssm_scan_chunked")
    #expect(chosen(try ssd(n: 256, p: 256), .direct) == "ssm_scan")
}

@Test func selectMixerAlgorithmsWritesTheFFTForm() throws {
    func conv(_ L: String, _ K: String) throws -> Function {
        try parseFunction("""
            func @f {
              %0 = input "k" : f32[8, \(K)]
              %1 = input "x" : f32[B, 8, \(L)]
              %2 = toeplitz %0, %0, %1 {causal = false} : f32[B, 8, \(L)]
              output "y" = %2
            }

            """)
    }
    let after = """
        func @f {
          %0 = input "k" : f32[8, L]
          %1 = input "x" : f32[B, 8, L]
          %2 = toeplitz_fft %0, %0, %1 {causal = false, skip = false} : f32[B, 8, L]
          output "y" = %2
        }

        """
    // A symbolic kernel length is a long kernel: auto and fft both write the FFT form; direct keeps the op.
    let long = try conv("L", "L")
    for policy in [MixerAlgorithm.auto, .fft] {
        let out = selectMixerAlgorithms(long, policy: policy)
        try verify(out)
        #expect(printFunction(out) == after)
    }
    #expect(selectMixerAlgorithms(long, policy: .direct) == long)
    // The measured crossover: short kernels stay direct under auto (fft still forces), long ones go FFT.
    let short = try conv("L", String(fftMinTaps - 1))
    #expect(selectMixerAlgorithms(short, policy: .auto) == short)
    #expect(selectMixerAlgorithms(short, policy: .fft).body[2].op == .mixer(.toeplitzFFT(causal: false, skip: false)))
    #expect(selectMixerAlgorithms(try conv("L", String(fftMinTaps)), policy: .auto).body[2].op == .mixer(.toeplitzFFT(causal: false, skip: false)))
    // A short known L takes only min(K, L) taps, and L ≤ 32 is dense.
    let shortL = try conv("40", "L")
    #expect(selectMixerAlgorithms(shortL, policy: .auto) == shortL)
    #expect(selectMixerAlgorithms(try conv("16", "16"), policy: .auto).body.contains { $0.op == .mixer(.toeplitzMatrix(causal: false)) })
    // The FFT form reads back from its text.
    #expect(try parseFunction(after) == selectMixerAlgorithms(long, policy: .fft))
}

@Test func fuseFFTEpilogueMovesTheSkipIntoTheInversePass() throws {
    let before = try parseFunction("""
        func @f {
          %0 = input "u" : f32[B, 8, L]
          %1 = param "kernel" : f32[8, L]
          %2 = param "D" : f32[8]
          %3 = toeplitz_fft %1, %0 {causal = true, skip = false} : f32[B, 8, L]
          %4 = reshape %2 : f32[8, 1]
          %5 = mul %4, %0 : f32[B, 8, L]
          %6 = add %3, %5 : f32[B, 8, L]
          output "y" = %6
        }

        """)
    let after = """
        func @f {
          %0 = input "u" : f32[B, 8, L]
          %1 = param "kernel" : f32[8, L]
          %2 = param "D" : f32[8]
          %4 = reshape %2 : f32[8, 1]
          %6 = toeplitz_fft %1, %0, %4 {causal = true, skip = true} : f32[B, 8, L]
          output "y" = %6
        }

        """
    let fused = eliminateDeadCode(fuseFFTEpilogues(before))
    try verify(fused)
    #expect(printFunction(fused) == after)
    #expect(try parseFunction(after) == fused)
    // Not fused: the convolution is used elsewhere too, or the product is not of the convolution's input, or the
    // scale varies along time (not a per-row scalar).
    var shared = before
    shared.outputs.append(Output(name: "conv", value: before.body[3].results[0]))
    #expect(fuseFFTEpilogues(shared) == shared)
    let otherInput = try parseFunction(printFunction(before).replacingOccurrences(of: "%5 = mul %4, %0", with: "%5 = mul %4, %3"))
    #expect(fuseFFTEpilogues(otherInput) == otherInput)
    let perStep = try parseFunction("""
        func @f {
          %0 = input "u" : f32[B, 8, L]
          %1 = param "kernel" : f32[8, L]
          %2 = param "D" : f32[8, L]
          %3 = toeplitz_fft %1, %0 {causal = true, skip = false} : f32[B, 8, L]
          %5 = mul %2, %0 : f32[B, 8, L]
          %6 = add %5, %3 : f32[B, 8, L]
          output "y" = %6
        }

        """)
    #expect(fuseFFTEpilogues(perStep) == perStep)
}

/// Hyena's chain: each convolution with its skip, then the next gate, all in the inverse pass; the last gate is fused
/// too, and a gate that would widen the result (or a convolution used elsewhere) is left alone.
@Test func fuseFFTEpilogueMovesGatesIntoTheInversePass() throws {
    let before = try parseFunction("""
        func @f {
          %0 = input "u" : f32[B, 8, L]
          %1 = input "g1" : f32[B, 8, L]
          %2 = input "g2" : f32[B, 1, L]
          %3 = param "kernel" : f32[8, L]
          %4 = param "D" : f32[8, 1]
          %5 = toeplitz_fft %3, %0 {causal = true, skip = false} : f32[B, 8, L]
          %6 = mul %4, %0 : f32[B, 8, L]
          %7 = add %5, %6 : f32[B, 8, L]
          %8 = mul %1, %7 : f32[B, 8, L]
          %9 = toeplitz_fft %3, %8 {causal = true, skip = false} : f32[B, 8, L]
          %10 = mul %9, %2 : f32[B, 8, L]
          output "y" = %10
        }

        """)
    let after = """
        func @f {
          %0 = input "u" : f32[B, 8, L]
          %1 = input "g1" : f32[B, 8, L]
          %2 = input "g2" : f32[B, 1, L]
          %3 = param "kernel" : f32[8, L]
          %4 = param "D" : f32[8, 1]
          %8 = toeplitz_fft %3, %0, %4, %1 {causal = true, skip = true, gate = true} : f32[B, 8, L]
          %10 = toeplitz_fft %3, %8, %2 {causal = true, skip = false, gate = true} : f32[B, 8, L]
          output "y" = %10
        }

        """
    let fused = eliminateDeadCode(fuseFFTEpilogues(before))
    try verify(fused)
    #expect(printFunction(fused) == after)
    #expect(try parseFunction(after) == fused)
    let widening = try parseFunction("""
        func @f {
          %0 = input "u" : f32[8, L]
          %1 = input "g" : f32[2, 8, L]
          %2 = param "kernel" : f32[8, L]
          %3 = toeplitz_fft %2, %0 {causal = true, skip = false} : f32[8, L]
          %4 = mul %3, %1 : f32[2, 8, L]
          output "y" = %4
        }

        """)
    #expect(fuseFFTEpilogues(widening) == widening)
    var shared = before
    shared.outputs.append(Output(name: "conv", value: before.body[9].results[0]))
    #expect(fuseFFTEpilogues(shared).body.filter { $0.op == .mixer(.toeplitzFFT(causal: true, skip: false, gate: true)) }.isEmpty)
}
