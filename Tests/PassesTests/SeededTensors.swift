import IR

/// Random tensors for the pass tests' interpreter comparisons: a seeded LCG, uniform in [lo, hi), for a type's
/// shape at the given symbol sizes.
struct SeededTensors {
    var seed: UInt64
    let sizes: [String: Int]
    let dtype: DType

    mutating func tensor(_ t: TensorType, _ lo: Double, _ hi: Double) throws -> Tensor {
        let shape = t.resolve(sizes)!
        let v = (0..<shape.reduce(1, *)).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return lo + (hi - lo) * Double(seed >> 11) / Double(1 << 53)
        }
        return try Tensor(shape: shape, doubles: v).converted(to: dtype)
    }
}
