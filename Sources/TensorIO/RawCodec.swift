import Foundation
import IR

// Both formats store elements little-endian; we copy them with memcpy, which is only right on a
// little-endian host (every platform Swift targets today).
#if !_endian(little)
#error("TensorIO assumes a little-endian host")
#endif

/// Conversions between raw little-endian element bytes and `Tensor.Storage`.
enum RawCodec {
    /// The number of elements of `shape`, or nil if a dimension is negative or the product overflows.
    static func elementCount(_ shape: [Int]) -> Int? { Tensor.elementCount(of: shape) }

    /// The byte size of `count` elements of `itemBits` bits each, or nil on overflow or a
    /// count whose bits do not fill whole bytes.
    static func byteCount(count: Int, itemBits: Int) -> Int? {
        let (bits, overflow) = count.multipliedReportingOverflow(by: itemBits)
        guard !overflow, bits % 8 == 0 else { return nil }
        return bits / 8
    }

    /// Decodes `count` elements from the front of `bytes` (which the caller has checked is long enough).
    static func decode(_ bytes: UnsafeRawBufferPointer, as dtype: DType, count: Int) -> Tensor.Storage {
        switch dtype {
        case .f32: return .f32(copy(bytes, count: count))
        case .f64: return .f64(copy(bytes, count: count))
        case .i32: return .i32(copy(bytes, count: count))
        case .i64: return .i64(copy(bytes, count: count))
        // Any non-zero byte is true: memcpy would make invalid Bool values from bytes other than 0/1.
        case .bool: return .bool((0..<count).map { bytes[$0] != 0 })
        }
    }

    /// A bulk copy into a fresh array: memcpy speed, no per-element work.
    private static func copy<T: BitwiseCopyable>(_ bytes: UnsafeRawBufferPointer, count: Int) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let byteCount = count * MemoryLayout<T>.stride
            if byteCount > 0, let src = bytes.baseAddress, let dst = buffer.baseAddress {
                UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: byteCount)
            }
            initialized = count
        }
    }

    /// IEEE half-precision (F16) elements widened to Float, exactly.
    static func decodeF16(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Float] {
        (0..<count).map { i in halfToFloat(UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8) }
    }

    /// bfloat16 elements widened to Float, exactly: bf16 is the top half of an f32.
    static func decodeBF16(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Float] {
        (0..<count).map { i in
            Float(bitPattern: UInt32(bytes[2 * i]) << 16 | UInt32(bytes[2 * i + 1]) << 24)
        }
    }

    /// Bit-level F16 → F32 (no reliance on `Float16`, which is not on every platform).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = UInt32(h >> 10) & 0x1F
        let mantissa = UInt32(h) & 0x3FF
        if exponent == 0x1F {  // inf / nan
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        }
        if exponent == 0 {  // zero / subnormal: mantissa × 2^-24, exact in f32
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        }
        return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
    }

    /// The elements' little-endian bytes, appended to `data` (bool as one 0/1 byte each).
    static func append(_ storage: Tensor.Storage, to data: inout Data) {
        switch storage {
        case .f32(let a): a.withUnsafeBytes { data.append(contentsOf: $0) }
        case .f64(let a): a.withUnsafeBytes { data.append(contentsOf: $0) }
        case .i32(let a): a.withUnsafeBytes { data.append(contentsOf: $0) }
        case .i64(let a): a.withUnsafeBytes { data.append(contentsOf: $0) }
        case .bool(let a): data.append(contentsOf: a.map { $0 ? 1 : 0 })
        }
    }
}

extension Tensor {
    /// The byte size of the elements as stored in a file.
    var byteCount: Int { count * dtype.byteSize }
}
