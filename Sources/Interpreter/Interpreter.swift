import Foundation
import IR

/// The reference interpreter: runs a Graph IR function with plain loops. It is the definition of what every op
/// means; the JIT is judged by agreement with it.
///
/// Every element is held as a Double. With `.native` precision each float result is rounded to its value's dtype
/// after every op (so an f32 model sees f32 values between ops, while each op is computed in double and rounded
/// once); with `.f64` nothing is rounded and float outputs come back as f64 — a higher-precision reference run.
public struct Interpreter: Sendable {
    public enum Precision: String, Sendable, CaseIterable {
        /// Round every float value to its declared dtype.
        case native
        /// Keep every float value in double precision; float outputs are f64 tensors.
        case f64
    }

    public var precision: Precision

    public init(precision: Precision = .native) {
        self.precision = precision
    }

    /// Runs `function` on named inputs and weights and returns its outputs by name.
    public func run(
        _ function: Function, inputs: [String: Tensor], params: [String: Tensor], allowExtraParams: Bool = false
    ) throws(BindingError) -> [String: Tensor] {
        let bindings = try bindSymbols(function, inputs: inputs, params: params, allowExtraParams: allowExtraParams)
        try checkValueSizes(
            function, bindings: bindings,
            limitBytes: defaultValueSizeLimit(physicalMemory: ProcessInfo.processInfo.physicalMemory) / 2)
        var env: [Int: Array] = [:]
        for inst in function.body {
            let results = try evaluate(inst, env: env, inputs: inputs, params: params, bindings: bindings)
            for (v, a) in zip(inst.results, results) {
                env[v.id] = round(a, v.type.dtype)
            }
        }
        var out: [String: Tensor] = [:]
        for o in function.outputs {
            out[o.name] = tensor(env[o.value.id]!, o.value.type.dtype)
        }
        return out
    }

    /// A value at run time: concrete shape, row-major elements.
    struct Array {
        var shape: [Int]
        var data: [Double]
        var count: Int { data.count }
    }

    func round(_ a: Array, _ dtype: DType) -> Array {
        switch (dtype, precision) {
        case (.f32, .native): return Array(shape: a.shape, data: a.data.map { Double(Float($0)) })
        case (.f64, _), (.f32, .f64): return a
        case (.i32, _): return Array(shape: a.shape, data: a.data.map { Double(Int32(truncatingIfNeeded: saturatingInt64($0))) })
        case (.i64, _): return Array(shape: a.shape, data: a.data.map { $0.rounded(.towardZero) })
        case (.bool, _): return Array(shape: a.shape, data: a.data.map { $0 != 0 ? 1 : 0 })
        }
    }

    func tensor(_ a: Array, _ dtype: DType) -> Tensor {
        let storage: Tensor.Storage
        switch (dtype, precision) {
        case (.f32, .native): storage = .f32(a.data.map { Float($0) })
        case (.f32, .f64), (.f64, _): storage = .f64(a.data)
        case (.i32, _): storage = .i32(a.data.map { Int32(truncatingIfNeeded: saturatingInt64($0)) })
        case (.i64, _): storage = .i64(a.data.map { saturatingInt64($0) })
        case (.bool, _): storage = .bool(a.data.map { $0 != 0 })
        }
        return try! Tensor(shape: a.shape, storage: storage)
    }

    func evaluate(
        _ inst: Instruction, env: [Int: Array], inputs: [String: Tensor], params: [String: Tensor],
        bindings: [String: Int]
    ) throws(BindingError) -> [Array] {
        let args = inst.operands.map { env[$0.id]! }
        switch inst.op {
        case .input(let name):
            let t = inputs[name]!
            return [Array(shape: t.shape, data: t.doubles())]
        case .param(let name):
            let t = params[name]!
            return [Array(shape: t.shape, data: t.doubles())]
        case .constant(let x):
            return [Array(shape: [], data: [x])]
        case .unary(let u):
            let f = unaryFunction(u)
            return [Array(shape: args[0].shape, data: args[0].data.map(f))]
        case .binary(let b):
            return [broadcast(args[0], args[1], binaryFunction(b))]
        case .linear(let hasBias):
            return [linear(args[0], args[1], hasBias ? args[2] : nil)]
        case .matmul:
            return [matmul(args[0], args[1])]
        case .reduce(let r, let axis, let keep):
            return [reduce(args[0], r, axis: axis, keepDims: keep)]
        case .rmsNorm(let eps):
            return [rmsNorm(args[0], args[1], eps: eps)]
        case .reshape:
            guard let shape = inst.result.type.resolve(bindings) else {
                throw BindingError("reshape to \(inst.result.type) uses a dim that no input binds")
            }
            return [Array(shape: shape, data: args[0].data)]
        case .permute(let perm):
            return [permute(args[0], perm)]
        case .scan(let axis, _):
            let f32State = precision == .native && inst.result.type.dtype == .f32
            return scan(args[0], args[1], args.count == 3 ? args[2] : nil, axis: axis) {
                f32State ? Double(Float($0)) : $0
            }
        case .compare, .select, .iota, .slice, .concat, .flip, .expand, .take:
            return [try evaluatePrimitive(inst, args, bindings: bindings)]
        case .mixer(let m):
            return try evaluateMixer(m, inst, args, bindings: bindings)
        case .rfft(let axis, let n):
            guard let length = n.resolve(bindings), length >= 0 else { throw BindingError("rfft length \(n) is not bound by the inputs") }
            return rfft(args[0], axis: axis, n: length)
        case .irfft(let axis, let n):
            guard let length = n.resolve(bindings), length >= 0 else { throw BindingError("irfft length \(n) is not bound by the inputs") }
            return [irfft(args[0], args[1], axis: axis, n: length)]
        case .cast:
            let to = inst.result.type.dtype
            let from = inst.operands[0].type.dtype
            if to.isInteger && from.isFloat {
                return [Array(shape: args[0].shape, data: args[0].data.map { $0.isFinite ? $0.rounded(.towardZero) : 0 })]
            }
            return [args[0]]
        }
    }
}

/// The nearest Int64 to a Double, saturating at the ends and 0 for NaN.
func saturatingInt64(_ x: Double) -> Int64 {
    if x.isNaN { return 0 }
    if x >= 9.2233720368547758e18 { return .max }
    if x <= -9.2233720368547758e18 { return .min }
    return Int64(x.rounded(.towardZero))
}
