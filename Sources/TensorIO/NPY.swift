import Foundation
import IR

/// NumPy's `.npy` format (versions 1.0, 2.0 and 3.0), for the five seqc dtypes.
///
/// Layout: magic `\x93NUMPY`, major and minor version bytes, a little-endian header length
/// (u16 in 1.0, u32 in 2.0/3.0), a Python-literal dict header (latin-1, or UTF-8 in 3.0), then the
/// raw C-order element bytes.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// numpy aligns the data start to 64 bytes.
    static let alignment = 64
    /// numpy leaves room after the header dict so the first axis can grow in place.
    static let growthAxisMaxDigits = 21

    /// The `descr` strings seqc reads and writes, one per dtype.
    static let descrs: [(descr: String, dtype: DType)] = [
        ("<f4", .f32), ("<f8", .f64), ("<i4", .i32), ("<i8", .i64), ("|b1", .bool),
    ]

    static func descr(of dtype: DType) -> String {
        descrs.first { $0.dtype == dtype }!.descr
    }

    // MARK: Reading

    /// Reads a `.npy` file.
    public static func read(path: String) throws -> Tensor {
        try read(FileBytes.read(path), name: path)
    }

    /// Decodes `.npy` bytes; `name` stands for the file in error messages.
    public static func read(_ data: Data, name: String) throws -> Tensor {
        try decode(data, FileContext(file: name))
    }

    public static func read(_ bytes: [UInt8], name: String) throws -> Tensor {
        try read(Data(bytes), name: name)
    }

    static func decode(_ data: Data, _ ctx: FileContext) throws -> Tensor {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> Tensor in
            try decode(raw, ctx)
        }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, _ ctx: FileContext) throws -> Tensor {
        guard raw.count >= 10 else {
            throw ctx.error("too short to be a .npy file (\(raw.count) bytes; the preamble alone is 10)")
        }
        guard raw.prefix(6).elementsEqual(magic) else {
            throw ctx.error("not a .npy file: it does not start with the magic bytes \\x93NUMPY")
        }
        let (major, minor) = (raw[6], raw[7])
        let headerStart: Int
        let headerLength: Int
        switch (major, minor) {
        case (1, 0):
            headerStart = 10
            headerLength = Int(raw[8]) | Int(raw[9]) << 8
        case (2, 0), (3, 0):
            guard raw.count >= 12 else {
                throw ctx.error("too short to be a .npy \(major).0 file (\(raw.count) bytes; the preamble alone is 12)")
            }
            headerStart = 12
            headerLength = (8..<12).reduce(0) { $0 | Int(raw[$1]) << (8 * ($1 - 8)) }
        default:
            throw ctx.error("unsupported .npy format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)")
        }
        let dataStart = headerStart + headerLength
        guard dataStart <= raw.count else {
            throw ctx.error("header length \(headerLength) runs past the end of the file (\(raw.count) bytes)")
        }

        let headerBytes = UnsafeRawBufferPointer(rebasing: raw[headerStart..<dataStart])
        // numpy writes latin-1 headers before 3.0, UTF-8 from 3.0 on.
        let headerText: String
        if major == 3 {
            guard let text = String(validating: headerBytes, as: UTF8.self) else {
                throw ctx.error("the .npy 3.0 header is not valid UTF-8")
            }
            headerText = text
        } else {
            headerText = String(headerBytes.map { Character(Unicode.Scalar($0)) })
        }
        let header = try parseHeader(headerText, ctx)

        guard let count = RawCodec.elementCount(header.shape),
            let needed = RawCodec.byteCount(count: count, itemBits: 8 * header.dtype.byteSize)
        else {
            throw ctx.error("shape \(header.shape) has too many elements")
        }
        let available = raw.count - dataStart
        guard available == needed else {
            let what = available < needed ? "the file is truncated" : "the file has \(available - needed) extra bytes"
            throw ctx.error(
                "\(what): the data is \(available) bytes, but \(descr(of: header.dtype)) \(header.shape) needs \(needed)")
        }
        let storage = RawCodec.decode(UnsafeRawBufferPointer(rebasing: raw[dataStart...]), as: header.dtype, count: count)
        do {
            return try Tensor(shape: header.shape, storage: storage)
        } catch {
            throw ctx.error("\(error)")
        }
    }

    /// The header dict's meaning: exactly the keys descr, fortran_order and shape.
    static func parseHeader(_ text: String, _ ctx: FileContext) throws -> (dtype: DType, shape: [Int]) {
        let literal: PyLiteral
        do {
            literal = try PyLiteral.parse(text)
        } catch {
            let shown = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let excerpt = shown.count > 200 ? shown.prefix(200) + "…" : shown
            throw ctx.error("malformed .npy header: \(error.message): \(excerpt)")
        }
        guard case .dict(let pairs) = literal else {
            throw ctx.error("the .npy header is not a dict: \(literal)")
        }
        var fields: [String: PyLiteral] = [:]
        for (key, value) in pairs {
            guard case .string(let k) = key, ["descr", "fortran_order", "shape"].contains(k) else {
                throw ctx.error("unexpected key \(key) in the .npy header (expected 'descr', 'fortran_order', 'shape')")
            }
            fields[k] = value  // as in Python, a repeated key keeps its last value
        }
        guard let descrValue = fields["descr"], let orderValue = fields["fortran_order"],
            let shapeValue = fields["shape"]
        else {
            let missing = ["descr", "fortran_order", "shape"].filter { fields[$0] == nil }
            throw ctx.error("the .npy header lacks \(missing.map { "'\($0)'" }.joined(separator: ", "))")
        }

        guard case .tuple(let dims) = shapeValue else {
            throw ctx.error("the .npy shape must be a tuple of integers, not \(shapeValue)")
        }
        var shape: [Int] = []
        for dim in dims {
            guard case .int(let d?) = dim, d >= 0 else {
                throw ctx.error("the .npy shape \(shapeValue) must hold non-negative integers that fit in 64 bits")
            }
            shape.append(d)
        }

        let dtype: DType
        switch descrValue {
        case .string(let s):
            guard let known = descrs.first(where: { $0.descr == s }) else {
                let why = s.hasPrefix(">") ? " (big-endian data is not supported)" : ""
                throw ctx.error("unsupported dtype '\(s)'\(why); seqc reads <f4, <f8, <i4, <i8 and |b1")
            }
            dtype = known.dtype
        default:
            throw ctx.error("unsupported structured dtype \(descrValue); seqc reads <f4, <f8, <i4, <i8 and |b1")
        }

        guard case .bool(let fortran) = orderValue else {
            throw ctx.error("fortran_order must be True or False, not \(orderValue)")
        }
        // With at most one dimension, Fortran and C order are the same bytes.
        if fortran && shape.count > 1 {
            throw ctx.error("fortran_order True is not supported for shape \(shape); save the array in C order")
        }
        return (dtype, shape)
    }

    // MARK: Writing

    /// The `.npy` bytes of `t`, laid out exactly as `numpy.save` writes them.
    public static func encode(_ t: Tensor) -> Data {
        var data = header(descr: descr(of: t.dtype), shape: t.shape)
        data.reserveCapacity(data.count + t.byteCount)
        RawCodec.append(t.storage, to: &data)
        return data
    }

    /// Writes `t` as a `.npy` file (atomically).
    public static func write(_ t: Tensor, path: String) throws {
        try FileBytes.write(encode(t), to: path)
    }

    /// numpy's `_write_array_header`: sorted keys, `repr` values, growth padding, then the
    /// version-1.0 preamble unless the header is too long for its u16 length.
    static func header(descr: String, shape: [Int]) -> Data {
        let shapeRepr = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeRepr), }"
        if let first = shape.first {
            dict += String(repeating: " ", count: max(0, growthAxisMaxDigits - String(first).count))
        }
        let text = Array(dict.utf8)  // always ASCII
        func padding(_ lengthBytes: Int) -> Int {
            alignment - (magic.count + 2 + lengthBytes + text.count + 1) % alignment
        }
        // Version 2.0 only when the padded header does not fit version 1.0's u16 length.
        let isV1 = text.count + 1 + padding(2) <= Int(UInt16.max)
        let lengthBytes = isV1 ? 2 : 4
        let pad = padding(lengthBytes)
        let total = text.count + 1 + pad
        var out = Data(magic)
        out.append(contentsOf: [isV1 ? 1 : 2, 0])
        for i in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: total >> (8 * i))) }
        out.append(contentsOf: text)
        out.append(contentsOf: [UInt8](repeating: 0x20, count: pad))
        out.append(0x0A)
        return out
    }
}
