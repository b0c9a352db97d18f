import Foundation
import IR

// The reference meaning of each op, as plain loops over Double elements.

extension Interpreter {
    func unaryFunction(_ u: UnaryOp) -> @Sendable (Double) -> Double {
        switch u {
        case .neg: return { -$0 }
        case .exp: return { Foundation.exp($0) }
        case .log: return { Foundation.log($0) }
        case .sqrt: return { $0.squareRoot() }
        case .rsqrt: return { 1 / $0.squareRoot() }
        case .tanh: return { Foundation.tanh($0) }
        case .sigmoid: return { 1 / (1 + Foundation.exp(-$0)) }
        case .silu: return { $0 / (1 + Foundation.exp(-$0)) }
        case .softplus: return { $0 > 20 ? $0 : Foundation.log1p(Foundation.exp($0)) }
        case .gelu: return { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }
        case .abs: return { Swift.abs($0) }
        case .relu: return { $0 > 0 ? $0 : 0 }
        case .sin: return { Foundation.sin($0) }
        case .cos: return { Foundation.cos($0) }
        case .floor: return { $0.rounded(.down) }
        case .sign: return { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }
        case .elu: return { $0 > 0 ? $0 : Foundation.expm1($0) }
        }
    }

    func binaryFunction(_ b: BinaryOp) -> @Sendable (Double, Double) -> Double {
        switch b {
        case .add: return { $0 + $1 }
        case .sub: return { $0 - $1 }
        case .mul: return { $0 * $1 }
        case .div: return { $0 / $1 }
        case .max: return { Swift.max($0, $1) }
        case .min: return { Swift.min($0, $1) }
        case .pow: return { Foundation.pow($0, $1) }
        case .atan2: return { Foundation.atan2($0, $1) }
        }
    }

    /// Strides of `shape` aligned to a result of rank `rank`, with 0 where the operand broadcasts.
    func broadcastStrides(_ shape: [Int], to out: [Int]) -> [Int] {
        let s = contiguousStrides(shape)
        let pad = out.count - shape.count
        return (0..<out.count).map { i in
            i < pad || shape[i - pad] == 1 && out[i] != 1 ? 0 : s[i - pad]
        }
    }

    /// The NumPy broadcast of concrete shapes (the type rules have already checked they broadcast).
    func broadcastShape(_ shapes: [Int]...) -> [Int] {
        let n = shapes.map(\.count).max() ?? 0
        return (0..<n).map { i in
            shapes.map { s in i < n - s.count ? 1 : s[i - (n - s.count)] }.first { $0 != 1 } ?? 1
        }
    }

    func broadcast(_ a: Array, _ b: Array, _ f: (Double, Double) -> Double) -> Array {
        let shape = broadcastShape(a.shape, b.shape)
        let sa = broadcastStrides(a.shape, to: shape)
        let sb = broadcastStrides(b.shape, to: shape)
        var out = [Double](repeating: 0, count: shape.reduce(1, *))
        forEachIndex(shape) { flat, idx in
            var ia = 0, ib = 0
            for k in 0..<idx.count {
                ia += idx[k] * sa[k]
                ib += idx[k] * sb[k]
            }
            out[flat] = f(a.data[ia], b.data[ib])
        }
        return Array(shape: shape, data: out)
    }

    /// Calls `body(flatIndex, multiIndex)` for every index of `shape` in row-major order.
    func forEachIndex(_ shape: [Int], _ body: (Int, [Int]) -> Void) {
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        var idx = [Int](repeating: 0, count: shape.count)
        for flat in 0..<total {
            body(flat, idx)
            var k = shape.count - 1
            while k >= 0 {
                idx[k] += 1
                if idx[k] < shape[k] { break }
                idx[k] = 0
                k -= 1
            }
        }
    }

    func linear(_ x: Array, _ w: Array, _ b: Array?) -> Array {
        let (outF, inF) = (w.shape[0], w.shape[1])
        let rows = inF == 0 ? x.shape.dropLast().reduce(1, *) : x.count / inF
        var out = [Double](repeating: 0, count: rows * outF)
        for r in 0..<rows {
            for o in 0..<outF {
                var acc = 0.0
                for i in 0..<inF { acc += x.data[r * inF + i] * w.data[o * inF + i] }
                out[r * outF + o] = acc + (b?.data[o] ?? 0)
            }
        }
        return Array(shape: Swift.Array(x.shape.dropLast()) + [outF], data: out)
    }

