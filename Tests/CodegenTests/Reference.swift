import Foundation
import IR

/// A tiny reference evaluator for the tests: values are Doubles, but every elementary operation is
/// rounded to the value's dtype (`r`), so f32 arithmetic is emulated exactly (double rounding is
/// innocuous for + − × ÷ √). Sums run sequentially in index order, like the generated code; linear and matmul
/// accumulate with fused multiply-adds in that order, as the generated GEMM does (docs/GEMM.md).
struct RefTensor {
    var dtype: DType
    var shape: [Int]
    var data: [Double]
}

enum Reference {
    static func r(_ x: Double, _ dt: DType) -> Double { dt == .f32 ? Double(Float(x)) : x }

    /// acc + a · b rounded once in `dt` (a fused multiply-add), as the generated GEMM accumulates.
    static func fma(_ acc: Double, _ a: Double, _ b: Double, _ dt: DType) -> Double {
        dt == .f32 ? Double(Float(acc).addingProduct(Float(a), Float(b))) : acc.addingProduct(a, b)
    }

    static func evaluate(_ f: Function, inputs: [String: Tensor], params: [String: Tensor]) -> [String: RefTensor] {
        var bindings: [String: Int] = [:]
        for (name, t) in f.inputs {
            for (d, n) in zip(t.shape, inputs[name]!.shape) { if case .symbol(let s) = d { bindings[s] = n } }
        }
        var env: [Int: RefTensor] = [:]
        for inst in f.body {
            let x = inst.operands.map { env[$0.id]! }
            let out = inst.results[0].type
            let shape = out.resolve(bindings)!
            let dt = out.dtype
            func t(_ data: [Double]) -> RefTensor { RefTensor(dtype: dt, shape: shape, data: data) }
            switch inst.op {
            case .input(let n): env[inst.result.id] = ref(inputs[n]!)
            case .param(let n): env[inst.result.id] = ref(params[n]!)
            case .constant(let c): env[inst.result.id] = t([dt.isFloat ? r(c, dt) : c.rounded(.towardZero)])
            case .unary(let u): env[inst.result.id] = t(x[0].data.map { unary(u, $0, dt) })
            case .binary(let op):
                env[inst.result.id] = t(broadcast2(x[0], x[1], shape) { binary(op, $0, $1, dt) })
            case .linear: env[inst.result.id] = t(linear(x, shape, dt))
            case .matmul: env[inst.result.id] = t(matmul(x[0], x[1], shape, dt))
            case .reduce(let op, let axis, _): env[inst.result.id] = t(reduce(op, axis, x[0], dt))
            case .rmsNorm(let eps): env[inst.result.id] = t(rmsnorm(eps, x[0], x[1], dt))
            case .reshape: env[inst.result.id] = t(x[0].data)
            case .permute(let perm): env[inst.result.id] = t(permute(perm, x[0], shape))
            case .scan(let axis, _):
                let (all, last) = scan(axis, x, shape, dt)
                env[inst.results[0].id] = t(all)
                env[inst.results[1].id] = RefTensor(
                    dtype: dt, shape: inst.results[1].type.resolve(bindings)!, data: last)
            case .cast: env[inst.result.id] = t(x[0].data.map { cast($0, to: dt) })
            case .compare(let op): env[inst.result.id] = t(broadcast2(x[0], x[1], shape) { compare(op, $0, $1) ? 1 : 0 })
            case .select: env[inst.result.id] = t(select(x[0], x[1], x[2], shape))
            case .iota(let axis): env[inst.result.id] = t(iota(axis, shape, dt))
            case .slice(let axis, let start, let fromEnd):
                env[inst.result.id] = t(slice(x[0], axis: axis, start: start, fromEnd: fromEnd, shape))
            case .concat(let axis): env[inst.result.id] = t(concat(x, axis: axis, shape))
            case .flip(let axis): env[inst.result.id] = t(flip(x[0], axis: axis))
            case .expand: env[inst.result.id] = t(expand(x[0], shape))
            case .take(let axis): env[inst.result.id] = t(take(x[0], x[1], axis: axis, shape))
            case .mixer, .rfft, .irfft:
                preconditionFailure("the reference evaluator covers the ops the JIT compiles; \(inst.op.mnemonic) is not one yet")
            }
        }
        return Dictionary(uniqueKeysWithValues: f.outputs.map { ($0.name, env[$0.value.id]!) })
    }

