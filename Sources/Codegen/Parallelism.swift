/// How the host cuts a kernel's parallel extent [0, extent) into chunks. Contiguous chunks, one per
/// thread at most, so each thread streams through its own part of the buffers; small kernels stay on
/// the calling thread because a dispatch costs more than they do.
enum Parallelism {
    /// Below this many elements touched (the kernel's largest operand or result), one call is cheaper
    /// than waking other threads.
    static let minParallelWork = 16_384

    static func chunkCount(extent: Int, work: Int, threads: Int) -> Int {
        guard threads > 1, extent >= 2, work >= minParallelWork else { return 1 }
        return min(threads, extent)
    }

    /// Chunk `c` of `chunks` near-equal contiguous pieces of [0, extent) (the first `extent % chunks`
    /// pieces are one longer). Written without `extent * c`, which could overflow.
    static func chunk(_ c: Int, of chunks: Int, extent: Int) -> Range<Int> {
        let (q, r) = extent.quotientAndRemainder(dividingBy: chunks)
        let lo = c * q + min(c, r)
        return lo..<(lo + q + (c < r ? 1 : 0))
    }
}
