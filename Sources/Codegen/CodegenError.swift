import CLLVM

/// Every failure of the code generator and of running compiled code: LLVM errors (copied out of LLVM and
/// disposed), unsupported IR, and bad run-time arguments (missing or mis-shaped tensors).
public struct CodegenError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// The op the JIT cannot compile yet, when that is the failure.
    public var unsupportedOp: String?
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// An op the JIT has no lowering for yet (the interpreter runs it).
    public static func unsupported(_ op: String) -> CodegenError {
        var e = CodegenError("the JIT does not compile '\(op)' yet; run with the interpreter (--interpret)")
        e.unsupportedOp = op
        return e
    }
}

/// Copies an LLVM-owned message and frees it with `LLVMDisposeMessage`.
func takeLLVMMessage(_ p: UnsafeMutablePointer<CChar>?) -> String {
    guard let p else { return "" }
    let s = String(cString: p)
    LLVMDisposeMessage(p)
    return s
}

/// Turns an `LLVMErrorRef` into a thrown `CodegenError`, consuming the LLVM error (a null ref is success).
func checkLLVM(_ err: LLVMErrorRef?, _ what: String) throws(CodegenError) {
    guard let err else { return }
    let msg = LLVMGetErrorMessage(err)  // consumes `err`
    let text = msg.map { String(cString: $0) } ?? "unknown error"
    if let msg { LLVMDisposeErrorMessage(msg) }
    throw CodegenError("\(what): \(text)")
}
