import IR

/// A Graph IR function compiled once (for all bindings of its symbolic dims) to native code in an LLJIT.
/// Safe to `run` from several threads at once: each run uses its own buffers and the code is read-only.
public final class CompiledFunction: @unchecked Sendable {
    public let function: IR.Function
    /// The optimised LLVM module as text (before machine code generation).
    public let llvmIR: String
    let plan: BufferPlan
    private let jit: JITHandle  // owns the machine code the kernels point into
    private let kernels: [Kernel]
    /// The last run's buffers, kept for the next run of the same shapes.
    private let pool = BufferPool()
    /// How long each phase of this compilation took.
    public let timings: CodegenTimings

    /// Verifies the IR, lowers it to LLVM IR, verifies and optimises that, and JIT-compiles it.
    public init(_ function: IR.Function, options: CodegenOptions = .init()) throws {
        let p = try Pipeline(function, options)
        self.function = function
        plan = p.plan
        var t = p.timings
        let clock = ContinuousClock()
        var start = clock.now
        llvmIR = try p.module.text()
        t.printIR = CodegenTimings.seconds(since: start, clock)
        start = clock.now
        let jit = try JITHandle(optLevel: p.optLevel)
        try jit.add(p.module)
        self.jit = jit
        kernels = try p.kernels.map { info in
            Kernel(info: info, entry: unsafeBitCast(try jit.lookup(info.symbol), to: Kernel.Entry.self))
        }
        t.jit = CodegenTimings.seconds(since: start, clock)
        timings = t
    }

    /// Runs the function. `inputs` and `params` must hold exactly the declared inputs and params, by name,
    /// with matching dtypes and shapes (IR's `bindSymbols` rules). Returns the outputs by name.
    ///
    /// `threads` (≥ 1) bounds how many threads run each kernel's independent outer loop; the results are
    /// bit-identical for every thread count (each element is computed by the same operations).
    public func run(inputs: [String: Tensor], params: [String: Tensor], threads: Int = 1) throws -> [String: Tensor] {
        try execute(inputs: inputs, params: params, threads: threads).outputs
    }

    /// `run`, also reporting the bytes of value and scratch buffers the run used (not counting inputs and params).
    public func runMeasuringMemory(
        inputs: [String: Tensor], params: [String: Tensor], threads: Int = 1
    ) throws -> (outputs: [String: Tensor], allocatedBytes: Int) {
        let r = try execute(inputs: inputs, params: params, threads: threads)
        return (r.outputs, r.allocatedBytes)
    }

    /// `run`, also reporting how many chunks each kernel ran as (for tests of the threading).
    func execute(inputs: [String: Tensor], params: [String: Tensor], threads: Int) throws -> Runtime.Result {
        guard threads >= 1 else { throw CodegenError("threads must be at least 1, got \(threads)") }
        let binding = try ShapeBinding(function, plan, inputs: inputs, params: params)
        return try Runtime.execute(kernels, function, plan, binding, threads: threads, inputs: inputs, params: params, pool: pool)
    }
}
