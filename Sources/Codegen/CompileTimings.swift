/// Where a compilation's time went, phase by phase (wall clock), for `--time-passes`-style reports.
public struct CompileTimings: Sendable, Equatable {
    /// Buffer plan, fusion plan and LLVM IR emission.
    public var emit: Duration = .zero
    /// The LLVM verifier, before and after optimisation.
    public var verify: Duration = .zero
    /// LLVM's `default<On>` pass pipeline.
    public var optimize: Duration = .zero
    /// The optimised module printed as text: LLVM IR (kept as `CompiledFunction.llvmIR`) or host assembly.
    public var text: Duration = .zero
    /// Machine code generation and linking in the JIT (zero for text-only compiles).
    public var machineCode: Duration = .zero
    /// True when the code came from the in-process cache (the phases are the original compile's).
    public var cached = false

    public init() {}

    public var total: Duration { emit + verify + optimize + text + machineCode }

    /// The phases by name, in order.
    public var phases: [(name: String, time: Duration)] {
        [("emit LLVM IR", emit), ("verify", verify), ("optimize", optimize), ("text", text), ("machine code", machineCode)]
    }

    /// Runs `body` and adds its wall time to the phase at `phase`.
    mutating func time<R, E: Error>(_ phase: WritableKeyPath<CompileTimings, Duration>, _ body: () throws(E) -> R) throws(E) -> R {
        let clock = ContinuousClock()
        let start = clock.now
        defer { self[keyPath: phase] += clock.now - start }
        return try body()
    }
}
