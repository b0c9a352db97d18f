import Codegen
import Foundation
import IR
import Testing

@Suite struct TextTests {
    static let add = """
        func @add {
          %0 = input "x" : f32[N]
          %1 = input "y" : f32[N]
          %2 = add %0, %1 : f32[N]
          output "z" = %2
        }
        """

    @Test func assemblyOfElementwiseAddIsVectorised() throws {
        let asm = try CodegenText.assembly(try parseFunction(Self.add), options: .init(optLevel: 3))
        #expect(asm.contains("seqc_entry"))
        // A packed single-precision add on vector registers (zmm on the AVX-512 hosts this project uses).
        #expect(asm.contains("addps"))
        #expect(asm.contains("zmm") || asm.contains("ymm") || asm.contains("xmm"))
    }

    @Test(arguments: [0, 1, 2, 3])
    func llvmIRIsNonEmptyAndParses(_ opt: Int) throws {
        let f = try parseFunction(Self.add)
        let text = try CodegenText.llvmIR(f, options: .init(optLevel: opt))
        #expect(text.contains("define void @seqc_entry(ptr"))
        #expect(try CompiledFunction(f, options: .init(optLevel: opt)).llvmIR == text)
        if opt == 0 {
            #expect(text.contains("define internal void @k0_add(ptr noalias"))  // kernels are not inlined at -O0
        } else if opt >= 2 {
            #expect(text.contains("x float>"))  // the loop vectorizer ran (it is not in the O1 pipeline)
        }
        // Codegen verifies the module itself; where the LLVM tools are installed, re-check the text
        // with an independent parser + verifier.
        let llvmAs = "/usr/lib/llvm-19/bin/llvm-as"
        guard FileManager.default.isExecutableFile(atPath: llvmAs) else { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: llvmAs)
        p.arguments = ["-o", "/dev/null", "-"]
        let input = Pipe()
        p.standardInput = input
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    @Test func concurrentRunsOfOneCompiledFunction() async throws {
        let c = try CompiledFunction(try parseFunction(Self.add), options: .init(optLevel: 2))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in [1, 7, 33, 1000, 0, 5000, 2, 64] {
                group.addTask {
                    let x = tensor(.f32, [n], seed: UInt64(n)), y = tensor(.f32, [n], seed: 9)
                    let z = try c.run(inputs: ["x": x, "y": y], params: [:])["z"]!
                    #expect(z.floats() == zip(x.floats(), y.floats()).map { $0 + $1 })
                }
            }
            try await group.waitForAll()
        }
    }
}
