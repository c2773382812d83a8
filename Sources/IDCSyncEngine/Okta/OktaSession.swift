import Foundation
import HTTPKit
import IDCSyncCore
import Logging
import OktaKit

/// Builds the Okta client for a target from the config and the environment (Okta SDK variable names).
/// Every problem with credentials is found here, before any request, as a configuration error.
public enum OktaSession {
    public static let tokenVariables = ["OKTA_CLIENT_TOKEN", "OKTA_API_TOKEN"]
    public static let privateKeyVariable = "OKTA_CLIENT_PRIVATEKEY"
    public static let clientIdVariable = "OKTA_CLIENT_CLIENTID"
    public static let modeVariable = "OKTA_CLIENT_AUTHORIZATIONMODE"

    public static func client(target: Target, configFile: String, environment: [String: String], access: OktaAccess,
                              transport: any HTTPTransport = AsyncHTTPTransport(), logger: Logger) throws(CommandError) -> OktaClient {
        guard let okta = target.okta, let orgURL = okta.orgUrl else {
            throw .config("config.missing", "okta.orgUrl is not set; give the org's base URL (e.g. https://example.okta.com) or set OKTA_CLIENT_ORGURL",
                          field: "okta.orgUrl", file: configFile)
        }
        let credentials = try self.credentials(okta.auth, configFile: configFile, environment: environment)
        let configuration = OktaClientConfiguration(
            orgURL: orgURL, credentials: credentials, access: access, timeout: .seconds(okta.timeoutSeconds),
            maximumRateLimitWait: .seconds(okta.rateLimitMaxWaitSeconds))
        return OktaClient(configuration: configuration, transport: transport, logger: logger)
    }

    static func credentials(_ auth: OktaConfig.Auth, configFile: String, environment: [String: String]) throws(CommandError) -> OktaCredentials {
        var auth = auth
        // The Okta SDKs' variables choose the mode when the file does not.
        if case .ssws(nil) = auth, environment[modeVariable]?.lowercased() == "privatekey", let clientId = environment[clientIdVariable], !clientId.isEmpty {
            auth = .privateKey(clientId: clientId, privateKeyFile: nil, keyId: nil)
        }
        switch auth {
        case .ssws(let tokenFile):
            for name in tokenVariables {
                if let token = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty {
                    return .apiToken(Secret(token))
                }
            }
            if let tokenFile {
                let path = resolve(tokenFile, relativeTo: configFile)
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw .config("config.token-file", "cannot read the Okta API token file \(path) (okta.auth.tokenFile)", field: "okta.auth.tokenFile", file: configFile)
                }
                let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !token.isEmpty else {
                    throw .config("config.token-file", "the Okta API token file \(path) is empty", field: "okta.auth.tokenFile", file: configFile)
                }
                return .apiToken(Secret(token))
            }
            throw .config("config.no-token", "no Okta API token: set OKTA_API_TOKEN (or OKTA_CLIENT_TOKEN), or okta.auth.tokenFile, or use okta.auth.mode: privateKey",
                          field: "okta.auth", file: configFile)
        case .privateKey(let clientId, let privateKeyFile, let keyId):
            let pem: String
            if let inline = environment[privateKeyVariable], !inline.isEmpty {
                pem = inline
            } else if let privateKeyFile {
                let path = resolve(privateKeyFile, relativeTo: configFile)
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw .config("config.private-key", "cannot read the private key file \(path) (okta.auth.privateKeyFile)", field: "okta.auth.privateKeyFile", file: configFile)
                }
                pem = text
            } else {
                throw .config("config.no-private-key", "mode privateKey needs the service app's private key: set okta.auth.privateKeyFile or \(privateKeyVariable)",
                              field: "okta.auth.privateKeyFile", file: configFile)
            }
            do {
                return .serviceApp(clientId: clientId, key: try JWTSigningKey.load(pem: pem), keyId: keyId)
            } catch {
                throw .config("config.private-key", error.description, field: "okta.auth.privateKeyFile", file: configFile)
            }
        }
    }

    /// A path from the config, relative to the config file's folder unless absolute.
    public static func resolve(_ path: String, relativeTo configFile: String) -> String {
        if path.hasPrefix("/") { return path }
        let folder = (configFile as NSString).deletingLastPathComponent
        return folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
    }
}

extension CommandError {
    /// An Okta failure: a configuration problem is a usage error, anything else an error.
    static func okta(_ error: OktaError) -> CommandError {
        if case .configuration = error { return CommandError(.usage, [Diagnostic(.error, code: "okta.configuration", error.description)]) }
        return CommandError(.failure, [Diagnostic(.error, code: "okta.\(error.code ?? "request")", error.description)])
    }
}
