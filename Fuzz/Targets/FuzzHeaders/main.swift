import FuzzDriver
import Glibc
import HTTPKit

exit(idcsync_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzzHeaders))

/// Response headers: every numeric header, `Link` and `Date` over any text, and the durations built
/// from them. The first line is the value of every numeric header; the rest are `Name: value` lines.
func fuzzHeaders(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var headers: [(name: String, value: String)] = []
    for line in lines.dropFirst() {
        let pair = line.split(separator: ":", maxSplits: 1).map(String.init)
        headers.append((pair.first ?? "", pair.count > 1 ? pair[1] : ""))
    }
    let response = HTTPResponse(status: 429, headers: headers)
    let value = lines.first ?? ""
    for candidate in [value] + response.headers.map(\.value) {
        if let count = HeaderValue.count(candidate) { check(count >= 0 && count <= HeaderValue.largestCount, "count \(count)") }
        if let length = HeaderValue.contentLength(candidate) { check(length >= 0, "length \(length)") }
        if let epoch = HeaderValue.epochSeconds(candidate) {
            check(epoch.isFinite && epoch >= 0 && epoch <= HeaderValue.latestEpochSeconds, "epoch \(epoch)")
            _ = Duration.saturating(seconds: epoch - 1_800_000_000).wholeSecondsRoundedUp
        }
        if let date = HTTPDate.parse(candidate) { check(date.isFinite && date >= 0 && date <= HeaderValue.latestEpochSeconds, "date \(date)") }
        for now in [0, 1_800_000_000, Double.nan, .infinity] {
            if let wait = HeaderValue.retryAfterSeconds(candidate, now: now) { check(wait >= 0 && wait <= 365 * 86_400, "retry \(wait)") }
        }
        if let number = Double(candidate) {
            let duration = Duration.saturating(seconds: number)
            check(duration >= .zero && duration <= .saturationLimit, "duration \(duration)")
            _ = duration.wholeSecondsRoundedUp
        }
    }
    _ = LinkHeader.target(rel: "next", in: response.headers("Link"))
    _ = LinkHeader.target(rel: value, in: [value])
    return 0
}

private func check(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("out of bounds: \(what())") }
}
