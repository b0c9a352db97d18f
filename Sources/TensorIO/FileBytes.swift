import Foundation

/// Whole-file reads and writes that fail with a `TensorFileError` naming the path.
enum FileBytes {
    /// Fails with a clear message unless `path` is an existing regular file.
    static func checkReadable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TensorFileError(file: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw TensorFileError(file: path, "is a directory, not a file") }
    }

    /// Maps the file when Foundation deems it safe: readers copy the elements out at once, and
    /// mapping roughly halves the time and peak memory of loading a large checkpoint.
    static func read(_ path: String) throws -> Data {
        try checkReadable(path)
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw TensorFileError(file: path, "cannot read the file: \(error.localizedDescription)")
        }
    }

    /// Writes atomically (temporary file, then rename), so a failed write never leaves half a file.
    static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw TensorFileError(file: path, "cannot write the file: \(error.localizedDescription)")
        }
    }
}
