/// Where each allocated slot lives in one arena. Slots whose lifetimes (the kernel calls from the first to the last
/// that touch them) do not overlap may share bytes; a call's own slots are all live during it, so a kernel's
/// results, operands and scratch never overlap (its noalias parameters stay true). Returned values live to the end,
/// so nothing writes over them; inputs and params are caller storage, outside the arena. Kernels never read what
/// they have not written in the same call, so sharing cannot change a result.
///
/// Lifetimes are fixed at compile time; sizes depend on the run's shapes, so the layout is made per set of sizes
/// (BufferPool keeps the last one).
struct MemoryPlan {
    /// Per allocated slot (owned values and scratch, in slot order): the first and last call that touch it,
    /// inclusive (Int.max: returned).
    let lifetimes: [(slot: Int, first: Int, last: Int)]

    init(lifetimes: [(slot: Int, first: Int, last: Int)]) {
        self.lifetimes = lifetimes
    }

    init(_ plan: BufferPlan, calls: [KernelInfo], returned: [Int]) {
        // A reshape's slot is its root's storage: uses through it extend the root's lifetime.
        func root(_ s: Int) -> Int {
            if case .alias(let r) = plan.sources[s] { return root(r) }
            return s
        }
        var first: [Int: Int] = [:], last: [Int: Int] = [:]
        for (c, call) in calls.enumerated() {
            for s in call.slots.map(root) {
                first[s] = min(first[s] ?? c, c)
                last[s] = max(last[s] ?? c, c)
            }
        }
        for s in returned.map(root) { last[s] = Int.max }
        lifetimes = plan.sources.indices.compactMap { s in
            guard plan.sources[s] == .owned || plan.sources[s] == .scratch else { return nil }
            // Every allocated slot is written by some call; a slot none touches gets a lifetime of its own.
            return (s, first[s] ?? -1, last[s] ?? -1)
        }
    }

    static let alignment = 64

    /// Byte offsets (one per lifetime, same order) for slots of `sizes` bytes, and the arena size. Greedy: largest
    /// first, each at the lowest aligned offset clear of every placed slot whose lifetime overlaps.
    func layout(_ sizes: [Int]) -> (offsets: [Int], bytes: Int) {
        precondition(sizes.count == lifetimes.count)
        let order = sizes.indices.sorted { (sizes[$0], -lifetimes[$0].first) > (sizes[$1], -lifetimes[$1].first) }
        var offsets = [Int](repeating: 0, count: sizes.count)
        var placed: [Int] = []
        var bytes = 0
        for i in order {
            let busy = placed.filter { j in
                lifetimes[j].first <= lifetimes[i].last && lifetimes[i].first <= lifetimes[j].last
            }.map { (offsets[$0], offsets[$0] + sizes[$0]) }.sorted { $0.0 < $1.0 }
            var at = 0
            for (lo, hi) in busy where at + sizes[i] > lo {
                at = max(at, Self.aligned(hi))
            }
            offsets[i] = at
            placed.append(i)
            bytes = max(bytes, at + sizes[i])
        }
        return (offsets, bytes)
    }

    static func aligned(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }
}
