// Every model file through the JIT at -O0 and -O3 against the reference interpreter, on seeded random weights and
// inputs at awkward lengths (1, shorter than a conv window, and a prime), with each mixer algorithm; and the selective
// scan at the stress ends of Δ (softplus's threshold, exp underflow).
import Foundation
import SeqC
import Testing

/// The model files of models/ (not the lib/ blocks).
private let modelFamilies: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: modelsDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".seq") }.map { String($0.dropLast(4)) }.sorted()
}()

/// Seeded tensors for every input and weight of `model` with B = 2 and L = `length`. Weights are small (±0.3), so
/// every family stays in a well-conditioned range; token ids are below 8 (every model's vocabulary is larger).
private func feeds(_ model: Model, length: Int, seed: UInt64) throws -> (inputs: [String: Tensor], weights: [String: Tensor]) {
    let g = try model.graph()
    var rng = SplitMix(seed: seed)
    func make(_ t: TensorType, _ scale: Double) throws -> Tensor {
        guard let shape = t.resolve(["B": 2, "L": length]) else { throw SeqCError("unbound dim in \(t)") }
        let n = shape.reduce(1, *)
        switch t.dtype {
        case .i32: return try Tensor(shape: shape, storage: .i32((0..<n).map { _ in Int32(rng.int(below: 8)) }))
        case .i64: return try Tensor(shape: shape, storage: .i64((0..<n).map { _ in Int64(rng.int(below: 8)) }))
        default: return try Tensor(shape: shape, doubles: rng.values(n, -scale, scale)).converted(to: t.dtype)
        }
    }
    var inputs: [String: Tensor] = [:], weights: [String: Tensor] = [:]
    for (n, t) in g.inputs { inputs[n] = try make(t, 1) }
    for (n, t) in g.params { weights[n] = try make(t, 0.3) }
    return (inputs, weights)
}

/// JIT (f32) against the interpreter (f32, rounded per op): both compute in f32 but in different orders, so the
/// bound is 1e-3 of the output's largest magnitude — looser than the golden 1e-4 because random weights are not
/// trained ones and long f32 reductions (attention, scans over 37 steps, 2-layer LMs) reorder.
private func agree(_ a: Tensor, _ b: Tensor) -> (Bool, Double) {
    let x = a.doubles(), y = b.doubles()
    guard a.shape == b.shape, x.allSatisfy(\.isFinite) else { return (false, .infinity) }
    let scale = max(y.map(abs).max() ?? 0, 1e-6)
    let err = (zip(x, y).map { abs($0 - $1) }.max() ?? 0) / scale
    return (err <= 1e-3, err)
}

/// A model at a small size: the config of the family's first reference case (only its parameters are used, not its
/// data), since some defaults are real model sizes (mamba-130m) that the interpreter would take minutes over.
private func smallModel(_ family: String) throws -> Model {
    var model = try Model(contentsOf: modelPath(family))
    let cases = ((try? FileManager.default.contentsOfDirectory(atPath: goldenDirectory.path)) ?? []).sorted()
    for c in cases {
        let meta = goldenDirectory.appendingPathComponent("\(c)/meta.json")
        guard let data = FileManager.default.contents(atPath: meta.path), let json = try? JSONValue.parse(data, file: meta.path),
            json["family"]?.string == family, let config = json["config"]?.object
        else { continue }
        try model.applyConfig(config, file: meta.path)
        break
    }
    return model
}

@Test(.enabled(if: hasGolden), arguments: modelFamilies)
func everyModelAgreesThroughTheJIT(_ family: String) throws {
    let model = try smallModel(family)
    for (level, mixers) in [(0, MixerAlgorithm.direct), (3, MixerAlgorithm.auto)] {
        let compiled = try model.compile(optLevel: level, mixers: mixers)
        compiled.threads = 2
        for length in [1, 3, 37] {
            let (inputs, weights) = try feeds(model, length: length, seed: UInt64(length * 7 + level))
            let reference = try model.interpret(inputs: inputs, weights: weights)
            let out = try compiled.run(inputs: inputs, weights: weights)
            for (name, r) in reference {
                let (ok, err) = agree(out[name]!, r)
                #expect(ok, "\(family) -O\(level) \(mixers) L=\(length) output \(name): error \(err)")
            }
        }
    }
}

@Test(.enabled(if: hasGolden), arguments: [(-60.0, -30.0), (15.0, 40.0), (-5.0, 5.0)])
func selectiveScanAtTheStressEndsOfDelta(_ range: (Double, Double)) throws {
    // Δ + bias far below zero: softplus → e^x underflows toward 0 and exp(Δ·A) → 1; far above 20: softplus is x itself
    // and exp(Δ·A) underflows to 0. The JIT must match the interpreter there too.
    let model = try smallModel("selective_scan")
    var (inputs, weights) = try feeds(model, length: 33, seed: 11)
    var rng = SplitMix(seed: 3)
    let shape = inputs["delta"]!.shape
    inputs["delta"] = try Tensor(shape: shape, doubles: rng.values(shape.reduce(1, *), range.0, range.1)).converted(to: .f32)
    weights["A"] = try Tensor(shape: weights["A"]!.shape, doubles: rng.values(weights["A"]!.count, -8, -0.01)).converted(to: .f32)
    let reference = try model.interpret(inputs: inputs, weights: weights, precision: .f64)
    for level in [0, 3] {
        let out = try model.compile(optLevel: level).run(inputs: inputs, weights: weights)
        for (name, r) in reference {
            let (ok, err) = agree(out[name]!, r.converted(to: .f32))
            #expect(ok, "Δ in \(range) -O\(level) \(name): error \(err)")
        }
    }
}
