import Foundation
import HTTPKit
import Testing

@Suite("RFC 3986 percent-encoding")
struct PercentEncodingTests {
    @Test func unreservedCharactersStay() {
        let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
        #expect(PercentEncoding.encode(unreserved) == unreserved)
        #expect(PercentEncoding.encode(unreserved, keepingSlash: true) == unreserved)
        #expect(PercentEncoding.encode("") == "")
    }

    @Test func everyReservedCharacterIsEncodedInUpperCaseHex() {
        let expected: [Character: String] = [
            ":": "%3A", "/": "%2F", "?": "%3F", "#": "%23", "[": "%5B", "]": "%5D", "@": "%40",
            "!": "%21", "$": "%24", "&": "%26", "'": "%27", "(": "%28", ")": "%29", "*": "%2A", "+": "%2B", ",": "%2C", ";": "%3B", "=": "%3D",
            " ": "%20", "%": "%25", "\"": "%22", "<": "%3C", ">": "%3E", "\\": "%5C", "^": "%5E", "`": "%60", "{": "%7B", "|": "%7C", "}": "%7D",
            "\n": "%0A", "\u{7F}": "%7F", "\u{0}": "%00",
        ]
        for (character, encoded) in expected {
            #expect(PercentEncoding.encode(String(character)) == encoded, "\(character)")
        }
    }

    @Test func multibyteCharactersAreTheirUTF8Bytes() {
        #expect(PercentEncoding.encode("é") == "%C3%A9")
        #expect(PercentEncoding.encode("ሴ") == "%E1%88%B4")
        #expect(PercentEncoding.encode("😀") == "%F0%9F%98%80")
        #expect(PercentEncoding.encode("e\u{301}") == "e%CC%81", "no Unicode normalisation")
        #expect(PercentEncoding.encode("a b/c+d~é") == "a%20b%2Fc%2Bd~%C3%A9")
        #expect(PercentEncoding.encode("日本"[...]) == "%E6%97%A5%E6%9C%AC", "a substring")
    }

    @Test func bytesThatAreNotUTF8() {
        #expect(PercentEncoding.encode(bytes: [0xFF, 0x00, 0x41, 0x2F]) == "%FF%00A%2F")
        #expect(PercentEncoding.encode(bytes: [UInt8]()) == "")
    }

    @Test func slashesStayInPathsWhenAsked() {
        #expect(PercentEncoding.encode("/a b/c/", keepingSlash: true) == "/a%20b/c/")
        #expect(PercentEncoding.encode("/a b/c/") == "%2Fa%20b%2Fc%2F")
        #expect(PercentEncoding.encode("a%2Fb/c", keepingSlash: true) == "a%252Fb/c", "an escape is encoded again")
        #expect(PercentEncoding.encode(bytes: Array("//".utf8), keepingSlash: true) == "//")
    }

    /// The Okta and AWS Query encoders were `addingPercentEncoding` with the unreserved set; the text
    /// they send stays the same.
    @Test func sameTextAsFoundationWithTheUnreservedSet() {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        var samples = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        samples += ["name eq \"idcsync\"", "a b&c=d/é~+*", "0oa1b2c3d4", "kid-ሴ-😀", "100%", "\u{A0}\u{2028}\u{FEFF}"]
        for text in samples {
            #expect(PercentEncoding.encode(text) == text.addingPercentEncoding(withAllowedCharacters: unreserved), "\(text.debugDescription)")
        }
    }
}
