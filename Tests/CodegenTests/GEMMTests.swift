@testable import Codegen
import IR
import Interpreter
import Testing

/// The blocked GEMM (docs/GEMM.md) behind linear and matmul, against the float64 interpreter: sizes that are
/// multiples of no tile (1 … 257 in each of M, N, K, crossing the KC = 256 depth block and the NC column block),
/// empty dims, batched and broadcast matmul, f32 and f64, symbolic and known dims, and 1, 2 and 3 threads giving
/// the same bits.
///
/// Tolerance: the rounding-error bound of a dot product, not a guess. The GEMM forms each element as a chain of k
/// fused multiply-adds then + bias, so |ŷ − y| ≤ γ(k+1) · (Σ_p |a_ip||b_pj| + |bias_j|) with γ(n) = n·u/(1 − n·u) and
/// u the unit roundoff (2⁻²⁴ f32, 2⁻⁵³ f64). The interpreter's float64 result obeys the same bound with u = 2⁻⁵³,
/// so the test allows twice γ(k+1) of the dtype times the magnitudes, which it gets by running the interpreter on
/// |a|, |b| and |bias|. A wrong index or a lost block shows up as an error of the order of the magnitudes.
@Suite struct GEMMTests {
    static let awkward = [1, 3, 7, 17, 33, 65, 129, 257]

    /// Each awkward size in each of M, N, K (the other two awkward as well), and cubes up to 65.
    static let shapes: [(m: Int, n: Int, k: Int)] =
        awkward.flatMap { s in [(s, 17, 33), (7, s, 65), (33, 17, s)] } + awkward.filter { $0 <= 65 }.map { ($0, $0, $0) }

    /// %3 = x · wᵀ + b with every dim symbolic.
    static let biasedLinear = """
          %0 = input "x" : DT[M, K]
          %1 = input "w" : DT[N, K]
          %2 = input "b" : DT[N]
          %3 = linear %0, %1, %2 : DT[M, N]
        """

    @Test(arguments: floatTypes)
    func linearAwkwardSizes(_ dt: DType) throws {
        let f = try function("""
            func @lin {
            \(Self.biasedLinear)
              %4 = linear %0, %1 : DT[M, N]
              output "biased" = %3
              output "plain" = %4
            }
            """, dt)
        let c = try CompiledFunction(f, options: .init(optLevel: 3))
        var split = false
        for (m, n, k) in Self.shapes + [(0, 5, 3), (4, 0, 3), (5, 9, 0), (300, 40, 2)] {
            let inputs = ["x": tensor(dt, [m, k], seed: 1), "w": tensor(dt, [n, k], seed: 2), "b": tensor(dt, [n], seed: 3)]
            split = try Self.check(c, inputs: inputs, params: [:], depth: k, "M=\(m) N=\(n) K=\(k)") || split
        }
        #expect(split, "no case ran on more than one thread")
    }

    /// Known dims take other paths: the pack depth is K itself when K < KC, and the block counts fold.
    @Test(arguments: optLevels, floatTypes)
    func linearKnownDims(_ opt: Int, _ dt: DType) throws {
        let f = try function("""
            func @lin {
              %0 = input "x" : DT[B, L, 7]
              %1 = param "w" : DT[33, 7]
              %2 = param "b" : DT[33]
              %3 = linear %0, %1, %2 : DT[B, L, 33]
              %4 = input "z" : DT[L, 300]
              %5 = param "v" : DT[17, 300]
              %6 = linear %4, %5 : DT[L, 17]
              %7 = input "u" : DT[1]
              %8 = param "s" : DT[1000, 1]
              %9 = linear %7, %8 : DT[1000]
              output "narrow" = %3
              output "deep" = %6
              output "single" = %9
            }
            """, dt)
        let c = try CompiledFunction(f, options: .init(optLevel: opt))
        let params = ["w": tensor(dt, [33, 7], seed: 4), "b": tensor(dt, [33], seed: 5), "v": tensor(dt, [17, 300], seed: 6),
                      "s": tensor(dt, [1000, 1], seed: 7)]
        for (b, l) in [(1, 1), (2, 13), (3, 65), (0, 4)] {
            let inputs = ["x": tensor(dt, [b, l, 7], seed: 8), "z": tensor(dt, [l, 300], seed: 9), "u": tensor(dt, [1], seed: 10)]
            _ = try Self.check(c, inputs: inputs, params: params, depth: 300, "O\(opt) B=\(b) L=\(l)")
        }
    }

    @Test(arguments: floatTypes)
    func matmulBatchedAndBroadcast(_ dt: DType) throws {
        let f = try function("""
            func @mm {
              %0 = input "a" : DT[B, M, K]
              %1 = input "w" : DT[K, N]
              %2 = matmul %0, %1 : DT[B, M, N]
              %3 = input "c" : DT[B, K, N]
              %4 = matmul %0, %3 : DT[B, M, N]
              %5 = input "e" : DT[1, M, K]
              %6 = matmul %5, %3 : DT[B, M, N]
              %7 = input "g" : DT[2, 1, M, K]
              %8 = input "h" : DT[3, K, N]
              %9 = matmul %7, %8 : DT[2, 3, M, N]
              %10 = input "p" : DT[1, K, N]
              %11 = matmul %0, %10 : DT[B, M, N]
              output "shared" = %2
              output "batched" = %4
              output "left_broadcast" = %6
              output "outer_batch" = %9
              output "unit_batch" = %11
            }
            """, dt)
        let c = try CompiledFunction(f, options: .init(optLevel: 3))
        var split = false
        for (bt, m, n, k) in [(1, 1, 1, 1), (2, 7, 17, 3), (3, 33, 5, 65), (2, 65, 33, 257), (1, 129, 40, 7), (2, 0, 3, 4), (0, 3, 4, 5)] {
            let inputs = [
                "a": tensor(dt, [bt, m, k], seed: 11), "w": tensor(dt, [k, n], seed: 12), "c": tensor(dt, [bt, k, n], seed: 13),
                "e": tensor(dt, [1, m, k], seed: 14), "g": tensor(dt, [2, 1, m, k], seed: 15), "h": tensor(dt, [3, k, n], seed: 16),
                "p": tensor(dt, [1, k, n], seed: 17),
            ]
            split = try Self.check(c, inputs: inputs, params: [:], depth: k, "B=\(bt) M=\(m) N=\(n) K=\(k)") || split
        }
        #expect(split, "no case ran on more than one thread")
    }

