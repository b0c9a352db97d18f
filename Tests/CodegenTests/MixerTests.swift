// The mixer kernels against the reference interpreter (the definition of every mixer, Interpreter/Mixers.swift):
// every mixer op, f32 and f64, -O0 and -O3, L = 0, 1, 7, 33, 200, batch 2, odd head counts, GQA, broadcast
// operands, both toeplitz directions with K < L and K > L, state in allocas and in scratch slots; then
// bit-identity over thread counts, and the memory flash attention allocates.
//
// Tolerance: |JIT − interpreter| ≤ tol · scale with scale = max |interpreter| over the output; tol = 2e-5 for f32,
// 1e-12 for f64. Why not tighter: the interpreter computes each mixer in double and rounds once at the end,
// while the JIT computes in the value's dtype — an f32 dot product, convolution tap sum or recurrence step
// rounds at every operation (ssm_scan's state is rounded to f32 each step in both, but the JIT's step rounds
// three times, the interpreter's once). Attention's online softmax also reorders the softmax sums (a
// rescaling by exp(m − m') per key tile of 64) and uses expf instead of a double exp. Over at most ~270 terms in
// the cases here that is a few hundred ulps of the output scale in the worst case: 2e-5 in f32 (≈ 170 ulps),
// 1e-12 in f64 (≈ 4500 ulps; in f64 only the reordering and exp differ from the interpreter).
import Foundation
import IR
import Testing

@testable import Codegen
@testable import Interpreter

/// A mixer model in IR text (`DT` becomes the dtype), the sizes of its symbols for a sequence length L, and the
/// value range of each input (default -1..<1; decays in 0.5..<1, linear-attention features positive).
struct MixerModel: Sendable {
    let name: String
    let source: String
    let symbols: @Sendable (Int) -> [String: Int]
    var ranges: [String: ClosedRange<Double>] = [:]
}

