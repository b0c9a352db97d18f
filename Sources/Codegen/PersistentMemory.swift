/// Memory a kernel keeps from one run to the next of a function whose weights are bound (`BoundFunction`): what it
/// derives from operands that depend only on weights and sizes — the kernel's FFT spectrum in `toeplitz_fft`, computed
/// once per channel instead of once per run. Like a workspace (ChunkWorkspace) its size is code, emitted as
/// `i64 seqc_k<k>_persistent(ptr dims)`; unlike it, one region serves every chunk (a chunk touches only the rows of
/// its own iterations) and it lives as long as the binding's cache entry for these sizes.
///
/// The host zeroes it when it makes it and passes it as the kernel's last parameter only when every operand in
/// `operands` is weight-only (WeightOnly.swift) and the run goes through a `BoundFunction`; otherwise the pointer is
/// null and the kernel computes everything in its workspace. The kernel marks what it has filled (its own flags in
/// the memory), so the first run fills and later runs read.
struct PersistentMemory {
    /// Operand positions of the instruction whose values the memory caches what is derived from.
    let operands: [Int]
    /// Emits the size in bytes from the symbol sizes.
    let bytes: ChunkWorkspace.Bytes

    static func symbol(kernel k: Int) -> String { "seqc_k\(k)_persistent" }
}
