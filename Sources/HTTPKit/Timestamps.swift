/// Every timestamp idcsync reads or writes: ISO 8601 (AWS and Okta answers, the SSO token cache,
/// backups), HTTP dates (`Date`, `Retry-After`), the SigV4 basic format and the backup file stamp.
/// Seconds since 1970 (UTC) in and out. Read and written by hand with Howard Hinnant's civil-date
/// arithmetic: no Foundation formatter (locale, lenient parsing, start-up cost) decides what is
/// accepted or printed.
public enum Timestamp {
    // MARK: - ISO 8601

    /// Seconds since 1970 of an ISO 8601 timestamp as AWS and Okta write them:
    /// `2026-11-21T10:00:00Z`, with optional fractional seconds (`.` or `,`), a numeric offset
    /// (`+09:00`, `+0900`, `+09`) or the `UTC`/`GMT` suffix older AWS CLI versions wrote into the SSO
    /// token cache; `T`, `t` or a space between date and time. A timestamp without a zone is UTC.
    /// Years 0000 to 9999; `nil` when the text is not such a timestamp.
    public static func parseISO8601(_ text: String) -> Double? {
        let b = Array(trimmed(text).utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for byte in b[start..<(start + count)] {
                guard isDigit(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func byte(_ index: Int) -> UInt8? { index < b.count ? b[index] : nil }
        guard let year = digits(0, 4), byte(4) == UInt8(ascii: "-"), let month = digits(5, 2), byte(7) == UInt8(ascii: "-"),
              let day = digits(8, 2), let separator = byte(10),
              separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " "),
              let hour = digits(11, 2), byte(13) == UInt8(ascii: ":"), let minute = digits(14, 2), byte(16) == UInt8(ascii: ":"),
              let second = digits(17, 2),
              isValidDate(year: year, month: month, day: day), hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if let mark = byte(index), mark == UInt8(ascii: ".") || mark == UInt8(ascii: ",") {
            index += 1
            var scale = 0.1
            let start = index
            while let digit = byte(index), isDigit(digit) {
                fraction += Double(digit - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard let offset = zoneOffset(b[index...]) else { return nil }
        return Double(seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second) - offset) + fraction
    }

    /// `2026-11-21T10:00:00Z` (the fraction dropped), or `2026-11-21T10:00:00.123Z` with
    /// `milliseconds` (the backup's `savedAt`; rounded to the nearest millisecond).
    public static func iso8601(_ seconds: Double, milliseconds: Bool = false) -> String {
        var out = Writer()
        let time = milliseconds ? UTCTime(milliseconds: seconds) : UTCTime(seconds: seconds)
        out.number(time.year, 4); out.ascii("-"); out.number(time.month, 2); out.ascii("-"); out.number(time.day, 2)
        out.ascii("T")
        out.number(time.hour, 2); out.ascii(":"); out.number(time.minute, 2); out.ascii(":"); out.number(time.second, 2)
        if milliseconds { out.ascii("."); out.number(time.millisecond, 3) }
        out.ascii("Z")
        return out.string
    }

    // MARK: - HTTP date

    /// Seconds since 1970 of an HTTP date (RFC 9110 section 5.6.7): the IMF-fixdate
    /// `Sat, 21 Nov 2026 10:00:00 GMT` and the two obsolete forms a recipient must accept,
    /// `Saturday, 21-Nov-26 10:00:00 GMT` (RFC 850) and `Sat Nov 21 10:00:00 2026` (asctime).
    /// An RFC 850 two-digit year more than 50 years after `now` is the century before. Years 1970
    /// to 9999 only, the weekday is not checked; `nil` when the text is not such a date.
    public static func parseHTTPDate(_ text: String, now: Double) -> Double? {
        let parts = text.split(separator: " ")
        let year: Int, month: Int, day: Int, clock: Substring
        switch parts.count {
        case 6:
            // IMF-fixdate: day-name "," day month year time "GMT"
            guard parts[5] == "GMT", parts[1].count <= 2, parts[3].count == 4,
                  let d = small(parts[1]), let y = small(parts[3]), let m = monthNumber(parts[2])
            else { return nil }
            (year, month, day, clock) = (y, m, d, parts[4])
        case 4:
            // RFC 850: day-name "," day "-" month "-" 2DIGIT year time "GMT"
            let date = parts[1].split(separator: "-", omittingEmptySubsequences: false)
            guard parts[3] == "GMT", parts[0].hasSuffix(","), date.count == 3, date[0].count == 2, date[2].count == 2,
                  let d = small(date[0]), let m = monthNumber(date[1]), let twoDigits = small(date[2])
            else { return nil }
            (year, month, day, clock) = (fullYear(twoDigits, now: now), m, d, parts[2])
        case 5:
            // asctime: day-name month (day, space-padded) time year
            guard parts[2].count <= 2, parts[4].count == 4,
                  let m = monthNumber(parts[1]), let d = small(parts[2]), let y = small(parts[4])
            else { return nil }
            (year, month, day, clock) = (y, m, d, parts[3])
        default:
            return nil
        }
        let fields = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard year >= 1970, isValidDate(year: year, month: month, day: day),
              fields.count == 3, fields.allSatisfy({ $0.count == 2 }),
              let hour = small(fields[0]), let minute = small(fields[1]), let second = small(fields[2]),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        return Double(seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }

    /// The IMF-fixdate `Sat, 21 Nov 2026 10:00:00 GMT` (whole seconds).
    public static func httpDate(_ seconds: Double) -> String {
        let time = UTCTime(seconds: seconds)
        var out = Writer()
        out.ascii(weekdays[time.weekday]); out.ascii(", ")
        out.number(time.day, 2); out.ascii(" "); out.ascii(months[time.month - 1]); out.ascii(" "); out.number(time.year, 4)
        out.ascii(" ")
        out.number(time.hour, 2); out.ascii(":"); out.number(time.minute, 2); out.ascii(":"); out.number(time.second, 2)
        out.ascii(" GMT")
        return out.string
    }

    // MARK: - ISO 8601 basic format

    /// The SigV4 `X-Amz-Date` (`20150830T123600Z`) and the scope's day (`20150830`), whole seconds.
    public static func sigV4(_ seconds: Double) -> (dateTime: String, day: String) {
        let time = UTCTime(seconds: seconds)
        var out = Writer()
        out.number(time.year, 4); out.number(time.month, 2); out.number(time.day, 2)
        let day = out.string
        out.ascii("T"); out.number(time.hour, 2); out.number(time.minute, 2); out.number(time.second, 2); out.ascii("Z")
        return (out.string, day)
    }

    /// `20261121T100000.123Z`: the basic format with milliseconds (rounded to the nearest), for file
    /// names such as backups, which sort by time.
    public static func fileStamp(_ seconds: Double) -> String {
        let time = UTCTime(milliseconds: seconds)
        var out = Writer()
        out.number(time.year, 4); out.number(time.month, 2); out.number(time.day, 2)
        out.ascii("T"); out.number(time.hour, 2); out.number(time.minute, 2); out.number(time.second, 2)
        out.ascii("."); out.number(time.millisecond, 3); out.ascii("Z")
        return out.string
    }

    // MARK: - Calendar

    /// The earliest and latest whole seconds formatted: 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    /// Anything outside (NaN and infinities included) is clamped, never a trap.
    private static let earliestSecond: Int64 = -62_167_219_200
    private static let latestSecond: Int64 = 253_402_300_799

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    /// From Thursday, the weekday of 1970-01-01.
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]

    /// A UTC instant split into calendar fields.
    private struct UTCTime {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millisecond = 0
        /// Days since 1970-01-01 modulo 7, from Thursday.
        var weekday = 0

        /// Whole seconds: the fraction dropped (`floor`).
        init(seconds: Double) {
            self.init(wholeMilliseconds: Timestamp.floor(seconds, from: Timestamp.earliestSecond, to: Timestamp.latestSecond) * 1000)
        }

        /// The nearest millisecond, as Foundation's `DateFormatter` printed backups before: it adds half a
        /// millisecond and ICU truncates (`.9996` is the next second, and may be the next day).
        init(milliseconds seconds: Double) {
            self.init(wholeMilliseconds: Timestamp.floor(seconds * 1000 + 0.5, from: Timestamp.earliestSecond * 1000,
                                                         to: Timestamp.latestSecond * 1000 + 999))
        }

        private init(wholeMilliseconds: Int64) {
            let msPerDay: Int64 = 86_400_000
            var days = wholeMilliseconds / msPerDay
            var msOfDay = wholeMilliseconds % msPerDay
            if msOfDay < 0 { msOfDay += msPerDay; days -= 1 }
            (year, month, day) = Timestamp.civil(fromDays: Int(days))
            let ms = Int(msOfDay)
            hour = ms / 3_600_000
            minute = ms / 60_000 % 60
            second = ms / 1000 % 60
            millisecond = ms % 1000
            weekday = ((Int(days) % 7) + 7) % 7
        }
    }

    /// `floor(value)` within `lowest...highest`; NaN is `lowest`.
    private static func floor(_ value: Double, from lowest: Int64, to highest: Int64) -> Int64 {
        guard value >= Double(lowest) else { return lowest }
        guard value < Double(highest) + 1 else { return highest }
        return Int64(value.rounded(.down))
    }

    /// Seconds since 1970 of a UTC date and time; a leap second (`:60`) is the second before.
    private static func seconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int {
        days(fromYear: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + min(second, 59)
    }

    private static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    private static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        switch month {
        case 2: return day <= (isLeap(year) ? 29 : 28)
        case 4, 6, 9, 11: return day <= 30
        default: return day <= 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    private static func days(fromYear year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Year, month and day of days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// RFC 9110: a two-digit year that would be more than 50 years after `now` is the most recent
    /// past year with those digits; so the year is the one within 50 years before or after `now`.
    private static func fullYear(_ twoDigits: Int, now: Double) -> Int {
        let current = UTCTime(seconds: now).year
        let year = current - current % 100 + twoDigits
        if year > current + 50 { return year - 100 }
        if year + 100 <= current + 50 { return year + 100 }
        return year
    }

    // MARK: - Text

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private static func trimmed(_ text: String) -> Substring {
        var value = Substring(text)
        while let first = value.first, first.isWhitespace { value.removeFirst() }
        while let last = value.last, last.isWhitespace { value.removeLast() }
        return value
    }

    /// Seconds east of UTC of the zone suffix: empty, `Z`, `UTC`, `GMT` (any case) or `±hh[[:]mm]`.
    private static func zoneOffset(_ zone: ArraySlice<UInt8>) -> Int? {
        let upper = zone.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }
        if upper.isEmpty || upper == Array("Z".utf8) || upper == Array("UTC".utf8) || upper == Array("GMT".utf8) { return 0 }
        guard let sign = upper.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        var rest = Array(upper.dropFirst())
        if rest.count == 5, rest[2] == UInt8(ascii: ":") { rest.remove(at: 2) }
        guard rest.count == 2 || rest.count == 4, rest.allSatisfy(isDigit) else { return nil }
        let hours = Int(rest[0] - 48) * 10 + Int(rest[1] - 48)
        let minutes = rest.count == 4 ? Int(rest[2] - 48) * 10 + Int(rest[3] - 48) : 0
        guard hours <= 23, minutes <= 59 else { return nil }
        return (sign == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    /// Decimal digits only, at most four: small numbers from a server, never a trap.
    private static func small(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 4, text.utf8.allSatisfy(isDigit) else { return nil }
        return Int(text)
    }

    private static func monthNumber(_ text: Substring) -> Int? {
        months.firstIndex { $0 == text }.map { $0 + 1 }
    }

    /// ASCII text into one byte buffer, zero-padded numbers.
    private struct Writer {
        private var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(32) }

        mutating func ascii(_ text: String) { bytes.append(contentsOf: text.utf8) }

        /// `value` (not negative) in decimal, zero-padded to `width` digits.
        mutating func number(_ value: Int, _ width: Int) {
            var count = 1
            var rest = value / 10
            while rest > 0 { count += 1; rest /= 10 }
            let end = bytes.count + max(width, count)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: end - bytes.count))
            var index = end - 1
            rest = value
            repeat {
                bytes[index] = UInt8(48 + rest % 10)
                rest /= 10
                index -= 1
            } while rest > 0
        }

        var string: String { String(decoding: bytes, as: UTF8.self) }
    }
}
