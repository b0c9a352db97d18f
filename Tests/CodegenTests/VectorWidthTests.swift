// The vector kernels take their width from the host (HostVectors: 64 bytes with AVX-512, 32 with AVX2, 16 else).
// Compiled here as if for the other widths (LLVM splits vectors wider than the host's registers, so the code still
// runs): the S6 and SSD lane kernels, flash attention, the in-register elementwise math and the register transposes
// agree with the interpreter at every width, including lane blocks and tiles that do not fill.
import IR
import Interpreter
import Testing

@testable import Codegen

@Suite struct VectorWidthTests {
    static let source = """
        func @widths {
          %0 = input "dt" : DT[2, L, 13, 1]
          %1 = input "A" : DT[1, 1, 13, 16]
          %2 = input "b" : DT[2, L, 1, 16]
          %3 = input "c" : DT[2, L, 1, 16]
          %4 = input "x" : DT[2, L, 13, 1]
          %5 = input "A1" : DT[1, 1, 13, 1]
          %6 = input "x32" : DT[2, L, 13, 32]
          %7 = input "q" : DT[2, L, 4, 16]
          %8 = input "k" : DT[2, L, 2, 16]
          %9 = input "u" : DT[2, 37, L]
          %10, %11 = ssm_scan_exp %0, %1, %2, %3, %4 : DT[2, L, 13, 1], DT[2, 13, 1, 16]
          %12, %13 = ssm_scan_exp %0, %5, %2, %3, %6 {reverse = true} : DT[2, L, 13, 32], DT[2, 13, 32, 16]
          %14 = attention %7, %8, %8 {causal = true, scale = 0.25} : DT[2, L, 4, 16]
          %15 = permute %9 {perm = [0, 2, 1]} : DT[2, L, 37]
          %16 = softplus %15 : DT[2, L, 37]
          %17 = silu %9 : DT[2, 37, L]
          output "s6" = %10
          output "s6_last" = %11
          output "ssd" = %12
          output "ssd_last" = %13
          output "attention" = %14
          output "softplus_t" = %16
          output "silu" = %17
        }
        """

    @Test(arguments: [64, 16], [DType.f32, .f64])
    func kernelsAgreeAtOtherWidths(_ bytes: Int, _ dt: DType) throws {
        let f = try function(Self.source, dt)
        let model = MixerModel(name: "widths", source: "", symbols: { ["L": $0] },
                               ranges: ["dt": 0...1, "A": -3...0.05, "A1": -3...0.05])
        try HostVectors.$override.withValue(.init(bytes: bytes, registers: bytes == 64 ? 32 : 16)) {
            let c = try CompiledFunction(f, options: .init(optLevel: 3))
            for len in [1, 40] {
                let inputs = mixerInputs(model, f, dt, len: len, seed: UInt64(bytes + len))
                let expected = try Interpreter().run(f, inputs: inputs, params: [:])
                let got = try c.run(inputs: inputs, params: [:])
                expectClose(got, expected, tol: mixerTolerance(dt), "\(bytes)-byte vectors \(dt) L=\(len)")
            }
        }
    }
}
