/// The Python literals a .npy header is written in: numpy writes `repr()` of a dict and reads
/// it back with `ast.literal_eval`, so we parse that small subset instead of pattern-matching text.
indirect enum PyLiteral: Sendable, CustomStringConvertible {
    case string(String)
    case bool(Bool)
    case none
    /// An integer; `nil` when it does not fit in `Int`.
    case int(Int?)
    case float(String)
    case tuple([PyLiteral])
    case list([PyLiteral])
    case dict([(key: PyLiteral, value: PyLiteral)])

    /// Python-style text, for error messages.
    var description: String {
        switch self {
        case .string(let s): return "'\(s)'"
        case .bool(let b): return b ? "True" : "False"
        case .none: return "None"
        case .int(let i): return i.map(String.init) ?? "<huge int>"
        case .float(let f): return f
        case .tuple(let items):
            return items.count == 1 ? "(\(items[0]),)" : "(" + items.map(\.description).joined(separator: ", ") + ")"
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .dict(let pairs): return "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    struct ParseError: Error { var message: String }

    /// Parses one literal that must fill `text` (surrounding whitespace allowed).
    static func parse(_ text: String) throws(ParseError) -> PyLiteral {
        var parser = Parser(chars: Array(text.unicodeScalars))
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.pos == parser.chars.count else { throw parser.fail("unexpected text after the literal") }
        return value
    }

    private struct Parser {
        let chars: [Unicode.Scalar]
        var pos = 0
        /// Deep nesting only comes from hostile files; refuse it rather than risk the stack.
        static let maxDepth = 64

        func fail(_ message: String) -> ParseError {
            ParseError(message: "\(message) at character \(pos)")
        }

        var peek: Unicode.Scalar? { pos < chars.count ? chars[pos] : nil }

        mutating func skipSpace() {
            while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { pos += 1 }
        }

        mutating func value(depth: Int) throws(ParseError) -> PyLiteral {
            guard depth < Self.maxDepth else { throw fail("literal nested too deeply") }
            skipSpace()
            guard let c = peek else { throw fail("unexpected end of header") }
            switch c {
            case "{": return try dict(depth: depth)
            case "(":
                let (items, sawComma) = try sequence(open: "(", close: ")", depth: depth)
                // `(x)` is just x in Python; only `(x,)` is a one-element tuple.
                if items.count == 1 && !sawComma { return items[0] }
                return .tuple(items)
            case "[": return .list(try sequence(open: "[", close: "]", depth: depth).items)
            case "'", "\"": return .string(try string())
            default:
                if c == "-" || c == "+" || c == "." || ("0"..."9").contains(c) { return try number() }
                let word = identifier()
                switch word {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .none
                case "": throw fail("unexpected character '\(c)'")
                default: throw fail("unexpected name '\(word)'")
                }
            }
        }

        mutating func identifier() -> String {
            var s = ""
            while let c = peek, c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c) {
                s.unicodeScalars.append(c)
                pos += 1
            }
            return s
        }

        mutating func number() throws(ParseError) -> PyLiteral {
            var text = ""
            if let c = peek, c == "-" || c == "+" { text.unicodeScalars.append(c); pos += 1 }
            var isFloat = false
            while let c = peek, ("0"..."9").contains(c) || c == "." || c == "e" || c == "E" || c == "_"
                || ((c == "-" || c == "+") && (text.last == "e" || text.last == "E")) {
                if c == "." || c == "e" || c == "E" { isFloat = true }
                if c != "_" { text.unicodeScalars.append(c) }
                pos += 1
            }
            // Python 2 wrote long integers as `3L`.
            if !isFloat, let c = peek, c == "L" || c == "l" { pos += 1 }
            let digits = text.drop(while: { $0 == "-" || $0 == "+" })
            guard !digits.isEmpty, digits.first != "." || digits.count > 1 else { throw fail("malformed number") }
            if isFloat { return .float(text) }
            return .int(Int(text.hasPrefix("+") ? String(text.dropFirst()) : text))
        }

        mutating func string() throws(ParseError) -> String {
            let quote = chars[pos]
            pos += 1
            var s = ""
            while true {
                guard let c = peek else { throw fail("unterminated string") }
                pos += 1
                if c == quote { return s }
                if c == "\\" {
                    guard let e = peek else { throw fail("unterminated string") }
                    pos += 1
                    switch e {
                    case "n": s += "\n"
                    case "t": s += "\t"
                    case "r": s += "\r"
                    case "0": s += "\0"
                    default: s.unicodeScalars.append(e)  // \\ \' \" and anything else: the character itself
                    }
                } else {
                    s.unicodeScalars.append(c)
                }
            }
        }

        /// Comma-separated values up to `close`; a trailing comma is allowed.
        mutating func sequence(open: Unicode.Scalar, close: Unicode.Scalar, depth: Int)
            throws(ParseError) -> (items: [PyLiteral], sawComma: Bool)
        {
            pos += 1  // open
            var items: [PyLiteral] = []
            var sawComma = false
            while true {
                skipSpace()
                if peek == close { pos += 1; return (items, sawComma) }
                if !items.isEmpty {
                    guard peek == "," else { throw fail("expected ',' or '\(close)'") }
                    pos += 1
                    sawComma = true
                    skipSpace()
                    if peek == close { pos += 1; return (items, sawComma) }
                }
                items.append(try value(depth: depth + 1))
            }
        }

        mutating func dict(depth: Int) throws(ParseError) -> PyLiteral {
            pos += 1  // {
            var pairs: [(key: PyLiteral, value: PyLiteral)] = []
            while true {
                skipSpace()
                if peek == "}" { pos += 1; return .dict(pairs) }
                if !pairs.isEmpty {
                    guard peek == "," else { throw fail("expected ',' or '}'") }
                    pos += 1
                    skipSpace()
                    if peek == "}" { pos += 1; return .dict(pairs) }
                }
                let key = try value(depth: depth + 1)
                skipSpace()
                guard peek == ":" else { throw fail("expected ':' after a dict key") }
                pos += 1
                pairs.append((key, try value(depth: depth + 1)))
            }
        }
    }
}
