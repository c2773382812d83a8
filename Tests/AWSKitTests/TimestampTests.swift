import Foundation
import HTTPKit
import IDCSyncTestSupport
import Testing

@Suite("Timestamps: ISO 8601, HTTP dates, SigV4 and file stamps")
struct TimestampTests {
    static let november21 = 1_795_255_200.0 // 2026-11-21T10:00:00Z
    static let rfcExample = 784_111_777.0 // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110)

    // MARK: ISO 8601

    @Test func iso8601AsAWSAndOktaWriteIt() {
        let now = Self.november21
        #expect(Timestamp.parseISO8601("2026-11-21T10:00:00Z") == now)
        #expect(Timestamp.parseISO8601("2026-11-21T10:00:00.250Z") == now + 0.25)
        #expect(Timestamp.parseISO8601("2026-11-21T10:00:00,5Z") == now + 0.5)
        #expect(Timestamp.parseISO8601("2026-11-21T10:00:00.000Z") == now, "Okta's expiresAt")
        #expect(Timestamp.parseISO8601("2026-11-21T11:30:00+01:30") == now)
        #expect(Timestamp.parseISO8601("2026-11-21T05:00:00-0500") == now)
        #expect(Timestamp.parseISO8601("2026-11-21T19:00:00+09") == now)
        #expect(Timestamp.parseISO8601("2026-11-21T19:00:00.250+09:00") == now + 0.25)
        #expect(Timestamp.parseISO8601("2026-11-21T10:00:00UTC") == now)
        #expect(Timestamp.parseISO8601("2026-11-21T10:00:00gmt") == now)
        #expect(Timestamp.parseISO8601("2026-11-21t10:00:00z") == now)
        #expect(Timestamp.parseISO8601("2026-11-21 10:00:00Z") == now)
        #expect(Timestamp.parseISO8601("2026-11-21T10:00:00") == now, "no zone is UTC")
        #expect(Timestamp.parseISO8601(" 2026-11-21T10:00:00Z\n") == now)
    }

    @Test func iso8601CalendarEdges() {
        #expect(Timestamp.parseISO8601("1970-01-01T00:00:00Z") == 0)
        #expect(Timestamp.parseISO8601("1969-12-31T23:59:59Z") == -1)
        #expect(Timestamp.parseISO8601("1999-12-31T23:59:59Z") == 946_684_799)
        #expect(Timestamp.parseISO8601("2000-01-01T00:00:00Z") == 946_684_800)
        #expect(Timestamp.parseISO8601("2000-01-01T00:00:00+01:00") == 946_681_200, "an offset crosses the year boundary")
        #expect(Timestamp.parseISO8601("2024-02-29T00:00:00Z") == 1_709_164_800)
        #expect(Timestamp.parseISO8601("2000-02-29T00:00:00Z") == 951_782_400, "2000 is a leap year")
        #expect(Timestamp.parseISO8601("2016-12-31T23:59:60Z") == 1_483_228_799, "a leap second is the second before")
        #expect(Timestamp.parseISO8601("0000-01-01T00:00:00Z") == -62_167_219_200)
        #expect(Timestamp.parseISO8601("9999-12-31T23:59:59Z") == 253_402_300_799)
    }

    @Test func iso8601RejectsWhatIsNotATimestamp() {
        for bad in ["", "2026-11-21", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-31T00:00:00Z",
                    "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T10:60:00Z", "2026-11-21T10:00:61Z",
                    "2026-11-21T10:00:00.Z", "2026-11-21T10:00:00+1", "2026-11-21T10:00:00+24:00", "2026-11-21T10:00:00+01:60",
                    "2026-11-21T10:00:00 PST", "2026-11-21T10:00:00Zjunk", "2026-11-21X10:00:00Z", "26-11-21T10:00:00Z", "+2026-11-21T10:00:00Z",
                    "2026-1-21T10:00:00Z", "2026-11-21T1:00:00Z", "２０２６-11-21T10:00:00Z", "Sat, 21 Nov 2026 10:00:00 GMT", "1795255200"] {
            #expect(Timestamp.parseISO8601(bad) == nil, "\(bad)")
        }
    }

