import Codegen
import Foundation
import Frontend
import IR
import Interpreter
import Passes

/// A `.seq` model: its source, parsed once, and the parameter values to specialise it with.
///
///     var model = try Model(contentsOf: "models/selective_scan.seq")
///     try model.setParameter("dim", .int(16))
///     let outputs = try model.interpret(inputs: ["u": u, …], weights: weights)
public struct Model: Sendable {
    public let file: String
    public let source: String
    let declaration: ModelDecl
    /// Parameter values set over the defaults, by name.
    public private(set) var overrides: [String: ParameterValue] = [:]
    /// How long parsing the source took, in seconds (the first phase of `CompileTimings`).
    public let parseSeconds: Double

    /// Parses model source held in memory; `file` is the name diagnostics use.
    public init(source: String, file: String = "<memory>") throws(SeqCError) {
        self.file = file
        self.source = source
        let start = ContinuousClock.now
        self.declaration = try wrapping { try parseModel(source, file: file) }
        parseSeconds = seconds(since: start)
    }

    /// Reads and parses a `.seq` file.
    public init(contentsOf path: String) throws(SeqCError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SeqCError("\(path): cannot read the model file (\(Self.reason(error)))")
        }
        try self.init(source: text, file: path)
    }

    static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }

    /// The model's name from its header.
    public var name: String { declaration.name }

    /// The parameters with their defaults, in header order.
    public var parameterDefaults: [(name: String, value: ParameterValue)] {
        declaration.parameters.map { ($0.name, $0.defaultValue) }
    }

    /// The allowed strings of an enumeration parameter (`disc = "zoh" | "bilinear"`), nil for other parameters.
    public func alternatives(of parameter: String) -> [String]? {
        declaration.parameters.first { $0.name == parameter }?.alternatives
    }

    /// The value each parameter will take: the default or what was set.
    public var parameters: [(name: String, value: ParameterValue)] {
        parameterDefaults.map { ($0.name, overrides[$0.name] ?? $0.value) }
    }

    /// Sets a parameter; the name must exist and the value must be of its kind (an integer also sets a number).
    public mutating func setParameter(_ name: String, _ value: ParameterValue) throws(SeqCError) {
        guard let decl = declaration.parameters.first(where: { $0.name == name }) else {
            let known = declaration.parameters.map(\.name).joined(separator: ", ")
            throw SeqCError("\(file): '\(name)' is not a parameter of model \(self.name) (its parameters: \(known.isEmpty ? "none" : known))")
        }
        switch (decl.defaultValue, value) {
        case (.int, .int), (.float, .float), (.bool, .bool): overrides[name] = value
        case (.float, .int(let n)): overrides[name] = .float(Double(n))
        case (.string, .string(let s)):
            if let alternatives = decl.alternatives, !alternatives.contains(s) {
                throw SeqCError("\(file): parameter '\(name)' is one of \(alternatives.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(s)\"")
            }
            overrides[name] = value
        default:
            throw SeqCError("\(file): parameter '\(name)' takes a value like its default \(decl.defaultValue), got \(value)")
        }
    }

    /// Sets a parameter from text, as `--set name=value` gives it.
    public mutating func setParameter(_ name: String, text: String) throws(SeqCError) {
        let value: ParameterValue
        if let n = Int(text) { value = .int(n) }
        else if let x = Double(text) { value = .float(x) }
        else if text == "true" || text == "false" { value = .bool(text == "true") }
        else { value = .string(text) }
        try setParameter(name, value)
    }

    /// Applies the keys of a JSON config that name model parameters; returns the names applied, sorted.
    /// The keys are taken from the object's `config` member when it has one, else from its top level.
    @discardableResult
    public mutating func applyConfig(json data: Data, file: String) throws(SeqCError) -> [String] {
        guard let top = try JSONValue.parse(data, file: file).object else {
            throw SeqCError("\(file): expected a JSON object")
        }
        return try applyConfig(top["config"]?.object ?? top, file: file)
    }

    /// Applies the entries of a config object that name model parameters; returns the names applied, sorted.
    @discardableResult
    public mutating func applyConfig(_ config: [String: JSONValue], file: String) throws(SeqCError) -> [String] {
        var applied: [String] = []
        for (name, _) in parameterDefaults {
            // A missing key or a JSON null keeps the model's default.
            guard let raw = config[name], raw != .null else { continue }
            let value: ParameterValue
            switch raw {
            case .bool(let b): value = .bool(b)
            case .int(let n): value = .int(n)
            case .number(let x): value = .float(x)
            case .string(let s): value = .string(s)
            default: throw SeqCError("\(file): config key '\(name)' must be a number, a boolean or a string")
            }
            do {
                try setParameter(name, value)
            } catch {
                throw SeqCError("\(file): config key '\(name)': \(error.message)")
            }
            applied.append(name)
        }
        return applied.sorted()
    }

    /// Reads a JSON config file and applies it (see `applyConfig(json:file:)`).
    @discardableResult
    public mutating func applyConfig(path: String) throws(SeqCError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SeqCError("\(path): cannot read the config file")
        }
        return try applyConfig(json: data, file: path)
    }

    /// Checks names, dims and shapes and returns the Graph IR.
    public func graph() throws(SeqCError) -> Function {
        try wrapping { try lowerModel(declaration, parameters: overrides) }
    }

    /// Checks the model; throws the first diagnostic.
    public func check() throws(SeqCError) {
        _ = try graph()
    }

    /// The Graph IR after the optimization pipeline of `optLevel`; `mixers` forces how the mixers run.
    public func optimizedGraph(optLevel: Int = 2, mixers: MixerAlgorithm = .auto) throws(SeqCError) -> Function {
        var t = CompileTimings()
        return try optimizedGraph(optLevel: optLevel, mixers: mixers, timings: &t)
    }

    /// `optimizedGraph`, recording parse, lowering and every pass in `timings`.
    public func optimizedGraph(
        optLevel: Int, mixers: MixerAlgorithm, timings: inout CompileTimings
    ) throws(SeqCError) -> Function {
        timings.add("parse", .frontend, parseSeconds)
        let start = ContinuousClock.now
        let g = try graph()
        timings.add("lower to Graph IR", .frontend, seconds(since: start))
        var steps: [PassManager.Step] = []
        let out = try wrapping { try PassManager.pipeline(optLevel: optLevel, mixers: mixers).run(g) { steps.append($0) } }
        for s in steps { timings.add("pass \(s.pass)", .passes, s.seconds) }
        return out
    }

    /// Runs the model with the reference interpreter. With `mixers` other than `.auto`, the mixers are first rewritten
    /// to that form (so the interpreter checks the dense forms too); otherwise the IR runs as lowered.
    public func interpret(
        inputs: [String: Tensor], weights: [String: Tensor], precision: Interpreter.Precision = .native,
        mixers: MixerAlgorithm = .auto
    ) throws(SeqCError) -> [String: Tensor] {
        let g = mixers == .auto ? try graph() : try optimizedGraph(optLevel: 0, mixers: mixers)
        return try wrapping { try Interpreter(precision: precision).run(g, inputs: inputs, params: weights) }
    }

    /// JIT-compiles the model for this machine.
    /// `CompiledModel.timings` tells how long each phase took.
    public func compile(optLevel: Int = 2, mixers: MixerAlgorithm = .auto) throws(SeqCError) -> CompiledModel {
        var timings = CompileTimings()
        let g = try optimizedGraph(optLevel: optLevel, mixers: mixers, timings: &timings)
        return try CompiledModel(function: g, optLevel: optLevel, timings: timings)
    }
}

