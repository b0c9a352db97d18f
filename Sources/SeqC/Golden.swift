import Foundation
import IR
import Passes
import Interpreter

// The conformance runner over case folders laid out like `shared/golden` (see its README):
// `<case>/meta.json`, `weights.safetensors`, `<input>.npy`, `expected*.npy`.
//
// Each case's `family` names a model file `models/<family>.seq`; its `config` sets the model's parameters.
// Model outputs map to expected files by order and name: the first output is `expected`, any other output
// `name` is `expected_<name>`.

/// One case folder's description, from its `meta.json`.
public struct GoldenCase: Sendable {
    public let name: String
    public let directory: URL
    public let family: String
    public let config: [String: JSONValue]
    /// Input names, each read from `<name>.npy`, in sorted order.
    public let inputs: [String]
    /// Expected output keys (`expected`, `expected_ssm_state`, …), sorted.
    public let outputs: [String]
    let meta: JSONValue

    public init(directory: URL) throws(SeqCError) {
        self.directory = directory
        let metaPath = directory.appendingPathComponent("meta.json").path
        guard let data = FileManager.default.contents(atPath: metaPath) else {
            throw SeqCError("\(metaPath): cannot read the case description")
        }
        meta = try JSONValue.parse(data, file: metaPath)
        guard let family = meta["family"]?.string else { throw SeqCError("\(metaPath): no 'family' string") }
        self.family = family
        name = meta["case"]?.string ?? directory.lastPathComponent
        config = meta["config"]?.object ?? [:]
        inputs = (meta["inputs"]?.object?.keys).map { $0.sorted() } ?? []
        outputs = (meta["outputs"]?.object?.keys).map { $0.sorted() } ?? ["expected"]
    }

    /// The tolerance for one expected output: `tolerance.outputs[key]`, else the case-wide pair.
    public func tolerance(for key: String) -> (relL2: Double, maxAbs: Double) {
        let t = meta["tolerance"]
        let specific = t?["outputs"]?[key]
        let rel = specific?["rel_l2"]?.double ?? t?["rel_l2"]?.double ?? 1e-4
        let abs = specific?["max_abs"]?.double ?? t?["max_abs"]?.double ?? .infinity
        return (rel, abs)
    }
}

/// The comparison of one produced output with its expected file.
public struct OutputCheck: Sendable {
    public let key: String
    public let relL2: Double
    public let maxAbs: Double
    public let tolerance: (relL2: Double, maxAbs: Double)
    public var passed: Bool { relL2 <= tolerance.relL2 && maxAbs <= tolerance.maxAbs }
}

/// What happened to one case.
public struct GoldenResult: Sendable {
    public enum Status: String, Sendable {
        case passed, failed, skipped
        /// Ran, but the folder has no expected files to compare with.
        case unchecked
    }

    public let name: String
    public let family: String
    public let status: Status
    public let checks: [OutputCheck]
    /// Why it failed or was skipped.
    public let message: String?
}

/// How to run the suite.
public struct GoldenOptions: Sendable {
    public var interpret = false
    public var precision: InterpreterPrecision = .native
    public var optLevel = 2
    /// How the mixers run (the interpreter too, when forced).
    public var mixers: MixerAlgorithm = .auto
    /// Run only cases whose folder name contains this.
    public var filter: String?
    /// Write each produced output to `<saveOutputs>/<case>/<key>.npy`.
    public var saveOutputs: String?
    /// Where `<family>.seq` files are.
    public var modelsDirectory: String

    public init(modelsDirectory: String) { self.modelsDirectory = modelsDirectory }
}

/// The relative L2 error and the largest absolute error of `y` against `expected`, in double precision.
public func compareOutputs(_ y: [Double], _ expected: [Double]) -> (relL2: Double, maxAbs: Double) {
    var num = 0.0, den = 0.0, maxAbs = 0.0
    for (a, e) in zip(y, expected) {
        let d = a - e
        num += d * d
        den += e * e
        let ad = Swift.abs(d)
        if ad > maxAbs || ad.isNaN { maxAbs = ad.isNaN ? .nan : ad }
    }
    let rel = den > 0 ? (num / den).squareRoot() : num.squareRoot()
    return (rel.isNaN ? .infinity : rel, maxAbs.isNaN ? .infinity : maxAbs)
}

