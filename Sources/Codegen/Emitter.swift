import CLLVM
import IR

/// An i64 index expression, with its value when it is a compile-time constant, so that multiplying by
/// 0 or 1 and adding 0 vanish before LLVM sees them (strides of broadcast dims are constant 0).
struct Index {
    let value: LLVMValueRef
    let known: Int?
}

/// Emits the body of one kernel function at a time into a module: types, constants, index arithmetic,
/// element loads and stores. Op lowerings (Lower*.swift) are extensions of this class.
final class Emitter {
    let context: LLVMContextRef
    let module: LLVMModuleRef
    private let builderHandle: BuilderHandle
    var b: LLVMBuilderRef { builderHandle.ref }
    /// Symbol name → position in the `dims` array.
    let symbolIndex: [String: Int]

    let i1, i8, i32, i64, f32, f64, ptr, void: LLVMTypeRef

    /// The kernel being emitted and its loaded symbol sizes.
    private(set) var function: LLVMValueRef?
    private var symbolValues: [LLVMValueRef] = []
    /// The kernel's `begin` / `end` parameters: the sub-range of its partitioned loop to run.
    private(set) var rangeBegin: Index?
    private(set) var rangeEnd: Index?
    /// The dims whose product is the kernel's partitioned extent, once `partitionedLoop` has run.
    var partition: [Dim]?
    /// The kernel's `workspace` parameter, and how many bytes of it one call needs once `chunkWorkspace` has run.
    private var workspaceParameter: LLVMValueRef?
    private var workspaceBytes: ChunkWorkspace.Bytes?
    /// The kernel's `persistent` parameter, and its size and what it caches once `persistentMemory` has run.
    private var persistentParameter: LLVMValueRef?
    private var persistent: PersistentMemory?
    /// How many `forLoop`s enclose the insertion point (the partitioned loop must be at depth 0).
    var loopDepth = 0

    init(module: LLVMModuleRef, context: LLVMContextRef, symbols: [String]) {
        self.context = context
        self.module = module
        builderHandle = BuilderHandle(context)
        symbolIndex = Dictionary(uniqueKeysWithValues: symbols.enumerated().map { ($1, $0) })
        i1 = LLVMInt1TypeInContext(context)
        i8 = LLVMInt8TypeInContext(context)
        i32 = LLVMInt32TypeInContext(context)
        i64 = LLVMInt64TypeInContext(context)
        f32 = LLVMFloatTypeInContext(context)
        f64 = LLVMDoubleTypeInContext(context)
        ptr = LLVMPointerTypeInContext(context, 0)
        void = LLVMVoidTypeInContext(context)
    }

    // MARK: types and constants

    func type(_ d: DType) -> LLVMTypeRef {
        switch d {
        case .f32: return f32
        case .f64: return f64
        case .i32: return i32
        case .i64: return i64
        case .bool: return i8
        }
    }

    func index(_ n: Int) -> Index { Index(value: LLVMConstInt(i64, UInt64(bitPattern: Int64(n)), 1), known: n) }

    /// A float constant of `dtype` (rounded to nearest from the Double).
    func float(_ v: Double, _ dtype: DType) -> LLVMValueRef { LLVMConstReal(type(dtype), v) }

    // MARK: kernels

