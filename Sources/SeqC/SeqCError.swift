import Codegen
import Frontend
import IR

/// Every error the library reports: one clear message that names the file and the place.
public struct SeqCError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// Set when the JIT has no lowering for an op yet (the interpreter can still run the model).
    public var unsupportedByJIT: String?

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// Wraps any error of the modules below into one message, prefixed with `context` when given.
    static func wrap(_ error: any Error, context: String? = nil) -> SeqCError {
        if let e = error as? SeqCError { return e }
        if let c = error as? CodegenError, let op = c.unsupportedOp {
            var e = SeqCError(context.map { "\($0): \(c.message)" } ?? c.message)
            e.unsupportedByJIT = op
            return e
        }
        let text: String
        switch error {
        case let d as Diagnostic: text = d.description
        case let b as BindingError: text = b.message
        case let v as VerifierError: text = v.description
        default: text = String(describing: error)
        }
        return SeqCError(context.map { "\($0): \(text)" } ?? text)
    }
}

/// Runs `body`, turning any error into a `SeqCError`.
func wrapping<T>(_ context: String? = nil, _ body: () throws -> T) throws(SeqCError) -> T {
    do {
        return try body()
    } catch {
        throw SeqCError.wrap(error, context: context)
    }
}
