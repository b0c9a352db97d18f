import Foundation
import IR

// Reference semantics of the data-movement and selection primitives: compare, select, iota, slice, concat, flip,
// expand, take.

extension Interpreter {
    func evaluatePrimitive(_ inst: Instruction, _ args: [Array], bindings: [String: Int]) throws(BindingError) -> Array {
        func declaredShape() throws(BindingError) -> [Int] {
            guard let s = inst.result.type.resolve(bindings) else {
                throw BindingError("\(inst.op.mnemonic) to \(inst.result.type) uses a dim that no input binds")
            }
            return s
        }
        switch inst.op {
        case .compare(let c):
            let f: (Double, Double) -> Bool
            switch c {
            case .lt: f = { $0 < $1 }
            case .le: f = { $0 <= $1 }
            case .gt: f = { $0 > $1 }
            case .ge: f = { $0 >= $1 }
            case .eq: f = { $0 == $1 }
            case .ne: f = { $0 != $1 }
            }
            return broadcast(args[0], args[1]) { f($0, $1) ? 1 : 0 }
        case .select:
            let shape = broadcastShape(args[0].shape, args[1].shape, args[2].shape)
            let c = expand(args[0], to: shape), a = expand(args[1], to: shape), b = expand(args[2], to: shape)
            return Array(shape: shape, data: (0..<c.count).map { c.data[$0] != 0 ? a.data[$0] : b.data[$0] })
        case .iota(let axis):
            let shape = try declaredShape()
            var out = [Double](repeating: 0, count: shape.reduce(1, *))
            forEachIndex(shape) { flat, idx in out[flat] = Double(idx[axis]) }
            return Array(shape: shape, data: out)
        case .slice(let axis, let start, let fromEnd):
            let x = args[0]
            var shape = x.shape
            shape[axis] = try declaredShape()[axis]
            // Saturating, so absurd starts read zeros instead of overflowing.
            let (fromEndStart, o1) = x.shape[axis].addingReportingOverflow(start)
            let first = fromEnd ? (o1 ? (start < 0 ? Int.min / 2 : Int.max / 2) : fromEndStart) : max(min(start, Int.max / 2), Int.min / 2)
            let strides = contiguousStrides(x.shape)
            var out = [Double](repeating: 0, count: shape.reduce(1, *))
            forEachIndex(shape) { flat, idx in
                let j = first + idx[axis]
                guard j >= 0 && j < x.shape[axis] else { return }
                var src = 0
                for k in 0..<idx.count { src += (k == axis ? j : idx[k]) * strides[k] }
                out[flat] = x.data[src]
            }
            return Array(shape: shape, data: out)
        case .concat(let axis):
            var shape = args[0].shape
            shape[axis] = args.map { $0.shape[axis] }.reduce(0, +)
            let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
            var out: [Double] = []
            out.reserveCapacity(shape.reduce(1, *))
            for o in 0..<outer {
                for a in args {
                    let chunk = a.shape[axis] * inner
                    out += a.data[(o * chunk)..<((o + 1) * chunk)]
                }
            }
            return Array(shape: shape, data: out)
        case .flip(let axis):
            let x = args[0]
            let strides = contiguousStrides(x.shape)
            var out = [Double](repeating: 0, count: x.count)
            forEachIndex(x.shape) { flat, idx in
                var src = 0
                for k in 0..<idx.count { src += (k == axis ? x.shape[k] - 1 - idx[k] : idx[k]) * strides[k] }
                out[flat] = x.data[src]
            }
            return Array(shape: x.shape, data: out)
        case .expand:
            return expand(args[0], to: try declaredShape())
        case .take(let axis):
            let (x, idx) = (args[0], args[1])
            let n = x.shape[axis]
            let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *)
            var out: [Double] = []
            out.reserveCapacity(outer * idx.count * inner)
            for o in 0..<outer {
                for i in idx.data {
                    let j = Int(exactly: i) ?? -1
                    if j >= 0 && j < n {
                        out += x.data[((o * n + j) * inner)..<((o * n + j + 1) * inner)]
                    } else {
                        out += repeatElement(0, count: inner)
                    }
                }
            }
            return Array(shape: Swift.Array(x.shape[..<axis]) + idx.shape + Swift.Array(x.shape[(axis + 1)...]), data: out)
        default:
            preconditionFailure("evaluatePrimitive called for \(inst.op.mnemonic)")
        }
    }

    /// `a` broadcast to `shape` (which it must broadcast to), materialised.
    func expand(_ a: Array, to shape: [Int]) -> Array {
        if a.shape == shape { return a }
        let s = broadcastStrides(a.shape, to: shape)
        var out = [Double](repeating: 0, count: shape.reduce(1, *))
        forEachIndex(shape) { flat, idx in
            var src = 0
            for k in 0..<idx.count { src += idx[k] * s[k] }
            out[flat] = a.data[src]
        }
        return Array(shape: shape, data: out)
    }
}
