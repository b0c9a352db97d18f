// The JIT against the reference interpreter for compare, select, iota, slice, concat, flip, expand and take, written
// as IR text (the .seq language of this branch has no builtins for them yet). Every dtype each op allows, -O0 and
// -O3, N = 1, 7, 33 and 1000. These ops move or compare values without arithmetic, so agreement must be exact.
import IR
import Testing

@testable import Codegen
@testable import Interpreter

/// One IR function per op family; `DT` becomes the dtype, `IT` the index dtype of take.
private let primitiveModels: [(name: String, types: [DType], source: String)] = [
    ("compare", [.f32, .f64, .i32, .i64, .bool], """
        func @compare {
          %0 = input "x" : DT[2, N]
          %1 = input "y" : DT[N]
          %2 = input "s" : DT[]
          %3 = lt %0, %1 : bool[2, N]
          %4 = le %0, %1 : bool[2, N]
          %5 = gt %1, %0 : bool[2, N]
          %6 = ge %0, %2 : bool[2, N]
          %7 = eq %0, %1 : bool[2, N]
          %8 = ne %0, %1 : bool[2, N]
          %9 = ne %0, %0 : bool[2, N]
          output "lt" = %3
          output "le" = %4
          output "gt" = %5
          output "ge" = %6
          output "eq" = %7
          output "ne" = %8
          output "self_ne" = %9
        }
        """),
    ("select", [.f32, .f64, .i32, .i64, .bool], """
        func @select {
          %0 = input "c" : bool[2, N]
          %1 = input "a" : DT[2, N]
          %2 = input "b" : DT[N]
          %3 = input "cs" : bool[]
          %4 = input "crow" : bool[N]
          %5 = select %0, %1, %2 : DT[2, N]
          %6 = select %3, %2, %1 : DT[2, N]
          %7 = select %4, %1, %2 : DT[2, N]
          output "same" = %5
          output "scalar" = %6
          output "row" = %7
        }
        """),
    ("iota", [.f32, .f64, .i32, .i64], """
        func @iota {
          %0 = input "x" : f32[N]
          %1 = iota {axis = 0} : DT[N, 3]
          %2 = iota {axis = 1} : DT[2, N]
          output "a0" = %1
          output "a1" = %2
        }
        """),
    ("slice", [.f32, .f64, .i32, .i64, .bool], """
        func @slice {
          %0 = input "x" : DT[2, N]
          %1 = slice %0 {axis = 1, start = -1, from_end = false} : DT[2, N]
          %2 = slice %0 {axis = 1, start = -4, from_end = true} : DT[2, 4]
          %3 = slice %0 {axis = 1, start = 3, from_end = false} : DT[2, 40]
          %4 = slice %0 {axis = 0, start = 1, from_end = false} : DT[3, N]
          %5 = slice %0 {axis = 0, start = -2, from_end = true} : DT[1, N]
          output "shift" = %1
          output "tail" = %2
          output "long" = %3
          output "rows" = %4
          output "first" = %5
        }
        """),
    ("concat", [.f32, .f64, .i32, .i64, .bool], """
        func @concat {
          %0 = input "x" : DT[2, N]
          %1 = input "y" : DT[1, N]
          %2 = concat %0, %1, %0 {axis = 0} : DT[5, N]
          %3 = input "p" : DT[N, 2]
          %4 = input "q" : DT[N, 3]
          %5 = concat %3, %4, %3 {axis = 1} : DT[N, 7]
          output "rows" = %2
          output "cols" = %5
        }
        """),
    ("flip", [.f32, .f64, .i32, .i64, .bool], """
        func @flip {
          %0 = input "x" : DT[2, N, 3]
          %1 = flip %0 {axis = 0} : DT[2, N, 3]
          %2 = flip %0 {axis = 1} : DT[2, N, 3]
          %3 = flip %0 {axis = 2} : DT[2, N, 3]
          output "a0" = %1
          output "a1" = %2
          output "a2" = %3
        }
        """),
    ("expand", [.f32, .f64, .i32, .i64, .bool], """
        func @expand {
          %0 = input "s" : DT[]
          %1 = input "col" : DT[N, 1]
          %2 = input "row" : DT[1, 3]
          %3 = expand %0 : DT[2, N]
          %4 = expand %1 : DT[2, N, 3]
          %5 = expand %2 : DT[N, 3]
          output "scalar" = %3
          output "col" = %4
          output "row" = %5
        }
        """),
    ("take", [.f32, .f64, .i32, .i64, .bool], """
        func @take {
          %0 = param "table" : DT[9, 4]
          %1 = input "ids" : IT[2, N]
          %2 = take %0, %1 {axis = 0} : DT[2, N, 4]
          %3 = input "x" : DT[N, 5]
          %4 = input "cols" : i32[6]
          %5 = take %3, %4 {axis = 1} : DT[N, 6]
          %6 = input "rows" : i64[N]
          %7 = take %3, %6 {axis = 0} : DT[N, 5]
          output "embed" = %2
          output "cols" = %5
          output "rows" = %7
        }
        """),
]

