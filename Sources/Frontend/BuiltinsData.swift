import IR

// Builtins for data movement, selection and common layers. Several are macros: they expand to a few primitive ops
// (conv1d into shifted slices, softmax into max/exp/sum, …), which keeps the IR small and everything JIT-able.

let dataSignatures: [String: [String]] = [
    "where": ["cond", "a", "b"],
    "arange": ["n", "dtype?"],
    "slice": ["x", "axis", "start", "length?"],
    "shift": ["x", "axis", "by"],
    "tail": ["x", "axis", "length"],
    "split": ["x", "sizes", "axis?"],
    "concat": ["tensors", "axis?"],
    "flip": ["x", "axis"],
    "expand": ["x", "shape"],
    "take": ["x", "indices", "axis?"],
    "embedding": ["ids", "weight"],
    "repeat_interleave": ["x", "repeats", "axis"],
    "cumsum": ["x", "axis"],
    "softmax": ["x", "axis?"],
    "layernorm": ["x", "weight?", "bias?", "eps?"],
    "gated_rmsnorm": ["x", "z", "weight", "eps?", "group_size?", "norm_before_gate?"],
    "conv1d": ["x", "weight", "bias?", "padding?"],
    "pad": ["x", "axis", "before?", "after?"],
    "rfft": ["x", "n?", "axis?"],
    "irfft": ["re", "im", "n", "axis?"],
]

