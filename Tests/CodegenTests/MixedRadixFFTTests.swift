// The mixed-radix FFT (Emitter+FFT.swift: radix 4, 2, 3, 5 Stockham stages) and its length rule (FFTLength.swift,
// Emitter+FFTLength.swift). The rule is checked in Swift against a brute-force search; the kernels through
// toeplitz_fft against the interpreter's direct convolution (ToeplitzFFTTests' model and inputs) at lengths whose
// transform has radix-3 and radix-5 stages, and through rfft/irfft (FourierCodegenTests' check). The run-time rule
// is held to the Swift one by bits: a kernel whose length is known when it is compiled (Swift rule) and one where it
// is symbolic (emitted rule) give bit-identical results only if they transform at the same length.
//
// Tolerances are those of ToeplitzFFTTests and FourierCodegenTests (2e-5 of the output scale in f32, 1e-12 / 1e-11
// in f64); with M ≤ 6000 here the rounding (ε times the number of stages) stays well inside them.
import IR
import Testing

@testable import Codegen
@testable import Interpreter

@Suite struct MixedRadixFFTTests {
    static func isFiveSmooth(_ m: Int) -> Bool {
        var n = m
        for p in [2, 3, 5] { while n > 0 && n % p == 0 { n /= p } }
        return n == 1
    }

    @Test func lengthRuleMatchesABruteForceSearch() {
        for x in -2...3000 {
            let f = fftLengthFactors(atLeast: x)
            #expect(f.points == fastFFTLength(atLeast: x))
            #expect(f.points >= max(x, 1) && Self.isFiveSmooth(f.points), "x=\(x) → \(f.points)")
            var power = 1
            for _ in 0..<f.twos { power *= 2 }
            for _ in 0..<f.threes { power *= 3 }
            for _ in 0..<f.fives { power *= 5 }
            #expect(power == f.points, "x=\(x): factors \(f)")
            // No 5-smooth length ≥ x up to the power of two ≥ x is cheaper (or as cheap and shorter).
            var limit = 1
            while limit < x { limit *= 2 }
            let best = FFTCost.of(f)
            let better = Self.smooth.first { m in
                m >= x && m <= limit && (FFTCost.of(Self.factors(m)) < best || (FFTCost.of(Self.factors(m)) == best && m < f.points))
            }
            #expect(better == nil, "x=\(x): \(better ?? 0) beats \(f.points)")
        }
    }

    static let smooth = (1...4096).filter(isFiveSmooth)

    static func factors(_ m: Int) -> FFTFactors {
        var f = FFTFactors(points: m, twos: 0, threes: 0, fives: 0), n = m
        while n % 2 == 0 { n /= 2; f.twos += 1 }
        while n % 3 == 0 { n /= 3; f.threes += 1 }
        while n % 5 == 0 { n /= 5; f.fives += 1 }
        return f
    }

    @Test func stagesFollowTheRule() {
        #expect(fftStages(points: 1) == [])
        #expect(fftStages(points: 2) == [2])
        #expect(fftStages(points: 8192) == [4, 4, 4, 4, 4, 4, 2])
        #expect(fftStages(points: 60) == [4, 3, 5])
        #expect(fftStages(points: 90) == [2, 3, 3, 5])
        #expect(fftStages(points: 1500) == [4, 3, 5, 5, 5])
        #expect(fftStages(points: 7) == nil)
        #expect(fftStages(points: 0) == nil)
        #expect(fftStages(points: 3 * 5 * 7) == nil)
        for m in 1...5000 where Self.isFiveSmooth(m) {
            let stages = fftStages(points: m)!
            #expect(stages.reduce(1, *) == m)
            #expect(stages == stages.sorted { [4, 2, 3, 5].firstIndex(of: $0)! < [4, 2, 3, 5].firstIndex(of: $1)! })
            #expect(stages.filter { $0 == 2 }.count <= 1)
        }
    }

    /// Sequence lengths whose causal or bidirectional convolution with K = L taps (M ≥ L) transforms at a mixed-radix
    /// length by the rule: M = 48 (stages 4 4 3), 80 (4 4 5), 96 (4 4 2 3), 144 (4 4 3 3), 160 (4 4 2 5), 240
    /// (4 4 3 5), 400 (4 4 5 5), 432 (4 4 3 3 3); 97 and 105 pad to 128. The rule never picks a length with
    /// fewer than four factors of two and a factor 3 or 5 (lengthRuleKeepsTheVectorStride), so no other stages run.
    static let lengths = [40, 70, 90, 97, 105, 140, 150, 200, 350, 420]
    /// Longer ones, held to the JIT's direct convolution in f64 (bit-identical to the interpreter's,
    /// MixerTests.f64ConvolutionIsExact, and fast enough for a test): M = 480 (4 4 2 3 5), 1024, 1600 (4 4 4 5 5),
    /// 2160 (4 4 3 3 3 5), 3072 (4 4 4 4 4 3), 6000 (4 4 3 5 5 5).
    static let longLengths = [470, 1000, 1500, 2100, 3000, 6000]

    /// Radix 2, 3 and 5 stages run at strides of at least 16 (the vector loop's), never below: every length the rule
    /// picks with a factor 3 or 5 has at least four factors of two.
    @Test func lengthRuleKeepsTheVectorStride() {
        for x in 1...20000 {
            let f = fftLengthFactors(atLeast: x)
            #expect(f.threes + f.fives == 0 || f.twos >= 4, "x=\(x) → \(f)")
        }
    }

    @Test func lengthsCoverEveryRadix() {
        let points = (Self.lengths + Self.longLengths).map { fastFFTLength(atLeast: $0) }
        #expect(Set(points.flatMap { fftStages(points: $0)! }) == [2, 3, 4, 5])
        #expect(points.filter { $0 & ($0 - 1) != 0 }.count == points.count - 3)  // all but 97, 105 and 1000
    }

