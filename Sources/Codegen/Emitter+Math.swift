import CLLVM
import IR

/// Calls to LLVM intrinsics and to libm. libm symbols (`tanhf`, `erf`, ...) are declared external; the
/// LLJIT resolves them from the running process, which always has libm loaded (the Swift runtime needs it).
extension Emitter {
    /// `llvm.<name>` overloaded on `overloads`, applied to `args`.
    func intrinsic(_ name: String, _ overloads: [LLVMTypeRef], _ args: [LLVMValueRef]) -> LLVMValueRef {
        let full = "llvm." + name
        let id = LLVMLookupIntrinsicID(full, full.utf8.count)
        precondition(id != 0, "unknown LLVM intrinsic \(full)")  // our own constant names, never user input
        var tys = overloads.map(Optional.some)
        let fn = tys.withUnsafeMutableBufferPointer { LLVMGetIntrinsicDeclaration(module, id, $0.baseAddress, $0.count) }!
        let fnType = tys.withUnsafeMutableBufferPointer { LLVMIntrinsicGetType(context, id, $0.baseAddress, $0.count) }!
        return buildCall(b, fnType, fn, args)
    }

    /// A unary float intrinsic such as `exp`, `log`, `sqrt`, `fabs`.
    func intrinsic(_ name: String, _ dtype: DType, _ x: LLVMValueRef) -> LLVMValueRef {
        intrinsic(name, [type(dtype)], [x])
    }

    /// The C library function `name` (double) or `name`+"f" (float) of one argument.
    func libm(_ name: String, _ dtype: DType, _ x: LLVMValueRef) -> LLVMValueRef {
        libm(name, dtype, [x])
    }

    /// The C library function `name` (double) or `name`+"f" (float) of two arguments, such as `atan2`.
    func libm2(_ name: String, _ dtype: DType, _ x: LLVMValueRef, _ y: LLVMValueRef) -> LLVMValueRef {
        libm(name, dtype, [x, y])
    }

    /// Declares (once) and calls the libm function of `args.count` arguments of `dtype`.
    private func libm(_ name: String, _ dtype: DType, _ args: [LLVMValueRef]) -> LLVMValueRef {
        let t = type(dtype)
        let symbol = dtype == .f32 ? name + "f" : name
        var params = [LLVMTypeRef?](repeating: t, count: args.count)
        let fnType = LLVMFunctionType(t, &params, UInt32(args.count), 0)!
        let fn: LLVMValueRef
        if let existing = LLVMGetNamedFunction(module, symbol) {
            fn = existing
        } else {
            fn = LLVMAddFunction(module, symbol, fnType)!
            addAttribute(fn, "nounwind", at: LLVMAttributeIndex(bitPattern: -1))
        }
        return buildCall(b, fnType, fn, args)
    }
}
