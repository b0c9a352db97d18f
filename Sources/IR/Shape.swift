/// One dimension of a tensor type: a known size, a symbol (`B`, `L`) bound when the model runs, or an affine form
/// `scale·S + offset` of one symbol (`2*L`, `L+1`, `L-3`), so paddings, concatenations along time and FFT sizes keep
/// their symbolic length. Build affine dims with `Dim.affine(_:scale:offset:)`, which normalises `1·S + 0` to `.symbol`.
public enum Dim: Hashable, Sendable, CustomStringConvertible {
    case known(Int)
    case symbol(String)
    /// scale·symbol + offset, with scale ≥ 1 and (scale, offset) ≠ (1, 0).
    case scaled(String, scale: Int, offset: Int)

    /// `scale·symbol + offset`, normalised: `.symbol` for 1·S + 0, `.known` for scale 0; nil for a negative scale.
    public static func affine(_ symbol: String, scale: Int, offset: Int) -> Dim? {
        if scale < 0 { return nil }
        if scale == 0 { return .known(offset) }
        if scale == 1 && offset == 0 { return .symbol(symbol) }
        return .scaled(symbol, scale: scale, offset: offset)
    }

    /// The dim as (symbol, scale, offset); a known size has no symbol and scale 0.
    public var affineParts: (symbol: String?, scale: Int, offset: Int) {
        switch self {
        case .known(let n): return (nil, 0, n)
        case .symbol(let s): return (s, 1, 0)
        case .scaled(let s, let a, let b): return (s, a, b)
        }
    }

    /// The symbol this dim depends on, if any.
    public var symbol: String? { affineParts.symbol }

    public var description: String {
        switch self {
        case .known(let n): return String(n)
        case .symbol(let s): return s
        case .scaled(let s, let a, let b):
            let lead = a == 1 ? s : "\(a)*\(s)"
            return b == 0 ? lead : b > 0 ? "\(lead)+\(b)" : "\(lead)\(b)"
        }
    }

    public var knownValue: Int? {
        if case .known(let n) = self { return n }
        return nil
    }

    /// The size of this dim under a binding of the symbols, or nil when a symbol is unbound or the size overflows.
    public func resolve(_ bindings: [String: Int]) -> Int? {
        switch self {
        case .known(let n): return n
        case .symbol(let s): return bindings[s]
        case .scaled(let s, let a, let b):
            guard let v = bindings[s] else { return nil }
            let (p, o1) = v.multipliedReportingOverflow(by: a)
            let (r, o2) = p.addingReportingOverflow(b)
            return o1 || o2 ? nil : r
        }
    }

    /// The sum of two dims when it is expressible: known + known, or affine forms of at most one symbol.
    public static func + (x: Dim, y: Dim) -> Dim? {
        let (sx, ax, bx) = x.affineParts, (sy, ay, by) = y.affineParts
        if let sx, let sy, sx != sy { return nil }
        guard let symbol = sx ?? sy else { return .known(bx + by) }
        return affine(symbol, scale: ax + ay, offset: bx + by)
    }

    /// The dim times a known factor (≥ 0).
    public func times(_ k: Int) -> Dim? {
        let (s, a, b) = affineParts
        guard let s else { return .known(b * k) }
        return Dim.affine(s, scale: a * k, offset: b * k)
    }

    /// The dim divided by a known divisor when every part divides exactly.
    public func divided(by k: Int) -> Dim? {
        guard k > 0 else { return nil }
        let (s, a, b) = affineParts
        guard a % k == 0, b % k == 0 else { return nil }
        guard let s else { return .known(b / k) }
        return Dim.affine(s, scale: a / k, offset: b / k)
    }

    /// Parses the text form: `16`, `L`, `2*L`, `L+1`, `3*L-2`.
    public init?(text: String) {
        if let n = Int(text) {
            self = .known(n)
            return
        }
        var rest = Substring(text)
        var scale = 1
        if let star = rest.firstIndex(of: "*") {
            guard let a = Int(rest[..<star]), a >= 1 else { return nil }
            scale = a
            rest = rest[rest.index(after: star)...]
        }
        var offset = 0
        if let sign = rest.dropFirst().firstIndex(where: { $0 == "+" || $0 == "-" }) {
            guard let b = Int(rest[sign...]) else { return nil }
            offset = b
            rest = rest[..<sign]
        }
        guard let first = rest.first, first.isLetter || first == "_",
            rest.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), let d = Dim.affine(String(rest), scale: scale, offset: offset)
        else { return nil }
        self = d
    }
}

/// The type of an IR value: element type and shape. Scalars have rank 0.
public struct TensorType: Hashable, Sendable, CustomStringConvertible {
    public var dtype: DType
    public var shape: [Dim]

    public init(_ dtype: DType, _ shape: [Dim]) {
        self.dtype = dtype
        self.shape = shape
    }

    public var rank: Int { shape.count }

    /// `f32[B, 8, L]`, or `f32[]` for a scalar.
    public var description: String {
        "\(dtype)[\(shape.map(\.description).joined(separator: ", "))]"
    }

    /// Concrete sizes under a binding of the symbols; nil if any symbol is unbound.
    public func resolve(_ bindings: [String: Int]) -> [Int]? {
        var out: [Int] = []
        for d in shape {
            guard let n = d.resolve(bindings) else { return nil }
            out.append(n)
        }
        return out
    }

    /// The symbols this type mentions, in order of first appearance.
    public var symbols: [String] {
        var seen: [String] = []
        for d in shape { if let s = d.symbol, !seen.contains(s) { seen.append(s) } }
        return seen
    }
}

/// NumPy broadcasting over symbolic shapes: align from the right; equal dims stay, a known 1 stretches.
/// Returns nil when two dims cannot be reconciled.
public func broadcastShapes(_ a: [Dim], _ b: [Dim]) -> [Dim]? {
    let n = max(a.count, b.count)
    var out: [Dim] = []
    out.reserveCapacity(n)
    for i in 0..<n {
        let da = i < n - a.count ? Dim.known(1) : a[i - (n - a.count)]
        let db = i < n - b.count ? Dim.known(1) : b[i - (n - b.count)]
        if da == db {
            out.append(da)
        } else if da == .known(1) {
            out.append(db)
        } else if db == .known(1) {
            out.append(da)
        } else {
            return nil
        }
    }
    return out
}

/// Row-major element strides of a concrete shape.
public func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i] = s
        s *= shape[i]
    }
    return strides
}

/// Two shapes hold the same number of elements for every binding of their symbols:
/// the products of their known dims match and they mention the same symbols equally often.
public func sameElementCount(_ a: [Dim], _ b: [Dim]) -> Bool {
    // Known dims multiply out; symbolic ones must match as factors (a·S with no offset is the factors a and S).
    func split(_ s: [Dim]) -> (Int, [String]) {
        var product = 1
        var factors: [String] = []
        for d in s {
            switch d {
            case .known(let n): product *= n
            case .scaled(let sym, let a, 0):
                product *= a
                factors.append(Dim.symbol(sym).description)
            default: factors.append(d.description)
            }
        }
        return (product, factors.sorted())
    }
    let (pa, sa) = split(a)
    let (pb, sb) = split(b)
    return pa == pb && sa == sb
}
