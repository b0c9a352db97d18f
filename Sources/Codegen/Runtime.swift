import Dispatch
import IR

/// The host side of a call: gathers buffer pointers per slot (caller storage for inputs and params,
/// shared buffers for reshapes, places in one arena otherwise, see MemoryPlan), runs the kernels in order (each
/// split into chunks over threads where Parallelism allows), copies outputs to tensors.
enum Runtime {
    /// What a run produced and used.
    struct Result {
        let outputs: [String: Tensor]
        /// How many chunks each computing instruction's kernel ran as, in body order (1 = a single call; the members
        /// of a fused group all report the group's count).
        let chunks: [Int]
        /// Bytes of the arena holding every value and scratch slot and the kernels' workspaces: the run's peak
        /// memory besides its inputs, params and output tensors (for tests: kernels allocate nothing themselves).
        let allocatedBytes: Int
        /// What those slots and the workspace would take as separate buffers (the arena shares bytes between values
        /// that are never live at once).
        let bufferBytes: Int
    }

    /// With a `cache` (a BoundFunction's), weight-only values and kernels' persistent memory come from its entry for
    /// these sizes, and weight-only kernels run only when there is none yet (WeightCache).
    static func execute(
        _ code: CompiledCode, _ function: Function, _ binding: ShapeBinding, threads: Int,
        inputs: [String: Tensor], params: [String: Tensor], pool: BufferPool, cache: WeightCache? = nil
    ) throws -> Result {
        let plan = code.plan
        // Caller tensors, in slot order; their storage stays pinned while `body` runs.
        var external: [Tensor] = []
        for source in plan.sources {
            switch source {
            case .input(let n): external.append(inputs[n]!)
            case .param(let n): external.append(params[n]!)
            default: break
            }
        }
        let sizes = slotBytes(plan, code.memory, binding)
        let schedule = self.schedule(code, binding, threads: threads)
        let arena = pool.take(sizes, code.memory, workspace: schedule.map(\.workspaceBytes).max() ?? 0)
        defer { pool.give(arena) }
        var place: [Int: UnsafeMutableRawPointer] = [:]
        for (k, l) in code.memory.lifetimes.enumerated() { place[l.slot] = arena.base + arena.offsets[k] }
        let cached = cache?.entry(for: binding.dims)
        let entry = cached ?? cache.map { _ in newCacheEntry(code, binding, sizes: sizes) }
        let skip = code.weightOnly.calls.map { $0 && cached != nil }
        return try withRawPointers(external) { pinned in
            var buffers: [UnsafeMutableRawPointer?] = []
            var nextExternal = 0
            for (slot, source) in plan.sources.enumerated() {
                switch source {
                case .input, .param:
                    // JIT code only reads these; the mutable type is what the ABI array holds.
                    buffers.append(UnsafeMutableRawPointer(mutating: pinned[nextExternal]))
                    nextExternal += 1
                case .alias(let s):
                    buffers.append(buffers[s])
                case .owned, .scratch:
                    buffers.append(entry?.values[slot] ?? place[slot]!)
                case .register:
                    buffers.append(nil)
                }
            }
            buffers.withUnsafeMutableBufferPointer { b in
                dims(binding).withUnsafeBufferPointer { d in
                    run(code.kernels, schedule, b.baseAddress!, d.baseAddress!, workspace: arena.workspace, skip: skip,
                        persistent: entry?.persistent ?? [:])
                }
            }
            if let entry, cached == nil { cache?.store(entry) }
            var chunksOf: [Int: Int] = [:]
            for (c, k) in code.kernels.enumerated() { for m in k.info.members { chunksOf[m] = skip[c] ? 0 : schedule[c].chunks } }
            var results: [String: Tensor] = [:]
            for o in function.outputs {
                let slot = plan.slotOf[o.value.id]!
                results[o.name] = try tensor(o.value.type.dtype, binding.shapes[slot], buffers[slot]!)
            }
            return Result(outputs: results, chunks: chunksOf.keys.sorted().map { chunksOf[$0]! },
                          allocatedBytes: arena.bytes, bufferBytes: sizes.reduce(0, +) + arena.workspaceBytes)
        }
    }

    /// Bytes of each allocated slot (MemoryPlan's order) under `binding`; never zero, so every slot has its own
    /// valid pointer.
    static func slotBytes(_ plan: BufferPlan, _ memory: MemoryPlan, _ binding: ShapeBinding) -> [Int] {
        memory.lifetimes.map { l in max(binding.shapes[l.slot].reduce(1, *) * plan.types[l.slot].dtype.byteSize, 1) }
    }

    /// How each kernel call of a run on `threads` threads is split.
    static func schedule(_ code: CompiledCode, _ binding: ShapeBinding, threads: Int) -> [Call] {
        dims(binding).withUnsafeBufferPointer { d in code.kernels.map { k in Call(k, binding, d.baseAddress!, threads: threads) } }
    }

    /// The workspace region a run needs: the largest call's (kernels run one after another).
    static func workspaceBytes(_ code: CompiledCode, _ binding: ShapeBinding, threads: Int) -> Int {
        schedule(code, binding, threads: threads).map(\.workspaceBytes).max() ?? 0
    }

    /// A cache entry for `binding`'s sizes: buffers for the weight-only values the run reads, zeroed persistent memory
    /// for the calls that may keep it.
    private static func newCacheEntry(_ code: CompiledCode, _ binding: ShapeBinding, sizes: [Int]) -> WeightCache.Entry {
        let slotSize = Dictionary(uniqueKeysWithValues: zip(code.memory.lifetimes.map(\.slot), sizes))
        let values = Dictionary(uniqueKeysWithValues: code.weightOnly.frontier.map { ($0, slotSize[$0]!) })
        var persistent: [Int: Int] = [:]
        dims(binding).withUnsafeBufferPointer { d in
            for (c, k) in code.kernels.enumerated() where code.weightOnly.persistentCalls[c] {
                persistent[c] = Int(max(k.persistentBytes!(d.baseAddress!), 0))
            }
        }
        return WeightCache.Entry(dims: binding.dims, valueBytes: values, persistentBytes: persistent)
    }