let mixerModels: [MixerModel] = [
    MixerModel(name: "toeplitz", source: """
        func @toeplitz {
          %0 = input "k" : DT[3, K]
          %1 = input "kr" : DT[3, K]
          %2 = input "x" : DT[2, 3, L]
          %3 = input "k1" : DT[K]
          %4 = input "xb" : DT[2, 1, L]
          %5 = toeplitz %0, %2 {causal = true} : DT[2, 3, L]
          %6 = toeplitz %0, %1, %2 {causal = false} : DT[2, 3, L]
          %7 = toeplitz %3, %2 {causal = true} : DT[2, 3, L]
          %8 = toeplitz %0, %1, %4 {causal = false} : DT[2, 3, L]
          %9 = toeplitz_matrix %0 {causal = true} : DT[3, L, L]
          %10 = toeplitz_matrix %0, %1 {causal = false} : DT[3, L, L]
          output "causal" = %5
          output "bidir" = %6
          output "shared_kernel" = %7
          output "bidir_broadcast_x" = %8
          output "m_causal" = %9
          output "m_bidir" = %10
        }
        """, symbols: { ["L": $0, "K": 3] }),
    // K > L for every L here (the kernel is longer than the sequence).
    MixerModel(name: "toeplitz_long_kernel", source: """
        func @toeplitz_long {
          %0 = input "k" : DT[3, K]
          %1 = input "kr" : DT[3, K]
          %2 = input "x" : DT[2, 3, L]
          %5 = toeplitz %0, %2 {causal = true} : DT[2, 3, L]
          %6 = toeplitz %0, %1, %2 {causal = false} : DT[2, 3, L]
          %9 = toeplitz_matrix %0 {causal = true} : DT[3, L, L]
          %10 = toeplitz_matrix %0, %1 {causal = false} : DT[3, L, L]
          output "causal" = %5
          output "bidir" = %6
          output "m_causal" = %9
          output "m_bidir" = %10
        }
        """, symbols: { ["L": $0, "K": $0 + 5] }),
    // H = 3 heads, P = 5, N = 4; an N = 1 decay (SSD's scalar per head) and b, c shared over heads (head axis 1).
    MixerModel(name: "ssm", source: """
        func @ssm {
          %0 = input "a" : DT[2, L, 3, 4]
          %1 = input "b" : DT[2, L, 3, 4]
          %2 = input "c" : DT[2, L, 3, 4]
          %3 = input "x" : DT[2, L, 3, 5]
          %4 = input "h0" : DT[2, 3, 5, 4]
          %5 = input "a1" : DT[2, L, 3, 1]
          %6 = input "bg" : DT[2, L, 1, 4]
          %7 = input "cg" : DT[2, L, 1, 4]
          %8, %9 = ssm_scan %0, %1, %2, %3 : DT[2, L, 3, 5], DT[2, 3, 5, 4]
          %10, %11 = ssm_scan %0, %1, %2, %3, %4 : DT[2, L, 3, 5], DT[2, 3, 5, 4]
          %12, %13 = ssm_scan %5, %6, %7, %3, %4 : DT[2, L, 3, 5], DT[2, 3, 5, 4]
          %16, %17 = ssm_scan %5, %6, %7, %3, %4 {reverse = true} : DT[2, L, 3, 5], DT[2, 3, 5, 4]
          %18, %19 = ssm_scan_chunked %5, %6, %7, %3, %4 {chunk = 3} : DT[2, L, 3, 5], DT[2, 3, 5, 4]
          %20, %21 = ssm_scan_chunked %5, %1, %2, %3 {chunk = 64} : DT[2, L, 3, 5], DT[2, 3, 5, 4]
          %14 = ssm_matrix %0, %1, %2 : DT[2, 3, L, L]
          %15 = ssm_matrix %5, %6, %7 : DT[2, 3, L, L]
          output "y" = %8
          output "last" = %9
          output "y_init" = %10
          output "last_init" = %11
          output "y_ssd" = %12
          output "last_ssd" = %13
          output "y_reverse" = %16
          output "last_reverse" = %17
          output "y_chunked" = %18
          output "last_chunked" = %19
          output "y_chunked64" = %20
          output "last_chunked64" = %21
          output "m" = %14
          output "m_ssd" = %15
        }
        """, symbols: { ["L": $0] }, ranges: ["a": 0.5...1, "a1": 0.5...1]),
    // Symbolic state dims: the state cannot go on the stack, so the kernels use BufferPlan's scratch slots.
    MixerModel(name: "ssm_scratch", source: """
        func @ssm_scratch {
          %0 = input "a" : DT[2, L, 3, N]
          %1 = input "b" : DT[2, L, 3, N]
          %2 = input "c" : DT[1, L, 3, N]
          %3 = input "x" : DT[2, L, 3, P]
          %4 = input "h0" : DT[2, 3, P, N]
          %5, %6 = ssm_scan %0, %1, %2, %3, %4 : DT[2, L, 3, P], DT[2, 3, P, N]
          %7 = ssm_matrix %0, %1, %2 : DT[2, 3, L, L]
          output "y" = %5
          output "last" = %6
          output "m" = %7
        }
        """, symbols: { ["L": $0, "N": 6, "P": 3] }, ranges: ["a": 0.5...1]),
    // H = 4 query heads over G = 2 kv heads (and G = 1), H = 3 over G = 3, dv ≠ d, Lk ≠ Lq (M = L + 70 keys:
    // several key tiles even for short L), a large scale (scores up to ~±50, which need the max subtraction).
    MixerModel(name: "attention", source: """
        func @attention {
          %0 = input "q" : DT[2, L, 4, 8]
          %1 = input "k" : DT[2, L, 2, 8]
          %2 = input "v" : DT[2, L, 2, 6]
          %3 = input "k1" : DT[2, L, 1, 8]
          %4 = input "v1" : DT[2, L, 1, 6]
          %5 = input "q3" : DT[2, L, 3, 8]
          %6 = input "k3" : DT[2, L, 3, 8]
          %7 = input "v3" : DT[2, L, 3, 8]
          %8 = input "km" : DT[2, M, 2, 8]
          %9 = input "vm" : DT[2, M, 2, 6]
          %10 = attention %0, %1, %2 {causal = true, scale = 0.35} : DT[2, L, 4, 6]
          %11 = attention %0, %1, %2 {causal = false, scale = 0.35} : DT[2, L, 4, 6]
          %12 = attention %0, %3, %4 {causal = true, scale = 0.5} : DT[2, L, 4, 6]
          %13 = attention %5, %6, %7 {causal = false, scale = 6} : DT[2, L, 3, 8]
          %14 = attention %0, %8, %9 {causal = true, scale = 0.35} : DT[2, L, 4, 6]
          %15 = attention %0, %8, %9 {causal = false, scale = 0.35} : DT[2, L, 4, 6]
          %16 = attention_matrix %0, %1 {causal = true, scale = 0.35} : DT[2, 4, L, L]
          %17 = attention_matrix %5, %6 {causal = false, scale = 6} : DT[2, 3, L, L]
          %18 = attention_matrix %0, %8 {causal = true, scale = 0.35} : DT[2, 4, L, M]
          output "causal_gqa" = %10
          output "full_gqa" = %11
          output "causal_mqa" = %12
          output "full_mha_sharp" = %13
          output "causal_more_keys" = %14
          output "full_more_keys" = %15
          output "w_causal" = %16
          output "w_sharp" = %17
          output "w_more_keys" = %18
        }
        """, symbols: { ["L": $0, "M": $0 + 70] }),
    // Fewer keys than queries (causal rows past the keys see them all) and none at all for L = 0.
    MixerModel(name: "attention_few_keys", source: """
        func @attention_few_keys {
          %0 = input "q" : DT[2, L, 4, 8]
          %8 = input "km" : DT[2, M, 2, 8]
          %9 = input "vm" : DT[2, M, 2, 6]
          %14 = attention %0, %8, %9 {causal = true, scale = 0.35} : DT[2, L, 4, 6]
          %15 = attention %0, %8, %9 {causal = false, scale = 0.35} : DT[2, L, 4, 6]
          %18 = attention_matrix %0, %8 {causal = true, scale = 0.35} : DT[2, 4, L, M]
          output "causal" = %14
          output "full" = %15
          output "w" = %18
        }
        """, symbols: { ["L": $0, "M": $0 / 2] }),
    // A symbolic head dim: the kernel reads keys in place instead of through the transposed stack tile.
    MixerModel(name: "attention_symbolic_dim", source: """
        func @attention_symbolic_dim {
          %0 = input "q" : DT[2, L, 3, D]
          %1 = input "k" : DT[2, L, 3, D]
          %2 = input "v" : DT[2, L, 3, 5]
          %3 = attention %0, %1, %2 {causal = true, scale = 0.4} : DT[2, L, 3, 5]
          %4 = attention %0, %1, %2 {causal = false, scale = 0.4} : DT[2, L, 3, 5]
          output "causal" = %3
          output "full" = %4
        }
        """, symbols: { ["L": $0, "D": 9] }),
    MixerModel(name: "linear_attention", source: """
        func @linear_attention {
          %0 = input "q" : DT[2, L, 3, 4]
          %1 = input "k" : DT[2, L, 3, 4]
          %2 = input "v" : DT[2, L, 3, 5]
          %3 = input "qd" : DT[2, L, 3, D]
          %4 = input "kd" : DT[2, L, 3, D]
          %5 = linear_attention %0, %1, %2 {causal = true, normalize = true, eps = 1e-6} : DT[2, L, 3, 5]
          %6 = linear_attention %0, %1, %2 {causal = false, normalize = true, eps = 1e-6} : DT[2, L, 3, 5]
          %7 = linear_attention %0, %1, %2 {causal = true, normalize = false, eps = 0} : DT[2, L, 3, 5]
          %8 = linear_attention %0, %1, %2 {causal = false, normalize = false, eps = 0} : DT[2, L, 3, 5]
          %9 = linear_attention %3, %4, %2 {causal = true, normalize = true, eps = 0.5} : DT[2, L, 3, 5]
          %10 = linear_attention_matrix %0, %1 {causal = true, normalize = true, eps = 1e-6} : DT[2, 3, L, L]
          %11 = linear_attention_matrix %0, %1 {causal = false, normalize = true, eps = 1e-6} : DT[2, 3, L, L]
          %12 = linear_attention_matrix %0, %1 {causal = true, normalize = false, eps = 0} : DT[2, 3, L, L]
          output "causal" = %5
          output "full" = %6
          output "causal_raw" = %7
          output "full_raw" = %8
          output "causal_scratch" = %9
          output "m_causal" = %10
          output "m_full" = %11
          output "m_causal_raw" = %12
        }
        """, symbols: { ["L": $0, "D": 7] }, ranges: ["q": 0.05...1, "k": 0.05...1, "qd": 0.05...1, "kd": 0.05...1]),
]

