import CLLVM

/// Owns one ORC thread-safe context, and through it the `LLVMContext` that modules and types live in.
/// Modules keep a strong reference to this so the context outlives them.
final class ThreadSafeContext {
    let ref: LLVMOrcThreadSafeContextRef

    init() {
        ref = LLVMOrcCreateNewThreadSafeContext()
    }

    var context: LLVMContextRef { LLVMOrcThreadSafeContextGetContext(ref) }

    deinit {
        // The context is reference-counted inside ORC: modules handed to a JIT keep it alive.
        LLVMOrcDisposeThreadSafeContext(ref)
    }
}

/// Owns one IR builder.
final class BuilderHandle {
    let ref: LLVMBuilderRef

    init(_ context: LLVMContextRef) {
        ref = LLVMCreateBuilderInContext(context)
    }

    deinit { LLVMDisposeBuilder(ref) }
}
