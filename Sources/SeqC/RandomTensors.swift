import IR

/// SplitMix64: a small seedable generator, so a benchmark times the same numbers on every run and machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [lo, hi), from the top 24 bits (every value a float can hit evenly).
    public mutating func uniform(_ lo: Float, _ hi: Float) -> Float {
        lo + (hi - lo) * Float(next() >> 40) * (1 / 16_777_216)
    }
}

/// Seeded random weights and inputs for running a model without files (`seqc bench`, the benchmarks).
public enum RandomTensors {
    /// A weight of `shape`: rank ≥ 2 uniform in ±1/√fan-in, fan-in the product of all dims but the first (PyTorch's
    /// default for Linear and Conv weights, so activations keep their scale through the layers); rank ≤ 1 (biases,
    /// norm scales, skips, decay rates) uniform in [0.5, 1.5]: positive and near one, so norms, skips and
    /// `exp`/`softplus` of them stay well scaled.
    public static func weight(shape: [Int], rng: inout SeededGenerator) throws(SeqCError) -> Tensor {
        let n = shape.reduce(1, *)
        let (lo, hi): (Float, Float)
        if shape.count >= 2 {
            let bound = 1 / Float(max(shape.dropFirst().reduce(1, *), 1)).squareRoot()
            (lo, hi) = (-bound, bound)
        } else {
            (lo, hi) = (0.5, 1.5)
        }
        var a = [Float](repeating: 0, count: n)
        for i in 0..<n { a[i] = rng.uniform(lo, hi) }
        return try wrapping { try Tensor(shape: shape, floats: a) }
    }

    /// Every weight `f` declares, in declaration order from one generator seeded with `seed`; symbolic dims in weight
    /// shapes take their values from `bindings` (as the inputs bind them).
    public static func weights(for f: Function, bindings: [String: Int], seed: UInt64) throws(SeqCError) -> [String: Tensor] {
        var rng = SeededGenerator(seed: seed)
        var out: [String: Tensor] = [:]
        for (name, type) in f.params {
            guard let shape = type.resolve(bindings) else {
                let unbound = type.symbols.filter { bindings[$0] == nil }
                throw SeqCError("weight '\(name)' \(type): no input binds \(unbound.joined(separator: ", "))")
            }
            guard type.dtype == .f32 || type.dtype == .f64 else {
                throw SeqCError("weight '\(name)' \(type): random weights are floats; pass --weights for \(type.dtype)")
            }
            let w = try weight(shape: shape, rng: &rng)
            out[name] = type.dtype == .f32 ? w : try wrapping { try Tensor(shape: shape, doubles: w.doubles()) }
        }
        return out
    }

    /// An input of `dtype` and `shape`: floats uniform in [-1, 1); integers uniform in [0, bound) with `bound` the
    /// number of valid ids (see `indexBound`), or in [0, 2) when the model uses the input otherwise; bools
    /// true or false.
    public static func input(dtype: DType, shape: [Int], bound: Int?, rng: inout SeededGenerator) throws(SeqCError) -> Tensor {
        let n = shape.reduce(1, *)
        let ids = UInt64(max(bound ?? 2, 1))
        let storage: Tensor.Storage
        switch dtype {
        case .f32: storage = .f32((0..<n).map { _ in rng.uniform(-1, 1) })
        case .f64: storage = .f64((0..<n).map { _ in Double(rng.uniform(-1, 1)) })
        case .i32: storage = .i32((0..<n).map { _ in Int32(rng.next() % ids) })
        case .i64: storage = .i64((0..<n).map { _ in Int64(rng.next() % ids) })
        case .bool: storage = .bool((0..<n).map { _ in rng.next() & 1 == 1 })
        }
        return try wrapping { try Tensor(shape: shape, storage: storage) }
    }

    /// How many ids an integer input may take: the smallest size of an axis it indexes through `take` (directly or
    /// through reshapes and casts), e.g. the vocabulary of an embedding table; nil if it indexes nothing.
    public static func indexBound(of input: String, in f: Function) -> Int? {
        guard let start = f.body.first(where: { $0.op == .input(name: input) })?.result else { return nil }
        var reach: Set<Int> = [start.id]
        var bound: Int?
        for inst in f.body {
            switch inst.op {
            case .reshape, .cast, .expand, .permute:
                if reach.contains(inst.operands[0].id) { reach.insert(inst.result.id) }
            case .take(let axis):
                if inst.operands.count > 1, reach.contains(inst.operands[1].id),
                   let n = inst.operands[0].type.shape[axis].knownValue {
                    bound = min(bound ?? n, n)
                }
            default: break
            }
        }
        return bound
    }
}
