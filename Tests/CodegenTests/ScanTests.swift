import Codegen
import IR
import Testing

@Suite struct ScanTests {
    @Test(arguments: floatTypes)
    func scanWithAndWithoutInitialState(_ dt: DType) throws {
        let f = try function("""
            func @s {
              %0 = input "a" : DT[B, L, 4]
              %1 = input "b" : DT[B, L, 4]
              %2 = input "h0" : DT[B, 4]
              %3, %4 = scan %0, %1 {axis = 1} : DT[B, L, 4], DT[B, 4]
              %5, %6 = scan %0, %1, %2 {axis = 1} : DT[B, L, 4], DT[B, 4]
              %7 = input "decay" : DT[L, 1]
              %8, %9 = scan %7, %1 {axis = 1} : DT[B, L, 4], DT[B, 4]
              %10, %11 = scan %0, %1 {axis = 0} : DT[B, L, 4], DT[L, 4]
              %12 = input "h0last" : DT[B, L]
              %13, %14 = scan %0, %1, %12 {axis = 2} : DT[B, L, 4], DT[B, L]
              output "all" = %3
              output "last" = %4
              output "all_h0" = %5
              output "last_h0" = %6
              output "all_bcast" = %8
              output "last_bcast" = %9
              output "all_axis0" = %10
              output "last_axis0" = %11
              output "all_axis2" = %13
              output "last_axis2" = %14
            }
            """, dt)
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            // L = 0: the last state is h0 (or zeros) and the sequence output is empty.
            for (b, l) in [(1, 1), (2, 7), (3, 0), (0, 5), (1, 1000)] {
                let inputs = [
                    "a": tensor(dt, [b, l, 4], seed: 71, -1, 1), "b": tensor(dt, [b, l, 4], seed: 72),
                    "h0": tensor(dt, [b, 4], seed: 73), "decay": tensor(dt, [l, 1], seed: 74, 0, 1),
                    "h0last": tensor(dt, [b, l], seed: 75),
                ]
                try checkAgainstReference(c, inputs: inputs, .arithmetic(dt), "O\(opt) B=\(b) L=\(l)")
            }
        }
    }

    @Test func emptyAxisReturnsInitialStateOrZeros() throws {
        let f = try function("""
            func @s {
              %0 = input "a" : f32[L, 2]
              %1 = input "h0" : f32[2]
              %2, %3 = scan %0, %0, %1 {axis = 0} : f32[L, 2], f32[2]
              %4, %5 = scan %0, %0 {axis = 0} : f32[L, 2], f32[2]
              output "h0" = %3
              output "zeros" = %5
            }
            """)
        let out = try CompiledFunction(f).run(
            inputs: ["a": try Tensor(shape: [0, 2], floats: []), "h0": try Tensor(shape: [2], floats: [3, -4])], params: [:])
        #expect(out["h0"] == (try Tensor(shape: [2], floats: [3, -4])))
        #expect(out["zeros"] == (try Tensor(shape: [2], floats: [0, 0])))
    }
}
