import IR

/// A call's arguments matched to a builtin's parameter names: positional ones in order, labelled ones by name.
struct CallArguments {
    let callee: String
    var values: [String: Expr] = [:]
    let location: SourceLocation

    func has(_ name: String) -> Bool { values[name] != nil }
}

/// The builtin functions of the language: name → parameter names (`?` marks optional ones).
let builtinSignatures: [String: [String]] = {
    var s: [String: [String]] = [:]
    for u in UnaryOp.allCases where u != .neg { s[u.rawValue] = ["x"] }
    for f in ["maximum", "minimum", "pow", "atan2"] { s[f] = ["a", "b"] }
    s["linear"] = ["x", "weight", "bias?"]
    s["matmul"] = ["a", "b"]
    for r in ["sum", "mean", "max"] { s[r] = ["x", "axis", "keepdims?"] }
    s["rmsnorm"] = ["x", "weight", "eps?"]
    s["reshape"] = ["x", "shape"]
    s["permute"] = ["x", "perm"]
    s["transpose"] = ["x", "axis0", "axis1"]
    s["unsqueeze"] = ["x", "axis"]
    s["squeeze"] = ["x", "axis"]
    s["scan"] = ["a", "b", "initial?", "axis"]
    s["cast"] = ["x", "dtype"]
    s.merge(dataSignatures) { a, _ in a }
    s.merge(mixerSignatures) { a, _ in a }
    s.merge(paramSignatures) { a, _ in a }
    return s
}()

extension Lowering {
    func bindArguments(_ f: String, _ args: [Argument], at loc: SourceLocation) throws(Diagnostic) -> CallArguments {
        guard let sig = builtinSignatures[f] else {
            let hint = ["ceildiv", "min", "max"].contains(f) ? " ('\(f)' on integers belongs in dims)" : ""
            throw error("unknown function '\(f)'\(hint)", at: loc)
        }
        let names = sig.map { $0.hasSuffix("?") ? String($0.dropLast()) : $0 }
        let required = sig.filter { !$0.hasSuffix("?") }
        var out = CallArguments(callee: f, location: loc)
        var positional = 0
        var sawLabel = false
        for a in args {
            if let label = a.label {
                sawLabel = true
                guard names.contains(label) else {
                    throw error("'\(f)' has no argument '\(label)'; its arguments are \(names.joined(separator: ", "))", at: a.location)
                }
                guard out.values[label] == nil else { throw error("argument '\(label)' is given twice", at: a.location) }
                out.values[label] = a.value
            } else {
                guard !sawLabel else { throw error("a positional argument cannot follow a labelled one", at: a.location) }
                // Positional arguments fill the parameters in declaration order.
                guard positional < names.count else {
                    throw error("too many arguments to '\(f)': it takes at most \(names.count) (\(names.joined(separator: ", ")))", at: a.location)
                }
                out.values[names[positional]] = a.value
                positional += 1
            }
        }
        for r in required where out.values[r] == nil {
            throw error("missing argument '\(r)' in call to '\(f)' (it takes \(names.joined(separator: ", ")))", at: loc)
        }
        return out
    }

    mutating func tensorArg(_ a: CallArguments, _ name: String) throws(Diagnostic) -> Value {
        let e = a.values[name]!
        return try tensor(try lowerExpr(e), "argument '\(name)' of '\(a.callee)'", e.location)
    }

    /// An optional tensor argument: nil when it is not given or is an absent optional weight (`param … if false`).
    mutating func optionalTensorArg(_ a: CallArguments, _ name: String) throws(Diagnostic) -> Value? {
        guard let e = a.values[name] else { return nil }
        let b = try lowerExpr(e)
        if b.isNone { return nil }
        return try tensor(b, "argument '\(name)' of '\(a.callee)'", e.location)
    }

    func intArg(_ a: CallArguments, _ name: String) throws(Diagnostic) -> Int {
        try integer(a.values[name]!, what: "argument '\(name)' of '\(a.callee)'")
    }

    mutating func boolArg(_ a: CallArguments, _ name: String, default d: Bool) throws(Diagnostic) -> Bool {
        guard let e = a.values[name] else { return d }
        guard case .bool(let b) = try lowerExpr(e) else {
            throw error("argument '\(name)' of '\(a.callee)' must be true or false", at: e.location)
        }
        return b
    }

    mutating func numberArg(_ a: CallArguments, _ name: String, default d: Double) throws(Diagnostic) -> Double {
        guard let e = a.values[name] else { return d }
        guard let x = number(try lowerExpr(e)) else {
            throw error("argument '\(name)' of '\(a.callee)' must be a number", at: e.location)
        }
        return x
    }

    /// An axis in -rank..<rank, returned non-negative.
    func axisArg(_ a: CallArguments, _ name: String, rank: Int) throws(Diagnostic) -> Int {
        let axis = try intArg(a, name)
        guard axis >= -rank && axis < rank else {
            throw error("axis \(axis) is out of range for a tensor of rank \(rank) (expected \(-rank)..<\(rank))", at: a.values[name]!.location)
        }
        return axis < 0 ? axis + rank : axis
    }

