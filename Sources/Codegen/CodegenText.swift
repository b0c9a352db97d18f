import IR

/// Text forms of the generated code, for `seqc compile --emit llvm|asm`.
public enum CodegenText {
    /// The LLVM module after the -O pipeline (the same text as `CompiledFunction.llvmIR`).
    public static func llvmIR(_ f: IR.Function, options: CodegenOptions) throws -> String {
        var t = CompileTimings()
        return try llvmIR(f, options: options, timings: &t)
    }

    /// `llvmIR`, also reporting how long each phase took.
    public static func llvmIR(_ f: IR.Function, options: CodegenOptions, timings: inout CompileTimings) throws -> String {
        let p = try Pipeline(f, options)
        timings = p.timings
        return try timings.time(\.text) { () throws(CodegenError) in try p.module.text() }
    }

    /// Host assembly (AT&T syntax) of the optimised module, from the target machine at the same level.
    public static func assembly(_ f: IR.Function, options: CodegenOptions) throws -> String {
        var t = CompileTimings()
        return try assembly(f, options: options, timings: &t)
    }

    /// `assembly`, also reporting how long each phase took.
    public static func assembly(_ f: IR.Function, options: CodegenOptions, timings: inout CompileTimings) throws -> String {
        let p = try Pipeline(f, options)
        timings = p.timings
        return try timings.time(\.text) { () throws(CodegenError) in try p.targetMachine.assembly(of: p.module) }
    }
}
