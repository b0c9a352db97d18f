import Codegen
import IR
import Testing

/// Seeded data on a coarse grid (halves in -3..<3 for floats, integers for ints), so comparisons see ties;
/// with `nan`, every 7th float element is NaN.
func gridTensor(_ dt: DType, _ shape: [Int], seed: UInt64, nan: Bool = false) -> Tensor {
    let v = values(shape.reduce(1, *), seed: seed, -3, 3).enumerated().map { i, x in
        nan && dt.isFloat && i % 7 == 3 ? Double.nan : (x * 2).rounded(.down) / 2
    }
    switch dt {
    case .f32: return try! Tensor(shape: shape, floats: v.map(Float.init))
    case .f64: return try! Tensor(shape: shape, doubles: v)
    case .i32: return try! Tensor(shape: shape, storage: .i32(v.map { Int32($0.rounded(.down)) }))
    case .i64: return try! Tensor(shape: shape, storage: .i64(v.map { Int64($0.rounded(.down)) }))
    case .bool: return try! Tensor(shape: shape, storage: .bool(v.map { $0 > 0 }))
    }
}

/// Integer indices uniform in lo...hi (so they include negative and too-large ones when asked).
func indexTensor(_ dt: DType, _ shape: [Int], seed: UInt64, _ lo: Int, _ hi: Int) -> Tensor {
    let v = values(shape.reduce(1, *), seed: seed, Double(lo), Double(hi + 1)).map { Int64($0.rounded(.down)) }
    return try! Tensor(shape: shape, storage: dt == .i32 ? .i32(v.map { Int32($0) }) : .i64(v))
}

/// compare, select, iota, slice, concat, flip, expand and take against the reference evaluator: every dtype the
/// type rules allow, -O0 and -O3, N = 1, 7, 33, 1000 and 0. Data movement and comparisons must be exact.
@Suite struct PrimitiveTests {
    static let sizes = [1, 7, 33, 1000, 0]
    static let allTypes: [DType] = [.f32, .f64, .i32, .i64, .bool]
    static let numberTypes: [DType] = [.f32, .f64, .i32, .i64]

    /// Compiles `f` at each opt level and checks it exactly against the reference for every N (the reference is
    /// evaluated once per N); `feed(n)` makes the inputs and params.
    static func check(_ f: Function, _ feed: (Int) -> (inputs: [String: Tensor], params: [String: Tensor]),
                      sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let compiled = try optLevels.map { try CompiledFunction(f, options: .init(optLevel: $0)) }
        for n in sizes {
            let (inputs, params) = feed(n)
            let want = Reference.evaluate(f, inputs: inputs, params: params)
            for (opt, c) in zip(optLevels, compiled) {
                let got = try c.run(inputs: inputs, params: params)
                expectMatches(got, want, .exact, "O\(opt) N=\(n)", sourceLocation: sourceLocation)
            }
        }
    }

    static func check(_ f: Function, _ inputs: (Int) -> [String: Tensor],
                      sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        try check(f, { (inputs($0), [:]) }, sourceLocation: sourceLocation)
    }

    @Test(arguments: allTypes)
    func compareWithBroadcastAndNaN(_ dt: DType) throws {
        let ops = CompareOp.allCases.map(\.rawValue)
        var lines: [String] = []
        for (k, op) in ops.enumerated() {
            lines.append("  %\(10 + k) = \(op) %0, %1 : bool[N, 8]")  // same shape: flat loop
            lines.append("  %\(20 + k) = \(op) %4, %2 : bool[N, 8]")  // column against row: both broadcast
            lines.append("  output \"\(op)\" = %\(10 + k)")
            lines.append("  output \"\(op)_outer\" = %\(20 + k)")
        }
        // Fewer kernels for the other broadcast forms (each O3 kernel costs compile time).
        lines += ["  %30 = lt %0, %2 : bool[N, 8]", "  %31 = ne %3, %0 : bool[N, 8]", "  %32 = ge %3, %2 : bool[8]",
                  "  output \"lt_row\" = %30", "  output \"ne_scalar\" = %31", "  output \"ge_scalar_row\" = %32"]
        let f = try function("""
            func @cmp {
              %0 = input "x" : DT[N, 8]
              %1 = input "y" : DT[N, 8]
              %2 = input "row" : DT[8]
              %3 = input "s" : DT[]
              %4 = input "col" : DT[N, 1]
            \(lines.joined(separator: "\n"))
            }
            """, dt)
        try Self.check(f) { n in
            ["x": gridTensor(dt, [n, 8], seed: 1, nan: true), "y": gridTensor(dt, [n, 8], seed: 2, nan: true),
             "row": gridTensor(dt, [8], seed: 3, nan: true), "s": gridTensor(dt, [], seed: 4),
             "col": gridTensor(dt, [n, 1], seed: 5, nan: true)]
        }
    }

