// toeplitz_fft (LowerToeplitzFFT.swift) against the interpreter's direct convolution: causal and bidirectional, batch
// 2, kernels shared over the batch, over everything, and per (batch, channel), with and without the fused skip d·x
// (per channel and per (batch, channel)) and gate g (per element, and per channel broadcast along time); lengths prime, 2^k, 2^k ± 1, 3·5·7 and
// the edge cases L = 0, 1, 2; kernels shorter than, as long as and longer than the sequence. Then thread-count bit
// identity and the error at L = 65536.
//
// Tolerance: |JIT − interpreter| ≤ tol · max |interpreter| with tol = 2e-5 in f32 and 1e-12 in f64, as for the
// direct mixers (MixerTests.swift). The FFT's rounding grows like ε·log2 N relative to the signal's norm, and with
// N ≤ 1024 here that stays below 2e-5 of the output scale in f32 (≈ 170 ulps); f64 leaves ~1e-15.
import Foundation
import IR
import Testing

@testable import Codegen
@testable import Interpreter

@Suite struct ToeplitzFFTTests {
    static let source = """
        func @fft {
          %0 = input "k" : DT[3, K]
          %1 = input "kr" : DT[3, K]
          %2 = input "x" : DT[2, 3, L]
          %3 = input "k1" : DT[K]
          %4 = input "kb" : DT[2, 3, K]
          %5 = toeplitz_fft %0, %2 {causal = true, skip = false} : DT[2, 3, L]
          %6 = toeplitz_fft %0, %1, %2 {causal = false, skip = false} : DT[2, 3, L]
          %7 = toeplitz_fft %3, %2 {causal = true, skip = false} : DT[2, 3, L]
          %8 = toeplitz_fft %4, %2 {causal = true, skip = false} : DT[2, 3, L]
          %9 = toeplitz_fft %3, %3, %2 {causal = false, skip = false} : DT[2, 3, L]
          %10 = input "d" : DT[3, 1]
          %11 = input "db" : DT[2, 3, 1]
          %12 = toeplitz_fft %0, %2, %10 {causal = true, skip = true} : DT[2, 3, L]
          %13 = toeplitz_fft %0, %1, %2, %11 {causal = false, skip = true} : DT[2, 3, L]
          %14 = input "g" : DT[2, 3, L]
          %15 = input "gl" : DT[3, 1]
          %16 = toeplitz_fft %0, %2, %10, %14 {causal = true, skip = true, gate = true} : DT[2, 3, L]
          %17 = toeplitz_fft %0, %1, %2, %15 {causal = false, skip = false, gate = true} : DT[2, 3, L]
          output "causal" = %5
          output "bidir" = %6
          output "shared_kernel" = %7
          output "per_batch_kernel" = %8
          output "shared_bidir" = %9
          output "skip" = %12
          output "bidir_per_batch_skip" = %13
          output "skip_gate" = %16
          output "bidir_row_gate" = %17
        }
        """

