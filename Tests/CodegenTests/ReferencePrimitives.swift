import IR

/// The reference meaning of the data-movement and selection ops, written per output element from the op
/// definitions in Op.swift (independently of the interpreter's loops).
extension Reference {
    /// Swift's (IEEE) comparison operators: ordered, except that NaN != NaN.
    static func compare(_ op: CompareOp, _ x: Double, _ y: Double) -> Bool {
        switch op {
        case .lt: return x < y
        case .le: return x <= y
        case .gt: return x > y
        case .ge: return x >= y
        case .eq: return x == y
        case .ne: return x != y
        }
    }

    static func elements(_ shape: [Int]) -> [[Int]] { (0..<shape.reduce(1, *)).map { unflatten($0, shape) } }

    /// Row-major offset of a full (non-broadcast) multi-index.
    static func at(_ idx: [Int], _ shape: [Int]) -> Int { zip(idx, strides(shape)).reduce(0) { $0 + $1.0 * $1.1 } }

    static func select(_ c: RefTensor, _ a: RefTensor, _ b: RefTensor, _ shape: [Int]) -> [Double] {
        elements(shape).map { idx in
            c.data[broadcastOffset(idx, c.shape)] != 0 ? a.data[broadcastOffset(idx, a.shape)] : b.data[broadcastOffset(idx, b.shape)]
        }
    }

    static func iota(_ axis: Int, _ shape: [Int], _ dt: DType) -> [Double] {
        elements(shape).map { cast(Double($0[axis]), to: dt) }
    }

    static func slice(_ x: RefTensor, axis: Int, start: Int, fromEnd: Bool, _ shape: [Int]) -> [Double] {
        let n = x.shape[axis]
        let first = fromEnd ? n + start : start
        return elements(shape).map { idx in
            var j = idx
            j[axis] = first + idx[axis]
            return (0..<n).contains(j[axis]) ? x.data[at(j, x.shape)] : 0
        }
    }

    static func concat(_ xs: [RefTensor], axis: Int, _ shape: [Int]) -> [Double] {
        elements(shape).map { idx in
            var j = idx
            for x in xs {
                if j[axis] < x.shape[axis] { return x.data[at(j, x.shape)] }
                j[axis] -= x.shape[axis]
            }
            preconditionFailure("concat index beyond its operands")
        }
    }

    static func flip(_ x: RefTensor, axis: Int) -> [Double] {
        elements(x.shape).map { idx in
            var j = idx
            j[axis] = x.shape[axis] - 1 - idx[axis]
            return x.data[at(j, x.shape)]
        }
    }

    static func expand(_ x: RefTensor, _ shape: [Int]) -> [Double] {
        elements(shape).map { x.data[broadcastOffset($0, x.shape)] }
    }

    /// result[pre, ids-index, post] = x[pre, ids[ids-index], post], or 0 for an index outside 0..<n.
    static func take(_ x: RefTensor, _ ids: RefTensor, axis: Int, _ shape: [Int]) -> [Double] {
        let r = ids.shape.count
        return elements(shape).map { idx in
            let id = ids.data[at(Array(idx[axis..<(axis + r)]), ids.shape)]
            guard id >= 0 && id < Double(x.shape[axis]) else { return 0 }
            return x.data[at(Array(idx[..<axis]) + [Int(id)] + Array(idx[(axis + r)...]), x.shape)]
        }
    }
}
