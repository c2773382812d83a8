import Foundation
import Testing

/// The environment variable scripts/update-golden sets to rewrite the golden files instead of comparing.
let updateGoldenVariable = "IDCSYNC_UPDATE_GOLDEN"

/// Compares `actual` with the golden file `Fixtures/golden/<name>` of the calling test target; with
/// IDCSYNC_UPDATE_GOLDEN=1 (scripts/update-golden) it rewrites the file instead. A mismatch is
/// recorded as an issue that shows the differing lines.
public func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let url = fixtureURL("golden/\(name)", sourceLocation: sourceLocation)
    if ProcessInfo.processInfo.environment[updateGoldenVariable] == "1" {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            Issue.record("cannot rewrite golden file \(url.path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("golden file \(url.path) is missing; run scripts/update-golden", sourceLocation: sourceLocation)
        return
    }
    guard expected != actual else { return }
    Issue.record("output differs from golden \(name) (- golden, + actual):\n\(lineDiff(from: expected, to: actual))\n(run scripts/update-golden if the change is intended)",
                 sourceLocation: sourceLocation)
}

/// A file under the calling test target's Fixtures folder (`Tests/<Target>/Fixtures/<relativePath>`).
public func fixtureURL(_ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) -> URL {
    testTargetFolder(of: sourceLocation.filePath).appendingPathComponent("Fixtures/\(relativePath)")
}

/// The text of a file under the calling test target's Fixtures folder.
public func fixtureText(_ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    try String(contentsOf: fixtureURL(relativePath, sourceLocation: sourceLocation), encoding: .utf8)
}

/// The folder right under `Tests/` that holds the source file at `filePath`.
func testTargetFolder(of filePath: String) -> URL {
    var folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
    while folder.deletingLastPathComponent().lastPathComponent != "Tests", folder.pathComponents.count > 1 {
        folder = folder.deletingLastPathComponent()
    }
    precondition(folder.pathComponents.count > 1, "\(filePath) is not inside a test target under Tests/")
    return folder
}

/// The lines that differ, with their line numbers in the golden (-) and the actual text (+) and
/// two lines of context, at most `limit` changed lines.
func lineDiff(from expected: String, to actual: String, limit: Int = 40) -> String {
    let old = expected.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    let new = actual.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    let difference = new.difference(from: old)
    var removed = Set<Int>()
    var inserted = Set<Int>()
    for change in difference {
        switch change {
        case .remove(let offset, _, _): removed.insert(offset)
        case .insert(let offset, _, _): inserted.insert(offset)
        }
    }
    // Walk both texts together: unchanged lines advance both, removals the old, insertions the new.
    enum Line { case same(Int, Int), removed(Int), inserted(Int) }
    var lines: [Line] = []
    var oldIndex = 0
    var newIndex = 0
    while oldIndex < old.count || newIndex < new.count {
        if oldIndex < old.count, removed.contains(oldIndex) {
            lines.append(.removed(oldIndex))
            oldIndex += 1
        } else if newIndex < new.count, inserted.contains(newIndex) {
            lines.append(.inserted(newIndex))
            newIndex += 1
        } else {
            lines.append(.same(oldIndex, newIndex))
            oldIndex += 1
            newIndex += 1
        }
    }
    let changed = lines.indices.filter { if case .same = lines[$0] { false } else { true } }
    let shown = Set(changed.prefix(limit).flatMap { max($0 - 2, 0)...min($0 + 2, lines.count - 1) })
    var output: [String] = []
    var previous: Int?
    for index in shown.sorted() {
        if let previous, index > previous + 1 { output.append("  ...") }
        previous = index
        switch lines[index] {
        case .same(let line, _): output.append("  \(line + 1): \(old[line])")
        case .removed(let line): output.append("- \(line + 1): \(old[line])")
        case .inserted(let line): output.append("+ \(line + 1): \(new[line])")
        }
    }
    if changed.count > limit { output.append("  ... and \(changed.count - limit) more changed lines") }
    return output.joined(separator: "\n")
}