    /// NaN against anything: every ordered compare is false, `ne` is true (Swift's and IEEE's operators).
    @Test(arguments: [DType.f32, .f64], optLevels)
    func nanCompares(_ dt: DType, _ opt: Int) throws {
        let ops = CompareOp.allCases
        let f = try function("""
            func @nan {
              %0 = input "x" : DT[6]
              %1 = input "y" : DT[6]
            \(ops.enumerated().map { "  %\(2 + $0) = \($1.rawValue) %0, %1 : bool[6]" }.joined(separator: "\n"))
            \(ops.enumerated().map { "  output \"\($1.rawValue)\" = %\(2 + $0)" }.joined(separator: "\n"))
            }
            """, dt)
        let c = try CompiledFunction(f, options: .init(optLevel: opt))
        let nan = Double.nan
        let x = [nan, nan, 1, -0.0, .infinity, 2], y = [nan, 1, nan, 0, .infinity, 3]
        let ins = ["x": try Tensor(shape: [6], doubles: x).converted(to: dt), "y": try Tensor(shape: [6], doubles: y).converted(to: dt)]
        let got = try c.run(inputs: ins, params: [:])
        for op in ops {
            let want = zip(x, y).map { Reference.compare(op, $0, $1) }
            #expect(got[op.rawValue]?.storage == .bool(want), "\(op) \(dt) O\(opt)")
        }
        #expect(got["ne"]?.storage == .bool([true, true, true, false, false, true]))
        #expect(got["eq"]?.storage == .bool([false, false, false, true, true, false]))
    }

    @Test(arguments: allTypes)
    func selectWithBroadcastCondition(_ dt: DType) throws {
        let f = try function("""
            func @sel {
              %0 = input "c" : bool[N, 8]
              %1 = input "a" : DT[N, 8]
              %2 = input "b" : DT[N, 8]
              %3 = input "ccol" : bool[N, 1]
              %4 = input "brow" : DT[8]
              %5 = input "cs" : bool[]
              %6 = input "bs" : DT[]
              %7 = select %0, %1, %2 : DT[N, 8]
              %8 = select %3, %1, %4 : DT[N, 8]
              %9 = select %5, %6, %1 : DT[N, 8]
              %10 = select %3, %4, %6 : DT[N, 8]
              output "same" = %7
              output "col_cond" = %8
              output "scalar_cond" = %9
              output "outer" = %10
            }
            """, dt)
        try Self.check(f) { n in
            ["c": gridTensor(.bool, [n, 8], seed: 6), "a": gridTensor(dt, [n, 8], seed: 7, nan: true),
             "b": gridTensor(dt, [n, 8], seed: 8), "ccol": gridTensor(.bool, [n, 1], seed: 9),
             "brow": gridTensor(dt, [8], seed: 10), "cs": gridTensor(.bool, [], seed: 11), "bs": gridTensor(dt, [], seed: 12)]
        }
    }

    @Test(arguments: numberTypes)
    func iotaOnEachAxis(_ dt: DType) throws {
        let f = try function("""
            func @iota {
              %0 = input "x" : f32[N]
              %1 = iota {axis = 0} : DT[N, 5]
              %2 = iota {axis = 1} : DT[3, N]
              %3 = iota {axis = 1} : DT[2, N, 3]
              %4 = iota {axis = 2} : DT[2, N, 3]
              %5 = iota {axis = 0} : DT[N]
              output "a0" = %1
              output "a1" = %2
              output "mid" = %3
              output "last" = %4
              output "flat" = %5
            }
            """, dt)
        try Self.check(f) { n in ["x": tensor(.f32, [n], seed: 13)] }
    }

