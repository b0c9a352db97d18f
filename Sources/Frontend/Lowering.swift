import IR

/// Checks a parsed model and lowers it to a Graph IR function.
///
/// `parameters` override the header defaults by name; an unknown name or a value of the wrong kind is an error.
/// Names resolve in two spaces: inside a type's brackets a name is an integer binding (model parameter, integer
/// `let`), a block's dim variable, or — if it starts with a capital letter — a symbolic dim (`B`, `L`); elsewhere it is
/// a binding in the lexical scopes (input, param, let, var, loop variable, block argument, model parameter).
public func lowerModel(_ model: ModelDecl, parameters: [String: ParameterValue] = [:]) throws(Diagnostic) -> Function {
    var lowering = Lowering(model: model)
    return try lowering.run(overrides: parameters)
}

struct Lowering {
    let model: ModelDecl
    var builder: FunctionBuilder
    var env = Environment()
    /// Checkpoint-name prefix from enclosing `scope`s: `["backbone", "layers", "3", "mixer"]`.
    var prefix: [String] = []
    /// Inside a block call: its dim variables bound to the caller's dims, and where its result goes.
    var dimAliases: [String: Dim] = [:]
    var blockStack: [String] = []
    /// How many `for` loops enclose the statement being lowered.
    var loopDepth = 0
    var returned: Bound?
    /// Full names of inputs and weights already declared.
    var declared: [String: SourceLocation] = [:]
    var outputs: [String: SourceLocation] = [:]

    init(model: ModelDecl) {
        self.model = model
        self.builder = FunctionBuilder(name: model.name)
    }

    func error(_ message: String, at loc: SourceLocation) -> Diagnostic {
        if let source = model.sources[loc.file] { return source.diagnostic(message, at: loc) }
        return Diagnostic(message, at: loc)
    }

