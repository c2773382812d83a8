import Foundation
import HTTPKit
import IDCSyncCore

/// An in-memory Okta org holding apps as raw JSON, answering what the engine asks of it: GET and
/// PUT `/api/v1/apps/{id}` (a full replace that bumps `lastUpdated`, as Okta does), GET
/// `/api/v1/apps?filter=name eq "..."`, and GET `/api/v1/apps/{id}/credentials/keys`. Every
/// request needs `Authorization: SSWS <token>`. A PUT can be given a fault (`putFaults`, one per
/// PUT, in order) to lose its answer after or before it lands.
final class FakeOkta: @unchecked Sendable {
    static let token = "00fake-engine-SSWS-token-7d3f9a"
    static let tenant = "4455422d-7e3f-4b1a-9c2d-5e6f7a8b9c0d"
    static let defaultACS = "https://ap-northeast-1.signin.aws.amazon.com/platform/saml/acs/\(tenant)"
    static let issuer = "https://ap-northeast-1.signin.aws.amazon.com/platform/saml/\(FakeAWS.identityStoreId)"

    static func acs(_ region: String, _ variant: String = "ipv4") -> String {
        switch variant {
        case "dualstack": "https://\(region).sso.signin.aws/platform/saml/acs/\(tenant)"
        case "alternate": "https://\(region).signin.aws.amazon.com/platform/saml/acs/\(tenant)"
        default: "https://\(region).signin.aws/platform/saml/acs/\(tenant)"
        }
    }

    /// What happens to one PUT.
    enum PutFault {
        /// Okta stores the app, then the connection drops before the answer arrives.
        case answerLostAfterWrite
        /// The connection drops before Okta sees the request: nothing is stored.
        case lostBeforeWrite
        /// The request never lands, and meanwhile someone else edits the app (its label).
        case lostWhileSomeoneElseEdits
        /// Okta answers 400 (a validation error): a clear answer, nothing stored.
        case rejected
    }

    let orgURL: String
    let lock = NSLock()
    var apps: [String: JSONValue] = [:]
    var keys: [String: [JSONValue]] = [:]
    var log: [String] = []
    private var clock = 0
    /// The state of the routes in FakeOkta+Lifecycle.swift (group assignments, SAML metadata).
    var extras = FakeOktaExtras()
    private var faults: [PutFault] = []

    /// Each fake gets its own loopback port, so the process-wide rate-limit governors (one per org
    /// URL) of parallel tests never meet. Nothing listens there: the transport never connects.
    private static let ports = PortCounter()

    init() {
        orgURL = "http://127.0.0.1:\(Self.ports.next())"
    }

    // MARK: What tests set and read

    /// The IAM Identity Center app (`amazon_aws_sso`) with its 17 slots (`slots` by number, the rest
    /// null) and one signing key `kid-1` expiring at `certificateExpiry`.
    func addIdentityCenterApp(id: String = "0oaidc1", slots: [Int: String], name: String = "amazon_aws_sso",
                              certificateExpiry: String = "2028-11-21T10:00:00.000Z") {
        var settings: JSONObject = ["acsURL": .string(Self.defaultACS), "entityID": .string(Self.issuer)]
        for number in 1...17 { settings["acsURL\(number)"] = slots[number].map(JSONValue.string) ?? .null }
        let app: JSONValue = .object([
            "id": .string(id), "name": .string(name), "label": "AWS IAM Identity Center", "status": "ACTIVE",
            "created": "2026-01-05T09:00:00.000Z", "lastUpdated": "2026-01-05T09:00:00.000Z",
            "signOnMode": "SAML_2_0", "accessibility": .object(["selfService": false, "errorRedirectUrl": .null]),
            "visibility": .object(["autoSubmitToolbar": false, "hide": .object(["iOS": false, "web": false])]),
            "credentials": .object(["userNameTemplate": .object(["template": "${source.login}", "type": "BUILT_IN"]), "signing": .object(["kid": "kid-1"])]),
            "settings": .object(["app": .object(settings), "notifications": .object(["vpn": .object(["network": .object(["connection": "DISABLED"])])]),
                                 "manualProvisioning": false, "notes": .object(["admin": .null, "enduser": .null])]),
            "_links": .object(["self": .object(["href": .string("\(orgURL)/api/v1/apps/\(id)")])]),
        ])
        lock.withLock {
            apps[id] = app
            keys[id] = [.object(["created": "2026-01-05T09:00:00.000Z", "lastUpdated": "2026-01-05T09:00:00.000Z",
                                 "expiresAt": .string(certificateExpiry), "kid": "kid-1", "kty": "RSA", "use": "sig",
                                 "x5c": ["MIIC-fake-certificate"]])]
        }
    }

