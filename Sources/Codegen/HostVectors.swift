import CLLVM

/// The host CPU's SIMD register width and count, read once from LLVM's host feature string.
enum HostVectors {
    struct Shape: Sendable, Hashable {
        let bytes: Int
        let registers: Int
    }

    /// Compiles as if for another vector shape, within `HostVectors.$override.withValue(…)` (tests: LLVM splits
    /// vectors wider than the host's into several registers, so 512-bit tiles still run, correctly, on AVX2).
    @TaskLocal static var override: Shape?

    private static let detected: Shape = {
        guard let f = LLVMGetHostCPUFeatures() else { return Shape(bytes: 16, registers: 16) }
        defer { LLVMDisposeMessage(f) }
        let features = Set(String(cString: f).split(separator: ",").filter { $0.hasPrefix("+") }.map { $0.dropFirst() })
        // 64 bytes with AVX-512F, 32 with AVX, else 16 (SSE, NEON); 32 registers with AVX-512 or on AArch64, else 16.
        let bytes = features.contains("avx512f") ? 64 : features.contains("avx") ? 32 : 16
        let registers = features.contains("avx512f") || features.contains("neon") ? 32 : 16
        return Shape(bytes: bytes, registers: registers)
    }()

    static var shape: Shape { override ?? detected }
    static var bytes: Int { shape.bytes }
    static var registers: Int { (override ?? detected).registers }
}

extension Emitter {
    /// Bytes per SIMD register the vector kernels target (S6 and SSD scans, attention, elementwise math, transposes,
    /// the GEMM tile): the host's widest vectors — 64 with AVX-512, 32 with AVX2, else 16.
    static var vectorBytes: Int { HostVectors.bytes }
}
