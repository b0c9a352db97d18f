import IR

/// `seqc compile --emit kernels`: the code between Graph IR and LLVM IR as a readable schedule — every kernel call in
/// order, the instructions it computes (a fused elementwise chain lists each), the loop the host splits across threads,
/// its per-chunk workspace, and for the FFT kernels the butterfly plan: transform length, stages by radix, and what is
/// fused into the inverse pass. Sizes come from `sizes` (symbol → value) where given; otherwise the plan is stated as
/// the rule the kernel applies at run time. This is a report, not an IR: it does not parse back.
public enum KernelListing {
    public static func text(_ f: Function, options: CodegenOptions, sizes: [String: Int] = [:]) throws -> String {
        _ = try options.validated()
        do {
            try verify(f)
        } catch {
            throw CodegenError("cannot list the kernels of @\(f.name): invalid IR: \(error)")
        }
        let fusion = FusionPlan(f, fuse: options.fuse)
        let plan = try BufferPlan(f, inRegisters: fusion.inRegisters)
        let (_, calls) = try ModuleBuilder.build(f, plan: plan, fusion: fusion, context: ThreadSafeContext())
        let distinct = Set(calls.map(\.symbol)).count
        let bound = sizes.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }
        var out = "// @\(f.name): \(calls.count) kernel calls, \(distinct) distinct kernels"
            + (bound.isEmpty ? "" : " (sizes: \(bound.joined(separator: ", ")))") + "\n"
        for (n, call) in calls.enumerated() {
            out += "\ncall \(n): \(call.symbol)\n"
            for m in call.members { out += "  " + printInstruction(f.body[m]) + "\n" }
            if let dims = call.parallelDims {
                out += "  threads split: " + (dims.isEmpty ? "one iteration" : "[\(dims.map(\.description).joined(separator: ", "))]") + "\n"
            } else {
                out += "  threads split: none (runs as one call)\n"
            }
            if call.workspaceSymbol != nil { out += "  workspace: one slice of the run's arena per chunk\n" }
            for m in call.members { out += fftPlan(f.body[m], sizes).map { "  " + $0 + "\n" }.joined() }
        }
        return out
    }

    /// The FFT plan lines of an FFT instruction (none for other ops).
    static func fftPlan(_ inst: Instruction, _ sizes: [String: Int]) -> [String] {
        switch inst.op {
        case .mixer(.toeplitzFFT(let causal, let skip, let gate)):
            let x = inst.operands[causal ? 1 : 2], k = inst.operands[0]
            let lDim = x.type.shape.last!, kDim = k.type.shape.last!
            var lines = [
                "fft: linear convolution, real length N = 2M ≥ L + min(K, L) − \(causal ? 1 : 0) (L = \(lDim), K = \(kDim)),"
                    + " M = \(FFTSizes.ruleDescription) ≥ N/2, as M complex points (half-length trick)"
            ]
            if let l = lDim.resolve(sizes), let kk = kDim.resolve(sizes) {
                let span = l + Swift.min(kk, l) - (causal ? 1 : 0)
                let m = FFTSizes.halfLength(span: span)
                lines.append("fft: N = \(2 * m), M = \(m): " + FFTSizes.stageDescription(points: m) + " per transform")
            } else {
                lines.append("fft: N and the stages are chosen in the kernel from the run's L and K (--size L=… shows them)")
            }
            lines.append("fft: the kernel's spectrum once per kernel row (one forward transform, reused for every row it broadcasts to);"
                         + " per row one forward and one inverse transform")
            let epilogue = ["spectrum product"] + (skip ? ["skip + d·x"] : []) + (gate ? ["gate · g"] : [])
            lines.append("fft: fused into the inverse pass: " + epilogue.joined(separator: ", "))
            return lines
        case .rfft(_, let n), .irfft(_, let n):
            var lines = ["fft: Bluestein DFT of n = \(n) points on a P-point FFT, P = \(FFTSizes.ruleDescription) ≥ 2n − 1"]
            if let size = n.resolve(sizes) {
                let p = fastFFTLength(atLeast: 2 * size - 1)
                lines.append("fft: P = \(p): " + FFTSizes.stageDescription(points: p) + " per transform")
            }
            return lines
        default:
            return []
        }
    }
}

/// The transform lengths the FFT kernels choose (FFTLength.swift), stated for the listing.
private enum FFTSizes {
    static let ruleDescription = "the cheapest 5-smooth length (FFTCost)"

    /// M for a real length N = 2M ≥ span: the length chosen for ⌈span/2⌉ (as toeplitzFFTLengths).
    static func halfLength(span: Int) -> Int { fastFFTLength(atLeast: (Swift.max(span, 2) + 1) / 2) }

    /// "6 radix-4 stages, 1 radix-2 stage", in stage order.
    static func stageDescription(points m: Int) -> String {
        guard let stages = fftStages(points: m) else { return "not a 5-smooth length" }
        var parts: [String] = []
        for radix in [4, 2, 3, 5] {
            let count = stages.filter { $0 == radix }.count
            if count > 0 { parts.append("\(count) radix-\(radix) stage\(count == 1 ? "" : "s")") }
        }
        return parts.isEmpty ? "no stages (one point)" : parts.joined(separator: ", ")
    }
}
