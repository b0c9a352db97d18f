import ArgumentParser
import Foundation
import SeqC

@main
struct Seqc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seqc",
        abstract: "Compile and run sequence-mixer models written in .seq files.",
        discussion: """
            A model is a .seq file (see docs/LANGUAGE.md). seqc checks it, lowers it to a typed IR, and either runs it \
            with the reference interpreter or JIT-compiles it through LLVM.
            """,
        subcommands: [Check.self, Compile.self, Run.self, Bench.self, Golden.self])
}

/// Prints an error as one clear message on stderr and exits non-zero.
func fail(_ error: any Error) -> ExitCode {
    let text = (error as? SeqCError)?.message ?? String(describing: error)
    let line = text.contains("error:") ? text : "error: \(text)"
    FileHandle.standardError.write(Data((line + "\n").utf8))
    return ExitCode(1)
}

/// `--mixers`' help, for every command that takes it.
let mixersHelp = ArgumentHelp(
    "How mixers run: auto (cost model), direct, dense (matrix times x), chunked (chunked SSD for scalar-decay scans), "
        + "or fft (Toeplitz mixers as FFT convolutions).",
    valueName: "ALGORITHM")

func printToStandardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Parses `--mixers`.
func mixerAlgorithm(_ text: String) throws(SeqCError) -> MixerAlgorithm {
    guard let m = MixerAlgorithm(rawValue: text) else {
        throw SeqCError("--mixers must be one of \(MixerAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
    }
    return m
}

/// Options shared by commands that build a model: parameters and config.
struct ModelOptions: ParsableArguments {
    @Argument(help: "The model file (.seq).")
    var model: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a model parameter.", valueName: "PARAM=VALUE"))
    var settings: [String] = []

    @Option(help: ArgumentHelp("Apply the keys of a JSON file's 'config' object (or its top level) that name model parameters.", valueName: "FILE.json"))
    var config: String?

    func load() throws(SeqCError) -> Model {
        var m = try Model(contentsOf: model)
        if let c = config { try m.applyConfig(path: c) }
        for s in settings {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
                throw SeqCError("--set expects PARAM=VALUE, got '\(s)'")
            }
            try m.setParameter(String(s[..<eq]), text: String(s[s.index(after: eq)...]))
        }
        return m
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Parse and type-check a model; print diagnostics.")

    @OptionGroup var options: ModelOptions

    func run() throws {
        do {
            let m = try options.load()
            let g = try m.graph()
            print("\(options.model): ok — model \(m.name), \(g.inputs.count) input(s), \(g.params.count) weight(s), \(g.outputs.count) output(s), \(g.body.count) IR instructions")
        } catch {
            throw fail(error)
        }
    }
}

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile a model and print it at a stage: ir, ir-opt, kernels, llvm or asm.",
        discussion: "'kernels' lists every kernel call with its instructions, thread split, workspace and FFT butterfly plan; give sizes (--size L=8192) to see the plan's lengths and stages.")

    @OptionGroup var options: ModelOptions

    @Option(help: ArgumentHelp("What to print: ir, ir-opt, kernels, llvm or asm.", valueName: "STAGE"))
    var emit: String = "ir"

    @Option(name: .customLong("size"), help: ArgumentHelp("A size symbol's value, for --emit kernels (repeatable).", valueName: "SYMBOL=N"))
    var sizeSettings: [String] = []

    @Option(name: .customShort("O", allowingJoined: true), help: ArgumentHelp("Optimization level 0…3 (-O0 … -O3).", valueName: "N"))
    var optLevel: Int = 2

    @Option(help: mixersHelp)
    var mixers: String = "auto"

    @Flag(help: "Print source locations on Graph IR lines.")
    var locations = false

    @Option(name: .customShort("o"), help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    @Flag(help: "Print how long each compilation phase took (on standard error).")
    var timePasses = false

    func run() throws {
        do {
            guard let stage = EmitStage(rawValue: emit) else {
                throw SeqCError("--emit must be one of \(EmitStage.allCases.map(\.rawValue).joined(separator: ", ")), got '\(emit)'")
            }
            guard (0...3).contains(optLevel) else { throw SeqCError("-O must be 0, 1, 2 or 3, got \(optLevel)") }
            var sizes: [String: Int] = [:]
            for s in sizeSettings {
                let parts = s.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, let n = Int(parts[1]), n >= 0 else {
                    throw SeqCError("--size expects SYMBOL=N with N ≥ 0, got '\(s)'")
                }
                sizes[parts[0]] = n
            }
            var timings = CompileTimings()
            let text = try options.load().emit(
                stage, optLevel: optLevel, locations: locations, mixers: try mixerAlgorithm(mixers), sizes: sizes,
                timings: &timings)
            if timePasses { printToStandardError(timings.table()) }
            if let path = output {
                guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                    throw SeqCError("\(path): cannot write the output file")
                }
            } else {
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            }
        } catch {
            throw fail(error)
        }
    }
}