    func matmul(_ a: Array, _ b: Array) -> Array {
        let (m, k, n) = (a.shape[a.shape.count - 2], a.shape[a.shape.count - 1], b.shape[b.shape.count - 1])
        let ab = Swift.Array(a.shape.dropLast(2)), bb = Swift.Array(b.shape.dropLast(2))
        let batch = broadcastShape(ab, bb)
        let sa = broadcastStrides(ab, to: batch), sb = broadcastStrides(bb, to: batch)
        var out = [Double](repeating: 0, count: batch.reduce(1, *) * m * n)
        forEachIndex(batch) { flat, idx in
            var oa = 0, ob = 0
            for i in 0..<idx.count { oa += idx[i] * sa[i]; ob += idx[i] * sb[i] }
            oa *= m * k
            ob *= k * n
            for i in 0..<m {
                for j in 0..<n {
                    var acc = 0.0
                    for p in 0..<k { acc += a.data[oa + i * k + p] * b.data[ob + p * n + j] }
                    out[flat * m * n + i * n + j] = acc
                }
            }
        }
        return Array(shape: batch + [m, n], data: out)
    }

    func reduce(_ x: Array, _ r: ReduceOp, axis: Int, keepDims: Bool) -> Array {
        let outer = x.shape[..<axis].reduce(1, *)
        let len = x.shape[axis]
        let inner = x.shape[(axis + 1)...].reduce(1, *)
        var out = [Double](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var acc = r == .max ? -Double.infinity : 0
                for t in 0..<len {
                    let v = x.data[(o * len + t) * inner + i]
                    acc = r == .max ? (v > acc || v.isNaN ? v : acc) : acc + v
                }
                out[o * inner + i] = r == .mean ? acc / Double(len) : acc
            }
        }
        var shape = x.shape
        if keepDims { shape[axis] = 1 } else { shape.remove(at: axis) }
        return Array(shape: shape, data: out)
    }

    func rmsNorm(_ x: Array, _ w: Array, eps: Double) -> Array {
        let d = x.shape.last!
        var out = x.data
        guard d > 0 else { return x }
        for r in 0..<(x.count / d) {
            var ss = 0.0
            for i in 0..<d { ss += x.data[r * d + i] * x.data[r * d + i] }
            let scale = 1 / (ss / Double(d) + eps).squareRoot()
            for i in 0..<d { out[r * d + i] = x.data[r * d + i] * scale * w.data[i] }
        }
        return Array(shape: x.shape, data: out)
    }

    func permute(_ x: Array, _ perm: [Int]) -> Array {
        let shape = perm.map { x.shape[$0] }
        let s = contiguousStrides(x.shape)
        let ps = perm.map { s[$0] }
        var out = [Double](repeating: 0, count: x.count)
        forEachIndex(shape) { flat, idx in
            var src = 0
            for k in 0..<idx.count { src += idx[k] * ps[k] }
            out[flat] = x.data[src]
        }
        return Array(shape: shape, data: out)
    }

    /// h[t] = a[t]·h[t-1] + b[t] along `axis`, computed sequentially — the definition of `scan`.
    /// `roundState` rounds the carried state to the value's dtype, so an f32 scan accumulates like f32.
    func scan(_ a: Array, _ b: Array, _ h0: Array?, axis: Int, roundState: (Double) -> Double) -> [Array] {
        // Materialise the broadcast operands, then walk each line along the axis.
        let shape = broadcastShape(a.shape, b.shape)
        let aFull = expand(a, to: shape), bFull = expand(b, to: shape)
        let outer = shape[..<axis].reduce(1, *)
        let len = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var h = [Double](repeating: 0, count: aFull.count)
        var last = [Double](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var state = h0?.data[o * inner + i] ?? 0
                for t in 0..<len {
                    let k = (o * len + t) * inner + i
                    state = roundState(aFull.data[k] * state + bFull.data[k])
                    h[k] = state
                }
                last[o * inner + i] = state
            }
        }
        var lastShape = shape
        lastShape.remove(at: axis)
        return [Array(shape: shape, data: h), Array(shape: lastShape, data: last)]
    }
}
