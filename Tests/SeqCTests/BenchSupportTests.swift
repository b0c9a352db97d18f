// The pieces `seqc bench` and the benchmarks build on: compile timings, seeded random weights and inputs.
import Foundation
import SeqC
import Testing

@Test func compileTimingsCoverEveryPhaseInOrder() throws {
    let compiled = try Model(source: tinyModel).compile()
    let t = compiled.timings
    // The frontend, then one phase per pass of the -O2 pipeline (whatever it holds), then LLVM and the JIT.
    let names = t.phases.map(\.name)
    #expect(Array(names.prefix(2)) == ["parse", "lower to Graph IR"])
    #expect(Array(names.suffix(5)) == ["LLVM IR build", "LLVM verify", "LLVM optimize", "LLVM IR text", "JIT materialize"])
    let passes = names.dropFirst(2).dropLast(5)
    #expect(passes.count >= 4 && passes.allSatisfy { $0.hasPrefix("pass ") })
    #expect(passes.first == "pass select-mixer-algorithms" && passes.last == "pass dce")
    // Every group has its phases (what they measured is the benchmarks' business, not a test's).
    #expect(CompileTimings.Group.allCases.allSatisfy { g in t.phases.contains { $0.group == g } })
    let groups = CompileTimings.Group.allCases.map { t.seconds($0) }.reduce(0, +)
    #expect(abs(groups - t.total) <= 1e-12 * max(t.total, 1))
    #expect(t.table().contains("JIT materialize"))
}

@Test func runMeasuringMemoryCountsTheRuntimeBuffers() throws {
    let compiled = try Model(source: tinyModel).compile()
    let x = try Tensor(shape: [2, 3, 4], floats: (0..<24).map { Float($0) / 24 })
    let w = try RandomTensors.weights(for: compiled.function, bindings: ["B": 2, "L": 3], seed: 1)
    let r = try compiled.runMeasuringMemory(inputs: ["x": x], weights: w)
    #expect(r.outputs == (try compiled.run(inputs: ["x": x], weights: w)))
    // At least the two outputs' buffers: y [2, 3, 4] and total [2, 3], f32.
    #expect(r.allocatedBytes >= (24 + 6) * 4)
}

@Test func randomWeightsAreSeededAndScaledByFanIn() throws {
    let g = try Model(source: tinyModel).graph()
    let a = try RandomTensors.weights(for: g, bindings: [:], seed: 5)
    #expect(a == (try RandomTensors.weights(for: g, bindings: [:], seed: 5)))
    #expect(a != (try RandomTensors.weights(for: g, bindings: [:], seed: 6)))
    let proj = try #require(a["proj.weight"]).floats()
    #expect(proj.allSatisfy { abs($0) <= 0.5 })  // ±1/√4
    #expect(Set(proj).count == proj.count)
    #expect(try #require(a["norm.weight"]).floats().allSatisfy { $0 >= 0.5 && $0 < 1.5 })
}

@Test func tokenInputsStayBelowTheTableTheyIndex() throws {
    var m = try Model(contentsOf: root.appendingPathComponent("models/mamba_lm.seq").path)
    try m.setParameter("vocab_size", .int(37))
    let g = try m.graph()
    #expect(RandomTensors.indexBound(of: "input_ids", in: g) == 37)
    var rng = SeededGenerator(seed: 9)
    let ids = try RandomTensors.input(dtype: .i32, shape: [4, 100], bound: 37, rng: &rng).doubles()
    #expect(ids.allSatisfy { $0 >= 0 && $0 < 37 })
    #expect(Set(ids).count > 20)
    // An input that indexes nothing has no bound.
    #expect(RandomTensors.indexBound(of: "x", in: try Model(source: tinyModel).graph()) == nil)
}

/// A model with its weights bound gives the unbound model's outputs bit for bit, run after run and across lengths
/// (S4D: the kernel generation and the kernel spectra are kept after the first run of each length).
@Test func boundWeightsGiveTheSameOutputs() throws {
    let compiled = try Model(contentsOf: "models/s4d_layer.seq").compile()
    compiled.threads = 2
    let w = try RandomTensors.weights(for: compiled.function, bindings: ["B": 1, "L": 300], seed: 3)
    let bound = try compiled.bind(weights: w)
    for (i, len) in [300, 300, 40, 300].enumerated() {
        var rng = SeededGenerator(seed: UInt64(i))
        let u = ["u": try RandomTensors.input(dtype: .f32, shape: [1, 8, len], bound: nil, rng: &rng)]
        let want = try compiled.run(inputs: u, weights: w)
        #expect(try bound.run(inputs: u) == want, "run \(i), L = \(len)")
    }
    #expect(bound.keptBytes > 0)
    #expect(throws: SeqCError.self) { try compiled.bind(weights: [:]) }
}
