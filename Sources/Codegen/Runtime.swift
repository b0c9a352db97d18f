import Dispatch
import IR

/// The host side of a call: gathers buffer pointers per slot (caller storage for inputs and params,
/// shared buffers for reshapes, fresh allocations otherwise), runs the kernels in body order (each split
/// into chunks over threads where Parallelism allows), copies outputs to tensors.
enum Runtime {
    /// The outputs, how many chunks each kernel ran as (in kernel order; 1 = a single call), and how many bytes
    /// of value and scratch slots the run used, fresh or reused (for tests: kernels allocate nothing themselves).
    typealias Result = (outputs: [String: Tensor], chunks: [Int], allocatedBytes: Int)

    static func execute(
        _ kernels: [Kernel], _ function: Function, _ plan: BufferPlan, _ binding: ShapeBinding, threads: Int,
        inputs: [String: Tensor], params: [String: Tensor], pool: BufferPool
    ) throws -> Result {
        // Caller tensors, in slot order; their storage stays pinned while `body` runs.
        var external: [Tensor] = []
        for source in plan.sources {
            switch source {
            case .input(let n): external.append(inputs[n]!)
            case .param(let n): external.append(params[n]!)
            default: break
            }
        }
        // Value and scratch slots, sized for this binding (never zero bytes, so every slot has a valid pointer);
        // taken from the pool when the last run had the same sizes.
        var sizes: [Int] = []
        for (slot, source) in plan.sources.enumerated() {
            switch source {
            case .owned, .scratch: sizes.append(max(binding.shapes[slot].reduce(1, *) * plan.types[slot].dtype.byteSize, 1))
            default: break
            }
        }
        let owned = pool.take(sizes)
        defer { pool.give(sizes, owned) }
        return try withRawPointers(external) { pinned in
            var nextOwned = 0
            var allocatedBytes = 0
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
                    allocatedBytes += sizes[nextOwned]
                    buffers.append(owned[nextOwned])
                    nextOwned += 1
                }
            }
            let dims = binding.dims + [0]  // never empty, so the pointer is valid
            let chunks = buffers.withUnsafeMutableBufferPointer { b in
                dims.withUnsafeBufferPointer { d in run(kernels, b.baseAddress!, d.baseAddress!, binding, threads) }
            }
            var results: [String: Tensor] = [:]
            for o in function.outputs {
                let slot = plan.slotOf[o.value.id]!
                results[o.name] = try tensor(o.value.type.dtype, binding.shapes[slot], buffers[slot]!)
            }
            return (results, chunks, allocatedBytes)
        }
    }

    /// Calls every kernel, in order (each reads what earlier ones wrote, so kernels never overlap).
    /// A partitioned kernel over enough work runs as contiguous chunks of its extent on `threads` threads.
    private static func run(
        _ kernels: [Kernel], _ buffers: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ dims: UnsafePointer<Int64>,
        _ binding: ShapeBinding, _ threads: Int
    ) -> [Int] {
        // Chunks only read the pointer arrays (and write disjoint elements); the arrays outlive the
        // synchronous concurrentPerform.
        nonisolated(unsafe) let buffers = buffers
        nonisolated(unsafe) let dims = dims
        return kernels.map { k in
            // The kernel's pointer arguments, read by every chunk.
            var args = k.info.slots.map { buffers[$0] }
            return args.withUnsafeMutableBufferPointer { a in
                nonisolated(unsafe) let args = a.baseAddress!
                guard let parallel = k.info.parallelDims else {
                    k.entry(args, dims, 0, 1)
                    return 1
                }
                let extent = binding.count(parallel)
                let work = k.info.slots.map { binding.shapes[$0].reduce(1, *) }.max() ?? 0
                let chunks = Parallelism.chunkCount(extent: extent, work: work, threads: threads)
                if chunks == 1 {
                    k.entry(args, dims, 0, Int64(extent))
                } else {
                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                        let r = Parallelism.chunk(c, of: chunks, extent: extent)
                        k.entry(args, dims, Int64(r.lowerBound), Int64(r.upperBound))
                    }
                }
                return chunks
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
