import ArgumentParser
import Foundation
import SeqC

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model on tensors from .npy/.npz files and weights from a .safetensors file.",
        discussion: "By default the model is JIT-compiled; --interpret runs the reference interpreter instead.")

    @OptionGroup var options: ModelOptions

    @Option(help: ArgumentHelp("Weights (.safetensors or .npz), named as the model's params.", valueName: "FILE"))
    var weights: String?

    @Option(name: .customLong("input"), help: ArgumentHelp("An input: NAME=FILE.npy, or FILE.npz for every member.", valueName: "NAME=FILE"))
    var inputs: [String] = []

    @Option(name: .customLong("output"), help: ArgumentHelp("Save an output: NAME=FILE.npy, or FILE.npz for all outputs.", valueName: "NAME=FILE"))
    var outputs: [String] = []

    @Flag(help: "Run the reference interpreter instead of the JIT.")
    var interpret = false

    @Flag(help: "Run both the JIT and the interpreter and report how far apart they are.")
    var compare = false

    @Option(name: .customShort("O", allowingJoined: true), help: ArgumentHelp("JIT optimization level 0…3.", valueName: "N"))
    var optLevel: Int = 2

    @Option(help: mixersHelp)
    var mixers: String = "auto"

    @Option(help: ArgumentHelp("Worker threads for the JIT (default: the number of cores).", valueName: "N"))
    var threads: Int?

    @Flag(help: "Print how long each compilation phase took (on standard error).")
    var timePasses = false

    func run() throws {
        do {
            let model = try options.load()
            var feeds: [String: Tensor] = [:]
            for spec in inputs {
                if let eq = spec.firstIndex(of: "=") {
                    feeds[String(spec[..<eq])] = try TensorFiles.readNPY(String(spec[spec.index(after: eq)...]))
                } else if spec.hasSuffix(".npz") {
                    for (n, t) in try TensorFiles.readNPZ(spec) { feeds[n] = t }
                } else {
                    throw SeqCError("--input expects NAME=FILE.npy or FILE.npz, got '\(spec)'")
                }
            }
            let w = try weights.map { path throws(SeqCError) in try TensorFiles.readWeights(path) } ?? [:]
            if let t = threads, t < 1 { throw SeqCError("--threads must be at least 1, got \(t)") }
            guard (0...3).contains(optLevel) else { throw SeqCError("-O must be 0, 1, 2 or 3, got \(optLevel)") }

            let clock = ContinuousClock()
            let results: [String: Tensor]
            var summary: [String] = []
            if interpret {
                let start = clock.now
                results = try model.interpret(inputs: feeds, weights: w, mixers: try mixerAlgorithm(mixers))
                summary.append("interpreted in \(format(clock.now - start))")
            } else {
                var start = clock.now
                let compiled = try model.compile(optLevel: optLevel, mixers: try mixerAlgorithm(mixers))
                compiled.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
                summary.append("compiled (-O\(optLevel)) in \(format(clock.now - start))")
                if timePasses { printToStandardError(compiled.timings.table()) }
                start = clock.now
                results = try compiled.run(inputs: feeds, weights: w)
                summary.append("ran on \(compiled.threads) thread(s) in \(format(clock.now - start))")
                let memory = try compiled.memoryUse(inputs: feeds, weights: w)
                summary.append("\(compiled.kernelCalls) kernel calls, peak working memory \(formatBytes(memory.peakBytes)) "
                    + "(\(formatBytes(memory.unsharedBytes)) without buffer sharing)")
            }
            let g = try model.graph()
            print("model \(model.name) (\(model.file)): \(summary.joined(separator: ", "))")
            for o in g.outputs {
                guard let t = results[o.name] else { continue }
                print("  \(o.name): " + describe(t))
            }
            if compare && !interpret {
                let reference = try model.interpret(inputs: feeds, weights: w, precision: .f64)
                for o in g.outputs {
                    guard let a = results[o.name], let b = reference[o.name] else { continue }
                    let (rel, mx) = compareOutputs(a.doubles(), b.doubles())
                    print("  \(o.name): JIT vs f64 interpreter: rel_l2 \(sci(rel)), max_abs \(sci(mx))")
                }
            }
            try save(results, order: g.outputs.map(\.name))
        } catch {
            throw fail(error)
        }
    }

    func save(_ results: [String: Tensor], order: [String]) throws(SeqCError) {
        for spec in outputs {
            if let eq = spec.firstIndex(of: "=") {
                let name = String(spec[..<eq])
                guard let t = results[name] else {
                    throw SeqCError("--output: the model has no output '\(name)' (outputs: \(order.joined(separator: ", ")))")
                }
                try TensorFiles.writeNPY(t, String(spec[spec.index(after: eq)...]))
            } else if spec.hasSuffix(".npz") {
                try TensorFiles.writeNPZ(order.compactMap { n in results[n].map { (name: n, tensor: $0) } }, spec)
            } else {
                throw SeqCError("--output expects NAME=FILE.npy or FILE.npz, got '\(spec)'")
            }
        }
    }
}

/// `f32[2, 8, 37]  mean 0.0123  min -1.5  max 2.25  [0.1, 0.2, 0.3, …]`
func describe(_ t: Tensor) -> String {
    let d = t.doubles()
    var s = "\(t.dtype)\(t.shape)"
    guard !d.isEmpty else { return s + "  (empty)" }
    let mean = d.reduce(0, +) / Double(d.count)
    s += "  mean \(sci(mean))  min \(sci(d.min()!))  max \(sci(d.max()!))"
    s += "  [" + d.prefix(4).map(sci).joined(separator: ", ") + (d.count > 4 ? ", …]" : "]")
    return s
}

func sci(_ x: Double) -> String { String(format: "%.4g", x) }

func formatBytes(_ n: Int) -> String {
    n < 1 << 20 ? String(format: "%.1f KiB", Double(n) / 1024) : String(format: "%.1f MiB", Double(n) / Double(1 << 20))
}

func format(_ d: Duration) -> String {
    let s = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    return s < 1 ? String(format: "%.1f ms", s * 1000) : String(format: "%.2f s", s)
}
