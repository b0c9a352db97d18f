import CLLVM
import IR

/// cast between f32, f64, i32, i64 and bool. Float → int truncates toward zero and saturates
/// (`llvm.fptosi.sat`: NaN → 0, out of range → min/max) so no input yields poison. → bool is `x ≠ 0`.
extension Emitter {
    func lowerCast(_ out: Value, _ dst: LLVMValueRef, _ x: Value, _ src: LLVMValueRef) {
        let (from, to) = (x.type.dtype, out.type.dtype)
        partitionedLoop(out.type.shape) { i in
            store(convert(load(from, src, i), from: from, to: to), to, dst, i)
        }
    }

    func convert(_ v: LLVMValueRef, from: DType, to: DType) -> LLVMValueRef {
        if from == to { return v }
        let t = type(to)
        switch (from, to) {
        case (.f32, .f64): return LLVMBuildFPExt(b, v, t, "")!
        case (.f64, .f32): return LLVMBuildFPTrunc(b, v, t, "")!
        case (.f32, .i32), (.f32, .i64), (.f64, .i32), (.f64, .i64):
            return intrinsic("fptosi.sat", [t, type(from)], [v])
        case (.f32, .bool), (.f64, .bool):
            // UNE: NaN counts as true, like `x != 0` in Swift and NumPy.
            return LLVMBuildZExt(b, LLVMBuildFCmp(b, LLVMRealUNE, v, float(0, from), ""), i8, "")!
        case (.i32, .bool), (.i64, .bool):
            let nz = LLVMBuildICmp(b, LLVMIntNE, v, LLVMConstInt(type(from), 0, 0), "")
            return LLVMBuildZExt(b, nz, i8, "")!
        case (.i32, .f32), (.i32, .f64), (.i64, .f32), (.i64, .f64):
            return LLVMBuildSIToFP(b, v, t, "")!
        case (.bool, .f32), (.bool, .f64):
            return LLVMBuildUIToFP(b, v, t, "")!
        case (.i32, .i64): return LLVMBuildSExt(b, v, t, "")!
        case (.i64, .i32): return LLVMBuildTrunc(b, v, t, "")!
        case (.bool, .i32), (.bool, .i64): return LLVMBuildZExt(b, v, t, "")!
        default: return v  // unreachable: every pair with from != to is listed above
        }
    }
}
