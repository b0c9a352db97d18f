/// Why the tensors given to a function do not fit it.
public struct BindingError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Checks that `inputs` and `params` match the function's declarations exactly (names, dtypes, ranks, known dims)
/// and returns the value of every symbolic dim. Each symbol must take one value everywhere it appears.
/// Unless `allowExtraParams`, a weight the function does not declare is an error.
public func bindSymbols(
    _ f: Function, inputs: [String: Tensor], params: [String: Tensor], allowExtraParams: Bool = false
) throws(BindingError) -> [String: Int] {
    var bindings: [String: Int] = [:]
    var firstSeen: [String: String] = [:]

    func bind(_ kind: String, _ name: String, _ type: TensorType, _ t: Tensor) throws(BindingError) {
        let got = "\(t.dtype)\(t.shape)"
        guard t.dtype == type.dtype, t.rank == type.rank else {
            throw BindingError("\(kind) '\(name)': expected \(type), got \(got)")
        }
        for (d, n) in zip(type.shape, t.shape) {
            switch d {
            case .known(let k):
                guard k == n else { throw BindingError("\(kind) '\(name)': expected \(type), got \(got)") }
            case .symbol(let s), .scaled(let s, _, _):
                // n = scale·S + offset: S is solved from the first tensor that mentions it, then checked.
                let (_, a, b) = d.affineParts
                if let v = bindings[s] {
                    guard d.resolve(bindings) == n else {
                        let said = d == .symbol(s) ? "\(v) in \(firstSeen[s]!)" : "\(s) is \(v) from \(firstSeen[s]!)"
                        throw BindingError("\(kind) '\(name)': dim \(d) is \(n) here but \(said) (expected \(type), got \(got))")
                    }
                } else {
                    guard (n - b) >= 0, (n - b) % a == 0 else {
                        throw BindingError("\(kind) '\(name)': dim \(d) cannot be \(n) (expected \(type), got \(got))")
                    }
                    bindings[s] = (n - b) / a
                    firstSeen[s] = "\(kind) '\(name)'"
                }
            }
        }
    }

    let declaredInputs = f.inputs
    for name in inputs.keys.sorted() where !declaredInputs.contains(where: { $0.name == name }) {
        throw BindingError("unknown input '\(name)' (the model's inputs: \(declaredInputs.map(\.name).joined(separator: ", ")))")
    }
    for (name, type) in declaredInputs {
        guard let t = inputs[name] else { throw BindingError("missing input '\(name)': expected \(type)") }
        try bind("input", name, type, t)
    }
    let declaredParams = f.params
    let missing = declaredParams.filter { params[$0.name] == nil }
    if !missing.isEmpty {
        let list = missing.prefix(5).map { "'\($0.name)' \($0.type)" }.joined(separator: ", ")
        throw BindingError("missing weight\(missing.count == 1 ? "" : "s") \(list)\(missing.count > 5 ? " and \(missing.count - 5) more" : "")")
    }
    if !allowExtraParams {
        let names = Set(declaredParams.map(\.name))
        let extra = params.keys.filter { !names.contains($0) }.sorted()
        if !extra.isEmpty {
            throw BindingError("unexpected weight\(extra.count == 1 ? "" : "s") \(extra.prefix(5).map { "'\($0)'" }.joined(separator: ", ")) not declared by the model")
        }
    }
    for (name, type) in declaredParams {
        try bind("weight", name, type, params[name]!)
    }
    return bindings
}

/// Checks that every value of `f` fits in memory under `bindings`: its element count does not overflow and its
/// size is at most `limitBytes`. Absurd shapes become an error naming the value, not a crash in an allocator.
public func checkValueSizes(_ f: Function, bindings: [String: Int], limitBytes: Int) throws(BindingError) {
    for inst in f.body {
        for v in inst.results {
            guard let shape = v.type.resolve(bindings), shape.allSatisfy({ $0 >= 0 }) else {
                throw BindingError("\(v) : \(v.type) has a dim that no input binds, or one that is negative for these inputs")
            }
            guard let count = Tensor.elementCount(of: shape),
                case let (bytes, overflow) = count.multipliedReportingOverflow(by: v.type.dtype.byteSize), !overflow,
                bytes <= limitBytes
            else {
                let gib = shape.reduce(Double(v.type.dtype.byteSize)) { $0 * Double($1) } / Double(1 << 30)
                throw BindingError(
                    "value \(v) : \(v.type) would be \(v.type.dtype)\(shape), \(gib < 1e6 ? String(Int(gib.rounded(.up))) : "more than a million") GiB, over the \(limitBytes >> 30) GiB limit")
            }
        }
    }
}

/// A default cap for one value: the machine's memory, if known, else 64 GiB.
public func defaultValueSizeLimit(physicalMemory: UInt64?) -> Int {
    Int(clamping: physicalMemory ?? (64 << 30))
}
