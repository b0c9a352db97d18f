import Foundation

/// The one error every TensorIO reader and writer throws.
///
/// The message always starts with the file (its path, or the name given for an in-memory read)
/// and, when one tensor is at fault, that tensor's name, so a user can find the problem.
public struct TensorFileError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The path (or in-memory name) of the file.
    public var file: String
    /// The tensor the problem is in, if it is in one.
    public var tensor: String?
    /// What is wrong, saying what was expected.
    public var message: String

    public init(file: String, tensor: String? = nil, _ message: String) {
        self.file = file
        self.tensor = tensor
        self.message = message
    }

    public var description: String {
        if let tensor { return "\(file): tensor '\(tensor)': \(message)" }
        return "\(file): \(message)"
    }

    public var errorDescription: String? { description }
}

/// Where in which file a problem is; readers pass one down so every error names its place.
struct FileContext: Sendable {
    var file: String
    var tensor: String?

    func error(_ message: String) -> TensorFileError {
        TensorFileError(file: file, tensor: tensor, message)
    }

    func with(tensor: String?) -> FileContext {
        FileContext(file: file, tensor: tensor)
    }
}