    static func ref(_ t: Tensor) -> RefTensor { RefTensor(dtype: t.dtype, shape: t.shape, data: t.doubles()) }

    static func unary(_ u: UnaryOp, _ x: Double, _ dt: DType) -> Double {
        func sig(_ x: Double) -> Double { r(1 / r(1 + r(exp(-x), dt), dt), dt) }
        switch u {
        case .neg: return -x
        case .exp: return r(exp(x), dt)
        case .log: return r(log(x), dt)
        case .sqrt: return r(x.squareRoot(), dt)
        case .rsqrt: return r(1 / r(x.squareRoot(), dt), dt)
        case .tanh: return r(tanh(x), dt)
        case .sigmoid: return sig(x)
        case .silu: return r(x * sig(x), dt)
        case .softplus: return x > 20 ? x : r(log1p(r(exp(x), dt)), dt)
        case .gelu:
            let e = r(erf(r(x / r(2.0.squareRoot(), dt), dt)), dt)
            return r(r(0.5 * x, dt) * r(1 + e, dt), dt)
        case .abs: return Swift.abs(x)
        case .relu: return Swift.max(x, 0)
        case .sin: return r(sin(x), dt)
        case .cos: return r(cos(x), dt)
        case .floor: return x.rounded(.down)
        case .sign: return x > 0 ? 1 : x < 0 ? -1 : 0
        case .elu: return x > 0 ? x : r(expm1(x), dt)
        }
    }

    static func binary(_ op: BinaryOp, _ x: Double, _ y: Double, _ dt: DType) -> Double {
        switch op {
        case .add: return r(x + y, dt)
        case .sub: return r(x - y, dt)
        case .mul: return r(x * y, dt)
        case .div: return r(x / y, dt)
        case .max: return Swift.max(x, y)
        case .min: return Swift.min(x, y)
        case .pow: return r(pow(x, y), dt)
        case .atan2: return r(atan2(x, y), dt)
        }
    }

    static func strides(_ shape: [Int]) -> [Int] { contiguousStrides(shape) }

    /// Multi-index of flat position `i` in `shape`.
    static func unflatten(_ i: Int, _ shape: [Int]) -> [Int] {
        var rem = i
        var idx = [Int](repeating: 0, count: shape.count)
        for k in stride(from: shape.count - 1, through: 0, by: -1) where shape[k] > 0 {
            idx[k] = rem % shape[k]
            rem /= shape[k]
        }
        return idx
    }

    /// Flat position in `shape` of the right-aligned broadcast of `idx`.
    static func broadcastOffset(_ idx: [Int], _ shape: [Int]) -> Int {
        let st = strides(shape)
        var off = 0
        for k in 0..<shape.count where shape[k] != 1 { off += idx[idx.count - shape.count + k] * st[k] }
        return off
    }

    static func broadcast2(_ a: RefTensor, _ b: RefTensor, _ shape: [Int], _ f: (Double, Double) -> Double) -> [Double] {
        (0..<shape.reduce(1, *)).map { i in
            let idx = unflatten(i, shape)
            return f(a.data[broadcastOffset(idx, a.shape)], b.data[broadcastOffset(idx, b.shape)])
        }
    }

    static func linear(_ x: [RefTensor], _ shape: [Int], _ dt: DType) -> [Double] {
        let k = x[0].shape.last!, o = shape.last!
        let rows = x[0].shape.dropLast().reduce(1, *)
        var out: [Double] = []
        for row in 0..<rows {
            for j in 0..<o {
                var acc = 0.0
                for p in 0..<k { acc = fma(acc, x[0].data[row * k + p], x[1].data[j * k + p], dt) }
                if x.count == 3 { acc = r(acc + x[2].data[j], dt) }
                out.append(acc)
            }
        }
        return out
    }

