import FuzzDriver
import Glibc

exit(idcsync_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzzXML))

/// AWS Query/XML responses and error documents: both readers over any bytes.
func fuzzXML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let response = XMLResponse(bytes)
    _ = response.value("Code")
    _ = response.values("member")
    _ = response.value("Message")
    if let root = XMLNode.parse(bytes) {
        _ = root.string("GetCallerIdentityResult", "Account")
        _ = root.int("Error", "Code")
        _ = root.bool("member", "Enabled")
        _ = root.strings("member")
        for child in root.children { _ = child.list(child.name) }
    }
    return 0
}
