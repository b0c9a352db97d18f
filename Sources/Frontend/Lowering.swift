import IR

/// Checks a parsed model and lowers it to a Graph IR function.
///
/// `parameters` override the header defaults by name; an unknown name or a value of the wrong kind is an error.
/// Names resolve in two spaces: inside a type's brackets a name is a model parameter (or integer `let`) or, if it
/// starts with a capital letter, a symbolic dim (`B`, `L`); elsewhere it is a binding (input, param, let) or a model
/// parameter used as a number.
public func lowerModel(_ model: ModelDecl, parameters: [String: ParameterValue] = [:]) throws(Diagnostic) -> Function {
    var lowering = Lowering(model: model)
    return try lowering.run(overrides: parameters)
}

struct Lowering {
    let model: ModelDecl
    var builder: FunctionBuilder
    var scope: [String: Bound] = [:]
    var declared: [String: SourceLocation] = [:]
    var outputs: [String: SourceLocation] = [:]

    init(model: ModelDecl) {
        self.model = model
        self.builder = FunctionBuilder(name: model.name)
    }

    func error(_ message: String, at loc: SourceLocation) -> Diagnostic {
        model.source.diagnostic(message, at: loc)
    }

    mutating func run(overrides: [String: ParameterValue]) throws(Diagnostic) -> Function {
        try bindParameters(overrides)
        for s in model.statements { try lower(s) }
        guard !builder.function.outputs.isEmpty else {
            throw error("model '\(model.name)' has no outputs; add 'output NAME = expression'", at: model.location)
        }
        do {
            try verify(builder.function)
        } catch {
            throw self.error("internal error: lowering produced invalid IR: \(error.message)", at: error.location ?? model.location)
        }
        return builder.function
    }

    mutating func bindParameters(_ overrides: [String: ParameterValue]) throws(Diagnostic) {
        var seen: [String: SourceLocation] = [:]
        for p in model.parameters {
            if let first = seen[p.name] {
                throw error("duplicate model parameter '\(p.name)' (first declared at \(first.line):\(first.column))", at: p.location)
            }
            seen[p.name] = p.location
            scope[p.name] = bound(p.defaultValue)
        }
        for name in overrides.keys.sorted() {
            let value = overrides[name]!
            guard let decl = model.parameters.first(where: { $0.name == name }) else {
                let known = model.parameters.map(\.name).joined(separator: ", ")
                throw Diagnostic(
                    "model '\(model.name)' has no parameter '\(name)' (its parameters: \(known.isEmpty ? "none" : known))",
                    at: model.location)
            }
            switch (decl.defaultValue, value) {
            case (.int, .int), (.float, .float), (.bool, .bool): scope[name] = bound(value)
            case (.float, .int(let n)): scope[name] = .float(Double(n))
            default:
                throw Diagnostic(
                    "parameter '\(name)' of model '\(model.name)' takes \(kindName(decl.defaultValue)), got \(value)",
                    at: decl.location)
            }
        }
    }

    func bound(_ v: ParameterValue) -> Bound {
        switch v {
        case .int(let n): return .int(n)
        case .float(let x): return .float(x)
        case .bool(let b): return .bool(b)
        }
    }

    func kindName(_ v: ParameterValue) -> String {
        switch v {
        case .int: return "an integer"
        case .float: return "a number"
        case .bool: return "true or false"
        }
    }

    // MARK: statements

    mutating func lower(_ s: Statement) throws(Diagnostic) {
        switch s {
        case .input(let name, let t, let loc), .param(let name, let t, let loc):
            let isInput: Bool
            if case .input = s { isInput = true } else { isInput = false }
            if let first = declared[name] {
                throw error("duplicate declaration of '\(name)' (first declared at \(first.line):\(first.column))", at: loc)
            }
            declared[name] = loc
            let type = try tensorType(t)
            let v = try emit(isInput ? .input(name: name) : .param(name: name), [], declared: type, at: loc)
            scope[name] = .tensor(v)

        case .let(let names, let e, let loc):
            let value = try lowerExpr(e)
            if names.count == 1 {
                if case .tuple(let vs) = value {
                    throw error("this expression gives \(vs.count) tensors; bind them with 'let (\((0..<vs.count).map { "x\($0)" }.joined(separator: ", "))) = …'", at: e.location)
                }
                if case .list = value { throw error("a list cannot be bound to a name", at: e.location) }
                scope[names[0]] = value
            } else {
                guard case .tuple(let vs) = value else {
                    throw error("cannot destructure \(value.kind) into \(names.count) names", at: loc)
                }
                guard vs.count == names.count else {
                    throw error("this expression gives \(vs.count) tensors, but the pattern has \(names.count) names", at: loc)
                }
                for (n, v) in zip(names, vs) { scope[n] = .tensor(v) }
            }

        case .output(let name, let e, let loc):
            if let first = outputs[name] {
                throw error("duplicate output '\(name)' (first declared at \(first.line):\(first.column))", at: loc)
            }
            outputs[name] = loc
            let value: Bound
            if let e {
                value = try lowerExpr(e)
            } else {
                guard let b = scope[name] else { throw error("unknown name '\(name)' in output", at: loc) }
                value = b
            }
            guard case .tensor(let v) = value else {
                throw error("an output must be a tensor, got \(value.kind)", at: e?.location ?? loc)
            }
            builder.addOutput(name, v)
            if e != nil { scope[name] = value }
        }
    }

    // MARK: types and dims

