import FuzzDriver
import Glibc
import IDCSyncCore

exit(idcsync_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzzJSON))

/// JSON from Okta, AWS and backups: parse anything; what parses must survive a write and re-parse
/// unchanged.
func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let written = JSONWriter.compact(value)
    guard let again = try? JSONParser.parse(written) else { fatalError("the writer's output does not parse: \(written)") }
    guard again == value else { fatalError("the value changed in a write and re-parse: \(written)") }
    _ = JSONWriter.pretty(value)
    return 0
}
