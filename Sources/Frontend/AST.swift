import IR

/// A parsed `.seq` model, before names and shapes are checked.
public struct ModelDecl: Sendable {
    public var name: String
    public var parameters: [ModelParameterDecl]
    /// Blocks declared in the model and in the files it includes.
    public var blocks: [BlockDecl]
    public var statements: [Statement]
    public var location: SourceLocation
    /// The text of the model file and of every included file, by file name, so errors can show the line.
    var sources: [String: SourceText]
}

/// A model parameter in the header, overridable from the CLI and the API:
/// `d_state = 16`, `causal = true`, `disc = "zoh" | "bilinear"` (the first alternative is the default).
public struct ModelParameterDecl: Sendable {
    public var name: String
    public var defaultValue: ParameterValue
    /// For enumerations: the allowed strings.
    public var alternatives: [String]?
    public var location: SourceLocation
}

/// The value of a model parameter.
public enum ParameterValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case string(String)

    public var description: String {
        switch self {
        case .int(let n): return String(n)
        case .float(let x): return String(x)
        case .bool(let b): return String(b)
        case .string(let s): return "\"\(s)\""
        }
    }
}

/// A reusable block: `block Mixer(x: f32[B, L, d_model], expand = 2) { … return y }`.
public struct BlockDecl: Sendable {
    public var name: String
    public var arguments: [BlockArgument]
    public var body: [Statement]
    public var location: SourceLocation
}

/// A block argument: a tensor with a type (`x: f32[B, L, D]`), or a compile-time value with a default (`eps = 1e-5`).
public struct BlockArgument: Sendable {
    public var name: String
    public var type: TypeExpr?
    public var defaultValue: Expr?
    public var location: SourceLocation
}

/// One statement of a model or block body.
public indirect enum Statement: Sendable {
    /// `input u: f32[B, dim, L]` (model level only), optionally `if has_z`: when the condition is false the name is
    /// bound to `none` and no input is expected.
    case input(name: String, type: TypeExpr, condition: Expr?, location: SourceLocation)
    /// `param in_proj.weight: f32[2*d_inner, d_model]`, optionally `if conv_bias`: when the condition is false the
    /// name is bound to `none` and no weight is expected.
    case param(name: String, type: TypeExpr, condition: Expr?, location: SourceLocation)
    /// `let x = e` or `let (a, b) = e`
    case `let`(names: [String], value: Expr, location: SourceLocation)
    /// `var h = e`: a binding that later statements may assign.
    case `var`(name: String, value: Expr, location: SourceLocation)
    /// `h = e` for a `var` h.
    case assign(name: String, value: Expr, location: SourceLocation)
    /// `output y = e`, or `output y` for an existing binding (model level only).
    case output(name: String, value: Expr?, location: SourceLocation)
    /// `if cond { … } else { … }`, decided at compile time.
    case `if`(condition: Expr, then: [Statement], else: [Statement]?, location: SourceLocation)
    /// `for i in 0..<n scope "layers.\(i)" { … }`, unrolled at compile time; params inside get the scope's prefix.
    case `for`(variable: String, lower: Expr, upper: Expr, scope: Expr?, body: [Statement], location: SourceLocation)
    /// `return e` (block bodies only).
    case `return`(value: Expr, location: SourceLocation)
}

/// A tensor type as written: `f32[B, 2*d_inner, L]`.
public struct TypeExpr: Sendable {
    public var dtype: String
    public var dims: [Expr]
    public var location: SourceLocation
}

/// One piece of a string literal: text, or an interpolated `\(expr)`.
public enum StringPart: Sendable {
    case text(String)
    case interpolation(Expr)
}

/// An expression. Dims and values share the syntax; lowering decides what each name means.
public indirect enum Expr: Sendable {
    case name(String, SourceLocation)
    case integer(Int, SourceLocation)
    case float(Double, SourceLocation)
    case bool(Bool, SourceLocation)
    case string([StringPart], SourceLocation)
    /// `[a, b, c]`: axis lists and shapes.
    case list([Expr], SourceLocation)
    /// `(a, b)`: returned tuples.
    case tuple([Expr], SourceLocation)
    /// `-x`
    case negate(Expr, SourceLocation)
    /// `!c`
    case not(Expr, SourceLocation)
    /// `a + b`, `a @ b`, `a == b`, `a && b`, …; the location is the operator's.
    case binary(String, Expr, Expr, SourceLocation)
    /// `f(x, y, axis: -1)`, or a block call with an optional name scope: `Mixer(x) scope "mixer"`.
    case call(String, [Argument], scope: Expr?, SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .name(_, let l), .integer(_, let l), .float(_, let l), .bool(_, let l), .string(_, let l), .list(_, let l),
            .tuple(_, let l), .negate(_, let l), .not(_, let l), .binary(_, _, _, let l), .call(_, _, _, let l):
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
