@testable import Codegen
import IR
import Testing

/// The data-movement and selection kernels on 1, 2, 3 and 7 threads: correct once, then bit-identical for every
/// thread count, and really split at N = 1000 (every kernel here has a partitioned extent of at least 16 and
/// touches at least 16 000 elements there).
@Suite struct PrimitiveThreadingTests {
    @Test(arguments: optLevels, [DType.f32, .f64, .i32])
    func primitivesSplitBitIdentically(_ opt: Int, _ dt: DType) throws {
        let f = try function("""
            func @prims {
              %0 = input "x" : DT[N, 64]
              %1 = input "y" : DT[N, 64]
              %2 = input "row" : DT[64]
              %3 = input "c" : bool[N, 1]
              %4 = input "ids" : i32[N]
              %5 = input "cols" : i64[16]
              %6 = input "a" : DT[8, N, 8]
              %7 = input "s" : DT[]
              %10 = lt %0, %1 : bool[N, 64]
              %11 = ne %0, %2 : bool[N, 64]
              %12 = select %3, %0, %2 : DT[N, 64]
              %13 = select %10, %0, %1 : DT[N, 64]
              %14 = iota {axis = 1} : DT[N, 64]
              %15 = iota {axis = 0} : DT[N, 64]
              %16 = slice %0 {axis = 1, start = -3, from_end = false} : DT[N, 64]
              %17 = slice %0 {axis = 0, start = -5, from_end = false} : DT[N, 64]
              %18 = slice %0 {axis = 0, start = -40, from_end = true} : DT[N, 64]
              %19 = concat %0, %1, %0 {axis = 1} : DT[N, 192]
              %20 = concat %6, %6 {axis = 0} : DT[16, N, 8]
              %21 = flip %0 {axis = 0} : DT[N, 64]
              %22 = flip %0 {axis = 1} : DT[N, 64]
              %23 = expand %2 : DT[N, 64]
              %24 = expand %7 : DT[N, 64]
              %25 = take %0, %4 {axis = 0} : DT[N, 64]
              %26 = take %0, %5 {axis = 1} : DT[N, 16]
              output "lt" = %10
              output "ne" = %11
              output "sel_col" = %12
              output "sel_same" = %13
              output "iota1" = %14
              output "iota0" = %15
              output "shift" = %16
              output "rows" = %17
              output "last_rows" = %18
              output "cat1" = %19
              output "cat0" = %20
              output "flip0" = %21
              output "flip1" = %22
              output "exp_row" = %23
              output "exp_scalar" = %24
              output "gather_rows" = %25
              output "gather_cols" = %26
            }
            """, dt)
        let c = try CompiledFunction(f, options: .init(optLevel: opt))
        for n in ThreadingTests.sizes {
            let inputs = [
                "x": gridTensor(dt, [n, 64], seed: 40, nan: true), "y": gridTensor(dt, [n, 64], seed: 41),
                "row": gridTensor(dt, [64], seed: 42), "c": gridTensor(.bool, [n, 1], seed: 43),
                "ids": indexTensor(.i32, [n], seed: 44, -3, n + 3), "cols": indexTensor(.i64, [16], seed: 45, -2, 70),
                "a": gridTensor(dt, [8, n, 8], seed: 46), "s": gridTensor(dt, [], seed: 47),
            ]
            let runs = try ThreadingTests.runAllThreadCounts(c, inputs: inputs, .exact, "\(dt) O\(opt) N=\(n)")
            ThreadingTests.expectChunking(runs, n: n)
        }
    }
}
