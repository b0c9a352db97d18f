import Foundation
import IR
import Testing

@testable import Frontend

/// Seeded random edits of a real model (deleting, inserting and duplicating characters, truncating) must give either a
/// model or one Diagnostic — never a crash. Every diagnostic points inside the file.
@Test func mutatedModelsNeverCrash() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let original = Array(try String(contentsOf: root.appendingPathComponent("models/selective_scan.seq"), encoding: .utf8))
    let alphabet = Array("()[]{},:=+-*/@.\"_ \n0123456789eExyzBLf32i64 let output input param model scan sum -1 99999999999999999999 1e999")
    var state: UInt64 = 12345
    func next(_ n: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(max(n, 1)))
    }
    var accepted = 0, rejected = 0
    for _ in 0..<600 {
        var text = original
        for _ in 0..<(1 + next(4)) {
            let at = next(text.count)
            switch next(4) {
            case 0: if !text.isEmpty { text.remove(at: at) }
            case 1: text.insert(alphabet[next(alphabet.count)], at: at)
            case 2: text.insert(contentsOf: text[at..<min(text.count, at + next(12))], at: at)
            default: text = Array(text[..<at])
            }
        }
        do {
            _ = try lowerModel(try parseModel(String(text), file: "m.seq"))
            accepted += 1
        } catch {
            rejected += 1
            #expect(error.location.line >= 1 && error.location.column >= 1)
            #expect(!error.message.isEmpty)
        }
    }
    #expect(rejected > 300)
}
