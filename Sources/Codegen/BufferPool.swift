import Foundation

/// Keeps one run's value and scratch buffers for the next run with the same sizes, so repeated runs of a compiled
/// function do not pay for fresh allocations and their first-touch page faults. Runs that overlap in time (the
/// function may be run from several threads) take the cached set at most once; the others allocate their own.
/// Kernels never rely on the contents of a buffer they write, so reuse does not change results.
final class BufferPool: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: (sizes: [Int], buffers: [UnsafeMutableRawPointer])?

    /// Buffers of exactly `sizes` bytes each: the cached set when it matches, else fresh 64-byte-aligned ones.
    func take(_ sizes: [Int]) -> [UnsafeMutableRawPointer] {
        lock.lock()
        if let c = cached, c.sizes == sizes {
            cached = nil
            lock.unlock()
            return c.buffers
        }
        lock.unlock()
        return sizes.map { UnsafeMutableRawPointer.allocate(byteCount: $0, alignment: 64) }
    }

    /// Returns a set after a run: it becomes the cached set (replacing an older one), or is freed.
    func give(_ sizes: [Int], _ buffers: [UnsafeMutableRawPointer]) {
        lock.lock()
        let old = cached
        cached = (sizes, buffers)
        lock.unlock()
        old?.buffers.forEach { $0.deallocate() }
    }

    deinit {
        cached?.buffers.forEach { $0.deallocate() }
    }
}
