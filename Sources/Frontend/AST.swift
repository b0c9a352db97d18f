import IR

/// A parsed `.seq` model, before names and shapes are checked.
public struct ModelDecl: Sendable {
    public var name: String
    public var parameters: [ModelParameterDecl]
    public var statements: [Statement]
    public var location: SourceLocation
    /// The source text, so lowering errors can show the offending line.
    var source: SourceText
}

/// A model parameter in the header, `d_state = 16`, overridable from the CLI and the API.
public struct ModelParameterDecl: Sendable {
    public var name: String
    public var defaultValue: ParameterValue
    public var location: SourceLocation
}

/// The value of a model parameter.
public enum ParameterValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case bool(Bool)

    public var description: String {
        switch self {
        case .int(let n): return String(n)
        case .float(let x): return String(x)
        case .bool(let b): return String(b)
        }
    }
}

/// One statement of a model body.
public enum Statement: Sendable {
    /// `input u: f32[B, dim, L]`
    case input(name: String, type: TypeExpr, location: SourceLocation)
    /// `param in_proj.weight: f32[2*d_inner, d_model]`
    case param(name: String, type: TypeExpr, location: SourceLocation)
    /// `let x = e` or `let (a, b) = e`
    case `let`(names: [String], value: Expr, location: SourceLocation)
    /// `output y = e`, or `output y` for an existing binding.
    case output(name: String, value: Expr?, location: SourceLocation)
}

/// A tensor type as written: `f32[B, 2*d_inner, L]`.
public struct TypeExpr: Sendable {
    public var dtype: String
    public var dims: [Expr]
    public var location: SourceLocation
}

/// An expression. Dims and values share the syntax; lowering decides what each name means.
public indirect enum Expr: Sendable {
    case name(String, SourceLocation)
    case integer(Int, SourceLocation)
    case float(Double, SourceLocation)
    case bool(Bool, SourceLocation)
    /// `[a, b, c]`: axis lists and shapes.
    case list([Expr], SourceLocation)
    case negate(Expr, SourceLocation)
    /// `a + b`, `a - b`, `a * b`, `a / b`, `a @ b`; the location is the operator's.
    case binary(String, Expr, Expr, SourceLocation)
    /// `f(x, y, axis: -1)`
    case call(String, [Argument], SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .name(_, let l), .integer(_, let l), .float(_, let l), .bool(_, let l), .list(_, let l),
            .negate(_, let l), .binary(_, _, _, let l), .call(_, _, let l):
            return l
        }
    }
}

/// A call argument, positional or with a label (`axis: -1`).
public struct Argument: Sendable {
    public var label: String?
    public var value: Expr
    public var location: SourceLocation
}
