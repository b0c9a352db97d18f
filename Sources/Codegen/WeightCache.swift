import Foundation

/// What a function with bound weights (BoundFunction) keeps between runs, per set of sizes (the symbol values): the
/// weight-only values the rest of the run reads (WeightOnly.frontier) and the kernels' persistent memory
/// (PersistentMemory). The first run with new sizes computes everything, writing those values straight into an
/// entry's buffers; once it finishes, the entry is complete and later runs with the same sizes skip the weight-only
/// kernels. Holds the `capacity` most recently used sizes. Entries are reference-counted, so a run keeps its entry
/// alive even if another run evicts it.
final class WeightCache: @unchecked Sendable {
    static let capacity = 4

    final class Entry: @unchecked Sendable {
        let dims: [Int64]
        /// Owning slot → buffer of a frontier value.
        let values: [Int: UnsafeMutableRawPointer]
        /// Kernel call → its persistent memory (zeroed when made).
        let persistent: [Int: UnsafeMutableRawPointer]
        /// Bytes held.
        let bytes: Int

        init(dims: [Int64], valueBytes: [Int: Int], persistentBytes: [Int: Int]) {
            self.dims = dims
            func allocate(_ n: Int) -> UnsafeMutableRawPointer {
                UnsafeMutableRawPointer.allocate(byteCount: max(n, 1), alignment: MemoryPlan.alignment)
            }
            values = valueBytes.mapValues(allocate)  // written by their kernels before anything reads them
            persistent = persistentBytes.mapValues { n in
                let p = allocate(n)
                p.initializeMemory(as: UInt8.self, repeating: 0, count: max(n, 1))  // kernels' "not filled" flags
                return p
            }
            bytes = valueBytes.values.reduce(0, +) + persistentBytes.values.reduce(0, +)
        }

        deinit {
            for p in values.values { p.deallocate() }
            for p in persistent.values { p.deallocate() }
        }
    }

    private let lock = NSLock()
    private var entries: [Entry] = []

    /// The complete entry for these sizes, if a run has made one.
    func entry(for dims: [Int64]) -> Entry? {
        lock.lock()
        defer { lock.unlock() }
        guard let i = entries.firstIndex(where: { $0.dims == dims }) else { return nil }
        let e = entries.remove(at: i)
        entries.append(e)
        return e
    }

    /// Keeps a complete entry (replacing one for the same sizes, evicting the least recently used beyond capacity).
    func store(_ e: Entry) {
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll { $0.dims == e.dims }
        entries.append(e)
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
    }

    /// Bytes held by all entries.
    var bytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.reduce(0) { $0 + $1.bytes }
    }
}
