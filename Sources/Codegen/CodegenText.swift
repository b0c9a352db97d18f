import IR

/// Text forms of the generated code, for `seqc compile --emit llvm|asm`.
public enum CodegenText {
    /// The LLVM module after the -O pipeline (the same text as `CompiledFunction.llvmIR`).
    public static func llvmIR(_ f: IR.Function, options: CodegenOptions) throws -> String {
        try Pipeline(f, options).module.text()
    }

    /// Host assembly (AT&T syntax) of the optimised module, from the target machine at the same level.
    public static func assembly(_ f: IR.Function, options: CodegenOptions) throws -> String {
        let p = try Pipeline(f, options)
        return try p.targetMachine.assembly(of: p.module)
    }
}
