import IR

/// A Graph IR function compiled once (for all bindings of its symbolic dims) to native code in an LLJIT.
/// Safe to `run` from several threads at once: each run uses its own buffers and the code is read-only.
public final class CompiledFunction: @unchecked Sendable {
    typealias Entry = @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>, UnsafePointer<Int64>) -> Void

    public let function: IR.Function
    /// The optimised LLVM module as text (before machine code generation).
    public let llvmIR: String
    let plan: BufferPlan
    private let jit: JITHandle  // owns the machine code `entry` points into
    private let entry: Entry

    /// Verifies the IR, lowers it to LLVM IR, verifies and optimises that, and JIT-compiles it.
    public init(_ function: IR.Function, options: CodegenOptions = .init()) throws {
        let p = try Pipeline(function, options)
        self.function = function
        plan = p.plan
        llvmIR = try p.module.text()
        jit = try JITHandle(optLevel: p.optLevel)
        try jit.add(p.module)
        entry = unsafeBitCast(try jit.lookup(ModuleBuilder.entryName), to: Entry.self)
    }

    /// Runs the function. `inputs` and `params` must hold exactly the declared inputs and params, by name,
    /// with matching dtypes and shapes (IR's `bindSymbols` rules). Returns the outputs by name.
    public func run(inputs: [String: Tensor], params: [String: Tensor]) throws -> [String: Tensor] {
        let binding = try ShapeBinding(function, plan, inputs: inputs, params: params)
        return try Runtime.execute(entry, function, plan, binding, inputs: inputs, params: params)
    }
}
