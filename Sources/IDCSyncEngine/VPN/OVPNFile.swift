#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IDCSyncCore
import SystemKit

/// `vpn ovpn`: reads a Client VPN client configuration, patches it for SAML (OVPNPatch) and writes
/// the result atomically with mode 0600 (the file can hold a client key).
///
/// Decisions:
/// - Without `--out` the file is rewritten in place (temporary file, fsync, rename), with no
///   `.orig` copy: the change is only the added lines and a replaced `reneg-sec` value, all
///   reported, and a backup would be one more copy of the key lying around. Use `--out` to keep
///   the download untouched.
/// - Nothing is written when nothing would change: an already patched file in place, or an `--out`
///   file that already holds exactly the patched bytes (its mtime stays).
public enum OVPNFile {
    public struct Outcome: Sendable {
        /// The input file, as given.
        public var file: String
        /// Where the result goes: `--out`, or the input file itself.
        public var destination: String
        public var inPlace: Bool
        /// Whether a file was written (false when the destination already held the result).
        public var written: Bool
        public var patch: OVPNPatch.Outcome
    }

    /// The mode of every file written: the configuration can hold `<cert>`/`<key>` blocks.
    public static let mode: mode_t = 0o600

    public static func patch(file: String, out: String?) throws(IDCSyncError) -> Outcome {
        let text: String
        switch TextFile.contents(of: file, limit: 4 * 1024 * 1024) {
        case .success(let contents): text = contents
        case .failure(.notFound): throw usage("vpn.ovpn.not-found", "\(file) does not exist", file: file)
        case .failure(.isDirectory): throw usage("vpn.ovpn.directory", "\(file) is a directory; give the .ovpn file downloaded from the Client VPN endpoint", file: file)
        case .failure(.notUTF8): throw usage("vpn.ovpn.not-utf8", "\(file) is not UTF-8 text (binary?), not an OpenVPN client configuration; nothing was written", file: file)
        case .failure(.unreadable(let reason)):
            // The path the user gave cannot be used (a FIFO, a device, no permission): a usage error.
            throw usage("vpn.ovpn.read", "cannot read \(file): \(reason); nothing was written", file: file)
        }

        let patched: OVPNPatch.Outcome
        do {
            patched = try OVPNPatch.patch(text)
        } catch {
            throw usage(error.code, "\(file): \(error.message); nothing was written", file: file)
        }

        let destination = out ?? file
        let inPlace = out == nil || samePath(destination, file)
        let current: [UInt8]?
        if inPlace {
            current = Array(text.utf8)
        } else if case .success(let existing) = TextFile.contents(of: destination, limit: 4 * 1024 * 1024) {
            current = Array(existing.utf8)
        } else {
            current = nil
        }
        if current == patched.bytes {
            return Outcome(file: file, destination: destination, inPlace: inPlace, written: false, patch: patched)
        }
        do {
            try AtomicFile.write(patched.text, to: destination, mode: mode)
        } catch {
            throw writeFailure(error, unchanged: inPlace ? file : nil)
        }
        return Outcome(file: file, destination: destination, inPlace: inPlace, written: true, patch: patched)
    }

    /// A destination that is not a regular file (a symbolic link, a device) is a usage error (exit
    /// 64); a failure while writing is exit 1.
    static func writeFailure(_ error: AtomicFile.Failure, unchanged: String?) -> IDCSyncError {
        if error.refused != nil {
            return IDCSyncError(.configuration, [Diagnostic(.error, code: "vpn.ovpn.not-a-file", "\(error)")])
        }
        let suffix = unchanged.map { "; \($0) is unchanged" } ?? ""
        return IDCSyncError(.failure, [Diagnostic(.error, code: "vpn.ovpn.write", "cannot write \(error.path): \(error.reason)\(suffix)")])
    }

    /// The message names the file; no location, so it is not printed twice.
    private static func usage(_ code: String, _ message: String, file: String) -> IDCSyncError {
        IDCSyncError(.configuration, [Diagnostic(.error, code: code, message)])
    }

    /// The same file: the same path, or the same device and inode (`./a.ovpn` and `a.ovpn`, a link).
    static func samePath(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        var first = stat(), second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }
}
