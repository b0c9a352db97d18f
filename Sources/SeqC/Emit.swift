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
        switch stage {
        case .ir: return printFunction(try graph(), locations: locations)
        case .irOpt: return printFunction(try optimizedGraph(optLevel: optLevel, mixers: mixers), locations: locations)
        case .llvm:
            let g = try optimizedGraph(optLevel: optLevel, mixers: mixers)
            return try wrapping { try CodegenText.llvmIR(g, options: CodegenOptions(optLevel: optLevel)) }
        case .asm:
            let g = try optimizedGraph(optLevel: optLevel, mixers: mixers)
            return try wrapping { try CodegenText.assembly(g, options: CodegenOptions(optLevel: optLevel)) }
        }
    }
}
