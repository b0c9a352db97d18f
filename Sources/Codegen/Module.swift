// TEMPORARY shim until the Codegen module lands; replaced by the real module.
import IR
public struct CodegenOptions { public var optLevel: Int; public init(optLevel: Int = 2) { self.optLevel = optLevel } }
public struct ShimError: Error {}
public final class CompiledFunction: @unchecked Sendable {
    public init(_ function: IR.Function, options: CodegenOptions = .init()) throws { throw ShimError() }
    public func run(inputs: [String: Tensor], params: [String: Tensor]) throws -> [String: Tensor] { throw ShimError() }
    public let llvmIR: String = ""
}
public enum CodegenText {
    public static func llvmIR(_ f: IR.Function, options: CodegenOptions) throws -> String { throw ShimError() }
    public static func assembly(_ f: IR.Function, options: CodegenOptions) throws -> String { throw ShimError() }
}