extension Lowering {
    /// The data builtins; nil when `f` is not one of them.
    mutating func lowerDataCall(_ f: String, _ a: CallArguments, at loc: SourceLocation) throws(Diagnostic) -> Bound? {
        switch f {
        case "where":
            let c = try tensorArg(a, "cond")
            guard c.type.dtype == .bool else { throw error("'where' needs a bool condition (a comparison), got \(c.type)", at: loc) }
            let x = try lowerExpr(a.values["a"]!), y = try lowerExpr(a.values["b"]!)
            let dtype: DType
            if case .tensor(let t) = x { dtype = t.type.dtype } else if case .tensor(let t) = y { dtype = t.type.dtype } else {
                throw error("'where' needs a tensor for a or b", at: loc)
            }
            let tx = try asTensor(x, dtype, "a", at: loc), ty = try asTensor(y, dtype, "b", at: loc)
            return .tensor(try emit(.select, [c, tx, ty], at: loc))

        case "arange":
            let n = try dim(a.values["n"]!)
            let dtype = try dtypeArg(a, "dtype", default: .f32)
            return .tensor(try emit(.iota(axis: 0), [], declared: TensorType(dtype, [n]), at: loc))

        case "slice":
            let x = try tensorArg(a, "x")
            let axis = try axisArg(a, "axis", rank: x.type.rank)
            let start = try intArg(a, "start")
            var length: Dim
            if let e = a.values["length"] {
                length = try dim(e)
            } else {
                guard case .known(let n) = x.type.shape[axis], start >= 0, start <= n else {
                    throw error("'slice' without a length needs a known axis and 0 ≤ start ≤ its size", at: loc)
                }
                length = .known(n - start)
            }
            return .tensor(try sliceOp(x, axis: axis, start: start, length: length, at: loc))

        case "shift":
            // y[t] = x[t - by], zeros where t - by falls outside: a causal delay for by > 0.
            let x = try tensorArg(a, "x")
            let axis = try axisArg(a, "axis", rank: x.type.rank)
            let by = try intArg(a, "by")
            return .tensor(try sliceOp(x, axis: axis, start: -by, length: x.type.shape[axis], at: loc))

        case "tail":
            // The last `length` steps along the axis, zero-padded on the left when the axis is shorter.
            let x = try tensorArg(a, "x")
            let axis = try axisArg(a, "axis", rank: x.type.rank)
            let n = try intArg(a, "length")
            guard n >= 0 else { throw error("'tail' length must not be negative", at: loc) }
            var shape = x.type.shape
            shape[axis] = .known(n)
            return .tensor(try emit(.slice(axis: axis, start: -n, fromEnd: true), [x], declared: TensorType(x.type.dtype, shape), at: loc))

        case "split":
            let x = try tensorArg(a, "x")
            let axis = a.has("axis") ? try axisArg(a, "axis", rank: x.type.rank) : x.type.rank - 1
            var sizes: [Int] = []
            for e in try listArg(a, "sizes") { sizes.append(try integer(e, what: "a split size")) }
            guard case .known(let n) = x.type.shape[axis], sizes.reduce(0, +) == n, sizes.allSatisfy({ $0 >= 0 }) else {
                throw error("'split' sizes \(sizes) must add up to the size of axis \(axis) of \(x.type)", at: loc)
            }
            var parts: [Value] = []
            var start = 0
            for s in sizes {
                parts.append(try sliceOp(x, axis: axis, start: start, length: .known(s), at: loc))
                start += s
            }
            return .tuple(parts)

        case "concat":
            var parts: [Value] = []
            for e in try listArg(a, "tensors") { parts.append(try tensor(try lowerExpr(e), "a tensor to concatenate", e.location)) }
            guard let first = parts.first else { throw error("'concat' needs at least one tensor", at: loc) }
            let axis = a.has("axis") ? try axisArg(a, "axis", rank: first.type.rank) : first.type.rank - 1
            return .tensor(try emit(.concat(axis: axis), parts, at: loc))

        case "flip":
            let x = try tensorArg(a, "x")
            return .tensor(try emit(.flip(axis: try axisArg(a, "axis", rank: x.type.rank)), [x], at: loc))

        case "expand":
            let x = try tensorArg(a, "x")
            var dims: [Dim] = []
            for d in try listArg(a, "shape") { dims.append(try dim(d)) }
            return .tensor(try emit(.expand, [x], declared: TensorType(x.type.dtype, dims), at: loc))

        case "take":
            let x = try tensorArg(a, "x")
            let idx = try tensorArg(a, "indices")
            let axis = a.has("axis") ? try axisArg(a, "axis", rank: x.type.rank) : 0
            return .tensor(try emit(.take(axis: axis), [x, idx], at: loc))

        case "embedding":
            // weight [vocab, d]: row `id` for every id.
            return .tensor(try emit(.take(axis: 0), [try tensorArg(a, "weight"), try tensorArg(a, "ids")], at: loc))

        case "repeat_interleave":
            // Each index along the axis repeated `repeats` times in a row (PyTorch's repeat_interleave), e.g. GQA.
            let x = try tensorArg(a, "x")
            let axis = try axisArg(a, "axis", rank: x.type.rank)
            let r = try intArg(a, "repeats")
            guard case .known(let n) = x.type.shape[axis], r >= 1 else {
                throw error("'repeat_interleave' needs a known axis size and repeats ≥ 1", at: loc)
            }
            var split = x.type.shape
            split.insert(.known(1), at: axis + 1)
            var wide = split
            wide[axis + 1] = .known(r)
            var merged = x.type.shape
            merged[axis] = .known(n * r)
            let t = x.type.dtype
            let s1 = try emit(.reshape, [x], declared: TensorType(t, split), at: loc)
            let s2 = try emit(.expand, [s1], declared: TensorType(t, wide), at: loc)
            return .tensor(try emit(.reshape, [s2], declared: TensorType(t, merged), at: loc))

        case "cumsum":
            let x = try tensorArg(a, "x")
            let axis = try axisArg(a, "axis", rank: x.type.rank)
            let one = try constant(1, x.type.dtype, at: loc)
            return .tensor(try emitMany(.scan(axis: axis, hasInit: false), [one, x], at: loc)[0])

        case "softmax":
            let x = try tensorArg(a, "x")
            let axis = a.has("axis") ? try axisArg(a, "axis", rank: x.type.rank) : x.type.rank - 1
            let m = try emit(.reduce(.max, axis: axis, keepDims: true), [x], at: loc)
            let e = try emit(.unary(.exp), [try emit(.binary(.sub), [x, m], at: loc)], at: loc)
            let z = try emit(.reduce(.sum, axis: axis, keepDims: true), [e], at: loc)
            return .tensor(try emit(.binary(.div), [e, z], at: loc))

        case "layernorm":
            // (x - mean) / sqrt(var + eps) · weight + bias over the last axis (biased variance, as PyTorch).
            let x = try tensorArg(a, "x")
            let eps = try numberArg(a, "eps", default: 1e-5)
            let axis = x.type.rank - 1
            let mean = try emit(.reduce(.mean, axis: axis, keepDims: true), [x], at: loc)
            let centered = try emit(.binary(.sub), [x, mean], at: loc)
            let variance = try emit(.reduce(.mean, axis: axis, keepDims: true), [try emit(.binary(.mul), [centered, centered], at: loc)], at: loc)
            let inv = try emit(.unary(.rsqrt), [try emit(.binary(.add), [variance, try constant(eps, x.type.dtype, at: loc)], at: loc)], at: loc)
            var y = try emit(.binary(.mul), [centered, inv], at: loc)
            if let w = try optionalTensorArg(a, "weight") { y = try emit(.binary(.mul), [y, w], at: loc) }
            if let b = try optionalTensorArg(a, "bias") { y = try emit(.binary(.add), [y, b], at: loc) }
            return .tensor(y)

        case "gated_rmsnorm":
            // Mamba-2's RMSNormGated: norm_before_gate ? rmsnorm(x)·silu(z) : rmsnorm(x·silu(z)), the statistic over
            // contiguous groups of `group_size` channels of the last axis.
            let x = try tensorArg(a, "x"), z = try tensorArg(a, "z"), w = try tensorArg(a, "weight")
            let eps = try numberArg(a, "eps", default: 1e-5)
            let before = try boolArg(a, "norm_before_gate", default: false)
            guard case .known(let d) = x.type.shape.last! else { throw error("'gated_rmsnorm' needs a known channel count", at: loc) }
            let g = a.has("group_size") ? try intArg(a, "group_size") : d
            guard g > 0, d % g == 0 else { throw error("'gated_rmsnorm' group_size \(g) must divide the \(d) channels", at: loc) }
            let gate = try emit(.unary(.silu), [z], at: loc)
            var y = before ? x : try emit(.binary(.mul), [x, gate], at: loc)
            y = try groupRMS(y, groups: d / g, eps: eps, at: loc)
            y = try emit(.binary(.mul), [y, w], at: loc)
            if before { y = try emit(.binary(.mul), [y, gate], at: loc) }
            return .tensor(y)

        case "conv1d":
            return .tensor(try depthwiseConv1d(a, at: loc))

        case "pad":
            // Zeros before and after along an axis (its length may be symbolic: L becomes L + before + after).
            let x = try tensorArg(a, "x")
            let axis = try axisArg(a, "axis", rank: x.type.rank)
            let before = a.has("before") ? try intArg(a, "before") : 0
            let after = a.has("after") ? try intArg(a, "after") : 0
            guard before >= 0, after >= 0, let length = x.type.shape[axis] + .known(before + after) else {
                throw error("'pad' amounts must not be negative", at: loc)
            }
            return .tensor(try sliceOp(x, axis: axis, start: -before, length: length, at: loc))

        case "rfft":
            // (re, im) of the real DFT along the axis of x zero-padded to n (default: its length).
            let x = try tensorArg(a, "x")
            let axis = a.has("axis") ? try axisArg(a, "axis", rank: x.type.rank) : x.type.rank - 1
            let n = a.has("n") ? try dim(a.values["n"]!) : x.type.shape[axis]
            return .tuple(try emitMany(.rfft(axis: axis, n: n), [x], at: loc))

        case "irfft":
            let re = try tensorArg(a, "re"), im = try tensorArg(a, "im")
            let axis = a.has("axis") ? try axisArg(a, "axis", rank: re.type.rank) : re.type.rank - 1
            return .tensor(try emit(.irfft(axis: axis, n: try dim(a.values["n"]!)), [re, im], at: loc))

        default:
            return nil
        }
    }