    static let lengths = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 97, 105, 127, 128, 129, 255, 256, 257]

    static func inputs(_ f: Function, _ dt: DType, len: Int, taps: Int, seed: UInt64) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (n, input) in f.inputs.enumerated() {
            out[input.name] = tensor(dt, input.type.resolve(["L": len, "K": taps])!, seed: seed &+ UInt64(n) &* 7919, -1, 1)
        }
        return out
    }

    @Test(arguments: [DType.f32, .f64])
    func agreesWithDirectConvolution(dtype: DType) throws {
        let f = try function(Self.source, dtype)
        let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: 2))
        for len in Self.lengths {
            for taps in Set([len, 3, len + 5, 1]) {
                let inputs = Self.inputs(f, dtype, len: len, taps: taps, seed: UInt64(len * 131 + taps))
                let expected = try Interpreter().run(f, inputs: inputs, params: [:])
                let got = try compiled.run(inputs: inputs, params: [:])
                expectClose(got, expected, tol: mixerTolerance(dtype), "toeplitz_fft \(dtype) L=\(len) K=\(taps)")
            }
        }
    }

    /// -O0 runs the same butterflies unoptimized (the vectorizer must not be what makes them right).
    @Test func agreesUnoptimized() throws {
        let f = try function(Self.source, .f32)
        let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: 0))
        for len in [1, 33, 100] {
            let inputs = Self.inputs(f, .f32, len: len, taps: len, seed: 3)
            let expected = try Interpreter().run(f, inputs: inputs, params: [:])
            expectClose(try compiled.run(inputs: inputs, params: [:]), expected, tol: mixerTolerance(.f32), "-O0 L=\(len)")
        }
    }

    /// One causal convolution of 40 channels, L = K = 300, batch 2 (the kernel shared over the batch).
    static func channels() throws -> Function {
        try function("""
            func @fft {
              %0 = input "k" : f32[H, L]
              %1 = input "x" : f32[2, H, L]
              %2 = toeplitz_fft %0, %1 {causal = true, skip = false} : f32[2, H, L]
              output "y" = %2
            }
            """)
    }

    static let channelInputs = ["k": tensor(.f32, [40, 300], seed: 1, -1, 1), "x": tensor(.f32, [2, 40, 300], seed: 2, -1, 1)]

    /// Channels split over threads give the same bits as one thread (each chunk builds the same twiddles).
    @Test func threadCountsAreBitIdentical() throws {
        let f = try Self.channels()
        let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: 2))
        let inputs = Self.channelInputs
        let one = try compiled.execute(inputs: inputs, params: [:], threads: 1).outputs
        for t in [2, 3, 7] {
            let run = try compiled.execute(inputs: inputs, params: [:], threads: t)
            let many = run.outputs
            #expect(run.chunks == [t])
            #expect(many["y"].map(ThreadingTests.bits) == ThreadingTests.bits(one["y"]!), "threads=\(t)")
        }
        let expected = try Interpreter().run(f, inputs: inputs, params: [:])
        expectClose(one, expected, tol: mixerTolerance(.f32), "threads")
    }

    /// Each chunk works in its own slice of the run's arena (ChunkWorkspace), sized by the same code as the kernel's
    /// layout: L = K = 300 → span 599, M = the FFT length for 300, ten runs of M + 16 floats per chunk (rounded up to
    /// 64 bytes), after the output [2, 40, 300]. The kernels allocate nothing themselves, so the arena is the run's
    /// whole working memory.
    @Test func workspaceIsOneArenaSlicePerChunk() throws {
        let f = try Self.channels()
        let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: 1))
        let inputs = Self.channelInputs
        let m = fastFFTLength(atLeast: 300)
        let perChunk = (10 * (m + 16) * 4 + 63) / 64 * 64
        for t in [1, 2, 3] {
            let run = try compiled.execute(inputs: inputs, params: [:], threads: t)
            #expect(run.chunks == [t])
            #expect(run.allocatedBytes == 2 * 40 * 300 * 4 + t * perChunk, "threads=\(t)")
            let use = try compiled.memoryUse(inputs: inputs, params: [:], threads: t)
            #expect(use.peakBytes == run.allocatedBytes && use.unsharedBytes == run.bufferBytes)
        }
    }

    /// `--emit kernels` states the butterfly plan of each FFT instruction: for L = K = 300 causal (span 599) the length
    /// the rule chooses for 300, and its stages; the fused epilogue; Bluestein's P for rfft (n = 100: P ≥ 199).
    @Test func listingShowsTheButterflyPlan() throws {
        let f = try function(Self.source, .f32)
        let text = try KernelListing.text(f, options: CodegenOptions(optLevel: 1), sizes: ["L": 300, "K": 300])
        let m = fastFFTLength(atLeast: 300)
        #expect(text.contains("fft: N = \(2 * m), M = \(m): "), "\(text)")
        #expect(m == 320 && text.contains("M = 320: 3 radix-4 stages, 1 radix-5 stage per transform"))
        #expect(text.contains("fft: fused into the inverse pass: spectrum product, skip + d·x, gate · g"))
        #expect(!text.contains("chosen in the kernel"))
        #expect(try KernelListing.text(f, options: CodegenOptions(optLevel: 1)).contains("chosen in the kernel from the run's L and K"))
        let dft = try function("""
            func @d {
              %0 = input "x" : f32[2, L]
              %1, %2 = rfft %0 {axis = 1, n = 100} : f32[2, 51], f32[2, 51]
              output "re" = %1
              output "im" = %2
            }
            """)
        let p = fastFFTLength(atLeast: 199)
        #expect(try KernelListing.text(dft, options: CodegenOptions(optLevel: 1), sizes: ["L": 7]).contains("fft: P = \(p): "))
    }

    /// One channel at L = 65536 (N = 131072) with a kernel as long as the sequence, against the f64 direct
    /// convolution (bit-identical to the interpreter's, MixerTests.f64ConvolutionIsExact, and much faster here).
    /// The bound is the golden suite's long_conv tolerance, rel_l2 ≤ 1e-4; the measured error is ~1e-6.
    @Test func errorAtLength65536IsWithinGoldenTolerance() throws {
        let len = 65536
        func conv(_ op: String, _ dt: DType) throws -> CompiledFunction {
            try CompiledFunction(function("""
                func @c {
                  %0 = input "k" : DT[1, L]
                  %1 = input "x" : DT[1, 1, L]
                  %2 = \(op) %0, %1 {causal = true\(op == "toeplitz_fft" ? ", skip = false" : "")} : DT[1, 1, L]
                  output "y" = %2
                }
                """, dt), options: CodegenOptions(optLevel: 2))
        }
        // A decaying kernel, as S4's are: the output then has the scale of the input.
        let decay = (0..<len).map { Foundation.exp(-Double($0) / 2000) * Foundation.cos(Double($0) / 50) }
        let k = try Tensor(shape: [1, len], floats: decay.map { Float($0) / 40 })
        let x = tensor(.f32, [1, 1, len], seed: 9, -1, 1)
        let got = try conv("toeplitz_fft", .f32).run(inputs: ["k": k, "x": x], params: [:])["y"]!.doubles()
        let reference = try conv("toeplitz", .f64).run(
            inputs: ["k": try Tensor(shape: [1, len], doubles: k.doubles()), "x": try Tensor(shape: [1, 1, len], doubles: x.doubles())],
            params: [:])["y"]!.doubles()
        let err = zip(got, reference).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        let norm = reference.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(err / norm <= 1e-4, "rel_l2 \(err / norm)")
        #expect(err / norm > 0)  // the f32 path really differs from the f64 reference (it ran)
    }
}
