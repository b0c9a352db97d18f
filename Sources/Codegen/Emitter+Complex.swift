import CLLVM
import IR

/// A complex number as two float SSA values (no complex type exists in the IR or in LLVM).
struct ComplexValue {
    let re: LLVMValueRef
    let im: LLVMValueRef
}

/// A split-complex array: real parts at `re[i]`, imaginary parts at `im[i]` (two contiguous float runs, so loops
/// over i vectorize without shuffles).
struct SplitComplex {
    let re: LLVMValueRef
    let im: LLVMValueRef
}

/// Complex arithmetic for the FFT lowering, IEEE in the working dtype (no fast-math).
extension Emitter {
    func cadd(_ x: ComplexValue, _ y: ComplexValue) -> ComplexValue { ComplexValue(re: fadd(x.re, y.re), im: fadd(x.im, y.im)) }
    func csub(_ x: ComplexValue, _ y: ComplexValue) -> ComplexValue { ComplexValue(re: fsub(x.re, y.re), im: fsub(x.im, y.im)) }

    func cmul(_ x: ComplexValue, _ y: ComplexValue) -> ComplexValue {
        ComplexValue(re: fsub(fmul(x.re, y.re), fmul(x.im, y.im)), im: fadd(fmul(x.re, y.im), fmul(x.im, y.re)))
    }

    func conj(_ x: ComplexValue) -> ComplexValue { ComplexValue(re: x.re, im: LLVMBuildFNeg(b, x.im, "")!) }

    /// i·x (`positive`) or −i·x: a swap and one negation, no multiply.
    func timesI(_ x: ComplexValue, positive: Bool) -> ComplexValue {
        positive ? ComplexValue(re: LLVMBuildFNeg(b, x.im, "")!, im: x.re) : ComplexValue(re: x.im, im: LLVMBuildFNeg(b, x.re, "")!)
    }

    func scale(_ x: ComplexValue, _ s: LLVMValueRef) -> ComplexValue { ComplexValue(re: fmul(x.re, s), im: fmul(x.im, s)) }

    func load(_ dt: DType, _ a: SplitComplex, _ i: Index) -> ComplexValue {
        ComplexValue(re: load(dt, a.re, i), im: load(dt, a.im, i))
    }

    func store(_ v: ComplexValue, _ dt: DType, _ a: SplitComplex, _ i: Index) {
        store(v.re, dt, a.re, i)
        store(v.im, dt, a.im, i)
    }

    /// The split array of `count` complex values starting `at` floats into `base` (re run, then im run).
    func splitComplex(_ dt: DType, _ base: LLVMValueRef, at: Index, count: Index) -> SplitComplex {
        SplitComplex(re: elementPointer(dt, base, at), im: elementPointer(dt, base, add(at, count)))
    }

    /// Elements from the start of one run of an FFT's working memory (a re or im part of `count` values) to the next:
    /// 16 more than `count`, so that runs whose length is a multiple of 1024 do not start at the same address
    /// modulo 4 KiB. With them aligned so, a stage's loads and the stores of the run it writes look alike to the
    /// CPU's memory disambiguation (4K aliasing) and crowd the same cache sets: M = 4096 and 8192 ran about a third
    /// slower than lengths around them (docs/FFT.md).
    func fftArrayStride(_ count: Index) -> Index { add(count, index(16)) }

    /// `c ? x : y` on pointers.
    func select(_ c: LLVMValueRef, _ x: SplitComplex, _ y: SplitComplex) -> SplitComplex {
        SplitComplex(re: LLVMBuildSelect(b, c, x.re, y.re, "")!, im: LLVMBuildSelect(b, c, x.im, y.im, "")!)
    }

    // MARK: integer helpers for FFT plans (shifts and masks by powers of two)

    func shl(_ x: Index, _ y: Index) -> Index {
        if let a = x.known, let c = y.known { return index(a << c) }
        return Index(value: LLVMBuildShl(b, x.value, y.value, "")!, known: nil)
    }

    func lshr(_ x: Index, _ y: Index) -> Index {
        if let a = x.known, let c = y.known { return index(a >> c) }
        return Index(value: LLVMBuildLShr(b, x.value, y.value, "")!, known: nil)
    }

    func and(_ x: Index, _ y: Index) -> Index {
        if let a = x.known, let c = y.known { return index(a & c) }
        return Index(value: LLVMBuildAnd(b, x.value, y.value, "")!, known: nil)
    }

    /// The i1 `x != 0`.
    func isNonZero(_ x: Index) -> LLVMValueRef { LLVMBuildICmp(b, LLVMIntNE, x.value, index(0).value, "")! }
}
