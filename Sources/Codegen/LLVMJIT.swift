import CLLVM

/// Owns one ORC LLJIT instance, and with it all code compiled into it. Code addresses looked up here stay
/// valid only while this object lives.
final class JITHandle {
    private let handle: LLVMOrcLLJITRef

    /// A JIT for the host whose code generator runs at `optLevel`.
    init(optLevel: Int) throws(CodegenError) {
        let tm = try TargetMachineHandle(optLevel: optLevel)
        // Consumes the target machine; the builder is consumed by the set call below.
        let jtmb = LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(try tm.take())
        let builder = LLVMOrcCreateLLJITBuilder()
        LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder, jtmb)
        var jit: LLVMOrcLLJITRef?
        // Consumes `builder`, even on failure.
        try checkLLVM(LLVMOrcCreateLLJIT(&jit, builder), "could not create the LLVM JIT")
        guard let jit else { throw CodegenError("could not create the LLVM JIT") }
        handle = jit
    }

    /// Moves `module` into the JIT's main library (the module handle is marked as consumed).
    func add(_ module: ModuleHandle) throws(CodegenError) {
        let tsm = LLVMOrcCreateNewThreadSafeModule(try module.take(), module.context.ref)
        // Takes ownership of `tsm`, even on failure.
        try checkLLVM(
            LLVMOrcLLJITAddLLVMIRModule(handle, LLVMOrcLLJITGetMainJITDylib(handle), tsm),
            "the JIT rejected the module")
    }

    /// The address of a compiled symbol (machine code is generated here, on first lookup).
    func lookup(_ name: String) throws(CodegenError) -> UnsafeRawPointer {
        var address: LLVMOrcExecutorAddress = 0
        try checkLLVM(LLVMOrcLLJITLookup(handle, &address, name), "JIT lookup of '\(name)' failed")
        guard let p = UnsafeRawPointer(bitPattern: UInt(address)) else {
            throw CodegenError("JIT lookup of '\(name)' returned a null address")
        }
        return p
    }

    deinit {
        // Nothing to report to from a deinit; the error must still be consumed.
        if let err = LLVMOrcDisposeLLJIT(handle) { LLVMConsumeError(err) }
    }
}
