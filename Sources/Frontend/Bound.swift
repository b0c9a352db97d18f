import IR

/// What a name or expression means during lowering: a compile-time value, a tensor, a tuple, or nothing.
enum Bound {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case string(String)
    case tensor(Value)
    case tuple([Value])
    /// `[a, b]`: only as a call argument (shapes, permutations, split sizes).
    case list([Expr])
    /// A `param … if cond` or `input … if cond` whose condition was false: an absent optional weight or input.
    case none
    /// A structured mixer: apply with `M @ x`, densify with `materialize(M)`.
    case mixer(MixerValue)

    /// How the value reads in "expected a tensor, got …" messages.
    var kind: String {
        switch self {
        case .int(let n): return "the integer \(n)"
        case .float(let x): return "the number \(x)"
        case .bool(let b): return "the boolean \(b)"
        case .string(let s): return "the string \"\(s)\""
        case .tensor(let v): return "a tensor \(v.type)"
        case .tuple(let vs): return "a tuple of \(vs.count) tensors"
        case .list: return "a list"
        case .none: return "an absent optional weight or input"
        case .mixer(let m): return "a \(m.kindName) mixer"
        }
    }

    /// True for values known at compile time (numbers, booleans, strings).
    var isCompileTime: Bool {
        switch self {
        case .int, .float, .bool, .string: return true
        default: return false
        }
    }
}

/// The lexical scopes of a body: innermost last. Each name records whether `=` may assign it.
struct Environment {
    struct Entry {
        var value: Bound
        var mutable: Bool
        var location: SourceLocation?
    }

    var frames: [[String: Entry]] = [[:]]

    func lookup(_ name: String) -> Bound? {
        for f in frames.reversed() { if let e = f[name] { return e.value } }
        return nil
    }

    func entry(_ name: String) -> (frame: Int, entry: Entry)? {
        for i in stride(from: frames.count - 1, through: 0, by: -1) {
            if let e = frames[i][name] { return (i, e) }
        }
        return nil
    }

    mutating func bind(_ name: String, _ value: Bound, mutable: Bool = false, at loc: SourceLocation? = nil) {
        frames[frames.count - 1][name] = Entry(value: value, mutable: mutable, location: loc)
    }

    mutating func push() { frames.append([:]) }
    mutating func pop() { frames.removeLast() }
}
