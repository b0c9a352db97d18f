import Codegen
import IR
import Testing

@Suite struct ReduceTests {
    @Test(arguments: ReduceOp.allCases, floatTypes)
    func everyAxisWithAndWithoutKeepdims(_ op: ReduceOp, _ dt: DType) throws {
        let name = "reduce_" + op.rawValue
        let f = try function("""
            func @r {
              %0 = input "x" : DT[B, 7, L]
              %1 = \(name) %0 {axis = 0, keepdims = false} : DT[7, L]
              %2 = \(name) %0 {axis = 0, keepdims = true} : DT[1, 7, L]
              %3 = \(name) %0 {axis = 1, keepdims = false} : DT[B, L]
              %4 = \(name) %0 {axis = 1, keepdims = true} : DT[B, 1, L]
              %5 = \(name) %0 {axis = 2, keepdims = false} : DT[B, 7]
              %6 = \(name) %0 {axis = 2, keepdims = true} : DT[B, 7, 1]
              output "a0" = %1
              output "a0k" = %2
              output "a1" = %3
              output "a1k" = %4
              output "a2" = %5
              output "a2k" = %6
            }
            """, dt)
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            // (3, 0) and (0, 4): empty axes give 0 (sum), NaN (mean) and -inf (max).
            for (b, l) in [(1, 1), (2, 33), (3, 0), (0, 4), (1, 1000)] {
                try checkAgainstReference(c, inputs: ["x": tensor(dt, [b, 7, l], seed: 41, -50, 50)],
                                          .arithmetic(dt), "O\(opt) B=\(b) L=\(l)")
            }
        }
    }

    @Test(arguments: floatTypes)
    func rmsnorm(_ dt: DType) throws {
        let f = try function("""
            func @n {
              %0 = input "x" : DT[B, L, 33]
              %1 = param "w" : DT[33]
              %2 = rmsnorm %0, %1 {eps = 1e-05} : DT[B, L, 33]
              %3 = input "y" : DT[B, 1000]
              %4 = param "w2" : DT[1000]
              %5 = rmsnorm %3, %4 {eps = 0.5} : DT[B, 1000]
              output "n" = %2
              output "wide" = %5
            }
            """, dt)
        let params = ["w": tensor(dt, [33], seed: 51), "w2": tensor(dt, [1000], seed: 52)]
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            for (b, l) in [(1, 1), (2, 7), (0, 3), (3, 0)] {
                let inputs = ["x": tensor(dt, [b, l, 33], seed: 53), "y": tensor(dt, [b, 1000], seed: 54)]
                try checkAgainstReference(c, inputs: inputs, params: params, .arithmetic(dt), "O\(opt) B=\(b) L=\(l)")
            }
        }
    }
}
