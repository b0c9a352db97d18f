// seqc-bench: times JIT-compiled workload models at the sizes of docs/PERFORMANCE.md: the mixers
// (Benchmarks/workloads/*.seq: W1, W3, W4, W5) and whole models (models/*.seq with their parameters set: W8 one Mamba
// block, LM1 a Mamba-130m-shaped LM, LM2 a Mamba-2-130m-shaped LM; seeded random weights, `RandomTensors`).
//
//   swift run -c release --package-path Benchmarks seqc-bench [--workload W1|W2|W3|W4|W5|W6|W7|W8|LM1|LM2|all] [--threads 1,2]
//       [--runs N] [--warmup N] [--verify-length L] [--length L] [--json]
//
// For each workload: build the model from its .seq file, compile it once (timed), check the JIT against the
// reference interpreter at a reduced length (a workload that fails the check is never timed), then time `run` at
// the full size for each thread count: warm-up runs, then N timed runs; median, min and max. With --json, one
// object per line on stdout, in the schema the peers share:
//   {"workload","impl","threads","median_ms","min_ms","max_ms","runs"} (+ "compile_ms", "compile_split_ms",
//   "gflop" (counted from the optimized Graph IR), "buffer_bytes", "verify_rel_err"),
// or {"workload","impl","threads","error"} when the model does not compile or does not verify.
// The timed region is one `CompiledModel.run` call: it includes the API's copies of inputs and outputs. A workload
// whose impl is `seqc-bound` (W2, W6) times `BoundModel.run` instead: the weights are bound once per thread count and
// the warm-up run computes what depends only on them and the length (kernel generation, kernel spectra), which the
// timed runs reuse — as a served model runs.
import Foundation
import SeqC

// MARK: - Options

struct Options {
    var workloads = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "LM1", "LM2"]
    var threads = [1, 2]
    var runs = 5
    var warmup = 1
    var json = false
    var verifyLength = 64
    var length = 2048
    /// Measure the direct/FFT convolution crossover instead of the workloads (docs/FFT.md).
    var crossover = false
    /// Time W2's convolution at these lengths instead of the workloads (docs/FFT.md, transform lengths).
    var fftLengths: [Int] = []
    var workloadsDir: String = {
        // Sources/seqc-bench/main.swift → Benchmarks/workloads
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("workloads").path
    }()
    /// The repository's models/ (W8, LM1, LM2).
    var modelsDir: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models").path
    }()
}

func usage() -> Never {
    FileHandle.standardError.write(Data("""
    usage: seqc-bench [--workload W1|W2|W3|W4|W5|W6|W7|W8|LM1|LM2|all[,…]] [--threads 1,2] [--runs N] [--warmup N]
                      [--verify-length L] [--length L] [--workloads DIR] [--models DIR] [--json]
           seqc-bench --crossover [--length L] [--runs N]   (direct vs FFT Toeplitz convolution by kernel taps)
           seqc-bench --fft-lengths L1,L2,… [--runs N]        (W2's FFT convolution at each length, 1 thread)

    """.utf8))
    exit(2)
}

func parseOptions() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst()
    func value() -> String {
        guard let v = args.popFirst() else { usage() }
        return v
    }
    func ints(_ s: String) -> [Int] {
        let v = s.split(separator: ",").compactMap { Int($0) }
        if v.isEmpty || v.contains(where: { $0 < 1 }) { usage() }
        return v
    }
    while let a = args.popFirst() {
        switch a {
        case "--workload", "-w":
            let v = value()
            o.workloads = v.lowercased() == "all" ? Options().workloads : v.uppercased().split(separator: ",").map(String.init)
        case "--threads", "-t": o.threads = ints(value())
        case "--runs", "-n": o.runs = ints(value())[0]
        case "--warmup": o.warmup = max(Int(value()) ?? 1, 0)
        case "--verify-length": o.verifyLength = ints(value())[0]
        case "--length": o.length = ints(value())[0]
        case "--workloads": o.workloadsDir = value()
        case "--models": o.modelsDir = value()
        case "--json": o.json = true
        case "--crossover": o.crossover = true
        case "--fft-lengths": o.fftLengths = ints(value())
        case "-h", "--help": usage()
        default:
            FileHandle.standardError.write(Data("seqc-bench: unknown argument \(a)\n".utf8))
            usage()
        }
    }
    return o
}

// MARK: - Seeded random tensors

