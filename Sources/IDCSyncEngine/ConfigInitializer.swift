import Foundation
import IDCSyncCore

public enum ConfigInitializer {
    /// Writes the starter config atomically; refuses to replace an existing file unless `force`.
    @discardableResult
    public static func run(path: String, force: Bool, environment: [String: String]) throws(CommandError) -> String {
        if FileManager.default.fileExists(atPath: path) && !force {
            throw .config("usage.exists", "\(path) already exists; pass --force to replace it, or --config to write elsewhere", file: path)
        }
        var known = StarterConfig.Known()
        if let orgURL = environment[ConfigParser.orgURLVariable], case .success(let url) = OktaOrgURL.parse(orgURL) {
            known.oktaOrgURL = url
        }
        let text = StarterConfig.render(known)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandError(.failure, [Diagnostic(.error, code: "io.write", "cannot write \(path): \(error.localizedDescription)")])
        }
        return text
    }
}
