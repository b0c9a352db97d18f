import IR

/// The values of a function that depend only on its params (weights), constants and the sizes — never on an input —
/// and, per kernel call, whether it computes only such values. A function whose weights are bound (BoundFunction)
/// computes them once per set of sizes: S4D's and Hyena's kernel generation, a long convolution's kernel spectrum.
struct WeightOnly {
    /// Value ids.
    let values: Set<Int>
    /// Per kernel call: every member's results are weight-only, so a bound run with a cache entry skips it.
    let calls: [Bool]
    /// The slots of weight-only values that the rest of the run reads (or returns), resolved through aliases to the
    /// slot that owns the buffer: what a cache entry keeps.
    let frontier: [Int]
    /// Per kernel call: whether its persistent memory may be kept (every operand it caches from is weight-only).
    let persistentCalls: [Bool]

    init(_ f: Function, plan: BufferPlan, calls: [KernelInfo]) {
        var ids = Set<Int>()
        for inst in f.body {
            if case .input = inst.op { continue }
            if inst.operands.allSatisfy({ ids.contains($0.id) }) { ids.formUnion(inst.results.map(\.id)) }
        }
        values = ids
        let weightOnlySlot = Set(ids.compactMap { plan.slotOf[$0] })
        self.calls = calls.map { c in c.members.allSatisfy { f.body[$0].results.allSatisfy { ids.contains($0.id) } } }
        func owner(_ slot: Int) -> Int {
            if case .alias(let s) = plan.sources[slot] { return owner(s) }
            return slot
        }
        var frontier = Set<Int>()
        let read = zip(calls, self.calls).filter { !$0.1 }.flatMap { $0.0.slots }
            + f.outputs.map { plan.slotOf[$0.value.id]! }
        for slot in read where weightOnlySlot.contains(slot) {
            let o = owner(slot)
            if plan.sources[o] == .owned { frontier.insert(o) }
        }
        self.frontier = frontier.sorted()
        persistentCalls = calls.map { c in
            guard let p = c.persistent, c.members.count == 1 else { return false }
            let inst = f.body[c.members[0]]
            return p.operands.allSatisfy { $0 < inst.operands.count && ids.contains(inst.operands[$0].id) }
        }
    }
}
