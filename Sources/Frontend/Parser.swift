import Foundation
import IR

/// Reads an included file's text, given the path as written and the including file; nil if it cannot be read.
public typealias IncludeLoader = @Sendable (_ path: String, _ from: String) -> (file: String, text: String)?

/// Reads included files from disk, relative to the including file's folder.
public let fileIncludeLoader: IncludeLoader = { path, from in
    let base = URL(fileURLWithPath: from).deletingLastPathComponent()
    let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
    let shown = path.hasPrefix("/") ? path : (from.contains("/") ? base.relativePath + "/" + path : path)
    return (shown, text)
}

/// Parses `.seq` source into a `ModelDecl`, reading `include`d files through `loader`.
public func parseModel(_ text: String, file: String, loader: IncludeLoader = fileIncludeLoader) throws(Diagnostic) -> ModelDecl {
    let source = SourceText(file: file, text: text)
    var lexer = Lexer(source, text: text)
    var parser = Parser(tokens: try lexer.tokenize(), source: source)
    var model = try parser.model()
    model.sources[file] = source
    var seen: Set<String> = [file]
    for (path, loc) in parser.includes {
        guard let (shown, includedText) = loader(path, file) else {
            throw source.diagnostic("cannot read included file '\(path)'", at: loc)
        }
        guard seen.insert(shown).inserted else { continue }
        let includedSource = SourceText(file: shown, text: includedText)
        var l = Lexer(includedSource, text: includedText)
        var p = Parser(tokens: try l.tokenize(), source: includedSource)
        model.blocks += try p.blockFile()
        model.sources[shown] = includedSource
    }
    return model
}

struct Parser {
    let tokens: [Token]
    let source: SourceText
    var pos = 0
    /// `include "file.seq"` lines seen, in order.
    var includes: [(String, SourceLocation)] = []

    init(tokens: [Token], source: SourceText) {
        self.tokens = tokens
        self.source = source
    }

    var current: Token { tokens[pos] }

    mutating func next() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    func error(_ message: String, at loc: SourceLocation? = nil) -> Diagnostic {
        source.diagnostic(message, at: loc ?? current.location)
    }

    mutating func accept(_ s: String) -> Bool {
        if current.kind == .symbol(s) { pos += 1; return true }
        return false
    }

    mutating func acceptKeyword(_ k: Keyword) -> Bool {
        if current.kind == .keyword(k) { pos += 1; return true }
        return false
    }

    mutating func expect(_ s: String, _ context: String) throws(Diagnostic) {
        guard accept(s) else { throw error("expected '\(s)' \(context), found \(current.display)") }
    }

    mutating func expectKeyword(_ k: Keyword, _ context: String) throws(Diagnostic) {
        guard acceptKeyword(k) else { throw error("expected '\(k.rawValue)' \(context), found \(current.display)") }
    }

    mutating func name(_ context: String) throws(Diagnostic) -> String {
        guard case .name(let n) = current.kind else {
            throw error("expected a name \(context), found \(current.display)")
        }
        pos += 1
        return n
    }

    /// model := include* 'model' NAME ('(' param (',' param)* ')')? '{' (block | include | statement)* '}'
    mutating func model() throws(Diagnostic) -> ModelDecl {
        try includeLines()
        let loc = current.location
        try expectKeyword(.model, "at the start of the file")
        let name = try name("after 'model'")
        var params: [ModelParameterDecl] = []
        if accept("(") {
            if !accept(")") {
                repeat { params.append(try modelParameter()) } while accept(",")
                try expect(")", "to close the model parameters")
            }
        }
        try expect("{", "to open the model body")
        var statements: [Statement] = []
        var blocks: [BlockDecl] = []
        while !accept("}") {
            if current.kind == .end { throw error("expected '}' to close model '\(name)', found end of file") }
            if current.kind == .keyword(.block) {
                blocks.append(try block())
            } else if current.kind == .keyword(.include) {
                try includeLines()
            } else {
                statements.append(try statement())
            }
        }
        guard current.kind == .end else { throw error("unexpected \(current.display) after the model") }
        return ModelDecl(name: name, parameters: params, blocks: blocks, statements: statements, location: loc, sources: [:])
    }

    /// include := 'include' STRING
    mutating func includeLines() throws(Diagnostic) {
        while current.kind == .keyword(.include) {
            pos += 1
            let t = next()
            guard case .string(let path) = t.kind else {
                throw error("expected a file name in quotes after 'include', found \(t.display)", at: t.location)
            }
            includes.append((path, t.location))
        }
    }