    @Test(arguments: allTypes)
    func sliceWindowsWithZeroFill(_ dt: DType) throws {
        let f = try function("""
            func @slice {
              %0 = input "x" : DT[N, 6]
              %1 = input "y" : DT[2, N, 3]
              %2 = slice %0 {axis = 1, start = 2, from_end = false} : DT[N, 3]
              %3 = slice %0 {axis = 1, start = -2, from_end = false} : DT[N, 6]
              %4 = slice %0 {axis = 1, start = -3, from_end = true} : DT[N, 3]
              %5 = slice %0 {axis = 1, start = 4, from_end = false} : DT[N, 5]
              %6 = slice %0 {axis = 1, start = -2, from_end = false} : DT[N, 10]
              %7 = slice %0 {axis = 1, start = 100, from_end = false} : DT[N, 2]
              %8 = slice %0 {axis = 0, start = 1, from_end = false} : DT[N, 6]
              %9 = slice %0 {axis = 0, start = -1, from_end = true} : DT[1, 6]
              %10 = slice %0 {axis = 0, start = -2, from_end = false} : DT[3, 6]
              %11 = slice %1 {axis = 1, start = -1, from_end = false} : DT[2, N, 3]
              %12 = slice %1 {axis = 1, start = 2, from_end = true} : DT[2, 4, 3]
              %13 = slice %0 {axis = 1, start = -9223372036854775807, from_end = true} : DT[N, 4]
              %14 = slice %0 {axis = 0, start = 9223372036854775000, from_end = false} : DT[2, 6]
              %15 = slice %0 {axis = 1, start = 0, from_end = false} : DT[N, 0]
              output "inner" = %2
              output "causal_shift" = %3
              output "last3" = %4
              output "past_end" = %5
              output "both_sides" = %6
              output "outside" = %7
              output "rows_shift" = %8
              output "last_row" = %9
              output "rows_before" = %10
              output "mid_axis" = %11
              output "from_end_past" = %12
              output "huge_negative" = %13
              output "huge_positive" = %14
              output "empty" = %15
            }
            """, dt)
        try Self.check(f) { n in ["x": gridTensor(dt, [n, 6], seed: 14), "y": gridTensor(dt, [2, n, 3], seed: 15)] }
    }

    @Test(arguments: allTypes)
    func concatOfSeveralOperands(_ dt: DType) throws {
        let f = try function("""
            func @cat {
              %0 = input "x" : DT[N, 2]
              %1 = input "y" : DT[N, 3]
              %2 = input "z" : DT[N, 1]
              %3 = input "e" : DT[N, 0]
              %4 = concat %0, %1, %2 {axis = 1} : DT[N, 6]
              %5 = input "a" : DT[2, N]
              %6 = input "b" : DT[3, N]
              %7 = input "c" : DT[1, N]
              %8 = concat %5, %6, %7 {axis = 0} : DT[6, N]
              %9 = input "p" : DT[N, 2, 4]
              %10 = input "q" : DT[N, 1, 4]
              %11 = concat %9, %10, %9 {axis = 1} : DT[N, 5, 4]
              %12 = concat %3, %0, %3 {axis = 1} : DT[N, 2]
              %13 = concat %1 {axis = 1} : DT[N, 3]
              output "cols" = %4
              output "rows" = %8
              output "mid" = %11
              output "with_empty" = %12
              output "single" = %13
            }
            """, dt)
        try Self.check(f) { n in
            ["x": gridTensor(dt, [n, 2], seed: 16), "y": gridTensor(dt, [n, 3], seed: 17), "z": gridTensor(dt, [n, 1], seed: 18),
             "e": gridTensor(dt, [n, 0], seed: 19), "a": gridTensor(dt, [2, n], seed: 20), "b": gridTensor(dt, [3, n], seed: 21),
             "c": gridTensor(dt, [1, n], seed: 22), "p": gridTensor(dt, [n, 2, 4], seed: 23), "q": gridTensor(dt, [n, 1, 4], seed: 24)]
        }
    }

    @Test(arguments: allTypes)
    func flipOnEachAxis(_ dt: DType) throws {
        let f = try function("""
            func @flip {
              %0 = input "x" : DT[N, 3, 5]
              %1 = input "v" : DT[N]
              %2 = flip %0 {axis = 0} : DT[N, 3, 5]
              %3 = flip %0 {axis = 1} : DT[N, 3, 5]
              %4 = flip %0 {axis = 2} : DT[N, 3, 5]
              %5 = flip %1 {axis = 0} : DT[N]
              output "a0" = %2
              output "a1" = %3
              output "a2" = %4
              output "v" = %5
            }
            """, dt)
        try Self.check(f) { n in ["x": gridTensor(dt, [n, 3, 5], seed: 25, nan: true), "v": gridTensor(dt, [n], seed: 26)] }
    }

