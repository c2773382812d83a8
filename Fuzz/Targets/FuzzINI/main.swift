import FuzzDriver
import Glibc
import IDCSyncCore

exit(idcsync_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzzINI))

/// ~/.aws/config and ~/.aws/credentials: parse any text, map its profiles, split credential_process.
func fuzzINI(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = SharedConfigParser.shellWords(text)
    guard let sections = try? SharedConfigParser.parse(text) else { return 0 }
    let map = SharedConfigParser.profileMap(sections)
    for profile in map.profiles.values {
        if let command = profile["credential_process"] { _ = SharedConfigParser.shellWords(command) }
    }
    for section in sections { _ = SharedConfigParser.qualifiedName(section.name) }
    return 0
}
