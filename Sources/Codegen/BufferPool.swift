import Foundation

/// One arena holding every allocated slot of a run (MemoryPlan), kept with its layout for the next run with the same
/// slot sizes, so repeated runs of a compiled function neither allocate nor lay out again (and skip first-touch page
/// faults). Runs that overlap in time (the function may be run from several threads) take the cached arena at most
/// once; the others make their own. Kernels never rely on the contents of a buffer they write, so reuse does not
/// change results.
final class BufferPool: @unchecked Sendable {
    struct Arena {
        let sizes: [Int]
        let base: UnsafeMutableRawPointer
        let offsets: [Int]
        /// The kernels' workspace region (ChunkWorkspace), after the slots, and its size.
        let workspace: UnsafeMutableRawPointer
        let workspaceBytes: Int
        let bytes: Int
    }

    private let lock = NSLock()
    private var cached: Arena?

    /// An arena for slots of exactly `sizes` bytes and `workspace` bytes of kernel workspace: the cached one when
    /// it matches, else a fresh 64-byte-aligned one laid out by `memory`.
    func take(_ sizes: [Int], _ memory: MemoryPlan, workspace: Int) -> Arena {
        lock.lock()
        if let c = cached, c.sizes == sizes, c.workspaceBytes == workspace {
            cached = nil
            lock.unlock()
            return c
        }
        lock.unlock()
        let (offsets, slotBytes) = memory.layout(sizes)
        let workspaceAt = MemoryPlan.aligned(slotBytes)
        let bytes = workspaceAt + workspace
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: MemoryPlan.alignment)
        return Arena(sizes: sizes, base: base, offsets: offsets, workspace: base + workspaceAt, workspaceBytes: workspace,
                     bytes: bytes)
    }

    /// Returns an arena after a run: it becomes the cached one (replacing an older one), or is freed.
    func give(_ arena: Arena) {
        lock.lock()
        let old = cached
        cached = arena
        lock.unlock()
        old?.base.deallocate()
    }

    deinit {
        cached?.base.deallocate()
    }
}
