import IR
import TensorIO

/// Reading and writing tensor files, with errors that name the file and the tensor.
public enum TensorFiles {
    /// One tensor from a `.npy` file.
    public static func readNPY(_ path: String) throws(SeqCError) -> Tensor {
        try wrapping { try NPY.read(path: path) }
    }

    public static func writeNPY(_ t: Tensor, _ path: String) throws(SeqCError) {
        try wrapping { try NPY.write(t, path: path) }
    }

    /// Every member of a `.npz` archive, in archive order.
    public static func readNPZ(_ path: String) throws(SeqCError) -> [(name: String, tensor: Tensor)] {
        try wrapping { try NPZ.read(path: path).map { (name: $0.name, tensor: $0.tensor) } }
    }

    public static func writeNPZ(_ tensors: [(name: String, tensor: Tensor)], _ path: String, compressed: Bool = true) throws(SeqCError) {
        try wrapping { try NPZ.write(tensors.map { ($0.name, $0.tensor) }, path: path, compressed: compressed) }
    }

    /// Every tensor of a `.safetensors` file by name.
    public static func readSafetensors(_ path: String) throws(SeqCError) -> [String: Tensor] {
        try wrapping { try SafeTensors.read(path: path).tensors }
    }

    public static func writeSafetensors(_ tensors: [String: Tensor], _ path: String, metadata: [String: String]? = nil) throws(SeqCError) {
        try wrapping {
            try SafeTensors.write(tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, metadata: metadata, path: path)
        }
    }

    /// Weights from a `.safetensors` or `.npz` file, by extension.
    public static func readWeights(_ path: String) throws(SeqCError) -> [String: Tensor] {
        if path.hasSuffix(".npz") {
            var out: [String: Tensor] = [:]
            for (n, t) in try readNPZ(path) { out[n] = t }
            return out
        }
        return try readSafetensors(path)
    }
}
