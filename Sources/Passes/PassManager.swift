import IR

/// A Graph IR → Graph IR rewrite with a kebab-case name. Every pass keeps the function's meaning.
public struct Pass: Sendable {
    public let name: String
    public let run: @Sendable (Function) -> Function

    public init(name: String, run: @escaping @Sendable (Function) -> Function) {
        self.name = name
        self.run = run
    }
}

/// Runs passes in order, verifying after each one, and can report the IR after each pass and the time taken.
public struct PassManager: Sendable {
    public var passes: [Pass]

    public init(_ passes: [Pass]) { self.passes = passes }

    /// The graph pipeline for an optimization level: one readable list per level. `mixers` forces a mixer algorithm
    /// (at -O0 too, so tests can compare the forms without other rewrites).
    public static func pipeline(optLevel: Int, mixers: MixerAlgorithm = .auto) -> PassManager {
        switch optLevel {
        case ...0: return PassManager(mixers == .auto ? [] : [.selectMixerAlgorithms(mixers), .dce])
        default: return PassManager([.selectMixerAlgorithms(mixers), .foldReversedScans, .fuseSSMDecay, .fuseFFTEpilogue, .cse, .dce])
        }
    }

    /// What happened in one pass: its name, the IR after it, whether it changed anything, and its time.
    public struct Step: Sendable {
        public let pass: String
        public let function: Function
        public let changed: Bool
        public let seconds: Double
    }

    /// Runs the pipeline. `afterEach` sees every step (for `--print-after-all` / `--time-passes`).
    public func run(_ f: Function, afterEach: (Step) -> Void = { _ in }) throws(VerifierError) -> Function {
        var current = f
        for p in passes {
            let clock = ContinuousClock()
            let start = clock.now
            let next = p.run(current)
            let elapsed = clock.now - start
            try verify(next)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            afterEach(Step(pass: p.name, function: next, changed: next != current, seconds: seconds))
            current = next
        }
        return current
    }
}

extension Pass {
    /// All passes by name, for `--passes` style selection and documentation.
    public static let all: [Pass] = [.selectMixerAlgorithms(.auto), .foldReversedScans, .fuseSSMDecay, .fuseFFTEpilogue, .cse, .dce]
}
