import CLLVM

/// Owns one LLVM module until it is handed to a JIT (`take()`), after which it must not be used.
final class ModuleHandle {
    private var handle: LLVMModuleRef?
    let context: ThreadSafeContext

    init(name: String, context: ThreadSafeContext) {
        self.context = context
        handle = LLVMModuleCreateWithNameInContext(name, context.context)
    }

    /// The live module; throws if it was already consumed (a programming error, reported, not trapped).
    func ref() throws(CodegenError) -> LLVMModuleRef {
        guard let handle else { throw CodegenError("internal error: LLVM module used after hand-over to the JIT") }
        return handle
    }

    /// Gives up ownership: the caller's consumer (the JIT) disposes the module.
    func take() throws(CodegenError) -> LLVMModuleRef {
        let m = try ref()
        handle = nil
        return m
    }

    /// Runs the LLVM verifier; a broken module becomes a thrown error with LLVM's explanation.
    func verify() throws(CodegenError) {
        var msg: UnsafeMutablePointer<CChar>?
        let broken = LLVMVerifyModule(try ref(), LLVMReturnStatusAction, &msg)
        let text = takeLLVMMessage(msg)
        if broken != 0 { throw CodegenError("generated LLVM IR is invalid: \(text)") }
    }

    /// Sets the target triple and data layout from `tm` so passes and the JIT agree on the target.
    func configure(for tm: TargetMachineHandle) throws(CodegenError) {
        let m = try ref()
        let tmRef = try tm.ref()
        let triple = LLVMGetTargetMachineTriple(tmRef)
        LLVMSetTarget(m, triple)
        LLVMDisposeMessage(triple)
        let layout = LLVMCreateTargetDataLayout(tmRef)
        LLVMSetModuleDataLayout(m, layout)  // copies the layout
        LLVMDisposeTargetData(layout)
    }

    /// Runs the new-pass-manager pipeline `default<On>`; level 0 runs nothing.
    func optimize(level: Int, tm: TargetMachineHandle) throws(CodegenError) {
        guard level > 0 else { return }
        let options = LLVMCreatePassBuilderOptions()
        defer { LLVMDisposePassBuilderOptions(options) }
        try checkLLVM(LLVMRunPasses(try ref(), "default<O\(level)>", try tm.ref(), options), "LLVM optimisation failed")
    }

    /// The module as LLVM assembly text.
    func text() throws(CodegenError) -> String {
        takeLLVMMessage(LLVMPrintModuleToString(try ref()))
    }

    deinit {
        if let handle { LLVMDisposeModule(handle) }
    }
}
