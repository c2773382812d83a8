import FuzzDriver
import Glibc
import IDCSyncCore

exit(idcsync_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzzOVPN))

/// The exported .ovpn: patch any bytes; a patched file patched again needs nothing more.
func fuzzOVPN(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let outcome = try? OVPNPatch.patch(bytes: bytes) else { return 0 }
    guard let again = try? OVPNPatch.patch(bytes: outcome.bytes) else { fatalError("the patched file is refused") }
    guard !again.changed else { fatalError("patching twice changed the file again: \(again.added) \(again.replaced)") }
    return 0
}
