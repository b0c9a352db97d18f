// Parses the Graph IR text form written by Printer.swift.

/// A syntax or type error in IR text, at a line and column of that text.
public struct IRParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int
    public var description: String { "<ir>:\(line):\(column): error: \(message)" }
}

/// Parses one function in text form and verifies it.
public func parseFunction(_ text: String) throws -> Function {
    var p = IRTextParser(Array(text.unicodeScalars))
    let f = try p.function()
    try verify(f)
    return f
}

private struct IRTextParser {
    let chars: [Unicode.Scalar]
    var pos = 0
    var line = 1
    var col = 1
    var values: [Int: Value] = [:]

    init(_ chars: [Unicode.Scalar]) { self.chars = chars }

    func error(_ m: String) -> IRParseError { IRParseError(message: m, line: line, column: col) }

    var peek: Unicode.Scalar? { pos < chars.count ? chars[pos] : nil }

    mutating func advance() {
        if chars[pos] == "\n" { line += 1; col = 1 } else { col += 1 }
        pos += 1
    }

    mutating func skipSpace() {
        while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { advance() }
    }

    /// Consumes `s` (after spaces) if it comes next.
    mutating func accept(_ s: String) -> Bool {
        skipSpace()
        let u = Array(s.unicodeScalars)
        guard pos + u.count <= chars.count, Array(chars[pos..<pos + u.count]) == u else { return false }
        for _ in u { advance() }
        return true
    }

    mutating func expect(_ s: String) throws {
        guard accept(s) else { throw error("expected '\(s)'") }
    }

    static func isWordChar(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "."
            || c == "-" || c == "+"
    }

    /// A bare word: identifier, number, `true`.
    mutating func word() throws -> String {
        skipSpace()
        var s = ""
        while let c = peek, Self.isWordChar(c) {
            s.unicodeScalars.append(c)
            advance()
        }
        guard !s.isEmpty else { throw error("expected a word or number") }
        return s
    }

    /// A dim as written in a type: `16`, `L`, `2*L+1`.
    mutating func dimWord() throws -> String {
        skipSpace()
        var s = ""
        while let c = peek, Self.isWordChar(c) || c == "*" {
            s.unicodeScalars.append(c)
            advance()
        }
        guard !s.isEmpty else { throw error("expected a dim") }
        return s
    }

    mutating func integer() throws -> Int {
        let w = try word()
        guard let n = Int(w) else { throw error("expected an integer, got '\(w)'") }
        return n
    }

    mutating func string() throws -> String {
        try expect("\"")
        var s = ""
        while true {
            guard let c = peek else { throw error("unterminated string") }
            advance()
            if c == "\"" { break }
            if c == "\\" {
                guard let e = peek else { throw error("unterminated string") }
                advance()
                s.unicodeScalars.append(e == "n" ? "\n" : e)
            } else {
                s.unicodeScalars.append(c)
            }
        }
        return s
    }

    mutating func valueRef() throws -> Value {
        try expect("%")
        let n = try integer()
        guard let v = values[n] else { throw error("value %\(n) is not defined") }
        return v
    }

    mutating func resultID() throws -> Int {
        try expect("%")
        return try integer()
    }

    /// `f32[B, 8, L]`
    mutating func type() throws -> TensorType {
        let d = try word()
        guard let dtype = DType(rawValue: d) else { throw error("unknown dtype '\(d)'") }
        try expect("[")
        var dims: [Dim] = []
        if !accept("]") {
            repeat {
                let w = try dimWord()
                guard let d = Dim(text: w) else { throw error("malformed dim '\(w)'") }
                if case .known(let n) = d, n < 0 { throw error("negative dim \(n)") }
                dims.append(d)
            } while accept(",")
            try expect("]")
        }
        return TensorType(dtype, dims)
    }

    mutating func function() throws -> Function {
        try expect("func")
        try expect("@")
        let name = try word()
        try expect("{")
        var f = Function(name: name)
        while !accept("}") {
            if accept("output") {
                let n = try string()
                try expect("=")
                f.outputs.append(Output(name: n, value: try valueRef()))
            } else {
                f.body.append(try instruction())
            }
        }
        skipSpace()
        guard peek == nil else { throw error("unexpected text after the function") }
        return f
    }

    mutating func instruction() throws -> Instruction {
        let startLine = line, startCol = col
        var ids = [try resultID()]
        while accept(",") { ids.append(try resultID()) }
        try expect("=")
        let mnemonic = try word()
        var name: String?
        var number: Double?
        switch mnemonic {
        case "input", "param": name = try string()
        case "const":
            let w = try word()
            guard let x = Double(w) else { throw error("expected a number, got '\(w)'") }
            number = x
        default: break
        }
        var operands: [Value] = []
        skipSpace()
        if peek == "%" {
            repeat { operands.append(try valueRef()) } while accept(",")
        }
        var attrs: [String: String] = [:]
        if accept("{") {
            repeat {
                let k = try word()
                try expect("=")
                skipSpace()
                if peek == "[" {
                    try expect("[")
                    var items: [String] = []
                    if !accept("]") {
                        repeat { items.append(try word()) } while accept(",")
                        try expect("]")
                    }
                    attrs[k] = items.joined(separator: ",")
                } else {
                    attrs[k] = try dimWord()
                }
            } while accept(",")
            try expect("}")
        }
        try expect(":")
        var types = [try type()]
        while accept(",") { types.append(try type()) }
        var location: SourceLocation?
        if accept("loc(") {
            let file = try string()
            try expect(":")
            let l = try integer()
            try expect(":")
            let c = try integer()
            try expect(")")
            location = SourceLocation(file: file, line: l, column: c)
        }
        guard ids.count == types.count else {
            throw IRParseError(message: "\(ids.count) results but \(types.count) types", line: startLine, column: startCol)
        }
        let op = try makeOp(mnemonic, name: name, number: number, operandCount: operands.count, attrs: attrs)
        let results = zip(ids, types).map { Value(id: $0, type: $1) }
        for r in results {
            guard values[r.id] == nil else {
                throw IRParseError(message: "value %\(r.id) is defined twice", line: startLine, column: startCol)
            }
            values[r.id] = r
        }
        return Instruction(results: results, op: op, operands: operands, location: location)
    }