    func app(_ id: String) -> JSONValue? { lock.withLock { apps[id] } }
    func setApp(_ app: JSONValue) { lock.withLock { apps[app["id"]?.stringValue ?? ""] = app } }

    /// `settings.app[key]` of a stored app.
    func slot(_ key: String, of id: String = "0oaidc1") -> String? { app(id)?.value(at: ["settings", "app", key])?.stringValue }

    func failNextPuts(_ faults: [PutFault]) { lock.withLock { self.faults = faults } }

    /// Every request, as `METHOD path` (query included), in order.
    var requests: [String] { lock.withLock { log } }
    var puts: [String] { requests.filter { $0.hasPrefix("PUT ") } }

    // MARK: Serving

    func handle(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        lock.withLock {
            let path = String(request.url.dropFirst(orgURL.count))
            log.append("\(request.method) \(path)")
            guard request.header("Authorization") == "SSWS \(Self.token)" else {
                return .success(error(401, "E0000011", "Invalid token provided"))
            }
            let plain = path.prefix { $0 != "?" }
            let segments = plain.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
            switch (request.method, segments.count) {
            case ("GET", 3) where plain == "/api/v1/apps":
                return .success(list(query: path.drop { $0 != "?" }.dropFirst()))
            case ("GET", 4):
                guard let app = apps[segments[3]] else { return .success(notFound(segments[3])) }
                return .success(ok(app))
            case ("PUT", 4):
                return put(id: segments[3], body: request.body ?? [])
            case ("GET", 6) where segments[4] == "credentials" && segments[5] == "keys":
                guard apps[segments[3]] != nil else { return .success(notFound(segments[3])) }
                return .success(ok(.array(keys[segments[3]] ?? [])))
            default:
                return extendedRoute(request, segments: segments)
                    ?? .success(error(404, "E0000022", "The endpoint does not support the provided HTTP method"))
            }
        }
    }

    /// `filter=name eq "amazon_aws_sso"` is the only filter the engine sends.
    private func list(query: Substring) -> HTTPResponse {
        let fields = FakeAWS.form(String(query))
        let filter = fields["filter"] ?? ""
        guard let match = filter.wholeMatch(of: /name eq "([^"]*)"/) else {
            return error(400, "E0000001", "Api validation failed: filter")
        }
        let found = apps.keys.sorted().compactMap { apps[$0] }.filter { $0["name"]?.stringValue == String(match.1) }
        return ok(.array(found))
    }

    private func put(id: String, body: [UInt8]) -> Result<HTTPResponse, TransportError> {
        guard let old = apps[id] else { return .success(notFound(id)) }
        guard case .object(var new)? = try? JSONParser.parse(body) else { return .success(error(400, "E0000003", "The request body was not well-formed.")) }
        let fault = faults.isEmpty ? nil : faults.removeFirst()
        switch fault {
        case .lostBeforeWrite?:
            return .failure(.connectionReset("connection reset by peer"))
        case .rejected?:
            return .success(error(400, "E0000001", "Api validation failed: settings.app"))
        case .lostWhileSomeoneElseEdits?:
            var edited = old
            edited.set("AWS IAM Identity Center (edited)", at: ["label"])
            edited.set(.string(nextTimestamp()), at: ["lastUpdated"])
            apps[id] = edited
            return .failure(.connectionReset("connection reset by peer"))
        case .answerLostAfterWrite?, nil:
            // id, name, status, created and _links are read-only: Okta keeps its own.
            for key in ["id", "name", "status", "created", "_links"] { new[key] = old[key] }
            new["lastUpdated"] = .string(nextTimestamp())
            apps[id] = .object(new)
            if fault != nil { return .failure(.connectionReset("connection reset by peer")) }
            return .success(ok(.object(new)))
        }
    }

    /// A `lastUpdated` later than every earlier one.
    func nextTimestamp() -> String {
        clock += 1
        return String(format: "2026-11-21T10:00:%02d.000Z", clock)
    }

    func ok(_ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "application/json"), ("X-Okta-Request-Id", "req-\(log.count)")],
                     body: Array(JSONWriter.compact(value).utf8))
    }

    func notFound(_ id: String) -> HTTPResponse {
        error(404, "E0000007", "Not found: Resource not found: \(id) (AppInstance)")
    }

    func error(_ status: Int, _ code: String, _ summary: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json"), ("X-Okta-Request-Id", "req-\(log.count)")],
                     body: Array(JSONWriter.compact(.object([
                         "errorCode": .string(code), "errorSummary": .string(summary), "errorLink": .string(code),
                         "errorId": "oaeFakeError0001", "errorCauses": [],
                     ])).utf8))
    }
}

private final class PortCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var last = 40_000

    func next() -> Int {
        lock.withLock {
            last += 1
            return last
        }
    }
}
