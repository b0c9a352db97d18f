import CLLVM

/// Owns one target machine for the host (its CPU name and features, PIC), until a JIT consumes it.
final class TargetMachineHandle {
    private var handle: LLVMTargetMachineRef?

    init(optLevel: Int) throws(CodegenError) {
        try NativeTarget.ensureInitialized()
        let triple = LLVMGetDefaultTargetTriple()
        defer { LLVMDisposeMessage(triple) }
        var target: LLVMTargetRef?
        var msg: UnsafeMutablePointer<CChar>?
        if LLVMGetTargetFromTriple(triple, &target, &msg) != 0 || target == nil {
            throw CodegenError("no LLVM target for the host: \(takeLLVMMessage(msg))")
        }
        _ = takeLLVMMessage(msg)
        let cpu = LLVMGetHostCPUName()
        let features = LLVMGetHostCPUFeatures()
        defer {
            LLVMDisposeMessage(cpu)
            LLVMDisposeMessage(features)
        }
        let level: LLVMCodeGenOptLevel
        switch optLevel {
        case 0: level = LLVMCodeGenLevelNone
        case 1: level = LLVMCodeGenLevelLess
        case 2: level = LLVMCodeGenLevelDefault
        default: level = LLVMCodeGenLevelAggressive
        }
        guard let tm = LLVMCreateTargetMachine(target, triple, cpu, features, level, LLVMRelocPIC, LLVMCodeModelDefault)
        else { throw CodegenError("LLVM could not create a target machine for the host") }
        handle = tm
    }

    func ref() throws(CodegenError) -> LLVMTargetMachineRef {
        guard let handle else { throw CodegenError("internal error: target machine used after hand-over") }
        return handle
    }

    /// Gives up ownership (the JIT's target machine builder destroys it).
    func take() throws(CodegenError) -> LLVMTargetMachineRef {
        let tm = try ref()
        handle = nil
        return tm
    }

    /// Host assembly for `module`. Code generation mutates the IR, so use a module you no longer need.
    func assembly(of module: ModuleHandle) throws(CodegenError) -> String {
        var msg: UnsafeMutablePointer<CChar>?
        var buffer: LLVMMemoryBufferRef?
        let failed = LLVMTargetMachineEmitToMemoryBuffer(try ref(), try module.ref(), LLVMAssemblyFile, &msg, &buffer)
        let text = takeLLVMMessage(msg)
        guard failed == 0, let buffer else { throw CodegenError("LLVM could not emit assembly: \(text)") }
        defer { LLVMDisposeMemoryBuffer(buffer) }
        let size = LLVMGetBufferSize(buffer)
        guard let start = LLVMGetBufferStart(buffer), size > 0 else { return "" }
        return start.withMemoryRebound(to: UInt8.self, capacity: size) {
            String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
        }
    }

    deinit {
        if let handle { LLVMDisposeTargetMachine(handle) }
    }
}
