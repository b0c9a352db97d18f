import Testing

@testable import IR

let sampleIR = """
    func @sample {
      %0 = input "x" : f32[B, 8, L]
      %1 = param "layers.0.norm.weight" : f32[L]
      %2 = const -0.5 : f32[]
      %3 = mul %0, %2 : f32[B, 8, L]
      %4 = rmsnorm %3, %1 {eps = 1e-05} : f32[B, 8, L]
      %5 = reduce_max %4 {axis = 1, keepdims = true} : f32[B, 1, L]
      %6 = permute %5 {perm = [0, 2, 1]} : f32[B, L, 1]
      %7 = reshape %6 : f32[B, L]
      %8, %9 = scan %3, %3 {axis = 2} : f32[B, 8, L], f32[B, 8]
      %10 = cast %9 : f64[B, 8]
      %11 = softplus %10 : f64[B, 8]
      output "y" = %7
      output "state" = %11
    }

    """

@Test func printParseRoundTrip() throws {
    let f = try parseFunction(sampleIR)
    #expect(printFunction(f) == sampleIR)
    #expect(try parseFunction(printFunction(f)) == f)
}

@Test func roundTripKeepsLocations() throws {
    var b = FunctionBuilder(name: "loc")
    let loc = SourceLocation(file: "dir/m \"q\".seq", line: 3, column: 7)
    let x = try b.emit1(.input(name: "x"), declared: TensorType(.f64, [.symbol("N")]), at: loc)
    b.addOutput("y", try b.emit1(.unary(.gelu), [x], at: loc))
    let text = printFunction(b.function, locations: true)
    #expect(text.contains(#"loc("dir/m \"q\".seq":3:7)"#))
    #expect(try parseFunction(text) == b.function)
}

@Test func everyOpRoundTrips() throws {
    var b = FunctionBuilder(name: "all")
    let x = try b.emit1(.input(name: "x"), declared: TensorType(.f32, [.symbol("B"), .known(3), .known(4)]))
    let w = try b.emit1(.param(name: "w"), declared: TensorType(.f32, [.known(5), .known(4)]))
    let bias = try b.emit1(.param(name: "b"), declared: TensorType(.f32, [.known(5)]))
    var outs: [Value] = []
    for u in UnaryOp.allCases { outs.append(try b.emit1(.unary(u), [x])) }
    for op in BinaryOp.allCases { outs.append(try b.emit1(.binary(op), [x, x])) }
    for r in ReduceOp.allCases { outs.append(try b.emit1(.reduce(r, axis: 2, keepDims: false), [x])) }
    outs.append(try b.emit1(.linear(hasBias: true), [x, w, bias]))
    outs.append(try b.emit1(.linear(hasBias: false), [x, w]))
    outs.append(try b.emit1(.matmul, [x, try b.emit1(.permute([0, 2, 1]), [x])]))
    outs.append(try b.emit1(.constant(.infinity), declared: TensorType(.f32, [])))
    outs += try b.emit(.scan(axis: 1, hasInit: false), [x, x])
    for (i, v) in outs.enumerated() { b.addOutput("o\(i)", v) }
    let f = b.function
    try verify(f)
    #expect(try parseFunction(printFunction(f)) == f)
}

@Test func broadcastingRules() {
    let B = Dim.symbol("B"), L = Dim.symbol("L")
    #expect(broadcastShapes([B, .known(8), L], [.known(8), .known(1)]) == [B, .known(8), L])
    #expect(broadcastShapes([B, .known(1)], [.known(1), L]) == [B, L])
    #expect(broadcastShapes([], [B]) == [B])
    #expect(broadcastShapes([B, L], [L, B]) == nil)
    #expect(broadcastShapes([.known(3)], [.known(4)]) == nil)
    #expect(sameElementCount([B, .known(6)], [.known(2), B, .known(3)]))
    #expect(!sameElementCount([B, L], [B, B]))
    // 64·C (no offset) factors as 64 and C, so [H, C, 64] reshapes to [H, 64·C]; 64·C + 1 does not.
    #expect(sameElementCount([.known(8), .symbol("C"), .known(64)], [.known(8), .scaled("C", scale: 64, offset: 0)]))
    #expect(!sameElementCount([.symbol("C"), .known(64)], [.scaled("C", scale: 64, offset: 1)]))
}

@Test func parserRejectsBadText() {
    let cases = [
        ("func @f {\n  %0 = exp %1 : f32[]\n}\n", "not defined"),
        ("func @f {\n  %0 = frobnicate : f32[]\n}\n", "unknown op"),
        ("func @f {\n  %0 = input \"x\" : q32[2]\n}\n", "unknown dtype"),
        ("func @f {\n  %0 = input \"x\" : f32[2]\n  %1 = exp %0 : f32[3]\n  output \"y\" = %1\n}\n", "the op gives f32[2]"),
        ("func @f {\n  %0 = input \"x\" : f32[2]\n}\n", "no outputs"),
        ("func @f {\n  %0 = input \"x\" : f32[2]\n  %0 = exp %0 : f32[2]\n}\n", "defined twice"),
    ]
    for (text, message) in cases {
        #expect {
            _ = try parseFunction(text)
        } throws: { error in
            String(describing: error).contains(message)
        }
    }
}

@Test func verifierNamesInstructionAndLocation() throws {
    let loc = SourceLocation(file: "m.seq", line: 4, column: 9)
    let x = Value(id: 0, type: TensorType(.f32, [.known(2)]))
    let bad = Value(id: 1, type: TensorType(.f32, [.known(3)]))
    let f = Function(
        name: "f",
        body: [
            Instruction(results: [x], op: .input(name: "x"), operands: []),
            Instruction(results: [bad], op: .unary(.exp), operands: [x], location: loc),
        ],
        outputs: [Output(name: "y", value: bad)])
    #expect {
        try verify(f)
    } throws: { error in
        let text = String(describing: error)
        return text.hasPrefix("m.seq:4:9: error:") && text.contains("%1 = exp %0 : f32[3]")
    }
}
