/// `Link` header parsing (RFC 8288): the target of a relation, across several header lines and
/// comma-separated link values.
public enum LinkHeader {
    public static func target(rel: String, in values: [String]) -> String? {
        for value in values {
            for link in splitLinks(value) {
                let parts = link.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
                guard let first = parts.first, first.hasPrefix("<"), first.hasSuffix(">") else { continue }
                let target = String(first.dropFirst().dropLast())
                for parameter in parts.dropFirst() {
                    let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " \t") }
                    guard pair.count == 2, pair[0].lowercased() == "rel" else { continue }
                    let rels = pair[1].trimmingCharacters(in: "\"").split(separator: " ").map { $0.lowercased() }
                    if rels.contains(rel.lowercased()) { return target }
                }
            }
        }
        return nil
    }

    /// Splits on commas outside `<...>` and quoted strings.
    private static func splitLinks(_ value: String) -> [String] {
        var links: [String] = []
        var current = ""
        var inAngle = false, inQuote = false
        for character in value {
            switch character {
            case "<" where !inQuote: inAngle = true
            case ">" where !inQuote: inAngle = false
            case "\"" where !inAngle: inQuote.toggle()
            case "," where !inAngle && !inQuote:
                links.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        links.append(current)
        return links.map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
    }
}

/// Time for retry logic: the real clock, or a scripted one in tests.
public protocol TimeSource: Sendable {
    /// Seconds since 1970.
    func now() -> Double
    func sleep(for duration: Duration) async throws
}

public struct SystemTime: TimeSource {
    public init() {}
    public func now() -> Double {
        Double(wallClockNanoseconds()) / 1_000_000_000
    }
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

private func wallClockNanoseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}