/// SplitMix64: a small, seedable generator, so every run times the same numbers.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func uniform(_ shape: [Int], _ lo: Float, _ hi: Float, _ rng: inout SplitMix64) -> Tensor {
    let n = shape.reduce(1, *)
    var a = [Float](repeating: 0, count: n)
    for i in 0..<n { a[i] = Float.random(in: lo..<hi, using: &rng) }
    return try! Tensor(shape: shape, floats: a)
}

/// Mamba's Δ-bias initialisation: softplus⁻¹ of a step log-uniform in [0.001, 0.1].
func dtBias(_ n: Int, _ rng: inout SplitMix64) -> Tensor {
    let a = (0..<n).map { _ -> Float in
        let dt = exp(Float.random(in: log(Float(0.001))..<log(Float(0.1)), using: &rng))
        return dt + log(-expm1(-dt))
    }
    return try! Tensor(shape: [n], floats: a)
}

// MARK: - Workloads

struct Workload {
    var id: String
    var impl: String
    /// A file in Benchmarks/workloads, or in models/ when `settings` is not nil.
    var file: String
    var title: String
    var inputs: (_ L: Int, _ rng: inout SplitMix64) -> [String: Tensor]
    /// The weights; nil: every weight the model declares, seeded random (`RandomTensors.weights`).
    var weights: ((_ rng: inout SplitMix64) -> [String: Tensor])?
    /// For a whole model from models/: the parameters that give it the benchmark's shape.
    var settings: [(String, ParameterValue)]? = nil
    /// The interpreter check's length when shorter than --verify-length (the f64 interpreter is slow on a 24-layer LM).
    var verifyLength: Int? = nil
    /// The timed length when the workload fixes its own (else --length).
    var length: Int? = nil
    /// Weights whose shapes follow the sequence length (a kernel as long as L), made per length.
    var lengthWeights: ((_ L: Int, _ rng: inout SplitMix64) -> [String: Tensor])? = nil
    /// Time runs of the model with its weights bound (`CompiledModel.bind`): the warm-up run computes what depends only
    /// on the weights and the length (kernel generation, kernel spectra), the timed runs reuse it.
    var bound = false
}

let W1Inputs: (Int, inout SplitMix64) -> [String: Tensor] = { L, rng in
    let D = 1536, N = 16
    return ["u": uniform([1, D, L], -1, 1, &rng), "delta": uniform([1, D, L], -0.5, 0.5, &rng),
            "B": uniform([1, N, L], -1, 1, &rng), "C": uniform([1, N, L], -1, 1, &rng),
            "z": uniform([1, D, L], -1, 1, &rng)]
}
let W1Weights: (inout SplitMix64) -> [String: Tensor] = { rng in
    let D = 1536, N = 16
    // A[d, n] = -(n + 1): Mamba's S4D-real initialisation.
    let A = try! Tensor(shape: [D, N], floats: (0..<D * N).map { -Float($0 % N + 1) })
    return ["A": A, "D": uniform([D], 0.5, 1.5, &rng), "delta_bias": dtBias(D, &rng)]
}

let H = 24, P = 64, NS = 128
let ssdWeights: (inout SplitMix64) -> [String: Tensor] = { rng in
    ["A": uniform([H], -16, -1, &rng), "D": uniform([H], 0.5, 1.5, &rng), "dt_bias": dtBias(H, &rng)]
}

let W2 = Workload(id: "W2", impl: "seqc", file: "w2_long_conv.seq",
    title: "causal long convolution H=768, kernel length L, D skip (FFT)",
    inputs: { L, rng in ["u": uniform([1, 768, L], -1, 1, &rng)] }, weights: { _ in [:] }, length: 8192,
    lengthWeights: { L, rng in
        // A decaying kernel, as trained long-convolution kernels are, so the output keeps the input's scale.
        let k = uniform([768, L], -1, 1, &rng).floats().enumerated().map { i, v in v * exp(-Float(i % L) / 1000) / 30 }
        return ["kernel": try! Tensor(shape: [768, L], floats: k), "D": uniform([768], 0.5, 1.5, &rng)]
    })
