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
        let bytes: Int
    }

    private let lock = NSLock()
    private var cached: Arena?

    /// An arena for slots of exactly `sizes` bytes: the cached one when it matches, else a fresh 64-byte-aligned one
    /// laid out by `memory`.
    func take(_ sizes: [Int], _ memory: MemoryPlan) -> Arena {
        lock.lock()
        if let c = cached, c.sizes == sizes {
            cached = nil
            lock.unlock()
            return c
        }
        lock.unlock()
        let (offsets, bytes) = memory.layout(sizes)
        return Arena(sizes: sizes, base: .allocate(byteCount: max(bytes, 1), alignment: MemoryPlan.alignment),
                     offsets: offsets, bytes: bytes)
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