/// Seeded inputs of `model` for sequence length `len`.
func mixerInputs(_ model: MixerModel, _ f: Function, _ dt: DType, len: Int, seed: UInt64) -> [String: Tensor] {
    let sizes = model.symbols(len)
    var out: [String: Tensor] = [:]
    for (k, input) in f.inputs.enumerated() {
        let shape = input.type.resolve(sizes)!
        let r = model.ranges[input.name] ?? -1...1
        out[input.name] = tensor(dt, shape, seed: seed &+ UInt64(k) &* 7919, r.lowerBound, r.upperBound)
    }
    return out
}

/// Every output of `got` within `tol` of the output scale (max |expected|) of `expected`.
func expectClose(_ got: [String: Tensor], _ expected: [String: Tensor], tol: Double, _ what: String,
                 sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(Set(got.keys) == Set(expected.keys), sourceLocation: sourceLocation)
    for (name, e) in expected.sorted(by: { $0.key < $1.key }) {
        guard let g = got[name] else { continue }
        #expect(g.shape == e.shape && g.dtype == e.dtype, "\(what) '\(name)': \(g.dtype)\(g.shape) vs \(e.dtype)\(e.shape)",
                sourceLocation: sourceLocation)
        let (gv, ev) = (g.doubles(), e.doubles())
        guard gv.count == ev.count else { continue }
        let scale = ev.reduce(0) { Swift.max($0, Swift.abs($1)) }
        let bound = tol * scale
        let bad = gv.indices.filter { i in !(Swift.abs(gv[i] - ev[i]) <= bound || (gv[i].isNaN && ev[i].isNaN)) }
        if let i = bad.first {
            let message = "\(what) '\(name)' \(e.shape): \(bad.count) elements off; element \(i) is \(gv[i]), "
                + "interpreter \(ev[i]) (error \(Swift.abs(gv[i] - ev[i])) > \(tol) × scale \(scale))"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }
}

