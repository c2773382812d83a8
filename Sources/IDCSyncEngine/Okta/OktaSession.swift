import Foundation
import HTTPKit
import IDCSyncCore
import Logging
import OktaKit
import SystemKit

/// Builds the Okta client for a target from the config and the environment (Okta SDK variable names).
/// Every problem with credentials is found here, before any request, as a configuration error.
public enum OktaSession {
    public static let tokenVariables = ["OKTA_CLIENT_TOKEN", "OKTA_API_TOKEN"]
    public static let privateKeyVariable = "OKTA_CLIENT_PRIVATEKEY"
    public static let clientIdVariable = "OKTA_CLIENT_CLIENTID"
    public static let modeVariable = "OKTA_CLIENT_AUTHORIZATIONMODE"

    public static func client(target: Target, configFile: String, environment: [String: String], access: OktaAccess,
                              transport: any HTTPTransport, time: any TimeSource,
                              logger: Logger) throws(IDCSyncError) -> OktaClient {
        guard let okta = target.okta, let orgURL = okta.orgUrl else {
            throw .config("config.missing", "okta.orgUrl is not set; give the org's base URL (e.g. https://example.okta.com) or set OKTA_CLIENT_ORGURL",
                          field: "okta.orgUrl", file: configFile)
        }
        let credentials = try self.credentials(okta.auth, configFile: configFile, environment: environment)
        let configuration = OktaClientConfiguration(
            orgURL: orgURL, credentials: credentials, access: access, timeout: .seconds(okta.timeoutSeconds),
            maximumRateLimitWait: .seconds(okta.rateLimitMaxWaitSeconds))
        return OktaClient(configuration: configuration, transport: transport, time: time, logger: logger)
    }

    static func credentials(_ auth: OktaConfig.Auth, configFile: String, environment: [String: String]) throws(IDCSyncError) -> OktaCredentials {
        var auth = auth
        // The Okta SDKs' variables choose the mode when the file does not.
        if case .ssws(nil) = auth, environment[modeVariable]?.lowercased() == "privatekey", let clientId = environment[clientIdVariable], !clientId.isEmpty {
            auth = .privateKey(clientId: clientId, privateKeyFile: nil, keyId: nil)
        }
        switch auth {
        case .ssws(let tokenFile):
            for name in tokenVariables {
                guard let value = environment[name], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
                Redactor.register(value)
                let token = droppingFinalLineBreak(value).trimmingCharacters(in: .whitespaces)
                if let control = Redactor.describeControlCharacter(in: token) {
                    throw .config("config.token", "\(name) contains \(control), which a token never has and an HTTP header cannot carry (the value is not shown); "
                                  + "set \(name) to the token alone, on one line", field: "\(name) (environment)")
                }
                return .apiToken(Secret(token))
            }
            if let tokenFile {
                return .apiToken(Secret(try readTokenFile(Paths.resolve(tokenFile, relativeTo: configFile), configFile: configFile)))
            }
            throw .config("config.no-token", "no Okta API token: set OKTA_API_TOKEN (or OKTA_CLIENT_TOKEN), or okta.auth.tokenFile, or use okta.auth.mode: privateKey",
                          field: "okta.auth", file: configFile)
        case .privateKey(let clientId, let privateKeyFile, let keyId):
            let pem: String
            // Where the key came from, named in every message about it.
            let source: (what: String, field: String, file: String?)
            if let inline = environment[privateKeyVariable], !inline.isEmpty {
                Redactor.register(inline)
                pem = inline
                source = (privateKeyVariable, "\(privateKeyVariable) (environment)", nil)
            } else if let privateKeyFile {
                let path = Paths.resolve(privateKeyFile, relativeTo: configFile)
                source = ("the private key file \(path) (okta.auth.privateKeyFile)", "okta.auth.privateKeyFile", configFile)
                switch TextFile.contents(of: path, limit: maximumKeyFileBytes) {
                case .success(let text):
                    Redactor.register(text)
                    pem = text
                case .failure(let failure):
                    throw .config("config.private-key", "cannot read the private key file \(path) (okta.auth.privateKeyFile): \(failure)",
                                  field: "okta.auth.privateKeyFile", file: configFile)
                }
            } else {
                throw .config("config.no-private-key", "mode privateKey needs the service app's private key: set okta.auth.privateKeyFile or \(privateKeyVariable)",
                              field: "okta.auth.privateKeyFile", file: configFile)
            }
            do {
                return .serviceApp(clientId: clientId, key: try JWTSigningKey.load(pem: pem), keyId: keyId)
            } catch {
                throw .config("config.private-key", "\(source.what): \(error.description)", field: source.field, file: source.file)
            }
        }
    }

    /// The largest token file read: an Okta API token is 42 characters.
    static let maximumTokenFileBytes = 8 * 1024
    static let maximumKeyFileBytes = 64 * 1024

    /// The token file holds the token alone on one line (a final line break is fine), at most 8 KiB,
    /// and its contents are never quoted.
    static func readTokenFile(_ path: String, configFile: String) throws(IDCSyncError) -> String {
        func refuse(_ reason: String) -> IDCSyncError {
            .config("config.token-file", "the Okta API token file \(path) (okta.auth.tokenFile) \(reason)", field: "okta.auth.tokenFile", file: configFile)
        }
        let text: String
        switch TextFile.contents(of: path, limit: maximumTokenFileBytes) {
        case .success(let contents): text = contents
        case .failure(.unreadable(let reason)) where reason.hasPrefix("it is larger than"):
            throw refuse("is larger than 8 KiB; it must hold only the token, on one line")
        case .failure(let failure): throw refuse("cannot be read: \(failure)")
        }
        Redactor.register(text)
        let line = droppingFinalLineBreak(text)
        let lines = line.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).count
        guard lines == 1 else {
            throw refuse("has \(lines) lines; it must hold only the token, on one line (no comment lines; the contents are not shown)")
        }
        let token = line.trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw refuse("is empty; put the token in it, on one line") }
        if let control = Redactor.describeControlCharacter(in: token) {
            throw refuse("contains \(control), which a token never has (the contents are not shown); it must hold only the token, on one line")
        }
        return token
    }

    /// Without one final `\n` or `\r\n` (files written by `echo`, variables set from `$(cat file)`).
    static func droppingFinalLineBreak(_ text: String) -> String {
        if text.hasSuffix("\r\n") { return String(text.dropLast()) }  // "\r\n" is one Character
        if text.hasSuffix("\n") { return String(text.dropLast()) }
        return text
    }
}

extension IDCSyncError {
    /// An Okta failure: a configuration problem is the user's to fix; anything else is a remote
    /// failure naming the request and, when Okta gave one, its request id.
    static func okta(_ error: OktaError) -> IDCSyncError {
        let diagnostics = [Diagnostic(.error, code: error.isConfiguration ? "okta.configuration" : "okta.\(error.code ?? "request")", error.description)]
        switch error {
        case .configuration:
            return IDCSyncError(.configuration, diagnostics)
        case .cancelled:
            return IDCSyncError(.cancelled, diagnostics)
        case .api(_, _, _, _, let request), .oauth(_, _, _, let request), .authenticate(_, _, let request),
             .rateLimited(_, _, let request), .transport(_, _, let request), .invalidResponse(_, let request):
            return IDCSyncError(.remote(service: "Okta", operation: "\(request.method) \(request.path)", requestId: request.requestId), diagnostics)
        }
    }
}

extension OktaError {
    var isConfiguration: Bool {
        if case .configuration = self { return true }
        return false
    }
}
