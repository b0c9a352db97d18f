import IR

// fuse-ssm-decay — compute Mamba's discretized decay exp(Δ·A) inside the scan instead of materializing it.
//
// Pattern (p, q in either order; the chains may be empty):
//
//   %m = mul %p, %q                        p: [.., B, L, H, 1]   q: [.., 1, 1, H, N]   (right-aligned, NumPy style)
//   %e = exp (reshape*) %m                 only reshapes that add or drop leading 1s
//   %y, %h = ssm_scan (reshape | expand)* %e, %b, %c, %x (, %h0)
//
// becomes
//
//   %y, %h = ssm_scan_exp %p', %q', %b, %c, %x (, %h0)      p' = p as [B, L, H, 1], q' = q as [1, 1, H, N]
//
// Why it is exact: exp is elementwise and reshapes of leading 1s and expands only re-index it, so the decay's element
// [b, t, h, n] is exp(p[b, t, h, 0] · q[0, 0, h, n]) (broadcast indices), each operation rounded to the dtype — what
// ssm_scan_exp means by definition. The rewrite is kept only when ssm_scan_exp gives the scan's own result types
// (an expand may have widened a dim both factors have as 1). The mul and exp stay for their other uses; `dce`
// removes them when the scan was the only one — then no [B, L, H, N] value is left.
// After: no ssm_scan reads a decay produced by exp(p·q) with p's N axis 1 and q's batch/time axes 1.

extension Pass {
    public static let fuseSSMDecay = Pass(name: "fuse-ssm-decay", run: fuseExponentialDecays)
}

public func fuseExponentialDecays(_ f: Function) -> Function {
    var def: [Int: Instruction] = [:]
    for inst in f.body { for r in inst.results { def[r.id] = inst } }
    var nextID = f.nextValueID
    var out = f
    out.body = []
    for inst in f.body {
        guard case .mixer(.ssmScan(let hasInit, let reverse)) = inst.op, let (p, q) = decayFactors(inst.operands[0], def) else {
            out.body.append(inst)
            continue
        }
        // Each factor as rank 4 (leading 1s are a free reshape); try both orders of the commutative mul.
        var fused: Instruction?
        for (delta, a) in [(p, q), (q, p)] {
            guard let dShape = padded(delta.type.shape), let aShape = padded(a.type.shape),
                dShape[3] == .known(1), aShape[0] == .known(1), aShape[1] == .known(1)
            else { continue }
            var prefix: [Instruction] = []
            func asRank4(_ v: Value, _ shape: [Dim]) -> Value {
                if v.type.rank == 4 { return v }
                let r = Value(id: nextID, type: TensorType(v.type.dtype, shape))
                nextID += 1
                prefix.append(Instruction(results: [r], op: .reshape, operands: [v], location: inst.location))
                return r
            }
            let operands = [asRank4(delta, dShape), asRank4(a, aShape)] + inst.operands.dropFirst()
            let op = Op.mixer(.ssmScanExp(hasInit: hasInit, reverse: reverse))
            guard let types = try? inferResultTypes(op, operands.map(\.type), declared: nil),
                types == inst.results.map(\.type)
            else {
                nextID -= prefix.count
                continue
            }
            out.body += prefix
            fused = Instruction(results: inst.results, op: op, operands: operands, location: inst.location)
            break
        }
        out.body.append(fused ?? inst)
    }
    return out
}

/// The factors (p, q) when `decay` is exp(p · q) seen through the re-indexings the header allows.
private func decayFactors(_ decay: Value, _ def: [Int: Instruction]) -> (Value, Value)? {
    var v = decay
    // Between the scan and the exp: expands, and reshapes of leading 1s.
    while let d = def[v.id], d.op == .expand || isLeadingOnesReshape(d) { v = d.operands[0] }
    guard let e = def[v.id], e.op == .unary(.exp) else { return nil }
    v = e.operands[0]
    // Between the exp and the mul: reshapes of leading 1s (an expand here would change what the factors broadcast to).
    while let d = def[v.id], isLeadingOnesReshape(d) { v = d.operands[0] }
    guard let m = def[v.id], m.op == .binary(.mul), v.type.rank <= 4 else { return nil }
    return (m.operands[0], m.operands[1])
}

/// A reshape that only adds or drops leading dims of size 1: the same elements at the same right-aligned indices.
private func isLeadingOnesReshape(_ inst: Instruction) -> Bool {
    guard inst.op == .reshape else { return false }
    func core(_ s: [Dim]) -> ArraySlice<Dim> { s.drop { $0 == .known(1) } }
    return core(inst.operands[0].type.shape) == core(inst.result.type.shape)
}

/// `shape` right-aligned into rank 4 (leading 1s), or nil when it has more than 4 dims.
private func padded(_ shape: [Dim]) -> [Dim]? {
    shape.count <= 4 ? [Dim](repeating: .known(1), count: 4 - shape.count) + shape : nil
}