let W6 = Workload(id: "W6", impl: "seqc", file: "w6_s4d.seq",
    title: "S4D H=768, 64 complex modes: kernel generation + causal FFT convolution + D skip",
    inputs: { L, rng in ["u": uniform([1, 768, L], -1, 1, &rng)] }, weights: { rng in
        // s4d.py's S4D-Lin initialisation: log Δ uniform in [log 1e-3, log 1e-1], A = −½ + iπn.
        let H = 768, N = 64
        let logDt = (0..<H).map { _ in Float.random(in: log(Float(1e-3))..<log(Float(1e-1)), using: &rng) }
        return ["kernel.log_dt": try! Tensor(shape: [H], floats: logDt),
                "kernel.C": uniform([H, N, 2], -0.7, 0.7, &rng),
                "kernel.log_A_real": try! Tensor(shape: [H, N], floats: [Float](repeating: log(0.5), count: H * N)),
                "kernel.A_imag": try! Tensor(shape: [H, N], floats: (0..<H * N).map { Float.pi * Float($0 % N) }),
                "D": uniform([H], 0.5, 1.5, &rng)]
    }, length: 8192)

/// A workload timed with its weights bound (`CompiledModel.bind`): the warm-up run makes what depends only on the
/// weights and L (kernel generation, kernel spectra), the timed runs reuse it.
func bound(_ w: Workload, _ kept: String) -> Workload {
    var b = w
    b.impl = "seqc-bound"
    b.title += ", weights bound: " + kept
    b.bound = true
    return b
}

let mixerWorkloads: [Workload] = [
    Workload(id: "W1", impl: "seqc", file: "w1_selective_scan.seq",
             title: "Mamba selective scan D=1536 N=16 (semiseparable mixer)", inputs: W1Inputs, weights: W1Weights),
    Workload(id: "W1", impl: "seqc-scanop", file: "w1_selective_scan_scanop.seq",
             title: "Mamba selective scan D=1536 N=16 (plain scan primitive)", inputs: W1Inputs, weights: W1Weights),
    Workload(id: "W3", impl: "seqc", file: "w3_attention.seq", title: "causal softmax attention 12 heads d=64",
             inputs: { L, rng in
                 ["q": uniform([1, L, 12, 64], -1, 1, &rng), "k": uniform([1, L, 12, 64], -1, 1, &rng),
                  "v": uniform([1, L, 12, 64], -1, 1, &rng)]
             }, weights: { _ in [:] }),
    Workload(id: "W4", impl: "seqc", file: "w4_ssd.seq", title: "Mamba-2 SSD 24 heads P=64 N=128",
             inputs: { L, rng in
                 ["x": uniform([1, L, H, P], -1, 1, &rng), "dt": uniform([1, L, H], -0.5, 0.5, &rng),
                  "B": uniform([1, L, 1, NS], -1, 1, &rng), "C": uniform([1, L, 1, NS], -1, 1, &rng)]
             }, weights: ssdWeights),
    Workload(id: "W5", impl: "seqc", file: "w5_hydra.seq", title: "Hydra bidirectional SSD (quasiseparable)",
             inputs: { L, rng in
                 ["x": uniform([1, L, H, P], -1, 1, &rng),
                  "dt_fw": uniform([1, L, H], -0.5, 0.5, &rng), "dt_bw": uniform([1, L, H], -0.5, 0.5, &rng),
                  "B_fw": uniform([1, L, 1, NS], -1, 1, &rng), "C_fw": uniform([1, L, 1, NS], -1, 1, &rng),
                  "B_bw": uniform([1, L, 1, NS], -1, 1, &rng), "C_bw": uniform([1, L, 1, NS], -1, 1, &rng)]
             }, weights: ssdWeights),
    W2,
    W6,
    bound(W2, "kernel spectra kept"),
    bound(W6, "generated kernel and its spectra kept"),
    // W7: GEMM alone, (L × in) · (in × out) as `linear` (weight [out, in]); --workload W7 runs both shapes.
    Workload(id: "W7a", impl: "seqc", file: "w7_gemm_in_proj.seq", title: "GEMM (L×768)·(768×3072), linear",
             inputs: { L, rng in ["x": uniform([L, 768], -1, 1, &rng)] },
             weights: { rng in ["w": uniform([3072, 768], -0.05, 0.05, &rng)] }),
    Workload(id: "W7b", impl: "seqc", file: "w7_gemm_out_proj.seq", title: "GEMM (L×1536)·(1536×768), linear",
             inputs: { L, rng in ["x": uniform([L, 1536], -1, 1, &rng)] },
             weights: { rng in ["w": uniform([768, 1536], -0.05, 0.05, &rng)] }),
]