    /// blockFile := block*   (an included file holds only blocks)
    mutating func blockFile() throws(Diagnostic) -> [BlockDecl] {
        var blocks: [BlockDecl] = []
        while current.kind != .end {
            guard current.kind == .keyword(.block) else {
                throw error("an included file may hold only blocks; found \(current.display)")
            }
            blocks.append(try block())
        }
        return blocks
    }

    /// param := NAME '=' literal ('|' literal)*   — alternatives make an enumeration of strings
    mutating func modelParameter() throws(Diagnostic) -> ModelParameterDecl {
        let loc = current.location
        let n = try name("for a model parameter")
        try expect("=", "after model parameter '\(n)' (every parameter needs a default)")
        let value = try literal(for: n)
        var alternatives: [String]?
        if case .string(let first) = value {
            alternatives = [first]
            while accept("|") {
                let t = current
                guard case .string(let s) = try literal(for: n) else {
                    throw error("the alternatives of '\(n)' must all be strings", at: t.location)
                }
                alternatives!.append(s)
            }
        }
        return ModelParameterDecl(name: n, defaultValue: value, alternatives: alternatives, location: loc)
    }

    /// literal := ('-')? (INTEGER | FLOAT) | 'true' | 'false' | STRING
    mutating func literal(for n: String) throws(Diagnostic) -> ParameterValue {
        let negative = accept("-")
        let t = next()
        switch t.kind {
        case .integer(let x): return .int(negative ? -x : x)
        case .float(let x): return .float(negative ? -x : x)
        case .keyword(.true) where !negative: return .bool(true)
        case .keyword(.false) where !negative: return .bool(false)
        case .string(let s) where !negative && !s.contains("\\("): return .string(s)
        default: throw error("expected a number, true/false or a string as the default of '\(n)', found \(t.display)", at: t.location)
        }
    }

    /// block := 'block' NAME '(' (blockArg (',' blockArg)*)? ')' ('->' type)? '{' statement* '}'
    /// blockArg := NAME ':' type | NAME '=' expr
    mutating func block() throws(Diagnostic) -> BlockDecl {
        let loc = current.location
        try expectKeyword(.block, "")
        let name = try name("after 'block'")
        try expect("(", "to open the arguments of block '\(name)'")
        var args: [BlockArgument] = []
        if !accept(")") {
            repeat {
                let aloc = current.location
                let a = try self.name("for a block argument")
                if accept(":") {
                    args.append(BlockArgument(name: a, type: try type(), defaultValue: nil, location: aloc))
                } else if accept("=") {
                    args.append(BlockArgument(name: a, type: nil, defaultValue: try expr(), location: aloc))
                } else {
                    throw error("expected ':' and a type, or '=' and a default, after block argument '\(a)'")
                }
            } while accept(",")
            try expect(")", "to close the arguments of block '\(name)'")
        }
        if accept("->") {
            // The result type is documentation for the reader; the body's return is checked against nothing else.
            if accept("(") {
                repeat { _ = try type() } while accept(",")
                try expect(")", "to close the result types")
            } else {
                _ = try type()
            }
        }
        return BlockDecl(name: name, arguments: args, body: try body("block '\(name)'"), location: loc)
    }

    /// body := '{' statement* '}'
    mutating func body(_ what: String) throws(Diagnostic) -> [Statement] {
        try expect("{", "to open the body of \(what)")
        var out: [Statement] = []
        while !accept("}") {
            if current.kind == .end { throw error("expected '}' to close \(what), found end of file") }
            out.append(try statement())
        }
        return out
    }

