import Foundation
import IR

/// The tensors and metadata of one `.safetensors` file.
public struct SafeTensorsFile: Sendable, Equatable {
    /// Tensor names in file order (by data offset).
    public var names: [String]
    public var tensors: [String: Tensor]
    /// The optional `__metadata__` string map (empty when absent).
    public var metadata: [String: String]

    public init(names: [String], tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.names = names
        self.tensors = tensors
        self.metadata = metadata
    }

    public subscript(name: String) -> Tensor? { tensors[name] }

    /// The tensors as (name, tensor) pairs in file order.
    public var ordered: [(name: String, tensor: Tensor)] {
        names.compactMap { name in tensors[name].map { (name, $0) } }
    }
}

/// Hugging Face's `.safetensors` format.
///
/// Layout: a little-endian u64 header length N, N bytes of UTF-8 JSON (an object mapping tensor
/// names to `{"dtype", "shape", "data_offsets"}`, plus an optional `__metadata__` string map),
/// then the data buffer, which the tensors must cover exactly, without gaps or overlaps.
/// F32, F64, I32, I64 and BOOL load as they are; F16 and BF16 are widened to F32.
public enum SafeTensors {
    /// The reference implementation's cap on the header, against hostile length fields.
    public static let maxHeaderSize = 100_000_000

    /// Every dtype the format defines, with its size in bits.
    static let dtypeBits: [String: Int] = [
        "BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8,
        "I16": 16, "U16": 16, "F16": 16, "BF16": 16,
        "I32": 32, "U32": 32, "F32": 32, "F64": 64, "I64": 64, "U64": 64, "C64": 64,
        "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
    ]

    static func dtypeName(of dtype: DType) -> String {
        switch dtype {
        case .f32: return "F32"
        case .f64: return "F64"
        case .i32: return "I32"
        case .i64: return "I64"
        case .bool: return "BOOL"
        }
    }

    // MARK: Reading

    public static func read(path: String) throws -> SafeTensorsFile {
        try read(bytes: FileBytes.read(path), name: path)
    }

