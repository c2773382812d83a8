@testable import AWSKit
import Foundation
import HTTPKit
import Testing

/// A real HTTP server on 127.0.0.1 (Python's `http.server`, run from a script written to a temporary
/// folder) that plays the container endpoint, IMDS and the SSO portal, each checking the headers the
/// SDKs send. The providers reach it through the real `AsyncHTTPTransport`.
final class CredLocalServer: @unchecked Sendable {
    static let script = #"""
    import http.server, json, os, signal, sys, threading

    # The test process may ignore SIGTERM (children inherit that); restore it, and also exit as soon
    # as the test closes stdin (or dies), so no server outlives its test.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def watch_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()

    CREDS = {"AccessKeyId": "ASIASERVER", "SecretAccessKey": "SECRET-server", "Token": "SECRET-server-session",
             "Expiration": "2026-11-21T16:00:00Z"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, status, body, content_type="application/json"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/container/creds":
                if self.headers.get("Authorization") != "SECRET-server-token":
                    return self.send(401, '{"message": "bad token"}')
                if self.headers.get("Accept") != "application/json":
                    return self.send(400, '{"message": "no Accept"}')
                return self.send(200, json.dumps(CREDS))
            if self.path == "/latest/meta-data/iam/security-credentials/":
                if self.headers.get("X-aws-ec2-metadata-token") != "imds-session":
                    return self.send(401, "")
                return self.send(200, "server-role", "text/plain")
            if self.path == "/latest/meta-data/iam/security-credentials/server-role":
                if self.headers.get("X-aws-ec2-metadata-token") != "imds-session":
                    return self.send(401, "")
                return self.send(200, json.dumps(dict(CREDS, Code="Success")))
            if self.path == "/federation/credentials?account_id=111122223333&role_name=Admin":
                if self.headers.get("x-amz-sso_bearer_token") != "SECRET-sso-access":
                    return self.send(401, '{"message": "Session token not found or invalid"}')
                return self.send(200, json.dumps({"roleCredentials": {"accessKeyId": "ASIASSOSERVER", "secretAccessKey": "SECRET-s",
                                                                      "sessionToken": "SECRET-t", "expiration": 1795258800000}}))
            self.send(404, "")

        def do_PUT(self):
            if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds") == "21600":
                return self.send(200, "imds-session", "text/plain")
            self.send(400, "")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#

    let process = Process()
    let input = Pipe()
    let port: Int
    let home = CredHome()

    init() throws {
        let scriptPath = home.write("server.py", Self.script)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptPath]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty, byte != Data("\n".utf8) else { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CredServerError(message: "the local server did not start")
        }
        self.port = port
    }

    var base: String { "http://127.0.0.1:\(port)" }

    deinit {
        // SIGKILL: the test runner's threads block SIGTERM, and a child inherits that mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

struct CredServerError: Error { var message: String }

let credPythonAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/python3")
    || ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") } == true

@Suite("Credentials against a local HTTP server", .enabled(if: credPythonAvailable, "needs python3 for the local server"))
struct CredentialServerTests {
    @Test func containerCredentialsWithTheTokenFile() async throws {
        let server = try CredLocalServer()
        let tokenFile = server.home.write("token", "SECRET-server-token")
        let environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.base + "/container/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
                           "AWS_EC2_METADATA_DISABLED": "true"]
        let chain = CredentialChain(environment: environment, profile: nil, home: server.home.path, transport: AsyncHTTPTransport(), time: SystemTime())
        let credentials = try await chain.resolve()
        #expect(credentials.accessKeyId == "ASIASERVER")
        #expect(credentials.secretAccessKey == Secret("SECRET-server"))
        #expect(credentials.sessionToken == Secret("SECRET-server-session"))
        #expect(credentials.expiration == 1_795_276_800)  // 2026-11-21T16:00:00Z
        #expect(credentials.source == "container credentials (\(server.base)/container/creds)")

        // A wrong token is an error naming the source and the server's answer.
        let wrong = CredentialChain(environment: environment.merging(["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "SECRET-wrong"]) { $1 },
                                    profile: nil, home: server.home.path, transport: AsyncHTTPTransport(), time: SystemTime())
        let error = await credError { try await wrong.resolve() }
        #expect(credentialsReason(error)?.reason == "\(server.base)/container/creds answered status 401: {\"message\": \"bad token\"}")
        expectNoSecret(error)
    }

    @Test func imdsv2TokenFlow() async throws {
        let server = try CredLocalServer()
        let provider = InstanceMetadataCredentialProvider(
            context: ProfileContext(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.base], profile: nil, home: server.home.path),
            transport: AsyncHTTPTransport())
        let credentials = try #require(try await provider.credentials())
        #expect(credentials.accessKeyId == "ASIASERVER")
        #expect(credentials.source == "IMDSv2 (instance role server-role)")
    }

    @Test func ssoPortalThroughTheEndpointOverride() async throws {
        let server = try CredLocalServer()
        server.home.config("[profile admin]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = Admin\n")
        server.home.write(".aws/sso/cache/7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json", #"{"accessToken":"SECRET-sso-access","expiresAt":"2099-01-01T00:00:00Z"}"#)
        let chain = CredentialChain(environment: ["AWS_PROFILE": "admin", "AWS_ENDPOINT_URL_SSO": server.base], profile: nil, home: server.home.path,
                                    transport: AsyncHTTPTransport(), time: SystemTime())
        let credentials = try await chain.resolve()
        #expect(credentials.accessKeyId == "ASIASSOSERVER")
        #expect(credentials.expiration == Optional(1_795_258_800.0))
    }

    @Test func anUnreachableMetadataServiceIsNotAnError() async throws {
        // A port nobody listens on: the token request is refused, and the chain moves on. Off EC2
        // an unanswered request costs at most the 1 s timeout, one attempt (botocore's defaults).
        let home = CredHome()
        let provider = InstanceMetadataCredentialProvider(
            context: ProfileContext(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9"], profile: nil, home: home.path),
            transport: AsyncHTTPTransport())
        #expect(provider.timeout == .seconds(1))
        #expect(try await provider.credentials() == nil)
    }
}
