/// A dense, row-major (C order) tensor in host memory: what models take and return.
public struct Tensor: Equatable, Sendable, CustomStringConvertible {
    /// The elements, typed. The case decides the tensor's dtype.
    public enum Storage: Equatable, Sendable {
        case f32([Float])
        case f64([Double])
        case i32([Int32])
        case i64([Int64])
        case bool([Bool])
    }

    public private(set) var shape: [Int]
    public private(set) var storage: Storage

    /// Makes a tensor; the element count must equal the product of the shape.
    public init(shape: [Int], storage: Storage) throws(TensorError) {
        guard let count = Tensor.elementCount(of: shape) else { throw .badShape(shape) }
        let n: Int
        switch storage {
        case .f32(let a): n = a.count
        case .f64(let a): n = a.count
        case .i32(let a): n = a.count
        case .i64(let a): n = a.count
        case .bool(let a): n = a.count
        }
        guard n == count else { throw .countMismatch(shape: shape, count: n) }
        self.shape = shape
        self.storage = storage
    }

    public init(shape: [Int], floats: [Float]) throws(TensorError) { try self.init(shape: shape, storage: .f32(floats)) }
    public init(shape: [Int], doubles: [Double]) throws(TensorError) { try self.init(shape: shape, storage: .f64(doubles)) }

    /// The number of elements of a shape, or nil when a dim is negative or the product overflows.
    public static func elementCount(of shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            n = p
        }
        return n
    }

    /// A tensor of zeros.
    public static func zeros(_ dtype: DType, shape: [Int]) throws(TensorError) -> Tensor {
        guard let n = elementCount(of: shape) else { throw .badShape(shape) }
        let s: Storage
        switch dtype {
        case .f32: s = .f32(.init(repeating: 0, count: n))
        case .f64: s = .f64(.init(repeating: 0, count: n))
        case .i32: s = .i32(.init(repeating: 0, count: n))
        case .i64: s = .i64(.init(repeating: 0, count: n))
        case .bool: s = .bool(.init(repeating: false, count: n))
        }
        return Tensor(unchecked: shape, s)
    }

    init(unchecked shape: [Int], _ storage: Storage) {
        self.shape = shape
        self.storage = storage
    }

    public var dtype: DType {
        switch storage {
        case .f32: return .f32
        case .f64: return .f64
        case .i32: return .i32
        case .i64: return .i64
        case .bool: return .bool
        }
    }

    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    /// Every element converted to Double (booleans as 0/1).
    public func doubles() -> [Double] {
        switch storage {
        case .f32(let a): return a.map(Double.init)
        case .f64(let a): return a
        case .i32(let a): return a.map(Double.init)
        case .i64(let a): return a.map(Double.init)
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        }
    }

    /// Every element converted to Float (booleans as 0/1).
    public func floats() -> [Float] {
        switch storage {
        case .f32(let a): return a
        default: return doubles().map(Float.init)
        }
    }

    /// Every element converted to Int64, truncating floats toward zero.
    public func integers() -> [Int64] {
        switch storage {
        case .i32(let a): return a.map(Int64.init)
        case .i64(let a): return a
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        case .f32(let a): return a.map { $0.isFinite ? Int64(exactly: $0.rounded(.towardZero)) ?? 0 : 0 }
        case .f64(let a): return a.map { $0.isFinite ? Int64(exactly: $0.rounded(.towardZero)) ?? 0 : 0 }
        }
    }

    /// The same elements as another dtype (floats round to nearest; to integers they truncate).
    public func converted(to dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        switch dtype {
        case .f32: return Tensor(unchecked: shape, .f32(floats()))
        case .f64: return Tensor(unchecked: shape, .f64(doubles()))
        case .i32: return Tensor(unchecked: shape, .i32(integers().map { Int32(truncatingIfNeeded: $0) }))
        case .i64: return Tensor(unchecked: shape, .i64(integers()))
        case .bool: return Tensor(unchecked: shape, .bool(doubles().map { $0 != 0 }))
        }
    }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        try Tensor(shape: newShape, storage: storage)
    }

    public var description: String {
        "Tensor(\(dtype)\(shape))"
    }
}

/// Why a tensor could not be made.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    case badShape([Int])
    case countMismatch(shape: [Int], count: Int)

    public var description: String {
        switch self {
        case .badShape(let s): return "invalid tensor shape \(s)"
        case .countMismatch(let s, let n): return "shape \(s) needs \(s.reduce(1, *)) elements, got \(n)"
        }
    }
}
