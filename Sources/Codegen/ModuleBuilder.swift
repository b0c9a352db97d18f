import CLLVM
import IR

/// Graph IR function → LLVM module: one internal kernel per distinct group of FusionPlan (an elementwise chain or
/// one instruction; KernelSignature: identical groups, such as the same op in every layer of a model, share one), one external wrapper per
/// kernel for the host to call chunk by chunk (see Kernel.swift), a workspace size function per kernel that needs
/// one (ChunkWorkspace), and the external single-threaded entry `void seqc_entry(ptr %buffers, ptr %dims,
/// ptr %workspace)` that runs every group's kernel whole in execution order (see BufferPlan for the ABI); the JIT
/// runtime uses the wrappers, `seqc_entry` serves ahead-of-time users.
///
/// Compile time grows with the number of distinct kernels, not with the number of instructions: each call
/// costs only a row in the entry's constant schedule tables, no code.
enum ModuleBuilder {
    static let entryName = "seqc_entry"

    static func build(_ function: Function, plan: BufferPlan, fusion: FusionPlan, context: ThreadSafeContext)
        throws(CodegenError) -> (ModuleHandle, [KernelInfo])
    {
        let module = ModuleHandle(name: function.name, context: context)
        let m = try module.ref()
        let e = Emitter(module: m, context: context.context, symbols: plan.symbols)

        // Kernels first: the builder can only be in one function at a time.
        var kernels: [(fn: LLVMValueRef, parallel: [Dim]?, workspace: ChunkWorkspace.Bytes?, persistent: PersistentMemory?)] = []
        var bySignature: [KernelSignature: Int] = [:]
        var calls: [(kernel: Int, slots: [Int], members: [Int])] = []
        for group in fusion.groups {
            let members = group.members.map { function.body[$0] }
            let signature: KernelSignature
            let slots: [Int]
            let emit: ([LLVMValueRef]) throws(CodegenError) -> Void
            if let shape = group.shape, members.count > 1 {
                let stored = members.flatMap(\.results).filter { group.stored.contains($0.id) }
                let defined = Set(members.flatMap(\.results).map(\.id))
                var externals: [Value] = []
                for v in members.flatMap(\.operands) where !defined.contains(v.id) && !externals.contains(v) {
                    externals.append(v)
                }
                signature = KernelSignature(fused: members, externals: externals, stored: stored)
                slots = (stored + externals).map { plan.slotOf[$0.id]! }
                emit = { ptrs in
                    e.lowerFused(members, shape: shape, stored: stored, results: Array(ptrs[..<stored.count]),
                                 externals: externals, operands: Array(ptrs[stored.count...]))
                }
            } else {
                let (n, inst) = (group.members[0], members[0])
                let scratch = plan.scratchSlots[n] ?? []
                slots = (inst.results + inst.operands).map { plan.slotOf[$0.id]! } + scratch
                signature = KernelSignature(inst, scratch: scratch.map { plan.types[$0] })
                emit = { ptrs throws(CodegenError) in
                    let (nr, no) = (inst.results.count, inst.operands.count)
                    try lower(inst, e, results: Array(ptrs[..<nr]), operands: Array(ptrs[nr..<(nr + no)]),
                              scratch: Array(ptrs[(nr + no)...]))
                }
            }
            if let k = bySignature[signature] {
                calls.append((k, slots, group.members))
                continue
            }
            let name = members.count > 1 ? "fused\(members.count)" : members[0].op.mnemonic
            let (ptrs, fn) = e.beginKernel("k\(kernels.count)_\(name)", pointerCount: slots.count)
            try emit(ptrs)
            let ended = e.endKernel()
            kernels.append((fn, ended.parallel, ended.workspace, ended.persistent))
            bySignature[signature] = kernels.count - 1
            calls.append((kernels.count - 1, slots, group.members))
        }
        let wrappers = kernels.enumerated().map { k, kernel in wrapper(e, kernel.fn, symbol: wrapperSymbol(k)) }
        let workspaces = kernels.enumerated().map { k, kernel in
            kernel.workspace.map { e.emitSizeFunction(ChunkWorkspace.symbol(kernel: k), $0) }
        }
        for (k, kernel) in kernels.enumerated() {
            if let p = kernel.persistent { _ = e.emitSizeFunction(PersistentMemory.symbol(kernel: k), p.bytes) }
        }
        buildEntry(e, wrappers: wrappers, calls: calls.map { ($0.kernel, $0.slots) })
        buildEntryWorkspace(e, workspaces.compactMap { $0 })
        let infos = calls.map { c in
            KernelInfo(symbol: wrapperSymbol(c.kernel), slots: c.slots, parallelDims: kernels[c.kernel].parallel,
                       workspaceSymbol: kernels[c.kernel].workspace == nil ? nil : ChunkWorkspace.symbol(kernel: c.kernel),
                       persistent: kernels[c.kernel].persistent.map { (PersistentMemory.symbol(kernel: c.kernel), $0.operands) },
                       members: c.members)
        }
        return (module, infos)
    }

