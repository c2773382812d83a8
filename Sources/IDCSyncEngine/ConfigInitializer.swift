import IDCSyncCore
import SystemKit

public enum ConfigInitializer {
    /// Writes the starter config atomically; refuses to replace an existing file unless `force`,
    /// and never replaces anything but a regular file (a symbolic link, device or directory is
    /// refused, exit 64, even with `force`).
    @discardableResult
    public static func run(path: String, force: Bool, environment: [String: String]) throws(IDCSyncError) -> String {
        // lstat: a dangling symbolic link exists too.
        if let kind = FileKind.of(path) {
            if !force {
                let what = kind == .regular ? "" : " (\(kind))"
                throw .config("usage.exists", "\(path) already exists\(what); pass --force to replace it, or --config to write elsewhere", file: path)
            }
            do { try AtomicFile.requireReplaceable(path) } catch {
                throw IDCSyncError(.configuration, [Diagnostic(.error, code: "io.not-a-file", "\(error)")])
            }
        }
        var known = StarterConfig.Known()
        if let orgURL = environment[ConfigParser.orgURLVariable], case .success(let url) = OktaOrgURL.parse(orgURL) {
            known.oktaOrgURL = url
        }
        let text = StarterConfig.render(known)
        do {
            try AtomicFile.write(text, to: path, mode: 0o644)
        } catch {
            if error.refused != nil { throw IDCSyncError(.configuration, [Diagnostic(.error, code: "io.not-a-file", "\(error)")]) }
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "io.write", "\(error); check that the folder exists and is writable, or pass --config to write elsewhere")])
        }
        return text
    }
}