    /// statement := 'input' NAME ':' type ('if' expr)? | 'param' NAME ':' type ('if' expr)?
    ///            | 'let' (NAME | '(' NAME (',' NAME)* ')') '=' expr | 'var' NAME '=' expr | NAME '=' expr
    ///            | 'output' NAME ('=' expr)? | 'return' expr
    ///            | 'if' expr body ('else' (if-statement | body))?
    ///            | 'for' NAME 'in' expr '..<' expr ('scope' STRING)? body
    mutating func statement() throws(Diagnostic) -> Statement {
        let loc = current.location
        if case .name(let n) = current.kind, tokens[pos + 1].kind == .symbol("=") {
            pos += 2
            return .assign(name: n, value: try expr(), location: loc)
        }
        guard case .keyword(let k) = current.kind else {
            throw error("expected a statement (input, param, let, var, output, if, for, return or an assignment), found \(current.display)")
        }
        pos += 1
        switch k {
        case .input:
            let n = try name("after 'input'")
            try expect(":", "and a type after '\(n)'")
            let t = try type()
            return .input(name: n, type: t, condition: try declarationCondition(), location: loc)
        case .param:
            let n = try name("after 'param'")
            try expect(":", "and a type after '\(n)'")
            let t = try type()
            return .param(name: n, type: t, condition: try declarationCondition(), location: loc)
        case .let:
            var names: [String] = []
            if accept("(") {
                repeat { names.append(try name("in the tuple pattern")) } while accept(",")
                try expect(")", "to close the tuple pattern")
            } else {
                names.append(try name("after 'let'"))
            }
            try expect("=", "after the names bound by 'let'")
            return .let(names: names, value: try expr(), location: loc)
        case .var:
            let n = try name("after 'var'")
            try expect("=", "after 'var \(n)'")
            return .var(name: n, value: try expr(), location: loc)
        case .output:
            let n = try name("after 'output'")
            let value: Expr? = accept("=") ? try expr() : nil
            return .output(name: n, value: value, location: loc)
        case .return:
            return .return(value: try expr(), location: loc)
        case .if:
            return try ifRest(loc)
        case .for:
            let v = try name("after 'for'")
            try expectKeyword(.in, "after 'for \(v)'")
            let lower = try additive()
            try expect("..<", "in the range of 'for \(v)' (write 0..<n)")
            let upper = try additive()
            let scope: Expr? = acceptKeyword(.scope) ? try primary() : nil
            return .for(variable: v, lower: lower, upper: upper, scope: scope, body: try body("the 'for' loop"), location: loc)
        default:
            throw error("expected a statement, found '\(k.rawValue)'", at: loc)
        }
    }

    /// The `if COND` of a conditional `input`/`param`. It must start on the declaration's line: an `if` on the next
    /// line begins an if-statement.
    mutating func declarationCondition() throws(Diagnostic) -> Expr? {
        guard current.kind == .keyword(.if), current.location.line == tokens[pos - 1].location.line else { return nil }
        pos += 1
        return try expr()
    }

    /// The rest of `if cond { … } else …` after the keyword.
    mutating func ifRest(_ loc: SourceLocation) throws(Diagnostic) -> Statement {
        let condition = try expr()
        let thenBody = try body("the 'if'")
        var elseBody: [Statement]?
        if acceptKeyword(.else) {
            if current.kind == .keyword(.if) {
                let l = next().location
                elseBody = [try ifRest(l)]
            } else {
                elseBody = try body("the 'else'")
            }
        }
        return .if(condition: condition, then: thenBody, else: elseBody, location: loc)
    }

    /// type := NAME '[' (expr (',' expr)*)? ']'
    mutating func type() throws(Diagnostic) -> TypeExpr {
        let loc = current.location
        let d = try name("for a dtype (f32, f64, i32, i64, bool)")
        try expect("[", "after dtype '\(d)' (a shape like [B, L, 16])")
        var dims: [Expr] = []
        if !accept("]") {
            repeat { dims.append(try expr()) } while accept(",")
            try expect("]", "to close the shape")
        }
        return TypeExpr(dtype: d, dims: dims, location: loc)
    }

    /// expr := and ('||' and)*
    mutating func expr() throws(Diagnostic) -> Expr {
        var lhs = try conjunction()
        while current.kind == .symbol("||") {
            let loc = next().location
            lhs = .binary("||", lhs, try conjunction(), loc)
        }
        return lhs
    }

    /// and := not ('&&' not)*
    mutating func conjunction() throws(Diagnostic) -> Expr {
        var lhs = try negation()
        while current.kind == .symbol("&&") {
            let loc = next().location
            lhs = .binary("&&", lhs, try negation(), loc)
        }
        return lhs
    }

    /// not := '!' not | comparison
    mutating func negation() throws(Diagnostic) -> Expr {
        if current.kind == .symbol("!") {
            let loc = next().location
            return .not(try negation(), loc)
        }
        return try comparison()
    }

    /// comparison := additive (('==' | '!=' | '<' | '<=' | '>' | '>=') additive)?
    mutating func comparison() throws(Diagnostic) -> Expr {
        let lhs = try additive()
        if case .symbol(let s) = current.kind, ["==", "!=", "<", "<=", ">", ">="].contains(s) {
            let loc = next().location
            return .binary(s, lhs, try additive(), loc)
        }
        return lhs
    }

    /// additive := term (('+' | '-') term)*
    mutating func additive() throws(Diagnostic) -> Expr {
        var lhs = try term()
        while case .symbol(let s) = current.kind, s == "+" || s == "-" {
            let loc = next().location
            lhs = .binary(s, lhs, try term(), loc)
        }
        return lhs
    }

