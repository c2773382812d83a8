import Crypto
import Foundation
import IDCSyncCore
import Testing

/// No secret printed, whatever its source (issue 11 item 5), and no control character from a config
/// or a server written raw (item 8): through the binary, against the Okta fake.
@Suite("secrets and control characters (binary, against the Okta fake)")
struct SecretRedactionTests {
    let environment = ["OKTA_API_TOKEN": OktaFake.token]

    private func setUp(extraOkta: String = "") async throws -> (OktaFake, Workspace) {
        let fake = try OktaFake()
        try await fake.seed()
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config(extraOkta: extraOkta))
        return (fake, workspace)
    }

    /// `okta plan` four ways: text and JSON output, trace logs in text and JSON.
    private func planFourWays(_ workspace: Workspace, environment: [String: String], arguments: [String] = []) throws -> [RunResult] {
        let base = ["okta", "plan"] + arguments
        return try [
            workspace.run(base, environment: environment),
            workspace.run(base + ["--log-level", "trace"], environment: environment),
            workspace.run(base + ["--log-level", "trace", "--log-format", "json"], environment: environment),
            workspace.run(base + ["--output", "json", "--log-level", "trace", "--log-format", "json"], environment: environment),
        ]
    }

    /// The secret is nowhere: not on stdout or stderr of any run, nor in any file below the
    /// workspace except those the test wrote itself.
    private func expectNowhere(_ secrets: [String], _ results: [RunResult], _ workspace: Workspace, except written: Set<String> = [],
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        var everything = results.map { $0.stdout + "\n" + $0.stderr }.joined(separator: "\n")
        let enumerator = FileManager.default.enumerator(at: workspace.url, includingPropertiesForKeys: nil)
        while let file = enumerator?.nextObject() as? URL {
            guard !written.contains(file.lastPathComponent), let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            everything += text
        }
        for secret in secrets {
            #expect(secret.count >= 8, sourceLocation: sourceLocation)
            #expect(!everything.contains(secret), "a secret was printed or written", sourceLocation: sourceLocation)
        }
    }

    private func respond(_ method: String, pathPrefix: String, status: Int, body: String, contentType: String = "application/json",
                         headers: JSONObject = [:], times: Int = 50) -> JSONValue {
        .object(["method": .string(method), "pathPrefix": .string(pathPrefix), "times": .int(times), "action": "respond",
                 "status": .int(status), "body": .string(body), "contentType": .string(contentType), "headers": .object(headers)])
    }

    private func expectNoWrite(_ fake: OktaFake, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await fake.requestLines().allSatisfy { $0.hasPrefix("GET ") || $0.hasPrefix("POST /oauth2/") }, sourceLocation: sourceLocation)
    }

    // MARK: Server text

    @Test func anErrorBodyEchoingTheTokenIsRedactedEverywhere() async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([respond("GET", pathPrefix: "/api/v1/apps", status: 401, body: """
            {"errorCode":"E0000011","errorSummary":"Invalid token provided: {authorization}","errorLink":"E0000011","errorId":"x",
             "errorCauses":[{"errorSummary":"token {authorization} is revoked"}]}
            """)])
        let results = try planFourWays(workspace, environment: environment)
        for result in results { #expect(result.status == 1, "\(result.stderr)") }
        #expect(results[0].stderr.contains("Okta answered 401 E0000011: Invalid token provided: SSWS <redacted> (token SSWS <redacted> is revoked); check the API token"),
                "\(results[0].stderr)")
        let document = try JSONParser.parse(results[3].stdout)
        #expect(document["error"]?["exitCode"] == .int(1))
        #expect(document["error"]?["message"]?.stringValue?.contains("Invalid token provided: SSWS <redacted>") == true)
        try expectNowhere([OktaFake.token], results, workspace)
        try await expectNoWrite(fake)
    }

    @Test func anHTMLPageOrChallengeEchoingTheTokenIsRedacted() async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([respond("GET", pathPrefix: "/api/v1/apps", status: 403, body: """
            <html><head><title>403</title></head><body><p>Invalid token provided: {authorization}</p></body></html>
            """, contentType: "text/html", times: 4)])
        let html = try planFourWays(workspace, environment: environment)
        for result in html { #expect(result.status == 1, "\(result.stderr)") }
        #expect(html[0].stderr.contains("Okta answered 403: <html>"), "\(html[0].stderr)")
        #expect(html[0].stderr.contains("Invalid token provided: SSWS <redacted>"))

        try await fake.faults([respond("GET", pathPrefix: "/api/v1/apps", status: 401, body: "",
                                       headers: ["WWW-Authenticate": "SSWS realm=\"okta\", error=\"invalid_token\", token=\"{authorization}\""], times: 4)])
        let challenge = try planFourWays(workspace, environment: environment)
        for result in challenge { #expect(result.status == 1, "\(result.stderr)") }
        #expect(challenge[0].stderr.contains("Okta refused the request with 401: SSWS realm=\"okta\", error=\"invalid_token\", token=\"SSWS <redacted>\""),
                "\(challenge[0].stderr)")
        try expectNowhere([OktaFake.token], html + challenge, workspace)
        try await expectNoWrite(fake)
    }

    @Test func controlCharactersFromTheServerAreEscapedAndCannotForgeALine() async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([respond("GET", pathPrefix: "/api/v1/apps", status: 400, body: #"""
            {"errorCode":"E0000001","errorSummary":"Api validation failed\nidcsync: in sync\r\u001b[2K\u001b]0;owned\u0007","errorCauses":[]}
            """#)])
        let results = try planFourWays(workspace, environment: environment)
        for result in results {
            #expect(result.status == 1)
            #expect(!(result.stdout + result.stderr).split(separator: "\n").contains { $0.hasPrefix("idcsync: in sync") }, "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("\u{1B}]0;"))
            #expect(!(result.stdout + result.stderr).contains("\r"))
        }
        #expect(results[0].stderr.contains(#"Okta answered 400 E0000001: Api validation failed\nidcsync: in sync\r\x1b[2K\x1b]0;owned\x07"#), "\(results[0].stderr)")
        try await expectNoWrite(fake)
    }

    @Test func controlCharactersInTheAppItselfAreEscapedInThePlan() async throws {
        let fake = try OktaFake()
        try await fake.seed(slots: [1: "https://partner.example.com/acs\nidcsync: in sync"], extra: ["label": "AWS\nidcsync: in sync\u{1B}]0;owned\u{7}\u{1B}[2J"])
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config())
        let plan = try workspace.runFailing(["okta", "plan"], environment: environment)
        #expect(plan.status == 2, "\(plan.stderr)")
        let everything = plan.stdout + plan.stderr
        #expect(!everything.split(separator: "\n").contains { $0.hasPrefix("idcsync: in sync") }, "\(everything)")
        #expect(!everything.contains("\u{1B}"))
        #expect(plan.stdout.contains(#"Okta app 0oaidc1 "AWS\nidcsync: in sync\x1b]0;owned\x07\x1b[2J""#), "\(plan.stdout)")
        #expect(plan.stdout.contains(#"https://partner.example.com/acs\nidcsync: in sync"#))
        #expect(plan.stderr.contains(#"slot 1 (acsURL1) holds https://partner.example.com/acs\nidcsync: in sync, which is not an ACS URL of this instance"#), "\(plan.stderr)")
        try await expectNoWrite(fake)
    }

    @Test func theServiceAppsAssertionProofAndAccessTokenAreRedactedWhenEchoed() async throws {
        let fake = try OktaFake()
        try await fake.seed()
        let workspace = try Workspace()
        let key = try await fake.setUpServiceApp(in: workspace, resourceNonce: false)

        // The token endpoint echoes the client assertion and the DPoP proof.
        try await fake.faults([respond("POST", pathPrefix: "/oauth2/v1/token", status: 400,
                                       body: #"{"error":"invalid_client","error_description":"assertion {clientAssertion} with proof {dpop} rejected"}"#, times: 1)])
        let token = try workspace.run(["okta", "plan", "--log-level", "trace"], environment: [:])
        #expect(token.status == 1)
        #expect(token.stderr.contains("Okta's token endpoint answered 400 invalid_client: assertion <redacted> with proof <redacted> rejected"), "\(token.stderr)")
        let tokenRequest = try #require(try await fake.requests().first)
        let assertion = try #require(tokenRequest["body"]?["client_assertion"]?.stringValue)
        let proof = try #require(tokenRequest["headers"]?["dpop"]?.stringValue)

        // The API echoes the access token and the resource proof.
        try await fake.clearRequests()
        try await fake.faults([respond("GET", pathPrefix: "/api/v1/apps", status: 403,
                                       body: #"{"errorCode":"E0000006","errorSummary":"Denied for {authorization} / {dpop}","errorCauses":[]}"#)])
        let results = try planFourWays(workspace, environment: [:])
        for result in results { #expect(result.status == 1, "\(result.stderr)") }
        #expect(results[0].stderr.contains("Okta answered 403 E0000006: Denied for DPoP <redacted> / <redacted>"), "\(results[0].stderr)")
        let apiRequest = try #require(try await fake.requests().first { $0["path"]?.stringValue?.hasPrefix("/api/") == true })
        let accessToken = String(try #require(apiRequest["headers"]?["authorization"]?.stringValue?.dropFirst("DPoP ".count)))
        let resourceProof = try #require(apiRequest["headers"]?["dpop"]?.stringValue)
        let pemLines = key.pemRepresentation.split(separator: "\n").dropFirst().dropLast().map(String.init).filter { $0.count >= 8 }
        try expectNowhere([assertion, proof, accessToken, resourceProof] + pemLines, [token] + results, workspace, except: ["okta.pem"])
        try await expectNoWrite(fake)
    }

    // MARK: Tokens refused

    @Test func aTokenWithALineBreakIsRefusedNamingTheVariable() async throws {
        let (fake, workspace) = try await setUp()
        for name in ["OKTA_API_TOKEN", "OKTA_CLIENT_TOKEN"] {
            let token = OktaFake.token + "\nX-Evil: 1"
            let results = try planFourWays(workspace, environment: [name: token])
            for result in results {
                #expect(result.status == 64)
                #expect(result.stderr.contains("\(name) contains a line break, which a token never has and an HTTP header cannot carry (the value is not shown); set \(name) to the token alone, on one line"),
                        "\(result.stderr)")
                #expect(!result.stderr.contains("X-Evil"))
            }
            try expectNowhere([OktaFake.token], results, workspace)
        }
        let bell = try workspace.runFailing(["okta", "plan"], environment: ["OKTA_API_TOKEN": "00abc\u{7}defghijk"])
        #expect(bell.status == 64)
        #expect(bell.stderr.contains("OKTA_API_TOKEN contains the control character U+0007"))
        // A final line break, as $(cat file) or a pasted line leaves, is fine.
        #expect(try workspace.run(["okta", "plan"], environment: ["OKTA_API_TOKEN": OktaFake.token + "\n"]).status == 2)
        #expect(try await fake.requestLines() == ["GET /api/v1/apps/0oaidc1"], "only the accepted token reached the fake")
    }

    @Test func theTokenFileHoldsOneLineOfAtMost8KiB() async throws {
        let (fake, workspace) = try await setUp(extraOkta: "  auth: {mode: ssws, tokenFile: okta-token}")
        let path = "okta-token"  // as the config names it, relative to the config's folder
        let cases: [(String, String)] = [
            ("# production org\n\(OktaFake.token)\n", "has 2 lines; it must hold only the token, on one line (no comment lines; the contents are not shown)"),
            ("\(OktaFake.token)\nX-Evil: 1\n", "has 2 lines"),
            ("\(OktaFake.token)\r\nX-Evil: 1", "has 2 lines"),
            ("\(OktaFake.token)\u{1B}[2J\n", "contains the control character U+001B, which a token never has (the contents are not shown)"),
            ("\(OktaFake.token)\t\(OktaFake.token)", "contains a tab"),
            (OktaFake.token + String(repeating: " ", count: 8 * 1024), "is larger than 8 KiB; it must hold only the token, on one line"),
            ("\n", "is empty; put the token in it, on one line"),
        ]
        var results: [RunResult] = []
        for (contents, message) in cases {
            try workspace.write("okta-token", contents)
            for result in try planFourWays(workspace, environment: [:]) {
                #expect(result.status == 64)
                #expect(result.stderr.contains("the Okta API token file \(path) (okta.auth.tokenFile) \(message)"), "\(result.stderr)")
                results.append(result)
            }
        }
        try expectNowhere([OktaFake.token, "production org"], results, workspace, except: ["okta-token"])
        #expect(try await fake.requestLines().isEmpty)
        // One line with its line break (LF or CRLF) is the expected form.
        for contents in ["\(OktaFake.token)\n", "\(OktaFake.token)\r\n", "  \(OktaFake.token)  "] {
            try workspace.write("okta-token", contents)
            #expect(try workspace.run(["okta", "plan"]).status == 2)
        }
    }

    @Test func awsCredentialsWithControlCharactersAreRefusedNamingTheSource() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance: {primaryRegion: ap-northeast-1}\n")
        // Nothing listens there: a request would fail with exit 1, not the refusal's 64.
        let base = ["AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_REGION": "ap-northeast-1", "AWS_EC2_METADATA_DISABLED": "true"]
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
        let sessionToken = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"
        var results: [RunResult] = []
        for (variable, value) in [("AWS_SESSION_TOKEN", sessionToken + "\nX-Evil: 1"), ("AWS_SECRET_ACCESS_KEY", secret + "\r"),
                                  ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE\n"), ("AWS_SECURITY_TOKEN", sessionToken + "\u{1}")] {
            var environment = base.merging(["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": secret]) { $1 }
            environment[variable] = value
            let result = try workspace.runFailing(["regions", "list", "--log-level", "trace"], environment: environment)
            #expect(result.status == 64)
            #expect(result.stderr.contains("AWS credentials from environment do not work: \(variable) contains "), "\(result.stderr)")
            #expect(result.stderr.contains("(the value is not shown)"))
            results.append(result)
        }
        // credential_process output is checked too.
        try workspace.write("creds.sh", """
            printf '%s' '{"Version": 1, "AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": "\(secret)", "SessionToken": "\(sessionToken)\\nX-Evil: 1"}'
            """)
        try workspace.write(".aws/config", "[profile proc]\ncredential_process = /bin/sh \(workspace.url.path)/creds.sh\n")
        let process = try workspace.runFailing(["regions", "list", "--log-level", "trace"], environment: base.merging(["AWS_PROFILE": "proc"]) { $1 })
        #expect(process.status == 64)
        #expect(process.stderr.contains("do not work: the session token contains a line break"), "\(process.stderr)")
        try expectNowhere([secret, sessionToken], results + [process], workspace, except: ["creds.sh"])
    }

    // MARK: Secrets in the wrong place

    @Test func secretsInTheConfigAreRefusedWithoutBeingQuoted() async throws {
        let fake = try OktaFake()
        try await fake.seed()
        let workspace = try Workspace()
        let password = "Sup3r-S3cret-pw-4711"
        let pem = P256.Signing.PrivateKey().pemRepresentation
        let pemBody = String(pem.split(separator: "\n")[1])
        let indentedPEM = pem.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
        let cases: [(config: String, field: String, message: String)] = [
            (fake.config().replacingOccurrences(of: "http://", with: "http://admin:\(password)@"), "okta.orgUrl",
             "the Okta org URL has a user name or password before \"@\" (not shown here)"),
            (fake.config(extraOkta: "  auth: {mode: ssws, tokenFile: \(OktaFake.token)00aBcDeFgH}"), "okta.auth.tokenFile",
             "this looks like an API token itself, not the path of a file holding it"),
            (fake.config(extraOkta: "  auth:\n    mode: privateKey\n    clientId: 0oaservice\n    privateKeyFile: |\n\(indentedPEM)\n"), "okta.auth.privateKeyFile",
             "this looks like a private key itself, not the path of a file holding it"),
            (fake.config() + "\n\(OktaFake.token)00aBcDeFgH: 1\n", "", "unknown key \"<redacted>\""),
        ]
        var results: [RunResult] = []
        for (config, field, message) in cases {
            try workspace.write("idcsync.yaml", config)
            for result in try planFourWays(workspace, environment: environment) {
                #expect(result.status == 64)
                #expect(result.stderr.contains("\(field)\(field.isEmpty ? "" : ": ")\(message)"), "\(result.stderr)")
                results.append(result)
            }
        }
        try expectNowhere([password, pemBody, OktaFake.token], results, workspace, except: ["idcsync.yaml"])
        #expect(try await fake.requestLines().isEmpty)
    }

    @Test func aPEMOrEnvironmentFileGivenAsTheConfigIsRefusedWithoutQuotingIt() throws {
        let workspace = try Workspace()
        let pem = P256.Signing.PrivateKey().pemRepresentation
        try workspace.write("okta.pem", pem)
        try workspace.write(".env", "# Okta\nexport OKTA_API_TOKEN=\(OktaFake.token)\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY\n")
        var results: [RunResult] = []
        for (file, kind) in [("okta.pem", "a PEM file (a key or certificate)"), (".env", "an environment file (NAME=value lines)")] {
            for arguments in [["okta", "plan", "--config", file], ["okta", "plan", "--config", file, "--output", "json", "--log-level", "trace"],
                              ["urls", "--config", file]] {
                let result = try workspace.runFailing(arguments, environment: environment)
                #expect(result.status == 64)
                #expect(result.stderr.contains("\(file) (--config) is \(kind), not an idcsync config (YAML); its contents are not shown"), "\(result.stderr)")
                results.append(result)
            }
        }
        try expectNowhere([String(pem.split(separator: "\n")[1]), OktaFake.token, "wJalrXUtnFEMI"], results, workspace, except: ["okta.pem", ".env"])
    }

    // MARK: Messages (item 8)

    @Test func lineBreaksInTheOrgURLAreNamedNotCalledAnInvalidPort() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance: {primaryRegion: ap-northeast-1}\nokta:\n  orgUrl: \"https://example.okta.com\\r\\nidcsync: in sync\"\n  appId: 0oaidc1\n")
        let result = try workspace.runFailing(["okta", "plan"], environment: environment)
        #expect(result.status == 64)
        #expect(result.stderr.contains("okta.orgUrl: the Okta org URL contains a line break (control characters are not allowed in a URL); give the org's base URL alone on one line"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("invalid port"))
        #expect(!result.stderr.split(separator: "\n").contains { $0.hasPrefix("idcsync: in sync") })

        try workspace.write("idcsync.yaml", "instance: {primaryRegion: ap-northeast-1}\nokta:\n  appId: 0oaidc1\n")
        let fromEnvironment = try workspace.runFailing(["okta", "plan"], environment: environment.merging(["OKTA_CLIENT_ORGURL": "https://example.okta.com\n"]) { $1 })
        #expect(fromEnvironment.status == 64)
        #expect(fromEnvironment.stderr.contains("OKTA_CLIENT_ORGURL (environment): the Okta org URL contains a line break"), "\(fromEnvironment.stderr)")
    }

    @Test func controlCharactersInTheConfigAreEscapedInMessages() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance: {primaryRegion: ap-northeast-1}\n\"bad\\nidcsync: in sync\\e[2J\": 1\n")
        let result = try workspace.runFailing(["okta", "plan"], environment: environment)
        #expect(result.status == 64)
        #expect(result.stderr.contains(#"unknown key "bad\nidcsync: in sync\x1b[2J""#), "\(result.stderr)")
        #expect(!result.stderr.split(separator: "\n").contains { $0.hasPrefix("idcsync: in sync") })
        #expect(!result.stderr.contains("\u{1B}"))
    }

    @Test func aBadKeyIsBlamedOnWhereItCameFromAndAnEncryptedKeySaysSo() async throws {
        let (fake, workspace) = try await setUp(extraOkta: "  auth: {mode: privateKey, clientId: 0oaservice, privateKeyFile: okta.pem}")
        try workspace.write("okta.pem", P256.Signing.PrivateKey().pemRepresentation)
        let variable = try workspace.runFailing(["okta", "plan"], environment: ["OKTA_CLIENT_PRIVATEKEY": "not a key at all"])
        #expect(variable.status == 64)
        #expect(variable.stderr.contains("OKTA_CLIENT_PRIVATEKEY (environment): OKTA_CLIENT_PRIVATEKEY: the private key is not a PEM RSA (2048 bits or more) or P-256 EC private key"),
                "\(variable.stderr)")
        #expect(!variable.stderr.contains("okta.auth.privateKeyFile"))

        let encrypted = """
            -----BEGIN ENCRYPTED PRIVATE KEY-----
            MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhBgT4+xqLSLwICCAAw
            -----END ENCRYPTED PRIVATE KEY-----
            """
        try workspace.write("okta.pem", encrypted)
        let file = try workspace.runFailing(["okta", "plan"])
        #expect(file.status == 64)
        #expect(file.stderr.contains("okta.auth.privateKeyFile: the private key file okta.pem (okta.auth.privateKeyFile): the private key is encrypted with a passphrase, which idcsync cannot use; write an unencrypted PKCS#8 copy with `openssl pkey -in key.pem -out key-plain.pem`"),
                "\(file.stderr)")
        let fromVariable = try workspace.runFailing(["okta", "plan"], environment: ["OKTA_CLIENT_PRIVATEKEY": encrypted])
        #expect(fromVariable.stderr.contains("OKTA_CLIENT_PRIVATEKEY: the private key is encrypted with a passphrase"), "\(fromVariable.stderr)")
        try expectNowhere(["MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhBgT4"], [variable, file, fromVariable], workspace, except: ["okta.pem"])
        #expect(try await fake.requestLines().isEmpty)
    }
}
