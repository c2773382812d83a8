import Crypto
import Foundation
import HTTPKit
import IDCSyncCore
import Testing

/// A sandbox server (a Python script in Tests/Sandbox) on a loopback port, for one test. The Python
/// comes from IDCSYNC_SANDBOX_PYTHON (the venv scripts/test prepares), else `python3`.
final class SandboxServer: @unchecked Sendable {
    let process = Process()
    /// The base URL, exactly as the server prints it.
    let url: String

    static var python: String { ProcessInfo.processInfo.environment["IDCSYNC_SANDBOX_PYTHON"] ?? "python3" }

    init(script: String, environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [Self.python, repositoryRoot.appendingPathComponent("Tests/Sandbox/\(script)").path, "--port", "0"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("LISTENING ") else {
            kill(process.processIdentifier, SIGKILL)
            throw SandboxError("\(script) did not start (printed \"\(text)\"); run the tests with scripts/test, which prepares its Python")
        }
        url = String(text.dropFirst("LISTENING ".count))
    }

    deinit {
        // SIGKILL: a signal mask inherited from a dispatch thread cannot block it.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A JSON call to the server's control API.
    @discardableResult
    func control(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        let request = HTTPRequest(method: method, url: url + path, headers: [("Content-Type", "application/json")],
                                  body: body.map { Array(JSONWriter.compact($0).utf8) }, timeout: .seconds(30))
        let response = try await AsyncHTTPTransport().send(request)
        guard (200..<300).contains(response.status) else { throw SandboxError("control \(method) \(path): \(response.status) \(response.bodyText)") }
        return response.body.isEmpty ? .null : try JSONParser.parse(response.body)
    }
}

struct SandboxError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One Okta fake (Tests/Sandbox/okta_fake.py): one org, for one test.
final class OktaFake: @unchecked Sendable {
    private let server: SandboxServer
    /// The org URL, exactly as the fake prints it (DPoP `htu` and `aud` are compared with it).
    var url: String { server.url }

    static let token = "00fake-SSWS-token-do-not-print-7d3f9a"

    init() throws {
        server = try SandboxServer(script: "okta_fake.py")
    }

    @discardableResult
    func control(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        try await server.control(method, path, body)
    }

    /// The requests idcsync sent, as `METHOD path` lines.
    func requestLines() async throws -> [String] {
        try await requests().map { "\($0["method"]?.stringValue ?? "") \($0["path"]?.stringValue ?? "")" }
    }

    /// The requests idcsync sent with the fake's answer, as `METHOD path STATUS` lines.
    func requestSummary() async throws -> [String] {
        try await requests().map { entry in
            let status: String
            if case .number(let text)? = entry["status"] { status = text } else { status = "no-response" }
            return "\(entry["method"]?.stringValue ?? "") \(entry["path"]?.stringValue ?? "") \(status)"
        }
    }

    func requests() async throws -> [JSONValue] { try await control("GET", "/_fake/requests").arrayValue ?? [] }

    func clearRequests() async throws { try await control("DELETE", "/_fake/requests") }

    func app(_ id: String) async throws -> JSONValue { try await control("GET", "/_fake/apps/\(id)") }

    func faults(_ rules: [JSONValue]) async throws { try await control("POST", "/_fake/faults", .object(["faults": .array(rules)])) }

    /// API token auth and the IAM Identity Center app in the state a test describes.
    @discardableResult
    func seed(slots: [Int: String] = [:], defaultACS: String = OktaFake.defaultACS, appId: String = "0oaidc1",
              extra: JSONObject = [:]) async throws -> JSONValue {
        try await control("POST", "/_fake/config", .object(["apiTokens": .array([.string(Self.token)])]))
        var settings: JSONObject = ["acsURL": .string(defaultACS), "entityID": "https://ap-northeast-1.signin.aws.amazon.com/platform/saml/d-9067a1b2c3"]
        for (slot, value) in slots { settings["acsURL\(slot)"] = .string(value) }
        var app: JSONObject = [
            "id": .string(appId), "name": "amazon_aws_sso", "label": "AWS IAM Identity Center", "status": "ACTIVE",
            "signOnMode": "SAML_2_0", "accessibility": .object(["selfService": false, "errorRedirectUrl": .null]),
            "visibility": .object(["autoSubmitToolbar": false, "hide": .object(["iOS": false, "web": false])]),
            "credentials": .object(["userNameTemplate": .object(["template": "${source.login}", "type": "BUILT_IN"]), "signing": .object(["kid": "kid-1"])]),
            "settings": .object(["app": .object(settings), "notifications": .object(["vpn": .object(["network": .object(["connection": "DISABLED"])])]),
                                 "manualProvisioning": false, "notes": .object(["admin": .null, "enduser": .null])]),
            "customVendorField": .array([.number("1.50"), .null, .object(["x": .bool(true)])]),
        ]
        for member in extra.members { app[member.key] = member.value }
        return try await control("POST", "/_fake/apps", .object(app))
    }

    /// Registers an OAuth service app (P-256 key, DPoP) and writes its key and a config using it
    /// into the workspace. Returns the key.
    @discardableResult
    func setUpServiceApp(in workspace: Workspace, resourceNonce: Bool) async throws -> P256.Signing.PrivateKey {
        let key = P256.Signing.PrivateKey()
        let raw = key.publicKey.rawRepresentation
        func b64(_ bytes: Data) -> String {
            bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let jwk: JSONValue = .object(["kty": "EC", "crv": "P-256", "x": .string(b64(raw.prefix(32))), "y": .string(b64(raw.suffix(32))), "kid": "svc-1"])
        try await control("POST", "/_fake/config", .object(["clients": .array([.object([
            "clientId": "0oaservice", "jwks": .object(["keys": .array([jwk])]), "scopes": .strings(["okta.apps.read", "okta.apps.manage"]),
            "dpop": true, "resourceNonce": .bool(resourceNonce),
        ])])]))
        try workspace.write("okta.pem", key.pemRepresentation)
        try workspace.write("idcsync.yaml", config(extraOkta: "  auth: {mode: privateKey, clientId: 0oaservice, privateKeyFile: okta.pem, keyId: svc-1}"))
        return key
    }

    static let tenant = "4455422d-7e3f-4b1a-9c2d-5e6f7a8b9c0d"
    static let defaultACS = "https://ap-northeast-1.signin.aws.amazon.com/platform/saml/acs/\(tenant)"

    static func acs(_ region: String, _ variant: String = "ipv4") -> String {
        switch variant {
        case "dualstack": "https://\(region).sso.signin.aws/platform/saml/acs/\(tenant)"
        case "alternate": "https://\(region).signin.aws.amazon.com/platform/saml/acs/\(tenant)"
        default: "https://\(region).signin.aws/platform/saml/acs/\(tenant)"
        }
    }

    /// The config of a Tokyo instance replicated to the given Regions, federated from this org.
    func config(regions: [String] = ["ap-northeast-1", "ap-northeast-3"], appId: String? = "0oaidc1", extraOkta: String = "") -> String {
        """
        instance:
          primaryRegion: ap-northeast-1
          regions: [\(regions.joined(separator: ", "))]
        okta:
          orgUrl: \(url)
        \(appId.map { "  appId: \($0)" } ?? "")
        \(extraOkta)
        """
    }

    /// Every stored app, as stored (control API: never logged).
    func apps() async throws -> [JSONValue] { try await control("GET", "/_fake/apps").arrayValue ?? [] }

    /// The group ids assigned to an app, in assignment order (control API).
    func groups(_ appId: String) async throws -> [String] {
        try await control("GET", "/_fake/apps/\(appId)/groups").arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    /// Replaces an app's group assignments with these group ids, in this order (control API).
    func seedGroups(_ appId: String, _ ids: [String]) async throws {
        try await control("POST", "/_fake/apps/\(appId)/groups", .array(ids.map(JSONValue.string)))
    }
}

extension JSONValue {
    /// `settings.app[key]` of an app document.
    func slot(_ key: String) -> String? { value(at: ["settings", "app", key])?.stringValue }
}
