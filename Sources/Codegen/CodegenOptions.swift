/// How to compile: the optimisation level picks both the LLVM pass pipeline (`default<On>`, none at 0)
/// and the machine code generator's level (None / Less / Default / Aggressive).
public struct CodegenOptions: Sendable, Hashable {
    /// 0...3; anything else is rejected when compiling.
    public var optLevel: Int
    /// Fuse elementwise chains into single kernels (FusionPlan); off only to compare against unfused code.
    public var fuse: Bool

    public init(optLevel: Int = 2, fuse: Bool = true) {
        self.optLevel = optLevel
        self.fuse = fuse
    }

    func validated() throws(CodegenError) -> Int {
        guard (0...3).contains(optLevel) else {
            throw CodegenError("optimisation level must be 0...3, got \(optLevel)")
        }
        return optLevel
    }
}
