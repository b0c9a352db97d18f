/// Builds a function one instruction at a time, inferring and checking each result type.
public struct FunctionBuilder {
    public private(set) var function: Function
    private var nextID: Int

    public init(name: String) {
        function = Function(name: name)
        nextID = 0
    }

    /// Appends `op` applied to `operands` and returns its results. `declared` is the result type for ops
    /// that carry one (input, param, const, reshape, cast).
    @discardableResult
    public mutating func emit(
        _ op: Op, _ operands: [Value] = [], declared: TensorType? = nil, at location: SourceLocation? = nil
    ) throws(TypeRuleError) -> [Value] {
        let types = try inferResultTypes(op, operands.map(\.type), declared: declared)
        let results = types.map { t -> Value in
            defer { nextID += 1 }
            return Value(id: nextID, type: t)
        }
        function.body.append(Instruction(results: results, op: op, operands: operands, location: location))
        return results
    }

    /// `emit` for one-result ops.
    public mutating func emit1(
        _ op: Op, _ operands: [Value] = [], declared: TensorType? = nil, at location: SourceLocation? = nil
    ) throws(TypeRuleError) -> Value {
        try emit(op, operands, declared: declared, at: location)[0]
    }

    public mutating func addOutput(_ name: String, _ value: Value) {
        function.outputs.append(Output(name: name, value: value))
    }
}
