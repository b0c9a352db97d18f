import Foundation
import SeqC

/// `seqc bench --input` specs: NAME=SHAPE[:DTYPE] (random, seeded) or NAME=FILE.npy.
enum BenchInputs {
    /// One tensor per declared input, from the specs; an input without a spec, an unknown name, a bad shape or a
    /// dtype other than the declared one is an error.
    static func make(_ specs: [String], graph: Function, rng: inout SeededGenerator) throws(SeqCError) -> [String: Tensor] {
        let declared = graph.inputs
        var given: [String: String] = [:]
        for spec in specs {
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else {
                throw SeqCError("--input expects NAME=SHAPE[:DTYPE] or NAME=FILE.npy, got '\(spec)'")
            }
            let name = String(spec[..<eq])
            guard declared.contains(where: { $0.name == name }) else {
                throw SeqCError("--input: the model has no input '\(name)' (its inputs: \(declared.map(\.name).joined(separator: ", ")))")
            }
            guard given[name] == nil else { throw SeqCError("--input: '\(name)' is given twice") }
            given[name] = String(spec[spec.index(after: eq)...])
        }
        var out: [String: Tensor] = [:]
        for (name, type) in declared {
            guard let value = given[name] else {
                throw SeqCError("--input: missing '\(name)' (expected \(type); give it as \(name)=SHAPE, e.g. \(name)=\(example(type)))")
            }
            if value.hasSuffix(".npy") {
                out[name] = try TensorFiles.readNPY(value)
                continue
            }
            let (shape, dtype) = try parse(value, name: name, declared: type)
            out[name] = try RandomTensors.input(
                dtype: dtype, shape: shape, bound: RandomTensors.indexBound(of: name, in: graph), rng: &rng)
        }
        return out
    }

    /// `1x2048x768:f32` → ([1, 2048, 768], .f32); the dtype defaults to the declared one and must equal it.
    static func parse(_ text: String, name: String, declared: TensorType) throws(SeqCError) -> ([Int], DType) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw SeqCError("--input \(name)=\(text): expected SHAPE[:DTYPE], like 1x2048x768:f32") }
        var dtype = declared.dtype
        if parts.count == 2 {
            guard let d = DType(rawValue: String(parts[1])) else {
                throw SeqCError("--input \(name)=\(text): unknown dtype '\(parts[1])' (f32, f64, i32, i64 or bool)")
            }
            guard d == declared.dtype else {
                throw SeqCError("--input \(name)=\(text): the model declares \(name) as \(declared), not \(d)")
            }
            dtype = d
        }
        let dims = parts[0].isEmpty ? [] : parts[0].split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard dims.allSatisfy({ $0 != nil && $0! >= 0 }) else {
            throw SeqCError("--input \(name)=\(text): a shape is sizes joined by 'x', like 1x2048x768")
        }
        let shape = dims.map { $0! }
        guard shape.count == declared.rank else {
            throw SeqCError("--input \(name)=\(text): \(name) has rank \(declared.rank) (\(declared)), got \(shape.count) dims")
        }
        return (shape, dtype)
    }

    /// A shape in spec form for an error message: known dims as declared, symbols as 1 (batch) or 128.
    static func example(_ type: TensorType) -> String {
        type.shape.map { d in d.knownValue.map(String.init) ?? (d.description == "B" ? "1" : "128") }.joined(separator: "x")
    }

    /// The symbol values the inputs bind (weights are not consulted: their shapes follow from these).
    static func bindings(_ graph: Function, _ inputs: [String: Tensor]) throws(SeqCError) -> [String: Int] {
        let inputsOnly = Function(name: graph.name, body: graph.body.filter { if case .param = $0.op { false } else { true } })
        do {
            return try bindSymbols(inputsOnly, inputs: inputs, params: [:])
        } catch {
            throw SeqCError("--input: \(error.message)")
        }
    }
}