/// W8, LM1, LM2: whole models from models/ at Mamba-130m's sizes, random weights (`RandomTensors`).
let mambaSizes: [(String, ParameterValue)] = [("d_model", .int(768)), ("d_state", .int(16)), ("d_conv", .int(4)), ("expand", .int(2)), ("dt_rank", .int(48))]
let tokens: (Int, inout SplitMix64) -> [String: Tensor] = { L, rng in
    // Valid ids below both LMs' vocabularies (50280, 50288).
    ["input_ids": try! Tensor(shape: [1, L], storage: .i32((0..<L).map { _ in Int32(rng.next() % 50280) }))]
}
let modelWorkloads: [Workload] = [
    Workload(id: "W8", impl: "seqc", file: "mamba_block.seq",
             title: "one Mamba block d_model 768, d_inner 1536, N=16, d_conv 4, dt_rank 48",
             inputs: { L, rng in ["x": uniform([1, L, 768], -1, 1, &rng)] }, weights: nil, settings: mambaSizes),
    Workload(id: "LM1", impl: "seqc", file: "mamba_lm.seq",
             title: "Mamba-130m-shaped LM forward: 24 layers, vocab 50280, d_model 768",
             inputs: tokens, weights: nil, settings: mambaSizes + [("n_layer", .int(24)), ("vocab_size", .int(50280))], verifyLength: 16),
    Workload(id: "LM2", impl: "seqc", file: "mamba2_lm.seq",
             title: "Mamba-2-130m-shaped LM forward: 24 layers, vocab 50288, d_model 768, headdim 64, N=128",
             inputs: tokens, weights: nil,
             settings: [("d_model", .int(768)), ("n_layer", .int(24)), ("vocab_size", .int(50288)), ("d_state", .int(128)),
                        ("headdim", .int(64)), ("expand", .int(2)), ("d_conv", .int(4))], verifyLength: 16),
]

// MARK: - Measuring

func milliseconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) * 1e3 + Double(c.attoseconds) * 1e-15
}

/// max |a - b| / max |b| over the float outputs both have.
func relativeError(_ got: [String: Tensor], _ want: [String: Tensor]) -> Double {
    var num = 0.0, den = 0.0
    for (name, w) in want {
        guard let g = got[name] else { return .infinity }
        let a = g.doubles(), b = w.doubles()
        guard a.count == b.count else { return .infinity }
        for i in 0..<a.count {
            let e = abs(a[i] - b[i])
            if !(e <= num) { num = e.isNaN ? .infinity : max(num, e) }
            den = max(den, abs(b[i]))
        }
    }
    return den > 0 ? num / den : num
}

func allFinite(_ outputs: [String: Tensor]) -> Bool {
    outputs.values.allSatisfy { $0.floats().allSatisfy(\.isFinite) }
}


func fmt(_ x: Double) -> String { String(format: "%.3f", x) }

let options = parseOptions()
/// Progress and human-readable results: stderr with --json (stdout carries only the JSON lines), else stdout.
func note(_ s: String) {
    if options.json { FileHandle.standardError.write(Data((s + "\n").utf8)) } else { print(s); fflush(nil) }
}