func mixerTolerance(_ dt: DType) -> Double { dt == .f32 ? 2e-5 : 1e-12 }

@Suite struct MixerTests {
    static let lengths = [0, 1, 7, 33, 200]

    static let cases: [(String, DType)] = mixerModels.flatMap { m in [DType.f32, .f64].map { (m.name, $0) } }

    @Test(arguments: cases)
    func mixersAgreeWithInterpreter(model name: String, dtype: DType) throws {
        let model = mixerModels.first { $0.name == name }!
        let f = try function(model.source, dtype)
        for level in optLevels {
            let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: level))
            for len in Self.lengths {
                let inputs = mixerInputs(model, f, dtype, len: len, seed: UInt64(len * 31 + level))
                let expected = try Interpreter().run(f, inputs: inputs, params: [:])
                let got = try compiled.run(inputs: inputs, params: [:])
                expectClose(got, expected, tol: mixerTolerance(dtype), "\(name) \(dtype) -O\(level) L=\(len)")
            }
        }
    }

    /// f64 toeplitz (and its matrix) computes exactly the interpreter's operations in its order: bit-identical.
    @Test(arguments: ["toeplitz", "toeplitz_long_kernel"])
    func f64ConvolutionIsExact(model name: String) throws {
        let model = mixerModels.first { $0.name == name }!
        let f = try function(model.source, .f64)
        let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: 3))
        for len in Self.lengths {
            let inputs = mixerInputs(model, f, .f64, len: len, seed: 5)
            let expected = try Interpreter().run(f, inputs: inputs, params: [:])
            let got = try compiled.run(inputs: inputs, params: [:])
            for (name, e) in expected {
                #expect(got[name].map(ThreadingTests.bits) == ThreadingTests.bits(e), "\(model.name) L=\(len) '\(name)'")
            }
        }
    }

    /// Where the state lives: small known state in allocas (no scratch slot), symbolic state dims in scratch
    /// slots sized per (batch, head) — never per time step.
    @Test func stateMemoryPlacement() throws {
        let ssm = try BufferPlan(function(mixerModels.first { $0.name == "ssm" }!.source))
        #expect(ssm.scratchSlots.isEmpty)
        #expect(!ssm.sources.contains(.scratch))
        let scratch = try BufferPlan(function(mixerModels.first { $0.name == "ssm_scratch" }!.source))
        let types = scratch.scratchSlots.sorted { $0.key < $1.key }.flatMap { $0.value.map { scratch.types[$0] } }
        #expect(types.map(\.description) == ["f32[2, 3, N, P]", "f32[2, 3, L, N]"])
        let la = try BufferPlan(function(mixerModels.first { $0.name == "linear_attention" }!.source))
        let laTypes = la.scratchSlots.values.flatMap { $0.map { la.types[$0] } }
        #expect(laTypes.map(\.description) == ["f32[2, 3, D, 5]", "f32[2, 3, D]"])
        // Known but too big for the stack (f64 [dk, dv] = 192 × 200 × 8 bytes) also goes to scratch.
        let big = try BufferPlan(function("""
            func @big {
              %0 = input "q" : f64[1, L, 1, 192]
              %1 = input "v" : f64[1, L, 1, 200]
              %2 = linear_attention %0, %0, %1 {causal = true, normalize = true, eps = 1e-6} : f64[1, L, 1, 200]
              output "y" = %2
            }
            """))
        #expect(big.scratchSlots.values.flatMap { $0 }.map { big.types[$0].description } == ["f64[1, 1, 192, 200]", "f64[1, 1, 192]"])
    }

    /// A 1×1024×1×8 causal attention allocates its output and nothing that grows with L²: no scratch, and the
    /// bytes the runtime allocates are the output's 1024·8 floats. The weights form, by contrast, is L² (which
    /// also shows that the counter sees big allocations).
    @Test(arguments: optLevels)
    func flashAttentionAllocatesNoScoreMatrix(_ opt: Int) throws {
        let f = try function("""
            func @flash {
              %0 = input "q" : f32[1, L, 1, 8]
              %1 = input "k" : f32[1, L, 1, 8]
              %2 = input "v" : f32[1, L, 1, 8]
              %3 = attention %0, %1, %2 {causal = true, scale = 0.35} : f32[1, L, 1, 8]
              output "y" = %3
            }
            """)
        let len = 1024
        let c = try CompiledFunction(f, options: .init(optLevel: opt))
        #expect(c.plan.scratchSlots.isEmpty)
        let inputs = ["q": tensor(.f32, [1, len, 1, 8], seed: 1), "k": tensor(.f32, [1, len, 1, 8], seed: 2),
                      "v": tensor(.f32, [1, len, 1, 8], seed: 3)]
        for threads in [1, 2] {
            let run = try c.execute(inputs: inputs, params: [:], threads: threads)
            #expect(run.allocatedBytes == len * 8 * 4, "allocated \(run.allocatedBytes) bytes")
            #expect(run.allocatedBytes < len * len / 16)
            let expected = try Interpreter().run(f, inputs: inputs, params: [:])
            expectClose(run.outputs, expected, tol: 2e-5, "flash L=1024")
        }
        let w = try CompiledFunction(function("""
            func @weights {
              %0 = input "q" : f32[1, L, 1, 8]
              %1 = input "k" : f32[1, L, 1, 8]
              %3 = attention_matrix %0, %1 {causal = true, scale = 0.35} : f32[1, 1, L, L]
              output "w" = %3
            }
            """), options: .init(optLevel: opt))
        let wr = try w.execute(inputs: ["q": inputs["q"]!, "k": inputs["k"]!], params: [:], threads: 1)
        #expect(wr.allocatedBytes == len * len * 4)
    }

    /// Every mixer kernel (state on the stack and in scratch) on 1, 2, 3 and 7 threads: close to the interpreter
    /// once, then bit-identical for every thread count, and really split (every kernel here has a partitioned
    /// extent of at least 6 and touches at least 16 384 elements).
    @Test(arguments: optLevels, [DType.f32, .f64])
    func mixersSplitBitIdentically(_ opt: Int, _ dt: DType) throws {
        let f = try function("""
            func @mixers {
              %0 = input "k" : DT[64, 40]
              %1 = input "kr" : DT[64, 40]
              %2 = input "x" : DT[2, 64, L]
              %3 = input "a" : DT[2, L, 3, 16]
              %4 = input "b" : DT[2, L, 3, 16]
              %5 = input "c" : DT[2, L, 1, 16]
              %6 = input "xs" : DT[2, L, 3, 32]
              %7 = input "h0" : DT[2, 3, 32, 16]
              %8 = input "q" : DT[2, L, 4, 16]
              %9 = input "kk" : DT[2, L, 2, 16]
              %10 = input "v" : DT[2, L, 2, 16]
              %11 = input "fq" : DT[2, L, 3, 32]
              %12 = input "fk" : DT[2, L, 3, 32]
              %13 = input "as" : DT[2, L, 3, S]
              %14 = input "xsym" : DT[2, L, 3, S]
              %20 = toeplitz %0, %2 {causal = true} : DT[2, 64, L]
              %21 = toeplitz %0, %1, %2 {causal = false} : DT[2, 64, L]
              %22 = toeplitz_matrix %0, %1 {causal = false} : DT[64, L, L]
              %23, %24 = ssm_scan %3, %4, %5, %6, %7 : DT[2, L, 3, 32], DT[2, 3, 32, 16]
              %25 = ssm_matrix %3, %4, %5 : DT[2, 3, L, L]
              %26, %27 = ssm_scan %13, %13, %13, %14 : DT[2, L, 3, S], DT[2, 3, S, S]
              %28 = attention %8, %9, %10 {causal = true, scale = 0.25} : DT[2, L, 4, 16]
              %29 = attention %8, %9, %10 {causal = false, scale = 0.25} : DT[2, L, 4, 16]
              %30 = attention_matrix %8, %9 {causal = true, scale = 0.25} : DT[2, 4, L, L]
              %31 = linear_attention %11, %12, %6 {causal = true, normalize = true, eps = 1e-6} : DT[2, L, 3, 32]
              %32 = linear_attention %11, %12, %6 {causal = false, normalize = true, eps = 1e-6} : DT[2, L, 3, 32]
              %33 = linear_attention_matrix %11, %12 {causal = true, normalize = true, eps = 1e-6} : DT[2, 3, L, L]
              %34 = linear_attention %13, %13, %6 {causal = true, normalize = false, eps = 0} : DT[2, L, 3, 32]
              %35 = attention %13, %14, %6 {causal = true, scale = 0.3} : DT[2, L, 3, 32]
              output "conv" = %20
              output "conv_bidir" = %21
              output "conv_m" = %22
              output "ssm_y" = %23
              output "ssm_last" = %24
              output "ssm_m" = %25
              output "ssm_scratch_y" = %26
              output "ssm_scratch_last" = %27
              output "attn_causal" = %28
              output "attn_full" = %29
              output "attn_w" = %30
              output "la_causal" = %31
              output "la_full" = %32
              output "la_m" = %33
              output "la_scratch" = %34
              output "attn_symbolic_dim" = %35
            }
            """, dt)
        let c = try CompiledFunction(f, options: .init(optLevel: opt))
        #expect(c.plan.scratchSlots.count == 2)  // the symbolic-state ssm_scan and linear_attention
        let model = MixerModel(name: "threads", source: "", symbols: { ["L": $0, "S": 16] },
                               ranges: ["a": 0.5...1, "as": 0.5...1, "fq": 0.05...1, "fk": 0.05...1])
        let inputs = mixerInputs(model, f, dt, len: 200, seed: 77)
        let expected = try Interpreter().run(f, inputs: inputs, params: [:])
        var single: [String: Tensor] = [:]
        for threads in ThreadingTests.threadCounts {
            let run = try c.execute(inputs: inputs, params: [:], threads: threads)
            if threads == 1 {
                expectClose(run.outputs, expected, tol: mixerTolerance(dt), "\(dt) -O\(opt) threads=1")
                single = run.outputs
                #expect(run.chunks.allSatisfy { $0 == 1 })
            } else {
                for (name, t) in single.sorted(by: { $0.key < $1.key }) {
                    #expect(run.outputs[name].map(ThreadingTests.bits) == ThreadingTests.bits(t),
                            "'\(name)' \(dt) -O\(opt): \(threads) threads differ from 1")
                }
                let kernels = c.function.body.filter { BufferPlan.needsKernel($0.op) }
                for (inst, chunks) in zip(kernels, run.chunks) {
                    #expect(chunks > 1, "\(inst.op.mnemonic) ran whole on \(threads) threads")
                }
            }
        }
    }
}
