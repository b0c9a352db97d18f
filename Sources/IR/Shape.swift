/// One dimension of a tensor type: a known size, or a symbol (`B`, `L`) bound when the model runs.
public enum Dim: Hashable, Sendable, CustomStringConvertible {
    case known(Int)
    case symbol(String)

    public var description: String {
        switch self {
        case .known(let n): return String(n)
        case .symbol(let s): return s
        }
    }

    public var knownValue: Int? {
        if case .known(let n) = self { return n }
        return nil
    }

    /// The size of this dim under a binding of the symbols, or nil when a symbol is unbound.
    public func resolve(_ bindings: [String: Int]) -> Int? {
        switch self {
        case .known(let n): return n
        case .symbol(let s): return bindings[s]
        }
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
        for case .symbol(let s) in shape where !seen.contains(s) { seen.append(s) }
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
    func split(_ s: [Dim]) -> (Int, [String]) {
        var product = 1
        var syms: [String] = []
        for d in s {
            switch d {
            case .known(let n): product *= n
            case .symbol(let x): syms.append(x)
            }
        }
        return (product, syms.sorted())
    }
    let (pa, sa) = split(a)
    let (pb, sb) = split(b)
    return pa == pb && sa == sb
}
