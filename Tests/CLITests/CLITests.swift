// Runs the built `seqc` binary as a subprocess, as a user would.
import Foundation
import SeqC
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let golden = root.deletingLastPathComponent().appendingPathComponent("shared/golden")
private let hasGolden = FileManager.default.fileExists(atPath: golden.appendingPathComponent("selective_scan_core/meta.json").path)

/// The `seqc` executable next to the test bundle (SwiftPM puts products in one folder).
private let seqcPath: String = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = dir.appendingPathComponent("seqc").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return root.appendingPathComponent(".build/debug/seqc").path
}()

struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
}

func seqc(_ args: [String]) throws -> Result {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: seqcPath)
    p.arguments = args
    p.currentDirectoryURL = root
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seqc-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

let example = ["--weights", "examples/selective_scan/weights.safetensors", "--input", "examples/selective_scan/inputs.npz"]

@Test(arguments: [[], ["check"], ["compile"], ["run"], ["bench"], ["golden"]])
func everyCommandHasHelp(_ command: [String]) throws {
    let r = try seqc(command + ["--help"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("USAGE:"))
}

@Test func checkAcceptsTheModel() throws {
    let r = try seqc(["check", "models/selective_scan.seq"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("ok"))
}

@Test func checkReportsOneClearDiagnostic() throws {
    let dir = try temporaryDirectory()
    let path = dir.appendingPathComponent("bad.seq").path
    try "model M {\n  input x: f32[B, 4]\n  output y = exp(x) + q\n}\n".write(toFile: path, atomically: true, encoding: .utf8)
    let r = try seqc(["check", path])
    #expect(r.status == 1)
    #expect(r.stderr == "\(path):3:23: error: unknown name 'q'\n    output y = exp(x) + q\n                        ^\n")
}

@Test func compileEmitsEachStage() throws {
    let ir = try seqc(["compile", "models/selective_scan.seq", "--emit", "ir"])
    #expect(ir.status == 0)
    #expect(ir.stdout.hasPrefix("func @SelectiveScan {"))
    let llvm = try seqc(["compile", "models/selective_scan.seq", "--emit", "llvm", "-O0"])
    #expect(llvm.status == 0)
    #expect(llvm.stdout.contains("define void @seqc_entry"))
    let dir = try temporaryDirectory()
    let asmPath = dir.appendingPathComponent("m.s").path
    let asm = try seqc(["compile", "models/selective_scan.seq", "--emit", "asm", "-O3", "-o", asmPath])
    #expect(asm.status == 0)
    #expect(try String(contentsOfFile: asmPath, encoding: .utf8).contains("seqc_entry"))
    let bad = try seqc(["compile", "models/selective_scan.seq", "--emit", "bytecode"])
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("--emit must be one of ir, ir-opt, kernels, llvm, asm"))
}

/// `--emit kernels` lists the kernel calls with the FFT butterfly plan; with the sequence length given it states the
/// transform length and stages (L = 4096: N = 8192, M = 4096 = 4^6), else the rule the kernel applies at run time.
@Test func compileListsKernelsWithTheFFTPlan() throws {
    let sized = try seqc(["compile", "models/s4d_layer.seq", "--emit", "kernels", "--size", "L=4096"])
    #expect(sized.status == 0, "\(sized.stderr)")
    #expect(sized.stdout.contains("toeplitz_fft"))
    #expect(sized.stdout.contains("fft: N = 8192, M = 4096: 6 radix-4 stages per transform"))
    #expect(sized.stdout.contains("fft: fused into the inverse pass: spectrum product, skip + d·x"))
    let symbolic = try seqc(["compile", "models/s4d_layer.seq", "--emit", "kernels"])
    #expect(symbolic.stdout.contains("chosen in the kernel from the run's L and K"))
    let badSize = try seqc(["compile", "models/s4d_layer.seq", "--emit", "kernels", "--size", "T=5"])
    #expect(badSize.status == 1)
    #expect(badSize.stderr.contains("--size T: the model's size symbols are"))
    let malformed = try seqc(["compile", "models/s4d_layer.seq", "--emit", "kernels", "--size", "L"])
    #expect(malformed.status == 1 && malformed.stderr.contains("--size expects SYMBOL=N"))
}

@Test func runJITAndInterpreterAndSaveOutputs() throws {
    let dir = try temporaryDirectory()
    let y = dir.appendingPathComponent("y.npy").path
    let all = dir.appendingPathComponent("all.npz").path
    let jit = try seqc(["run", "models/selective_scan.seq"] + example + ["--output", "y=\(y)", "--output", all, "--compare", "--threads", "2"])
    #expect(jit.status == 0, "\(jit.stderr)")
    #expect(jit.stdout.contains("y: f32[2, 8, 64]"))
    #expect(jit.stdout.contains("JIT vs f64 interpreter"))
    let interp = try seqc(["run", "models/selective_scan.seq", "--interpret"] + example)
    #expect(interp.status == 0)
    #expect(interp.stdout.contains("interpreted"))
    let saved = try TensorFiles.readNPY(y)
    #expect(saved.shape == [2, 8, 64])
    #expect(try TensorFiles.readNPZ(all).map(\.name) == ["y", "ssm_state"])
}

@Test func runErrorsAreOneLineAndNonZero() throws {
    let dir = try temporaryDirectory()
    let truncated = dir.appendingPathComponent("w.safetensors").path
    let bytes = try Data(contentsOf: root.appendingPathComponent("examples/selective_scan/weights.safetensors"))
    try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: truncated))
    let cases: [([String], String)] = [
        (["run", "models/nope.seq"], "models/nope.seq: cannot read the model file"),
        (["run", "models/selective_scan.seq", "--set", "dim=9"] + example, "input 'u': expected f32[B, 9, L], got f32[2, 8, 64]"),
        (["run", "models/selective_scan.seq", "--set", "depth=2"] + example, "'depth' is not a parameter of model SelectiveScan"),
        (["run", "models/selective_scan.seq", "--weights", truncated, "--input", "examples/selective_scan/inputs.npz"], truncated),
        (["run", "models/selective_scan.seq", "--input", "examples/selective_scan/inputs.npz"], "missing weights 'A' f32[8, 4], 'D' f32[8], 'delta_bias' f32[8]"),
        (["run", "models/selective_scan.seq", "--threads", "0"] + example, "--threads must be at least 1"),
    ]
    for (args, message) in cases {
        let r = try seqc(args)
        #expect(r.status == 1, "\(args)")
        #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        #expect(r.stdout.isEmpty || !r.stderr.isEmpty)
        #expect(!r.stderr.contains("Fatal error"))
    }
}

