import Codegen
import IR
import Testing

@Suite struct LayoutTests {
    @Test(arguments: floatTypes)
    func permuteAndReshape(_ dt: DType) throws {
        let f = try function("""
            func @p {
              %0 = input "x" : DT[B, 3, L, 5]
              %1 = permute %0 {perm = [2, 0, 3, 1]} : DT[L, B, 5, 3]
              %2 = reshape %0 : DT[B, 15, L]
              %3 = reshape %1 : DT[L, B, 15]
              %4 = const 1 : DT[]
              %5 = add %2, %4 : DT[B, 15, L]
              %6 = permute %5 {perm = [2, 1, 0]} : DT[L, 15, B]
              output "p" = %1
              output "r" = %2
              output "rp" = %3
              output "s" = %6
              output "x" = %0
            }
            """, dt)
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            for (b, l) in [(1, 1), (2, 7), (0, 3), (3, 0), (2, 33)] {
                try checkAgainstReference(c, inputs: ["x": tensor(dt, [b, 3, l, 5], seed: 61)], .exact, "O\(opt) B=\(b) L=\(l)")
            }
        }
    }

    /// Transposing permutes run in 16×16 tiles (LowerLayout.swift): sizes around the tile edges, tiles that cross
    /// the outer rows, and thread chunks that start inside a tile all copy exactly, for any thread count.
    @Test func tiledTransposes() throws {
        let f = try function("""
            func @t {
              %0 = input "x" : f32[B, C, L]
              %1 = permute %0 {perm = [0, 2, 1]} : f32[B, L, C]
              %2 = permute %0 {perm = [2, 0, 1]} : f32[L, B, C]
              %3 = reshape %0 : f32[B, C, L, 1]
              %4 = permute %3 {perm = [0, 2, 3, 1]} : f32[B, L, 1, C]
              output "t" = %1
              output "u" = %2
              output "v" = %4
            }
            """)
        for opt in [0, 3] {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            for (b, ch, l) in [(1, 16, 16), (2, 17, 33), (3, 5, 40), (1, 1000, 70), (2, 15, 1)] {
                let x = tensor(.f32, [b, ch, l], seed: 63)
                _ = try ThreadingTests.runAllThreadCounts(c, inputs: ["x": x], .exact, "O\(opt) \(b)×\(ch)×\(l)")
            }
        }
    }

    @Test(arguments: [DType.i32, .i64, .bool])
    func permuteNonFloat(_ dt: DType) throws {
        let f = try function("""
            func @p {
              %0 = input "x" : DT[N, 4]
              %1 = permute %0 {perm = [1, 0]} : DT[4, N]
              %2 = reshape %1 : DT[2, N, 2]
              output "p" = %2
            }
            """, dt)
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            for n in [1, 7, 0] {
                try checkAgainstReference(c, inputs: ["x": tensor(dt, [n, 4], seed: 62, -100, 100)], .exact)
            }
        }
    }
}
