import Testing

@testable import IR

// ssm_scan_exp's text form and type rule: it types as ssm_scan of the decay exp(Δ·A) broadcast to [B, L, H, N].

@Test func ssmScanExpRoundTrips() throws {
    let text = """
        func @s6 {
          %0 = input "dt" : f32[B, L, 8, 1]
          %1 = param "A" : f32[1, 1, 8, 16]
          %2 = input "b" : f32[B, L, 1, 16]
          %3 = input "c" : f32[B, L, 1, 16]
          %4 = input "x" : f32[B, L, 8, 1]
          %5 = input "h0" : f32[B, 8, 1, 16]
          %6, %7 = ssm_scan_exp %0, %1, %2, %3, %4 : f32[B, L, 8, 1], f32[B, 8, 1, 16]
          %8, %9 = ssm_scan_exp %0, %1, %2, %3, %4, %5 : f32[B, L, 8, 1], f32[B, 8, 1, 16]
          output "y" = %6
          output "h" = %7
          output "y0" = %8
          output "h0" = %9
        }

        """
    let f = try parseFunction(text)
    try verify(f)
    #expect(f.body[6].op == .mixer(.ssmScanExp(hasInit: false)))
    #expect(f.body[7].op == .mixer(.ssmScanExp(hasInit: true)))
    #expect(printFunction(f) == text)
}

@Test func ssmScanExpTypeRule() throws {
    /// Result types for operand shapes written "B, L, 3, 1" (all f32 unless `dtypes` says otherwise).
    func types(_ shapes: [String], _ dtypes: [DType]? = nil) throws(TypeRuleError) -> [String] {
        let operands = shapes.enumerated().map { i, s in
            TensorType(dtypes?[i] ?? .f32, s.split(separator: ", ").map { Dim(text: String($0))! })
        }
        return try inferResultTypes(.mixer(.ssmScanExp(hasInit: shapes.count == 6)), operands, declared: nil).map(\.description)
    }
    // Δ and A shared by all heads: H comes from x.
    #expect(try types(["B, L, 1, 1", "1, 1, 1, 4", "B, L, 1, 4", "B, L, 1, 4", "B, L, 3, 1"]) == ["f32[B, L, 3, 1]", "f32[B, 3, 1, 4]"])
    #expect(try types(["B, L, 3, 1", "1, 1, 3, 4", "B, L, 3, 4", "B, L, 3, 4", "B, L, 3, 2", "B, 3, 2, 4"])
        == ["f32[B, L, 3, 2]", "f32[B, 3, 2, 4]"])
    let bad: [[String]] = [
        ["B, L, 3, 4", "1, 1, 3, 4", "B, L, 3, 4", "B, L, 3, 4", "B, L, 3, 1"],  // Δ with an N axis
        ["B, L, 3, 1", "1, L, 3, 4", "B, L, 3, 4", "B, L, 3, 4", "B, L, 3, 1"],  // A with a time axis
        ["B, L, 3, 1", "3, 4", "B, L, 3, 4", "B, L, 3, 4", "B, L, 3, 1"],  // A not rank 4
        ["B, L, 3, 1", "1, 1, 2, 4", "B, L, 3, 4", "B, L, 3, 4", "B, L, 3, 1"],  // heads 3 vs 2
        ["B, L, 3, 1", "1, 1, 3, 4", "B, L, 3, 5", "B, L, 3, 4", "B, L, 3, 1"],  // states 4 vs 5
        ["B, L, 3, 1", "1, 1, 3, 4", "B, L, 3, 4", "B, L, 3, 4", "B, L, 3, 1", "B, 3, 4, 1"],  // h0 transposed
    ]
    for shapes in bad {
        #expect(throws: TypeRuleError.self, "\(shapes)") { try types(shapes) }
    }
    #expect(throws: TypeRuleError.self, "A of another dtype") {
        try types(["B, L, 3, 1", "1, 1, 3, 4", "B, L, 3, 4", "B, L, 3, 4", "B, L, 3, 1"], [.f32, .f64, .f32, .f32, .f32])
    }
}