    @Test func iso8601Formats() {
        #expect(Timestamp.iso8601(Self.november21) == "2026-11-21T10:00:00Z")
        #expect(Timestamp.iso8601(Self.november21 + 0.999) == "2026-11-21T10:00:00Z", "fractions are dropped, not rounded")
        #expect(Timestamp.iso8601(1_709_164_800) == "2024-02-29T00:00:00Z")
        #expect(Timestamp.iso8601(946_684_799) == "1999-12-31T23:59:59Z")
        #expect(Timestamp.iso8601(-0.5) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.iso8601(-62_135_596_800) == "0001-01-01T00:00:00Z")
        #expect(Timestamp.iso8601(Self.november21 + 0.25, milliseconds: true) == "2026-11-21T10:00:00.250Z")
        #expect(Timestamp.iso8601(Self.november21 + 0.0994, milliseconds: true) == "2026-11-21T10:00:00.099Z")
        #expect(Timestamp.iso8601(Self.november21 + 0.0996, milliseconds: true) == "2026-11-21T10:00:00.100Z", "the nearest millisecond")
        #expect(Timestamp.iso8601(-0.001, milliseconds: true) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.iso8601(1_709_251_199.9996, milliseconds: true) == "2024-03-01T00:00:00.000Z", "rounding carries into the next day")
    }

    @Test func iso8601RoundTrips() throws {
        // Every 1,000,003 s (about 11.6 days, so every time of day and month comes up) from 1900 to 2100.
        var seconds = -2_208_988_800
        while seconds < 4_102_444_800 {
            let text = Timestamp.iso8601(Double(seconds))
            #expect(Timestamp.parseISO8601(text) == Double(seconds), "\(text)")
            let precise = Double(seconds) + 0.125
            #expect(Timestamp.parseISO8601(Timestamp.iso8601(precise, milliseconds: true)) == precise)
            seconds += 1_000_003
        }
    }

    @Test func valuesOutsideTheCalendarAreClampedNotATrap() {
        #expect(Timestamp.iso8601(.nan) == "0000-01-01T00:00:00Z")
        #expect(Timestamp.iso8601(-.infinity) == "0000-01-01T00:00:00Z")
        #expect(Timestamp.iso8601(.infinity) == "9999-12-31T23:59:59Z")
        #expect(Timestamp.iso8601(1e300, milliseconds: true) == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp.fileStamp(.greatestFiniteMagnitude) == "99991231T235959.999Z")
        #expect(Timestamp.sigV4(-1e300).dateTime == "00000101T000000Z")
        #expect(Timestamp.httpDate(.nan) == "Sat, 01 Jan 0000 00:00:00 GMT")
    }

    // MARK: HTTP date

    @Test func httpDateInTheThreeFormsOfRFC9110() {
        let now = Self.november21
        #expect(Timestamp.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == Self.rfcExample)
        #expect(Timestamp.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == Self.rfcExample)
        #expect(Timestamp.parseHTTPDate("Sun Nov  6 08:49:37 1994", now: now) == Self.rfcExample)
        #expect(Timestamp.parseHTTPDate("Sun Nov 06 08:49:37 1994", now: now) == Self.rfcExample)
        #expect(Timestamp.parseHTTPDate("Saturday, 21-Nov-26 10:00:00 GMT", now: now) == now)
        #expect(Timestamp.parseHTTPDate("Thu, 29 Feb 2024 12:00:00 GMT", now: now) == 1_709_208_000)
        #expect(Timestamp.parseHTTPDate("Thu, 31 Dec 2099 23:59:60 GMT", now: now) == 4_102_444_799)
    }

