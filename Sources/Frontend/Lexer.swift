import IR

/// Splits `.seq` source into tokens. `//` starts a comment to the end of the line.
struct Lexer {
    private let chars: [Character]
    private let source: SourceText
    private var pos = 0
    private var line = 1
    private var column = 1

    init(_ source: SourceText, text: String, line: Int = 1, column: Int = 1) {
        self.chars = Array(text)
        self.source = source
        self.line = line
        self.column = column
    }

    /// Longest first, so `..<` wins over `.` and `==` over `=`.
    static let symbols: [String] = [
        "..<", "->", "==", "!=", "<=", ">=", "&&", "||",
        "(", ")", "[", "]", "{", "}", ",", ":", "=", "+", "-", "*", "/", "%", "@", "<", ">", "!", "|",
    ]

    mutating func tokenize() throws(Diagnostic) -> [Token] {
        var out: [Token] = []
        while true {
            skipSpaceAndComments()
            let loc = SourceLocation(file: source.file, line: line, column: column)
            guard pos < chars.count else {
                out.append(Token(kind: .end, location: loc))
                return out
            }
            let c = chars[pos]
            if c.isLetter || c == "_" {
                out.append(Token(kind: lexName(), location: loc))
            } else if c.isASCII && c.isNumber {
                out.append(Token(kind: try lexNumber(loc), location: loc))
            } else if c == "\"" {
                out.append(Token(kind: try lexString(loc), location: loc))
            } else if let s = Self.symbols.first(where: { matches($0) }) {
                for _ in s { advance() }
                out.append(Token(kind: .symbol(s), location: loc))
            } else {
                throw source.diagnostic("unexpected character '\(c)'", at: loc)
            }
        }
    }

    private func matches(_ s: String) -> Bool {
        var i = pos
        for ch in s {
            guard i < chars.count, chars[i] == ch else { return false }
            i += 1
        }
        return true
    }

    private mutating func advance() {
        if chars[pos] == "\n" { line += 1; column = 1 } else { column += 1 }
        pos += 1
    }

    private mutating func skipSpaceAndComments() {
        while pos < chars.count {
            if chars[pos].isWhitespace {
                advance()
            } else if matches("//") {
                while pos < chars.count && chars[pos] != "\n" { advance() }
            } else {
                return
            }
        }
    }

    private func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// name := letter (letter | digit | _)* ('.' (letter | digit | _)+)*
    private mutating func lexName() -> TokenKind {
        var s = ""
        while pos < chars.count {
            let c = chars[pos]
            if isNameChar(c) {
                s.append(c)
                advance()
            } else if c == ".", pos + 1 < chars.count, isNameChar(chars[pos + 1]) {
                s.append(c)
                advance()
            } else {
                break
            }
        }
        if let k = Keyword(rawValue: s) { return .keyword(k) }
        return .name(s)
    }

    /// number := digits ('.' digits)? ([eE] [+-]? digits)?
    private mutating func lexNumber(_ loc: SourceLocation) throws(Diagnostic) -> TokenKind {
        var s = ""
        var isFloat = false
        func digits() {
            while pos < chars.count, chars[pos].isASCII, chars[pos].isNumber || chars[pos] == "_" {
                if chars[pos] != "_" { s.append(chars[pos]) }
                advance()
            }
        }
        digits()
        if pos + 1 < chars.count, chars[pos] == ".", chars[pos + 1].isASCII, chars[pos + 1].isNumber {
            isFloat = true
            s.append(".")
            advance()
            digits()
        }
        if pos < chars.count, chars[pos] == "e" || chars[pos] == "E" {
            var look = pos + 1
            if look < chars.count, chars[look] == "+" || chars[look] == "-" { look += 1 }
            if look < chars.count, chars[look].isASCII, chars[look].isNumber {
                isFloat = true
                s.append("e")
                advance()
                if chars[pos] == "+" || chars[pos] == "-" { s.append(chars[pos]); advance() }
                digits()
            }
        }
        if isFloat {
            guard let x = Double(s) else { throw source.diagnostic("malformed number '\(s)'", at: loc) }
            return .float(x)
        }
        guard let n = Int(s) else { throw source.diagnostic("integer '\(s)' is too large", at: loc) }
        return .integer(n)
    }

    private mutating func lexString(_ loc: SourceLocation) throws(Diagnostic) -> TokenKind {
        advance()
        var s = ""
        var depth = 0
        while pos < chars.count, chars[pos] != "\"" || depth > 0 {
            if chars[pos] == "\n" { break }
            // Inside `\( … )` parentheses nest, and a quote does not end the string.
            if chars[pos] == "\\", pos + 1 < chars.count, chars[pos + 1] == "(" {
                s.append(chars[pos])
                advance()
                depth += 1
            } else if depth > 0 && chars[pos] == "(" {
                depth += 1
            } else if depth > 0 && chars[pos] == ")" {
                depth -= 1
            }
            s.append(chars[pos])
            advance()
        }
        guard pos < chars.count, chars[pos] == "\"" else {
            throw source.diagnostic("unterminated string literal", at: loc)
        }
        advance()
        return .string(s)
    }
}
