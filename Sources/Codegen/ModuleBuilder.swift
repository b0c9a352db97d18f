import CLLVM
import IR

/// Graph IR function → LLVM module: one internal kernel per computing instruction, an external wrapper
/// per kernel for the host to call chunk by chunk (see Kernel.swift), and the external single-threaded
/// entry `void seqc_entry(ptr %buffers, ptr %dims)` that runs every kernel whole in body order (see
/// BufferPlan for the ABI); the JIT runtime uses the wrappers, `seqc_entry` serves ahead-of-time users.
enum ModuleBuilder {
    static let entryName = "seqc_entry"

    static func build(_ function: Function, plan: BufferPlan, context: ThreadSafeContext) throws(CodegenError)
        -> (ModuleHandle, [KernelInfo])
    {
        let module = ModuleHandle(name: function.name, context: context)
        let m = try module.ref()
        let e = Emitter(module: m, context: context.context, symbols: plan.symbols)

        // Kernels first: the builder can only be in one function at a time.
        var calls: [(fn: LLVMValueRef, type: LLVMTypeRef, info: KernelInfo)] = []
        for (n, inst) in function.body.enumerated() where BufferPlan.needsKernel(inst.op) {
            let values = inst.results + inst.operands
            let scratch = plan.scratchSlots[n] ?? []
            let slots = values.map { plan.slotOf[$0.id]! } + scratch
            let (ptrs, fn) = e.beginKernel("k\(n)_\(inst.op.mnemonic)", pointerCount: slots.count)
            let (nr, no) = (inst.results.count, inst.operands.count)
            try lower(inst, e, results: Array(ptrs[..<nr]), operands: Array(ptrs[nr..<(nr + no)]),
                      scratch: Array(ptrs[(nr + no)...]))
            let parallel = e.endKernel()
            calls.append((fn, LLVMGlobalGetValueType(fn), KernelInfo(symbol: "seqc_k\(n)", slots: slots, parallelDims: parallel)))
        }

        // Loads each slot's pointer from `buffers` and calls the kernel with `dims` and `range`.
        let b = e.b
        func callKernel(_ call: (fn: LLVMValueRef, type: LLVMTypeRef, info: KernelInfo), buffers: LLVMValueRef,
                        dims: LLVMValueRef, range: [LLVMValueRef]) {
            var args: [LLVMValueRef] = call.info.slots.map { slot in
                let p = buildInBoundsGEP(b, e.ptr, buffers, [e.index(slot).value], "")
                return LLVMBuildLoad2(b, e.ptr, p, "")!
            }
            args.append(dims)
            _ = buildCall(b, call.type, call.fn, args + range)
        }

        for call in calls {
            var params: [LLVMTypeRef?] = [e.ptr, e.ptr, e.i64, e.i64]
            let wrapper = LLVMAddFunction(m, call.info.symbol, LLVMFunctionType(e.void, &params, 4, 0))!
            e.addAttribute(wrapper, "nounwind", at: LLVMAttributeIndex(bitPattern: -1))
            LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(e.context, wrapper, "entry"))
            callKernel(call, buffers: LLVMGetParam(wrapper, 0)!, dims: LLVMGetParam(wrapper, 1)!,
                       range: [LLVMGetParam(wrapper, 2)!, LLVMGetParam(wrapper, 3)!])
            LLVMBuildRetVoid(b)
        }

        var params: [LLVMTypeRef?] = [e.ptr, e.ptr]
        let entryType = LLVMFunctionType(e.void, &params, 2, 0)!
        let entry = LLVMAddFunction(m, entryName, entryType)!
        e.addAttribute(entry, "nounwind", at: LLVMAttributeIndex(bitPattern: -1))
        LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(e.context, entry, "entry"))
        // [0, Int64.max): kernels clamp `end` to their extent, so this is "everything".
        let whole = [e.index(0).value, e.index(Int(Int64.max)).value]
        for call in calls {
            callKernel(call, buffers: LLVMGetParam(entry, 0)!, dims: LLVMGetParam(entry, 1)!, range: whole)
        }
        LLVMBuildRetVoid(b)
        return (module, calls.map(\.info))
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