    func tensorType(_ t: TypeExpr) throws(Diagnostic) -> TensorType {
        guard let dtype = DType(rawValue: t.dtype) else {
            throw error("unknown dtype '\(t.dtype)'; expected f32, f64, i32, i64 or bool", at: t.location)
        }
        var dims: [Dim] = []
        for d in t.dims { dims.append(try dim(d)) }
        return TensorType(dtype, dims)
    }

    /// A dim: a non-negative integer expression over model parameters, or a capitalised symbol.
    func dim(_ e: Expr) throws(Diagnostic) -> Dim {
        // Dims live in their own namespace: only integer bindings count, so an input named `B` does not hide the
        // batch symbol `B`.
        if case .name(let n, let loc) = e, !isIntegerBinding(n) {
            guard n.first!.isUppercase, !n.contains(".") else {
                throw error("unknown dim '\(n)'; a dim is an integer expression over model parameters, or a symbol written with a capital letter like B or L", at: loc)
            }
            return .symbol(n)
        }
        let n = try integer(e, what: "a dim")
        guard n >= 0 else { throw error("a dim must not be negative, got \(n)", at: e.location) }
        return .known(n)
    }

    func isIntegerBinding(_ n: String) -> Bool {
        if case .int = scope[n] { return true }
        return false
    }

    /// Evaluates a compile-time integer expression (model parameters, integer lets, + - * / ceildiv min max).
    func integer(_ e: Expr, what: String) throws(Diagnostic) -> Int {
        switch e {
        case .integer(let n, _): return n
        case .name(let n, let loc):
            switch scope[n] {
            case .int(let v): return v
            case nil:
                if n.first!.isUppercase { throw error("symbolic dim '\(n)' cannot be used in arithmetic; \(what) must be a known integer here", at: loc) }
                throw error("unknown name '\(n)'", at: loc)
            case let b?: throw error("expected an integer for \(what), but '\(n)' is \(b.kind)", at: loc)
            }
        case .negate(let x, let loc):
            let v = try integer(x, what: what)
            guard v != Int.min else { throw error("integer overflow", at: loc) }
            return -v
        case .binary(let op, let l, let r, let loc):
            let a = try integer(l, what: what)
            let b = try integer(r, what: what)
            return try intArithmetic(op, a, b, at: loc)
        case .call(let f, let args, let loc) where ["ceildiv", "min", "max"].contains(f):
            guard args.count == 2, args.allSatisfy({ $0.label == nil }) else {
                throw error("'\(f)' on integers takes two arguments", at: loc)
            }
            let a = try integer(args[0].value, what: what)
            let b = try integer(args[1].value, what: what)
            switch f {
            case "ceildiv":
                guard b > 0 else { throw error("ceildiv by \(b): the divisor must be positive", at: loc) }
                return a / b + (a % b > 0 ? 1 : 0)
            case "min": return Swift.min(a, b)
            default: return Swift.max(a, b)
            }
        default:
            throw error("expected an integer expression for \(what)", at: e.location)
        }
    }

    func intArithmetic(_ op: String, _ a: Int, _ b: Int, at loc: SourceLocation) throws(Diagnostic) -> Int {
        switch op {
        case "+":
            let (r, o) = a.addingReportingOverflow(b)
            guard !o else { throw error("integer overflow in \(a) + \(b)", at: loc) }
            return r
        case "-":
            let (r, o) = a.subtractingReportingOverflow(b)
            guard !o else { throw error("integer overflow in \(a) - \(b)", at: loc) }
            return r
        case "*":
            let (r, o) = a.multipliedReportingOverflow(by: b)
            guard !o else { throw error("integer overflow in \(a) * \(b)", at: loc) }
            return r
        case "/":
            guard b != 0 else { throw error("division by zero in integer expression", at: loc) }
            guard a % b == 0 else { throw error("\(a) / \(b) is not a whole number; use ceildiv(\(a), \(b)) to round up", at: loc) }
            return a / b
        default:
            throw error("'\(op)' does not apply to integers", at: loc)
        }
    }

    // MARK: expressions

    mutating func emit(_ op: Op, _ operands: [Value], declared: TensorType? = nil, at loc: SourceLocation) throws(Diagnostic) -> Value {
        do {
            return try builder.emit1(op, operands, declared: declared, at: loc)
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
        case .name(let n, let loc):
            guard let b = scope[n] else { throw error("unknown name '\(n)'", at: loc) }
            return b
        case .negate(let x, let loc):
            switch try lowerExpr(x) {
            case .int(let n): return .int(-n)
            case .float(let v): return .float(-v)
            case .tensor(let v): return .tensor(try emit(.unary(.neg), [v], at: loc))
            case let b: throw error("cannot negate \(b.kind)", at: loc)
            }
        case .binary(let op, let l, let r, let loc):
            return try lowerBinary(op, try lowerExpr(l), try lowerExpr(r), at: loc)
        case .call(let f, let args, let loc):
            return try lowerCall(f, args, at: loc)
        }
    }

    mutating func lowerBinary(_ op: String, _ a: Bound, _ b: Bound, at loc: SourceLocation) throws(Diagnostic) -> Bound {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if op == "/" && x % (y == 0 ? 1 : y) != 0 { return .float(Double(x) / Double(y)) }
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
        let binary: BinaryOp = ["+": .add, "-": .sub, "*": .mul, "/": .div][op]!
        return .tensor(try elementwise(binary, a, b, at: loc))
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
