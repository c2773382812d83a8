/// The numbers a server sends in headers, read into bounded, finite values in one place: a hostile
/// or broken server (`X-Rate-Limit-Reset: 1e30`, `inf`, `nan`, 30 digits) gets `nil` (as if the
/// header were missing) or a value clamped to a range, never a trap further on. Only plain decimal
/// digits are numbers here, as the HTTP grammar has them: no sign, no exponent, no `inf`.
public enum HeaderValue {
    /// The latest instant accepted, in seconds since 1970: 9999-12-31T23:59:59Z.
    public static let latestEpochSeconds: Double = 253_402_300_799
    /// The largest count accepted (`X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining`).
    public static let largestCount = 1_000_000_000

    /// A count: decimal digits; more than `largestCount` is `largestCount`.
    public static func count(_ text: String?) -> Int? {
        guard let digits = digits(text) else { return nil }
        return digits.count > 10 ? largestCount : min(largestCount, Int(digits)!)
    }

    /// `Content-Length`: decimal digits within Int64 (a larger length is no length).
    public static func contentLength(_ text: String?) -> Int64? {
        guard let digits = digits(text), digits.count <= 19 else { return nil }
        return Int64(digits)
    }

    /// Seconds since 1970 (`X-Rate-Limit-Reset`): digits with an optional fraction, clamped to
    /// `latestEpochSeconds`.
    public static func epochSeconds(_ text: String?) -> Double? {
        guard let text else { return nil }
        let parts = trimmed(text).split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, isDigits(whole), parts.count == 1 || isDigits(parts[1]) else { return nil }
        guard whole.drop(while: { $0 == "0" }).count <= 12, let value = Double(parts.count == 1 ? whole : whole + "." + parts[1]) else { return latestEpochSeconds }
        return min(value, latestEpochSeconds)
    }

    /// `Retry-After` (RFC 9110 section 10.2.3): delay seconds, or an HTTP date taken relative to
    /// `now` (the response's `Date`, else the local clock). Never negative; at most a year.
    public static func retryAfterSeconds(_ text: String?, now: Double) -> Double? {
        guard let text else { return nil }
        let year = 365.0 * 86_400
        if let digits = digits(text) { return digits.count > 8 ? year : min(year, Double(digits)!) }
        guard now.isFinite, let date = Timestamp.parseHTTPDate(text, now: now) else { return nil }
        return min(year, max(0, date - now))
    }

    private static func digits(_ text: String?) -> Substring? {
        guard let text else { return nil }
        let value = trimmed(text)
        guard isDigits(value) else { return nil }
        let significant = value.drop { $0 == "0" }
        return significant.isEmpty ? "0" : significant
    }

    private static func isDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    private static func trimmed(_ text: String) -> Substring {
        var value = Substring(text)
        while let first = value.first, first == " " || first == "\t" { value.removeFirst() }
        while let last = value.last, last == " " || last == "\t" { value.removeLast() }
        return value
    }
}

extension Duration {
    /// The longest duration built from outside numbers: about a hundred years.
    public static let saturationLimit = Duration.seconds(3_153_600_000)

    /// A duration of `seconds`, saturating: NaN and negatives are zero, anything beyond
    /// `saturationLimit` (infinity included) is `saturationLimit`. Never traps.
    public static func saturating(seconds: Double) -> Duration {
        guard seconds > 0 else { return .zero }
        let limit = Double(saturationLimit.components.seconds)
        guard seconds < limit else { return saturationLimit }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// Whole seconds, rounded up, for messages.
    public var wholeSecondsRoundedUp: Int {
        let (seconds, attoseconds) = components
        guard seconds < .max else { return .max }
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
