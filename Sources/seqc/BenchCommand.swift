import ArgumentParser
import Foundation
import SeqC

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time a model: compile it once, then run it on seeded random inputs and weights.",
        discussion: """
            Inputs are given by shape (--input x=1x2048x768, dtype from the model or :f32/:i32/…) or from a file \
            (--input x=FILE.npy). Without --weights every weight the model declares is random: rank ≥ 2 uniform in \
            ±1/√fan-in (fan-in: all dims but the first), rank ≤ 1 uniform in [0.5, 1.5]. Random float inputs are \
            uniform in [-1, 1); integer inputs are ids below the size of the table they index (an embedding's \
            vocabulary), or 0/1 when they index nothing. Everything is drawn from --seed.

            Reports compile time (frontend, Graph IR passes, LLVM, JIT), the median/min/max of the timed runs, \
            GFLOP/s (FLOPs counted from the optimized Graph IR: linear and matmul 2·M·N·K, mixers by their direct \
            algorithm) and memory (the runtime's buffers per run, weights, inputs, and the process's peak RSS). \
            Progress goes to standard error; --json prints one object on standard output.
            """)

    @OptionGroup var options: ModelOptions

    @Option(help: ArgumentHelp("Weights (.safetensors or .npz) instead of random ones.", valueName: "FILE"))
    var weights: String?

    @Option(name: .customLong("input"), help: ArgumentHelp("An input: NAME=SHAPE[:DTYPE] (SHAPE like 1x2048x768) or NAME=FILE.npy.", valueName: "NAME=SHAPE"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp("Worker threads for the JIT (default: the number of cores).", valueName: "N"))
    var threads: Int?

    @Option(help: ArgumentHelp("Timed runs.", valueName: "N"))
    var runs: Int = 10

    @Option(help: ArgumentHelp("Untimed runs before the timed ones.", valueName: "N"))
    var warmup: Int = 1

    @Option(help: ArgumentHelp("Seed of the random inputs and weights.", valueName: "N"))
    var seed: UInt64 = 0

    @Option(name: .customShort("O", allowingJoined: true), help: ArgumentHelp("JIT optimization level 0…3.", valueName: "N"))
    var optLevel: Int = 2

    @Option(help: mixersHelp)
    var mixers: String = "auto"

    @Flag(help: "Bind the weights once (as a served model runs): the first run makes what depends only on them and the sizes (kernel generation, kernel spectra); later runs reuse it.")
    var bindWeights = false

    @Flag(help: "Print one JSON object on standard output instead of the report.")
    var json = false

    @Flag(help: "Print how long each compilation phase took (on standard error).")
    var timePasses = false

    func run() throws {
        do {
            try runBenchmark()
        } catch {
            throw fail(error)
        }
    }

    func progress(_ s: String) { printToStandardError("bench: " + s) }

    func runBenchmark() throws {
        guard runs >= 1 else { throw SeqCError("--runs must be at least 1, got \(runs)") }
        guard warmup >= 0 else { throw SeqCError("--warmup must be at least 0, got \(warmup)") }
        if let t = threads, t < 1 { throw SeqCError("--threads must be at least 1, got \(t)") }
        guard (0...3).contains(optLevel) else { throw SeqCError("-O must be 0, 1, 2 or 3, got \(optLevel)") }
        let model = try options.load()
        let graph = try model.graph()

        // Inputs: from the specs, then the symbols they bind (which size the weights).
        var rng = SeededGenerator(seed: seed)
        let feeds = try BenchInputs.make(inputs, graph: graph, rng: &rng)
        let bindings = try BenchInputs.bindings(graph, feeds)
        let w: [String: Tensor]
        if let path = weights {
            w = try TensorFiles.readWeights(path)
        } else {
            progress("random weights (seed \(seed))")
            w = try RandomTensors.weights(for: graph, bindings: bindings, seed: seed &+ 1)
        }

        progress("compiling \(model.name) (-O\(optLevel))")
        let compiled = try model.compile(optLevel: optLevel, mixers: try mixerAlgorithm(mixers))
        compiled.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let t = compiled.timings
        progress("compiled in \(ms(t.total)) ms (" + CompileTimings.Group.allCases.map { "\($0.rawValue) \(ms(t.seconds($0)))" }.joined(separator: ", ") + " ms)")
        if timePasses { printToStandardError(t.table()) }
        let flops = FlopCount(compiled.function, bindings: bindings)

        var times: [Double] = []
        var buffers = 0
        let bound = bindWeights ? try compiled.bind(weights: w) : nil
        for i in 0..<(warmup + runs) {
            let start = ContinuousClock.now
            let r = try bound?.runMeasuringMemory(inputs: feeds) ?? compiled.runMeasuringMemory(inputs: feeds, weights: w)
            let elapsed = ContinuousClock.now - start
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            buffers = max(buffers, r.allocatedBytes)
            if i < warmup {
                progress("warm-up \(i + 1)/\(warmup): \(ms(s)) ms")
            } else {
                times.append(s)
                progress("run \(times.count)/\(runs): \(ms(s)) ms")
            }
        }
        if let bound { progress("weights bound: " + String(format: "%.1f KiB", Double(bound.keptBytes) / 1024) + " kept between runs") }
        let report = BenchReport(
            model: model.name, file: options.model, threads: compiled.threads, optLevel: optLevel, seed: seed,
            inputs: graph.inputs.map { ($0.name, feeds[$0.name]!) }, timings: t, seconds: times, flops: flops,
            bufferBytes: buffers, weightBytes: w.values.reduce(0) { $0 + $1.byteCount },
            inputBytes: feeds.values.reduce(0) { $0 + $1.byteCount }, maxRSSBytes: maxResidentBytes())
        print(json ? report.json() : report.text())
    }
}

func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }

/// The process's peak resident memory so far, in bytes (Linux reports ru_maxrss in KiB).
func maxResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

extension Tensor {
    var byteCount: Int { shape.reduce(1, *) * dtype.byteSize }
}
