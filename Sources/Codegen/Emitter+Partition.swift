import CLLVM
import IR

/// The one loop of a kernel that the host may split across threads. A lowering calls one of these
/// deliberately, as its outermost loop, and only over iterations that are independent (each writes its
/// own output elements and reads nothing another iteration writes). The dims it names become the
/// kernel's *parallel extent* (their product), which the host recomputes from the same dims to cut
/// [0, extent) into chunks; the kernel runs iterations `begin..<min(end, extent)`.
///
/// Determinism: an iteration's operations do not depend on which chunk it is in, and reductions only
/// ever sit inside an iteration, so results are bit-identical for every chunking.
extension Emitter {
    /// for i in begin..<min(end, Π dims) { body(i) }: the kernel's partitioned loop, over the dims'
    /// row-major flattening.
    func partitionedLoop(_ dims: [Dim], _ body: (Index) -> Void) {
        let (lo, hi) = partitionedRange(dims)
        forLoop(from: lo, to: hi, body)
    }

    /// The bounds `begin..<min(end, Π dims)` of the kernel's partitioned iterations, for lowerings that
    /// split their range themselves instead of running one body per iteration (the caller must still run
    /// exactly these iterations, independently, before any other loop).
    func partitionedRange(_ dims: [Dim]) -> (lo: Index, hi: Index) {
        precondition(partition == nil, "a kernel has at most one partitioned loop")
        precondition(loopDepth == 0, "the partitioned loop must be the kernel's outermost loop")
        partition = dims
        let n = product(extents(dims))
        // Clamped so that `end = Int64.max` (what `seqc_entry` passes) means "to the end".
        return (rangeBegin!, Index(value: intrinsic("smin", [i64], [rangeEnd!.value, n.value]), known: nil))
    }

    /// Data-movement kernels viewed as [outer, len, inner] around `axis` of `shape`: `body(o, lo, hi)` must
    /// handle positions lo..<hi of the axis in outer row `o`. With axis > 0 the outer rows are partitioned
    /// and each gets the whole axis; with axis 0 (one outer row) the axis itself is split into ranges.
    func partitionedAxisRows(_ shape: [Dim], axis: Int, _ body: (_ o: Index, _ lo: Index, _ hi: Index) -> Void) {
        if axis > 0 {
            let len = extent(shape[axis])
            partitionedLoop(Array(shape[..<axis])) { o in body(o, index(0), len) }
        } else {
            let (lo, hi) = partitionedRange([shape[0]])
            body(index(0), lo, hi)
        }
    }

    /// The partitioned loop over `dims` flattened, handing `body` the multi-index.
    func partitionedNest(_ dims: [Dim], _ body: ([Index]) -> Void) {
        let ext = extents(dims)
        partitionedLoop(dims) { flat in body(unflatten(flat, ext)) }
    }

    /// A loop nest over `shape` whose rows (all axes but the last) are partitioned and whose last axis
    /// is an ordinary contiguous inner loop. Rank 1 partitions the elements; rank 0 is one iteration.
    func partitionedRows(_ shape: [Dim], _ body: ([Index]) -> Void) {
        switch shape.count {
        case 0: body([])
        case 1: partitionedLoop(shape) { i in body([i]) }
        default:
            let last = extent(shape.last!)
            partitionedNest(Array(shape.dropLast())) { outer in
                forLoop(last) { j in body(outer + [j]) }
            }
        }
    }
}
