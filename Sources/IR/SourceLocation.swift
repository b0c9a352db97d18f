/// A place in a source file: what diagnostics and verifier errors point at.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, the form compilers print.
    public var description: String { "\(file):\(line):\(column)" }
}
