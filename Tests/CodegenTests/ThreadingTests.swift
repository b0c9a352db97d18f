@testable import Codegen
import IR
import Testing

/// Multi-threaded runs: every op kind gives correct results that are bit-identical for 1, 2, 3 and 7
/// threads, and the large cases really are split (observed through the chunk counts the runtime reports).
@Suite struct ThreadingTests {
    static let threadCounts = [1, 2, 3, 7]
    /// Sizes of the leading symbolic dim N; 1000 makes every big kernel ≥ 64 000 elements, above
    /// `Parallelism.minParallelWork`, so threading kicks in.
    static let sizes = [1, 7, 33, 1000, 0]
    static let large = 1000

    /// Runs `c` with each thread count; checks the 1-thread result against the reference and every other
    /// result bit for bit against it. Returns, per thread count, each computing instruction with its chunk count.
    static func runAllThreadCounts(
        _ c: CompiledFunction, inputs: [String: Tensor], params: [String: Tensor] = [:], _ tol: Tolerance, _ note: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> [Int: [(inst: Instruction, chunks: Int)]] {
        var single: [String: Tensor] = [:]
        var chunksByThreads: [Int: [(inst: Instruction, chunks: Int)]] = [:]
        let computing = c.function.body.filter { BufferPlan.needsKernel($0.op) }
        for t in threadCounts {
            let run = try c.execute(inputs: inputs, params: params, threads: t)
            let (out, chunks) = (run.outputs, run.chunks)
            if t == 1 {
                // Correct once; every other thread count must then match it exactly.
                expectMatchesReference(out, c.function, inputs: inputs, params: params, tol, note, sourceLocation: sourceLocation)
                single = out
            } else {
                for (name, tensor) in single.sorted(by: { $0.key < $1.key }) {
                    #expect(out[name].map(bits) == bits(tensor), "output '\(name)' \(note): threads=\(t) differs from 1 thread",
                            sourceLocation: sourceLocation)
                }
            }
            #expect(chunks.count == computing.count, sourceLocation: sourceLocation)
            chunksByThreads[t] = Array(zip(computing, chunks)).map { (inst: $0.0, chunks: $0.1) }
        }
        return chunksByThreads
    }

    /// The exact bits of every element (so -0 vs 0 and NaN payloads count as differences).
    static func bits(_ t: Tensor) -> [UInt64] {
        switch t.storage {
        case .f32(let a): return a.map { UInt64($0.bitPattern) }
        case .f64(let a): return a.map { $0.bitPattern }
        case .i32(let a): return a.map { UInt64(UInt32(bitPattern: $0)) }
        case .i64(let a): return a.map { UInt64(bitPattern: $0) }
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        }
    }