    func makeOp(_ m: String, name: String?, number: Double?, operandCount: Int, attrs: [String: String]) throws -> Op {
        func intAttr(_ k: String) throws -> Int {
            guard let s = attrs[k], let n = Int(s) else { throw error("'\(m)' needs an integer attribute '\(k)'") }
            return n
        }
        func boolAttr(_ k: String) throws -> Bool {
            guard let s = attrs[k], let b = Bool(s) else { throw error("'\(m)' needs a true/false attribute '\(k)'") }
            return b
        }
        func numberAttr(_ k: String) throws -> Double {
            guard let s = attrs[k], let x = Double(s) else { throw error("'\(m)' needs a number attribute '\(k)'") }
            return x
        }
        switch m {
        case "input": return .input(name: name!)
        case "param": return .param(name: name!)
        case "const": return .constant(number!)
        case "linear": return .linear(hasBias: operandCount == 3)
        case "matmul": return .matmul
        case "rmsnorm":
            guard let s = attrs["eps"], let e = Double(s) else { throw error("'rmsnorm' needs attribute 'eps'") }
            return .rmsNorm(eps: e)
        case "reshape": return .reshape
        case "cast": return .cast
        case "permute":
            guard let s = attrs["perm"] else { throw error("'permute' needs attribute 'perm'") }
            let parts = s.isEmpty ? [] : s.split(separator: ",").map { Int($0) }
            guard parts.allSatisfy({ $0 != nil }) else { throw error("'perm' must list integers") }
            return .permute(parts.map { $0! })
        case "scan": return .scan(axis: try intAttr("axis"), hasInit: operandCount == 3)
        case "select": return .select
        case "rfft", "irfft":
            guard let t = attrs["n"], let n = Dim(text: t) else { throw error("'\(m)' needs a dim attribute 'n'") }
            let axis = try intAttr("axis")
            return m == "rfft" ? .rfft(axis: axis, n: n) : .irfft(axis: axis, n: n)
        case "iota": return .iota(axis: try intAttr("axis"))
        case "concat": return .concat(axis: try intAttr("axis"))
        case "flip": return .flip(axis: try intAttr("axis"))
        case "take": return .take(axis: try intAttr("axis"))
        case "expand": return .expand
        case "slice": return .slice(axis: try intAttr("axis"), start: try intAttr("start"), fromEnd: try boolAttr("from_end"))
        case "toeplitz": return .mixer(.toeplitz(causal: try boolAttr("causal")))
        case "toeplitz_matrix": return .mixer(.toeplitzMatrix(causal: try boolAttr("causal")))
        case "toeplitz_fft":
            return .mixer(.toeplitzFFT(causal: try boolAttr("causal"), skip: try boolAttr("skip"),
                                       gate: attrs["gate"] == nil ? false : try boolAttr("gate")))
        case "ssm_scan": return .mixer(.ssmScan(hasInit: operandCount == 5, reverse: attrs["reverse"] == nil ? false : try boolAttr("reverse")))
        case "ssm_scan_exp":
            return .mixer(.ssmScanExp(hasInit: operandCount == 6, reverse: attrs["reverse"] == nil ? false : try boolAttr("reverse")))
        case "ssm_scan_chunked":
            let chunk = try intAttr("chunk")
            guard chunk > 0 else { throw error("'ssm_scan_chunked' chunk must be positive, got \(chunk)") }
            return .mixer(.ssmScanChunked(hasInit: operandCount == 5, chunk: chunk))
        case "ssm_matrix": return .mixer(.ssmMatrix)
        case "attention": return .mixer(.attention(causal: try boolAttr("causal"), scale: try numberAttr("scale")))
        case "attention_matrix": return .mixer(.attentionMatrix(causal: try boolAttr("causal"), scale: try numberAttr("scale")))
        case "linear_attention":
            return .mixer(.linearAttention(causal: try boolAttr("causal"), normalize: try boolAttr("normalize"), eps: try numberAttr("eps")))
        case "linear_attention_matrix":
            return .mixer(.linearAttentionMatrix(causal: try boolAttr("causal"), normalize: try boolAttr("normalize"), eps: try numberAttr("eps")))
        default:
            if let u = UnaryOp(rawValue: m) { return .unary(u) }
            if let b = BinaryOp(rawValue: m) { return .binary(b) }
            if let c = CompareOp(rawValue: m) { return .compare(c) }
            if m.hasPrefix("reduce_"), let r = ReduceOp(rawValue: String(m.dropFirst(7))) {
                guard let k = attrs["keepdims"], let keep = Bool(k) else {
                    throw error("'\(m)' needs attribute 'keepdims'")
                }
                return .reduce(r, axis: try intAttr("axis"), keepDims: keep)
            }
            throw error("unknown op '\(m)'")
        }
    }
}
