/// An SSA value: defined once by one instruction, typed.
public struct Value: Hashable, Sendable, CustomStringConvertible {
    public let id: Int
    public let type: TensorType

    public init(id: Int, type: TensorType) {
        self.id = id
        self.type = type
    }

    /// `%12`
    public var description: String { "%\(id)" }
}

/// One operation applied to operands, defining its results.
public struct Instruction: Hashable, Sendable {
    public var results: [Value]
    public var op: Op
    public var operands: [Value]
    /// Where in the `.seq` source this came from, for error messages.
    public var location: SourceLocation?

    public init(results: [Value], op: Op, operands: [Value], location: SourceLocation? = nil) {
        self.results = results
        self.op = op
        self.operands = operands
        self.location = location
    }

    /// The single result of a one-result op.
    public var result: Value { results[0] }
}

/// A named result of a function.
public struct Output: Hashable, Sendable {
    public var name: String
    public var value: Value

    public init(name: String, value: Value) {
        self.name = name
        self.value = value
    }
}

/// A Graph IR function: a straight-line list of instructions in definition order, and named outputs.
/// Inputs and weights are `input` / `param` instructions inside the body.
public struct Function: Hashable, Sendable {
    public var name: String
    public var body: [Instruction]
    public var outputs: [Output]

    public init(name: String, body: [Instruction] = [], outputs: [Output] = []) {
        self.name = name
        self.body = body
        self.outputs = outputs
    }

    /// The model inputs in order: name and type.
    public var inputs: [(name: String, type: TensorType)] {
        body.compactMap { inst in
            if case .input(let n) = inst.op { return (n, inst.result.type) }
            return nil
        }
    }

    /// The weights in order: checkpoint name and type.
    public var params: [(name: String, type: TensorType)] {
        body.compactMap { inst in
            if case .param(let n) = inst.op { return (n, inst.result.type) }
            return nil
        }
    }

    /// One more than the largest value id in use: where new values may start.
    public var nextValueID: Int {
        (body.flatMap { $0.results.map(\.id) }.max() ?? -1) + 1
    }

    /// The symbolic dims (`B`, `L`) that inputs mention, in order of first appearance.
    public var symbols: [String] {
        var seen: [String] = []
        for (_, t) in inputs { for s in t.symbols where !seen.contains(s) { seen.append(s) } }
        return seen
    }
}