    @Test func anRFC850YearMoreThanFiftyYearsAheadIsTheCenturyBefore() {
        let now = Self.november21
        #expect(Timestamp.parseHTTPDate("Monday, 01-Jan-76 00:00:00 GMT", now: now) == Timestamp.parseISO8601("2076-01-01T00:00:00Z"))
        #expect(Timestamp.parseHTTPDate("Friday, 01-Jan-77 00:00:00 GMT", now: now) == Timestamp.parseISO8601("1977-01-01T00:00:00Z"))
        #expect(Timestamp.parseHTTPDate("Saturday, 01-Jan-00 00:00:00 GMT", now: now) == 946_684_800)
        let in2100 = 4_102_444_800.0
        #expect(Timestamp.parseHTTPDate("Friday, 01-Jan-77 00:00:00 GMT", now: in2100) == Timestamp.parseISO8601("2077-01-01T00:00:00Z"),
                "the window follows the clock")
        #expect(Timestamp.parseHTTPDate("Friday, 01-Jan-40 00:00:00 GMT", now: in2100) == Timestamp.parseISO8601("2140-01-01T00:00:00Z"))
    }

    @Test func httpDateRejectsWhatIsNotADate() {
        let now = Self.november21
        for bad in ["", "yesterday", "30", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 94 08:49:37 GMT",
                    "Sun, 6 November 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT",
                    "Sun, 29 Feb 1900 08:49:37 GMT", "Thu, 01 Jan 1969 23:59:59 GMT", "Sun, 06 Nov 1994 8:49:37 GMT", "Sun, 06 Nov 1994 08:49:61 GMT",
                    "Sunday, 06-Nov-1994 08:49:37 GMT", "Sunday 06-Nov-94 08:49:37 GMT", "Sunday, 6-Nov-94 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 UTC",
                    "Sun Nov  6 08:49:37 94", "Sun Nov 123 08:49:37 1994", "Sun Foo  6 08:49:37 1994", "Sun Nov  6 08:49 1994",
                    "Sun, 06 Nov 1994 08:49:37 GMT extra words"] {
            #expect(Timestamp.parseHTTPDate(bad, now: now) == nil, "\(bad)")
        }
    }

    @Test func httpDateFormatsIMFFixdateAndRoundTrips() {
        #expect(Timestamp.httpDate(Self.rfcExample) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(Timestamp.httpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(Timestamp.httpDate(1_709_208_000.75) == "Thu, 29 Feb 2024 12:00:00 GMT")
        #expect(Timestamp.httpDate(Self.november21) == "Sat, 21 Nov 2026 10:00:00 GMT")
        var seconds = 0
        while seconds < 4_102_444_800 {
            let text = Timestamp.httpDate(Double(seconds))
            #expect(Timestamp.parseHTTPDate(text, now: Self.november21) == Double(seconds), "\(text)")
            seconds += 999_983
        }
    }

    // MARK: Basic format

    @Test func sigV4BasicFormat() {
        func basic(_ seconds: Double) -> [String] {
            let stamp = Timestamp.sigV4(seconds)
            return [stamp.dateTime, stamp.day]
        }
        #expect(basic(1_440_938_160) == ["20150830T123600Z", "20150830"])
        #expect(basic(1_440_938_160.9) == ["20150830T123600Z", "20150830"])
        #expect(basic(0) == ["19700101T000000Z", "19700101"])
        #expect(basic(951_868_799) == ["20000229T235959Z", "20000229"])
        #expect(basic(-1) == ["19691231T235959Z", "19691231"])
    }

    @Test func backupFileStamp() {
        #expect(Timestamp.fileStamp(Self.november21 + 0.042) == "20261121T100000.042Z")
        #expect(Timestamp.fileStamp(946_684_799.9994) == "19991231T235959.999Z")
        #expect(Timestamp.fileStamp(946_684_799.9999) == "20000101T000000.000Z", "rounding carries into the next year")
        #expect(Timestamp.fileStamp(0) == "19700101T000000.000Z")
    }

    /// The backup name and `savedAt` were written by `DateFormatter` (en_US_POSIX, UTC) before; they
    /// stay byte for byte what it prints, and Okta's `expiresAt` reads as `ISO8601DateFormatter` read it.
    @Test func sameTextAsFoundationsFormatters() throws {
        func formatter(_ format: String) -> DateFormatter {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            return formatter
        }
        let stamp = formatter("yyyyMMdd'T'HHmmss.SSS'Z'")
        let savedAt = formatter("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        let oktaReader = ISO8601DateFormatter()
        oktaReader.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SplitMix64(seed: 13)
        var instants: [Double] = [0, 0.001, 0.0005, 0.9995, 1.9999999, 946_684_799.999, 951_868_799.9999, Self.november21 + 0.1,
                                  Self.november21 + 0.123, Self.november21 + 0.7, 4_102_444_799.9999]
        for _ in 0..<3000 {
            // Whole milliseconds (as a clock gives them) and arbitrary fractions, 1970 to 2100.
            let millis = Double(generator.next() % 4_102_444_800_000)
            instants.append(millis / 1000)
            instants.append(millis / 1000 + Double(generator.next() % 1000) / 1_000_000)
        }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.fileStamp(date.timeIntervalSince1970) == stamp.string(from: date), "\(seconds)")
            #expect(Timestamp.iso8601(date.timeIntervalSince1970, milliseconds: true) == savedAt.string(from: date), "\(seconds)")
            let whole = Timestamp.iso8601(seconds, milliseconds: true).replacingOccurrences(of: #"\.\d{3}Z"#, with: ".000Z", options: .regularExpression)
            #expect(Timestamp.parseISO8601(whole) == oktaReader.date(from: whole)?.timeIntervalSince1970, "\(whole)")
            let fractional = Timestamp.iso8601(seconds, milliseconds: true)
            let foundation = try #require(oktaReader.date(from: fractional)?.timeIntervalSince1970, "\(fractional)")
            #expect(abs(try #require(Timestamp.parseISO8601(fractional)) - foundation) < 1e-6, "\(fractional)")
        }
    }
}

