import IR

/// A Graph IR function compiled once (for all bindings of its symbolic dims) to native code in an LLJIT.
/// Safe to `run` from several threads at once: each run uses its own buffers and the code is read-only.
/// Compiling a function whose IR text and options were compiled before in this process reuses that machine code
/// (CompileCache).
public final class CompiledFunction: @unchecked Sendable {
    public let function: IR.Function
    let code: CompiledCode
    /// The last run's buffers, kept for the next run of the same shapes.
    private let pool = BufferPool()
    /// Verifies the IR, lowers it to LLVM IR, verifies and optimises that, and JIT-compiles it (or takes the
    /// machine code from the cache).
    public init(_ function: IR.Function, options: CodegenOptions = .init()) throws {
        self.function = function
        let (code, hit) = try CompileCache.code(for: function, options: options)
        self.code = code
        self.cacheHit = hit
    }

    /// The optimised LLVM module as text (before machine code generation).
    public var llvmIR: String { code.llvmIR }
    /// Where the compile time went (for a cache hit: the original compile's phases).
    public var timings: CompileTimings {
        var t = code.timings
        t.cached = cacheHit
        return t
    }
    /// True when the machine code came from the in-process cache.
    public let cacheHit: Bool
    var plan: BufferPlan { code.plan }

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

    /// `run`, also reporting how many chunks each kernel ran as (for tests of the threading; 0: skipped, its values
    /// came from `cache`).
    func execute(inputs: [String: Tensor], params: [String: Tensor], threads: Int, cache: WeightCache? = nil) throws
        -> Runtime.Result
    {
        guard threads >= 1 else { throw CodegenError("threads must be at least 1, got \(threads)") }
        let binding = try ShapeBinding(function, plan, inputs: inputs, params: params)
        return try Runtime.execute(code, function, binding, threads: threads, inputs: inputs, params: params, pool: pool,
                                   cache: cache)
    }

    /// The function with these params (weights) bound, for many runs on new inputs: what depends only on the weights
    /// and the sizes is computed once per set of sizes and kept (BoundFunction).
    public func bind(params: [String: Tensor]) throws -> BoundFunction {
        try BoundFunction(self, params: params)
    }

    /// How many kernel calls one run makes (a fused elementwise chain is one call).
    public var kernelCalls: Int { code.kernels.count }

    /// The memory a run on tensors of these shapes, on `threads` threads, takes besides its inputs, params and output
    /// tensors: the arena of the memory plan with the kernels' workspace (`peakBytes`), and what its slots and that
    /// workspace would take as separate buffers (`unsharedBytes`).
    public func memoryUse(inputs: [String: Tensor], params: [String: Tensor], threads: Int = 1) throws -> MemoryUse {
        let binding = try ShapeBinding(function, plan, inputs: inputs, params: params)
        let sizes = Runtime.slotBytes(plan, code.memory, binding)
        let workspace = Runtime.workspaceBytes(code, binding, threads: threads)
        return MemoryUse(peakBytes: MemoryPlan.aligned(code.memory.layout(sizes).bytes) + workspace,
                         unsharedBytes: sizes.reduce(0, +) + workspace)
    }
}

/// A run's working memory (CompiledFunction.memoryUse).
public struct MemoryUse: Sendable, Equatable {
    /// Bytes of the one arena every intermediate value and scratch buffer lives in.
    public let peakBytes: Int
    /// The sum of those buffers' sizes, as if none shared bytes.
    public let unsharedBytes: Int
}
