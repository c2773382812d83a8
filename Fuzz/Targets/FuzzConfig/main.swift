import FuzzDriver
import Glibc
import IDCSyncCore

exit(idcsync_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzzConfig))

/// idcsync.yaml: parse and validate any text, with and without an environment override.
func fuzzConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    do {
        _ = try ConfigParser.parse(yaml: text, file: "fuzz.yaml")
    } catch {
        guard !error.diagnostics.isEmpty else { fatalError("a refused config without a diagnostic") }
    }
    _ = try? ConfigParser.parse(yaml: text, file: "fuzz.yaml", environment: [ConfigParser.orgURLVariable: "https://example.okta.com"])
    return 0
}
