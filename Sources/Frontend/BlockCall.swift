import IR

// Calling a block: bind its arguments, lower its body in a fresh scope that sees only the model's compile-time
// bindings, and prefix its weights' names with the call's scope.

extension Lowering {
    mutating func callBlock(_ block: BlockDecl, _ args: [Argument], scope: Expr?, at loc: SourceLocation) throws(Diagnostic) -> Bound {
        guard !blockStack.contains(block.name) else {
            throw error("block '\(block.name)' calls itself; blocks cannot be recursive", at: loc)
        }
        // Match arguments: positional in order, then labelled.
        var given: [String: Expr] = [:]
        var positional = 0
        var sawLabel = false
        for a in args {
            if let label = a.label {
                sawLabel = true
                guard block.arguments.contains(where: { $0.name == label }) else {
                    throw error("block '\(block.name)' has no argument '\(label)'; its arguments are \(block.arguments.map(\.name).joined(separator: ", "))", at: a.location)
                }
                guard given[label] == nil else { throw error("argument '\(label)' is given twice", at: a.location) }
                given[label] = a.value
            } else {
                guard !sawLabel else { throw error("a positional argument cannot follow a labelled one", at: a.location) }
                guard positional < block.arguments.count else {
                    throw error("too many arguments to block '\(block.name)': it takes \(block.arguments.count)", at: a.location)
                }
                given[block.arguments[positional].name] = a.value
                positional += 1
            }
        }

        // Evaluate the arguments in the caller's scope; unify tensor types with the block's signature.
        var frame: [String: Bound] = [:]
        var aliases: [String: Dim] = [:]
        for arg in block.arguments {
            guard let e = given[arg.name] else {
                if arg.type == nil, arg.defaultValue != nil { continue }  // bound below, in the block's own scope
                throw error("missing argument '\(arg.name)' in call to block '\(block.name)'", at: loc)
            }
            let value = try lowerExpr(e)
            if let t = arg.type {
                let v = try tensor(value, "argument '\(arg.name)' of block '\(block.name)'", e.location)
                try unify(v.type, with: t, aliases: &aliases, what: "argument '\(arg.name)' of block '\(block.name)'", at: e.location)
                frame[arg.name] = value
            } else {
                guard value.isCompileTime || value.isNone else {
                    throw error("argument '\(arg.name)' of block '\(block.name)' is a compile-time value (number, boolean or string), got \(value.kind)", at: e.location)
                }
                frame[arg.name] = value
            }
        }

        // The block sees the model's compile-time bindings (parameters, integer lets), never the caller's tensors.
        let savedEnv = env, savedAliases = dimAliases, savedPrefix = prefix, savedReturn = returned
        var globals: [String: Environment.Entry] = [:]
        for (n, entry) in env.frames[0] where entry.value.isCompileTime { globals[n] = Environment.Entry(value: entry.value, mutable: false) }
        env = Environment(frames: [globals, [:]])
        for (n, v) in frame { env.bind(n, v) }
        for arg in block.arguments where given[arg.name] == nil {
            // Defaults are evaluated in the block's scope, so they may use the model's parameters and earlier arguments.
            let value = try lowerExpr(arg.defaultValue!)
            guard value.isCompileTime else { throw error("the default of '\(arg.name)' must be known when the model is compiled", at: arg.location) }
            env.bind(arg.name, value)
        }
        dimAliases = aliases
        if let scope { prefix += try scopeComponentsInCaller(scope, savedEnv) }
        blockStack.append(block.name)
        returned = nil
        defer {
            blockStack.removeLast()
            env = savedEnv
            dimAliases = savedAliases
            prefix = savedPrefix
        }
        let didReturn = try lowerBody(block.body)
        let result = returned
        returned = savedReturn
        guard didReturn, let result else {
            throw error("block '\(block.name)' ended without 'return'", at: block.location)
        }
        return result
    }

    /// The scope string of a call is evaluated where the call is written.
    mutating func scopeComponentsInCaller(_ e: Expr, _ callerEnv: Environment) throws(Diagnostic) -> [String] {
        let inner = env
        env = callerEnv
        defer { env = inner }
        return try scopeComponents(e)
    }

    /// Checks an actual tensor type against a block's declared type. Integer dims must match; a dim variable written
    /// with a capital letter binds to the actual dim on first use and must match it afterwards.
    func unify(_ actual: TensorType, with declared: TypeExpr, aliases: inout [String: Dim], what: String, at loc: SourceLocation) throws(Diagnostic) {
        guard let dtype = DType(rawValue: declared.dtype) else {
            throw error("unknown dtype '\(declared.dtype)'; expected f32, f64, i32, i64 or bool", at: declared.location)
        }
        let shown = "\(declared.dtype)[\(declared.dims.map(exprText).joined(separator: ", "))]"
        guard dtype == actual.dtype, declared.dims.count == actual.rank else {
            throw error("\(what) must be \(shown), got \(actual)", at: loc)
        }
        for (d, a) in zip(declared.dims, actual.shape) {
            if case .name(let n, _) = d, !isIntegerBinding(n), n.first!.isUppercase {
                if let bound = aliases[n] {
                    guard bound == a else { throw error("\(what) must be \(shown) with \(n) = \(bound), got \(actual)", at: loc) }
                } else {
                    aliases[n] = a
                }
                continue
            }
            let n = try integer(d, what: "a dim of \(what)")
            guard a == .known(n) else { throw error("\(what) must be \(shown), got \(actual)", at: loc) }
        }
    }

    /// Source-like text of a dim expression, for messages.
    func exprText(_ e: Expr) -> String {
        switch e {
        case .name(let n, _): return n
        case .integer(let n, _): return String(n)
        case .binary(let op, let l, let r, _): return "\(exprText(l)) \(op) \(exprText(r))"
        case .call(let f, let args, _, _): return "\(f)(\(args.map { exprText($0.value) }.joined(separator: ", ")))"
        case .negate(let x, _): return "-\(exprText(x))"
        default: return "…"
        }
    }
}

extension Bound {
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}
