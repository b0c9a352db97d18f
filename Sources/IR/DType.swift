/// Element types of seqc tensors.
///
/// `f32` is the working type; `f64` is what the interpreter can promote to for a reference run.
/// Integer and boolean tensors carry token ids and masks.
public enum DType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case f32, f64, i32, i64, bool

    public var description: String { rawValue }

    /// Bytes per element in memory (bool is one byte, as in NumPy and safetensors).
    public var byteSize: Int {
        switch self {
        case .f32, .i32: return 4
        case .f64, .i64: return 8
        case .bool: return 1
        }
    }

    public var isFloat: Bool { self == .f32 || self == .f64 }
    public var isInteger: Bool { self == .i32 || self == .i64 }
}
