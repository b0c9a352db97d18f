// BoundFunction (weights bound once, many runs): the weight-only part of the function — here an S4D-like kernel
// generated from params and the sequence length — is computed by the first run with given sizes and skipped by
// later ones, toeplitz_fft keeps its kernel spectra, and every result is bit-identical to the unbound run's.
import Foundation
import IR
import Testing

@testable import Codegen
@testable import Interpreter

@Suite struct BoundFunctionTests {
    /// y = toeplitz_fft(k, u) + d·u with k[h, t] = exp(a[h]·t)·cos(w[h]·t) generated from the params, and a second
    /// output convolving u with a kernel that depends on the input (nothing of it may be kept).
    static let source = """
        func @s4 {
          %0 = input "u" : f32[B, 6, L]
          %1 = param "a" : f32[6, 1]
          %2 = param "w" : f32[6, 1]
          %3 = param "d" : f32[6, 1]
          %4 = iota {axis = 0} : f32[L]
          %5 = mul %1, %4 : f32[6, L]
          %6 = exp %5 : f32[6, L]
          %7 = mul %2, %4 : f32[6, L]
          %8 = cos %7 : f32[6, L]
          %9 = mul %6, %8 : f32[6, L]
          %10 = toeplitz_fft %9, %0, %3 {causal = true, skip = true} : f32[B, 6, L]
          %11 = toeplitz_fft %0, %0 {causal = true, skip = false} : f32[B, 6, L]
          output "y" = %10
          output "self" = %11
        }
        """

    static func params() throws -> [String: Tensor] {
        ["a": try Tensor(shape: [6, 1], floats: (0..<6).map { -0.01 - 0.02 * Float($0) }),
         "w": try Tensor(shape: [6, 1], floats: (0..<6).map { 0.1 * Float($0) }),
         "d": tensor(.f32, [6, 1], seed: 3, 0.5, 1.5)]
    }

    @Test func boundRunsMatchUnboundRunsBitForBit() throws {
        let f = try function(Self.source)
        let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: 2))
        let bound = try compiled.bind(params: try Self.params())
        for (run, len) in [300, 300, 77, 300, 77, 1].enumerated() {
            let u = ["u": tensor(.f32, [2, 6, len], seed: UInt64(run), -1, 1)]
            let reference = try compiled.run(inputs: u, params: try Self.params(), threads: 2)
            for threads in [1, 2, 3] {
                let got = try bound.run(inputs: u, threads: threads)
                for name in ["y", "self"] {
                    #expect(got[name].map(ThreadingTests.bits) == reference[name].map(ThreadingTests.bits),
                            "run \(run) L=\(len) threads=\(threads) \(name)")
                }
            }
        }
        // The first convolution keeps its spectra (its kernel is weight-only), the second cannot (its kernel is u).
        #expect(compiled.code.weightOnly.persistentCalls.filter { $0 }.count == 1)
        // Three sizes cached: the generated kernel k [6, L] and the kept spectra (M + 1 complex and a flag per channel),
        // for L = 300, 77 and 1 (span 2L − 1, M the FFT length for ⌈span/2⌉ = L).
        let kept = [300, 77, 1].reduce(0) { acc, len in
            acc + 6 * len * 4 + 6 * (8 + (2 * fastFFTLength(atLeast: len) + 2) * 4)
        }
        #expect(bound.keptBytes == kept)
    }

    /// The first run with new sizes computes the weight-only kernels; later runs with those sizes skip them (0 chunks),
    /// and the input-dependent work always runs.
    @Test func laterRunsSkipTheWeightOnlyKernels() throws {
        let f = try function(Self.source)
        let bound = try CompiledFunction(f, options: CodegenOptions(optLevel: 2)).bind(params: try Self.params())
        let u = ["u": tensor(.f32, [1, 6, 50], seed: 1, -1, 1)]
        // Result.chunks lists the instructions that run code, in body order: chunks by body index.
        let computing = f.body.indices.filter { BufferPlan.needsKernel(f.body[$0].op) }
        func chunks(_ inputs: [String: Tensor]) throws -> [Int: Int] {
            Dictionary(uniqueKeysWithValues: zip(computing, try bound.execute(inputs: inputs, threads: 1).chunks))
        }
        let first = try chunks(u)
        let second = try chunks(u)
        // Body indices of the weight-only instructions (iota … the kernel k) and of the two convolutions.
        let weightOnly = f.body.indices.filter { i in
            if case .unary = f.body[i].op { return true }
            if case .iota = f.body[i].op { return true }
            if case .binary = f.body[i].op { return true }
            return false
        }
        let convolutions = f.body.indices.filter { if case .mixer = f.body[$0].op { return true }; return false }
        #expect(weightOnly.allSatisfy { first[$0]! > 0 } && weightOnly.allSatisfy { second[$0]! == 0 })
        #expect(convolutions.allSatisfy { first[$0]! > 0 && second[$0]! > 0 })
        // Another length computes them again, once.
        let other = ["u": tensor(.f32, [1, 6, 64], seed: 2, -1, 1)]
        let third = try chunks(other), fourth = try chunks(other)
        #expect(weightOnly.allSatisfy { third[$0]! > 0 && fourth[$0]! == 0 })
    }

    @Test func bindingChecksTheParamNames() throws {
        let compiled = try CompiledFunction(try function(Self.source), options: CodegenOptions(optLevel: 1))
        var missing = try Self.params()
        missing["w"] = nil
        #expect(throws: CodegenError.self) { try compiled.bind(params: missing) }
        var extra = try Self.params()
        extra["bias"] = tensor(.f32, [6], seed: 1)
        #expect(throws: CodegenError.self) { try compiled.bind(params: extra) }
        // A param of the wrong shape is reported by the run, as for unbound runs.
        var wrong = try Self.params()
        wrong["a"] = tensor(.f32, [5, 1], seed: 1)
        let bound = try compiled.bind(params: wrong)
        #expect(throws: (any Error).self) { try bound.run(inputs: ["u": tensor(.f32, [1, 6, 8], seed: 1)]) }
    }
}
