import CLLVM
import IR

/// One call of the register-tiled micro-kernel: C[0..<rows, 0..<columns] (+)= A[0..<rows, 0..<depth] · panel.
struct GEMMTile {
    /// A's element (0, 0) of the tile and its strides along i and p.
    let a: LLVMValueRef
    let aRow, aDepth: Index
    /// A packed micro-panel: element (p, j) at p · columns + j (GEMM.swift's packB).
    let panel: LLVMValueRef
    /// C's element (0, 0) of the tile and its row stride (columns are contiguous).
    let c: LLVMValueRef
    let cRow: Index
    /// bias[j] for the tile's columns, added by the last depth block.
    let bias: LLVMValueRef?
    let depth: Index
    /// i1: the first depth block starts from zero (else from C); the last one adds the bias.
    let first, last: LLVMValueRef
}

/// The micro-kernel: an MR × NR tile of accumulators in vector registers (`vectors` vectors of `lanes` per row).
/// Each step p loads NR elements of the panel, broadcasts A[i, p] for each row and issues MR · vectors fused
/// multiply-adds. Two bodies: the full tile with plain vector loads and stores, and an edge tile (fewer rows or
/// columns left) whose panel, C and bias accesses are masked to the valid columns and whose missing rows re-read
/// the last valid row of A (computed, never stored), so every tile runs the same per-element operations.
extension Emitter {
    func emitTile(_ t: GEMMTiling, _ tile: GEMMTile, rows mr: Index, columns nr: Index) {
        let full = LLVMBuildAnd(b, LLVMBuildICmp(b, LLVMIntEQ, mr.value, index(t.rows).value, ""),
                                LLVMBuildICmp(b, LLVMIntEQ, nr.value, index(t.nr).value, ""), "")!
        ifElse(full) {
            tileBody(t, tile, edge: nil)
        } otherwise: {
            tileBody(t, tile, edge: (mr, nr))
        }
    }

    private func tileBody(_ t: GEMMTiling, _ tile: GEMMTile, edge: (rows: Index, columns: Index)?) {
        let dt = t.dtype
        let vt = vectorType(type(dt), t.lanes)
        let align = UInt32(dt.byteSize)
        let zeroVector = splat(zero(dt), t.lanes)
        let panelStride = edge?.columns ?? index(t.nr)

        // Edge masks: lanes of vector v are columns v·lanes + l, valid below `columns`; rows valid below `rows`.
        var laneMasks: [LLVMValueRef] = []
        var rowMasks: [[LLVMValueRef]] = []
        var aRows: [LLVMValueRef] = []
        if let edge {
            let columns32 = splat(LLVMBuildTrunc(b, edge.columns.value, i32, "")!, t.lanes)
            for v in 0..<t.vectors {
                var ids: [LLVMValueRef?] = (0..<t.lanes).map { LLVMConstInt(i32, UInt64(v * t.lanes + $0), 0) }
                let lane = LLVMConstVector(&ids, UInt32(t.lanes))!
                laneMasks.append(LLVMBuildICmp(b, LLVMIntULT, lane, columns32, "")!)
            }
            let lastRow = sub(edge.rows, index(1))
            for i in 0..<t.rows {
                let valid = LLVMBuildICmp(b, LLVMIntSLT, index(i).value, edge.rows.value, "")!
                let validLanes = splat(valid, t.lanes)
                rowMasks.append(laneMasks.map { LLVMBuildAnd(b, $0, validLanes, "")! })
                aRows.append(elementPointer(dt, tile.a, mul(smin(index(i), lastRow), tile.aRow)))
            }
        } else {
            aRows = (0..<t.rows).map { elementPointer(dt, tile.a, mul(index($0), tile.aRow)) }
        }

        // Masked lanes are never accessed, but their addresses may lie past the end of a buffer, so edge addresses
        // are plain (not inbounds) GEPs, and rows past the edge address the last valid row.
        func edgePointer(_ base: LLVMValueRef, _ off: Index) -> LLVMValueRef {
            var idx: [LLVMValueRef?] = [off.value]
            return LLVMBuildGEP2(b, type(dt), base, &idx, 1, "")!
        }
        func vectorAt(_ base: LLVMValueRef, _ off: Index, mask: LLVMValueRef?) -> LLVMValueRef {
            guard let mask else { return loadVector(dt, lanes: t.lanes, base, off) }
            return intrinsic("masked.load", [vt, ptr], [edgePointer(base, off), LLVMConstInt(i32, UInt64(align), 0), mask, zeroVector])
        }
        func cOffset(_ i: Int, _ v: Int) -> Index {
            let row = edge.map { smin(index(i), sub($0.rows, index(1))) } ?? index(i)
            return add(mul(row, tile.cRow), index(v * t.lanes))
        }

        let acc = (0..<t.rows).map { _ in (0..<t.vectors).map { _ in entryAlloca(vt) } }
        ifElse(tile.first) {
            for i in 0..<t.rows { for v in 0..<t.vectors { LLVMBuildStore(b, zeroVector, acc[i][v]) } }
        } otherwise: {
            for i in 0..<t.rows {
                for v in 0..<t.vectors {
                    LLVMBuildStore(b, vectorAt(tile.c, cOffset(i, v), mask: edge == nil ? nil : rowMasks[i][v]), acc[i][v])
                }
            }
        }

        forLoop(tile.depth) { p in
            let bRow = mul(p, panelStride)
            let bv = (0..<t.vectors).map { v in
                vectorAt(tile.panel, add(bRow, index(v * t.lanes)), mask: edge == nil ? nil : laneMasks[v])
            }
            for i in 0..<t.rows {
                let av = splat(load(dt, aRows[i], mul(p, tile.aDepth)), t.lanes)
                for v in 0..<t.vectors {
                    let sum = intrinsic("fma", [vt], [av, bv[v], LLVMBuildLoad2(b, vt, acc[i][v], "")!])
                    LLVMBuildStore(b, sum, acc[i][v])
                }
            }
        }

        if let bias = tile.bias {
            ifElse(tile.last) {
                for v in 0..<t.vectors {
                    let bv = vectorAt(bias, index(v * t.lanes), mask: edge == nil ? nil : laneMasks[v])
                    for i in 0..<t.rows { LLVMBuildStore(b, fadd(LLVMBuildLoad2(b, vt, acc[i][v], "")!, bv), acc[i][v]) }
                }
            } otherwise: {}
        }

        for i in 0..<t.rows {
            for v in 0..<t.vectors {
                let value = LLVMBuildLoad2(b, vt, acc[i][v], "")!
                if edge == nil {
                    storeVector(value, dt, tile.c, cOffset(i, v))
                } else {
                    let p = edgePointer(tile.c, cOffset(i, v))
                    _ = intrinsic("masked.store", [vt, ptr], [value, p, LLVMConstInt(i32, UInt64(align), 0), rowMasks[i][v]])
                }
            }
        }
    }
}
