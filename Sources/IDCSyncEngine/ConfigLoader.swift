import Foundation
import IDCSyncCore
import SystemKit

/// Finds, reads and parses the config file: `--config`, else `IDCSYNC_CONFIG`, else `./idcsync.yaml`.
public struct ConfigLoader: Sendable {
    public static let defaultPath = "idcsync.yaml"
    public static let pathVariable = "IDCSYNC_CONFIG"

    public var environment: [String: String]

    public init(environment: [String: String]) {
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

    public func load(_ explicit: String?) throws(IDCSyncError) -> Config {
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
        if let kind = Self.secretFileKind(text) {
            throw .config("config.secret-file", "\(path) (\(origin)) is \(kind), not an idcsync config (YAML); its contents are not shown. "
                          + "Give the config file with --config; secrets stay out of it: the Okta token in OKTA_API_TOKEN or okta.auth.tokenFile, "
                          + "the service app key in okta.auth.privateKeyFile or OKTA_CLIENT_PRIVATEKEY", file: path)
        }
        do {
            var config = try ConfigParser.parse(yaml: text, file: path, environment: environment)
            config.diagnostics = config.diagnostics.map(Self.masked)
            return config
        } catch {
            throw IDCSyncError(.configuration, error.diagnostics.map(Self.masked))
        }
    }

    /// A file of secrets given where the config belongs: a PEM key or certificate, or an environment
    /// file (`NAME=value` lines, as `.env` files hold). Either would otherwise be quoted by the YAML errors.
    static func secretFileKind(_ text: String) -> String? {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let first = lines.first else { return nil }
        if first.hasPrefix("-----BEGIN") { return "a PEM file (a key or certificate)" }
        if lines.allSatisfy(isAssignment) { return "an environment file (NAME=value lines)" }
        return nil
    }

    /// `NAME=...` or `export NAME=...`, NAME a shell variable name. Hand-written: a Regex literal here
    /// compiled at every start and cost about a tenth of `idcsync urls`'s start-up (scripts/bench).
    static func isAssignment(_ line: String) -> Bool {
        var rest = Substring(line)
        if rest.hasPrefix("export"), let blank = rest.dropFirst(6).first, blank == " " || blank == "\t" {
            rest = rest.dropFirst(6).drop { $0 == " " || $0 == "\t" }
        }
        guard let equals = rest.firstIndex(of: "="), let first = rest.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return rest[..<equals].allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }

    /// A config diagnostic never quotes a value that looks like a secret.
    static func masked(_ diagnostic: Diagnostic) -> Diagnostic {
        var masked = diagnostic
        masked.message = SecretShape.mask(diagnostic.message)
        masked.field = diagnostic.field.map(SecretShape.mask)
        return masked
    }
}

extension Config {
    /// The target named by `--target`, or the top-level one; an unknown name lists the known ones.
    public func selectTarget(_ name: String?) throws(IDCSyncError) -> Target {
        if let target = target(named: name) { return target }
        let names = targets.compactMap(\.name)
        let known = names.isEmpty ? "this file defines no targets" : "known targets: \(names.joined(separator: ", "))"
        var message = "no target named \"\(name ?? "")\"; \(known)"
        if let name, let suggestion = Suggestions.closest(to: name, in: names) { message += "; did you mean \(suggestion)?" }
        throw .config("usage.unknown-target", message, file: source)
    }
}
