import Codegen
import IR
import Testing

@Suite struct CastTests {
    @Test func castsBetweenAllDTypes() throws {
        let f = try parseFunction("""
            func @c {
              %0 = input "x" : f32[N]
              %1 = cast %0 : i32[N]
              %2 = cast %0 : i64[N]
              %3 = cast %0 : f64[N]
              %4 = cast %0 : bool[N]
              %5 = input "i" : i32[N]
              %6 = cast %5 : f32[N]
              %7 = cast %5 : i64[N]
              %8 = cast %5 : bool[N]
              %9 = input "d" : f64[N]
              %10 = cast %9 : f32[N]
              %11 = cast %9 : i32[N]
              %12 = input "m" : bool[N]
              %13 = cast %12 : f64[N]
              %14 = cast %12 : i64[N]
              %15 = cast %7 : i32[N]
              %16 = cast %7 : bool[N]
              %17 = cast %0 : f32[N]
              output "f32_i32" = %1
              output "f32_i64" = %2
              output "f32_f64" = %3
              output "f32_bool" = %4
              output "i32_f32" = %6
              output "i32_i64" = %7
              output "i32_bool" = %8
              output "f64_f32" = %10
              output "f64_i32" = %11
              output "bool_f64" = %13
              output "bool_i64" = %14
              output "i64_i32" = %15
              output "i64_bool" = %16
              output "same" = %17
            }
            """)
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            for n in [1, 7, 33, 1000, 0] {
                let inputs = [
                    "x": tensor(.f32, [n], seed: 81, -50, 50), "i": tensor(.i32, [n], seed: 82, -50, 50),
                    "d": tensor(.f64, [n], seed: 83, -50, 50), "m": tensor(.bool, [n], seed: 84),
                ]
                try checkAgainstReference(c, inputs: inputs, .exact, "O\(opt) N=\(n)")
            }
        }
    }

    @Test func floatToIntTruncatesTowardZeroAndNeverTraps() throws {
        let f = try parseFunction("""
            func @c {
              %0 = input "x" : f32[N]
              %1 = cast %0 : i32[N]
              %2 = cast %0 : bool[N]
              output "i" = %1
              output "b" = %2
            }
            """)
        let xs: [Float] = [2.9, -2.9, 0.5, -0.5, 0, .nan, .infinity, -.infinity, 1e20]
        let out = try CompiledFunction(f).run(inputs: ["x": try Tensor(shape: [xs.count], floats: xs)], params: [:])
        // Saturating conversion: NaN → 0, ±inf and overflow clamp (LLVM's fptosi.sat).
        #expect(out["i"] == (try Tensor(shape: [9], storage: .i32([2, -2, 0, 0, 0, 0, .max, .min, .max]))))
        #expect(out["b"] == (try Tensor(shape: [9], storage: .bool([true, true, true, true, false, true, true, true, true]))))
    }
}
