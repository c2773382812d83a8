/// The SAML IdP metadata Okta serves for an app (`/sso/saml/metadata`), as idcsync takes it: UTF-8
/// text holding an `EntityDescriptor`. It goes to IAM as it came (IAM validates the XML itself);
/// idcsync only compares two documents, ignoring white space.
public enum SAMLMetadata {
    /// The document, or nil when the bytes are not UTF-8 text with an `EntityDescriptor`.
    public static func document(_ bytes: [UInt8]) -> String? {
        guard let text = String(validating: bytes, as: UTF8.self), text.contains("EntityDescriptor") else { return nil }
        return text
    }

    /// Whether two documents are the same apart from white space.
    public static func same(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lazy.filter { !$0.properties.isWhitespace }.elementsEqual(b.unicodeScalars.lazy.filter { !$0.properties.isWhitespace })
    }
}
