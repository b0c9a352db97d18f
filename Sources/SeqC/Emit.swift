import Codegen
import IR
import Passes

/// The stages a model can be printed at.
public enum EmitStage: String, CaseIterable, Sendable {
    /// Graph IR as lowered from the source.
    case ir
    /// Graph IR after the optimization pipeline.
    case irOpt = "ir-opt"
    /// The kernel schedule: each kernel call with its instructions, thread split, workspace and FFT butterfly plan.
    case kernels
    /// LLVM IR after LLVM's pipeline for the O-level.
    case llvm
    /// Host assembly.
    case asm
}

extension Model {
    /// The text of the model at `stage`. With `locations`, Graph IR lines carry `loc(...)`; `sizes` (symbol → value)
    /// lets the kernel listing state the FFT plans for those sizes.
    public func emit(
        _ stage: EmitStage, optLevel: Int = 2, locations: Bool = false, mixers: MixerAlgorithm = .auto,
        sizes: [String: Int] = [:]
    ) throws(SeqCError) -> String {
        var t = CompileTimings()
        return try emit(stage, optLevel: optLevel, locations: locations, mixers: mixers, sizes: sizes, timings: &t)
    }

    /// `emit`, recording the phases the stage went through in `timings`.
    public func emit(
        _ stage: EmitStage, optLevel: Int, locations: Bool, mixers: MixerAlgorithm, sizes: [String: Int] = [:],
        timings: inout CompileTimings
    ) throws(SeqCError) -> String {
        switch stage {
        case .ir:
            timings.add("parse", .frontend, parseSeconds)
            let start = ContinuousClock.now
            let g = try graph()
            timings.add("lower to Graph IR", .frontend, seconds(since: start))
            return printFunction(g, locations: locations)
        case .irOpt:
            return printFunction(try optimizedGraph(optLevel: optLevel, mixers: mixers, timings: &timings), locations: locations)
        case .kernels:
            let g = try optimizedGraph(optLevel: optLevel, mixers: mixers, timings: &timings)
            for name in sizes.keys where !g.symbols.contains(name) {
                throw SeqCError("--size \(name): the model's size symbols are \(g.symbols.joined(separator: ", "))")
            }
            let start = ContinuousClock.now
            let text = try wrapping { try KernelListing.text(g, options: CodegenOptions(optLevel: optLevel), sizes: sizes) }
            timings.add("kernel listing", .llvm, seconds(since: start))
            return text
        case .llvm, .asm:
            let g = try optimizedGraph(optLevel: optLevel, mixers: mixers, timings: &timings)
            var t = Codegen.CompileTimings()
            let options = CodegenOptions(optLevel: optLevel)
            let text = try wrapping {
                stage == .llvm
                    ? try CodegenText.llvmIR(g, options: options, timings: &t)
                    : try CodegenText.assembly(g, options: options, timings: &t)
            }
            timings.add(t, text: stage == .llvm ? "LLVM IR text" : "assembly")
            return text
        }
    }
}
