import IR

// fuse-fft-skip — add the D·u skip of a long convolution in the FFT's inverse pass instead of as two more kernels.
//
// Pattern (either operand order of the add and of the mul):
//
//   %c = toeplitz_fft %k, (%kr,) %x {causal = …, skip = false}       %c used only by the add
//   %s = mul %d, %x                                                  d: [..., 1], a per-row scalar
//   %y = add %c, %s                                                  of %c's type (no broadcast widening)
//
// becomes
//
//   %y = toeplitz_fft %k, (%kr,) %x, %d {causal = …, skip = true}
//
// Why it is exact: toeplitz_fft with skip means conv + d·x with the product and the sum each rounded to the dtype —
// the mul and the add themselves (IEEE add and mul are commutative, so the operand order does not matter). The mul
// stays for its other uses; `dce` removes it (and the unfused toeplitz_fft) otherwise.
// After: no add of a singly-used toeplitz_fft and d·x (x its input) remains.

extension Pass {
    public static let fuseFFTSkip = Pass(name: "fuse-fft-skip", run: fuseFFTSkips)
}

public func fuseFFTSkips(_ f: Function) -> Function {
    var def: [Int: Instruction] = [:]
    var uses: [Int: Int] = [:]
    for inst in f.body {
        for r in inst.results { def[r.id] = inst }
        for v in inst.operands { uses[v.id, default: 0] += 1 }
    }
    for o in f.outputs { uses[o.value.id, default: 0] += 1 }

    var out = f
    out.body = f.body.map { inst in
        guard inst.op == .binary(.add) else { return inst }
        for (conv, skip) in [(inst.operands[0], inst.operands[1]), (inst.operands[1], inst.operands[0])] {
            guard let c = def[conv.id], case .mixer(.toeplitzFFT(let causal, false)) = c.op, uses[conv.id] == 1,
                conv.type == inst.results[0].type,
                let s = def[skip.id], s.op == .binary(.mul)
            else { continue }
            let x = c.operands[causal ? 1 : 2]
            for (d, other) in [(s.operands[0], s.operands[1]), (s.operands[1], s.operands[0])] where other == x {
                let op = Op.mixer(.toeplitzFFT(causal: causal, skip: true))
                // The type rule decides whether d is a per-row scalar of these rows.
                guard let types = try? inferResultTypes(op, (c.operands + [d]).map(\.type), declared: nil),
                    types == [inst.results[0].type]
                else { continue }
                return Instruction(results: inst.results, op: op, operands: c.operands + [d], location: inst.location)
            }
        }
        return inst
    }
    return out
}
