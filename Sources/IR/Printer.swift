// The one text form of the Graph IR. `parseFunction(printFunction(f))` gives back `f`.
//
//   func @selective_scan {
//     %0 = input "u" : f32[B, 8, L]
//     %1 = param "A" : f32[8, 4]
//     %2 = reduce_sum %0 {axis = 2, keepdims = false} : f32[B, 8]
//     %3, %4 = scan %a, %b {axis = 2} : f32[B, 8, L, 4], f32[B, 8, 4]
//     output "y" = %2
//   }
//
// With `locations: true` each instruction ends in `loc("file.seq":3:5)`.

/// The text form of a whole function.
public func printFunction(_ f: Function, locations: Bool = false) -> String {
    var s = "func @\(f.name) {\n"
    for inst in f.body {
        s += "  " + printInstruction(inst, location: locations) + "\n"
    }
    for o in f.outputs {
        s += "  output \(quote(o.name)) = \(o.value)\n"
    }
    s += "}\n"
    return s
}

/// The text form of one instruction (no indentation, no newline).
public func printInstruction(_ inst: Instruction, location: Bool = false) -> String {
    var s = inst.results.map(\.description).joined(separator: ", ") + " = " + inst.op.mnemonic
    switch inst.op {
    case .input(let n), .param(let n): s += " " + quote(n)
    case .constant(let c): s += " " + formatNumber(c)
    default: break
    }
    if !inst.operands.isEmpty {
        s += " " + inst.operands.map(\.description).joined(separator: ", ")
    }
    let attrs = attributes(of: inst.op)
    if !attrs.isEmpty {
        s += " {" + attrs.map { "\($0.0) = \($0.1)" }.joined(separator: ", ") + "}"
    }
    s += " : " + inst.results.map(\.type.description).joined(separator: ", ")
    if location, let l = inst.location {
        s += " loc(\(quote(l.file)):\(l.line):\(l.column))"
    }
    return s
}

/// Attributes in the order they print. Operand counts carry `hasBias` and `hasInit`.
func attributes(of op: Op) -> [(String, String)] {
    switch op {
    case .reduce(_, let axis, let keep): return [("axis", String(axis)), ("keepdims", String(keep))]
    case .rmsNorm(let eps): return [("eps", formatNumber(eps))]
    case .permute(let p): return [("perm", "[" + p.map(String.init).joined(separator: ", ") + "]")]
    case .scan(let axis, _): return [("axis", String(axis))]
    case .iota(let axis), .concat(let axis), .flip(let axis), .take(let axis): return [("axis", String(axis))]
    case .slice(let axis, let start, let fromEnd):
        return [("axis", String(axis)), ("start", String(start)), ("from_end", String(fromEnd))]
    case .rfft(let axis, let n), .irfft(let axis, let n): return [("axis", String(axis)), ("n", n.description)]
    case .mixer(let m):
        switch m {
        case .toeplitz(let causal), .toeplitzMatrix(let causal): return [("causal", String(causal))]
        case .toeplitzFFT(let causal, let skip, let gate):
            return [("causal", String(causal)), ("skip", String(skip))] + (gate ? [("gate", "true")] : [])
        case .ssmScan(_, let reverse), .ssmScanExp(_, let reverse): return reverse ? [("reverse", "true")] : []
        case .ssmScanChunked(_, let chunk): return [("chunk", String(chunk))]
        case .ssmMatrix: return []
        case .attention(let causal, let scale), .attentionMatrix(let causal, let scale):
            return [("causal", String(causal)), ("scale", formatNumber(scale))]
        case .linearAttention(let causal, let normalize, let eps), .linearAttentionMatrix(let causal, let normalize, let eps):
            return [("causal", String(causal)), ("normalize", String(normalize)), ("eps", formatNumber(eps))]
        }
    default: return []
    }
}

/// Shortest text that reads back as the same Double.
func formatNumber(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    return x.description
}

/// A string literal with `"` and `\` escaped.
func quote(_ s: String) -> String {
    var out = "\""
    for c in s {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.append(c)
        }
    }
    return out + "\""
}
