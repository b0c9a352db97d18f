import IR

// fold-reversed-scans — run a scan over time-flipped operands backwards instead of copying the flips.
//
// A backward SSD (Hydra's second half, any "right-to-left" scan) is written as a forward scan of flipped sequences,
// flipped back and usually shifted:
//
//   %y, %h = ssm_scan (flip %a), (flip %b), (flip %c), (flip %x) (, %h0)       every flip along time (axis 1)
//   %s = slice %y {axis = 1, start = -1}                                      (optional shift)
//   %z = flip %s {axis = 1}
//
// becomes
//
//   %y', %h = ssm_scan %a, %b, %c, %x (, %h0) {reverse = true}
//   %z = slice %y' {axis = 1, start = 1}
//
// Why it is exact: the reverse scan visits t = L−1 … 0 doing the same operations on the same elements in the same
// order as the forward scan of the flipped operands visits L−1−t, so y'_t is that scan's y_{L−1−t} bit for bit and
// its last state is the same. An operand whose time extent is 1 (it broadcasts over time) reads the same either way
// and need not be flipped. The rewrite emits `flip %y'` for the old y; two more local rules then remove flips:
// flip(flip v) = v, and flip(slice(flip v, start s)) = slice(v, start −s) along one axis when the slice keeps the
// length (it is a shift: reversing both sides of a shift shifts the other way). `dce` removes the unused flips.
// After: no ssm_scan whose time-varying operands are all flips along time.

extension Pass {
    public static let foldReversedScans = Pass(name: "fold-reversed-scans", run: Passes.foldReversedScans)
}

public func foldReversedScans(_ f: Function) -> Function {
    var def: [Int: Instruction] = [:]
    var replace: [Int: Value] = [:]
    var nextID = f.nextValueID
    var out = f
    out.body = []

    func append(_ inst: Instruction) {
        out.body.append(inst)
        for r in inst.results { def[r.id] = inst }
    }
    func fresh(_ type: TensorType) -> Value {
        defer { nextID += 1 }
        return Value(id: nextID, type: type)
    }

    for var inst in f.body {
        inst.operands = inst.operands.map { replace[$0.id] ?? $0 }
        if case .mixer(.ssmScan(let hasInit, false)) = inst.op, let unflipped = unflippedOperands(inst, def) {
            let y = inst.results[0]
            let reversed = fresh(y.type)
            append(Instruction(results: [reversed, inst.results[1]], op: .mixer(.ssmScan(hasInit: hasInit, reverse: true)),
                               operands: unflipped, location: inst.location))
            let flipped = fresh(y.type)
            append(Instruction(results: [flipped], op: .flip(axis: 1), operands: [reversed], location: inst.location))
            replace[y.id] = flipped
            continue
        }
        if case .flip(let axis) = inst.op, let inner = def[inst.operands[0].id] {
            // flip(flip v) = v
            if inner.op == .flip(axis: axis) {
                replace[inst.result.id] = inner.operands[0]
                continue
            }
            // flip(slice(flip v, s)) = slice(v, −s) for a length-keeping shift along the flip's axis
            if case .slice(axis, let start, false) = inner.op, let flip = def[inner.operands[0].id],
                flip.op == .flip(axis: axis), inner.result.type == flip.operands[0].type
            {
                let shifted = fresh(inst.result.type)
                append(Instruction(results: [shifted], op: .slice(axis: axis, start: -start, fromEnd: false),
                                   operands: [flip.operands[0]], location: inst.location))
                replace[inst.result.id] = shifted
                continue
            }
        }
        append(inst)
    }
    out.outputs = f.outputs.map { Output(name: $0.name, value: replace[$0.value.id] ?? $0.value) }
    return out
}

/// The scan's a, b, c, x without their time flips (h0 as it is), when each is a flip along axis 1 or has time
/// extent 1, and at least one is a flip; else nil.
private func unflippedOperands(_ scan: Instruction, _ def: [Int: Instruction]) -> [Value]? {
    var operands = scan.operands
    var flips = 0
    for k in 0..<4 {
        let v = operands[k]
        guard v.type.rank == 4 else { return nil }
        if let d = def[v.id], d.op == .flip(axis: 1) {
            operands[k] = d.operands[0]
            flips += 1
        } else if v.type.shape[1] != .known(1) {
            return nil
        }
    }
    return flips > 0 ? operands : nil
}