/// Runs every case folder under `directory` (sorted by name) and reports each through `report` as it finishes.
public func runGoldenSuite(
    directory: String, options: GoldenOptions, report: (GoldenResult) -> Void = { _ in }
) throws(SeqCError) -> [GoldenResult] {
    let root = URL(fileURLWithPath: directory)
    let entries: [String]
    do {
        entries = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    } catch {
        throw SeqCError("\(directory): cannot list the golden folder")
    }
    var results: [GoldenResult] = []
    for entry in entries {
        let dir = root.appendingPathComponent(entry)
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("meta.json").path) else { continue }
        if let f = options.filter, !entry.contains(f) { continue }
        let result = runGoldenCase(directory: dir, options: options)
        report(result)
        results.append(result)
    }
    return results
}

/// Runs one case folder.
public func runGoldenCase(directory: URL, options: GoldenOptions) -> GoldenResult {
    let golden: GoldenCase
    do {
        golden = try GoldenCase(directory: directory)
    } catch {
        return GoldenResult(name: directory.lastPathComponent, family: "?", status: .failed, checks: [], message: error.message)
    }
    func fail(_ m: String) -> GoldenResult {
        GoldenResult(name: golden.name, family: golden.family, status: .failed, checks: [], message: m)
    }
    let modelPath = URL(fileURLWithPath: options.modelsDirectory).appendingPathComponent("\(golden.family).seq").path
    guard FileManager.default.fileExists(atPath: modelPath) else {
        return GoldenResult(
            name: golden.name, family: golden.family, status: .skipped, checks: [],
            message: "family '\(golden.family)' is not supported yet (no \(modelPath))")
    }
    do {
        var model = try Model(contentsOf: modelPath)
        try model.applyConfig(golden.config, file: directory.appendingPathComponent("meta.json").path)
        var inputs: [String: Tensor] = [:]
        for name in golden.inputs {
            inputs[name] = try TensorFiles.readNPY(directory.appendingPathComponent("\(name).npy").path)
        }
        let weightsPath = directory.appendingPathComponent("weights.safetensors").path
        let weights = FileManager.default.fileExists(atPath: weightsPath) ? try TensorFiles.readSafetensors(weightsPath) : [:]
        let produced: [String: Tensor]
        if options.interpret {
            produced = try model.interpret(inputs: inputs, weights: weights, precision: options.precision, mixers: options.mixers)
        } else {
            produced = try model.compile(optLevel: options.optLevel, mixers: options.mixers).run(inputs: inputs, weights: weights)
        }
        let outputNames = try model.graph().outputs.map(\.name)
        var byKey: [String: Tensor] = [:]
        for (i, n) in outputNames.enumerated() {
            byKey[i == 0 ? "expected" : "expected_\(n)"] = produced[n]
        }
        if let out = options.saveOutputs {
            let caseDir = URL(fileURLWithPath: out).appendingPathComponent(golden.name)
            try? FileManager.default.createDirectory(at: caseDir, withIntermediateDirectories: true)
            for (key, t) in byKey.sorted(by: { $0.key < $1.key }) {
                try TensorFiles.writeNPY(t, caseDir.appendingPathComponent("\(key).npy").path)
            }
        }
        var checks: [OutputCheck] = []
        var problems: [String] = []
        var anyExpected = false
        for key in golden.outputs {
            let path = directory.appendingPathComponent("\(key).npy").path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            anyExpected = true
            guard let y = byKey[key] else {
                problems.append("the model gives no output for '\(key)' (outputs: \(outputNames.joined(separator: ", ")))")
                continue
            }
            let expected = try TensorFiles.readNPY(path)
            guard expected.shape == y.shape else {
                problems.append("'\(key)' has shape \(y.shape), expected \(expected.shape)")
                continue
            }
            let (rel, mx) = compareOutputs(y.doubles(), expected.doubles())
            let check = OutputCheck(key: key, relL2: rel, maxAbs: mx, tolerance: golden.tolerance(for: key))
            if !check.passed {
                problems.append("'\(key)' is off: rel_l2 \(rel) (tolerance \(check.tolerance.relL2)), max_abs \(mx) (tolerance \(check.tolerance.maxAbs))")
            }
            checks.append(check)
        }
        if !anyExpected {
            return GoldenResult(name: golden.name, family: golden.family, status: .unchecked, checks: [], message: "no expected files")
        }
        return GoldenResult(
            name: golden.name, family: golden.family, status: problems.isEmpty ? .passed : .failed, checks: checks,
            message: problems.isEmpty ? nil : problems.joined(separator: "; "))
    } catch {
        let e = SeqCError.wrap(error)
        if let op = e.unsupportedByJIT {
            return GoldenResult(
                name: golden.name, family: golden.family, status: .skipped, checks: [],
                message: "the JIT does not compile '\(op)' yet (the interpreter runs this family: --interpret)")
        }
        return fail(e.message)
    }
}
