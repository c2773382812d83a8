import Foundation
import Testing

/// Compares output with a golden file in Fixtures/golden; IDCSYNC_UPDATE_GOLDEN=1 rewrites the file instead.
func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/golden/\(name)")
    if ProcessInfo.processInfo.environment["IDCSYNC_UPDATE_GOLDEN"] == "1" {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("golden file \(name) is missing; run scripts/update-golden", sourceLocation: sourceLocation)
        return
    }
    guard expected != actual else { return }
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let index = Array(zip(expectedLines, actualLines)).firstIndex { $0 != $1 } ?? min(expectedLines.count, actualLines.count)
    let expectedLine = index < expectedLines.count ? String(expectedLines[index]) : "<end of file>"
    let actualLine = index < actualLines.count ? String(actualLines[index]) : "<end of output>"
    Issue.record("output differs from golden \(name) at line \(index + 1):\n  expected: \(expectedLine)\n  actual:   \(actualLine)\n(run scripts/update-golden if the change is intended)",
                 sourceLocation: sourceLocation)
}
