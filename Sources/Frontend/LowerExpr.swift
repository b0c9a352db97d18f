import IR

// Expressions: compile-time arithmetic and logic, tensor arithmetic with broadcasting, strings, calls.

extension Lowering {
    mutating func emit(_ op: Op, _ operands: [Value], declared: TensorType? = nil, at loc: SourceLocation) throws(Diagnostic) -> Value {
        do {
            return try builder.emit1(op, operands, declared: declared, at: loc)
        } catch {
            throw self.error(error.message, at: loc)
        }
    }

    mutating func emitMany(_ op: Op, _ operands: [Value], at loc: SourceLocation) throws(Diagnostic) -> [Value] {
        do {
            return try builder.emit(op, operands, at: loc)
        } catch {
            throw self.error(error.message, at: loc)
        }
    }

    mutating func lowerExpr(_ e: Expr) throws(Diagnostic) -> Bound {
        switch e {
        case .integer(let n, _): return .int(n)
        case .float(let x, _): return .float(x)
        case .bool(let b, _): return .bool(b)
        case .list(let items, _): return .list(items)
        case .string(let parts, _):
            var s = ""
            for p in parts {
                switch p {
                case .text(let t): s += t
                case .interpolation(let x):
                    switch try lowerExpr(x) {
                    case .int(let n): s += String(n)
                    case .float(let v): s += String(v)
                    case .bool(let b): s += String(b)
                    case .string(let t): s += t
                    case let b: throw error("cannot put \(b.kind) in a string", at: x.location)
                    }
                }
            }
            return .string(s)
        case .tuple(let items, let loc):
            var values: [Value] = []
            for item in items {
                guard case .tensor(let v) = try lowerExpr(item) else {
                    throw error("a tuple holds tensors only", at: item.location)
                }
                values.append(v)
            }
            _ = loc
            return .tuple(values)
        case .name(let n, let loc):
            guard let b = env.lookup(n) else {
                if let d = dimAliases[n], case .known(let k) = d { return .int(k) }
                throw error("unknown name '\(n)'", at: loc)
            }
            return b
        case .negate(let x, let loc):
            switch try lowerExpr(x) {
            case .int(let n): return .int(-n)
            case .float(let v): return .float(-v)
            case .tensor(let v): return .tensor(try emit(.unary(.neg), [v], at: loc))
            case let b: throw error("cannot negate \(b.kind)", at: loc)
            }
        case .not(let x, let loc):
            guard case .bool(let b) = try lowerExpr(x) else { throw error("'!' applies to true or false", at: loc) }
            return .bool(!b)
        case .binary(let op, let l, let r, let loc):
            if op == "&&" || op == "||" {
                guard case .bool(let a) = try lowerExpr(l) else { throw error("'\(op)' applies to true or false", at: l.location) }
                // Short-circuit, so `has_z && …` may mention names that exist only when has_z holds.
                if op == "&&" && !a { return .bool(false) }
                if op == "||" && a { return .bool(true) }
                guard case .bool(let b) = try lowerExpr(r) else { throw error("'\(op)' applies to true or false", at: r.location) }
                return .bool(b)
            }
            return try lowerBinary(op, try lowerExpr(l), try lowerExpr(r), at: loc)
        case .call(let f, let args, let scope, let loc):
            if let block = model.blocks.first(where: { $0.name == f }) {
                return try callBlock(block, args, scope: scope, at: loc)
            }
            if scope != nil { throw error("'scope' applies to block calls; '\(f)' is not a block", at: loc) }
            return try lowerCall(f, args, at: loc)
        }
    }

