import IR

// fuse-fft-epilogue — apply the D·u skip and the gate of a long convolution in the FFT's inverse pass instead of as
// more kernels over [B, H, L] (each a full read and write of the output, and a buffer).
//
// Skip (either operand order of the add and of the mul):
//
//   %c = toeplitz_fft %k, (%kr,) %x {causal = …, skip = false}       %c used only by the add
//   %s = mul %d, %x                                                  d: [..., 1], a per-row scalar
//   %y = add %c, %s                                                  of %c's type (no broadcast widening)
//
// becomes `%y = toeplitz_fft %k, (%kr,) %x, %d {causal = …, skip = true}`.
//
// Gate (either operand order), on a toeplitz_fft with or without its skip — H3's q·(…) and each step of Hyena's
// order-N chain, whose next gate multiplies the convolution's output:
//
//   %c = toeplitz_fft … {…}                                          no gate yet; %c used only by the mul
//   %y = mul %c, %g                                                  of %c's type (g broadcasts, no widening)
//
// becomes `%y = toeplitz_fft …, %g {…, gate = true}`. The skip is fused first, so add-then-mul chains take both.
//
// Why it is exact: toeplitz_fft computes conv, then + d·x, then · g, each product and sum rounded to the dtype —
// the mul, add and mul themselves (IEEE add and mul are commutative, so operand order does not matter). A mul or
// add that stays for other uses is left alone; `dce` removes the unfused toeplitz_fft (and the skip's mul).
// After: no add of a singly-used toeplitz_fft and d·x (x its input), and no mul of a singly-used gateless
// toeplitz_fft of the product's type, remains.

extension Pass {
    public static let fuseFFTEpilogue = Pass(name: "fuse-fft-epilogue", run: fuseFFTEpilogues)
}

public func fuseFFTEpilogues(_ f: Function) -> Function {
    var uses: [Int: Int] = [:]
    for inst in f.body {
        for v in inst.operands { uses[v.id, default: 0] += 1 }
    }
    for o in f.outputs { uses[o.value.id, default: 0] += 1 }

    // Definitions as rewritten so far: a gate's mul sees the toeplitz_fft that already took the skip.
    var def: [Int: Instruction] = [:]
    var out = f
    out.body = f.body.map { inst in
        let rewritten = fusedSkip(inst, def, uses) ?? fusedGate(inst, def, uses) ?? inst
        for r in rewritten.results { def[r.id] = rewritten }
        return rewritten
    }
    return out
}

/// `add(toeplitz_fft(…), mul(d, x))` as one toeplitz_fft with its skip, or nil.
private func fusedSkip(_ inst: Instruction, _ def: [Int: Instruction], _ uses: [Int: Int]) -> Instruction? {
    guard inst.op == .binary(.add) else { return nil }
    for (conv, skip) in [(inst.operands[0], inst.operands[1]), (inst.operands[1], inst.operands[0])] {
        guard let c = def[conv.id], case .mixer(.toeplitzFFT(let causal, false, false)) = c.op, uses[conv.id] == 1,
            conv.type == inst.results[0].type,
            let s = def[skip.id], s.op == .binary(.mul)
        else { continue }
        let x = c.operands[causal ? 1 : 2]
        for (d, other) in [(s.operands[0], s.operands[1]), (s.operands[1], s.operands[0])] where other == x {
            let op = Op.mixer(.toeplitzFFT(causal: causal, skip: true))
            // The type rule decides whether d is a per-row scalar of these rows.
            if let fused = fusion(inst, op, c.operands + [d]) { return fused }
        }
    }
    return nil
}

/// `mul(toeplitz_fft(…), g)` as one toeplitz_fft with its gate, or nil.
private func fusedGate(_ inst: Instruction, _ def: [Int: Instruction], _ uses: [Int: Int]) -> Instruction? {
    guard inst.op == .binary(.mul) else { return nil }
    for (conv, g) in [(inst.operands[0], inst.operands[1]), (inst.operands[1], inst.operands[0])] {
        guard let c = def[conv.id], case .mixer(.toeplitzFFT(let causal, let skip, false)) = c.op, uses[conv.id] == 1,
            conv.type == inst.results[0].type
        else { continue }
        if let fused = fusion(inst, .mixer(.toeplitzFFT(causal: causal, skip: skip, gate: true)), c.operands + [g]) {
            return fused
        }
    }
    return nil
}

/// `inst`'s results computed by `op` on `operands`, if the type rule gives exactly those results.
private func fusion(_ inst: Instruction, _ op: Op, _ operands: [Value]) -> Instruction? {
    guard let types = try? inferResultTypes(op, operands.map(\.type), declared: nil), types == inst.results.map(\.type)
    else { return nil }
    return Instruction(results: inst.results, op: op, operands: operands, location: inst.location)
}
