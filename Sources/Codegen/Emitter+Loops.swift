import CLLVM

/// Counted loops. Each is bottom-tested behind a `n > 0` guard, with an `i64` phi counting up by one
/// (`nuw nsw`): the canonical shape LLVM's loop vectorizer recognises. Zero-size extents skip the body.
extension Emitter {
    /// for i in 0..<n { body(i) }
    func forLoop(_ n: Index, _ body: (Index) -> Void) {
        if n.known == 0 { return }
        if n.known == 1 {
            body(index(0))
            return
        }
        let fn = function!
        let zero = index(0).value
        let pre = LLVMGetInsertBlock(b)
        let loop = LLVMAppendBasicBlockInContext(context, fn, "loop")!
        let exit = LLVMAppendBasicBlockInContext(context, fn, "loop.end")!
        let nonEmpty = LLVMBuildICmp(b, LLVMIntSGT, n.value, zero, "")
        LLVMBuildCondBr(b, nonEmpty, loop, exit)

        LLVMPositionBuilderAtEnd(b, loop)
        let i = LLVMBuildPhi(b, i64, "i")!
        body(Index(value: i, known: nil))
        let next = LLVMBuildNSWAdd(b, i, index(1).value, "")!
        LLVMSetNUW(next, 1)
        let latch = LLVMGetInsertBlock(b)
        let done = LLVMBuildICmp(b, LLVMIntEQ, next, n.value, "")
        LLVMBuildCondBr(b, done, exit, loop)

        var values: [LLVMValueRef?] = [zero, next]
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