    /// Starts `void name(ptr noalias p0, ..., ptr noalias p(n-1), ptr dims, i64 begin, i64 end, ptr noalias workspace,
    /// ptr noalias persistent)` with internal linkage (never inlined) and loads every symbol size in its entry block.
    /// Returns the n data pointers and the function. `noalias` holds: results are fresh allocations, operands are only
    /// read, the workspace is the call's own (ChunkWorkspace), the persistent memory the call's own across runs
    /// (PersistentMemory). `begin..<end` selects iterations of the kernel's partitioned loop (Emitter+Partition.swift).
    func beginKernel(_ name: String, pointerCount n: Int) -> (pointers: [LLVMValueRef], function: LLVMValueRef) {
        var params = [LLVMTypeRef?](repeating: ptr, count: n + 1) + [i64, i64, ptr, ptr]
        let fnType = params.withUnsafeMutableBufferPointer { LLVMFunctionType(void, $0.baseAddress, UInt32(n + 5), 0) }
        let fn = LLVMAddFunction(module, name, fnType)!
        LLVMSetLinkage(fn, LLVMInternalLinkage)
        addAttribute(fn, "nounwind", at: LLVMAttributeIndex(bitPattern: -1))
        // Many wrappers may call one kernel (KernelSignature): inlining would compile its body once per caller.
        addAttribute(fn, "noinline", at: LLVMAttributeIndex(bitPattern: -1))
        for i in [Int](0..<n) + [n + 3, n + 4] { addAttribute(fn, "noalias", at: LLVMAttributeIndex(i + 1)) }
        function = fn
        LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(context, fn, "entry"))
        loadSymbols(LLVMGetParam(fn, UInt32(n))!)
        rangeBegin = Index(value: LLVMGetParam(fn, UInt32(n + 1))!, known: nil)
        rangeEnd = Index(value: LLVMGetParam(fn, UInt32(n + 2))!, known: nil)
        workspaceParameter = LLVMGetParam(fn, UInt32(n + 3))!
        workspaceBytes = nil
        persistentParameter = LLVMGetParam(fn, UInt32(n + 4))!
        persistent = nil
        partition = nil
        loopDepth = 0
        return ((0..<n).map { LLVMGetParam(fn, UInt32($0))! }, fn)
    }

    /// Loads every symbol size from `dims` at the insertion point (the function's entry block).
    private func loadSymbols(_ dims: LLVMValueRef) {
        symbolValues = (0..<symbolIndex.count).map { i in
            let p = buildInBoundsGEP(b, i64, dims, [index(i).value], "")
            return LLVMBuildLoad2(b, i64, p, "")!
        }
    }

    /// Finishes the kernel; returns its partitioned dims (nil: it ignores `begin`/`end`, runs whole), its
    /// workspace size (nil: it needs none) and its persistent memory (nil: none).
    func endKernel() -> (parallel: [Dim]?, workspace: ChunkWorkspace.Bytes?, persistent: PersistentMemory?) {
        LLVMBuildRetVoid(b)
        function = nil
        rangeBegin = nil
        rangeEnd = nil
        workspaceParameter = nil
        persistentParameter = nil
        return (partition, workspaceBytes, persistent)
    }

    /// Memory that keeps what this kernel derives from the operands at `operands` (say a kernel's FFT spectrum)
    /// from one run to the next while those operands are unchanged (PersistentMemory); zeroed when the host makes it.
    /// The pointer is null when the host has none to give (the kernel must then compute everything itself).
    func persistentMemory(caching operands: [Int], bytes: @escaping ChunkWorkspace.Bytes) -> LLVMValueRef {
        precondition(persistent == nil, "a kernel has one persistent memory")
        persistent = PersistentMemory(operands: operands, bytes: bytes)
        return persistentParameter!
    }

    /// The working memory of this kernel call (one chunk of its partitioned loop), 64-byte aligned, of the size
    /// `bytes` computes from the symbol sizes alone (ChunkWorkspace). A kernel asks at most once.
    func chunkWorkspace(bytes: @escaping ChunkWorkspace.Bytes) -> LLVMValueRef {
        precondition(workspaceBytes == nil, "a kernel has one workspace")
        workspaceBytes = bytes
        return workspaceParameter!
    }

    /// `i64 name(ptr dims)`: returns `body`'s index computed from the symbol sizes in `dims` (external).
    func emitSizeFunction(_ name: String, _ body: (Emitter) -> Index) -> LLVMValueRef {
        var params: [LLVMTypeRef?] = [ptr]
        let fn = LLVMAddFunction(module, name, LLVMFunctionType(i64, &params, 1, 0))!
        addAttribute(fn, "nounwind", at: LLVMAttributeIndex(bitPattern: -1))
        function = fn
        LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(context, fn, "entry"))
        loopDepth = 0
        loadSymbols(LLVMGetParam(fn, 0)!)
        LLVMBuildRet(b, body(self).value)
        function = nil
        return fn
    }

    /// The internal function `name(ptr noalias p0, …, i64 i0, …)`, emitted by `body` (given its pointer and integer
    /// parameters) the first time it is asked for; the kernel being emitted then resumes where it was. `noalias`
    /// lets LLVM vectorize loops over pointers that the caller picks at run time (Stockham's ping-pong buffers):
    /// the caller guarantees that memory written through one pointer is not accessed through another.
    func helperFunction(_ name: String, pointers: Int, integers: Int,
                        _ body: (_ pointers: [LLVMValueRef], _ integers: [Index]) -> Void) -> (fn: LLVMValueRef, type: LLVMTypeRef) {
        var params = [LLVMTypeRef?](repeating: ptr, count: pointers) + [LLVMTypeRef?](repeating: i64, count: integers)
        let fnType = params.withUnsafeMutableBufferPointer { LLVMFunctionType(void, $0.baseAddress, UInt32($0.count), 0)! }
        if let existing = LLVMGetNamedFunction(module, name) { return (existing, fnType) }
        let fn = LLVMAddFunction(module, name, fnType)!
        LLVMSetLinkage(fn, LLVMInternalLinkage)
        addAttribute(fn, "nounwind", at: LLVMAttributeIndex(bitPattern: -1))
        for i in 0..<pointers { addAttribute(fn, "noalias", at: LLVMAttributeIndex(i + 1)) }
        let (resumeBlock, resumeFunction, resumeDepth) = (LLVMGetInsertBlock(b), function, loopDepth)
        function = fn
        loopDepth = 0
        LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(context, fn, "entry"))
        body((0..<pointers).map { LLVMGetParam(fn, UInt32($0))! },
             (0..<integers).map { Index(value: LLVMGetParam(fn, UInt32(pointers + $0))!, known: nil) })
        LLVMBuildRetVoid(b)
        function = resumeFunction
        loopDepth = resumeDepth
        LLVMPositionBuilderAtEnd(b, resumeBlock)
        return (fn, fnType)
    }

    /// Emits the body of a non-kernel function (no symbol sizes, no partitioned loop) ending in `ret void`, so
    /// that loops and entry-block allocas work there too.
    func emitFunctionBody(_ fn: LLVMValueRef, _ body: () -> Void) {
        function = fn
        LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(context, fn, "entry"))
        loopDepth = 0
        body()
        LLVMBuildRetVoid(b)
        function = nil
    }

    func addAttribute(_ fn: LLVMValueRef, _ name: String, at i: LLVMAttributeIndex) {
        let kind = LLVMGetEnumAttributeKindForName(name, name.utf8.count)
        LLVMAddAttributeAtIndex(fn, i, LLVMCreateEnumAttribute(context, kind, 0))
    }

    /// A stack slot in the kernel's entry block (so mem2reg can promote it at -O1 and above).
    func entryAlloca(_ t: LLVMTypeRef) -> LLVMValueRef {
        let tmp = BuilderHandle(context)
        let entry = LLVMGetEntryBasicBlock(function!)
        if let first = LLVMGetFirstInstruction(entry) {
            LLVMPositionBuilderBefore(tmp.ref, first)
        } else {
            LLVMPositionBuilderAtEnd(tmp.ref, entry)
        }
        return LLVMBuildAlloca(tmp.ref, t, "acc")!
    }

    // MARK: dims and index arithmetic

    /// The run-time size of a dim: a constant, or the symbol's value loaded from `dims`.
    func extent(_ d: Dim) -> Index {
        let b_ = b
        switch d {
        case .known(let n): return index(n)
        case .symbol(let s): return Index(value: symbolValues[symbolIndex[s]!], known: nil)
        case .scaled(let s, let a, let b):
            let v = symbolValues[symbolIndex[s]!]
            let scaled = LLVMBuildMul(b_, v, index(a).value, "")!
            return Index(value: LLVMBuildAdd(b_, scaled, index(b).value, "")!, known: nil)
        }
    }

    func extents(_ shape: [Dim]) -> [Index] { shape.map(extent) }

    /// Product of sizes (the element count of a shape; 1 for a scalar).
    func product(_ xs: [Index]) -> Index { xs.reduce(index(1), mul) }

    func mul(_ x: Index, _ y: Index) -> Index {
        if let a = x.known, let c = y.known { return index(a &* c) }
        if x.known == 0 || y.known == 0 { return index(0) }
        if x.known == 1 { return y }
        if y.known == 1 { return x }
        return Index(value: LLVMBuildNSWMul(b, x.value, y.value, "")!, known: nil)
    }

    func add(_ x: Index, _ y: Index) -> Index {
        if let a = x.known, let c = y.known { return index(a &+ c) }
        if x.known == 0 { return y }
        if y.known == 0 { return x }
        return Index(value: LLVMBuildNSWAdd(b, x.value, y.value, "")!, known: nil)
    }

    /// Unsigned quotient and remainder of non-negative indices (divisor 1 folds away).
    func udiv(_ x: Index, _ y: Index) -> Index {
        if let a = x.known, let c = y.known, c > 0 { return index(a / c) }
        if y.known == 1 { return x }
        return Index(value: LLVMBuildUDiv(b, x.value, y.value, "")!, known: nil)
    }

    func urem(_ x: Index, _ y: Index) -> Index {
        if let a = x.known, let c = y.known, c > 0 { return index(a % c) }
        if y.known == 1 { return index(0) }
        return Index(value: LLVMBuildURem(b, x.value, y.value, "")!, known: nil)
    }

    /// The multi-index of row-major flat position `flat` in `extents` (the first axis is not reduced).
    func unflatten(_ flat: Index, _ extents: [Index]) -> [Index] {
        guard !extents.isEmpty else { return [] }
        var rest = flat
        var out = [Index](repeating: index(0), count: extents.count)
        for k in stride(from: extents.count - 1, through: 1, by: -1) {
            out[k] = urem(rest, extents[k])
            rest = udiv(rest, extents[k])
        }
        out[0] = rest
        return out
    }

    /// Row-major element strides of `shape`, right-aligned into `rank` axes. Axes the shape lacks and
    /// axes of known size 1 get stride 0: that is NumPy broadcasting (and harmless where the index is 0).
    func strides(_ shape: [Dim], alignedTo rank: Int) -> [Index] {
        var out = [Index](repeating: index(0), count: rank)
        var s = index(1)
        for (k, d) in shape.enumerated().reversed() {
            let axis = rank - shape.count + k
            if d != .known(1) { out[axis] = s }
            s = mul(s, extent(d))
        }
        return out
    }

    /// Σ idx[i] · strides[i].
    func offset(_ idx: [Index], _ strides: [Index]) -> Index {
        zip(idx, strides).reduce(index(0)) { add($0, mul($1.0, $1.1)) }
    }

    // MARK: memory

    func load(_ dtype: DType, _ base: LLVMValueRef, _ off: Index) -> LLVMValueRef {
        let t = type(dtype)
        return LLVMBuildLoad2(b, t, address(t, base, off), "")!
    }

    func store(_ v: LLVMValueRef, _ dtype: DType, _ base: LLVMValueRef, _ off: Index) {
        LLVMBuildStore(b, v, address(type(dtype), base, off))
    }

    private func address(_ t: LLVMTypeRef, _ base: LLVMValueRef, _ off: Index) -> LLVMValueRef {
        if off.known == 0 { return base }
        return buildInBoundsGEP(b, t, base, [off.value], "")!
    }
}

/// Array-taking wrappers over the C API's pointer-and-count parameters.
func buildInBoundsGEP(
    _ b: LLVMBuilderRef, _ t: LLVMTypeRef, _ p: LLVMValueRef, _ idx: [LLVMValueRef], _ name: String
) -> LLVMValueRef? {
    var idx = idx.map(Optional.some)
    return idx.withUnsafeMutableBufferPointer { LLVMBuildInBoundsGEP2(b, t, p, $0.baseAddress, UInt32($0.count), name) }
}

func buildCall(_ b: LLVMBuilderRef, _ fnType: LLVMTypeRef, _ fn: LLVMValueRef, _ args: [LLVMValueRef]) -> LLVMValueRef {
    var args = args.map(Optional.some)
    return args.withUnsafeMutableBufferPointer { LLVMBuildCall2(b, fnType, fn, $0.baseAddress, UInt32($0.count), "") }!
}
