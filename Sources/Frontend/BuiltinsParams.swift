import IR

// Weights whose checkpoint name is computed when the model is compiled. `param NAME` spells a fixed name, and a
// `scope` can only prefix it, so a PyTorch ParameterList entry — `kernel_list.0`, `kernel_list.1`, … whose last
// component is the index — needs the name as a string: `param_named("kernel_list.\(i)", [c, h, k])`.

let paramSignatures: [String: [String]] = [
    "param_named": ["name", "shape", "dtype?"],
]

extension Lowering {
    /// The weight-declaring builtins; nil when `f` is not one of them.
    mutating func lowerParamCall(_ f: String, _ a: CallArguments, at loc: SourceLocation) throws(Diagnostic) -> Bound? {
        guard f == "param_named" else { return nil }
        let e = a.values["name"]!
        guard case .string(let name) = try lowerExpr(e) else {
            throw error("argument 'name' of 'param_named' must be a string like \"kernel_list.\\(i)\"", at: e.location)
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !name.isEmpty, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
            throw error("weight name \"\(name)\" is not a dotted name", at: e.location)
        }
        var dims: [Dim] = []
        for d in try listArg(a, "shape") { dims.append(try dim(d)) }
        let dtype = try dtypeArg(a, "dtype", default: .f32)
        let full = fullName(name)
        try declare(full, loc)
        return .tensor(try emit(.param(name: full), [], declared: TensorType(dtype, dims), at: loc))
    }
}
