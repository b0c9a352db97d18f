import Testing

@testable import IR

// The FLOP counter's conventions, on hand-countable functions.

@Test func flopCountOfLinearElementwiseAndReduce() throws {
    let f = try parseFunction("""
        func @f {
          %0 = input "x" : f32[B, L, 8]
          %1 = param "w" : f32[16, 8]
          %2 = param "b" : f32[16]
          %3 = linear %0, %1, %2 : f32[B, L, 16]
          %4 = exp %3 : f32[B, L, 16]
          %5 = permute %4 {perm = [0, 2, 1]} : f32[B, 16, L]
          %6 = reduce_sum %5 {axis = 2, keepdims = false} : f32[B, 16]
          output "y" = %6
        }
        """)
    let c = try #require(FlopCount(f, bindings: ["B": 2, "L": 5]))
    // linear: 2·(2·5·16)·8 + 2·5·16 (bias); exp: 160; permute: 0; reduce: 160 operand elements.
    #expect(c.byOp["linear", default: -1] == 2 * 160 * 8 + 160)
    #expect(c.byOp["exp", default: -1] == 160)
    #expect(c.byOp["permute"] == nil)
    #expect(c.byOp["reduce_sum", default: -1] == 160)
    #expect(c.total == 2720 + 160 + 160)
    // An unbound symbol: no count.
    #expect(FlopCount(f, bindings: ["B": 2]) == nil)
}

@Test func flopCountOfMixersByTheirDirectAlgorithm() throws {
    let f = try parseFunction("""
        func @m {
          %0 = input "dt" : f32[B, L, 8, 1]
          %1 = param "A" : f32[1, 1, 8, 16]
          %2 = input "b" : f32[B, L, 1, 16]
          %3 = input "c" : f32[B, L, 1, 16]
          %4 = input "x" : f32[B, L, 8, 1]
          %5, %6 = ssm_scan_exp %0, %1, %2, %3, %4 : f32[B, L, 8, 1], f32[B, 8, 1, 16]
          %7 = input "q" : f32[B, L, 2, 4]
          %8 = attention %7, %7, %7 {causal = true, scale = 0.5} : f32[B, L, 2, 4]
          %9 = input "k" : f32[3]
          %10 = input "u" : f32[B, 2, L]
          %11 = toeplitz %9, %10 {causal = true} : f32[B, 2, L]
          output "y" = %5
          output "a" = %8
          output "t" = %11
        }
        """)
    let c = try #require(FlopCount(f, bindings: ["B": 1, "L": 6]))
    // S6: 5 per (B, L, H, P, N) = 5·6·8·1·16, plus Δ·A and exp per (B, L, H, N) = 2·6·8·16.
    #expect(c.byOp["ssm_scan_exp", default: -1] == 5 * 6 * 8 * 16 + 2 * 6 * 8 * 16)
    // Causal attention at L = 6: 21 pairs per (batch, head), each 2·4 + 3 + 2·4.
    #expect(c.byOp["attention", default: -1] == 2 * 21 * 19)
    // Causal Toeplitz with 3 taps at L = 6: 1 + 2 + 3·4 = 15 terms per channel, 2 channels, 2 flops a term.
    #expect(c.byOp["toeplitz", default: -1] == 2 * 2 * 15)
    #expect(FlopCount.causalPairs(6, 3) == 15)
    #expect(FlopCount.causalPairs(3, 6) == 6)
}
