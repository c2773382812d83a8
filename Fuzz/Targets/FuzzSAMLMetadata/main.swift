import FuzzDriver
import Glibc
import IDCSyncCore

exit(idcsync_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzzSAMLMetadata))

/// Okta's SAML metadata for the VPN's IAM SAML provider: accept or refuse any bytes, and compare.
func fuzzSAMLMetadata(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let document = SAMLMetadata.document(bytes) else { return 0 }
    guard SAMLMetadata.same(document, document + "\n") else { fatalError("a document differs from itself") }
    let half = String(decoding: bytes.prefix(size / 2), as: UTF8.self)
    _ = SAMLMetadata.same(document, half)
    return 0
}
