// Identical layers share their kernels: a deeper model adds calls, not code, so compile time does not grow with depth;
// compiling the same model twice in a process reuses the machine code.
import Foundation
import SeqC
import Testing

private func sharingModelPath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/\(name).seq").path
}

/// The internal kernel functions of a module (`define internal void @k<n>_<op>`).
private func kernelCount(_ llvmIR: String) -> Int {
    llvmIR.split(separator: "\n").filter { $0.hasPrefix("define internal void @k") }.count
}

@Suite struct KernelSharingTests {
    /// mamba_lm and mamba2_lm with 1, 2 and 5 layers (small dims): the same number of kernels at every depth, far
    /// fewer than the model's computing instructions.
    @Test(arguments: ["mamba_lm", "mamba2_lm"])
    func layersShareKernels(_ name: String) throws {
        var counts: [Int] = []
        for layers in [1, 2, 5] {
            var model = try Model(contentsOf: sharingModelPath(name))
            try model.setParameter("n_layer", .int(layers))
            try model.setParameter("vocab_size", .int(37))
            try model.setParameter("d_model", .int(16))
            if name == "mamba2_lm" {
                try model.setParameter("headdim", .int(8))
                try model.setParameter("d_state", .int(8))
            } else {
                try model.setParameter("dt_rank", .int(2))
            }
            let compiled = try model.compile(optLevel: 1)
            counts.append(kernelCount(compiled.llvmIR))
            if layers == 5 {
                let calls = compiled.function.body.filter {
                    switch $0.op { case .input, .param, .reshape: false; default: true }
                }.count
                #expect(kernelCount(compiled.llvmIR) * 2 < calls, "\(kernelCount(compiled.llvmIR)) kernels for \(calls) calls")
            }
        }
        #expect(counts.allSatisfy { $0 == counts[0] }, "kernels at 1, 2, 5 layers: \(counts)")
    }

    /// A second compile of the same model and options is a cache hit with the same code; other options are not.
    @Test func secondCompileComesFromTheCache() throws {
        var model = try Model(contentsOf: sharingModelPath("mamba_block"))
        try model.setParameter("d_model", .int(8))
        try model.setParameter("dt_rank", .int(2))
        let first = try model.compile(optLevel: 2)
        let second = try model.compile(optLevel: 2)
        #expect(second.cachedCode)
        #expect(second.llvmIR == first.llvmIR)
        let other = try model.compile(optLevel: 1)
        #expect(!other.cachedCode)
    }
}
