import IR

/// An error in a `.seq` program: where it is, what was expected, and the source line to show.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// The full source line the location points into (without its newline), for the caret display.
    public var sourceLine: String?

    public init(_ message: String, at location: SourceLocation, sourceLine: String? = nil) {
        self.message = message
        self.location = location
        self.sourceLine = sourceLine
    }

    /// Rendered like swiftc:
    ///
    ///     model.seq:12:5: error: unknown name 'x'
    ///       let y = x + 1
    ///               ^
    public var description: String {
        var s = "\(location): error: \(message)"
        if let line = sourceLine {
            s += "\n  " + line + "\n  " + caretPadding(line) + "^"
        }
        return s
    }

    /// Spaces up to the column, keeping tabs so the caret lines up.
    private func caretPadding(_ line: String) -> String {
        var pad = ""
        for (i, c) in line.enumerated() where i < location.column - 1 {
            pad.append(c == "\t" ? "\t" : " ")
        }
        return pad
    }
}

/// The text of a source file split into lines, to attach the offending line to a diagnostic.
struct SourceText: Sendable {
    let file: String
    let lines: [Substring]

    init(file: String, text: String) {
        self.file = file
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func diagnostic(_ message: String, at loc: SourceLocation) -> Diagnostic {
        let line = loc.line >= 1 && loc.line <= lines.count ? String(lines[loc.line - 1]) : nil
        return Diagnostic(message, at: loc, sourceLine: line.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 })
    }
}
