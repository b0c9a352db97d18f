import IR

/// A compiled function with its params (weights) fixed, run on new inputs many times — how a served model runs.
/// Values that depend only on the weights and the sizes (S4D's and Hyena's kernel generation, any weight
/// preprocessing) are computed by the first run with given sizes and kept for later runs with the same sizes, and
/// kernels keep what they derive from such values (`toeplitz_fft` keeps each channel's kernel spectrum, so a later run
/// makes two FFTs per row instead of three). Results are bit-identical to `CompiledFunction.run` with the same
/// params: the kept values are the ones that run computes (WeightCache, PersistentMemory, docs/RUNTIME.md).
///
/// The params are held as given: tensors are values, so changing the caller's copy afterwards does not change them.
/// Safe to run from several threads at once.
public final class BoundFunction: @unchecked Sendable {
    public let compiled: CompiledFunction
    public let params: [String: Tensor]
    let cache = WeightCache()

    init(_ compiled: CompiledFunction, params: [String: Tensor]) throws {
        let declared = Set(compiled.function.params.map(\.name))
        if let extra = params.keys.sorted().first(where: { !declared.contains($0) }) {
            throw CodegenError("'\(extra)' is not a param of @\(compiled.function.name) (its params: \(declared.sorted().joined(separator: ", ")))")
        }
        if let missing = compiled.function.params.map(\.name).first(where: { params[$0] == nil }) {
            throw CodegenError("param '\(missing)' of @\(compiled.function.name) is not given")
        }
        self.compiled = compiled
        self.params = params
    }

    /// Runs on `inputs` (exactly the declared inputs, by name) with the bound params on up to `threads` threads.
    public func run(inputs: [String: Tensor], threads: Int = 1) throws -> [String: Tensor] {
        try execute(inputs: inputs, threads: threads).outputs
    }

    /// `run`, also reporting the bytes of the run's own buffers (the arena; what is kept between runs is `keptBytes`).
    public func runMeasuringMemory(inputs: [String: Tensor], threads: Int = 1) throws
        -> (outputs: [String: Tensor], allocatedBytes: Int)
    {
        let r = try execute(inputs: inputs, threads: threads)
        return (r.outputs, r.allocatedBytes)
    }

    func execute(inputs: [String: Tensor], threads: Int) throws -> Runtime.Result {
        try compiled.execute(inputs: inputs, params: params, threads: threads, cache: cache)
    }

    /// Bytes kept between runs: the weight-only values and kernels' persistent memory of every cached set of sizes.
    public var keptBytes: Int { cache.bytes }
}