/// The interpreter's precision: `.native` rounds to each value's dtype, `.f64` computes everything in double.
public typealias InterpreterPrecision = Interpreter.Precision

/// How the structured mixers run: chosen by the cost model, or forced to the direct or the dense form.
public typealias MixerAlgorithm = Passes.MixerAlgorithm

/// A model compiled to native code, ready to run many times.
public final class CompiledModel: @unchecked Sendable {
    public let function: Function
    public let optLevel: Int
    let compiled: CompiledFunction
    /// How long each phase of the compilation took: parse and lowering, each pass, LLVM, JIT.
    public let timings: CompileTimings

    init(function: Function, optLevel: Int, timings: CompileTimings) throws(SeqCError) {
        self.function = function
        self.optLevel = optLevel
        let compiled = try wrapping("JIT") { try CompiledFunction(function, options: CodegenOptions(optLevel: optLevel)) }
        self.compiled = compiled
        var t = timings
        t.add(compiled.timings)
        self.timings = t
    }

    /// Worker threads that run each kernel's independent outer loop (results do not depend on it); the number of
    /// cores unless set.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    /// The optimized LLVM IR of the compiled module.
    public var llvmIR: String { compiled.llvmIR }

    /// True when the machine code came from this process's compile cache (the same IR and options compiled before);
    /// `timings` then reports the original compile's LLVM and JIT phases.
    public var cachedCode: Bool { compiled.cacheHit }