@Test(.enabled(if: hasGolden))
func goldenRunsSavesAndFails() throws {
    let out = try temporaryDirectory()
    let ok = try seqc(["golden", golden.path, "--filter", "selective_scan_core", "--save-outputs", out.path])
    #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
    #expect(ok.stdout.contains("PASS  selective_scan_core"))
    #expect(ok.stdout.hasSuffix("1 passed, 0 failed, 0 skipped\n"))
    for key in ["expected", "expected_ssm_state"] {
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("selective_scan_core/\(key).npy").path))
    }

    // A copy of the case without expected files runs unchecked; with a wrong expected file it fails.
    let cases = try temporaryDirectory()
    let source = golden.appendingPathComponent("selective_scan_core")
    for variant in ["unchecked", "wrong"] {
        let dir = cases.appendingPathComponent(variant)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) where !file.hasPrefix("expected") {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: dir.appendingPathComponent(file))
        }
    }
    try TensorFiles.writeNPY(
        try Tensor(shape: [2, 8, 37], doubles: .init(repeating: 1, count: 2 * 8 * 37)),
        cases.appendingPathComponent("wrong/expected.npy").path)
    let r = try seqc(["golden", cases.path, "--interpret", "--save-outputs", out.path])
    #expect(r.status == 1)
    #expect(r.stdout.contains("FAIL  selective_scan_core"))
    #expect(r.stdout.contains("1 unchecked"))
    #expect(r.stdout.hasSuffix("0 passed, 1 failed, 0 skipped\n"))
}
