import Foundation
import IR
import Testing

@testable import Interpreter

/// mamba_ssm's selective_scan_ref written directly (B/C shared, z gate, delta_bias + softplus, D skip), in double.
private func selectiveScanReference(
    u: [Double], delta: [Double], A: [Double], B: [Double], C: [Double], D: [Double], z: [Double], bias: [Double],
    batch: Int, dim: Int, n: Int, len: Int
) -> (y: [Double], state: [Double]) {
    var y = [Double](repeating: 0, count: batch * dim * len)
    var state = [Double](repeating: 0, count: batch * dim * n)
    for b in 0..<batch {
        for d in 0..<dim {
            var h = [Double](repeating: 0, count: n)
            for t in 0..<len {
                let i = (b * dim + d) * len + t
                let x = delta[i] + bias[d]
                let dt = x > 20 ? x : log1p(exp(x))
                var acc = 0.0
                for s in 0..<n {
                    h[s] = exp(dt * A[d * n + s]) * h[s] + dt * B[(b * n + s) * len + t] * u[i]
                    acc += h[s] * C[(b * n + s) * len + t]
                }
                let zi = z[i]
                y[i] = (acc + D[d] * u[i]) * (zi / (1 + exp(-zi)))
            }
            for s in 0..<n { state[(b * dim + d) * n + s] = h[s] }
        }
    }
    return (y, state)
}

/// (batch, dim, d_state, seqlen, seed), including L = 1 and sizes that are not multiples of anything.
private let shapes: [(Int, Int, Int, Int, UInt64)] = [(1, 1, 1, 1, 1), (2, 3, 5, 7, 2), (3, 8, 4, 33, 3), (1, 16, 16, 64, 4)]

@Test(arguments: shapes)
func selectiveScanModelMatchesReference(_ shape: (Int, Int, Int, Int, UInt64)) throws {
    let (batch, dim, n, len, seed) = shape
    let source = try String(contentsOf: repoRoot.appendingPathComponent("models/selective_scan.seq"), encoding: .utf8)
    let f = try lower(source, ["dim": .int(dim), "d_state": .int(n)])
    var rng = SeededRandom(seed: seed)
    let inputs: [String: Tensor] = [
        "u": rng.tensor([batch, dim, len]), "delta": rng.tensor([batch, dim, len], -3, 1),
        "B": rng.tensor([batch, n, len]), "C": rng.tensor([batch, n, len]), "z": rng.tensor([batch, dim, len]),
    ]
    let params: [String: Tensor] = [
        "A": rng.tensor([dim, n], -2, -0.1), "D": rng.tensor([dim]), "delta_bias": rng.tensor([dim], -1, 0.5),
    ]
    let ref = selectiveScanReference(
        u: inputs["u"]!.doubles(), delta: inputs["delta"]!.doubles(), A: params["A"]!.doubles(),
        B: inputs["B"]!.doubles(), C: inputs["C"]!.doubles(), D: params["D"]!.doubles(), z: inputs["z"]!.doubles(),
        bias: params["delta_bias"]!.doubles(), batch: batch, dim: dim, n: n, len: len)

    // In f64 the model computes exactly the reference's operations: agreement to rounding (1e-12 relative).
    let exact = try Interpreter(precision: .f64).run(f, inputs: inputs, params: params)
    #expect(maxRelativeError(exact["y"]!.doubles(), ref.y) < 1e-12)
    #expect(maxRelativeError(exact["ssm_state"]!.doubles(), ref.state) < 1e-12)

    // In f32 each op rounds to f32; over a 64-step recurrence the error stays near f32 epsilon (1e-4 relative,
    // with a 1e-3 floor for values near zero).
    let native = try Interpreter().run(f, inputs: inputs, params: params)
    #expect(native["y"]!.dtype == .f32)
    #expect(maxRelativeError(native["y"]!.doubles(), ref.y) < 1e-4)
    #expect(maxRelativeError(native["ssm_state"]!.doubles(), ref.state) < 1e-4)
}
