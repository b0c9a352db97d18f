import ArgumentParser
import Foundation
import SeqC

struct Golden: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the conformance cases in a folder laid out like shared/golden and compare with expected outputs.",
        discussion: """
            Each case's 'family' selects models/<family>.seq (see models/README.md); its 'config' sets the model's \
            parameters. Prints one line per case, then 'N passed, N failed, N skipped'. Exits non-zero if any case failed.
            """)

    @Argument(help: "The folder of case folders.")
    var directory: String

    @Flag(help: "Run the reference interpreter instead of the JIT.")
    var interpret = false

    @Option(help: ArgumentHelp("Write each produced output to OUT/<case>/<name>.npy.", valueName: "OUT"))
    var saveOutputs: String?

    @Option(help: ArgumentHelp("Run only the cases whose name contains SUBSTRING.", valueName: "SUBSTRING"))
    var filter: String?

    @Option(help: ArgumentHelp("Where the <family>.seq models are (default: ./models, or the one beside the seqc build).", valueName: "DIR"))
    var models: String?

    @Option(help: mixersHelp)
    var mixers: String = "auto"

    @Option(name: .customShort("O", allowingJoined: true), help: ArgumentHelp("JIT optimization level 0…3.", valueName: "N"))
    var optLevel: Int = 2

    func run() throws {
        do {
            guard let modelsDir = models ?? defaultModelsDirectory() else {
                throw SeqCError("cannot find the models folder; pass --models DIR")
            }
            var options = GoldenOptions(modelsDirectory: modelsDir)
            options.interpret = interpret
            options.filter = filter
            options.saveOutputs = saveOutputs
            options.optLevel = optLevel
            options.mixers = try mixerAlgorithm(mixers)
            let engine = interpret ? "interpreter" : "JIT -O\(optLevel)"
            print("golden cases in \(directory) (\(engine), models from \(modelsDir))")
            let results = try runGoldenSuite(directory: directory, options: options) { r in
                print(line(r))
            }
            let count = { (s: GoldenResult.Status) in results.filter { $0.status == s }.count }
            let skippedFamilies = Set(results.filter { $0.status == .skipped }.map(\.family)).sorted()
            if !skippedFamilies.isEmpty {
                print("skipped families (not supported yet): \(skippedFamilies.joined(separator: ", "))")
            }
            if count(.unchecked) > 0 { print("\(count(.unchecked)) unchecked (no expected files)") }
            print("\(count(.passed)) passed, \(count(.failed)) failed, \(count(.skipped)) skipped")
            if count(.failed) > 0 { throw ExitCode(1) }
        } catch let e as ExitCode {
            throw e
        } catch {
            throw fail(error)
        }
    }

    func line(_ r: GoldenResult) -> String {
        let name = r.name.padding(toLength: max(28, r.name.count), withPad: " ", startingAt: 0)
        switch r.status {
        case .skipped: return "SKIP  \(name)  \(r.message ?? "")"
        case .unchecked: return "RUN   \(name)  outputs saved, nothing to compare"
        case .passed, .failed:
            let rel = r.checks.map(\.relL2).max() ?? .nan
            let mx = r.checks.map(\.maxAbs).max() ?? .nan
            var s = "\(r.status == .passed ? "PASS" : "FAIL")  \(name)  rel_l2 \(sci(rel))  max_abs \(sci(mx))"
            if r.status == .failed, let m = r.message { s += "  — \(m)" }
            return s
        }
    }
}

/// `./models` when it exists, else the `models` folder of the checkout the binary was built in.
func defaultModelsDirectory() -> String? {
    let fm = FileManager.default
    if fm.fileExists(atPath: "models") { return "models" }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("models")
        if fm.fileExists(atPath: candidate.path) { return candidate.path }
        dir = dir.deletingLastPathComponent()
    }
    return nil
}
