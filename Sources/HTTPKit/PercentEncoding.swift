/// RFC 3986 percent-encoding, the one encoder of every URL and form idcsync builds (SigV4 canonical
/// requests, AWS Query parameters, Okta paths and queries, credential endpoints): the UTF-8 bytes of
/// everything but the unreserved characters `A-Z a-z 0-9 - . _ ~` become `%XX` with upper-case hex.
public enum PercentEncoding {
    /// `text` encoded; with `keepingSlash`, `/` stays as it is (a path of several segments).
    public static func encode(_ text: some StringProtocol, keepingSlash: Bool = false) -> String {
        encode(bytes: text.utf8, keepingSlash: keepingSlash)
    }

    /// Raw bytes encoded (SigV4 encodes decoded query bytes, which need not be UTF-8).
    public static func encode(bytes: some Collection<UInt8>, keepingSlash: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepingSlash:
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
