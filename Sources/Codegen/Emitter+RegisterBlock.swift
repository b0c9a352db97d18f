import CLLVM
import IR

/// A few SIMD accumulators that live in registers across a loop (an entry alloca with constant indices, which SROA
/// promotes), for kernels that keep a short row of results in registers while streaming their inputs.
struct RegisterBlock {
    let emitter: Emitter
    let slot: LLVMValueRef
    let vectorType: LLVMTypeRef
    let dtype: DType
    let lanes: Int
    let vectors: Int

    func at(_ v: Int) -> LLVMValueRef { buildInBoundsGEP(emitter.b, vectorType, slot, [emitter.index(v).value], "")! }
    func get(_ v: Int) -> LLVMValueRef { LLVMBuildLoad2(emitter.b, vectorType, at(v), "")! }
    func set(_ v: Int, _ x: LLVMValueRef) { LLVMBuildStore(emitter.b, x, at(v)) }

    func zero() { for v in 0..<vectors { set(v, emitter.splat(emitter.zero(dtype), lanes)) } }
    /// Each accumulator replaced by `f(index, value)`.
    func update(_ f: (Int, LLVMValueRef) -> LLVMValueRef) { for v in 0..<vectors { set(v, f(v, get(v))) } }
    /// Loads vectors·lanes consecutive elements from base[at], each vector through `f`.
    func load(from base: LLVMValueRef, at: Index, _ f: (LLVMValueRef) -> LLVMValueRef = { $0 }) {
        for v in 0..<vectors {
            set(v, f(emitter.loadVector(dtype, lanes: lanes, base, emitter.add(at, emitter.index(v * lanes)))))
        }
    }
    func store(to base: LLVMValueRef, at: Index) {
        for v in 0..<vectors { emitter.storeVector(get(v), dtype, base, emitter.add(at, emitter.index(v * lanes))) }
    }
}

extension Emitter {
    /// `vectors` SIMD accumulators of `dtype` (see RegisterBlock); call before the loops using them.
    func registerBlock(vectors: Int, _ dtype: DType) -> RegisterBlock {
        let lanes = Self.vectorBytes / dtype.byteSize
        let vt = vectorType(type(dtype), lanes)
        return RegisterBlock(emitter: self, slot: entryAlloca(LLVMArrayType2(vt, UInt64(vectors))), vectorType: vt,
                             dtype: dtype, lanes: lanes, vectors: vectors)
    }

    /// fma(a, b, c) on vectors of the same type.
    func vfma(_ a: LLVMValueRef, _ b2: LLVMValueRef, _ c: LLVMValueRef) -> LLVMValueRef {
        intrinsic("fma", [LLVMTypeOf(a)], [a, b2, c])
    }
}
