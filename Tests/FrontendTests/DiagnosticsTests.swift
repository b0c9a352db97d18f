import Foundation
import IR
import Testing

@testable import Frontend

/// Each file in Diagnostics/ is one wrong program. A comment `// expected-error@+N:COL {{text}}` says that the
/// first diagnostic is N lines below the comment, at column COL, and its message contains `text`.
struct DiagnosticsCorpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Diagnostics")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".seq") }.sorted()
    }

    struct Expectation {
        var line: Int
        var column: Int
        var text: String
    }

    static func expectation(in source: String) -> Expectation? {
        let pattern = #/expected-error@\+(\d+):(\d+) \{\{(.*)\}\}/#
        for (i, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let m = line.firstMatch(of: pattern) {
                return Expectation(line: i + 1 + Int(m.1)!, column: Int(m.2)!, text: String(m.3))
            }
        }
        return nil
    }
}

@Test func corpusIsLarge() {
    #expect(DiagnosticsCorpus.files.count >= 30)
}

@Test(arguments: DiagnosticsCorpus.files)
func wrongProgramGivesItsDiagnostic(_ file: String) throws {
    let source = try String(contentsOf: DiagnosticsCorpus.directory.appendingPathComponent(file), encoding: .utf8)
    let expected = try #require(DiagnosticsCorpus.expectation(in: source), "\(file) has no expected-error comment")
    do {
        _ = try lowerModel(try parseModel(source, file: file))
        Issue.record("\(file): expected an error, but the model was accepted")
    } catch {
        #expect(error.location.line == expected.line, "\(file): \(error)")
        #expect(error.location.column == expected.column, "\(file): \(error)")
        #expect(error.message.contains(expected.text), "\(file): \(error.message)")
        #expect(error.location.file == file)
        // The rendering shows the line and a caret under the column.
        let rendered = error.description.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rendered.first?.hasPrefix("\(file):\(expected.line):\(expected.column): error: ") == true)
        if rendered.count == 3 {
            #expect(rendered[2].count == 2 + expected.column)
            #expect(rendered[2].hasSuffix("^"))
        }
    }
}
