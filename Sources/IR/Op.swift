// The operations of seqc's Graph IR: each op is defined here once, with its meaning, an IR example,
// and (in TypeRules.swift) its type rule.
//
// Semantics contract of the Graph IR
// - Values are immutable tensors in row-major order. Every value has a static dtype and a shape whose dims
//   are known sizes or symbols (`B`, `L`) bound from the inputs when the function runs.
// - Elementwise ops broadcast like NumPy (align from the right; a dim of known size 1 stretches).
// - Floating-point rules: IEEE arithmetic in the value's dtype, no fast-math reassociation unless a pass
//   says so; reductions accumulate in the value's dtype (the interpreter may promote to f64 when asked).
// - softplus follows PyTorch: x when x > 20, else log1p(exp(x)). gelu is the exact erf form.
// - A scan is causal along its axis: h[t] = a[t] * h[t-1] + b[t], h[-1] = h0 (zeros when absent).

/// Pointwise functions of one float tensor.
public enum UnaryOp: String, Sendable, Hashable, CaseIterable {
    /// -x
    case neg
    /// e^x
    case exp
    /// natural log
    case log
    /// √x
    case sqrt
    /// 1/√x
    case rsqrt
    /// hyperbolic tangent
    case tanh
    /// 1 / (1 + e^-x)
    case sigmoid
    /// x · sigmoid(x)
    case silu
    /// PyTorch softplus with beta 1, threshold 20: x if x > 20 else log1p(e^x)
    case softplus
    /// exact GELU: x · (1 + erf(x/√2)) / 2
    case gelu
    /// |x|
    case abs
    /// max(x, 0)
    case relu
    /// sine, cosine (radians)
    case sin, cos
    /// largest integer ≤ x
    case floor
    /// -1, 0 or 1 (0 for ±0 and NaN)
    case sign
    /// x if x > 0 else e^x - 1
    case elu
}

/// Pointwise functions of two float tensors, with broadcasting.
public enum BinaryOp: String, Sendable, Hashable, CaseIterable {
    case add, sub, mul, div
    /// elementwise maximum / minimum (NaN-propagating is not promised)
    case max, min
    /// x^y
    case pow
    /// the angle of the point (x = right operand, y = left operand), as C's atan2(y, x)
    case atan2
}

/// Elementwise comparisons of two tensors of one dtype, with broadcasting; the result is `bool`.
public enum CompareOp: String, Sendable, Hashable, CaseIterable {
    case lt, le, gt, ge, eq, ne
}

/// Reductions over one axis.
public enum ReduceOp: String, Sendable, Hashable, CaseIterable {
    case sum, mean, max
}

/// An operation. Payloads are typed; operands are listed per case.
public enum Op: Hashable, Sendable {
    /// A model input, bound by name at run time. No operands.
    /// `%0 = input "u" : f32[B, 8, L]`
    case input(name: String)

    /// A weight, bound by its checkpoint tensor name. No operands.
    /// `%1 = param "in_proj.weight" : f32[64, 32]`
    case param(name: String)

    /// A scalar constant of the result's dtype (rank 0). No operands.
    /// `%2 = const 0.5 : f32[]`
    case constant(Double)

    /// One operand. `%3 = exp %2 : f32[B, 8, L]`
    case unary(UnaryOp)

    /// Two operands, broadcast. `%4 = add %0, %3 : f32[B, 8, L]`
    case binary(BinaryOp)

    /// `y = x · wᵀ (+ b)`: x [..., in], w [out, in], b [out] (when `hasBias`) → [..., out].
    /// `%5 = linear %0, %1 : f32[B, L, 64]`
    case linear(hasBias: Bool)

    /// Batched matrix product a [..., m, k] · b [..., k, n] → [..., m, n], batch dims broadcast.
    /// `%6 = matmul %a, %b : f32[B, 4, 5]`
    case matmul

    /// Reduce one axis (given non-negative). `%7 = reduce_sum %4 {axis = 2, keepdims = false} : f32[B, 8]`
    case reduce(ReduceOp, axis: Int, keepDims: Bool)

    /// RMS norm over the last axis: `x · rsqrt(mean(x², -1) + eps) · w`, w [d].
    /// `%8 = rmsnorm %x, %w {eps = 1e-05} : f32[B, L, 32]`
    case rmsNorm(eps: Double)

    /// The same elements under the result's shape (element counts must match for every binding).
    /// `%9 = reshape %8 : f32[B, L, 32, 1]`
    case reshape

    /// Reorder axes: result dim i is operand dim `perm[i]`.
    /// `%10 = permute %9 {perm = [0, 2, 1]} : f32[B, 32, L]`
    case permute([Int])

