/// The transform lengths of the generated FFT (Emitter+FFT.swift) and its stage rule, in plain Swift: the kernels
/// choose their length at run time by the same rule, emitted in LLVM (Emitter+FFTLength.swift); this is the
/// compile-time and test-time form.
///
/// A length is M = 2^a·3^b·5^c (5-smooth). Its stages, in order: radix 4 while the remaining sub-transform length is
/// divisible by 4, then one radix 2 if it is divisible by 2, then radix 3 stages, then radix 5 stages.
///
/// The length chosen for "at least x" is the candidate 2^a·3^b·5^c ≥ x of least estimated cost (`FFTCost`); ties go
/// to the shorter one.
/// The candidates are, for every 3^b·5^c up to the power of two ≥ x, the least 2^a multiple ≥ x (any other
/// multiple is longer with more stages, never cheaper).
struct FFTFactors: Equatable {
    /// M = 2^twos · 3^threes · 5^fives.
    var points: Int
    var twos: Int
    var threes: Int
    var fives: Int
}

/// The estimated cost of a length, in units of one butterfly stage over M points (the measurement behind it is in
/// docs/FFT.md, "Transform length"). Stages of every radix cost about the same per point there (the transforms are
/// bound by the passes over L2, not by the butterflies' arithmetic), so each counts 1; the work around the
/// transforms (packing, the bin pass, unpacking) counts as `base` stages. A length with fewer than four factors of
/// two runs its radix-2, 3 and 5 stages at strides below 16, too short for the vectorized q loop (1.2–1.6× slower
/// with three factors of two, 1.5–2× with two, 3× with one or none): `narrow` more per missing factor.
enum FFTCost {
    static let base = 4
    static let narrow = 4

    /// M times its cost per point (integers, so the emitted rule compares exactly the same numbers).
    static func of(_ f: FFTFactors) -> Int {
        let stages = f.twos / 2 + f.twos % 2 + f.threes + f.fives
        return f.points * (base + stages + narrow * max(0, 4 - f.twos))
    }
}

/// The FFT length seqc uses for a transform of at least `x` points (x ≤ 1 gives 1): a 5-smooth length.
func fastFFTLength(atLeast x: Int) -> Int { fftLengthFactors(atLeast: x).points }

/// `fastFFTLength(atLeast:)` with the factorization its stages follow.
func fftLengthFactors(atLeast x: Int) -> FFTFactors {
    let x = max(x, 1)
    let limit = 1 << (Int.bitWidth - (x - 1).leadingZeroBitCount)  // the least power of two ≥ x
    var best = FFTFactors(points: limit, twos: limit.trailingZeroBitCount, threes: 0, fives: 0)
    var p3 = 1, threes = 0
    while p3 <= limit {
        var base = p3, fives = 0
        while base <= limit {
            let quotient = (x + base - 1) / base  // the least power of two ≥ this, times base, is ≥ x
            let twos = quotient <= 1 ? 0 : Int.bitWidth - (quotient - 1).leadingZeroBitCount
            let candidate = FFTFactors(points: base << twos, twos: twos, threes: threes, fives: fives)
            let (c, b) = (FFTCost.of(candidate), FFTCost.of(best))
            if c < b || (c == b && candidate.points < best.points) { best = candidate }
            base *= 5
            fives += 1
        }
        p3 *= 3
        threes += 1
    }
    return best
}

/// The radices of the stages of an M-point FFT in order (empty for M = 1), or nil when M is not 5-smooth.
func fftStages(points: Int) -> [Int]? {
    guard points >= 1 else { return nil }
    var n = points, stages: [Int] = []
    while n % 4 == 0 { stages.append(4); n /= 4 }
    if n % 2 == 0 { stages.append(2); n /= 2 }
    while n % 3 == 0 { stages.append(3); n /= 3 }
    while n % 5 == 0 { stages.append(5); n /= 5 }
    return n == 1 ? stages : nil
}
