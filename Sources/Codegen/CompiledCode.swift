import Foundation
import IR

/// The machine code of one compiled function and what the host needs to run it (buffer plan, kernel calls).
/// Immutable once built, so many `CompiledFunction`s (and threads) may share one.
final class CompiledCode: @unchecked Sendable {
    let plan: BufferPlan
    let kernels: [Kernel]
    let memory: MemoryPlan
    let weightOnly: WeightOnly
    let llvmIR: String
    let timings: CompileTimings
    private let jit: JITHandle  // owns the machine code the kernels point into

    init(_ function: IR.Function, options: CodegenOptions) throws {
        let p = try Pipeline(function, options)
        var t = p.timings
        plan = p.plan
        memory = MemoryPlan(p.plan, calls: p.kernels, returned: function.outputs.map { p.plan.slotOf[$0.value.id]! })
        weightOnly = WeightOnly(function, plan: p.plan, calls: p.kernels)
        llvmIR = try t.time(\.text) { () throws(CodegenError) in try p.module.text() }
        let jit = try JITHandle(optLevel: p.optLevel)
        try jit.add(p.module)
        self.jit = jit
        kernels = try t.time(\.machineCode) { () throws(CodegenError) in
            var addresses: [String: Kernel.Entry] = [:]  // calls share wrappers: look each up once
            return try p.kernels.map { (info) throws(CodegenError) in
                if addresses[info.symbol] == nil {
                    addresses[info.symbol] = unsafeBitCast(try jit.lookup(info.symbol), to: Kernel.Entry.self)
                }
                let workspace = try info.workspaceSymbol.map { (symbol) throws(CodegenError) in
                    unsafeBitCast(try jit.lookup(symbol), to: ChunkWorkspace.SizeFunction.self)
                }
                let persistent = try info.persistent.map { (p) throws(CodegenError) in
                    unsafeBitCast(try jit.lookup(p.symbol), to: ChunkWorkspace.SizeFunction.self)
                }
                return Kernel(info: info, entry: addresses[info.symbol]!, workspaceBytes: workspace, persistentBytes: persistent)
            }
        }
        timings = t
    }
}

/// Compiled code by (Graph IR text, options, vector shape), for this process: compiling the same function again (the same model
/// with the same parameters, in a test suite or a server) reuses the machine code instead of compiling it again.
/// Holds the most recently used `capacity` entries.
enum CompileCache {
    static let capacity = 16
    private struct Key: Hashable {
        let ir: String
        let options: CodegenOptions
        /// The vector shape the kernels were tiled for (the host's, or a test's HostVectors override).
        let vectors: HostVectors.Shape
    }
    nonisolated(unsafe) private static var entries: [(key: Key, code: CompiledCode)] = []
    private static let lock = NSLock()

    /// The cached code for `function` and `options`, compiling it on a miss. Two threads missing at once both
    /// compile (the lock is not held while compiling); the later insert wins.
    static func code(for function: IR.Function, options: CodegenOptions) throws -> (code: CompiledCode, hit: Bool) {
        let key = Key(ir: printFunction(function), options: options, vectors: HostVectors.shape)
        lock.lock()
        if let i = entries.firstIndex(where: { $0.key == key }) {
            let entry = entries.remove(at: i)
            entries.append(entry)
            lock.unlock()
            return (entry.code, true)
        }
        lock.unlock()
        let code = try CompiledCode(function, options: options)
        lock.lock()
        entries.removeAll { $0.key == key }
        entries.append((key, code))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        lock.unlock()
        return (code, false)
    }
}