    /// Linear recurrence along `axis`: h[t] = a[t]·h[t-1] + b[t]. Operands a, b (broadcast to one shape S)
    /// and, when `hasInit`, h0 of shape S without `axis`. Two results: every h (shape S) and the last h
    /// (S without `axis`; h0 or zeros when the axis is empty).
    /// `%11, %12 = scan %a, %b {axis = 2} : f32[B, 8, L, 4], f32[B, 8, 4]`
    case scan(axis: Int, hasInit: Bool)

    /// Convert the element type. `%13 = cast %0 : f64[B, 8, L]`
    case cast

    /// Elementwise comparison, broadcast; result `bool`. `%14 = gt %x, %y : bool[B, L]`
    case compare(CompareOp)

    /// `select(cond, a, b)`: a where cond else b; cond is `bool`; all three broadcast.
    /// `%15 = select %c, %a, %b : f32[B, L]`
    case select

    /// The index along `axis` as a value of the result's dtype, for every position of the declared shape.
    /// `%16 = iota {axis = 0} : f32[L]`
    case iota(axis: Int)

    /// A window along `axis`: result[…, i, …] = x[…, start + i, …] (start counted from the end of the axis when
    /// `fromEnd`), and zero where that index falls outside the axis. The result's length along `axis` is declared.
    /// Covers slicing, splitting, causal shifts (`start` < 0) and zero padding without dim arithmetic.
    /// `%17 = slice %x {axis = 2, start = -3, from_end = false} : f32[B, D, L]`
    case slice(axis: Int, start: Int, fromEnd: Bool)

    /// Join operands along `axis`; their sizes along it must be known. `%18 = concat %a, %b {axis = 1} : f32[B, 12]`
    case concat(axis: Int)

    /// Reverse `axis`. `%19 = flip %x {axis = 1} : f32[B, L, D]`
    case flip(axis: Int)

    /// Broadcast to the declared shape (NumPy rules). `%20 = expand %x : f32[B, L, 4, 8]`
    case expand

    /// Gather along `axis` of x with integer indices: the axis is replaced by the index tensor's dims;
    /// an index outside 0..<n reads zero. `take(table, ids, axis 0)` is an embedding lookup.
    /// `%21 = take %table, %ids {axis = 0} : f32[B, L, 64]`
    case take(axis: Int)

    /// Real discrete Fourier transform along `axis` of x zero-padded (or cut) to length n:
    /// X[k] = Σ_t x[t] e^{-2πi k t / n}, k = 0…n/2. Two results: the real and the imaginary parts.
    /// `%22, %23 = rfft %x {axis = 2, n = 2*L} : f32[B, H, L+1], f32[B, H, L+1]`
    case rfft(axis: Int, n: Dim)

    /// Inverse of `rfft` (NumPy's irfft): operands re, im with n/2 + 1 bins along `axis`; result of length n,
    /// x[t] = (1/n) Σ_k c_k Re(X[k] e^{2πi k t / n}) with c_k = 1 for k = 0 and k = n/2 (n even), else 2; the imaginary
    /// parts of those self-conjugate bins are ignored. `%24 = irfft %re, %im {axis = 2, n = 2*L} : f32[B, H, 2*L]`
    case irfft(axis: Int, n: Dim)

    /// A structured sequence mixer applied to x, or materialised as its dense matrix. See `MixerOp`.
    case mixer(MixerOp)

    /// The op's mnemonic in the text form.
    public var mnemonic: String {
        switch self {
        case .input: return "input"
        case .param: return "param"
        case .constant: return "const"
        case .unary(let u): return u.rawValue
        case .binary(let b): return b.rawValue
        case .linear: return "linear"
        case .matmul: return "matmul"
        case .reduce(let r, _, _): return "reduce_" + r.rawValue
        case .rmsNorm: return "rmsnorm"
        case .reshape: return "reshape"
        case .permute: return "permute"
        case .scan: return "scan"
        case .cast: return "cast"
        case .compare(let c): return c.rawValue
        case .select: return "select"
        case .iota: return "iota"
        case .slice: return "slice"
        case .concat: return "concat"
        case .flip: return "flip"
        case .expand: return "expand"
        case .take: return "take"
        case .rfft: return "rfft"
        case .irfft: return "irfft"
        case .mixer(let m): return m.mnemonic
        }
    }

    /// How many results the op produces.
    public var resultCount: Int {
        switch self {
        case .scan, .rfft: return 2
        case .mixer(.ssmScan), .mixer(.ssmScanExp), .mixer(.ssmScanChunked): return 2
        default: return 1
        }
    }
}
