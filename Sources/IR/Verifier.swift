/// A broken invariant of a function, naming the instruction and where it came from.
public struct VerifierError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// The offending instruction in text form, when there is one.
    public var instruction: String?
    public var location: SourceLocation?

    public var description: String {
        var s = location.map { "\($0): " } ?? ""
        s += "error: \(message)"
        if let i = instruction { s += "\n  in: \(i)" }
        return s
    }
}

/// Checks that `function` is well formed: SSA (each value defined once, before use), every result type
/// equal to its op's type rule, unique input and param names, outputs defined and uniquely named.
public func verify(_ function: Function) throws(VerifierError) {
    var defined: [Int: TensorType] = [:]
    var inputNames: Set<String> = []
    var paramNames: Set<String> = []
    for inst in function.body {
        let text = printInstruction(inst)
        func fail(_ m: String) -> VerifierError {
            VerifierError(message: m, instruction: text, location: inst.location)
        }
        for v in inst.operands {
            guard let t = defined[v.id] else { throw fail("operand \(v) is used before it is defined") }
            guard t == v.type else { throw fail("operand \(v) has type \(v.type) here but was defined as \(t)") }
        }
        guard inst.results.count == inst.op.resultCount else {
            throw fail("'\(inst.op.mnemonic)' defines \(inst.op.resultCount) result(s), not \(inst.results.count)")
        }
        let expected: [TensorType]
        do {
            expected = try inferResultTypes(
                inst.op, inst.operands.map(\.type), declared: inst.op.hasDeclaredType ? inst.results[0].type : nil)
        } catch {
            throw fail(error.message)
        }
        for (r, t) in zip(inst.results, expected) {
            guard r.type == t else { throw fail("result \(r) has type \(r.type), but the op gives \(t)") }
            guard defined[r.id] == nil else { throw fail("value \(r) is defined twice") }
            defined[r.id] = r.type
        }
        switch inst.op {
        case .input(let n):
            guard inputNames.insert(n).inserted else { throw fail("input \"\(n)\" is declared twice") }
        case .param(let n):
            guard paramNames.insert(n).inserted else { throw fail("param \"\(n)\" is declared twice") }
        default: break
        }
    }
    var outputNames: Set<String> = []
    for o in function.outputs {
        guard defined[o.value.id] == o.value.type else {
            throw VerifierError(message: "output \"\(o.name)\" refers to undefined value \(o.value)")
        }
        guard outputNames.insert(o.name).inserted else {
            throw VerifierError(message: "output \"\(o.name)\" is declared twice")
        }
    }
    guard !function.outputs.isEmpty else {
        throw VerifierError(message: "function @\(function.name) has no outputs")
    }
}
