/// How long each phase of turning Graph IR into machine code took, in seconds (for `--time-passes`).
/// A phase a compilation did not go through stays 0.
public struct CodegenTimings: Sendable, Equatable {
    /// Graph IR checked, buffers planned, LLVM IR built and verified.
    public var buildIR = 0.0
    /// LLVM's `default<On>` pass pipeline (and the verifier after it).
    public var optimize = 0.0
    /// The optimised module printed as text (kept as `CompiledFunction.llvmIR`).
    public var printIR = 0.0
    /// Machine code: the module handed to the JIT and every kernel symbol looked up (code is generated then).
    public var jit = 0.0
    /// Host assembly printed by the target machine (`--emit asm` only).
    public var assembly = 0.0

    public init() {}

    /// Seconds since `start` on `clock`.
    static func seconds(since start: ContinuousClock.Instant, _ clock: ContinuousClock) -> Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
