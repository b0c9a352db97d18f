import Foundation
import SeqC

/// What `seqc bench` measured, as a text report or one JSON object.
struct BenchReport {
    var model: String
    var file: String
    var threads: Int
    var optLevel: Int
    var seed: UInt64
    var inputs: [(name: String, tensor: Tensor)]
    var timings: CompileTimings
    /// The timed runs, in seconds, in the order they ran.
    var seconds: [Double]
    var flops: FlopCount?
    var bufferBytes: Int
    var weightBytes: Int
    var inputBytes: Int
    var maxRSSBytes: Int

    var sorted: [Double] { seconds.sorted() }
    var median: Double {
        let s = sorted, n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }
    var gflops: Double? { flops.map { $0.total / median / 1e9 } }
    var totalBytes: Int { bufferBytes + weightBytes + inputBytes }

    func text() -> String {
        let s = sorted
        var lines = [
            "model \(model) (\(file)), -O\(optLevel), \(threads) thread(s), inputs " +
                inputs.map { "\($0.name) \($0.tensor.dtype)\($0.tensor.shape)" }.joined(separator: ", "),
            "compile  \(ms(timings.total)) ms: " +
                CompileTimings.Group.allCases.map { "\($0.rawValue) \(ms(timings.seconds($0)))" }.joined(separator: ", ") + " ms",
            "run      median \(ms(median)) ms, min \(ms(s.first!)) ms, max \(ms(s.last!)) ms (\(s.count) runs)",
        ]
        if let f = flops, let g = gflops {
            lines.append("compute  \(String(format: "%.3f", f.total / 1e9)) GFLOP per run, \(String(format: "%.2f", g)) GFLOP/s at the median")
        } else {
            lines.append("compute  FLOPs unknown")
        }
        lines.append("memory   \(mib(totalBytes)) MiB: buffers \(mib(bufferBytes)) + weights \(mib(weightBytes)) + inputs \(mib(inputBytes)) MiB (peak RSS \(mib(maxRSSBytes)) MiB)")
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        let s = sorted
        var fields: [(String, String)] = [
            ("model", JSONValue.quoted(model)), ("file", JSONValue.quoted(file)), ("threads", "\(threads)"), ("opt_level", "\(optLevel)"),
            ("seed", "\(seed)"),
            ("inputs", "{" + inputs.map { "\(JSONValue.quoted($0.name)):{\"shape\":[\($0.tensor.shape.map(String.init).joined(separator: ","))],\"dtype\":\(JSONValue.quoted($0.tensor.dtype.rawValue))}" }.joined(separator: ",") + "}"),
            ("compile_ms", "{" + (CompileTimings.Group.allCases.map { "\(JSONValue.quoted($0.rawValue)):\(num($0, timings))" } + ["\"total\":\(num3(timings.total * 1000))"]).joined(separator: ",") + "}"),
            ("phases_ms", "[" + timings.phases.map { "{\"name\":\(JSONValue.quoted($0.name)),\"ms\":\(num3($0.seconds * 1000))}" }.joined(separator: ",") + "]"),
            ("median_ms", num3(median * 1000)), ("min_ms", num3(s.first! * 1000)), ("max_ms", num3(s.last! * 1000)),
            ("runs", "\(s.count)"), ("times_ms", "[" + seconds.map { num3($0 * 1000) }.joined(separator: ",") + "]"),
            ("flops", flops.map { String(format: "%.0f", $0.total) } ?? "null"),
            ("gflops_per_s", gflops.map { num3($0) } ?? "null"),
            ("memory_bytes", "{\"buffers\":\(bufferBytes),\"weights\":\(weightBytes),\"inputs\":\(inputBytes),\"total\":\(totalBytes),\"max_rss\":\(maxRSSBytes)}"),
        ]
        if let f = flops {
            fields.append(("flops_by_op", "{" + f.byOp.keys.sorted().map { "\(JSONValue.quoted($0)):\(String(format: "%.0f", f.byOp[$0]!))" }.joined(separator: ",") + "}"))
        }
        return "{" + fields.map { "\(JSONValue.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    private func num(_ g: CompileTimings.Group, _ t: CompileTimings) -> String { num3(t.seconds(g) * 1000) }
    private func num3(_ x: Double) -> String { String(format: "%.3f", x) }
    private func mib(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
}
