import Foundation
import IR

func physicalMemory() -> UInt64 { ProcessInfo.processInfo.physicalMemory }

/// Binds each symbolic dim from the input tensors' shapes and checks every input and param against its
/// declared type (IR's shared `bindSymbols`, so messages match the interpreter's), then resolves the
/// concrete shape of every value slot.
struct ShapeBinding {
    /// Symbol sizes in `BufferPlan.symbols` order: the entry's `dims` array.
    let dims: [Int64]
    /// Concrete shape of each slot.
    let shapes: [[Int]]
    /// Symbol name → size.
    let sizes: [String: Int]

    init(_ function: Function, _ plan: BufferPlan, inputs: [String: Tensor], params: [String: Tensor])
        throws(CodegenError)
    {
        let sizes: [String: Int]
        do {
            sizes = try bindSymbols(function, inputs: inputs, params: params)
        } catch {
            throw CodegenError(error.message)
        }
        do {
            // Absurd sizes become an error naming the value, not a failed allocation.
            try checkValueSizes(function, bindings: sizes, limitBytes: defaultValueSizeLimit(physicalMemory: physicalMemory()) / 2)
        } catch {
            throw CodegenError(error.message)
        }
        self.sizes = sizes
        dims = plan.symbols.map { Int64(sizes[$0]!) }  // BufferPlan guarantees inputs bind every symbol
        var shapes: [[Int]] = []
        for (slot, t) in plan.types.enumerated() {
            let shape = t.resolve(sizes)!
            var bytes = t.dtype.byteSize
            for n in shape {
                let (p, overflow) = bytes.multipliedReportingOverflow(by: n)
                guard !overflow else {
                    let what = slot < plan.values.count ? "value \(plan.values[slot])" : "scratch slot \(slot)"
                    throw CodegenError("\(what) : \(t) would be too large with shape \(shape)")
                }
                bytes = p
            }
            shapes.append(shape)
        }
        self.shapes = shapes
    }

    /// Π of `dims` under this binding (every symbol is bound: BufferPlan checked).
    func count(_ dims: [Dim]) -> Int {
        dims.reduce(1) { $0 * $1.resolve(sizes)! }
    }
}
