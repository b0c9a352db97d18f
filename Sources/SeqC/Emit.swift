import Codegen
import IR
import Passes

/// The stages a model can be printed at.
public enum EmitStage: String, CaseIterable, Sendable {
    /// Graph IR as lowered from the source.
    case ir
    /// Graph IR after the optimization pipeline.
    case irOpt = "ir-opt"
    /// LLVM IR after LLVM's pipeline for the O-level.
    case llvm
    /// Host assembly.
    case asm
}

extension Model {
    /// The text of the model at `stage`. With `locations`, Graph IR lines carry `loc(...)`.
    public func emit(
        _ stage: EmitStage, optLevel: Int = 2, locations: Bool = false, mixers: MixerAlgorithm = .auto
    ) throws(SeqCError) -> String {
        var t = CompileTimings()
        return try emit(stage, optLevel: optLevel, locations: locations, mixers: mixers, timings: &t)
    }

    /// `emit`, recording the phases the stage went through in `timings`.
    public func emit(
        _ stage: EmitStage, optLevel: Int, locations: Bool, mixers: MixerAlgorithm, timings: inout CompileTimings
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