func emit(_ w: Workload, threads: Int, fields: [(String, String)]) {
    let head = [("workload", JSONValue.quoted(w.id)), ("impl", JSONValue.quoted(w.impl)), ("threads", "\(threads)")]
    let line = "{" + (head + fields).map { "\(JSONValue.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    if options.json { print(line); fflush(nil) }
}

func emitError(_ w: Workload, _ message: String) {
    note("  \(w.id) \(w.impl): \(message)")
    for t in options.threads { emit(w, threads: t, fields: [("error", JSONValue.quoted(message))]) }
}

let workloads = mixerWorkloads + modelWorkloads

/// One warm-up run, then `--runs` timed runs (ms) of `compiled` on 1 thread.
func timeOneThread(_ compiled: CompiledModel, _ inputs: [String: Tensor], _ weights: [String: Tensor]) throws -> [Double] {
    compiled.threads = 1
    _ = try compiled.run(inputs: inputs, weights: weights)
    let clock = ContinuousClock()
    return try (0..<options.runs).map { _ in
        let s = clock.now
        _ = try compiled.run(inputs: inputs, weights: weights)
        return milliseconds(clock.now - s)
    }
}

/// The Toeplitz crossover behind `fftMinTaps`: 64 channels at length `--length`, kernels of K taps, through the
/// JIT at -O3 on 1 thread with the mixers forced direct and forced FFT; the fastest of the runs of each (the least
/// disturbed by a busy machine) and their ratio.
func measureCrossover() {
    let L = options.length
    print("K taps | direct ms | fft ms | direct/fft   (64 channels, L=\(L), 1 thread, fastest of \(options.runs))")
    for taps in [16, 32, 64, 96, 128, 160, 192, 256, 384, 512] {
        var rng = SplitMix64(seed: 1)
        let source = "model Crossover(taps = \(taps)) { input u: f32[B, 64, L]\n param k: f32[64, taps]\n output y = toeplitz(k) @ u }"
        let inputs = ["u": uniform([1, 64, L], -1, 1, &rng)], weights = ["k": uniform([64, taps], -1, 1, &rng)]
        var medians: [Double] = []
        for mixers in [MixerAlgorithm.direct, .fft] {
            do {
                let compiled = try Model(source: source).compile(optLevel: 3, mixers: mixers)
                medians.append(try timeOneThread(compiled, inputs, weights).min()!)
            } catch {
                print("K=\(taps) \(mixers): \(error)")
                return
            }
        }
        print("\(taps) | \(fmt(medians[0])) | \(fmt(medians[1])) | \(String(format: "%.2f", medians[0] / medians[1]))")
    }
}

if options.crossover {
    measureCrossover()
    exit(0)
}

/// W2's model (768 channels, kernels as long as the sequence, D skip) at each of `--fft-lengths`, through the JIT at
/// -O3 on 1 thread: median, min and max of the runs, and the median per channel and per sample (to compare lengths).
func measureFFTLengths() {
    print("L | median ms | min ms | max ms | ns per sample   (W2: 768 channels, 1 thread, \(options.runs) runs)")
    let path = (options.workloadsDir as NSString).appendingPathComponent("w2_long_conv.seq")
    for L in options.fftLengths {
        var rng = SplitMix64(seed: 0x5EC0)
        let inputs = ["u": uniform([1, 768, L], -1, 1, &rng)]
        let weights = ["kernel": uniform([768, L], -1, 1, &rng), "D": uniform([768], 0.5, 1.5, &rng)]
        do {
            let times = try timeOneThread(try Model(contentsOf: path).compile(optLevel: 3), inputs, weights).sorted()
            let median = times[times.count / 2]
            print("\(L) | \(fmt(median)) | \(fmt(times.first!)) | \(fmt(times.last!)) | \(fmt(median * 1e6 / Double(768 * L)))")
        } catch {
            print("L=\(L): \(error)")
        }
    }
}

if !options.fftLengths.isEmpty {
    measureFFTLengths()
    exit(0)
}

/// Interpreter outputs of each workload's first form, to hold a second form of the same workload to them.
var interpreted: [String: [String: Tensor]] = [:]

for id in options.workloads {
    // A workload family (W7) selects its members (W7a, W7b).
    let selected = workloads.filter { $0.id == id || ($0.id.dropLast() == id && $0.id.last!.isLetter) }
    if selected.isEmpty { note("seqc-bench: unknown workload \(id)"); exit(2) }
    for w in selected {
        note("\(w.id) [\(w.impl)] \(w.title): \(w.file), L=\(w.length ?? options.length)")
        let dir = w.settings == nil ? options.workloadsDir : options.modelsDir
        let path = (dir as NSString).appendingPathComponent(w.file)
        var model: Model
        var rng = SplitMix64(seed: 0x5EC0)  // the same seed for every workload and run
        let fixed: [String: Tensor]
        do {
            model = try Model(contentsOf: path)
            for (name, value) in w.settings ?? [] { try model.setParameter(name, value) }
            fixed = try w.weights.map { $0(&rng) } ?? RandomTensors.weights(for: try model.graph(), bindings: [:], seed: 0x5EC0)
        } catch { emitError(w, "model: \((error as? SeqCError)?.message ?? "\(error)")"); continue }
        func weights(_ L: Int) -> [String: Tensor] {
            var seeded = SplitMix64(seed: 0x5EC1)
            return fixed.merging(w.lengthWeights?(L, &seeded) ?? [:]) { a, _ in a }
        }
        let length = w.length ?? options.length

        // The reference: the interpreter (f64) at a reduced length. It runs first, so a model that the JIT cannot
        // compile yet is still checked, and (for a workload written two ways) compared with the other form.
        var small = SplitMix64(seed: 7)
        let verifyLength = min(options.verifyLength, w.verifyLength ?? options.verifyLength)
        let smallInputs = w.inputs(verifyLength, &small)
        let want: [String: Tensor]
        do {
            want = try model.interpret(inputs: smallInputs, weights: weights(verifyLength), precision: .f64)
        } catch { emitError(w, "interpreter: \(error.message)"); continue }
        if let other = interpreted[w.id] {
            let e = relativeError(want.filter { other.keys.contains($0.key) }, other.filter { want.keys.contains($0.key) })
            note("  interpreter: same outputs as the workload's other form, max rel err \(String(format: "%.2e", e))")
            guard e < 1e-9 else { emitError(w, "the two forms of \(w.id) disagree in the interpreter: \(e)"); continue }
        } else {
            interpreted[w.id] = want
        }

        // Compile once.
        let clock = ContinuousClock()
        let t0 = clock.now
        let compiled: CompiledModel
        do { compiled = try model.compile(optLevel: 3) } catch { emitError(w, error.message); continue }
        let compileMs = milliseconds(clock.now - t0)
        let split = CompileTimings.Group.allCases.map { ($0.rawValue, compiled.timings.seconds($0) * 1e3) }
        note("  compiled in \(fmt(compileMs)) ms (" + split.map { "\($0.0) \(fmt($0.1))" }.joined(separator: ", ") + " ms)")
        let splitJSON = "{" + split.map { "\(JSONValue.quoted($0.0)):\(fmt($0.1))" }.joined(separator: ",") + "}"

        // Check the JIT against the interpreter before timing anything.
        let relErr: Double
        do {
            let got = try compiled.run(inputs: smallInputs, weights: weights(verifyLength))
            relErr = relativeError(got, want)
        } catch { emitError(w, "verification: \(error.message)"); continue }
        note("  JIT vs interpreter (f64) at L=\(verifyLength): max rel err \(String(format: "%.2e", relErr))")
        guard relErr < 1e-3 else {
            emitError(w, "verification failed at L=\(verifyLength): max rel err \(relErr)")
            continue
        }

        // Time the full size.
        let inputs = w.inputs(length, &rng)
        let timedWeights = weights(length)
        let gflop: String
        if let b = try? bindSymbols(compiled.function, inputs: inputs, params: timedWeights),
           let count = FlopCount(compiled.function, bindings: b) {
            gflop = String(format: "%.3f", count.total / 1e9)
            note("  \(gflop) GFLOP per run (from the optimized Graph IR)")
        } else {
            gflop = "null"
        }
        let runs = options.runs
        for t in options.threads {
            compiled.threads = t
            do {
                var bufferBytes = 0
                var times: [Double] = []
                // The first run (a warm-up unless --warmup 0) checks the outputs.
                let warmup = options.warmup
                // Bound weights: bound once per thread count, so the first (warm-up) run fills the cache again.
                let bound = w.bound ? try compiled.bind(weights: timedWeights) : nil
                for i in 0..<(warmup + runs) {
                    let s = clock.now
                    let (out, bytes) = try bound?.runMeasuringMemory(inputs: inputs)
                        ?? compiled.runMeasuringMemory(inputs: inputs, weights: timedWeights)
                    let elapsed = milliseconds(clock.now - s)
                    bufferBytes = max(bufferBytes, bytes)
                    if i == 0, !allFinite(out) { throw SeqCError("non-finite output at full size") }
                    if i >= warmup { times.append(elapsed) }
                    note("    \(i < warmup ? "warm-up" : "run") \(i + 1): \(fmt(elapsed)) ms")
                }
                times.sort()
                let n = times.count
                let median = n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2
                note("  threads=\(t): median \(fmt(median)) ms (min \(fmt(times[0])), max \(fmt(times[n - 1])), \(n) runs)")
                emit(w, threads: t, fields: [
                    ("median_ms", fmt(median)), ("min_ms", fmt(times[0])), ("max_ms", fmt(times[n - 1])),
                    ("runs", "\(n)"), ("compile_ms", fmt(compileMs)), ("compile_split_ms", splitJSON), ("gflop", gflop),
                    ("buffer_bytes", "\(bufferBytes)"), ("verify_rel_err", String(format: "%.3e", relErr)),
                ])
            } catch let e as SeqCError {
                note("  threads=\(t): \(e.message)")
                emit(w, threads: t, fields: [("error", JSONValue.quoted(e.message))])
            } catch {
                emit(w, threads: t, fields: [("error", JSONValue.quoted("\(error)"))])
            }
        }
    }
}
