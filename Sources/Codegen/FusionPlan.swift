import IR

/// Which instructions run together as one kernel. Chains of elementwise instructions (unary, binary, compare,
/// select, cast, expand, scalar constants, and slices of values in memory) over one result shape become one *fused* kernel that computes each
/// element of every member in registers, in member order, and stores only the values used outside the chain (or
/// returned); the others never get a buffer. Every other instruction is a kernel of its own.
///
/// A group runs at the position of its last member. A member may join a group only when no instruction outside the
/// group that sits before the new member reads a value of the group (it would run before the group computes it);
/// operands from outside the group are always computed before the group runs, since each member's operands precede
/// it. Fusing never changes a result: each element goes through the same IEEE operations in the same order.
///
/// Why in codegen and not as a Graph IR pass: the grouping is a scheduling decision with no meaning for the
/// interpreter, so the IR keeps one op per operation and stays the reference; tests compare fused and unfused code.
struct FusionPlan {
    struct Group {
        /// Body indices, ascending.
        var members: [Int]
        /// The shape every member's result has (elementwise groups; nil for a lone non-elementwise instruction).
        let shape: [Dim]?
        /// Value ids of member results the kernel stores (used outside the group or returned).
        var stored: [Int] = []
    }

    /// In execution order.
    let groups: [Group]
    /// Values computed in registers only: no buffer, no slot pointer.
    let inRegisters: Set<Int>

    init(_ function: Function, fuse: Bool) {
        // Who reads each value. A reshape runs no code (its result is its operand's buffer), so the instructions
        // reading the reshape count as reading its operand, and a returned reshape returns its operand.
        var users: [Int: [Int]] = [:]
        var viewOf: [Int: Int] = [:]  // reshape result id → the id of the value whose buffer it is
        for (n, inst) in function.body.enumerated() {
            if case .reshape = inst.op {
                viewOf[inst.results[0].id] = viewOf[inst.operands[0].id] ?? inst.operands[0].id
                continue
            }
            for v in Set(inst.operands.map { viewOf[$0.id] ?? $0.id }) { users[v, default: []].append(n) }
        }
        let returned = Set(function.outputs.map { viewOf[$0.value.id] ?? $0.value.id })
        var groups: [Group] = []
        var groupOfValue: [Int: Int] = [:]
        var groupOfInst: [Int: Int] = [:]
        func start(_ n: Int, _ shape: [Dim]?) {
            groups.append(Group(members: [n], shape: shape))
            groupOfInst[n] = groups.count - 1
        }
        /// True when no instruction outside groups `gs` before `n` reads a value of theirs, and no slice in them reads
        /// a value of theirs (a slice reads its operand at other positions, so that operand must be in memory).
        func canJoin(_ gs: Set<Int>, _ n: Int) -> Bool {
            gs.allSatisfy { g in
                groups[g].members.allSatisfy { m in
                    let inst = function.body[m]
                    if case .slice = inst.op, let p = groupOfValue[viewOf[inst.operands[0].id] ?? inst.operands[0].id],
                       gs.contains(p) {
                        return false
                    }
                    return inst.results.allSatisfy { r in
                        (users[r.id] ?? []).allSatisfy { u in u >= n || gs.contains(groupOfInst[u] ?? -1) }
                    }
                }
            }
        }
        for (n, inst) in function.body.enumerated() where BufferPlan.needsKernel(inst.op) {
            defer { for r in inst.results { groupOfValue[r.id] = groupOfInst[n] } }
            guard fuse, Self.isElementwise(inst.op) else {
                start(n, nil)
                continue
            }
            let shape = inst.results[0].type.shape
            if case .slice = inst.op {  // a slice starts a group (it reads its operand from memory); others join it
                start(n, shape)
                continue
            }
            var candidates: [Int] = []
            for g in inst.operands.compactMap({ groupOfValue[$0.id] }) where groups[g].shape == shape && !candidates.contains(g) {
                candidates.append(g)
            }
            guard let g = candidates.first(where: { canJoin([$0], n) }) else {
                start(n, shape)
                continue
            }
            // The other operands' groups merge in too when that keeps the order valid (a + b of two chains).
            var joined: Set<Int> = [g]
            for h in candidates where h != g && canJoin(joined.union([h]), n) {
                joined.insert(h)
                for m in groups[h].members {
                    groupOfInst[m] = g
                    for r in function.body[m].results { groupOfValue[r.id] = g }
                }
                groups[g].members = (groups[g].members + groups[h].members).sorted()
                groups[h].members = []
            }
            groups[g].members.append(n)
            groupOfInst[n] = g
        }
        // A scalar constant read only by one elementwise group becomes an immediate of that group.
        for g in groups.indices where groups[g].members.count == 1 {
            let n = groups[g].members[0]
            guard fuse, case .constant = function.body[n].op, !returned.contains(function.body[n].results[0].id),
                  let us = users[function.body[n].results[0].id], let target = groupOfInst[us[0]],
                  us.allSatisfy({ groupOfInst[$0] == target }), groups[target].shape != nil, target != g
            else { continue }
            groups[target].members.insert(n, at: groups[target].members.firstIndex { $0 > n } ?? groups[target].members.count)
            groups[g].members = []
            groupOfInst[n] = target
        }
        groups.removeAll { $0.members.isEmpty }
        var inRegisters: Set<Int> = []
        for g in groups.indices {
            let members = Set(groups[g].members)
            for m in groups[g].members {
                for r in function.body[m].results {
                    let outside = (users[r.id] ?? []).contains { !members.contains($0) }
                    if members.count == 1 || outside || returned.contains(r.id) {
                        groups[g].stored.append(r.id)
                    } else {
                        inRegisters.insert(r.id)
                    }
                }
            }
        }
        self.groups = groups.sorted { $0.members.last! < $1.members.last! }
        self.inRegisters = inRegisters
    }

    /// Ops that compute each result element from the operand elements at the same (broadcast) position, and slice,
    /// which reads its operand at a shifted position (or gives 0 outside it).
    static func isElementwise(_ op: Op) -> Bool {
        switch op {
        case .unary, .binary, .compare, .select, .cast, .expand, .constant, .slice: return true
        default: return false
        }
    }
}
