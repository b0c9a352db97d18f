import Testing

@testable import IR

@Test func affineDimsPrintParseAndResolve() throws {
    let text = """
        func @f {
          %0 = input "x" : f32[B, 2*L+1]
          %1 = slice %0 {axis = 1, start = -3, from_end = false} : f32[B, 2*L+4]
          %2, %3 = rfft %1 {axis = 1, n = 4*L} : f32[B, 2*L+1], f32[B, 2*L+1]
          %4 = irfft %2, %3 {axis = 1, n = 4*L} : f32[B, 4*L]
          %5 = concat %4, %4 {axis = 1} : f32[B, 8*L]
          %6 = slice %5 {axis = 1, start = 0, from_end = false} : f32[B, L-1]
          output "y" = %6
        }

        """
    let f = try parseFunction(text)
    #expect(printFunction(f) == text)
    #expect(f.symbols == ["B", "L"])
    #expect(Dim(text: "3*L-2") == .scaled("L", scale: 3, offset: -2))
    #expect(Dim(text: "L") == .symbol("L"))
    #expect(Dim(text: "1*L+0") == .symbol("L"))
    #expect(Dim(text: "2*") == nil)
    #expect(Dim.scaled("L", scale: 2, offset: 1).resolve(["L": 5]) == 11)
    #expect(Dim.symbol("L") + .known(2) == .scaled("L", scale: 1, offset: 2))
    #expect(Dim.symbol("L") + .symbol("B") == nil)
    #expect(Dim.scaled("L", scale: 4, offset: 2).divided(by: 2) == .scaled("L", scale: 2, offset: 1))
    #expect(rfftBins(.scaled("L", scale: 2, offset: 0)) == .scaled("L", scale: 1, offset: 1))
    #expect(rfftBins(.symbol("L")) == nil)
}

@Test func bindingSolvesAffineDims() throws {
    let f = try parseFunction("""
        func @f {
          %0 = input "x" : f32[2*L+1]
          %1 = input "y" : f32[L]
          %2 = reduce_sum %0 {axis = 0, keepdims = false} : f32[]
          output "s" = %2
        }

        """)
    let x = try Tensor(shape: [11], floats: .init(repeating: 1, count: 11))
    #expect(try bindSymbols(f, inputs: ["x": x, "y": try Tensor(shape: [5], floats: .init(repeating: 0, count: 5))], params: [:]) == ["L": 5])
    #expect(throws: BindingError.self) {
        try bindSymbols(f, inputs: ["x": x, "y": try Tensor(shape: [4], floats: .init(repeating: 0, count: 4))], params: [:])
    }
    let even = try Tensor(shape: [10], floats: .init(repeating: 1, count: 10))
    #expect(throws: BindingError.self) {
        try bindSymbols(f, inputs: ["x": even, "y": try Tensor(shape: [5], floats: .init(repeating: 0, count: 5))], params: [:])
    }
}
