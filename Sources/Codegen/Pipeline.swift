import IR

/// The shared front half of compilation: check the IR, group it into kernels, lay out buffers, emit LLVM IR, verify it,
/// run the -O pipeline. Used by `CompiledFunction` (then JIT) and `CodegenText` (then print/emit).
struct Pipeline {
    let plan: BufferPlan
    let module: ModuleHandle
    let kernels: [KernelInfo]
    let targetMachine: TargetMachineHandle
    let optLevel: Int
    private(set) var timings = CompileTimings()

    init(_ function: Function, _ options: CodegenOptions) throws(CodegenError) {
        optLevel = try options.validated()
        var t = CompileTimings()
        do {
            try t.time(\.verify) { () throws(VerifierError) in try verify(function) }
        } catch {
            throw CodegenError("cannot compile @\(function.name): invalid IR: \(error)")
        }
        let level = optLevel
        let tm = try TargetMachineHandle(optLevel: level)
        let fusion = t.time(\.emit) { FusionPlan(function, fuse: options.fuse) }
        let plan = try t.time(\.emit) { () throws(CodegenError) in try BufferPlan(function, inRegisters: fusion.inRegisters) }
        let (module, kernels) = try t.time(\.emit) { () throws(CodegenError) in
            try ModuleBuilder.build(function, plan: plan, fusion: fusion, context: ThreadSafeContext())
        }
        try module.configure(for: tm)
        try t.time(\.verify) { () throws(CodegenError) in try module.verify() }
        try t.time(\.optimize) { () throws(CodegenError) in try module.optimize(level: level, tm: tm) }
        if level > 0 { try t.time(\.verify) { () throws(CodegenError) in try module.verify() } }  // the optimised text is what we hand out
        (self.plan, self.module, self.kernels, targetMachine, timings) = (plan, module, kernels, tm, t)
    }
}