    /// At size `n` with `threads`: every kernel ran as `threads` chunks when n is large, and as one chunk when n is
    /// small.
    static func expectChunking(
        _ runs: [Int: [(inst: Instruction, chunks: Int)]], n: Int,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        for (threads, kernels) in runs {
            for k in kernels {
                let want = n == large && threads > 1 ? threads : 1
                #expect(k.chunks == want, "N=\(n) threads=\(threads): \(k.inst.op.mnemonic) ran as \(k.chunks) chunks",
                        sourceLocation: sourceLocation)
            }
        }
        if n == large {
            #expect(runs[7]!.contains { $0.chunks == 7 }, "threading never kicked in", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: optLevels)
    func elementwiseCastAndPermute(_ opt: Int) throws {
        let unaries = UnaryOp.allCases.enumerated().map { k, u in "  %\(10 + k) = \(u.rawValue) %0 : f32[N, 64]" }
        let outputs = UnaryOp.allCases.indices.map { k in "  output \"u\(k)\" = %\(10 + k)" }
        let f = try function("""
            func @ew {
              %0 = input "x" : f32[N, 64]
              %1 = input "y" : f32[N, 64]
              %2 = input "row" : f32[64]
              %3 = input "z" : f32[N, 4, 16]
              %4 = const 1.5 : f32[]
              %5 = add %0, %1 : f32[N, 64]
              %6 = mul %0, %2 : f32[N, 64]
              %7 = sub %4, %1 : f32[N, 64]
              %8 = cast %0 : i32[N, 64]
              %9 = permute %3 {perm = [2, 0, 1]} : f32[16, N, 4]
            \(unaries.joined(separator: "\n"))
              %30 = cast %0 : bool[N, 64]
              %31 = permute %0 {perm = [1, 0]} : f32[64, N]
              %32 = pow %0, %1 : f32[N, 64]
              output "add" = %5
              output "mul_bcast" = %6
              output "sub_scalar" = %7
              output "to_i32" = %8
              output "perm3" = %9
              output "to_bool" = %30
              output "transpose" = %31
              output "pow" = %32
            \(outputs.joined(separator: "\n"))
            }
            """)
        let c = try CompiledFunction(f, options: .init(optLevel: opt))
        for n in Self.sizes {
            let inputs = [
                "x": tensor(.f32, [n, 64], seed: 1, 0.01, 4), "y": tensor(.f32, [n, 64], seed: 2),
                "row": tensor(.f32, [64], seed: 3), "z": tensor(.f32, [n, 4, 16], seed: 4),
            ]
            let runs = try Self.runAllThreadCounts(c, inputs: inputs, .transcendental(.f32), "O\(opt) N=\(n)")
            // The constant is an immediate of the fused `sub` kernel (FusionPlan), so it splits with it.
            Self.expectChunking(runs, n: n)
        }
    }

    @Test(arguments: optLevels, floatTypes)
    func linearAndMatmul(_ opt: Int, _ dt: DType) throws {
        let f = try function("""
            func @la {
              %0 = input "x" : DT[N, 33]
              %1 = param "w" : DT[64, 33]
              %2 = param "b" : DT[64]
              %3 = linear %0, %1, %2 : DT[N, 64]
              %4 = input "a" : DT[2, N, 33]
              %5 = param "m" : DT[33, 8]
              %6 = matmul %4, %5 : DT[2, N, 8]
              %7 = input "c" : DT[1, 64, 8]
              %8 = matmul %3, %7 : DT[1, N, 8]
              output "lin" = %3
              output "mm" = %6
              output "mm_bcast" = %8
            }
            """, dt)
        let c = try CompiledFunction(f, options: .init(optLevel: opt))
        let params = ["w": tensor(dt, [64, 33], seed: 5), "b": tensor(dt, [64], seed: 6), "m": tensor(dt, [33, 8], seed: 7)]
        for n in Self.sizes {
            let inputs = ["x": tensor(dt, [n, 33], seed: 8), "a": tensor(dt, [2, n, 33], seed: 9),
                          "c": tensor(dt, [1, 64, 8], seed: 10)]
            let runs = try Self.runAllThreadCounts(c, inputs: inputs, params: params, .arithmetic(dt), "O\(opt) N=\(n)")
            Self.expectChunking(runs, n: n)
        }
    }

    @Test(arguments: optLevels, ReduceOp.allCases)
    func reduceAndRMSNorm(_ opt: Int, _ op: ReduceOp) throws {
        let name = "reduce_" + op.rawValue
        let f = try function("""
            func @r {
              %0 = input "x" : f32[N, 7, 64]
              %1 = \(name) %0 {axis = 0, keepdims = false} : f32[7, 64]
              %2 = \(name) %0 {axis = 1, keepdims = true} : f32[N, 1, 64]
              %3 = \(name) %0 {axis = 2, keepdims = false} : f32[N, 7]
              %4 = param "w" : f32[64]
              %5 = rmsnorm %0, %4 {eps = 1e-05} : f32[N, 7, 64]
              output "a0" = %1
              output "a1" = %2
              output "a2" = %3
              output "norm" = %5
            }
            """)
        let c = try CompiledFunction(f, options: .init(optLevel: opt))
        for n in Self.sizes {
            let runs = try Self.runAllThreadCounts(
                c, inputs: ["x": tensor(.f32, [n, 7, 64], seed: 11, -50, 50)], params: ["w": tensor(.f32, [64], seed: 12)],
                .arithmetic(.f32), "O\(opt) N=\(n)")
            // Axis 0 splits the 7·64 positions after the axis (each element still sums in order), the others their rows.
            Self.expectChunking(runs, n: n)
        }
    }

    @Test(arguments: optLevels)
    func scanAlongEveryAxis(_ opt: Int) throws {
        let f = try function("""
            func @s {
              %0 = input "a" : f32[N, 16, 4]
              %1 = input "b" : f32[N, 16, 4]
              %2 = input "h0" : f32[N, 4]
              %3, %4 = scan %0, %1 {axis = 0} : f32[N, 16, 4], f32[16, 4]
              %5, %6 = scan %0, %1, %2 {axis = 1} : f32[N, 16, 4], f32[N, 4]
              %7, %8 = scan %0, %1 {axis = 2} : f32[N, 16, 4], f32[N, 16]
              output "all0" = %3
              output "last0" = %4
              output "all1" = %5
              output "last1" = %6
              output "all2" = %7
              output "last2" = %8
            }
            """)
        let c = try CompiledFunction(f, options: .init(optLevel: opt))
        for n in Self.sizes {
            let inputs = ["a": tensor(.f32, [n, 16, 4], seed: 13, -1, 1), "b": tensor(.f32, [n, 16, 4], seed: 14),
                          "h0": tensor(.f32, [n, 4], seed: 15)]
            let runs = try Self.runAllThreadCounts(c, inputs: inputs, .arithmetic(.f32), "O\(opt) N=\(n)")
            // Axis 0 splits the 16·4 independent sequences after the axis, the others the sequences before it.
            Self.expectChunking(runs, n: n)
        }
    }

    /// A long scan over a small state with a large extent before its axis: only the outer dim splits.
    @Test func partitionedExtentIsTheOuterDimsNotTheElements() throws {
        let f = try function("""
            func @s {
              %0 = input "a" : f32[B, L]
              %1, %2 = scan %0, %0 {axis = 1} : f32[B, L], f32[B]
              output "all" = %1
            }
            """)
        let c = try CompiledFunction(f, options: .init(optLevel: 2))
        // B = 2 < 7 threads: at most 2 chunks even though there are 40 000 elements.
        let inputs = ["a": tensor(.f32, [2, 20_000], seed: 16, -1, 1)]
        let runs = try Self.runAllThreadCounts(c, inputs: inputs, .arithmetic(.f32), "B=2")
        #expect(runs[7]!.map(\.chunks) == [2])
        #expect(runs[3]!.map(\.chunks) == [2])
    }

    @Test func chunksCoverTheExtentContiguously() {
        for extent in Array(0...40) + [1000, 64_001] {
            for chunks in 1...8 {
                let pieces = (0..<chunks).map { Parallelism.chunk($0, of: chunks, extent: extent) }
                #expect(pieces.first!.lowerBound == 0 && pieces.last!.upperBound == extent)
                #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                #expect(pieces.map(\.count).max()! - pieces.map(\.count).min()! <= 1)
            }
        }
    }

    @Test func threadsBelowOneIsAnError() throws {
        let f = try function("""
            func @u {
              %0 = input "x" : f32[N]
              %1 = exp %0 : f32[N]
              output "y" = %1
            }
            """)
        let c = try CompiledFunction(f)
        let x = ["x": tensor(.f32, [4], seed: 17)]
        #expect(errorMessage { _ = try c.run(inputs: x, params: [:], threads: 0) } == "threads must be at least 1, got 0")
        #expect(errorMessage { _ = try c.run(inputs: x, params: [:], threads: -3) } == "threads must be at least 1, got -3")
        #expect(try c.run(inputs: x, params: [:]) == (try c.run(inputs: x, params: [:], threads: 1)))
    }
}
