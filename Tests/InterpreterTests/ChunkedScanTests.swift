import Foundation
import IR
import Testing

@testable import Interpreter

// Chunked SSD (ssm_scan_chunked) is the recurrence (ssm_scan) computed another way: in f64 the two agree to rounding
// (1e-12 relative to the largest output: sums of a few hundred terms of size ≤ 10), at every chunk size — 1 (every
// step its own chunk), sizes that do not divide L, one chunk longer than L — with an initial state, broadcast
// operands (decay over the batch, b and c shared by the heads) and at L = 0 and 1.
@Test(arguments: [1, 3, 4, 64])
func chunkedScanIsTheRecurrence(chunk: Int) throws {
    let f = try parseFunction("""
        func @ssd {
          %0 = input "a" : f64[1, L, 3, 1]
          %1 = input "b" : f64[2, L, 1, 5]
          %2 = input "c" : f64[2, L, 1, 5]
          %3 = input "x" : f64[2, L, 3, 4]
          %4 = input "h0" : f64[2, 3, 4, 5]
          %5, %6 = ssm_scan %0, %1, %2, %3, %4 : f64[2, L, 3, 4], f64[2, 3, 4, 5]
          %7, %8 = ssm_scan_chunked %0, %1, %2, %3, %4 {chunk = \(chunk)} : f64[2, L, 3, 4], f64[2, 3, 4, 5]
          %9, %10 = ssm_scan %0, %1, %2, %3 : f64[2, L, 3, 4], f64[2, 3, 4, 5]
          %11, %12 = ssm_scan_chunked %0, %1, %2, %3 {chunk = \(chunk)} : f64[2, L, 3, 4], f64[2, 3, 4, 5]
          output "y" = %5
          output "h" = %6
          output "y_chunked" = %7
          output "h_chunked" = %8
          output "y0" = %9
          output "h0_" = %10
          output "y0_chunked" = %11
          output "h0_chunked" = %12
        }
        """)
    for len in [0, 1, 5, 13] {
        var rng = SeededRandom(seed: UInt64(len * 10 + chunk))
        let inputs = [
            "a": rng.tensor([1, len, 3, 1], 0.5, 1).converted(to: .f64), "b": rng.tensor([2, len, 1, 5]).converted(to: .f64),
            "c": rng.tensor([2, len, 1, 5]).converted(to: .f64), "x": rng.tensor([2, len, 3, 4]).converted(to: .f64),
            "h0": rng.tensor([2, 3, 4, 5]).converted(to: .f64),
        ]
        let out = try Interpreter(precision: .f64).run(f, inputs: inputs, params: [:])
        for (direct, chunked) in [("y", "y_chunked"), ("h", "h_chunked"), ("y0", "y0_chunked"), ("h0_", "h0_chunked")] {
            let err = maxRelativeError(out[chunked]!.doubles(), out[direct]!.doubles(), floor: 1)
            #expect(err < 1e-12, "\(chunked) chunk=\(chunk) L=\(len): \(err)")
        }
    }
}

@Test func chunkedScanTypeRules() throws {
    // A per-state decay (Mamba's S6) has no chunked form.
    #expect(throws: (any Error).self) {
        try parseFunction("""
            func @s6 {
              %0 = input "a" : f32[1, L, 3, 5]
              %1 = input "x" : f32[1, L, 3, 1]
              %2, %3 = ssm_scan_chunked %0, %0, %0, %1 {chunk = 4} : f32[1, L, 3, 1], f32[1, 3, 1, 5]
              output "y" = %2
            }
            """)
    }
    #expect(throws: (any Error).self) {
        try parseFunction("""
            func @zero {
              %0 = input "a" : f32[1, L, 3, 1]
              %1, %2 = ssm_scan_chunked %0, %0, %0, %0 {chunk = 0} : f32[1, L, 3, 1], f32[1, 3, 1, 1]
              output "y" = %1
            }
            """)
    }
}