    @Test(arguments: [DType.f32, .f64])
    func agreesWithDirectConvolution(dtype: DType) throws {
        let f = try function(ToeplitzFFTTests.source, dtype)
        let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: 2))
        for len in Self.lengths {
            for taps in [len, 3, len + 5, 1] {
                let inputs = ToeplitzFFTTests.inputs(f, dtype, len: len, taps: taps, seed: UInt64(len * 37 + taps))
                let expected = try Interpreter().run(f, inputs: inputs, params: [:])
                let got = try compiled.run(inputs: inputs, params: [:])
                expectClose(got, expected, tol: mixerTolerance(dtype), "toeplitz_fft \(dtype) L=\(len) K=\(taps)")
            }
        }
    }

    @Test(arguments: [DType.f32, .f64])
    func agreesWithDirectConvolutionWhenLong(dtype: DType) throws {
        func model(_ op: String, _ dt: DType) throws -> CompiledFunction {
            let flags = op == "toeplitz_fft" ? ", skip = false" : ""
            return try CompiledFunction(function("""
                func @c {
                  %0 = input "k" : DT[2, L]
                  %1 = input "kr" : DT[2, L]
                  %2 = input "x" : DT[2, 2, L]
                  %3 = \(op) %0, %2 {causal = true\(flags)} : DT[2, 2, L]
                  %4 = \(op) %0, %1, %2 {causal = false\(flags)} : DT[2, 2, L]
                  output "causal" = %3
                  output "bidir" = %4
                }
                """, dt), options: CodegenOptions(optLevel: 2))
        }
        let (fft, direct) = (try model("toeplitz_fft", dtype), try model("toeplitz", .f64))
        for len in Self.longLengths {
            let inputs = ["k": tensor(dtype, [2, len], seed: 5, -1, 1), "kr": tensor(dtype, [2, len], seed: 6, -1, 1),
                          "x": tensor(dtype, [2, 2, len], seed: 7, -1, 1)]
            let expected = try direct.run(inputs: inputs.mapValues { $0.converted(to: .f64) }, params: [:])
            expectClose(try fft.run(inputs: inputs, params: [:]), expected.mapValues { $0.converted(to: dtype) },
                        tol: mixerTolerance(dtype), "toeplitz_fft \(dtype) L=\(len)")
        }
    }

    /// Lengths known at compile time take the Swift rule, symbolic ones the emitted rule: the same bits.
    @Test func runTimeRuleIsTheSwiftRule() throws {
        let source = """
            func @fft {
              %0 = input "k" : f32[2, L]
              %1 = input "kr" : f32[2, L]
              %2 = input "x" : f32[1, 2, L]
              %3 = toeplitz_fft %0, %2 {causal = true, skip = false} : f32[1, 2, L]
              %4 = toeplitz_fft %0, %1, %2 {causal = false, skip = false} : f32[1, 2, L]
              output "causal" = %3
              output "bidir" = %4
            }
            """
        let symbolic = try CompiledFunction(function(source), options: CodegenOptions(optLevel: 2))
        for len in [1, 2, 7, 33, 97, 161, 257, 500, 1025, 3000] {
            let known = try CompiledFunction(function(source.replacingOccurrences(of: "L]", with: "\(len)]")),
                                             options: CodegenOptions(optLevel: 2))
            let inputs = ["k": tensor(.f32, [2, len], seed: 1, -1, 1), "kr": tensor(.f32, [2, len], seed: 2, -1, 1),
                          "x": tensor(.f32, [1, 2, len], seed: 3, -1, 1)]
            let a = try symbolic.run(inputs: inputs, params: [:]), b = try known.run(inputs: inputs, params: [:])
            for name in ["causal", "bidir"] {
                #expect(ThreadingTests.bits(a[name]!) == ThreadingTests.bits(b[name]!), "L=\(len) \(name)")
            }
        }
    }

    /// Rows split over threads give the same bits as one thread at mixed-radix lengths, both directions.
    @Test func threadCountsAreBitIdentical() throws {
        let f = try function("""
            func @fft {
              %0 = input "k" : f32[H, L]
              %1 = input "kr" : f32[H, L]
              %2 = input "x" : f32[2, H, L]
              %3 = toeplitz_fft %0, %1, %2 {causal = false, skip = false} : f32[2, H, L]
              output "y" = %3
            }
            """)
        let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: 2))
        for len in [45, 1500] {
            let inputs = ["k": tensor(.f32, [12, len], seed: 1, -1, 1), "kr": tensor(.f32, [12, len], seed: 4, -1, 1),
                          "x": tensor(.f32, [2, 12, len], seed: 2, -1, 1)]
            let one = try compiled.execute(inputs: inputs, params: [:], threads: 1).outputs
            for t in [2, 3, 7] {
                let many = try compiled.execute(inputs: inputs, params: [:], threads: t).outputs
                #expect(many["y"].map(ThreadingTests.bits) == ThreadingTests.bits(one["y"]!), "L=\(len) threads=\(t)")
            }
        }
    }

    /// rfft/irfft at sizes whose Bluestein length P ≥ 2n − 1 is mixed radix (P = 80, 96, 144, 240, 400, 432, 480, 1440).
    @Test(arguments: [DType.f32, .f64])
    func fourierAtMixedRadixLengths(dtype: DType) throws {
        let sizes = [40, 47, 70, 100, 200, 216, 240, 650]
        #expect(sizes.allSatisfy { fftStages(points: fastFFTLength(atLeast: 2 * $0 - 1))!.contains { $0 == 3 || $0 == 5 } })
        try FourierCodegenTests.checkAgainstTheInterpreter(dtype, sizes: sizes)
    }
}