    static func wrapperSymbol(_ k: Int) -> String { "seqc_k\(k)" }

    /// `void seqc_k<k>(ptr %args, ptr %dims, i64 %begin, i64 %end, ptr %workspace, ptr %persistent)`: loads the
    /// kernel's pointer arguments from `args` and calls it (so the kernel itself keeps its noalias parameters).
    private static func wrapper(_ e: Emitter, _ kernel: LLVMValueRef, symbol: String) -> LLVMValueRef {
        let b = e.b
        var params: [LLVMTypeRef?] = [e.ptr, e.ptr, e.i64, e.i64, e.ptr, e.ptr]
        let fn = LLVMAddFunction(e.module, symbol, LLVMFunctionType(e.void, &params, 6, 0))!
        e.addAttribute(fn, "nounwind", at: LLVMAttributeIndex(bitPattern: -1))
        LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(e.context, fn, "entry"))
        let kernelType = LLVMGlobalGetValueType(kernel)!
        let pointerCount = Int(LLVMCountParamTypes(kernelType)) - 5
        let args = LLVMGetParam(fn, 0)!
        var callArgs: [LLVMValueRef] = (0..<pointerCount).map { i in
            LLVMBuildLoad2(b, e.ptr, buildInBoundsGEP(b, e.ptr, args, [e.index(i).value], "")!, "")!
        }
        callArgs += (1...5).map { LLVMGetParam(fn, $0)! }
        _ = buildCall(b, kernelType, kernel, callArgs)
        LLVMBuildRetVoid(b)
        return fn
    }

    /// `seqc_entry`: a loop over constant tables (call c runs wrapper `fns[c]` on slots
    /// `slots[start[c] ..< start[c + 1]]` of `buffers`), so its size does not grow with the model.
    private static func buildEntry(_ e: Emitter, wrappers: [LLVMValueRef], calls: [(kernel: Int, slots: [Int])]) {
        let b = e.b
        var params: [LLVMTypeRef?] = [e.ptr, e.ptr, e.ptr]
        let entry = LLVMAddFunction(e.module, entryName, LLVMFunctionType(e.void, &params, 3, 0))!
        e.addAttribute(entry, "nounwind", at: LLVMAttributeIndex(bitPattern: -1))
        var starts: [Int] = [0]
        for c in calls { starts.append(starts.last! + c.slots.count) }
        let fns = e.constantTable("seqc_schedule_fns", e.ptr, calls.map { wrappers[$0.kernel] })
        let start = e.constantTable("seqc_schedule_start", e.i64, starts.map { e.index($0).value })
        let slots = e.constantTable("seqc_schedule_slots", e.i64, calls.flatMap(\.slots).map { e.index($0).value })
        let wrapperType = LLVMGlobalGetValueType(wrappers.first ?? entry)!
        let buffers = LLVMGetParam(entry, 0)!, dims = LLVMGetParam(entry, 1)!, workspace = LLVMGetParam(entry, 2)!
        e.emitFunctionBody(entry) {
            let maxArity = calls.map(\.slots.count).max() ?? 0
            let args = e.entryAlloca(LLVMArrayType2(e.ptr, UInt64(max(maxArity, 1))))
            // [0, Int64.max): kernels clamp `end` to their extent, so this is "everything".
            let whole = [e.index(0).value, e.index(Int(Int64.max)).value]
            e.forLoop(e.index(calls.count)) { c in
                let lo = Index(value: e.loadTable(e.i64, start, c), known: nil)
                let hi = Index(value: e.loadTable(e.i64, start, e.add(c, e.index(1))), known: nil)
                e.forLoop(from: lo, to: hi) { j in
                    let slot = e.loadTable(e.i64, slots, j)
                    let p = LLVMBuildLoad2(b, e.ptr, buildInBoundsGEP(b, e.ptr, buffers, [slot], "")!, "")!
                    LLVMBuildStore(b, p, buildInBoundsGEP(b, e.ptr, args, [e.sub(j, lo).value], "")!)
                }
                // No persistent memory: the ahead-of-time entry computes everything on every call.
                _ = buildCall(b, wrapperType, e.loadTable(e.ptr, fns, c), [args, dims] + whole + [workspace, LLVMConstNull(e.ptr)])
            }
        }
    }

    /// `i64 seqc_entry_workspace(ptr %dims)`: the workspace `seqc_entry` needs, the largest kernel's (it runs one
    /// kernel at a time, each as one chunk).
    private static func buildEntryWorkspace(_ e: Emitter, _ sizeFunctions: [LLVMValueRef]) {
        _ = e.emitSizeFunction(ChunkWorkspace.entrySymbol) { e in
            var params: [LLVMTypeRef?] = [e.ptr]
            let type = LLVMFunctionType(e.i64, &params, 1, 0)!
            let dims = LLVMGetParam(e.function!, 0)!
            return sizeFunctions.reduce(e.index(0)) { acc, f in e.smax(acc, Index(value: buildCall(e.b, type, f, [dims]), known: nil)) }
        }
    }

    /// Dispatches one instruction to its lowering.
    private static func lower(_ inst: Instruction, _ e: Emitter, results r: [LLVMValueRef], operands o: [LLVMValueRef],
                              scratch: [LLVMValueRef]) throws(CodegenError)
    {
        let out = inst.results[0]
        let x = inst.operands
        switch inst.op {
        case .input, .param, .reshape:
            break  // no code: buffers are bound by the host
        case .constant(let v):
            e.lowerConstant(v, out, r[0])
        case .unary(let u):
            e.lowerUnary(u, out, r[0], o[0])
        case .binary(let op):
            e.lowerBinary(op, out, r[0], x[0], o[0], x[1], o[1])
        case .linear(let hasBias):
            e.lowerLinear(out, r[0], x[0], o[0], x[1], o[1], bias: hasBias ? o[2] : nil, scratch: scratch[0])
        case .matmul:
            e.lowerMatmul(out, r[0], x[0], o[0], x[1], o[1], scratch: scratch[0])
        case .reduce(let op, let axis, _):
            e.lowerReduce(op, axis: axis, out, r[0], x[0], o[0])
        case .rmsNorm(let eps):
            e.lowerRMSNorm(eps: eps, out, r[0], x[0], o[0], o[1])
        case .permute(let perm):
            e.lowerPermute(perm, out, r[0], x[0], o[0])
        case .scan(let axis, let hasInit):
            e.lowerScan(axis: axis, out, r[0], inst.results[1], r[1], x[0], o[0], x[1], o[1], h0: hasInit ? o[2] : nil)
        case .cast:
            e.lowerCast(out, r[0], x[0], o[0])
        case .compare(let op):
            e.lowerCompare(op, out, r[0], x[0], o[0], x[1], o[1])
        case .select:
            e.lowerSelect(out, r[0], x[0], o[0], x[1], o[1], x[2], o[2])
        case .iota(let axis):
            e.lowerIota(axis: axis, out, r[0])
        case .slice(let axis, let start, let fromEnd):
            e.lowerSlice(axis: axis, start: start, fromEnd: fromEnd, out, r[0], x[0], o[0])
        case .concat(let axis):
            e.lowerConcat(axis: axis, out, r[0], x, o)
        case .flip(let axis):
            e.lowerFlip(axis: axis, out, r[0], x[0], o[0])
        case .expand:
            e.lowerExpand(out, r[0], x[0], o[0])
        case .take(let axis):
            e.lowerTake(axis: axis, out, r[0], x[0], o[0], x[1], o[1])
        case .mixer(let m):
            e.lowerMixer(m, inst, results: r, operands: o, scratch: scratch)
        case .rfft(let axis, let n):
            e.lowerRFFT(axis: axis, n: n, x[0], o[0], out, r[0], r[1])
        case .irfft(let axis, let n):
            e.lowerIRFFT(axis: axis, n: n, x[0], o[0], o[1], out, r[0])
        }
    }
}
