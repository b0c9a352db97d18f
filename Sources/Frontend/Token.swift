import IR

/// The kinds of token in `.seq` source.
enum TokenKind: Equatable, Sendable {
    /// An identifier, possibly dotted like a checkpoint name: `x`, `in_proj.weight`, `layers.0.norm`.
    case name(String)
    case integer(Int)
    case float(Double)
    case string(String)
    /// Punctuation and operators: `( ) [ ] { } , : = + - * / % @ -> ..< == != < <= > >= && || ! |`.
    case symbol(String)
    case keyword(Keyword)
    case end
}

enum Keyword: String, Sendable, CaseIterable {
    case model, input, param, `let`, `var`, output, block, `return`, `if`, `else`, `for`, `in`, scope, include
    case `true`, `false`
}

struct Token: Equatable, Sendable {
    var kind: TokenKind
    var location: SourceLocation

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .name(let n): return "'\(n)'"
        case .integer(let n): return "'\(n)'"
        case .float(let x): return "'\(x)'"
        case .string(let s): return "\"\(s)\""
        case .symbol(let s): return "'\(s)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .end: return "end of file"
        }
    }
}