    mutating func lowerBinary(_ op: String, _ a: Bound, _ b: Bound, at loc: SourceLocation) throws(Diagnostic) -> Bound {
        if ["==", "!=", "<", "<=", ">", ">="].contains(op) {
            if case .tensor = a { return .tensor(try tensorCompare(op, a, b, at: loc)) }
            if case .tensor = b { return .tensor(try tensorCompare(op, a, b, at: loc)) }
            return .bool(try compare(op, a, b, at: loc))
        }
        if case .mixer(let m) = a, op == "@" {
            return .tensor(try applyMixer(m, try tensor(b, "the right operand of '@'", loc), at: loc))
        }
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if op == "/" && y != 0 && x % y != 0 { return .float(Double(x) / Double(y)) }
            return .int(try intArithmetic(op, x, y, at: loc))
        case (.int, .float), (.float, .int), (.float, .float):
            let x = number(a)!, y = number(b)!
            switch op {
            case "+": return .float(x + y)
            case "-": return .float(x - y)
            case "*": return .float(x * y)
            case "/": return .float(x / y)
            default: throw error("'\(op)' does not apply to numbers", at: loc)
            }
        default: break
        }
        if op == "@" {
            return .tensor(try emit(.matmul, [try tensor(a, "the left operand of '@'", loc), try tensor(b, "the right operand of '@'", loc)], at: loc))
        }
        guard let binary: BinaryOp = ["+": .add, "-": .sub, "*": .mul, "/": .div][op] else {
            throw error("'\(op)' does not apply to \(a.kind) and \(b.kind)", at: loc)
        }
        return .tensor(try elementwise(binary, a, b, at: loc))
    }

    /// Elementwise comparison of tensors (a number takes the tensor's dtype); the result is a bool tensor.
    mutating func tensorCompare(_ op: String, _ a: Bound, _ b: Bound, at loc: SourceLocation) throws(Diagnostic) -> Value {
        let c: CompareOp = ["<": .lt, "<=": .le, ">": .gt, ">=": .ge, "==": .eq, "!=": .ne][op]!
        var x: Value, y: Value
        if case .tensor(let t) = a, let n = number(b) {
            (x, y) = (t, try constant(n, t.type.dtype, at: loc))
        } else if let n = number(a), case .tensor(let t) = b {
            (x, y) = (try constant(n, t.type.dtype, at: loc), t)
        } else {
            x = try tensor(a, "the left operand of '\(op)'", loc)
            y = try tensor(b, "the right operand of '\(op)'", loc)
        }
        return try emit(.compare(c), [x, y], at: loc)
    }

    /// Compile-time comparison of numbers, booleans or strings.
    func compare(_ op: String, _ a: Bound, _ b: Bound, at loc: SourceLocation) throws(Diagnostic) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            guard op == "==" || op == "!=" else { throw error("strings compare only with == and !=", at: loc) }
            return (x == y) == (op == "==")
        case (.bool(let x), .bool(let y)):
            guard op == "==" || op == "!=" else { throw error("booleans compare only with == and !=", at: loc) }
            return (x == y) == (op == "==")
        default:
            guard let x = number(a), let y = number(b) else {
                throw error("cannot compare \(a.kind) with \(b.kind) when the model is compiled", at: loc)
            }
            switch op {
            case "==": return x == y
            case "!=": return x != y
            case "<": return x < y
            case "<=": return x <= y
            case ">": return x > y
            default: return x >= y
            }
        }
    }

    /// A binary elementwise op where either side may be a number, which takes the tensor's dtype.
    mutating func elementwise(_ op: BinaryOp, _ a: Bound, _ b: Bound, at loc: SourceLocation) throws(Diagnostic) -> Value {
        if case .tensor(let x) = a, let y = number(b) {
            return try emit(.binary(op), [x, try constant(y, x.type.dtype, at: loc)], at: loc)
        }
        if let x = number(a), case .tensor(let y) = b {
            return try emit(.binary(op), [try constant(x, y.type.dtype, at: loc), y], at: loc)
        }
        let x = try tensor(a, "the left operand of '\(op.rawValue)'", loc)
        let y = try tensor(b, "the right operand of '\(op.rawValue)'", loc)
        return try emit(.binary(op), [x, y], at: loc)
    }

    mutating func constant(_ x: Double, _ dtype: DType, at loc: SourceLocation) throws(Diagnostic) -> Value {
        try emit(.constant(x), [], declared: TensorType(dtype, []), at: loc)
    }

    func number(_ b: Bound) -> Double? {
        switch b {
        case .int(let n): return Double(n)
        case .float(let x): return x
        default: return nil
        }
    }

    func tensor(_ b: Bound, _ what: String, _ loc: SourceLocation) throws(Diagnostic) -> Value {
        switch b {
        case .tensor(let v): return v
        case .tuple(let vs):
            throw error("expected a tensor for \(what), got a tuple of \(vs.count) tensors; destructure it with 'let (…) = …' first", at: loc)
        default: throw error("expected a tensor for \(what), got \(b.kind)", at: loc)
        }
    }
}