    @Test(arguments: allTypes)
    func expandScalarsAndSizeOneDims(_ dt: DType) throws {
        let f = try function("""
            func @expand {
              %0 = input "s" : DT[]
              %1 = input "row" : DT[4]
              %2 = input "col" : DT[N, 1]
              %3 = input "one" : DT[1, 4]
              %4 = input "x" : DT[N, 4]
              %5 = expand %0 : DT[N, 4]
              %6 = expand %1 : DT[N, 4]
              %7 = expand %2 : DT[N, 4]
              %8 = expand %3 : DT[2, N, 4]
              %9 = expand %4 : DT[N, 4]
              %10 = expand %2 : DT[3, N, 1]
              %11 = expand %0 : DT[]
              output "scalar" = %5
              output "row" = %6
              output "col" = %7
              output "one" = %8
              output "same" = %9
              output "lead" = %10
              output "scalar0" = %11
            }
            """, dt)
        try Self.check(f) { n in
            ["s": gridTensor(dt, [], seed: 27), "row": gridTensor(dt, [4], seed: 28), "col": gridTensor(dt, [n, 1], seed: 29),
             "one": gridTensor(dt, [1, 4], seed: 30), "x": gridTensor(dt, [n, 4], seed: 31)]
        }
    }

    @Test(arguments: allTypes, [DType.i32, .i64])
    func takeWithOutOfRangeIndices(_ dt: DType, _ it: DType) throws {
        let f = try function("""
            func @take {
              %0 = input "x" : DT[N, 5]
              %1 = input "cols" : IT[7]
              %2 = take %0, %1 {axis = 1} : DT[N, 7]
              %3 = param "table" : DT[10, 4]
              %4 = input "ids" : IT[N, 3]
              %5 = take %3, %4 {axis = 0} : DT[N, 3, 4]
              %6 = input "y" : DT[2, 10, 3]
              %7 = input "mid" : IT[N]
              %8 = take %6, %7 {axis = 1} : DT[2, N, 3]
              %9 = input "one" : IT[]
              %10 = take %3, %9 {axis = 0} : DT[4]
              %11 = take %0, %1 {axis = 0} : DT[7, 5]
              output "cols" = %2
              output "embed" = %5
              output "mid" = %8
              output "scalar_id" = %10
              output "rows_of_n" = %11
            }
            """.replacingOccurrences(of: "IT", with: it.rawValue), dt)
        try Self.check(f) { n in
            (["x": gridTensor(dt, [n, 5], seed: 32), "cols": indexTensor(it, [7], seed: 33, -3, 7),
              "ids": indexTensor(it, [n, 3], seed: 34, -2, 12), "y": gridTensor(dt, [2, 10, 3], seed: 35),
              "mid": indexTensor(it, [n], seed: 36, -1, 10), "one": indexTensor(it, [], seed: 37, 0, 9)],
             ["table": gridTensor(dt, [10, 4], seed: 38)])
        }
    }

    /// Extreme index values (and an empty table) read zeros, never memory outside x.
    @Test(arguments: [DType.i32, .i64])
    func takeExtremeIndices(_ it: DType) throws {
        let f = try function("""
            func @take {
              %0 = input "x" : f32[N, 3]
              %1 = input "ids" : IT[6]
              %2 = take %0, %1 {axis = 0} : f32[6, 3]
              output "y" = %2
            }
            """.replacingOccurrences(of: "IT", with: it.rawValue))
        let extremes: [Int64] = it == .i32 ? [Int64(Int32.min), -1, 0, 1, 2, Int64(Int32.max)] : [.min, -1, 0, 1, 2, .max]
        let ids = try Tensor(shape: [6], storage: it == .i32 ? .i32(extremes.map { Int32($0) }) : .i64(extremes))
        for opt in optLevels {
            let c = try CompiledFunction(f, options: .init(optLevel: opt))
            for n in [0, 1, 2, 3] {
                try checkAgainstReference(c, inputs: ["x": gridTensor(.f32, [n, 3], seed: 39), "ids": ids], .exact, "O\(opt) N=\(n)")
            }
        }
    }
}
