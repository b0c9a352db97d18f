import IR

/// What a name or expression means during lowering: a compile-time number, a tensor, or a tuple.
enum Bound {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case tensor(Value)
    case tuple([Value])
    /// `[a, b]`: only as a call argument (shapes, permutations).
    case list([Expr])

    /// How the value reads in "expected a tensor, got …" messages.
    var kind: String {
        switch self {
        case .int(let n): return "the integer \(n)"
        case .float(let x): return "the number \(x)"
        case .bool(let b): return "the boolean \(b)"
        case .tensor(let v): return "a tensor \(v.type)"
        case .tuple(let vs): return "a tuple of \(vs.count) tensors"
        case .list: return "a list"
        }
    }
}
