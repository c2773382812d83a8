#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IDCSyncCore
import IDCSyncEngine

/// The question before a write, on the terminal.
extension Console {
    /// Asks on the terminal before a write. `--yes` answers yes; without it, stdin must be a terminal.
    func confirm(_ question: String, yes: Bool) throws(IDCSyncError) -> Bool {
        if yes { return true }
        try requireTerminalForConfirmation()
        FileDescriptor.standardError.write("\(question) Only 'yes' is accepted: ")
        guard let answer = readLine() else { return false }
        return answer.trimmingWhitespace().lowercased() == "yes"
    }

    /// The engine's question, answered here.
    func confirmation(yes: Bool) -> Confirmation {
        { question throws(IDCSyncError) in try confirm(question, yes: yes) }
    }

    func requireTerminalForConfirmation() throws(IDCSyncError) {
        guard isatty(STDIN_FILENO) == 1 else {
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "usage.confirmation",
                "refusing to write without confirmation: stdin is not a terminal; pass --yes to write (or --dry-run to only plan)")])
        }
    }
}