    /// The tiles of other hosts, compiled here: 512-bit vectors with 32 registers (14 × 32 f32 tiles, AVX-512's) and
    /// 128-bit with 16 (SSE's). LLVM splits or keeps the vectors for this CPU, so only the tiling differs.
    @Test(arguments: [HostVectors.Shape(bytes: 64, registers: 32), HostVectors.Shape(bytes: 16, registers: 16)], floatTypes)
    func otherVectorWidths(_ shape: HostVectors.Shape, _ dt: DType) throws {
        let f = try function("""
            func @lin {
            \(Self.biasedLinear)
              %4 = input "a" : DT[B, M, K]
              %5 = input "c" : DT[B, K, N]
              %6 = matmul %4, %5 : DT[B, M, N]
              output "linear" = %3
              output "matmul" = %6
            }
            """, dt)
        let c = try HostVectors.$override.withValue(shape) { try CompiledFunction(f, options: .init(optLevel: 3)) }
        // The override reached the plan: the packed-B scratch slots have the other tiling's depth KC.
        let tiling = GEMMTiling(dt, vectorBytes: shape.bytes, registers: shape.registers)
        #expect(tiling != GEMMTiling.host(dt))
        let scratch = c.plan.types[c.plan.values.count...]
        #expect(scratch.count == 2 && scratch.allSatisfy { $0.shape.last == .known(tiling.kc) }, "\(Array(scratch))")
        for (m, n, k) in [(1, 1, 1), (15, 33, 7), (29, 65, 129), (3, 200, 300)] {
            let inputs = ["x": tensor(dt, [m, k], seed: 21), "w": tensor(dt, [n, k], seed: 22), "b": tensor(dt, [n], seed: 23),
                          "a": tensor(dt, [2, m, k], seed: 24), "c": tensor(dt, [2, k, n], seed: 25)]
            _ = try Self.check(c, inputs: inputs, params: [:], depth: k, "\(shape.bytes)-byte vectors M=\(m) N=\(n) K=\(k)")
        }
    }

    /// Runs `c` on 1, 2 and 3 threads: the 1-thread outputs within the error bound of the interpreter's, the others
    /// bit for bit equal to them. Returns whether any kernel ran in more than one chunk.
    static func check(_ c: CompiledFunction, inputs: [String: Tensor], params: [String: Tensor], depth k: Int,
                      _ note: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Bool {
        let exact = try Interpreter().run(c.function, inputs: inputs, params: params)
        let magnitude = try Interpreter().run(c.function, inputs: inputs.mapValues(absolute), params: params.mapValues(absolute))
        var single: [String: Tensor] = [:]
        var split = false
        for threads in [1, 2, 3] {
            let run = try c.execute(inputs: inputs, params: params, threads: threads)
            let (out, chunks) = (run.outputs, run.chunks)
            split = split || chunks.contains { $0 > 1 }
            if threads == 1 {
                single = out
                for (name, got) in out {
                    expectWithinBound(got, exact[name]!, magnitude[name]!, depth: k, "\(note) output '\(name)'",
                                      sourceLocation: sourceLocation)
                }
            } else {
                for (name, t) in single {
                    let (got, want) = (out[name].map(ThreadingTests.bits) ?? [], ThreadingTests.bits(t))
                    if let i = (0..<min(got.count, want.count)).first(where: { got[$0] != want[$0] }) ?? (got.count == want.count ? nil : got.count) {
                        Issue.record("\(note) output '\(name)': threads=\(threads) differs from 1 thread at element \(i)",
                                     sourceLocation: sourceLocation)
                    }
                }
            }
        }
        return split
    }

    static func absolute(_ t: Tensor) -> Tensor {
        try! Tensor(shape: t.shape, doubles: t.doubles().map(abs)).converted(to: t.dtype)
    }

    /// |got − exact| ≤ 2 γ(k+1) · magnitude, element by element (see the suite's comment).
    static func expectWithinBound(_ got: Tensor, _ exact: Tensor, _ magnitude: Tensor, depth k: Int, _ what: String,
                                  sourceLocation: Testing.SourceLocation) {
        #expect(got.shape == exact.shape, "\(what): shape \(got.shape) vs \(exact.shape)", sourceLocation: sourceLocation)
        let u = got.dtype == .f32 ? 0x1p-24 : 0x1p-53
        let n = Double(k + 1)
        let gamma = n * u / (1 - n * u)
        let (g, e, m) = (got.doubles(), exact.doubles(), magnitude.doubles())
        for i in 0..<min(g.count, e.count) where !(abs(g[i] - e[i]) <= 2 * gamma * m[i]) {
            Issue.record("\(what): element \(i) is \(g[i]), interpreter \(e[i]), bound \(2 * gamma * m[i])",
                         sourceLocation: sourceLocation)
            return
        }
    }
}
