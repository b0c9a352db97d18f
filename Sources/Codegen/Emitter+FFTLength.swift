import CLLVM

/// A transform length chosen at run time with its factorization M = 2^twos · 3^threes · 5^fives (the run-time form
/// of `FFTFactors`), which fixes its stages (FFTLength.swift).
struct FFTLength {
    let points: Index
    let twos: Index
    let threes: Index
    let fives: Index
}

extension Emitter {
    /// The run-time twin of `fftLengthFactors(atLeast:)` (FFTLength.swift): the same candidates in the same order, the
    /// same integer costs and tie rule, so a kernel transforms at the length the Swift rule names. It runs once per
    /// kernel call (per chunk of rows) and tries about log3(x)·log5(x) candidates; a length known at compile time
    /// is chosen here instead.
    func fftLength(atLeast x: Index) -> FFTLength {
        if let known = x.known {
            let f = fftLengthFactors(atLeast: known)
            return FFTLength(points: index(f.points), twos: index(f.twos), threes: index(f.threes), fives: index(f.fives))
        }
        let x = smax(x, index(1))
        let limit = shl(index(1), sub(index(64), countLeadingZeros(sub(x, index(1)))))
        let best = (points: variable(limit), twos: variable(countTrailingZeros(limit)), threes: variable(index(0)),
                    fives: variable(index(0)))
        let bestCost = variable(index(0))
        store(bestCost, cost(points: limit, twos: read(best.twos), threes: index(0), fives: index(0)))
        let power3 = variable(index(1))
        // 3^40 and 5^28 exceed any i64, so these bounds never cut the search; iterations past the limit do nothing.
        forLoop(index(40)) { threes in
            let p3 = read(power3)
            forLoop(whether(p3, atMost: limit)) { _ in
                let base = variable(p3)
                forLoop(index(28)) { fives in
                    let factor = read(base)
                    forLoop(whether(factor, atMost: limit)) { _ in
                        // The least power of two 2^twos ≥ ⌈x / factor⌉.
                        let quotient = udiv(add(x, sub(factor, index(1))), factor)
                        let above = sub(index(64), countLeadingZeros(sub(quotient, index(1))))
                        let single = LLVMBuildICmp(b, LLVMIntULE, quotient.value, index(1).value, "")!
                        let twos = select(single, index(0), above)
                        let points = shl(factor, twos)
                        let c = cost(points: points, twos: twos, threes: threes, fives: fives)
                        let (bc, bp) = (read(bestCost).value, read(best.points).value)
                        let cheaper = LLVMBuildICmp(b, LLVMIntULT, c.value, bc, "")!
                        let tie = LLVMBuildAnd(b, LLVMBuildICmp(b, LLVMIntEQ, c.value, bc, "")!,
                                               LLVMBuildICmp(b, LLVMIntULT, points.value, bp, "")!, "")!
                        let better = LLVMBuildOr(b, cheaper, tie, "")!
                        for (slot, v) in [(bestCost, c), (best.points, points), (best.twos, twos), (best.threes, threes),
                                          (best.fives, fives)] {
                            store(slot, select(better, v, read(slot)))
                        }
                        store(base, mul(factor, index(5)))
                    }
                }
                store(power3, mul(p3, index(3)))
            }
        }
        return FFTLength(points: read(best.points), twos: read(best.twos), threes: read(best.threes),
                         fives: read(best.fives))
    }

    /// `FFTCost.of` on run-time factors.
    private func cost(points: Index, twos: Index, threes: Index, fives: Index) -> Index {
        let stages = add(add(lshr(twos, index(1)), and(twos, index(1))), add(threes, fives))
        let missingTwos = smax(sub(index(4), twos), index(0))
        return mul(points, add(add(index(FFTCost.base), stages), mul(index(FFTCost.narrow), missingTwos)))
    }

    /// 1 when x ≤ limit, else 0 (a loop count that acts as `if`).
    private func whether(_ x: Index, atMost limit: Index) -> Index {
        let c = LLVMBuildICmp(b, LLVMIntULE, x.value, limit.value, "")!
        return Index(value: LLVMBuildZExt(b, c, i64, "")!, known: nil)
    }

    private func countLeadingZeros(_ x: Index) -> Index {
        Index(value: intrinsic("ctlz", [i64], [x.value, LLVMConstInt(i1, 0, 0)]), known: nil)
    }

    private func countTrailingZeros(_ x: Index) -> Index {
        Index(value: intrinsic("cttz", [i64], [x.value, LLVMConstInt(i1, 0, 0)]), known: nil)
    }

    /// An i64 stack slot holding `initial` (promoted to registers from -O1).
    private func variable(_ initial: Index) -> LLVMValueRef {
        let slot = entryAlloca(i64)
        store(slot, initial)
        return slot
    }

    private func read(_ slot: LLVMValueRef) -> Index { Index(value: LLVMBuildLoad2(b, i64, slot, "")!, known: nil) }

    private func store(_ slot: LLVMValueRef, _ v: Index) { LLVMBuildStore(b, v.value, slot) }
}
