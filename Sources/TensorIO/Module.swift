// TEMPORARY shim until the TensorIO module lands; replaced by the real module.
import Foundation
import IR
struct ShimError: Error {}
public enum NPY {
    public static func read(path: String) throws -> Tensor { throw ShimError() }
    public static func write(_ t: Tensor, path: String) throws { throw ShimError() }
}
public enum NPZ {
    public static func read(path: String) throws -> [(name: String, tensor: Tensor)] { throw ShimError() }
    public static func write(_ tensors: [(String, Tensor)], path: String, compressed: Bool = false) throws { throw ShimError() }
}
public struct SafeTensorsFile { public var tensors: [String: Tensor] }
public enum SafeTensors {
    public static func read(path: String) throws -> SafeTensorsFile { throw ShimError() }
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String]? = nil, path: String) throws { throw ShimError() }
}
