// What a client of `import SeqC` sees besides the types defined in this module: tensors, dtypes and the IR.
@_exported import IR

import Frontend

/// The value of a model parameter (`d_state = 16`, `causal = true`).
public typealias ParameterValue = Frontend.ParameterValue
