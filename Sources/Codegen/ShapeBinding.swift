import IR

/// Binds each symbolic dim from the input tensors' shapes and checks every input and param against its
/// declared type (IR's shared `bindSymbols`, so messages match the interpreter's), then resolves the
/// concrete shape of every value slot.
struct ShapeBinding {
    /// Symbol sizes in `BufferPlan.symbols` order: the entry's `dims` array.
    let dims: [Int64]
    /// Concrete shape of each slot.
    let shapes: [[Int]]

    init(_ function: Function, _ plan: BufferPlan, inputs: [String: Tensor], params: [String: Tensor])
        throws(CodegenError)
    {
        let sizes: [String: Int]
        do {
            sizes = try bindSymbols(function, inputs: inputs, params: params)
        } catch {
            throw CodegenError(error.message)
        }
        dims = plan.symbols.map { Int64(sizes[$0]!) }  // BufferPlan guarantees inputs bind every symbol
        var shapes: [[Int]] = []
        for v in plan.values {
            let shape = v.type.resolve(sizes)!
            var bytes = v.type.dtype.byteSize
            for n in shape {
                let (p, overflow) = bytes.multipliedReportingOverflow(by: n)
                guard !overflow else { throw CodegenError("value \(v) : \(v.type) would be too large with shape \(shape)") }
                bytes = p
            }
            shapes.append(shape)
        }
        self.shapes = shapes
    }
}
