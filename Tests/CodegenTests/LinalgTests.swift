import Codegen
import IR
import Testing

@Suite struct LinalgTests {
    @Test(arguments: floatTypes)
    func linearWithAndWithoutBias(_ dt: DType) throws {
        let f = try function("""
            func @lin {
              %0 = input "x" : DT[B, L, 33]
              %1 = param "w" : DT[5, 33]
              %2 = param "b" : DT[5]
              %3 = linear %0, %1, %2 : DT[B, L, 5]
              %4 = linear %0, %1 : DT[B, L, 5]
              %5 = input "v" : DT[7]
              %6 = param "w2" : DT[1000, 7]
              %7 = linear %5, %6 : DT[1000]
              output "biased" = %3
              output "plain" = %4
              output "vector" = %7
            }
            """, dt)
        let params = ["w": tensor(dt, [5, 33], seed: 11), "b": tensor(dt, [5], seed: 12), "w2": tensor(dt, [1000, 7], seed: 13)]
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            for (b, l) in [(1, 1), (2, 7), (0, 3), (3, 0), (1, 1000)] {
                try checkAgainstReference(
                    c, inputs: ["x": tensor(dt, [b, l, 33], seed: 14), "v": tensor(dt, [7], seed: 15)], params: params,
                    .arithmetic(dt), "O\(opt) B=\(b) L=\(l)")
            }
        }
    }

    @Test(arguments: floatTypes)
    func matmulWithBroadcastBatch(_ dt: DType) throws {
        let f = try function("""
            func @mm {
              %0 = input "a" : DT[B, M, 7]
              %1 = param "w" : DT[7, 33]
              %2 = matmul %0, %1 : DT[B, M, 33]
              %3 = input "c" : DT[2, 1, 3, 4]
              %4 = input "d" : DT[5, 4, B]
              %5 = matmul %3, %4 : DT[2, 5, 3, B]
              %6 = input "e" : DT[1, M, 4]
              %7 = input "g" : DT[B, 4, 2]
              %8 = matmul %6, %7 : DT[B, M, 2]
              %9 = input "p" : DT[M, 1]
              %10 = input "q" : DT[1, M]
              %11 = matmul %9, %10 : DT[M, M]
              output "shared_weight" = %2
              output "four_d" = %5
              output "left_broadcast" = %8
              output "outer" = %11
            }
            """, dt)
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            for (b, m) in [(1, 1), (3, 7), (0, 2), (2, 0), (1, 33)] {
                let inputs = [
                    "a": tensor(dt, [b, m, 7], seed: 21), "c": tensor(dt, [2, 1, 3, 4], seed: 22),
                    "d": tensor(dt, [5, 4, b], seed: 23), "e": tensor(dt, [1, m, 4], seed: 24),
                    "g": tensor(dt, [b, 4, 2], seed: 25), "p": tensor(dt, [m, 1], seed: 26), "q": tensor(dt, [1, m], seed: 27),
                ]
                try checkAgainstReference(c, inputs: inputs, params: ["w": tensor(dt, [7, 33], seed: 28)],
                                          .arithmetic(dt), "O\(opt) B=\(b) M=\(m)")
            }
        }
    }

    @Test func longDotProductAccumulatesSequentially() throws {
        // 1000-term f32 sums: the reference accumulates fused multiply-adds in index order in f32, as the GEMM
        // promises for every blocking and thread count, so a reassociating reduction would show up as a mismatch far
        // above 1e-6.
        let f = try function("""
            func @dot {
              %0 = input "x" : DT[R, 1000]
              %1 = param "w" : DT[3, 1000]
              %2 = linear %0, %1 : DT[R, 3]
              %3 = input "y" : DT[R, 1000]
              %4 = param "k" : DT[1000, 2]
              %5 = matmul %3, %4 : DT[R, 2]
              output "lin" = %2
              output "mm" = %5
            }
            """)
        let inputs = ["x": tensor(.f32, [4, 1000], seed: 31, -100, 100), "y": tensor(.f32, [4, 1000], seed: 32, -100, 100)]
        let params = ["w": tensor(.f32, [3, 1000], seed: 33), "k": tensor(.f32, [1000, 2], seed: 34)]
        try checkAgainstReference(try CompiledFunction(f, options: .init(optLevel: 3)), inputs: inputs, params: params,
                                  .init(rtol: 1e-6, atol: 0))
    }
}
