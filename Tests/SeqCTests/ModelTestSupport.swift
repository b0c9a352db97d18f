// Shared by the model tests: a seeded generator, the models folder, running a model in the f64 interpreter, and the
// error measure. The per-family references stay in their own files.
import Foundation
import SeqC

/// SplitMix64: every random test is reproducible from its seed.
struct SplitMix {
    var state: UInt64

    init(state: UInt64) { self.state = state }
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53)
    }

    /// `n` values uniform in [lo, hi), rounded to f32 (the stored dtype) so model and reference see the same numbers.
    mutating func values(_ n: Int, _ lo: Double = -1, _ hi: Double = 1) -> [Double] {
        (0..<n).map { _ in Double(Float(uniform(lo, hi))) }
    }

    /// An f32 tensor of uniform values; references read it back with `doubles()`.
    mutating func tensor(_ shape: [Int], _ lo: Double = -1, _ hi: Double = 1) -> Tensor {
        try! Tensor(shape: shape, floats: (0..<shape.reduce(1, *)).map { _ in Float(uniform(lo, hi)) })
    }

    mutating func int(below n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// The checkout's models/ folder.
let modelsDirectory = root.appendingPathComponent("models")

/// Path of models/<family>.seq.
func modelPath(_ family: String) -> String { modelsDirectory.appendingPathComponent("\(family).seq").path }

/// Loads models/<family>.seq with the given parameters and runs it in f64 with the interpreter.
func runModel(
    _ family: String, _ parameters: [String: ParameterValue], inputs: [String: Tensor], weights: [String: Tensor]
) throws -> [String: Tensor] {
    var model = try Model(contentsOf: modelPath(family))
    for (name, value) in parameters.sorted(by: { $0.key < $1.key }) { try model.setParameter(name, value) }
    return try model.interpret(inputs: inputs, weights: weights, precision: .f64)
}

/// max |a − b| / max |b|: the error relative to the output's scale (1 for an all-zero reference); ∞ on a size mismatch.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    let m = b.map(abs).max() ?? 0
    let scale = m > 0 ? m : 1
    return (zip(a, b).map { abs($0 - $1) }.max() ?? 0) / scale
}

/// y = x Wᵀ + b for rows of x [rows, in] and W [out, in], in double precision.
func referenceLinear(_ x: [Double], _ w: [Double], _ b: [Double]?, rows: Int, inDim: Int, outDim: Int) -> [Double] {
    var y = [Double](repeating: 0, count: rows * outDim)
    for r in 0..<rows {
        for o in 0..<outDim {
            var acc = b?[o] ?? 0
            for i in 0..<inDim { acc += x[r * inDim + i] * w[o * inDim + i] }
            y[r * outDim + o] = acc
        }
    }
    return y
}
