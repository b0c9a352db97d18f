/// Working memory that a kernel needs once per call — per chunk of its partitioned loop — whose size depends on
/// the run's symbol sizes in a way no tensor type can state (the FFT kernels' twiddles, spectra and Stockham
/// buffers, sized by the transform length chosen from L at run time). Generated code never allocates: the host
/// gives every chunk its own slice of the run's arena.
///
/// - A lowering asks for it with `Emitter.chunkWorkspace(bytes:)`, handing the size as code: a closure that emits
///   the byte count from the symbol sizes alone. ModuleBuilder emits that closure a second time as the external
///   function `i64 seqc_k<k>_workspace(ptr dims)`, so the host and the kernel compute the size with the same code.
/// - The kernel receives the slice as its `ptr noalias workspace` parameter (64-byte aligned; after it comes the
///   persistent memory, PersistentMemory.swift).
/// - Runtime calls the size function once per call, gives chunk c the slice at c × `perChunk(bytes)` of one region
///   at the end of the arena, and sizes that region for the largest call (kernels run one after another).
/// - The ahead-of-time entry `seqc_entry(ptr buffers, ptr dims, ptr workspace)` runs every kernel whole with one
///   workspace of `seqc_entry_workspace(dims)` bytes (the largest kernel's).
enum ChunkWorkspace {
    /// Emits the workspace size in bytes of one call from the symbol sizes.
    typealias Bytes = (Emitter) -> Index

    /// The host-side size function `i64 (ptr dims)`.
    typealias SizeFunction = @convention(c) (UnsafePointer<Int64>) -> Int64

    static func symbol(kernel k: Int) -> String { "seqc_k\(k)_workspace" }
    static let entrySymbol = "seqc_entry_workspace"

    /// The bytes a chunk's slice takes: the size rounded up to the arena's alignment, so every slice starts aligned.
    static func perChunk(_ bytes: Int64) -> Int { MemoryPlan.aligned(Int(max(bytes, 0))) }
}
