import IR

// cse — common subexpression elimination.
//
// Two instructions with the same op, the same operands and the same result types compute the same values (every
// op is pure), so the later one is dropped and its uses point at the earlier one. `input`/`param` instructions are
// unique by name already and are left alone. Duplicates are removed here, so no `dce` is needed after it.
// After: no two non-interface instructions have equal (op, operands, result types).

extension Pass {
    public static let cse = Pass(name: "cse", run: eliminateCommonSubexpressions)
}

public func eliminateCommonSubexpressions(_ f: Function) -> Function {
    struct Key: Hashable {
        let op: Op
        let operands: [Int]
        let types: [TensorType]
    }
    var seen: [Key: [Value]] = [:]
    var replace: [Int: Value] = [:]
    var out = f
    out.body = []
    for var inst in f.body {
        inst.operands = inst.operands.map { replace[$0.id] ?? $0 }
        switch inst.op {
        case .input, .param:
            out.body.append(inst)
            continue
        default: break
        }
        let key = Key(op: inst.op, operands: inst.operands.map(\.id), types: inst.results.map(\.type))
        if let earlier = seen[key] {
            for (r, e) in zip(inst.results, earlier) { replace[r.id] = e }
        } else {
            seen[key] = inst.results
            out.body.append(inst)
        }
    }
    out.outputs = f.outputs.map { Output(name: $0.name, value: replace[$0.value.id] ?? $0.value) }
    return out
}
