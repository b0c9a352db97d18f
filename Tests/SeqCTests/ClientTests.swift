// Uses the library exactly as a client package would: `import SeqC` and nothing internal.
import Foundation
import SeqC
import Testing

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let goldenDirectory = root.deletingLastPathComponent().appendingPathComponent("shared/golden")
let hasGolden = FileManager.default.fileExists(atPath: goldenDirectory.appendingPathComponent("selective_scan_core/meta.json").path)

let tinyModel = """
    model Tiny(width = 4, scale = 0.5) {
      input x: f32[B, L, width]
      param proj.weight: f32[width, width]
      param norm.weight: f32[width]
      let h = linear(rmsnorm(x, norm.weight), proj.weight)
      output y = silu(h) * scale + x
      output total = sum(h, axis: -1)
    }
    """

func ramp(_ shape: [Int], _ scale: Float = 0.1) throws -> Tensor {
    let n = shape.reduce(1, *)
    return try Tensor(shape: shape, floats: (0..<n).map { Float(($0 * 37) % 23 - 11) * scale })
}

@Test func loadSetCheckInterpretCompileRun() throws {
    var model = try Model(source: tinyModel, file: "tiny.seq")
    #expect(model.name == "Tiny")
    #expect(model.parameterDefaults.map(\.name) == ["width", "scale"])
    try model.setParameter("width", .int(6))
    try model.setParameter("scale", text: "2")
    #expect(model.parameters.map(\.value) == [.int(6), .float(2)])
    try model.check()

    let inputs = ["x": try ramp([2, 5, 6])]
    let weights = ["proj.weight": try ramp([6, 6], 0.05), "norm.weight": try ramp([6], 0.2)]
    let reference = try model.interpret(inputs: inputs, weights: weights, precision: .f64)
    for level in [0, 3] {
        let compiled = try model.compile(optLevel: level)
        let out = try compiled.run(inputs: inputs, weights: weights)
        for name in ["y", "total"] {
            let a = out[name]!.doubles(), b = reference[name]!.doubles()
            #expect(out[name]!.dtype == .f32)
            // f32 JIT against the f64 interpreter: within a few f32 ulps of the largest value.
            let scale = b.map(abs).max()!
            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(scale, 1) }, "\(name) at -O\(level)")
        }
    }
}

@Test func irAtEachStage() throws {
    let model = try Model(source: tinyModel, file: "tiny.seq")
    let ir = try model.emit(.ir)
    #expect(ir.hasPrefix("func @Tiny {"))
    #expect(printFunction(try parseFunction(ir)) == ir)
    #expect(try model.emit(.irOpt, optLevel: 2).contains("rmsnorm"))
    #expect(try model.emit(.ir, locations: true).contains(#"loc("tiny.seq":"#))
    let llvm = try model.emit(.llvm, optLevel: 2)
    #expect(llvm.contains("define"))
    #expect(!(try model.emit(.asm, optLevel: 2)).isEmpty)
}

@Test func errorsAreClearMessages() throws {
    #expect {
        _ = try Model(source: "model M {\n  input x: f32[B]\n  output y = x +\n}\n", file: "bad.seq")
    } throws: { error in
        (error as? SeqCError)?.message.hasPrefix("bad.seq:4:1: error: expected an expression") == true
    }
    var model = try Model(source: tinyModel, file: "tiny.seq")
    #expect(throws: SeqCError.self) { try model.setParameter("depth", .int(2)) }
    #expect(throws: SeqCError.self) { try model.setParameter("width", .bool(true)) }
    #expect {
        _ = try model.interpret(inputs: [:], weights: [:])
    } throws: { error in
        String(describing: error).contains("missing input 'x'")
    }
    #expect {
        _ = try Model(contentsOf: "/nonexistent/model.seq")
    } throws: { error in
        String(describing: error).contains("/nonexistent/model.seq: cannot read the model file")
    }
    #expect {
        _ = try TensorFiles.readSafetensors("/nonexistent/w.safetensors")
    } throws: { error in
        String(describing: error).contains("/nonexistent/w.safetensors")
    }
}

@Test func configAppliesOnlyParameterKeys() throws {
    var model = try Model(source: tinyModel, file: "tiny.seq")
    let json = #"{"config": {"width": 3, "scale": 1.5, "batch": 2, "note": "ignored"}}"#
    #expect(try model.applyConfig(json: Data(json.utf8), file: "c.json") == ["scale", "width"])
    #expect(model.parameters.map(\.value) == [.int(3), .float(1.5)])
    #expect(throws: SeqCError.self) { try model.applyConfig(json: Data(#"{"width": true}"#.utf8), file: "c.json") }
    #expect(throws: SeqCError.self) { try model.applyConfig(json: Data("not json".utf8), file: "c.json") }
}

@Test(.enabled(if: hasGolden), arguments: [true, false])
func selectiveScanGoldenCase(interpret: Bool) throws {
    var options = GoldenOptions(modelsDirectory: root.appendingPathComponent("models").path)
    options.interpret = interpret
    options.filter = "selective_scan_core"
    let results = try runGoldenSuite(directory: goldenDirectory.path, options: options)
    #expect(results.count == 1)
    let r = try #require(results.first)
    #expect(r.status == .passed, "\(r.message ?? "")")
    #expect(Set(r.checks.map(\.key)) == ["expected", "expected_ssm_state"])
}

@Test(.enabled(if: hasGolden))
func everyGoldenCaseIsReported() throws {
    var options = GoldenOptions(modelsDirectory: root.appendingPathComponent("models").path)
    options.interpret = true
    let results = try runGoldenSuite(directory: goldenDirectory.path, options: options)
    let cases = try FileManager.default.contentsOfDirectory(atPath: goldenDirectory.path).filter {
        FileManager.default.fileExists(atPath: goldenDirectory.appendingPathComponent("\($0)/meta.json").path)
    }
    #expect(results.count == cases.count)
    // Every case passes or is skipped because its family has no model yet; none fails.
    for r in results {
        #expect(r.status == .passed || r.status == .skipped, "\(r.name): \(r.message ?? "")")
        if r.status == .skipped {
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("models/\(r.family).seq").path))
        }
    }
}

@Test(.enabled(if: hasGolden), arguments: [MixerAlgorithm.dense, .direct])
func goldenCasesPassWithEachMixerAlgorithm(_ mixers: MixerAlgorithm) throws {
    // The interpreter runs the rewritten IR, so this checks each mixer's dense and direct forms on every family.
    var options = GoldenOptions(modelsDirectory: root.appendingPathComponent("models").path)
    options.interpret = true
    options.mixers = mixers
    for r in try runGoldenSuite(directory: goldenDirectory.path, options: options) {
        #expect(r.status == .passed || r.status == .skipped, "\(mixers) \(r.name): \(r.message ?? "")")
    }
}
