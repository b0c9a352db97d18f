// `seqc bench` and `--time-passes`, run as a user would, on tiny shapes.
import Foundation
import Testing

@Test func benchReportsCompileRunComputeAndMemory() throws {
    let r = try seqc(["bench", "models/mamba_block.seq", "--input", "x=1x16x32", "--runs", "3", "--threads", "1"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("compile"))
    #expect(r.stdout.contains("frontend"))
    #expect(r.stdout.contains("median"))
    #expect(r.stdout.contains("GFLOP/s"))
    #expect(r.stdout.contains("MiB"))
    // Progress on standard error: the compile, then each run.
    #expect(r.stderr.contains("compiling"))
    #expect(r.stderr.contains("run 3/3"))
}

@Test func benchJSONIsOneObjectWithTheMeasurements() throws {
    let r = try seqc([
        "bench", "models/mamba_lm.seq", "--set", "n_layer=1", "--set", "vocab_size=50", "--set", "d_model=16",
        "--set", "dt_rank=2", "--input", "input_ids=2x8", "--runs", "2", "--warmup", "0", "--json", "--seed", "3",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let o = try #require(object)
    #expect(o["model"] as? String == "MambaLM")
    #expect(o["runs"] as? Int == 2)
    #expect((o["times_ms"] as? [Double])?.count == 2)
    let median = try #require(o["median_ms"] as? Double)
    #expect(median.isFinite)
    #expect((o["min_ms"] as? Double)! <= median && median <= (o["max_ms"] as? Double)!)
    let compile = try #require(o["compile_ms"] as? [String: Double])
    for group in ["frontend", "passes", "llvm", "jit", "total"] { #expect(compile[group] != nil, "\(group)") }
    // The head alone: 2·(2·8)·16·50 FLOPs, so the count is at least that.
    let flops = try #require(o["flops"] as? Double)
    #expect(flops >= 2 * 16 * 16 * 50)
    let byOp = try #require(o["flops_by_op"] as? [String: Double])
    #expect(byOp["linear"] != nil)
    let memory = try #require(o["memory_bytes"] as? [String: Int])
    // Weights: embedding 50·16, norms, the layer's projections; inputs: 2·8 i32.
    #expect(memory["inputs"] == 2 * 8 * 4)
    #expect(memory["weights"]! > 50 * 16 * 4)
    #expect(memory["buffers"]! > 0)
    #expect(!r.stdout.contains("bench:"))  // progress stays on stderr
}

@Test(arguments: [
    (["--input", "y=1x8x32"], "no input 'y'"),
    (["--input", "x=1x8"], "rank 3"),
    (["--input", "x=1xLx32"], "sizes joined by 'x'"),
    (["--input", "x=1x8x32:f16"], "unknown dtype"),
    (["--input", "x=1x8x31"], "expected f32[B, L, 32]"),
    ([String](), "missing 'x'"),
])
func benchRejectsBadInputsWithOneClearError(_ args: [String], _ message: String) throws {
    let r = try seqc(["bench", "models/mamba_block.seq", "--runs", "1"] + args)
    #expect(r.status != 0)
    #expect(r.stderr.contains("error:"))
    #expect(r.stderr.contains(message), "\(r.stderr)")
    #expect(r.stderr.components(separatedBy: "error:").count == 2)
}

@Test func timePassesPrintsAPhaseTable() throws {
    let out = try temporaryDirectory().appendingPathComponent("block.ll").path
    let r = try seqc(["compile", "models/mamba_block.seq", "--emit", "llvm", "--time-passes", "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    for phase in ["parse", "lower to Graph IR", "pass fuse-ssm-decay", "pass dce", "LLVM IR build", "LLVM optimize", "total"] {
        #expect(r.stderr.contains(phase), "\(phase)")
    }
    let ir = try seqc(["compile", "models/mamba_block.seq", "--time-passes"])
    #expect(ir.stderr.contains("lower to Graph IR"))
    #expect(!ir.stderr.contains("LLVM"))
    let run = try seqc(["run", "models/selective_scan.seq"] + example + ["--time-passes"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("JIT materialize"))
    #expect(run.stdout.contains("compiled"))
}