    /// x · rsqrt(mean(x²) + eps) with the mean over `groups` contiguous groups of the last axis.
    mutating func groupRMS(_ x: Value, groups: Int, eps: Double, at loc: SourceLocation) throws(Diagnostic) -> Value {
        let t = x.type
        guard case .known(let d) = t.shape.last! else { throw error("needs a known channel count", at: loc) }
        let grouped = TensorType(t.dtype, Array(t.shape.dropLast()) + [.known(groups), .known(d / groups)])
        let xg = try emit(.reshape, [x], declared: grouped, at: loc)
        let ms = try emit(.reduce(.mean, axis: grouped.rank - 1, keepDims: true), [try emit(.binary(.mul), [xg, xg], at: loc)], at: loc)
        let inv = try emit(.unary(.rsqrt), [try emit(.binary(.add), [ms, try constant(eps, t.dtype, at: loc)], at: loc)], at: loc)
        return try emit(.reshape, [try emit(.binary(.mul), [xg, inv], at: loc)], declared: t, at: loc)
    }

    /// Depthwise conv1d in PyTorch's layout: x [..., C, L], weight [C, 1, K], bias [C]; a cross-correlation.
    /// padding "causal": out[t] = b + Σ_k w[k] x[t - (K-1) + k]; "same" (odd K): out[t] = b + Σ_k w[k] x[t - K/2 + k].
    mutating func depthwiseConv1d(_ a: CallArguments, at loc: SourceLocation) throws(Diagnostic) -> Value {
        let x = try tensorArg(a, "x"), w = try tensorArg(a, "weight")
        let padding: String
        if let e = a.values["padding"] {
            guard case .string(let p) = try lowerExpr(e), p == "causal" || p == "same" else {
                throw error("'conv1d' padding is \"causal\" or \"same\"", at: e.location)
            }
            padding = p
        } else {
            padding = "causal"
        }
        guard x.type.rank >= 2, w.type.rank == 3, w.type.shape[1] == .known(1), w.type.shape[0] == x.type.shape[x.type.rank - 2],
            case .known(let K) = w.type.shape[2], K >= 1
        else {
            throw error("'conv1d' expects x [..., C, L] and a depthwise weight [C, 1, K], got \(x.type) and \(w.type)", at: loc)
        }
        if padding == "same" && K % 2 == 0 { throw error("'conv1d' with \"same\" padding needs an odd kernel size, got \(K)", at: loc) }
        let offset = padding == "causal" ? K - 1 : K / 2
        let dt = x.type.dtype
        let C = w.type.shape[0]
        let timeAxis = x.type.rank - 1
        var y: Value?
        for k in 0..<K {
            // w[:, 0, k] as [C, 1], times x delayed by offset - k.
            let wk = try emit(.reshape, [try sliceOp(w, axis: 2, start: k, length: .known(1), at: loc)], declared: TensorType(dt, [C, .known(1)]), at: loc)
            let xs = try sliceOp(x, axis: timeAxis, start: k - offset, length: x.type.shape[timeAxis], at: loc)
            let term = try emit(.binary(.mul), [xs, wk], at: loc)
            if let acc = y { y = try emit(.binary(.add), [acc, term], at: loc) } else { y = term }
        }
        if let b = try optionalTensorArg(a, "bias") {
            let bc = try emit(.reshape, [b], declared: TensorType(dt, [C, .known(1)]), at: loc)
            y = try emit(.binary(.add), [y!, bc], at: loc)
        }
        return y!
    }

    mutating func sliceOp(_ x: Value, axis: Int, start: Int, length: Dim, at loc: SourceLocation) throws(Diagnostic) -> Value {
        var shape = x.type.shape
        shape[axis] = length
        return try emit(.slice(axis: axis, start: start, fromEnd: false), [x], declared: TensorType(x.type.dtype, shape), at: loc)
    }

    mutating func asTensor(_ b: Bound, _ dtype: DType, _ what: String, at loc: SourceLocation) throws(Diagnostic) -> Value {
        if let n = number(b) { return try constant(n, dtype, at: loc) }
        return try tensor(b, what, loc)
    }

    func dtypeArg(_ a: CallArguments, _ name: String, default d: DType) throws(Diagnostic) -> DType {
        guard let e = a.values[name] else { return d }
        guard case .name(let n, _) = e, let t = DType(rawValue: n) else {
            throw error("argument '\(name)' of '\(a.callee)' must be a dtype: f32, f64, i32, i64 or bool", at: e.location)
        }
        return t
    }
}
