import IR

/// What the host needs to run one kernel call: the external wrapper
/// `void seqc_k<k>(ptr args, ptr dims, i64 begin, i64 end, ptr workspace, ptr persistent)` of the shared kernel k (several calls may name one),
/// the slots whose buffers are its pointer arguments, in order (the host passes them in `args`), and its
/// partitioned dims. Wrappers load the pointers from `args` and call the internal noalias kernel, so the kernel
/// keeps its aliasing facts.
struct KernelInfo {
    let symbol: String
    let slots: [Int]
    /// The dims whose product is the kernel's parallel extent; nil when it has no partitioned loop and
    /// must run as one call.
    let parallelDims: [Dim]?
    /// The kernel's workspace size function `i64 (ptr dims)` (ChunkWorkspace); nil when it needs none.
    let workspaceSymbol: String?
    /// The kernel's persistent memory size function and the operand positions it caches from (PersistentMemory).
    let persistent: (symbol: String, operands: [Int])?
    /// The body indices of the instructions the call computes (several for a fused group).
    let members: [Int]
}

/// A `KernelInfo` with its JIT address.
struct Kernel {
    typealias Entry = @convention(c) (
        UnsafeMutablePointer<UnsafeMutableRawPointer?>, UnsafePointer<Int64>, Int64, Int64, UnsafeMutableRawPointer?,
        UnsafeMutableRawPointer?
    ) -> Void

    let info: KernelInfo
    let entry: Entry
    let workspaceBytes: ChunkWorkspace.SizeFunction?
    let persistentBytes: ChunkWorkspace.SizeFunction?
}