    /// The working memory a run on these tensors takes besides inputs, weights and outputs: the memory plan's
    /// arena (peak) and what its buffers would take unshared.
    public func memoryUse(inputs: [String: Tensor], weights: [String: Tensor]) throws(SeqCError) -> MemoryUse {
        try wrapping { try compiled.memoryUse(inputs: inputs, params: weights, threads: threads) }
    }

    /// Kernel calls per run (fused elementwise chains count once).
    public var kernelCalls: Int { compiled.kernelCalls }

    /// Runs the compiled code on named inputs and weights.
    public func run(inputs: [String: Tensor], weights: [String: Tensor]) throws(SeqCError) -> [String: Tensor] {
        try wrapping { try compiled.run(inputs: inputs, params: weights, threads: threads) }
    }

    /// The model with its weights bound, for many runs on new inputs (a served model): what depends only on the
    /// weights and the sizes — S4D's and Hyena's kernel generation, a long convolution's kernel spectra — is computed
    /// by the first run with given sizes and kept for the next ones. Results are bit-identical to `run`'s.
    public func bind(weights: [String: Tensor]) throws(SeqCError) -> BoundModel {
        BoundModel(self, try wrapping { try compiled.bind(params: weights) })
    }

    /// `run`, also reporting the bytes of intermediate and scratch buffers the run used (inputs, weights and the
    /// copies of the outputs not counted).
    public func runMeasuringMemory(
        inputs: [String: Tensor], weights: [String: Tensor]
    ) throws(SeqCError) -> (outputs: [String: Tensor], allocatedBytes: Int) {
        try wrapping { try compiled.runMeasuringMemory(inputs: inputs, params: weights, threads: threads) }
    }
}

/// A compiled model with its weights bound (`CompiledModel.bind(weights:)`). Safe to run from several threads.
public final class BoundModel: @unchecked Sendable {
    public let model: CompiledModel
    let bound: BoundFunction

    init(_ model: CompiledModel, _ bound: BoundFunction) {
        self.model = model
        self.bound = bound
    }

    /// Runs on named inputs, on the model's `threads`.
    public func run(inputs: [String: Tensor]) throws(SeqCError) -> [String: Tensor] {
        try wrapping { try bound.run(inputs: inputs, threads: model.threads) }
    }

    /// `run`, also reporting the bytes of the run's own buffers (`keptBytes` not counted).
    public func runMeasuringMemory(inputs: [String: Tensor]) throws(SeqCError) -> (outputs: [String: Tensor], allocatedBytes: Int) {
        try wrapping { try bound.runMeasuringMemory(inputs: inputs, threads: model.threads) }
    }

    /// Bytes kept between runs (weight-only values and kernels' persistent memory, for every cached set of sizes).
    public var keptBytes: Int { bound.keptBytes }
}
