import IR

/// What the host needs to run one computing instruction: the external wrapper
/// `void seqc_k<n>(ptr buffers, ptr dims, i64 begin, i64 end)` (n = body index), the slots it touches
/// (for sizing work) and its partitioned dims. Wrappers load their slots' pointers from `buffers`
/// (BufferPlan's ABI) and call the internal noalias kernel, so the kernel keeps its aliasing facts.
struct KernelInfo {
    let symbol: String
    let slots: [Int]
    /// The dims whose product is the kernel's parallel extent; nil when it has no partitioned loop and
    /// must run as one call.
    let parallelDims: [Dim]?
}

/// A `KernelInfo` with its JIT address.
struct Kernel {
    typealias Entry = @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>, UnsafePointer<Int64>, Int64, Int64)
        -> Void

    let info: KernelInfo
    let entry: Entry
}
