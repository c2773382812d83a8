import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct VPNOvpnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ovpn",
        abstract: "Patch a Client VPN client configuration (.ovpn) for SAML sign-in: auth-federate and reneg-sec 0.",
        discussion: """
        Adds `auth-federate` and `reneg-sec 0` when they are missing, right before the inline <ca> block (at the end without one). A `reneg-sec N` with N other than 0 is replaced by `reneg-sec 0` on its own line, and the replacement is reported. Everything else stays byte for byte: CRLF or LF line endings, the <ca>/<cert>/<key> blocks, comments, the final newline or its absence. A file that already has both is left alone (nothing is written).

        Without --out the file is rewritten in place, atomically, with no backup copy; with --out F the result goes to F and FILE is not touched. What is written gets mode 0600, since the file can hold a client key.

        A file that is not an OpenVPN client configuration is refused (exit 64): it needs `client` (or `tls-client` with `pull`), a `remote` line and `dev tun` or `dev tap`; empty, binary and server configurations are refused too.

        Exit codes: 0 written, or already patched; 64 refused or bad input; 1 the file could not be read or written.

        Examples:
          aws ec2 export-client-vpn-client-configuration --client-vpn-endpoint-id cvpn-endpoint-0123456789abcdef0 --output text > downloaded.ovpn
          idcsync vpn ovpn downloaded.ovpn --out okta-vpn.ovpn
          idcsync vpn ovpn okta-vpn.ovpn --output json
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The client configuration downloaded from the Client VPN endpoint.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Write the patched configuration here (mode 0600) and leave FILE untouched; default: FILE in place.", valueName: "path"))
    var out: String?

    func validate() throws {
        try global.requireOutput([.text, .json], command: "vpn ovpn")
        if file.isEmpty { throw ValidationError("the file name must not be empty") }
        if let out, out.isEmpty { throw ValidationError("--out must not be empty") }
    }

    func run() async throws {
        try await CommandRunner.run(global) { console in
            let outcome = try OVPNFile.patch(file: file, out: out)
            if global.output == .json {
                console.writeJSON(VPNRenderer.ovpnDocument(file: outcome.file, destination: outcome.destination, written: outcome.written,
                                                           patch: outcome.patch))
            } else if !global.quiet {
                console.writeError(Self.summary(outcome))
            }
            return .ok
        }
    }

    /// The one line saying what was done.
    static func summary(_ outcome: OVPNFile.Outcome) -> String {
        let patch = outcome.patch
        guard patch.changed else {
            let already = "\(outcome.file) already has auth-federate and reneg-sec 0"
            if outcome.inPlace { return "\(already); nothing written." }
            return outcome.written
                ? "\(already); wrote it unchanged to \(outcome.destination) (mode 0600)."
                : "\(already), and \(outcome.destination) already holds it; nothing written."
        }
        var changes: [String] = []
        if !patch.added.isEmpty { changes.append("added " + patch.added.joined(separator: " and ")) }
        for replacement in patch.replaced {
            changes.append("replaced `\(replacement.from)` with `\(replacement.to)` on line \(replacement.line)")
        }
        let what = changes.joined(separator: "; ")
        if outcome.inPlace { return "Patched \(outcome.file) in place (mode 0600): \(what)." }
        if !outcome.written { return "\(outcome.destination) already holds \(outcome.file) patched (\(what)); nothing written." }
        return "Wrote \(outcome.destination) (mode 0600) from \(outcome.file): \(what)."
    }
}
