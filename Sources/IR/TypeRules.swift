/// Why an op cannot take operands of these types. The message says what was expected; the frontend
/// and the verifier add the place.
public struct TypeRuleError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The result types of `op` applied to operands of `operands` types — the single type rule of every op,
/// used by the builder, the verifier and the frontend. `declared` carries the result type for ops whose
/// result is not implied by the operands (input, param, const, reshape, cast).
public func inferResultTypes(
    _ op: Op, _ operands: [TensorType], declared: TensorType? = nil
) throws(TypeRuleError) -> [TensorType] {
    func arity(_ n: Int) throws(TypeRuleError) {
        guard operands.count == n else {
            throw TypeRuleError("'\(op.mnemonic)' takes \(n) operand\(n == 1 ? "" : "s"), got \(operands.count)")
        }
    }
    func needDeclared() throws(TypeRuleError) -> TensorType {
        guard let d = declared else { throw TypeRuleError("'\(op.mnemonic)' needs a declared result type") }
        return d
    }
    func float(_ t: TensorType, _ what: String) throws(TypeRuleError) {
        guard t.dtype.isFloat else {
            throw TypeRuleError("'\(op.mnemonic)' expects a float tensor for \(what), got \(t)")
        }
    }
    func sameDType(_ a: TensorType, _ b: TensorType) throws(TypeRuleError) {
        guard a.dtype == b.dtype else {
            throw TypeRuleError("'\(op.mnemonic)' operands must have one dtype, got \(a.dtype) and \(b.dtype)")
        }
    }

    switch op {
    case .input, .param:
        try arity(0)
        return [try needDeclared()]

    case .constant:
        try arity(0)
        let d = try needDeclared()
        guard d.rank == 0 else { throw TypeRuleError("'const' must be a scalar, got \(d)") }
        return [d]

    case .unary:
        try arity(1)
        try float(operands[0], "its operand")
        return [operands[0]]

    case .binary:
        try arity(2)
        let (a, b) = (operands[0], operands[1])
        try float(a, "the left operand")
        try float(b, "the right operand")
        try sameDType(a, b)
        guard let shape = broadcastShapes(a.shape, b.shape) else {
            throw TypeRuleError("cannot broadcast \(a) with \(b)")
        }
        return [TensorType(a.dtype, shape)]

    case .linear(let hasBias):
        try arity(hasBias ? 3 : 2)
        let (x, w) = (operands[0], operands[1])
        try float(x, "x")
        try sameDType(x, w)
        guard x.rank >= 1 else { throw TypeRuleError("'linear' expects x with at least one axis, got \(x)") }
        guard w.rank == 2 else { throw TypeRuleError("'linear' expects a weight [out, in], got \(w)") }
        guard x.shape.last! == w.shape[1] else {
            throw TypeRuleError("'linear' weight \(w) takes \(w.shape[1]) input features, but x \(x) has \(x.shape.last!)")
        }
        if hasBias {
            let b = operands[2]
            try sameDType(x, b)
            guard b.shape == [w.shape[0]] else {
                throw TypeRuleError("'linear' bias must be [\(w.shape[0])], got \(b)")
            }
        }
        return [TensorType(x.dtype, Array(x.shape.dropLast()) + [w.shape[0]])]

    case .matmul:
        try arity(2)
        let (a, b) = (operands[0], operands[1])
        try float(a, "the left operand")
        try sameDType(a, b)
        guard a.rank >= 2, b.rank >= 2 else {
            throw TypeRuleError("'matmul' expects operands with at least two axes, got \(a) and \(b)")
        }
        guard a.shape[a.rank - 1] == b.shape[b.rank - 2] else {
            throw TypeRuleError("'matmul' inner dims differ: \(a) · \(b)")
        }
        guard let batch = broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2))) else {
            throw TypeRuleError("'matmul' cannot broadcast the batch dims of \(a) and \(b)")
        }
        return [TensorType(a.dtype, batch + [a.shape[a.rank - 2], b.shape[b.rank - 1]])]

    case .reduce(_, let axis, let keepDims):
        try arity(1)
        let x = operands[0]
        try float(x, "its operand")
        guard axis >= 0 && axis < x.rank else {
            throw TypeRuleError("axis \(axis) is out of range for \(x)")
        }
        var shape = x.shape
        if keepDims { shape[axis] = .known(1) } else { shape.remove(at: axis) }
        return [TensorType(x.dtype, shape)]

    case .rmsNorm(let eps):
        try arity(2)
        let (x, w) = (operands[0], operands[1])
        try float(x, "x")
        try sameDType(x, w)
        guard eps >= 0, eps.isFinite else { throw TypeRuleError("'rmsnorm' eps must be a finite number >= 0") }
        guard x.rank >= 1, w.shape == [x.shape.last!] else {
            throw TypeRuleError("'rmsnorm' weight must match the last axis of \(x), got \(w)")
        }
        return [x]

    case .reshape:
        try arity(1)
        let d = try needDeclared()
        guard d.dtype == operands[0].dtype else {
            throw TypeRuleError("'reshape' keeps the dtype: \(operands[0].dtype), not \(d.dtype)")
        }
        guard sameElementCount(operands[0].shape, d.shape) else {
            throw TypeRuleError("cannot reshape \(operands[0]) to \(d): the element counts differ")
        }
        return [d]

    case .permute(let perm):
        try arity(1)
        let x = operands[0]
        guard perm.count == x.rank, perm.sorted() == Array(0..<x.rank) else {
            throw TypeRuleError("'permute' expects a permutation of 0..<\(x.rank), got \(perm)")
        }
        return [TensorType(x.dtype, perm.map { x.shape[$0] })]

    case .scan(let axis, let hasInit):
        try arity(hasInit ? 3 : 2)
        let (a, b) = (operands[0], operands[1])
        try float(a, "a")
        try sameDType(a, b)
        guard let shape = broadcastShapes(a.shape, b.shape) else {
            throw TypeRuleError("'scan' cannot broadcast a \(a) with b \(b)")
        }
        guard axis >= 0 && axis < shape.count else {
            throw TypeRuleError("'scan' axis \(axis) is out of range for shape \(TensorType(a.dtype, shape))")
        }
        var last = shape
        last.remove(at: axis)
        if hasInit {
            let h0 = operands[2]
            try sameDType(a, h0)
            guard h0.shape == last else {
                throw TypeRuleError("'scan' initial state must be \(TensorType(a.dtype, last)), got \(h0)")
            }
        }
        return [TensorType(a.dtype, shape), TensorType(a.dtype, last)]

    case .cast:
        try arity(1)
        let d = try needDeclared()
        guard d.shape == operands[0].shape else {
            throw TypeRuleError("'cast' keeps the shape: \(operands[0]) cannot become \(d)")
        }
        return [d]

    case .compare:
        try arity(2)
        let (a, b) = (operands[0], operands[1])
        try sameDType(a, b)
        guard let shape = broadcastShapes(a.shape, b.shape) else { throw TypeRuleError("cannot broadcast \(a) with \(b)") }
        return [TensorType(.bool, shape)]

    case .select:
        try arity(3)
        let (c, a, b) = (operands[0], operands[1], operands[2])
        guard c.dtype == .bool else { throw TypeRuleError("'select' expects a bool condition, got \(c)") }
        try sameDType(a, b)
        guard let ab = broadcastShapes(a.shape, b.shape), let shape = broadcastShapes(c.shape, ab) else {
            throw TypeRuleError("cannot broadcast condition \(c) with \(a) and \(b)")
        }
        return [TensorType(a.dtype, shape)]

    case .iota(let axis):
        try arity(0)
        let d = try needDeclared()
        guard axis >= 0 && axis < d.rank else { throw TypeRuleError("'iota' axis \(axis) is out of range for \(d)") }
        guard d.dtype != .bool else { throw TypeRuleError("'iota' makes numbers, not \(d)") }
        return [d]

    case .slice(let axis, _, _):
        try arity(1)
        let (x, d) = (operands[0], try needDeclared())
        guard axis >= 0 && axis < x.rank else { throw TypeRuleError("axis \(axis) is out of range for \(x)") }
        guard d.dtype == x.dtype, d.rank == x.rank,
            (0..<x.rank).allSatisfy({ $0 == axis || d.shape[$0] == x.shape[$0] })
        else {
            throw TypeRuleError("'slice' along axis \(axis) keeps the other dims of \(x), got \(d)")
        }
        return [d]

    case .concat(let axis):
        guard !operands.isEmpty else { throw TypeRuleError("'concat' needs at least one operand") }
        let first = operands[0]
        guard axis >= 0 && axis < first.rank else { throw TypeRuleError("axis \(axis) is out of range for \(first)") }
        var total = Dim.known(0)
        for t in operands {
            try sameDType(first, t)
            guard t.rank == first.rank, (0..<t.rank).allSatisfy({ $0 == axis || t.shape[$0] == first.shape[$0] }) else {
                throw TypeRuleError("'concat' along axis \(axis) needs equal other dims, got \(first) and \(t)")
            }
            guard let sum = total + t.shape[axis] else {
                throw TypeRuleError("'concat' along axis \(axis) cannot add \(total) and \(t.shape[axis]): a dim may mention one symbol")
            }
            total = sum
        }
        var shape = first.shape
        shape[axis] = total
        return [TensorType(first.dtype, shape)]

    case .flip(let axis):
        try arity(1)
        guard axis >= 0 && axis < operands[0].rank else { throw TypeRuleError("axis \(axis) is out of range for \(operands[0])") }
        return [operands[0]]

    case .expand:
        try arity(1)
        let (x, d) = (operands[0], try needDeclared())
        guard d.dtype == x.dtype, broadcastShapes(x.shape, d.shape) == d.shape, x.rank <= d.rank else {
            throw TypeRuleError("cannot expand \(x) to \(d)")
        }
        return [d]

    case .take(let axis):
        try arity(2)
        let (x, idx) = (operands[0], operands[1])
        guard axis >= 0 && axis < x.rank else { throw TypeRuleError("axis \(axis) is out of range for \(x)") }
        guard idx.dtype.isInteger else { throw TypeRuleError("'take' expects integer indices, got \(idx)") }
        return [TensorType(x.dtype, Array(x.shape[..<axis]) + idx.shape + Array(x.shape[(axis + 1)...]))]

    case .rfft(let axis, let n):
        try arity(1)
        let x = operands[0]
        try float(x, "its operand")
        guard axis >= 0 && axis < x.rank else { throw TypeRuleError("axis \(axis) is out of range for \(x)") }
        guard let bins = rfftBins(n) else {
            throw TypeRuleError("'rfft' length \(n) must be known or an even multiple of one symbol (so n/2 + 1 is a dim)")
        }
        var shape = x.shape
        shape[axis] = bins
        return [TensorType(x.dtype, shape), TensorType(x.dtype, shape)]

    case .irfft(let axis, let n):
        try arity(2)
        let (re, im) = (operands[0], operands[1])
        try float(re, "the real part")
        guard re == im else { throw TypeRuleError("'irfft' real and imaginary parts must have one type, got \(re) and \(im)") }
        guard axis >= 0 && axis < re.rank else { throw TypeRuleError("axis \(axis) is out of range for \(re)") }
        var shape = re.shape
        shape[axis] = n
        return [TensorType(re.dtype, shape)]

    case .mixer(let m):
        return try inferMixerTypes(m, operands, declared: declared)
    }
}

/// The number of bins of a real FFT of length n: n/2 + 1, when that is a dim.
public func rfftBins(_ n: Dim) -> Dim? {
    if case .known(let k) = n { return k >= 0 ? .known(k / 2 + 1) : nil }
    return n.divided(by: 2).flatMap { $0 + .known(1) }
}

extension Op {
    /// Ops whose result type is written out, not implied by the operands.
    public var hasDeclaredType: Bool {
        switch self {
        case .input, .param, .constant, .reshape, .cast, .iota, .slice, .expand, .mixer(.toeplitzMatrix): return true
        default: return false
        }
    }
}