    /// Decodes `.safetensors` bytes; `name` stands for the file in error messages.
    public static func read(bytes: Data, name: String) throws -> SafeTensorsFile {
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> SafeTensorsFile in
            try decode(raw, FileContext(file: name))
        }
    }

    public static func read(bytes: [UInt8], name: String) throws -> SafeTensorsFile {
        try read(bytes: Data(bytes), name: name)
    }

    /// One header entry, checked for form but not yet for layout.
    struct Entry {
        var name: String
        var dtype: String
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    static func decode(_ raw: UnsafeRawBufferPointer, _ ctx: FileContext) throws -> SafeTensorsFile {
        guard raw.count >= 8 else {
            throw ctx.error("too short to be a .safetensors file (\(raw.count) bytes; the header length alone is 8)")
        }
        let n = (0..<8).reduce(UInt64(0)) { $0 | UInt64(raw[$1]) << (8 * UInt64($1)) }
        guard n <= UInt64(maxHeaderSize) else {
            throw ctx.error("header length \(n) is over the \(maxHeaderSize)-byte limit (not a .safetensors file?)")
        }
        let headerLength = Int(n)
        guard headerLength <= raw.count - 8 else {
            throw ctx.error("header length \(headerLength) runs past the end of the file (\(raw.count) bytes)")
        }
        let (entries, metadata) = try parseHeader(UnsafeRawBufferPointer(rebasing: raw[8..<8 + headerLength]), ctx)
        let buffer = UnsafeRawBufferPointer(rebasing: raw[(8 + headerLength)...])
        let ordered = try checkLayout(entries, bufferSize: buffer.count, ctx)

        var tensors: [String: Tensor] = [:]
        for e in ordered {
            let tctx = ctx.with(tensor: e.name)
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[e.begin..<e.end])
            let count = RawCodec.elementCount(e.shape)!  // checked by checkLayout
            let storage: Tensor.Storage
            switch e.dtype {
            case "F32": storage = RawCodec.decode(bytes, as: .f32, count: count)
            case "F64": storage = RawCodec.decode(bytes, as: .f64, count: count)
            case "I32": storage = RawCodec.decode(bytes, as: .i32, count: count)
            case "I64": storage = RawCodec.decode(bytes, as: .i64, count: count)
            case "BOOL": storage = RawCodec.decode(bytes, as: .bool, count: count)
            case "F16": storage = .f32(RawCodec.decodeF16(bytes, count: count))
            case "BF16": storage = .f32(RawCodec.decodeBF16(bytes, count: count))
            default:
                throw tctx.error(
                    "unsupported dtype \(e.dtype) (seqc loads F32, F64, I32, I64, BOOL, and F16/BF16 widened to F32)")
            }
            do {
                tensors[e.name] = try Tensor(shape: e.shape, storage: storage)
            } catch {
                throw tctx.error("\(error)")
            }
        }
        return SafeTensorsFile(names: ordered.map(\.name), tensors: tensors, metadata: metadata)
    }

    /// The header JSON: its tensor entries (any order) and `__metadata__`.
    static func parseHeader(_ bytes: UnsafeRawBufferPointer, _ ctx: FileContext) throws
        -> (entries: [Entry], metadata: [String: String])
    {
        // The reference reader insists on UTF-8 starting with '{' (JSONSerialization alone would
        // also guess UTF-16/32 encodings).
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ctx.error("the header is not valid UTF-8")
        }
        guard bytes.first == UInt8(ascii: "{") else {
            throw ctx.error("the header is not a JSON object (it does not start with '{')")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            throw ctx.error("the header is not valid JSON: \(detail)")
        }
        guard let header = object as? [String: Any] else {
            throw ctx.error("the header is not a JSON object")
        }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (key, value) in header {
            if key == "__metadata__" {
                guard let map = value as? [String: Any] else {
                    throw ctx.error("__metadata__ must be an object mapping strings to strings")
                }
                for (k, v) in map {
                    guard let s = v as? String else {
                        throw ctx.error("__metadata__ value for '\(k)' must be a string, not \(v)")
                    }
                    metadata[k] = s
                }
                continue
            }
            let tctx = ctx.with(tensor: key)
            guard let info = value as? [String: Any] else {
                throw tctx.error("the header entry must be an object with dtype, shape and data_offsets")
            }
            guard let dtype = info["dtype"] as? String else {
                throw tctx.error("the header entry needs a string \"dtype\"")
            }
            guard dtypeBits[dtype] != nil else {
                throw tctx.error("unknown dtype \"\(dtype)\"")
            }
            guard let shapeArray = info["shape"] as? [Any] else {
                throw tctx.error("the header entry needs an array \"shape\"")
            }
            let shape = try shapeArray.map { v throws -> Int in
                guard let d = nonNegativeInt(v) else {
                    throw tctx.error("shape \(shapeArray) must hold non-negative integers that fit in 64 bits")
                }
                return d
            }
            guard let offsets = info["data_offsets"] as? [Any], offsets.count == 2,
                let begin = nonNegativeInt(offsets[0]), let end = nonNegativeInt(offsets[1])
            else {
                throw tctx.error("data_offsets must be two non-negative integers [begin, end], not \(info["data_offsets"] ?? "missing")")
            }
            entries.append(Entry(name: key, dtype: dtype, shape: shape, begin: begin, end: end))
        }
        return (entries, metadata)
    }

    /// A JSON integer ≥ 0 that fits `Int`; nil for floats (even 2.0), booleans, strings or huge values.
    static func nonNegativeInt(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !(value is NSDecimalNumber) else { return nil }
        // objCType tells JSON integers from floats and booleans ("c"); "Q" is an unsigned 64-bit value.
        switch String(cString: number.objCType) {
        case "Q": return Int(exactly: number.uint64Value)
        case "i", "q", "l", "s", "I", "L", "S":
            let v = number.int64Value
            return v >= 0 ? Int(exactly: v) : nil
        default: return nil
        }
    }

    /// What the reference reader checks: sorted by offset, each tensor starts where the previous
    /// one ended, has exactly the bytes its dtype and shape need, and the last one ends at the
    /// end of the buffer. Returns the entries in that order.
    static func checkLayout(_ entries: [Entry], bufferSize: Int, _ ctx: FileContext) throws -> [Entry] {
        let sorted = entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var position = 0
        var previous: String?
        for e in sorted {
            let tctx = ctx.with(tensor: e.name)
            let offsets = "data_offsets [\(e.begin), \(e.end)]"
            guard e.begin <= e.end else {
                throw tctx.error("\(offsets): the end is before the begin")
            }
            if e.begin < position {
                throw tctx.error("\(offsets) overlap tensor '\(previous ?? "?")', which ends at \(position)")
            }
            if e.begin > position {
                throw tctx.error("\(offsets) leave a gap: bytes [\(position), \(e.begin)) of the data belong to no tensor")
            }
            guard let count = RawCodec.elementCount(e.shape) else {
                throw tctx.error("shape \(e.shape) has too many elements")
            }
            let bits = dtypeBits[e.dtype]!  // checked by parseHeader
            guard let needed = RawCodec.byteCount(count: count, itemBits: bits) else {
                throw tctx.error("\(e.dtype) \(e.shape) is too many elements or does not fill whole bytes")
            }
            guard e.end - e.begin == needed else {
                throw tctx.error("\(offsets) give \(e.end - e.begin) bytes, but \(e.dtype) \(e.shape) needs \(needed)")
            }
            guard e.end <= bufferSize else {
                throw tctx.error("\(offsets) run past the end of the data (\(bufferSize) bytes after the header)")
            }
            position = e.end
            previous = e.name
        }
        guard position == bufferSize else {
            throw ctx.error("\(bufferSize - position) bytes after the last tensor belong to no tensor (data is \(bufferSize) bytes, tensors end at \(position))")
        }
        return sorted
    }

    // MARK: Writing

    /// The `.safetensors` bytes: tensors in name order, keys sorted, header space-padded to 8 bytes.
    public static func encode(_ tensors: [(String, Tensor)], metadata: [String: String]? = nil) throws -> Data {
        try encode(tensors, metadata: metadata, ctx: FileContext(file: "<safetensors>"))
    }

    /// Writes a `.safetensors` file (atomically).
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String]? = nil, path: String) throws {
        try FileBytes.write(encode(tensors, metadata: metadata, ctx: FileContext(file: path)), to: path)
    }

    static func encode(_ tensors: [(String, Tensor)], metadata: [String: String]?, ctx: FileContext) throws -> Data {
        var seen = Set<String>()
        for (name, _) in tensors {
            guard name != "__metadata__" else { throw ctx.error("'__metadata__' cannot be a tensor name") }
            guard seen.insert(name).inserted else { throw ctx.with(tensor: name).error("the name is used twice") }
        }
        let sorted = tensors.sorted { $0.0 < $1.0 }
        var header: [String: Any] = [:]
        var offset = 0
        for (name, t) in sorted {
            let size = t.byteCount
            header[name] = ["dtype": dtypeName(of: t.dtype), "shape": t.shape, "data_offsets": [offset, offset + size]] as [String: Any]
            offset += size
        }
        if let metadata { header["__metadata__"] = metadata }
        var json: Data
        do {
            json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw ctx.error("cannot encode the header: \(error.localizedDescription)")
        }
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var out = Data(capacity: 8 + json.count + offset)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * UInt64(i)))) }
        out.append(json)
        for (_, t) in sorted { RawCodec.append(t.storage, to: &out) }
        return out
    }
}
