// What a client of `import SeqC` sees besides the types defined in this module: tensors, dtypes and the IR.
@_exported import IR

import Codegen
import Frontend

/// The value of a model parameter (`d_state = 16`, `causal = true`).
public typealias ParameterValue = Frontend.ParameterValue

/// A compiled model's working memory per run (peak arena bytes, and the unshared total).
public typealias MemoryUse = Codegen.MemoryUse

