import Codegen
import IR
import Testing

@Suite struct ElementwiseTests {
    /// Input range per function: positive for log/sqrt/rsqrt, wide for softplus (both sides of 20).
    static func domain(_ op: UnaryOp) -> (Double, Double) {
        switch op {
        case .log, .sqrt, .rsqrt: return (0.01, 50)
        case .softplus: return (-30, 30)
        case .exp: return (-20, 20)
        default: return (-6, 6)
        }
    }

    @Test(arguments: UnaryOp.allCases, floatTypes)
    func unary(_ op: UnaryOp, _ dt: DType) throws {
        let f = try function("""
            func @u {
              %0 = input "x" : DT[N]
              %1 = \(op.rawValue) %0 : DT[N]
              output "y" = %1
            }
            """, dt)
        let (lo, hi) = Self.domain(op)
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))  // once, for every N below
            for n in [1, 7, 33, 1000, 0] {
                try checkAgainstReference(c, inputs: ["x": tensor(dt, [n], seed: UInt64(n), lo, hi)],
                                          .transcendental(dt), "O\(opt) N=\(n)")
            }
        }
    }

    @Test(arguments: floatTypes)
    func softplusThresholdIsExact(_ dt: DType) throws {
        let f = try function("""
            func @u {
              %0 = input "x" : DT[N]
              %1 = softplus %0 : DT[N]
              output "y" = %1
            }
            """, dt)
        let xs: [Double] = [19.5, 20, 20.000001, 25, -25, 0, -0.0]
        let x = dt == .f32 ? try Tensor(shape: [xs.count], floats: xs.map(Float.init)) : try Tensor(shape: [xs.count], doubles: xs)
        for opt in optLevels {
            try checkAgainstReference(try CompiledFunction(f, options: .init(optLevel: opt)), inputs: ["x": x], .transcendental(dt))
        }
    }

    @Test(arguments: BinaryOp.allCases, floatTypes)
    func binaryWithBroadcasting(_ op: BinaryOp, _ dt: DType) throws {
        let f = try function("""
            func @b {
              %0 = input "x" : DT[N, M]
              %1 = input "y" : DT[N, M]
              %2 = input "col" : DT[N, 1]
              %3 = input "row" : DT[M]
              %4 = const 1.5 : DT[]
              %5 = \(op.rawValue) %0, %1 : DT[N, M]
              %6 = \(op.rawValue) %0, %3 : DT[N, M]
              %7 = \(op.rawValue) %2, %3 : DT[N, M]
              %8 = \(op.rawValue) %4, %0 : DT[N, M]
              %9 = \(op.rawValue) %1, %2 : DT[N, M]
              output "same" = %5
              output "row" = %6
              output "outer" = %7
              output "scalar" = %8
              output "col" = %9
            }
            """, dt)
        // pow needs positive bases to stay real; the others see both signs.
        let (lo, hi) = op == .pow ? (0.1, 3.0) : (-3.0, 3.0)
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            for (n, m) in [(1, 1), (7, 33), (3, 1000), (1000, 1), (0, 5), (4, 0)] {
                let inputs = [
                    "x": tensor(dt, [n, m], seed: 1, lo, hi), "y": tensor(dt, [n, m], seed: 2, lo, hi),
                    "col": tensor(dt, [n, 1], seed: 3, lo, hi), "row": tensor(dt, [m], seed: 4, lo, hi),
                ]
                let tol: Tolerance = op == .pow ? .transcendental(dt) : .arithmetic(dt)
                try checkAgainstReference(c, inputs: inputs, tol, "O\(opt) N=\(n) M=\(m)")
            }
        }
    }

    @Test(arguments: floatTypes)
    func broadcastBothWaysInThreeDims(_ dt: DType) throws {
        let f = try function("""
            func @b {
              %0 = input "x" : DT[B, 1, L]
              %1 = input "y" : DT[1, 4, L]
              %2 = mul %0, %1 : DT[B, 4, L]
              %3 = sub %1, %0 : DT[B, 4, L]
              output "m" = %2
              output "s" = %3
            }
            """, dt)
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            for (b, l) in [(1, 1), (3, 33), (2, 0), (0, 7)] {
                try checkAgainstReference(
                    c, inputs: ["x": tensor(dt, [b, 1, l], seed: 5), "y": tensor(dt, [1, 4, l], seed: 6)],
                    .arithmetic(dt), "O\(opt) B=\(b) L=\(l)")
            }
        }
    }

    @Test func constantsOfEveryDType() throws {
        let f = try parseFunction("""
            func @c {
              %0 = const 2.5 : f32[]
              %1 = const -3.7 : i32[]
              %2 = const 1 : bool[]
              %3 = const 0.1 : f64[]
              %4 = const 7 : i64[]
              output "f" = %0
              output "i" = %1
              output "b" = %2
              output "d" = %3
              output "l" = %4
            }
            """)
        for opt in optLevels {
            let out = try CompiledFunction(f, options: .init(optLevel: opt)).run(inputs: [:], params: [:])
            #expect(out["f"] == (try Tensor(shape: [], floats: [2.5])))
            #expect(out["i"] == (try Tensor(shape: [], storage: .i32([-3]))))
            #expect(out["b"] == (try Tensor(shape: [], storage: .bool([true]))))
            #expect(out["d"] == (try Tensor(shape: [], doubles: [0.1])))
            #expect(out["l"] == (try Tensor(shape: [], storage: .i64([7]))))
        }
    }
}
