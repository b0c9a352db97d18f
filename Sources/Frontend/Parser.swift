import IR

/// Parses `.seq` source into a `ModelDecl`. Each function carries its grammar production.
public func parseModel(_ text: String, file: String) throws(Diagnostic) -> ModelDecl {
    let source = SourceText(file: file, text: text)
    var lexer = Lexer(source, text: text)
    var parser = Parser(tokens: try lexer.tokenize(), source: source)
    return try parser.model()
}

struct Parser {
    let tokens: [Token]
    let source: SourceText
    var pos = 0

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

    mutating func expect(_ s: String, _ context: String) throws(Diagnostic) {
        guard accept(s) else { throw error("expected '\(s)' \(context), found \(current.display)") }
    }

    mutating func expectKeyword(_ k: Keyword, _ context: String) throws(Diagnostic) {
        guard current.kind == .keyword(k) else {
            throw error("expected '\(k.rawValue)' \(context), found \(current.display)")
        }
        pos += 1
    }

    mutating func name(_ context: String) throws(Diagnostic) -> String {
        guard case .name(let n) = current.kind else {
            throw error("expected a name \(context), found \(current.display)")
        }
        pos += 1
        return n
    }

    /// model := 'model' NAME ('(' param (',' param)* ')')? '{' statement* '}'
    mutating func model() throws(Diagnostic) -> ModelDecl {
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
        while !accept("}") {
            if current.kind == .end { throw error("expected '}' to close model '\(name)', found end of file") }
            statements.append(try statement())
        }
        guard current.kind == .end else { throw error("unexpected \(current.display) after the model") }
        return ModelDecl(name: name, parameters: params, statements: statements, location: loc, source: source)
    }

    /// param := NAME '=' ('-')? (INTEGER | FLOAT | 'true' | 'false')
    mutating func modelParameter() throws(Diagnostic) -> ModelParameterDecl {
        let loc = current.location
        let n = try name("for a model parameter")
        try expect("=", "after model parameter '\(n)' (every parameter needs a default)")
        let negative = accept("-")
        let t = next()
        let value: ParameterValue
        switch t.kind {
        case .integer(let x): value = .int(negative ? -x : x)
        case .float(let x): value = .float(negative ? -x : x)
        case .keyword(.true) where !negative: value = .bool(true)
        case .keyword(.false) where !negative: value = .bool(false)
        default: throw error("expected a number or true/false as the default of '\(n)', found \(t.display)", at: t.location)
        }
        return ModelParameterDecl(name: n, defaultValue: value, location: loc)
    }

    /// statement := 'input' NAME ':' type | 'param' NAME ':' type
    ///            | 'let' (NAME | '(' NAME (',' NAME)* ')') '=' expr | 'output' NAME ('=' expr)?
    mutating func statement() throws(Diagnostic) -> Statement {
        let loc = current.location
        guard case .keyword(let k) = current.kind else {
            throw error("expected a statement (input, param, let, output), found \(current.display)")
        }
        pos += 1
        switch k {
        case .input, .param:
            let n = try name("after '\(k.rawValue)'")
            try expect(":", "and a type after '\(n)'")
            let t = try type()
            return k == .input ? .input(name: n, type: t, location: loc) : .param(name: n, type: t, location: loc)
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
        case .output:
            let n = try name("after 'output'")
            let value: Expr? = accept("=") ? try expr() : nil
            return .output(name: n, value: value, location: loc)
        default:
            throw error("expected a statement (input, param, let, output), found \(Token(kind: .keyword(k), location: loc).display)", at: loc)
        }
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

    /// expr := term (('+' | '-') term)*
    mutating func expr() throws(Diagnostic) -> Expr {
        var lhs = try term()
        while case .symbol(let s) = current.kind, s == "+" || s == "-" {
            let loc = next().location
            lhs = .binary(s, lhs, try term(), loc)
        }
        return lhs
    }

    /// term := unary (('*' | '/' | '@') unary)*
    mutating func term() throws(Diagnostic) -> Expr {
        var lhs = try unary()
        while case .symbol(let s) = current.kind, s == "*" || s == "/" || s == "@" {
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

    /// primary := INTEGER | FLOAT | 'true' | 'false' | NAME | NAME '(' arguments ')' | '(' expr ')'
    ///          | '[' (expr (',' expr)*)? ']'
    mutating func primary() throws(Diagnostic) -> Expr {
        let t = current
        switch t.kind {
        case .integer(let n): pos += 1; return .integer(n, t.location)
        case .float(let x): pos += 1; return .float(x, t.location)
        case .keyword(.true): pos += 1; return .bool(true, t.location)
        case .keyword(.false): pos += 1; return .bool(false, t.location)
        case .name(let n):
            pos += 1
            if accept("(") { return .call(n, try arguments(n), t.location) }
            return .name(n, t.location)
        case .symbol("("):
            pos += 1
            let e = try expr()
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

    /// arguments := (argument (',' argument)*)? ')' ;  argument := (NAME ':')? expr
    mutating func arguments(_ callee: String) throws(Diagnostic) -> [Argument] {
        var args: [Argument] = []
        if accept(")") { return args }
        repeat {
            let loc = current.location
            var label: String?
            if case .name(let n) = current.kind, tokens[pos + 1].kind == .symbol(":") {
                label = n
                pos += 2
            }
            args.append(Argument(label: label, value: try expr(), location: loc))
        } while accept(",")
        try expect(")", "to close the arguments of '\(callee)'")
        return args
    }
}
