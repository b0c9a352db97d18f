import IR

/// The calling convention of the generated entry `void seqc_entry(ptr %buffers, ptr %dims, ptr %workspace)` and of
/// the kernel wrappers `void seqc_k<k>(ptr %args, ptr %dims, i64 %begin, i64 %end, ptr %workspace)` (Kernel.swift;
/// `args` holds the pointers of the call's slots, in KernelInfo's order; `workspace` is the call's or chunk's working
/// memory, see ChunkWorkspace.swift):
///
/// - `buffers[k]` points at the row-major elements of the k-th value *slot*. Slots are the instruction
///   results in body order (an instruction's results in their order), so slot k is the k-th value the
///   function defines. Element types: f32 `float`, f64 `double`, i32, i64, bool one byte (0/1).
///   After the value slots come the *scratch* slots: working memory a kernel asks for when its per-iteration
///   state does not fit on the stack (StateMemory.swift), uninitialised, of the types in `types`.
/// - `dims[i]` is the `i64` size bound to `symbols[i]`, in `Function.symbols` order.
///
/// Who provides each buffer is recorded in `sources`: inputs and params point at caller storage, a
/// reshape reuses its operand's buffer (same elements, same order), values a fused kernel keeps in registers have
/// none, everything else is allocated.
struct BufferPlan {
    enum Source: Equatable {
        case input(String)
        case param(String)
        /// The same buffer as an earlier slot.
        case alias(Int)
        /// A fresh allocation written by the value's kernel.
        case owned
        /// A fresh allocation used as working memory by one kernel (no value lives there).
        case scratch
        /// No buffer: a value a fused kernel keeps in registers (FusionPlan); its pointer is null.
        case register
    }

    let symbols: [String]
    /// The values, one per value slot (the first `values.count` slots).
    let values: [Value]
    /// Element type and shape of every slot, value slots then scratch slots.
    let types: [TensorType]
    let sources: [Source]
    let slotOf: [Int: Int]
    /// The scratch slots of each instruction (by body index) that has any, in its StateRequirement's order.
    let scratchSlots: [Int: [Int]]

    init(_ function: Function, inRegisters: Set<Int> = []) throws(CodegenError) {
        symbols = function.symbols
        var values: [Value] = []
        var sources: [Source] = []
        var slotOf: [Int: Int] = [:]
        let known = Set(symbols)
        for inst in function.body {
            for r in inst.results {
                for d in r.type.shape {
                    switch d {
                    case .symbol(let s) where !known.contains(s), .scaled(let s, _, _) where !known.contains(s):
                        throw CodegenError(
                            "value \(r) : \(r.type) uses symbol '\(s)', which no input binds; "
                                + "params and other values may only use the inputs' symbols \(symbols)")
                    case .known(let n) where n < 0:
                        throw CodegenError("value \(r) : \(r.type) has a negative dim")
                    default: break
                    }
                }
                slotOf[r.id] = values.count
                values.append(r)
                switch inst.op {
                case .input(let n): sources.append(.input(n))
                case .param(let n): sources.append(.param(n))
                case .reshape:
                    guard let s = slotOf[inst.operands[0].id] else {
                        throw CodegenError("reshape operand \(inst.operands[0]) is not defined")
                    }
                    sources.append(.alias(s))
                default: sources.append(inRegisters.contains(r.id) ? .register : .owned)
                }
            }
        }
        var types = values.map(\.type)
        var scratchSlots: [Int: [Int]] = [:]
        for (n, inst) in function.body.enumerated() {
            for t in (StateRequirement.of(inst)?.scratchTypes ?? []) + GEMMTiling.scratchTypes(inst) {
                scratchSlots[n, default: []].append(types.count)
                types.append(t)
                sources.append(.scratch)
            }
        }
        self.values = values
        self.types = types
        self.sources = sources
        self.slotOf = slotOf
        self.scratchSlots = scratchSlots
    }

    /// Instructions that need generated code (inputs, params and reshapes only bind buffers).
    static func needsKernel(_ op: Op) -> Bool {
        switch op {
        case .input, .param, .reshape: return false
        default: return true
        }
    }
}