    func listArg(_ a: CallArguments, _ name: String) throws(Diagnostic) -> [Expr] {
        let e = a.values[name]!
        guard case .list(let items, _) = e else {
            throw error("argument '\(name)' of '\(a.callee)' must be a list like [0, 2, 1]", at: e.location)
        }
        return items
    }

    mutating func lowerCall(_ f: String, _ args: [Argument], at loc: SourceLocation) throws(Diagnostic) -> Bound {
        let a = try bindArguments(f, args, at: loc)
        if let r = try lowerDataCall(f, a, at: loc) { return r }
        if let r = try lowerMixerCall(f, a, at: loc) { return r }
        if let r = try lowerParamCall(f, a, at: loc) { return r }
        if let u = UnaryOp(rawValue: f) {
            return .tensor(try emit(.unary(u), [try tensorArg(a, "x")], at: loc))
        }
        switch f {
        case "maximum", "minimum", "pow", "atan2":
            let op: BinaryOp = ["maximum": .max, "minimum": .min, "pow": .pow, "atan2": .atan2][f]!
            return .tensor(try elementwise(op, try lowerExpr(a.values["a"]!), try lowerExpr(a.values["b"]!), at: loc))

        case "linear":
            var operands = [try tensorArg(a, "x"), try tensorArg(a, "weight")]
            if let bias = try optionalTensorArg(a, "bias") { operands.append(bias) }
            return .tensor(try emit(.linear(hasBias: operands.count == 3), operands, at: loc))

        case "matmul":
            return .tensor(try emit(.matmul, [try tensorArg(a, "a"), try tensorArg(a, "b")], at: loc))

        case "sum", "mean", "max":
            let x = try tensorArg(a, "x")
            let axis = try axisArg(a, "axis", rank: x.type.rank)
            let keep = try boolArg(a, "keepdims", default: false)
            return .tensor(try emit(.reduce(ReduceOp(rawValue: f)!, axis: axis, keepDims: keep), [x], at: loc))

        case "rmsnorm":
            let x = try tensorArg(a, "x")
            let w = try tensorArg(a, "weight")
            let eps = try numberArg(a, "eps", default: 1e-5)
            return .tensor(try emit(.rmsNorm(eps: eps), [x, w], at: loc))

        case "reshape":
            let x = try tensorArg(a, "x")
            var dims: [Dim] = []
            for d in try listArg(a, "shape") { dims.append(try dim(d)) }
            return .tensor(try emit(.reshape, [x], declared: TensorType(x.type.dtype, dims), at: loc))

        case "permute":
            let x = try tensorArg(a, "x")
            var perm: [Int] = []
            for p in try listArg(a, "perm") {
                let n = try integer(p, what: "a permutation entry")
                perm.append(n < 0 ? n + x.type.rank : n)
            }
            return .tensor(try emit(.permute(perm), [x], at: loc))

        case "transpose":
            let x = try tensorArg(a, "x")
            let i = try axisArg(a, "axis0", rank: x.type.rank)
            let j = try axisArg(a, "axis1", rank: x.type.rank)
            var perm = Array(0..<x.type.rank)
            perm.swapAt(i, j)
            return .tensor(try emit(.permute(perm), [x], at: loc))

        case "unsqueeze":
            let x = try tensorArg(a, "x")
            let axis = try axisArg(a, "axis", rank: x.type.rank + 1)
            var dims = x.type.shape
            dims.insert(.known(1), at: axis)
            return .tensor(try emit(.reshape, [x], declared: TensorType(x.type.dtype, dims), at: loc))

        case "squeeze":
            let x = try tensorArg(a, "x")
            let axis = try axisArg(a, "axis", rank: x.type.rank)
            guard x.type.shape[axis] == .known(1) else {
                throw error("cannot squeeze axis \(axis) of \(x.type): its size is not 1", at: loc)
            }
            var dims = x.type.shape
            dims.remove(at: axis)
            return .tensor(try emit(.reshape, [x], declared: TensorType(x.type.dtype, dims), at: loc))

        case "scan":
            let av = try tensorArg(a, "a")
            let bv = try tensorArg(a, "b")
            let rank = broadcastShapes(av.type.shape, bv.type.shape)?.count ?? max(av.type.rank, bv.type.rank)
            let axis = try axisArg(a, "axis", rank: rank)
            var operands = [av, bv]
            if let h0 = try optionalTensorArg(a, "initial") { operands.append(h0) }
            do {
                let rs = try builder.emit(.scan(axis: axis, hasInit: operands.count == 3), operands, at: loc)
                return .tuple(rs)
            } catch {
                throw self.error(error.message, at: loc)
            }

        case "cast":
            let x = try tensorArg(a, "x")
            let e = a.values["dtype"]!
            guard case .name(let d, _) = e, let dtype = DType(rawValue: d) else {
                throw error("argument 'dtype' of 'cast' must be a dtype: f32, f64, i32, i64 or bool", at: e.location)
            }
            return .tensor(try emit(.cast, [x], declared: TensorType(dtype, x.type.shape), at: loc))

        default:
            throw error("unknown function '\(f)'", at: loc)
        }
    }
}
