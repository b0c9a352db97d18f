// Shared pieces of the Mamba-family model tests (selective_scan, mamba_block, mamba_lm, ssd, mamba2_block,
// mamba2_lm): a seeded generator, random weights and inputs, running a model file through the f64 interpreter, and
// the double-precision building blocks of the plain-Swift references, written from docs mixers.md §0/§d/§e (no seqc
// code). Everything sits in one namespace so it cannot clash with other families' test helpers.
import Foundation
import SeqC
import Testing

enum MambaKit {
    typealias Random = SplitMix

    /// Named f32 tensors for the model, with the same values as doubles for the reference.
    struct Tensors {
        var tensors: [String: Tensor] = [:]
        var values: [String: [Double]] = [:]

        mutating func add(_ name: String, _ shape: [Int], _ rng: inout Random, _ lo: Double = -1, _ hi: Double = 1) {
            let v = rng.values(shape.reduce(1, *), lo, hi)
            tensors[name] = try! Tensor(shape: shape, floats: v.map(Float.init))
            values[name] = v
        }

        subscript(name: String) -> [Double] { values[name]! }
        func optional(_ name: String) -> [Double]? { values[name] }
    }

    /// Loads `models/NAME.seq`, sets the parameters, runs it in the f64 interpreter; outputs as doubles.
    static func run(
        _ name: String, _ parameters: [String: ParameterValue], inputs: [String: Tensor], weights: [String: Tensor]
    ) throws -> [String: (shape: [Int], values: [Double])] {
        var model = try Model(contentsOf: root.appendingPathComponent("models/\(name).seq").path)
        for (k, v) in parameters.sorted(by: { $0.key < $1.key }) { try model.setParameter(k, v) }
        let out = try model.interpret(inputs: inputs, weights: weights, precision: .f64)
        return out.mapValues { ($0.shape, $0.doubles()) }
    }

    /// max |a - b| / max |b|: the error relative to the output's scale (1 for an all-zero reference).
    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count else { return .infinity }
        let m = b.map(abs).max() ?? 0
        let scale = m > 0 ? m : 1
        return (zip(a, b).map { abs($0 - $1) }.max() ?? 0) / scale
    }

    // MARK: double-precision building blocks (mixers.md §0)

    /// PyTorch's softplus, threshold 20.
    static func softplus(_ x: Double) -> Double { x > 20 ? x : log1p(exp(x)) }
    static func silu(_ x: Double) -> Double { x / (1 + exp(-x)) }

    /// y[r, o] = Σ_i x[r, i] w[o, i] (+ b[o]): x [rows, nIn], w [nOut, nIn] (PyTorch's layout).
    static func linear(_ x: [Double], rows: Int, _ w: [Double], nOut: Int, nIn: Int, bias: [Double]? = nil) -> [Double] {
        var y = [Double](repeating: 0, count: rows * nOut)
        for r in 0..<rows {
            for o in 0..<nOut {
                var acc = bias?[o] ?? 0
                for i in 0..<nIn { acc += x[r * nIn + i] * w[o * nIn + i] }
                y[r * nOut + o] = acc
            }
        }
        return y
    }

    /// Causal depthwise conv1d on time-major x [L, C] with weight [C, 1, K]: a cross-correlation over K-1 left zeros,
    /// out[t, c] = b[c] + Σ_k w[c, k] x[t - (K-1) + k, c].
    static func causalConv(_ x: [Double], len: Int, channels: Int, _ w: [Double], k: Int, bias: [Double]?) -> [Double] {
        var y = [Double](repeating: 0, count: len * channels)
        for t in 0..<len {
            for c in 0..<channels {
                var acc = bias?[c] ?? 0
                for j in 0..<k where t - (k - 1) + j >= 0 { acc += w[c * k + j] * x[(t - (k - 1) + j) * channels + c] }
                y[t * channels + c] = acc
            }
        }
        return y
    }

    /// The last k rows of time-major x [L, C], as [C, k], zero-padded on the left when L < k (Mamba's conv state).
    static func convState(_ x: [Double], len: Int, channels: Int, k: Int) -> [Double] {
        var s = [Double](repeating: 0, count: channels * k)
        for c in 0..<channels {
            for j in 0..<k where len - k + j >= 0 { s[c * k + j] = x[(len - k + j) * channels + c] }
        }
        return s
    }

    /// x · rsqrt(mean(x²) + eps) · w over each row of x [rows, d], the mean taken in groups of `group` channels.
    static func rmsnorm(_ x: [Double], rows: Int, d: Int, _ w: [Double], eps: Double, group: Int? = nil) -> [Double] {
        let g = group ?? d
        var y = x
        for r in 0..<rows {
            for start in stride(from: 0, to: d, by: g) {
                var ms = 0.0
                for i in start..<(start + g) { ms += x[r * d + i] * x[r * d + i] }
                let inv = 1 / (ms / Double(g) + eps).squareRoot()
                for i in start..<(start + g) { y[r * d + i] = x[r * d + i] * inv * w[i] }
            }
        }
        return y
    }

    /// Builds random LM weights (HF names) and token ids, runs models/<family>.seq in f64 and checks the logits against
    /// the reference LM around `mixer`: embedding → per layer h += mixer(rmsnorm(h)) → norm_f → tied or separate head.
    static func checkLM(
        _ family: String, dModel d: Int, parameters: [String: ParameterValue], vocab: Int, layers: Int, tied: Bool,
        batch: Int, len: Int, seed: UInt64,
        addMixerWeights: (inout Tensors, String, inout Random) -> Void,
        mixer: (Tensors, String, [Double]) -> [Double]
    ) throws {
        var rng = Random(seed: seed)
        var w = Tensors()
        w.add("backbone.embeddings.weight", [vocab, d], &rng)
        for i in 0..<layers {
            w.add("backbone.layers.\(i).norm.weight", [d], &rng, 0.5, 1.5)
            addMixerWeights(&w, "backbone.layers.\(i).mixer.", &rng)
        }
        w.add("backbone.norm_f.weight", [d], &rng, 0.5, 1.5)
        if !tied { w.add("lm_head.weight", [vocab, d], &rng) }
        let ids = (0..<(batch * len)).map { _ in Int32(rng.int(below: vocab)) }
        let inputs = ["input_ids": try Tensor(shape: [batch, len], storage: .i32(ids))]

        var params = parameters
        params["vocab_size"] = .int(vocab)
        params["n_layer"] = .int(layers)
        params["tie_embeddings"] = .bool(tied)
        let out = try run(family, params, inputs: inputs, weights: w.tensors)

        let emb = w["backbone.embeddings.weight"]
        var logits: [Double] = []
        for b in 0..<batch {
            var h: [Double] = []
            for t in 0..<len { let id = Int(ids[b * len + t]); h += emb[(id * d)..<((id + 1) * d)] }
            for i in 0..<layers {
                let normed = rmsnorm(h, rows: len, d: d, w["backbone.layers.\(i).norm.weight"], eps: 1e-5)
                h = zip(h, mixer(w, "backbone.layers.\(i).mixer.", normed)).map(+)
            }
            let hf = rmsnorm(h, rows: len, d: d, w["backbone.norm_f.weight"], eps: 1e-5)
            logits += linear(hf, rows: len, tied ? emb : w["lm_head.weight"], nOut: vocab, nIn: d)
        }
        #expect(out["logits"]!.shape == [batch, len, vocab])
        // f64 on both sides: agreement to rounding.
        #expect(relativeError(out["logits"]!.values, logits) <= 1e-9)
    }
}
