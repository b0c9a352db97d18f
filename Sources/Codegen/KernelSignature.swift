import IR

/// What a kernel's code depends on: the ops with their attributes and the types of everything they read and write
/// (results, operands, scratch), and for fused kernels how the ops are wired. Two kernels with one signature
/// compile to the same LLVM function, so the repeated layers of a deep model share their kernels and the module
/// costs about one layer to optimise and compile (ModuleBuilder). Value ids are not part of it: lowerings read
/// only types, and the buffers come in as pointer arguments.
struct KernelSignature: Hashable {
    /// One op of the kernel: its operands are numbered by where they come from (see `Source`).
    struct Step: Hashable {
        let op: Op
        let operands: [Source]
        let results: [TensorType]
    }

    /// Where an operand comes from: the kernel's k-th external operand, or result r of its s-th step.
    enum Source: Hashable {
        case external(Int, TensorType)
        case step(Int, result: Int)
    }

    let steps: [Step]
    /// The values the kernel stores, as (step, result) in slot order.
    let stored: [[Int]]
    let scratch: [TensorType]

    /// The signature of a kernel for one instruction.
    init(_ inst: Instruction, scratch: [TensorType]) {
        steps = [Step(op: inst.op, operands: inst.operands.enumerated().map { .external($0.offset, $0.element.type) },
                      results: inst.results.map(\.type))]
        stored = inst.results.indices.map { [0, $0] }
        self.scratch = scratch
    }

    /// The signature of a fused group: `externals` numbers the outside operands, `stored` lists the stored values.
    init(fused members: [Instruction], externals: [Value], stored: [Value]) {
        var position: [Int: [Int]] = [:]  // value id → [step, result]
        for (s, inst) in members.enumerated() {
            for (r, v) in inst.results.enumerated() { position[v.id] = [s, r] }
        }
        let externalAt = Dictionary(uniqueKeysWithValues: externals.enumerated().map { ($1.id, $0) })
        steps = members.map { inst in
            Step(op: inst.op, operands: inst.operands.map { v in
                if let p = position[v.id] { return .step(p[0], result: p[1]) }
                return .external(externalAt[v.id]!, v.type)
            }, results: inst.results.map(\.type))
        }
        self.stored = stored.map { position[$0.id]! }
        scratch = []
    }
}
