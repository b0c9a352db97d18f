// rfft and irfft through the JIT (LowerFourier.swift: Bluestein over the mixed-radix FFT) against the interpreter's
// direct DFT sums (Interpreter/Fourier.swift): lengths n prime, 2^k, 2^k ± 1, 3·5·7, 1 and 0; x shorter and longer
// than n (zero-padded / cut); the transform along the last and a middle axis; a round trip irfft(rfft(x)) = x.
//
// Tolerance: |JIT − interpreter| ≤ tol · scale with tol = 2e-5 in f32 and 1e-11 in f64 and scale = the largest
// |interpreter| value over all outputs of the case (an output that is zero by symmetry, such as the imaginary parts
// when n = 2, carries only rounding noise, so its own scale would be that noise): the interpreter sums in double
// and rounds once; the JIT rounds at every butterfly (ε·log2 P relative to the line's norm, with P ≤ 512 here) and
// in its chirp (cos/sin of reduced angles in f64, rounded once).
import IR
import Testing

@testable import Codegen
@testable import Interpreter

@Suite struct FourierCodegenTests {
    static func model(n: String) -> String {
        """
        func @fourier {
          %0 = input "x" : DT[2, 3, L]
          %1 = input "xm" : DT[2, L, 3]
          %2, %3 = rfft %0 {axis = 2, n = \(n)} : DT[2, 3, B], DT[2, 3, B]
          %4 = irfft %2, %3 {axis = 2, n = \(n)} : DT[2, 3, \(n)]
          %5, %6 = rfft %1 {axis = 1, n = \(n)} : DT[2, B, 3], DT[2, B, 3]
          %7 = irfft %5, %6 {axis = 1, n = \(n)} : DT[2, \(n), 3]
          output "re" = %2
          output "im" = %3
          output "back" = %4
          output "re_mid" = %5
          output "im_mid" = %6
          output "back_mid" = %7
        }
        """
    }

    static let sizes = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 64, 97, 105, 127, 128, 129, 255]

    @Test(arguments: [DType.f32, .f64])
    func agreesWithTheInterpreter(dtype: DType) throws {
        try Self.checkAgainstTheInterpreter(dtype, sizes: Self.sizes)
    }

    static func checkAgainstTheInterpreter(_ dtype: DType, sizes: [Int]) throws {
        let tol = dtype == .f32 ? 2e-5 : 1e-11
        for n in sizes {
            let f = try function(Self.model(n: String(n)).replacingOccurrences(of: "B", with: String(n / 2 + 1)), dtype)
            let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: 2))
            // x as long as n, shorter (zero-padded) and longer (cut).
            for len in Set([n, max(n - 3, 0), n + 4]) {
                let inputs = ["x": tensor(dtype, [2, 3, len], seed: UInt64(n * 7 + len), -1, 1),
                              "xm": tensor(dtype, [2, len, 3], seed: UInt64(n * 11 + len), -1, 1)]
                let expected = try Interpreter().run(f, inputs: inputs, params: [:])
                let got = try compiled.run(inputs: inputs, params: [:])
                let scale = expected.values.flatMap { $0.doubles() }.map(Swift.abs).max() ?? 0
                for (name, e) in expected {
                    let g = got[name]!
                    #expect(g.shape == e.shape, "\(name)")
                    let err = zip(g.doubles(), e.doubles()).map { Swift.abs($0 - $1) }.max() ?? 0
                    #expect(err <= tol * scale, "\(dtype) n=\(n) L=\(len) '\(name)': error \(err) > \(tol) × \(scale)")
                }
            }
        }
    }

    /// irfft(rfft(x, n), n) = x for x of length n (odd and even n), through the JIT alone.
    @Test func roundTripIsTheIdentity() throws {
        for n in [5, 12, 100, 243] {
            let f = try function(Self.model(n: String(n)).replacingOccurrences(of: "B", with: String(n / 2 + 1)), .f32)
            let x = tensor(.f32, [2, 3, n], seed: 3, -1, 1)
            let out = try CompiledFunction(f).run(inputs: ["x": x, "xm": tensor(.f32, [2, n, 3], seed: 4, -1, 1)], params: [:])
            let back = out["back"]!.doubles(), want = x.doubles()
            let err = zip(back, want).map { Swift.abs($0 - $1) }.max() ?? 0
            #expect(err < 1e-5, "n=\(n): max error \(err)")
        }
    }

    /// Lines are split across threads with the same bits as one thread.
    @Test func threadCountsAreBitIdentical() throws {
        let f = try function(Self.model(n: "60").replacingOccurrences(of: "B", with: "31"), .f32)
        let compiled = try CompiledFunction(f)
        // x longer than n (cut), so the lines carry enough work to be split.
        let inputs = ["x": tensor(.f32, [2, 3, 3000], seed: 1, -1, 1), "xm": tensor(.f32, [2, 3000, 3], seed: 2, -1, 1)]
        let one = try compiled.execute(inputs: inputs, params: [:], threads: 1).outputs
        let two = try compiled.execute(inputs: inputs, params: [:], threads: 2).outputs
        for (name, t) in one { #expect(two[name].map(ThreadingTests.bits) == ThreadingTests.bits(t), "\(name)") }
    }
}
