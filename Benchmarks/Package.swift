// swift-tools-version: 6.1
// seqc's benchmarks: a separate package so that `swift build` / `swift test` of the main package never pay for it.
//   swift run -c release --package-path Benchmarks seqc-bench --workload all --threads 1,2 --runs 5 --json
// bench/run.sh runs it together with the C and JAX peers and writes docs/PERFORMANCE.md.
import PackageDescription

let package = Package(
    name: "seqc-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "seqc", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "seqc-bench",
            dependencies: [.product(name: "SeqC", package: "seqc")],
            path: "Sources/seqc-bench"
        ),
    ]
)
