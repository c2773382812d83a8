import Foundation
import IDCSyncCore
import SystemKit

/// Finds, reads and parses the config file: `--config`, else `IDCSYNC_CONFIG`, else `./idcsync.yaml`.
public struct ConfigLoader: Sendable {
    public static let defaultPath = "idcsync.yaml"
    public static let pathVariable = "IDCSYNC_CONFIG"

    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The path to use and where it came from, for messages.
    public func resolvePath(_ explicit: String?) -> (path: String, origin: String) {
        if let explicit { return (explicit, "--config") }
        if let fromEnvironment = environment[Self.pathVariable], !fromEnvironment.isEmpty {
            return (fromEnvironment, Self.pathVariable)
        }
        return (Self.defaultPath, "the default")
    }

    public func load(_ explicit: String?) throws(CommandError) -> Config {
        let (path, origin) = resolvePath(explicit)
        let text: String
        switch TextFile.contents(of: path) {
        case .success(let contents):
            text = contents
        case .failure(.notFound):
            let hint = origin == "the default"
                ? "run `idcsync init` to write a starter file, or pass --config PATH (or set \(Self.pathVariable))"
                : "check the path given by \(origin)"
            throw .config("config.not-found", "no config file at \(path) (\(origin)); \(hint)", file: path)
        case .failure(.isDirectory):
            throw .config("config.not-a-file", "\(path) is a directory; give the path of the YAML file", file: path)
        case .failure(.unreadable(let reason)):
            throw .config("config.unreadable", "cannot read \(path): \(reason)", file: path)
        case .failure(.notUTF8):
            throw .config("config.encoding", "\(path) is not UTF-8 text", file: path)
        }
        do {
            return try ConfigParser.parse(yaml: text, file: path, environment: environment)
        } catch {
            throw CommandError(.usage, error.diagnostics)
        }
    }
}

extension Config {
    /// The target named by `--target`, or the top-level one; an unknown name lists the known ones.
    public func selectTarget(_ name: String?) throws(CommandError) -> Target {
        if let target = target(named: name) { return target }
        let names = targets.compactMap(\.name)
        let known = names.isEmpty ? "this file defines no targets" : "known targets: \(names.joined(separator: ", "))"
        var message = "no target named \"\(name ?? "")\"; \(known)"
        if let name, let suggestion = Suggestions.closest(to: name, in: names) { message += "; did you mean \(suggestion)?" }
        throw .config("usage.unknown-target", message, file: source)
    }
}