    static func matmul(_ a: RefTensor, _ b: RefTensor, _ shape: [Int], _ dt: DType) -> [Double] {
        let k = a.shape.last!
        return (0..<shape.reduce(1, *)).map { flat in
            let idx = unflatten(flat, shape)
            let (i, j) = (idx[idx.count - 2], idx[idx.count - 1])
            var acc = 0.0
            for p in 0..<k {
                var ia = idx, ib = idx
                ia[ia.count - 1] = p
                ib[ib.count - 2] = p
                ia[ia.count - 2] = i
                ib[ib.count - 1] = j
                acc = fma(acc, a.data[broadcastOffset(ia, a.shape)], b.data[broadcastOffset(ib, b.shape)], dt)
            }
            return acc
        }
    }

    static func reduce(_ op: ReduceOp, _ axis: Int, _ x: RefTensor, _ dt: DType) -> [Double] {
        let outer = x.shape[..<axis].reduce(1, *), n = x.shape[axis], inner = x.shape[(axis + 1)...].reduce(1, *)
        var out: [Double] = []
        for o in 0..<outer {
            for i in 0..<inner {
                var acc = op == .max ? -Double.infinity : 0
                for t in 0..<n {
                    let v = x.data[(o * n + t) * inner + i]
                    acc = op == .max ? Swift.max(acc, v) : r(acc + v, dt)
                }
                if op == .mean { acc = r(acc / Double(n), dt) }
                out.append(acc)
            }
        }
        return out
    }

    static func rmsnorm(_ eps: Double, _ x: RefTensor, _ w: RefTensor, _ dt: DType) -> [Double] {
        let d = x.shape.last!
        let rows = x.shape.dropLast().reduce(1, *)
        var out: [Double] = []
        for row in 0..<rows {
            var acc = 0.0
            for j in 0..<d { let v = x.data[row * d + j]; acc = r(acc + r(v * v, dt), dt) }
            let mean = r(acc / Double(d), dt)
            let inv = r(1 / r(r(mean + r(eps, dt), dt).squareRoot(), dt), dt)
            for j in 0..<d { out.append(r(r(x.data[row * d + j] * inv, dt) * w.data[j], dt)) }
        }
        return out
    }

    static func permute(_ perm: [Int], _ x: RefTensor, _ shape: [Int]) -> [Double] {
        let xs = strides(x.shape)
        return (0..<shape.reduce(1, *)).map { flat in
            let idx = unflatten(flat, shape)
            return x.data[zip(idx, perm).reduce(0) { $0 + $1.0 * xs[$1.1] }]
        }
    }

    static func scan(_ axis: Int, _ x: [RefTensor], _ shape: [Int], _ dt: DType) -> ([Double], [Double]) {
        var lastShape = shape
        lastShape.remove(at: axis)
        let count = shape.reduce(1, *)
        var state = x.count == 3 ? x[2].data : [Double](repeating: 0, count: lastShape.reduce(1, *))
        var all = [Double](repeating: 0, count: count)
        // Walk in flat order: for a fixed state position, t increases with the flat index.
        for flat in 0..<count {
            var idx = unflatten(flat, shape)
            let a = x[0].data[broadcastOffset(idx, x[0].shape)]
            let b = x[1].data[broadcastOffset(idx, x[1].shape)]
            idx.remove(at: axis)
            let s = idx.isEmpty ? 0 : zip(idx, strides(lastShape)).reduce(0) { $0 + $1.0 * $1.1 }
            let h = r(r(a * state[s], dt) + b, dt)
            state[s] = h
            all[flat] = h
        }
        return (all, state)
    }

    static func cast(_ v: Double, to dt: DType) -> Double {
        switch dt {
        case .f32: return Double(Float(v))
        case .f64: return v
        case .i32, .i64: return v.rounded(.towardZero)
        case .bool: return v != 0 ? 1 : 0
        }
    }
}