private let sizes = [1, 7, 33, 1000]

/// Seeded feeds: floats on a grid of halves with some NaNs, small integers (from -4 to 11, so indices fall
/// outside their axis on both sides), random bools.
private func primitiveFeeds(_ f: Function, n: Int, seed: UInt64) -> (inputs: [String: Tensor], params: [String: Tensor]) {
    var state = seed
    func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
    func make(_ t: TensorType) -> Tensor {
        let shape = t.resolve(["N": n])!
        let count = shape.reduce(1, *)
        let storage: Tensor.Storage
        switch t.dtype {
        case .f32, .f64:
            let v = (0..<count).map { _ in next() < 0.1 ? Double.nan : ((next() * 12 - 6).rounded(.down) / 2) }
            storage = t.dtype == .f32 ? .f32(v.map(Float.init)) : .f64(v)
        case .i32: storage = .i32((0..<count).map { _ in Int32((next() * 16 - 4).rounded(.down)) })
        case .i64: storage = .i64((0..<count).map { _ in Int64((next() * 16 - 4).rounded(.down)) })
        case .bool: storage = .bool((0..<count).map { _ in next() < 0.5 })
        }
        return try! Tensor(shape: shape, storage: storage)
    }
    return (
        Dictionary(uniqueKeysWithValues: f.inputs.map { ($0.name, make($0.type)) }),
        Dictionary(uniqueKeysWithValues: f.params.map { ($0.name, make($0.type)) })
    )
}

private let cases: [(String, DType)] = primitiveModels.flatMap { m in m.types.map { (m.name, $0) } }

@Test(arguments: cases)
func primitivesAgreeExactlyWithInterpreter(model: String, dtype: DType) throws {
    let entry = primitiveModels.first { $0.name == model }!
    let text = entry.source.replacingOccurrences(of: "DT", with: dtype.rawValue)
    for it in model == "take" ? [DType.i32, .i64] : [.i32] {
        let f = try parseFunction(text.replacingOccurrences(of: "IT", with: it.rawValue))
        for level in [0, 3] {
            let compiled = try CompiledFunction(f, options: CodegenOptions(optLevel: level))
            for n in sizes {
                let (inputs, params) = primitiveFeeds(f, n: n, seed: UInt64(n * 17 + level))
                let expected = try Interpreter().run(f, inputs: inputs, params: params)
                let got = try compiled.run(inputs: inputs, params: params)
                for o in f.outputs {
                    let what = "\(model) \(dtype) ids \(it) -O\(level) N=\(n) output \(o.name)"
                    let (g, e) = (got[o.name]!, expected[o.name]!)
                    #expect(g.shape == e.shape && g.dtype == e.dtype, "\(what): \(g.dtype)\(g.shape) vs \(e.dtype)\(e.shape)")
                    let (x, y) = (ThreadingTests.bits(g), ThreadingTests.bits(e))
                    guard x.count == y.count else { continue }
                    let gd = g.doubles(), ed = e.doubles()
                    if let i = x.indices.first(where: { x[$0] != y[$0] && !(gd[$0].isNaN && ed[$0].isNaN) }) {
                        Issue.record("\(what): first difference at element \(i): JIT \(gd[i]) vs interpreter \(ed[i])")
                    }
                }
            }
        }
    }
}