    /// The symbol sizes as the kernels read them (never empty, so the pointer is valid).
    private static func dims(_ binding: ShapeBinding) -> [Int64] { binding.dims + [0] }

    /// How one kernel call runs: its partitioned extent in `chunks` contiguous chunks (1 with no partitioned loop),
    /// each with `workspacePerChunk` bytes of workspace (ChunkWorkspace).
    struct Call {
        let extent: Int?
        let chunks: Int
        let workspacePerChunk: Int
        var workspaceBytes: Int { chunks * workspacePerChunk }

        /// A partitioned kernel over enough work runs as chunks on up to `threads` threads.
        init(_ k: Kernel, _ binding: ShapeBinding, _ dims: UnsafePointer<Int64>, threads: Int) {
            if let parallel = k.info.parallelDims {
                let extent = binding.count(parallel)
                let work = k.info.slots.map { binding.shapes[$0].reduce(1, *) }.max() ?? 0
                self.extent = extent
                chunks = Parallelism.chunkCount(extent: extent, work: work, threads: threads)
            } else {
                extent = nil
                chunks = 1
            }
            workspacePerChunk = k.workspaceBytes.map { ChunkWorkspace.perChunk($0(dims)) } ?? 0
        }
    }

    /// Calls every kernel not skipped, in order (each reads what earlier ones wrote, so kernels never overlap), as
    /// `schedule` splits it; chunk c of a call gets the workspace slice at c × its per-chunk bytes, and every chunk the
    /// call's persistent memory (null when it has none).
    private static func run(
        _ kernels: [Kernel], _ schedule: [Call], _ buffers: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
        _ dims: UnsafePointer<Int64>, workspace: UnsafeMutableRawPointer, skip: [Bool],
        persistent: [Int: UnsafeMutableRawPointer]
    ) {
        // Chunks only read the pointer arrays (and write disjoint elements and their own workspace slices); the
        // arrays outlive the synchronous concurrentPerform.
        nonisolated(unsafe) let buffers = buffers
        nonisolated(unsafe) let dims = dims
        nonisolated(unsafe) let workspace = workspace
        for (c, (k, call)) in zip(kernels, schedule).enumerated() where !skip[c] {
            nonisolated(unsafe) let kept = persistent[c]
            // The kernel's pointer arguments, read by every chunk.
            var args = k.info.slots.map { buffers[$0] }
            args.withUnsafeMutableBufferPointer { a in
                nonisolated(unsafe) let args = a.baseAddress!
                guard let extent = call.extent else {
                    k.entry(args, dims, 0, 1, workspace, kept)
                    return
                }
                if call.chunks == 1 {
                    k.entry(args, dims, 0, Int64(extent), workspace, kept)
                } else {
                    DispatchQueue.concurrentPerform(iterations: call.chunks) { c in
                        let r = Parallelism.chunk(c, of: call.chunks, extent: extent)
                        k.entry(args, dims, Int64(r.lowerBound), Int64(r.upperBound), workspace + c * call.workspacePerChunk, kept)
                    }
                }
            }
        }
    }

    /// Copies `shape`'s elements of `dtype` out of `p` into a new tensor.
    static func tensor(_ dtype: DType, _ shape: [Int], _ p: UnsafeMutableRawPointer) throws -> Tensor {
        let n = shape.reduce(1, *)
        func copy<T>(_: T.Type) -> [T] { Array(UnsafeBufferPointer(start: p.assumingMemoryBound(to: T.self), count: n)) }
        switch dtype {
        case .f32: return try Tensor(shape: shape, storage: .f32(copy(Float.self)))
        case .f64: return try Tensor(shape: shape, storage: .f64(copy(Double.self)))
        case .i32: return try Tensor(shape: shape, storage: .i32(copy(Int32.self)))
        case .i64: return try Tensor(shape: shape, storage: .i64(copy(Int64.self)))
        // Generated code writes only 0 or 1 to bool buffers, and Swift's Bool is that byte.
        case .bool: return try Tensor(shape: shape, storage: .bool(copy(Bool.self)))
        }
    }

    /// Calls `body` with a pointer to each tensor's elements, valid for the duration of the call.
    /// Empty tensors get a pointer to a scratch byte (never read).
    static func withRawPointers<R>(_ tensors: [Tensor], _ body: ([UnsafeRawPointer]) throws -> R) throws -> R {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64)
        defer { scratch.deallocate() }
        func level(_ i: Int, _ acc: [UnsafeRawPointer]) throws -> R {
            if i == tensors.count { return try body(acc) }
            return try tensors[i].withRawBytes { try level(i + 1, acc + [$0 ?? UnsafeRawPointer(scratch)]) }
        }
        return try level(0, [])
    }
}

extension Tensor {
    /// The base address of the elements (nil may be returned for empty tensors).
    func withRawBytes<R>(_ body: (UnsafeRawPointer?) throws -> R) rethrows -> R {
        switch storage {
        case .f32(let a): return try a.withUnsafeBytes { try body($0.baseAddress) }
        case .f64(let a): return try a.withUnsafeBytes { try body($0.baseAddress) }
        case .i32(let a): return try a.withUnsafeBytes { try body($0.baseAddress) }
        case .i64(let a): return try a.withUnsafeBytes { try body($0.baseAddress) }
        case .bool(let a): return try a.withUnsafeBytes { try body($0.baseAddress) }
        }
    }
}
