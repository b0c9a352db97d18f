import IR

/// The shared front half of compilation: check the IR, lay out buffers, emit LLVM IR, verify it,
/// run the -O pipeline. Used by `CompiledFunction` (then JIT) and `CodegenText` (then print/emit).
struct Pipeline {
    let plan: BufferPlan
    let module: ModuleHandle
    let kernels: [KernelInfo]
    let targetMachine: TargetMachineHandle
    let optLevel: Int
    /// `buildIR` and `optimize` of this compilation.
    let timings: CodegenTimings

    init(_ function: Function, _ options: CodegenOptions) throws(CodegenError) {
        optLevel = try options.validated()
        let clock = ContinuousClock()
        var start = clock.now
        var t = CodegenTimings()
        do {
            try verify(function)
        } catch {
            throw CodegenError("cannot compile @\(function.name): invalid IR: \(error)")
        }
        plan = try BufferPlan(function)
        targetMachine = try TargetMachineHandle(optLevel: optLevel)
        (module, kernels) = try ModuleBuilder.build(function, plan: plan, context: ThreadSafeContext())
        try module.configure(for: targetMachine)
        try module.verify()
        t.buildIR = CodegenTimings.seconds(since: start, clock)
        start = clock.now
        try module.optimize(level: optLevel, tm: targetMachine)
        if optLevel > 0 { try module.verify() }  // the optimised text is what we hand out
        t.optimize = CodegenTimings.seconds(since: start, clock)
        timings = t
    }
}
