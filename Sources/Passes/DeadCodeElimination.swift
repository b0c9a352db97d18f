import IR

// dce — dead code elimination.
//
// Removes every instruction none of whose results reaches an output. `input` and `param` instructions stay:
// they are the function's interface, and a caller may pass an input the outputs happen not to use.
// After: every non-interface instruction has a result that an output depends on.

extension Pass {
    public static let dce = Pass(name: "dce", run: eliminateDeadCode)
}

public func eliminateDeadCode(_ f: Function) -> Function {
    var live = Set(f.outputs.map(\.value.id))
    var keep = [Bool](repeating: false, count: f.body.count)
    for (i, inst) in f.body.enumerated().reversed() {
        let isInterface: Bool
        switch inst.op {
        case .input, .param: isInterface = true
        default: isInterface = false
        }
        if isInterface || inst.results.contains(where: { live.contains($0.id) }) {
            keep[i] = true
            for v in inst.operands { live.insert(v.id) }
        }
    }
    var out = f
    out.body = zip(f.body, keep).filter { $0.1 }.map { $0.0 }
    return out
}
