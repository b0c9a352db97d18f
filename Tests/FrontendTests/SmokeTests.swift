import Foundation
import IR
import Testing

@testable import Frontend

@Test func selectiveScanModelLowers() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("models/selective_scan.seq").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let f = try lowerModel(try parseModel(text, file: "models/selective_scan.seq"))
    print(printFunction(f))
    #expect(f.outputs.map(\.name) == ["y", "ssm_state"])
    let again = try parseFunction(printFunction(f, locations: true))
    #expect(again == f)
}
