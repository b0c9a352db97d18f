import Codegen
import IR
import Testing

/// Bad arguments and bad IR are thrown `CodegenError`s with messages naming the culprit, never crashes.
@Suite struct ErrorTests {
    static let text = """
        func @e {
          %0 = input "u" : f32[B, 8, L]
          %1 = input "v" : f32[B, L]
          %2 = param "w" : f32[L]
          %3 = reduce_sum %0 {axis = 1, keepdims = false} : f32[B, L]
          %4 = add %3, %1 : f32[B, L]
          %5 = mul %4, %2 : f32[B, L]
          output "y" = %5
        }
        """

    let compiled: CompiledFunction
    let u = tensor(.f32, [2, 8, 37], seed: 1)
    let v = tensor(.f32, [2, 37], seed: 2)
    let w = tensor(.f32, [37], seed: 3)

    init() throws { compiled = try CompiledFunction(try parseFunction(Self.text)) }

    func run(_ inputs: [String: Tensor], _ params: [String: Tensor]) -> String? {
        errorMessage { _ = try compiled.run(inputs: inputs, params: params) }
    }

    @Test func validCallSucceeds() throws {
        try checkAgainstReference(compiled, inputs: ["u": u, "v": v], params: ["w": w], .arithmetic(.f32))
    }

    @Test func wrongInputShape() {
        let bad = tensor(.f32, [2, 9, 37], seed: 1)
        #expect(run(["u": bad, "v": v], ["w": w]) == "input 'u': expected f32[B, 8, L], got f32[2, 9, 37]")
        let rank = tensor(.f32, [2, 8], seed: 1)
        #expect(run(["u": rank, "v": v], ["w": w]) == "input 'u': expected f32[B, 8, L], got f32[2, 8]")
    }

    @Test func wrongDType() {
        let bad = tensor(.f64, [2, 8, 37], seed: 1)
        #expect(run(["u": bad, "v": v], ["w": w]) == "input 'u': expected f32[B, 8, L], got f64[2, 8, 37]")
        #expect(run(["u": u, "v": v], ["w": tensor(.i32, [37], seed: 3)]) == "weight 'w': expected f32[L], got i32[37]")
    }

    @Test func missingInputAndParam() {
        #expect(run(["u": u], ["w": w]) == "missing input 'v': expected f32[B, L]")
        #expect(run(["u": u, "v": v], [:]) == "missing weight 'w' f32[L]")
    }

    @Test func unknownInputOrParam() {
        #expect(run(["u": u, "v": v, "typo": v], ["w": w]) == "unknown input 'typo' (the model's inputs: u, v)")
        #expect(run(["u": u, "v": v], ["w": w, "extra": w]) == "unexpected weight 'extra' not declared by the model")
    }

    @Test func conflictingSymbolBindings() {
        let short = tensor(.f32, [2, 12], seed: 2)
        #expect(run(["u": u, "v": short], ["w": w])
                == "input 'v': dim L is 12 here but 37 in input 'u' (expected f32[B, L], got f32[2, 12])")
        let wrongW = tensor(.f32, [5], seed: 3)
        #expect(run(["u": u, "v": v], ["w": wrongW])
                == "weight 'w': dim L is 5 here but 37 in input 'u' (expected f32[L], got f32[5])")
    }

    @Test func paramSymbolNotBoundByInputs() throws {
        let f = try parseFunction("""
            func @p {
              %0 = input "x" : f32[N]
              %1 = param "w" : f32[K]
              output "x" = %0
              output "w" = %1
            }
            """)
        let msg = errorMessage { _ = try CompiledFunction(f) }
        #expect(msg?.contains("symbol 'K', which no input binds") == true)
    }

    @Test func invalidIRAndOptions() throws {
        var b = FunctionBuilder(name: "bad")
        let x = try b.emit1(.input(name: "x"), declared: TensorType(.f32, [.known(2)]))
        b.addOutput("y", Value(id: 99, type: x.type))  // undefined value
        let msg = errorMessage { _ = try CompiledFunction(b.function) }
        #expect(msg?.contains("invalid IR") == true)

        let ok = try parseFunction(Self.text)
        #expect(errorMessage { _ = try CompiledFunction(ok, options: .init(optLevel: 4)) }
                == "optimisation level must be 0...3, got 4")
        #expect(errorMessage { _ = try CodegenText.assembly(ok, options: .init(optLevel: -1)) }
                == "optimisation level must be 0...3, got -1")
    }
}
