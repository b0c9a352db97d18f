// swift-tools-version: 6.1
// seqc: a compiler and interpreter for sequence-mixer models (see README.md and docs/).
import PackageDescription

let package = Package(
    name: "seqc",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SeqC", targets: ["SeqC"]),
        .executable(name: "seqc", targets: ["seqc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // The LLVM 19 C API (Debian's llvm-19-dev). Headers reach through two committed symlinks
        // in include/, so a plain `swift build` works with no pkg-config and no flags.
        .target(name: "CLLVM", linkerSettings: [.linkedLibrary("LLVM-19")]),
        // Types, tensors, the Graph IR, its verifier and its text form.
        .target(name: "IR"),
        // .npy / .npz / .safetensors reading and writing.
        .target(name: "TensorIO", dependencies: ["IR", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // The .seq language: lexer, parser, checker, lowering to Graph IR.
        .target(name: "Frontend", dependencies: ["IR"]),
        // Graph IR → Graph IR rewrites.
        .target(name: "Passes", dependencies: ["IR"]),
        // The reference interpreter.
        .target(name: "Interpreter", dependencies: ["IR"]),
        // Graph IR → LLVM IR → native code (ORC LLJIT).
        .target(name: "Codegen", dependencies: ["IR", "CLLVM"]),
        // The public Swift API.
        .target(name: "SeqC", dependencies: ["IR", "TensorIO", "Frontend", "Passes", "Interpreter", "Codegen"]),
        // The command-line tool, built on the public API only.
        .executableTarget(name: "seqc", dependencies: ["SeqC", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .testTarget(name: "IRTests", dependencies: ["IR"]),
        .testTarget(name: "TensorIOTests", dependencies: ["IR", "TensorIO"]),
        .testTarget(name: "FrontendTests", dependencies: ["IR", "Frontend"], exclude: ["Diagnostics"]),
        .testTarget(name: "PassesTests", dependencies: ["IR", "Passes", "Interpreter"]),
        .testTarget(name: "InterpreterTests", dependencies: ["IR", "Frontend", "Interpreter"]),
        .testTarget(name: "CodegenTests", dependencies: ["IR", "Frontend", "Passes", "Interpreter", "Codegen"]),
        // Uses the library exactly as a client package would: `import SeqC`, nothing internal.
        .testTarget(name: "SeqCTests", dependencies: ["SeqC"]),
        // Runs the built `seqc` binary as a subprocess.
        .testTarget(name: "CLITests", dependencies: ["seqc", "SeqC"]),
    ]
)