    /// term := unary (('*' | '/' | '%' | '@') unary)*
    mutating func term() throws(Diagnostic) -> Expr {
        var lhs = try unary()
        while case .symbol(let s) = current.kind, s == "*" || s == "/" || s == "%" || s == "@" {
            let loc = next().location
            lhs = .binary(s, lhs, try unary(), loc)
        }
        return lhs
    }

    /// unary := '-' unary | primary
    mutating func unary() throws(Diagnostic) -> Expr {
        if current.kind == .symbol("-") {
            let loc = next().location
            return .negate(try unary(), loc)
        }
        return try primary()
    }

    /// primary := INTEGER | FLOAT | 'true' | 'false' | STRING | NAME | call | '(' expr (',' expr)* ')' | '[' exprs ']'
    /// call := NAME '(' arguments ')' ('scope' primary)?
    mutating func primary() throws(Diagnostic) -> Expr {
        let t = current
        switch t.kind {
        case .integer(let n): pos += 1; return .integer(n, t.location)
        case .float(let x): pos += 1; return .float(x, t.location)
        case .keyword(.true): pos += 1; return .bool(true, t.location)
        case .keyword(.false): pos += 1; return .bool(false, t.location)
        case .string(let s): pos += 1; return .string(try stringParts(s, t.location), t.location)
        case .name(let n):
            pos += 1
            if accept("(") {
                let args = try arguments(n)
                let scope: Expr? = acceptKeyword(.scope) ? try primary() : nil
                return .call(n, args, scope: scope, t.location)
            }
            return .name(n, t.location)
        case .symbol("("):
            pos += 1
            let e = try expr()
            if accept(",") {
                var items = [e]
                repeat { items.append(try expr()) } while accept(",")
                try expect(")", "to close the tuple")
                return .tuple(items, t.location)
            }
            try expect(")", "to close the parenthesis")
            return e
        case .symbol("["):
            pos += 1
            var items: [Expr] = []
            if !accept("]") {
                repeat { items.append(try expr()) } while accept(",")
                try expect("]", "to close the list")
            }
            return .list(items, t.location)
        default:
            throw error("expected an expression, found \(t.display)")
        }
    }

    /// Splits a string literal into text and `\(expr)` parts; each expression is parsed where it sits in the file.
    func stringParts(_ s: String, _ loc: SourceLocation) throws(Diagnostic) -> [StringPart] {
        var parts: [StringPart] = []
        let chars = Array(s)
        var text = ""
        var i = 0
        while i < chars.count {
            if chars[i] == "\\", i + 1 < chars.count, chars[i + 1] == "(" {
                if !text.isEmpty { parts.append(.text(text)); text = "" }
                var depth = 1, j = i + 2
                while j < chars.count, depth > 0 {
                    if chars[j] == "(" { depth += 1 } else if chars[j] == ")" { depth -= 1 }
                    j += 1
                }
                guard depth == 0 else { throw source.diagnostic("unterminated '\\(' in string", at: loc) }
                let inner = String(chars[(i + 2)..<(j - 1)])
                // +1 for the opening quote, +2 for `\(`.
                var lexer = Lexer(source, text: inner, line: loc.line, column: loc.column + 1 + i + 2)
                var p = Parser(tokens: try lexer.tokenize(), source: source)
                let e = try p.expr()
                guard p.current.kind == .end else { throw p.error("unexpected \(p.current.display) in '\\(…)'") }
                parts.append(.interpolation(e))
                i = j
            } else {
                text.append(chars[i])
                i += 1
            }
        }
        if !text.isEmpty || parts.isEmpty { parts.append(.text(text)) }
        return parts
    }

    /// arguments := (argument (',' argument)*)? ')' ;  argument := (NAME ':')? expr
    mutating func arguments(_ callee: String) throws(Diagnostic) -> [Argument] {
        var args: [Argument] = []
        if accept(")") { return args }
        repeat {
            let loc = current.location
            var label: String?
            // A label is a name or a keyword (`input:` in `semiseparable(…, input: b, …)`) followed by ':'.
            if pos + 1 < tokens.count, tokens[pos + 1].kind == .symbol(":") {
                if case .name(let n) = current.kind {
                    label = n
                    pos += 2
                } else if case .keyword(let k) = current.kind {
                    label = k.rawValue
                    pos += 2
                }
            }
            args.append(Argument(label: label, value: try expr(), location: loc))
        } while accept(",")
        try expect(")", "to close the arguments of '\(callee)'")
        return args
    }
}