    mutating func run(overrides: [String: ParameterValue]) throws(Diagnostic) -> Function {
        try bindParameters(overrides)
        try checkBlocks()
        for s in model.statements {
            if try lower(s) { throw error("'return' belongs in a block, not the model body", at: location(of: s)) }
        }
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
            env.bind(p.name, bound(p.defaultValue))
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
            case (.int, .int), (.float, .float), (.bool, .bool): env.bind(name, bound(value))
            case (.float, .int(let n)): env.bind(name, .float(Double(n)))
            case (.string, .string(let s)):
                if let alts = decl.alternatives, !alts.contains(s) {
                    throw Diagnostic(
                        "parameter '\(name)' of model '\(model.name)' is one of \(alts.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(s)\"",
                        at: decl.location)
                }
                env.bind(name, .string(s))
            default:
                throw Diagnostic(
                    "parameter '\(name)' of model '\(model.name)' takes \(kindName(decl.defaultValue)), got \(value)",
                    at: decl.location)
            }
        }
    }

    /// Block names must be unique and must not hide a builtin.
    func checkBlocks() throws(Diagnostic) {
        var seen: [String: SourceLocation] = [:]
        for b in model.blocks {
            if builtinSignatures[b.name] != nil {
                throw error("block '\(b.name)' has the name of a builtin function", at: b.location)
            }
            if let first = seen[b.name] {
                throw error("duplicate block '\(b.name)' (first declared at \(first.file):\(first.line):\(first.column))", at: b.location)
            }
            seen[b.name] = b.location
        }
    }

    func bound(_ v: ParameterValue) -> Bound {
        switch v {
        case .int(let n): return .int(n)
        case .float(let x): return .float(x)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        }
    }

    func kindName(_ v: ParameterValue) -> String {
        switch v {
        case .int: return "an integer"
        case .float: return "a number"
        case .bool: return "true or false"
        case .string: return "a string"
        }
    }

    func location(of s: Statement) -> SourceLocation {
        switch s {
        case .input(_, _, _, let l), .param(_, _, _, let l), .let(_, _, let l), .var(_, _, let l), .assign(_, _, let l),
            .output(_, _, let l), .if(_, _, _, let l), .for(_, _, _, _, _, let l), .return(_, let l):
            return l
        }
    }

    /// The checkpoint name of `name` declared under the current scopes.
    func fullName(_ name: String) -> String { (prefix + [name]).joined(separator: ".") }

    // MARK: statements

    /// Lowers a list of statements in a new lexical scope; true when a `return` ended it.
    mutating func lowerBody(_ body: [Statement]) throws(Diagnostic) -> Bool {
        env.push()
        defer { env.pop() }
        for (i, s) in body.enumerated() {
            if try lower(s) {
                if i + 1 < body.count { throw error("statement after 'return' is never reached", at: location(of: body[i + 1])) }
                return true
            }
        }
        return false
    }

    /// Lowers one statement; true when it was (or ended in) a `return`.
    mutating func lower(_ s: Statement) throws(Diagnostic) -> Bool {
        switch s {
        case .input(let name, let t, let condition, let loc):
            guard blockStack.isEmpty else { throw error("inputs belong to the model, not to block '\(blockStack.last!)'", at: loc) }
            if let c = condition, !(try boolean(c, what: "the condition of 'input \(name)'")) {
                bindAbsent(name, at: loc)
                return false
            }
            try declare(name, loc)
            let v = try emit(.input(name: name), [], declared: try tensorType(t), at: loc)
            env.bind(name, .tensor(v), at: loc)

        case .param(let name, let t, let condition, let loc):
            if let c = condition, !(try boolean(c, what: "the condition of 'param \(name)'")) {
                bindAbsent(name, at: loc)
                return false
            }
            let full = fullName(name)
            try declare(full, loc)
            let v = try emit(.param(name: full), [], declared: try tensorType(t), at: loc)
            env.bind(name, .tensor(v), at: loc)

        case .let(let names, let e, let loc):
            let value = try lowerExpr(e)
            if names.count == 1 {
                if case .tuple(let vs) = value {
                    throw error("this expression gives \(vs.count) tensors; bind them with 'let (\((0..<vs.count).map { "x\($0)" }.joined(separator: ", "))) = …'", at: e.location)
                }
                if case .list = value { throw error("a list cannot be bound to a name", at: e.location) }
                env.bind(names[0], value, at: loc)
            } else {
                guard case .tuple(let vs) = value else {
                    throw error("cannot destructure \(value.kind) into \(names.count) names", at: loc)
                }
                guard vs.count == names.count else {
                    throw error("this expression gives \(vs.count) tensors, but the pattern has \(names.count) names", at: loc)
                }
                for (n, v) in zip(names, vs) { env.bind(n, .tensor(v), at: loc) }
            }

        case .var(let name, let e, let loc):
            let value = try lowerExpr(e)
            guard case .tensor = value else {
                if value.isCompileTime { env.bind(name, value, mutable: true, at: loc); return false }
                throw error("a 'var' holds a tensor or a number, got \(value.kind)", at: e.location)
            }
            env.bind(name, value, mutable: true, at: loc)

        case .assign(let name, let e, let loc):
            guard let (frame, entry) = env.entry(name) else {
                throw error("unknown name '\(name)'; declare it with 'var \(name) = …' first", at: loc)
            }
            guard entry.mutable else {
                throw error("cannot assign to '\(name)': it is not a 'var'", at: loc)
            }
            let value = try lowerExpr(e)
            switch (entry.value, value) {
            case (.tensor(let old), .tensor(let new)):
                guard old.type == new.type else {
                    throw error("cannot assign \(new.type) to '\(name)', which holds \(old.type)", at: e.location)
                }
            case (.int, .int), (.float, .float), (.float, .int), (.bool, .bool), (.string, .string): break
            default:
                throw error("cannot assign \(value.kind) to '\(name)', which holds \(entry.value.kind)", at: e.location)
            }
            env.frames[frame][name]!.value = value

        case .output(let name, let e, let loc):
            guard blockStack.isEmpty else { throw error("outputs belong to the model, not to block '\(blockStack.last!)'", at: loc) }
            if let first = outputs[name] {
                throw error("duplicate output '\(name)' (first declared at \(first.line):\(first.column))", at: loc)
            }
            outputs[name] = loc
            let value: Bound
            if let e {
                value = try lowerExpr(e)
            } else {
                guard let b = env.lookup(name) else { throw error("unknown name '\(name)' in output", at: loc) }
                value = b
            }
            guard case .tensor(let v) = value else {
                throw error("an output must be a tensor, got \(value.kind)", at: e?.location ?? loc)
            }
            builder.addOutput(name, v)
            if e != nil { env.bind(name, value, at: loc) }

        case .if(let condition, let thenBody, let elseBody, _):
            if try boolean(condition, what: "an 'if' condition") {
                return try lowerBody(thenBody)
            } else if let elseBody {
                return try lowerBody(elseBody)
            }

        case .for(let variable, let lowerExpr, let upperExpr, let scope, let body, let loc):
            let lo = try integer(lowerExpr, what: "the start of the range")
            let hi = try integer(upperExpr, what: "the end of the range")
            guard hi - lo <= 100_000 else { throw error("a loop of \(hi - lo) iterations is too long to unroll", at: loc) }
            loopDepth += 1
            defer { loopDepth -= 1 }
            for i in stride(from: lo, to: hi, by: 1) {
                env.push()
                env.bind(variable, .int(i), at: loc)
                let saved = prefix
                if let scope { prefix += try scopeComponents(scope) }
                let done = try lowerBody(body)
                prefix = saved
                env.pop()
                if done { return true }
            }

        case .return(let e, let loc):
            guard !blockStack.isEmpty else { throw error("'return' belongs in a block, not the model body", at: loc) }
            let value = try lowerExpr(e)
            switch value {
            case .tensor, .tuple: returned = value
            default: throw error("a block returns a tensor or a tuple of tensors, got \(value.kind)", at: e.location)
            }
            return true
        }
        return false
    }

    /// A conditional `input`/`param` whose condition is false binds its name to `none`, unless the same scope already
    /// declared it: alternatives such as `input B: f32[B, N, L] if shared` / `input B: f32[B, G, N, L] if !shared` can
    /// then come in any order.
    mutating func bindAbsent(_ name: String, at loc: SourceLocation) {
        if env.frames[env.frames.count - 1][name] == nil { env.bind(name, .none, at: loc) }
    }

    mutating func declare(_ full: String, _ loc: SourceLocation) throws(Diagnostic) {
        if let first = declared[full] {
            let hint = blockStack.isEmpty && loopDepth == 0 ? "" : "; block calls and loop iterations need distinct scopes"
            throw error("duplicate declaration of '\(full)' (first declared at \(first.line):\(first.column))\(hint)", at: loc)
        }
        declared[full] = loc
    }

    /// A scope string split at dots: `"backbone.layers.\(i)"` → ["backbone", "layers", "3"].
    mutating func scopeComponents(_ e: Expr) throws(Diagnostic) -> [String] {
        guard case .string(let s) = try lowerExpr(e) else {
            throw error("a scope is a string like \"layers.\\(i)\"", at: e.location)
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !s.isEmpty, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
            throw error("scope \"\(s)\" is not a dotted name", at: e.location)
        }
        return parts
    }

    /// A compile-time condition. Evaluated in place: a condition that is not a boolean is an error, so nothing it
    /// might have emitted survives.
    mutating func boolean(_ e: Expr, what: String) throws(Diagnostic) -> Bool {
        guard case .bool(let b) = try lowerExpr(e) else {
            throw error("\(what) must be true or false, known when the model is compiled", at: e.location)
        }
        return b
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

    func isIntegerBinding(_ n: String) -> Bool {
        if case .int = env.lookup(n) { return true }
        return false
    }

    /// A dim: an integer expression over integer bindings, a block's dim variable, a capitalised symbol (`B`, `L`),
    /// or an affine form of one symbol (`2 * L`, `L + K - 1`, `(L + 1) / 2` when exact). Dims have their own
    /// namespace: only integer bindings count, so an input named `B` does not hide the batch symbol `B`.
    func dim(_ e: Expr) throws(Diagnostic) -> Dim {
        let d = try dimExpr(e)
        if case .known(let n) = d, n < 0 { throw error("a dim must not be negative, got \(n)", at: e.location) }
        return d
    }

    func dimExpr(_ e: Expr) throws(Diagnostic) -> Dim {
        switch e {
        case .name(let n, let loc) where !isIntegerBinding(n):
            if let d = dimAliases[n] { return d }
            guard n.first!.isUppercase, !n.contains(".") else {
                throw error("unknown dim '\(n)'; a dim is an integer expression over model parameters, or a symbol written with a capital letter like B or L", at: loc)
            }
            return .symbol(n)
        case .negate(let x, let loc):
            let d = try dimExpr(x)
            guard case .known(let k) = d else { throw error("cannot negate the symbolic dim \(d)", at: loc) }
            return .known(-k)
        case .binary(let op, let l, let r, let loc) where ["+", "-", "*", "/"].contains(op):
            let a = try dimExpr(l), b = try dimExpr(r)
            if case .known(let x) = a, case .known(let y) = b { return .known(try intArithmetic(op, x, y, at: loc)) }
            switch op {
            case "+":
                guard let sum = a + b else { throw error("cannot add the dims \(a) and \(b): a dim may mention one symbol", at: loc) }
                return sum
            case "-":
                guard case .known(let k) = b, let diff = a + .known(-k) else {
                    throw error("cannot subtract the symbolic dim \(b); only a known size may be subtracted", at: loc)
                }
                return diff
            case "*":
                if case .known(let k) = a, k >= 0, let p = b.times(k) { return p }
                if case .known(let k) = b, k >= 0, let p = a.times(k) { return p }
                throw error("cannot multiply the dims \(a) and \(b): a dim is at most a known multiple of one symbol", at: loc)
            default:
                guard case .known(let k) = b, let q = a.divided(by: k) else {
                    throw error("\(a) / \(b) is not an exact dim", at: loc)
                }
                return q
            }
        default:
            return .known(try integer(e, what: "a dim"))
        }
    }

    /// Evaluates a compile-time integer expression (integer bindings, + - * / % ceildiv min max, known block dims).
    func integer(_ e: Expr, what: String) throws(Diagnostic) -> Int {
        switch e {
        case .integer(let n, _): return n
        case .name(let n, let loc):
            switch env.lookup(n) {
            case .int(let v): return v
            case nil:
                if let d = dimAliases[n] {
                    if case .known(let k) = d { return k }
                    throw error("dim '\(n)' is the symbol \(d) here, so it cannot be used in arithmetic; \(what) must be a known integer", at: loc)
                }
                if n.first!.isUppercase { throw error("symbolic dim '\(n)' cannot be used in arithmetic; \(what) must be a known integer here", at: loc) }
                throw error("unknown name '\(n)'", at: loc)
            case let b?: throw error("expected an integer for \(what), but '\(n)' is \(b.kind)", at: loc)
            }
        case .negate(let x, let loc):
            let v = try integer(x, what: what)
            guard v != Int.min else { throw error("integer overflow", at: loc) }
            return -v
        case .binary(let op, let l, let r, let loc) where ["+", "-", "*", "/", "%"].contains(op):
            let a = try integer(l, what: what)
            let b = try integer(r, what: what)
            return try intArithmetic(op, a, b, at: loc)
        case .call(let f, let args, _, let loc) where ["ceildiv", "min", "max"].contains(f):
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
        case "%":
            guard b != 0 else { throw error("remainder by zero in integer expression", at: loc) }
            return a % b
        default:
            throw error("'\(op)' does not apply to integers", at: loc)
        }
    }
}
