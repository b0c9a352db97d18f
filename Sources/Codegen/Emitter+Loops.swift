import CLLVM

/// Counted loops. Each is bottom-tested behind a `n > 0` guard, with an `i64` phi counting up by one
/// (`nuw nsw`): the canonical shape LLVM's loop vectorizer recognises. Zero-size extents skip the body.
extension Emitter {
    /// for i in 0..<n { body(i) }
    func forLoop(_ n: Index, _ body: (Index) -> Void) {
        forLoop(from: index(0), to: n, body)
    }

    /// for i in lo..<hi { body(i) } (nothing when hi ≤ lo).
    func forLoop(from lo: Index, to hi: Index, _ body: (Index) -> Void) {
        loopDepth += 1
        defer { loopDepth -= 1 }
        if let l = lo.known, let h = hi.known {
            if h <= l { return }
            if h == l + 1 {
                body(lo)
                return
            }
        }
        let fn = function!
        let pre = LLVMGetInsertBlock(b)
        let loop = LLVMAppendBasicBlockInContext(context, fn, "loop")!
        let exit = LLVMAppendBasicBlockInContext(context, fn, "loop.end")!
        let nonEmpty = LLVMBuildICmp(b, LLVMIntSLT, lo.value, hi.value, "")
        LLVMBuildCondBr(b, nonEmpty, loop, exit)

        LLVMPositionBuilderAtEnd(b, loop)
        let i = LLVMBuildPhi(b, i64, "i")!
        body(Index(value: i, known: nil))
        let next = LLVMBuildNSWAdd(b, i, index(1).value, "")!
        LLVMSetNUW(next, 1)
        let latch = LLVMGetInsertBlock(b)
        let done = LLVMBuildICmp(b, LLVMIntEQ, next, hi.value, "")
        LLVMBuildCondBr(b, done, exit, loop)

        var values: [LLVMValueRef?] = [lo.value, next]
        var blocks: [LLVMBasicBlockRef?] = [pre, latch]
        LLVMAddIncoming(i, &values, &blocks, 2)
        // Keep the block list in program order for readable IR.
        LLVMMoveBasicBlockAfter(exit, LLVMGetLastBasicBlock(fn))
        LLVMPositionBuilderAtEnd(b, exit)
    }

    /// Nested loops over `extents`, outermost first; `body` gets one index per extent.
    func loopNest(_ extents: [Index], _ body: ([Index]) -> Void) {
        func level(_ d: Int, _ idx: [Index]) {
            if d == extents.count {
                body(idx)
                return
            }
            forLoop(extents[d]) { i in level(d + 1, idx + [i]) }
        }
        level(0, [])
    }
}
