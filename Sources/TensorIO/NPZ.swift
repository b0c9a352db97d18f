import Foundation
import IR
import ZIPFoundation

/// NumPy's `.npz` format: a ZIP archive of `.npy` members, stored or deflated
/// (`numpy.savez` / `numpy.savez_compressed`).
public enum NPZ {
    /// Reads every member, in archive order, named without its `.npy` suffix.
    public static func read(path: String) throws -> [(name: String, tensor: Tensor)] {
        let ctx = FileContext(file: path)
        try FileBytes.checkReadable(path)
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ctx.error("not a readable .npz (ZIP) archive: \(error)")
        }
        var result: [(name: String, tensor: Tensor)] = []
        var seen = Set<String>()
        for entry in archive where entry.type == .file {
            let name = entry.path.hasSuffix(".npy") ? String(entry.path.dropLast(4)) : entry.path
            let tctx = ctx.with(tensor: name)
            guard seen.insert(name).inserted else { throw tctx.error("the archive holds this member twice") }
            let bytes = try extract(entry, from: archive, tctx)
            result.append((name, try NPY.decode(bytes, tctx)))
        }
        return result
    }

    /// Reads the whole member, refusing more bytes than the archive declares and a bad CRC.
    static func extract(_ entry: ZIPFoundation.Entry, from archive: Archive, _ ctx: FileContext) throws -> Data {
        let declared = entry.uncompressedSize
        var data = Data()
        data.reserveCapacity(Int(min(declared, 1 << 28)))  // the declared size may lie
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                guard UInt64(data.count) + UInt64(chunk.count) <= declared else {
                    throw ctx.error("the member holds more than the \(declared) bytes the archive declares")
                }
                data.append(chunk)
            }
        } catch let error as TensorFileError {
            throw error
        } catch {
            throw ctx.error("cannot extract the member: \(error)")
        }
        guard UInt64(data.count) == declared else {
            throw ctx.error("the member holds \(data.count) bytes, but the archive declares \(declared)")
        }
        guard checksum == entry.checksum else {
            throw ctx.error("the member is corrupt (CRC32 mismatch)")
        }
        return data
    }

    /// Writes the tensors as `<name>.npy` members; `compressed` deflates them like `savez_compressed`.
    public static func write(_ tensors: [(String, Tensor)], path: String, compressed: Bool = false) throws {
        let ctx = FileContext(file: path)
        var seen = Set<String>()
        for (name, _) in tensors where !seen.insert(name).inserted {
            throw ctx.with(tensor: name).error("the name is used twice")
        }
        // Build next to the destination, then move into place, so a failure leaves no half archive.
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            let archive = try Archive(url: temporary, accessMode: .create)
            for (name, t) in tensors {
                let member = NPY.encode(t)
                try archive.addEntry(
                    with: name + ".npy", type: .file, uncompressedSize: Int64(member.count),
                    compressionMethod: compressed ? .deflate : .none
                ) { position, size in
                    let start = Int(position)
                    return member.subdata(in: start..<min(start + size, member.count))
                }
            }
        } catch {
            throw ctx.error("cannot write the archive: \(error)")
        }
        // rename(2) replaces the destination atomically.
        guard rename(temporary.path, url.path) == 0 else {
            throw ctx.error("cannot write the archive: \(String(cString: strerror(errno)))")
        }
    }
}
