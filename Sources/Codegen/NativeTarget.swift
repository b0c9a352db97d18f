import CLLVM

/// Registers the host target with LLVM exactly once per process. A `static let` initialiser runs once and
/// is thread-safe, which matters because tests compile in parallel.
enum NativeTarget {
    /// nil on success, else why the host target is unusable.
    private static let failure: String? = {
        if LLVMInitializeNativeTarget() != 0 { return "LLVM has no native target for this host" }
        if LLVMInitializeNativeAsmPrinter() != 0 { return "LLVM has no native assembly printer" }
        if LLVMInitializeNativeAsmParser() != 0 { return "LLVM has no native assembly parser" }
        return nil
    }()

    static func ensureInitialized() throws(CodegenError) {
        if let failure { throw CodegenError(failure) }
    }
}
