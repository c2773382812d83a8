@testable import AWSKit
import Foundation
import HTTPKit
import IDCSyncTestSupport
import Testing

// MARK: - Helpers (prefixed `Cred` so they cannot collide with other AWSKit test files)

/// A temporary folder used as the home folder; removed when released.
final class CredHome: @unchecked Sendable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "idcsync-creds-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes a file under the home folder (or at an absolute path) and returns its full path.
    @discardableResult
    func write(_ relative: String, _ text: String, executable: Bool = false) -> String {
        let full = relative.hasPrefix("/") ? relative : path + "/" + relative
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard executable else {
            try! text.write(toFile: full, atomically: true, encoding: .utf8)
            return full
        }
        // O_CLOEXEC: a process another test forks meanwhile must not inherit this write descriptor,
        // or running the script fails with "Text file busy" (ETXTBSY).
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        precondition(fd >= 0, "cannot create \(full)")
        let bytes = Array(text.utf8)
        precondition(bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) } == bytes.count)
        close(fd)
        return full
    }

    func config(_ text: String) { write(".aws/config", text) }
    func credentials(_ text: String) { write(".aws/credentials", text) }
}

let credNow = FakeClock.start // 2026-11-21T10:00:00Z

func credChain(_ home: CredHome, _ environment: [String: String] = [:], profile: String? = nil,
               transport: ScriptedTransport = ScriptedTransport(routes: [:]), time: FakeClock = FakeClock()) -> CredentialChain {
    CredentialChain(environment: environment, profile: profile, home: home.path, transport: transport, time: time)
}

/// The error a provider or chain throws, or `nil` when it does not throw.
func credError(_ body: () async throws -> Any?, sourceLocation: SourceLocation = #_sourceLocation) async -> AWSError? {
    do {
        _ = try await body()
        return nil
    } catch let error as AWSError {
        return error
    } catch {
        Issue.record("not an AWSError: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Every secret in these tests contains "SECRET-"; no message may show one.
func expectNoSecret(_ error: AWSError?, sourceLocation: SourceLocation = #_sourceLocation) {
    // Naming the variable AWS_SECRET_ACCESS_KEY is fine; every test secret value starts with SECRET.
    let text = (error.map { "\($0)" } ?? "").replacingOccurrences(of: "AWS_SECRET_ACCESS_KEY", with: "")
    #expect(!text.contains("SECRET-"), "secret in message: \(text)", sourceLocation: sourceLocation)
}

func credentialsReason(_ error: AWSError?) -> (source: String, reason: String)? {
    guard case .credentials(let source, let reason)? = error else { return nil }
    return (source, reason)
}

func configurationText(_ error: AWSError?) -> String? {
    guard case .configuration(let text)? = error else { return nil }
    return text
}

// MARK: - Chain order and selection

@Suite("Credential chain: order, profile selection, errors")
struct CredentialChainTests {
    @Test func providersComeInBotocoreOrder() {
        let home = CredHome()
        let chain = credChain(home, ["AWS_PROFILE": "prod"])
        #expect(chain.providers.map(\.name) == [
            "environment", "assume role (profile prod)", "SSO (profile prod)", "profile prod (~/.aws/credentials)",
            "credential_process (profile prod)", "profile prod (~/.aws/config)", "container credentials", "IMDSv2",
        ])
        #expect(chain.providers[0] is EnvironmentCredentialProvider)
        #expect(chain.providers[2] is SSOCredentialProvider)
        #expect(chain.providers[3] is SharedCredentialsFileProvider)
        #expect(chain.providers[4] is ProcessCredentialProvider)
        #expect(chain.providers[5] is ConfigFileCredentialProvider)
        #expect(chain.providers[6] is ContainerCredentialProvider)
        #expect(chain.providers[7] is InstanceMetadataCredentialProvider)
    }

    @Test func environmentBeatsEveryProfileSource() async throws {
        let home = CredHome()
        home.credentials("[prod]\naws_access_key_id = AKIAFILE\naws_secret_access_key = SECRET-file\n")
        let credentials = try await credChain(home, ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "SECRET-env", "AWS_PROFILE": "prod"]).resolve()
        #expect(credentials.accessKeyId == "AKIAENV")
        #expect(credentials.source == "environment")
    }

    @Test func profileSourcesInOrderSSOThenCredentialsFileThenProcessThenConfigFile() async throws {
        let home = CredHome()
        let script = home.write("bin/creds.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", \"SecretAccessKey\": \"SECRET-proc\"}'\n", executable: true)
        home.write(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
                   #"{"accessToken": "TOKEN-SECRET-sso", "expiresAt": "2026-11-21T11:00:00Z"}"#)
        let ssoURL = "https://portal.sso.eu-west-1.amazonaws.com/federation/credentials?account_id=111122223333&role_name=Admin"
        let transport = ScriptedTransport(routes: ["GET \(ssoURL)": [ScriptedTransport.reply(200, #"{"roleCredentials":{"accessKeyId":"AKIASSO","secretAccessKey":"SECRET-sso","sessionToken":"SECRET-tok","expiration":1795258800000}}"#)]])
        let keys = "aws_access_key_id = AKIACONFIG\naws_secret_access_key = SECRET-config\n"
        let sso = "sso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n"
        let session = "[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n"

        // All four: SSO wins.
        home.config("[profile p]\n\(sso)credential_process = \(script)\n\(keys)\n\(session)")
        home.credentials("[p]\naws_access_key_id = AKIACREDS\naws_secret_access_key = SECRET-creds\n")
        #expect(try await credChain(home, ["AWS_PROFILE": "p"], transport: transport).resolve().accessKeyId == "AKIASSO")
        // Without SSO: the credentials file wins over credential_process and config keys.
        home.config("[profile p]\ncredential_process = \(script)\n\(keys)")
        #expect(try await credChain(home, ["AWS_PROFILE": "p"]).resolve().accessKeyId == "AKIACREDS")
        // Without the credentials file: credential_process wins over config keys.
        home.credentials("")
        #expect(try await credChain(home, ["AWS_PROFILE": "p"]).resolve().accessKeyId == "AKIAPROC")
        // Only config keys.
        home.config("[profile p]\n\(keys)")
        let last = try await credChain(home, ["AWS_PROFILE": "p"]).resolve()
        #expect(last.accessKeyId == "AKIACONFIG")
        #expect(last.source == "profile p (~/.aws/config)")
    }

    @Test func awsProfileWinsOverTheConfiguredProfile() async throws {
        let home = CredHome()
        home.credentials("[a]\naws_access_key_id = AKIAA\naws_secret_access_key = SECRET-a\n[b]\naws_access_key_id = AKIAB\naws_secret_access_key = SECRET-b\n")
        #expect(try await credChain(home, ["AWS_PROFILE": "b"], profile: "a").resolve().accessKeyId == "AKIAB")
        #expect(try await credChain(home, [:], profile: "a").resolve().accessKeyId == "AKIAA")
        #expect(try await credChain(home, ["AWS_PROFILE": ""], profile: "a").resolve().accessKeyId == "AKIAA")
    }

    @Test func anExplicitProfileThatExistsNowhereIsAnErrorNamingBothFiles() async throws {
        let home = CredHome()
        home.config("[profile dev]\nregion = eu-west-1\n")
        home.credentials("[other]\naws_access_key_id = AKIA\naws_secret_access_key = SECRET-x\n")
        let error = await credError { try await credChain(home, ["AWS_PROFILE": "prod"]).resolve() }
        let text = try #require(configurationText(error))
        #expect(text.contains("\"prod\""))
        #expect(text.contains("AWS_PROFILE"))
        #expect(text.contains("~/.aws/config"))
        #expect(text.contains("~/.aws/credentials"))
        #expect(text.contains("dev, other"))
        expectNoSecret(error)

        // From the idcsync config's aws.profile, with AWS_CONFIG_FILE naming another file.
        let elsewhere = home.write("elsewhere/aws-config", "[default]\n")
        let second = await credError { try await credChain(home, ["AWS_CONFIG_FILE": elsewhere], profile: "prod").resolve() }
        let secondText = try #require(configurationText(second))
        #expect(elsewhere.hasPrefix(home.path + "/"))
        #expect(secondText.contains("~/elsewhere/aws-config"))
        #expect(secondText.contains("aws.profile"))
    }

    @Test func theImplicitDefaultProfileMayBeMissing() async throws {
        let home = CredHome()
        let transport = ScriptedTransport(routes: [:])
        let error = await credError { try await credChain(home, [:], transport: transport).resolve() }
        guard case .noCredentials(let tried)? = error else { Issue.record("expected noCredentials, got \(String(describing: error))"); return }
        #expect(tried.first == "environment")
        #expect(tried.last == "IMDSv2")
        #expect(tried.contains("credential_process (profile default)"))
        // IMDS was tried once (the token request) and nothing else went out.
        #expect(transport.requests.map(\.method) == ["PUT"])
    }

    @Test func anAssumeRoleProfileIsRefusedClearly() async throws {
        let home = CredHome()
        home.config("[profile admin]\nrole_arn = arn:aws:iam::111122223333:role/Admin\nsource_profile = base\n[profile base]\n")
        home.credentials("[admin]\naws_access_key_id = AKIA\naws_secret_access_key = SECRET-x\n")
        let error = await credError { try await credChain(home, ["AWS_PROFILE": "admin"]).resolve() }
        let text = try #require(configurationText(error))
        #expect(text.contains("arn:aws:iam::111122223333:role/Admin"))
        #expect(text.contains("does not support assuming roles"))
        #expect(text.contains("source_profile base"))

        home.config("[profile web]\nrole_arn = arn:aws:iam::1:role/W\nweb_identity_token_file = /var/token\n")
        let web = await credError { try await credChain(home, ["AWS_PROFILE": "web"]).resolve() }
        #expect(configurationText(web)?.contains("web identity") == true)

        let irsa = await credError { try await credChain(home, ["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/R"]).resolve() }
        #expect(configurationText(irsa)?.contains("AWS_WEB_IDENTITY_TOKEN_FILE") == true)
    }

    @Test func aBrokenConfigFileIsAnErrorNamingFileAndLineButNotTheLine() async throws {
        let home = CredHome()
        home.credentials("[default]\naws_access_key_id = AKIA\naws_secret_access_key SECRET-no-equals-sign\n")
        let error = await credError { try await credChain(home).resolve() }
        let text = try #require(configurationText(error))
        #expect(text.contains("~/.aws/credentials"))
        #expect(text.contains("line 3"))
        expectNoSecret(error)
    }

    @Test func noCredentialsNamesEverySourceTried() async throws {
        let home = CredHome()
        let error = await credError { try await credChain(home, ["AWS_EC2_METADATA_DISABLED": "true"]).resolve() }
        guard case .noCredentials(let tried)? = error else { Issue.record("expected noCredentials"); return }
        #expect(tried.count == 8)
        #expect(error!.description.contains("container credentials, IMDSv2"))
    }
}

// MARK: - Environment

@Suite("Credentials: environment")
struct CredentialEnvironmentTests {
    @Test func keysTokenAndExpiration() async throws {
        let provider = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "SECRET-env", "AWS_SESSION_TOKEN": "SECRET-token",
            "AWS_CREDENTIAL_EXPIRATION": "2026-11-21T11:00:00Z",
        ])
        let credentials = try #require(try await provider.credentials())
        #expect(credentials == AWSCredentials(accessKeyId: "AKIAENV", secretAccessKey: Secret("SECRET-env"), sessionToken: Secret("SECRET-token"),
                                              expiration: credNow + 3600, source: "environment"))
        let legacy = try #require(try await EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "SECRET-env", "AWS_SECURITY_TOKEN": "SECRET-legacy",
        ]).credentials())
        #expect(legacy.sessionToken == Secret("SECRET-legacy"))
    }

    @Test func emptyVariablesAreUnset() async throws {
        #expect(try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""]).credentials() == nil)
        #expect(try await EnvironmentCredentialProvider(environment: [:]).credentials() == nil)
    }

    @Test func oneKeyWithoutTheOtherNamesTheMissingVariable() async throws {
        let noSecret = await credError { try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "AKIA"]).credentials() }
        let reason = try #require(credentialsReason(noSecret))
        #expect(reason.source == "environment")
        #expect(reason.reason.contains("AWS_SECRET_ACCESS_KEY is not"))

        let noKey = await credError { try await EnvironmentCredentialProvider(environment: ["AWS_SECRET_ACCESS_KEY": "SECRET-lonely"]).credentials() }
        #expect(credentialsReason(noKey)?.reason.contains("AWS_ACCESS_KEY_ID is not") == true)
        #expect(noKey!.description.hasPrefix("AWS credentials from environment do not work"))
        expectNoSecret(noKey)

        let badExpiry = await credError {
            try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "SECRET-1", "AWS_CREDENTIAL_EXPIRATION": "tomorrow"]).credentials()
        }
        #expect(credentialsReason(badExpiry)?.reason.contains("AWS_CREDENTIAL_EXPIRATION") == true)
    }
}

// MARK: - Control characters

@Suite("Credentials: control characters are refused, naming where the value came from")
struct CredentialControlCharacterTests {
    @Test func environmentVariables() async throws {
        for (variable, value) in [("AWS_ACCESS_KEY_ID", "AKIA\nX-Evil: 1"), ("AWS_SECRET_ACCESS_KEY", "SECRET-key\r"),
                                  ("AWS_SESSION_TOKEN", "SECRET-token\nX-Evil: 1"), ("AWS_SECURITY_TOKEN", "SECRET-token\u{7}")] {
            var environment = ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "SECRET-env"]
            environment[variable] = value
            let error = await credError { try await EnvironmentCredentialProvider(environment: environment).credentials() }
            let reason = try #require(credentialsReason(error))
            #expect(reason.source == "environment")
            #expect(reason.reason.hasPrefix("\(variable) contains "), "\(reason.reason)")
            #expect(reason.reason.contains("(the value is not shown)"))
            #expect(!reason.reason.contains("X-Evil"))
            expectNoSecret(error)
        }
    }

    @Test func profileFilesAndAnySourceThroughTheChain() async throws {
        let home = CredHome()
        home.credentials("[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = SECRET-de\u{1B}fault\n")
        let error = await credError { try await credChain(home).resolve() }
        let reason = try #require(credentialsReason(error))
        #expect(reason.reason.hasPrefix("aws_secret_access_key in "), "\(reason.reason)")
        #expect(reason.reason.contains("contains the control character U+001B"))
        expectNoSecret(error)

        let forged = AWSCredentials(accessKeyId: "ASIA", secretAccessKey: Secret("SECRET-ok"), sessionToken: Secret("SECRET-t\nX-Evil: 1"), source: "credential_process (profile tool)")
        let checked = await credError { try CredentialValue.check(forged); return nil }
        #expect(credentialsReason(checked)?.source == "credential_process (profile tool)")
        #expect(credentialsReason(checked)?.reason.hasPrefix("the session token contains a line break") == true)
        expectNoSecret(checked)
    }
}

// MARK: - Shared files

@Suite("Credentials: shared config and credentials files")
struct CredentialFileTests {
    @Test func parserFollowsConfigparser() throws {
        let text = """
        # a comment
        ; another
        [default]
        Region = eu-west-1 # not a comment
        output: json
          # indented comment
        s3 =
            max_concurrent_requests = 20
            addressing_style = path
        multi = first
            second

            third

        [profile "my profile"]
        aws_access_key_id=AKIA
        [profile  spaced]
        x = 1
        [sso-session corp]
        sso_region = us-east-1
        [notaprofile]
        y = 2
        [DEFAULT]
        fallback = yes
        """
        let sections = try SharedConfigParser.parse(text)
        #expect(sections.map(\.name) == ["default", "profile \"my profile\"", "profile  spaced", "sso-session corp", "notaprofile"])
        let defaults = sections[0].values
        #expect(defaults["region"] == "eu-west-1 # not a comment")
        #expect(defaults["output"] == "json")
        #expect(defaults["s3"] == "\nmax_concurrent_requests = 20\naddressing_style = path")
        #expect(defaults["multi"] == "first\nsecond\n\nthird")
        #expect(defaults["fallback"] == "yes")
        let map = SharedConfigParser.profileMap(sections)
        #expect(Set(map.profiles.keys) == ["default", "my profile", "spaced"])
        #expect(map.ssoSessions["corp"]?["sso_region"] == "us-east-1")
        #expect(map.profiles["my profile"]?["aws_access_key_id"] == "AKIA")
    }

    @Test func parserErrorsNameTheLine() {
        func failure(_ text: String) -> INIParseError? {
            do { _ = try SharedConfigParser.parse(text); return nil } catch { return error }
        }
        #expect(failure("key = value\n[default]\n")?.line == 1)
        #expect(failure("[default]\na = 1\n[default]\n") == INIParseError(line: 3, reason: "section [default] appears more than once"))
        #expect(failure("[default]\na = 1\nA = 2\n")?.line == 3)
        #expect(failure("[default]\njust words SECRET-x\n")?.description.contains("SECRET-") == false)
        #expect(failure("[default]\n= value\n")?.line == 2)
        #expect(failure("[default]\ns3 =\n  no-equals-here\n") != nil)
        #expect(failure("[default]\r\na = 1\r\n") == nil)
    }

    @Test func credentialsFileSectionsAreBareNames() async throws {
        let home = CredHome()
        home.credentials("""
        [default]
        aws_access_key_id = AKIADEFAULT
        aws_secret_access_key = SECRET-default
        aws_session_token = SECRET-token
        [profile prod]
        aws_access_key_id = AKIAWRONG
        aws_secret_access_key = SECRET-wrong
        """)
        let context = ProfileContext(environment: [:], profile: nil, home: home.path)
        let credentials = try #require(try await SharedCredentialsFileProvider(context: context).credentials())
        #expect(credentials.accessKeyId == "AKIADEFAULT")
        #expect(credentials.sessionToken == Secret("SECRET-token"))
        #expect(credentials.source == "profile default (~/.aws/credentials)")
        // "[profile prod]" in the credentials file is not profile prod.
        let error = await credError { try await credChain(home, ["AWS_PROFILE": "prod"]).resolve() }
        #expect(configurationText(error)?.contains("without \"profile \"") == true)
    }

    @Test func fileLocationsFollowTheEnvironment() async throws {
        let home = CredHome()
        let credentialsFile = home.write("custom/creds", "[ci]\naws_access_key_id = AKIACI\naws_secret_access_key = SECRET-ci\n")
        let configFile = home.write("custom/conf", "[profile cfg]\naws_access_key_id = AKIACFG\naws_secret_access_key = SECRET-cfg\n")
        home.config("[profile cfg]\naws_access_key_id = AKIAHOME\naws_secret_access_key = SECRET-home\n")
        let environment = ["AWS_SHARED_CREDENTIALS_FILE": credentialsFile, "AWS_CONFIG_FILE": configFile]
        let ci = try await credChain(home, environment.merging(["AWS_PROFILE": "ci"]) { $1 }).resolve()
        #expect(ci.accessKeyId == "AKIACI")
        #expect(ci.source == "profile ci (~/custom/creds)")
        let cfg = try await credChain(home, environment, profile: "cfg").resolve()
        #expect(cfg.accessKeyId == "AKIACFG")
        #expect(cfg.source == "profile cfg (~/custom/conf)")
        // `~` and $VARS expand as in botocore.
        let tilde = try await credChain(home, ["AWS_CONFIG_FILE": "~/custom/conf", "AWS_PROFILE": "cfg"]).resolve()
        #expect(tilde.accessKeyId == "AKIACFG")
        let variable = try await credChain(home, ["AWS_CONFIG_FILE": "${CONFDIR}/conf", "CONFDIR": home.path + "/custom", "AWS_PROFILE": "cfg"]).resolve()
        #expect(variable.accessKeyId == "AKIACFG")
    }

    @Test func configFileKeysInDefaultAndProfileSections() async throws {
        let home = CredHome()
        home.config("[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = SECRET-def\n[profile dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = SECRET-dev\naws_security_token = SECRET-tok\n[dev]\naws_access_key_id = AKIANOTAPROFILE\n")
        #expect(try await credChain(home).resolve().accessKeyId == "AKIADEF")
        let dev = try await credChain(home, profile: "dev").resolve()
        #expect(dev.accessKeyId == "AKIADEV")
        #expect(dev.sessionToken == Secret("SECRET-tok"))
    }

    @Test func aKeyWithoutItsSecretIsAnErrorNamingTheFile() async throws {
        let home = CredHome()
        home.credentials("[default]\naws_access_key_id = AKIAHALF\n")
        let error = await credError { try await credChain(home).resolve() }
        let reason = try #require(credentialsReason(error))
        #expect(reason.source == "profile default (~/.aws/credentials)")
        #expect(reason.reason.contains("aws_secret_access_key is missing in ~/.aws/credentials"))

        home.credentials("")
        home.config("[profile x]\naws_access_key_id = AKIAHALF\naws_secret_access_key =\n")
        let empty = await credError { try await credChain(home, profile: "x").resolve() }
        #expect(credentialsReason(empty)?.reason.contains("aws_secret_access_key is empty in ~/.aws/config") == true)
    }
}

// MARK: - credential_process

@Suite("Credentials: credential_process")
struct CredentialProcessTests {
    func provider(_ home: CredHome, _ command: String, profile: String = "tool") -> ProcessCredentialProvider {
        home.config("[profile \(profile)]\ncredential_process = \(command)\n")
        return ProcessCredentialProvider(context: ProfileContext(environment: ["AWS_PROFILE": profile], profile: nil, home: home.path), time: FakeClock())
    }

    @Test func runsTheCommandAndReadsItsJSON() async throws {
        let home = CredHome()
        let script = home.write("bin/creds", """
        #!/bin/sh
        echo "starting" >&2
        printf '%s' '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "SECRET-proc", "SessionToken": "SECRET-tok", "Expiration": "2026-11-21T11:00:00.000Z"}'
        """, executable: true)
        let credentials = try #require(try await provider(home, "\(script) --flag 'quoted arg'").credentials())
        #expect(credentials == AWSCredentials(accessKeyId: "AKIAPROC", secretAccessKey: Secret("SECRET-proc"), sessionToken: Secret("SECRET-tok"),
                                              expiration: credNow + 3600, source: "credential_process (profile tool)"))
    }

    @Test func theShellRunsTheCommandLine() async throws {
        let home = CredHome()
        let credentials = try #require(try await provider(home, #"echo '{"Version":1,"AccessKeyId":"AKIASH","SecretAccessKey":"SECRET-sh"}' | cat"#).credentials())
        #expect(credentials.accessKeyId == "AKIASH")
        #expect(credentials.sessionToken == nil && credentials.expiration == nil)
    }

    @Test func aFailingCommandNamesTheProfileStatusAndFirstStderrLine() async throws {
        let home = CredHome()
        let script = home.write("bin/fail", """
        #!/bin/sh
        echo '{"AccessKeyId": "AKIA", "SecretAccessKey": "SECRET-on-stdout"}'
        echo "token expired, run vault login" >&2
        echo "second line" >&2
        exit 3
        """, executable: true)
        let error = await credError { try await provider(home, "\(script) --password SECRET-arg").credentials() }
        let reason = try #require(credentialsReason(error))
        #expect(reason.source == "credential_process (profile tool)")
        #expect(reason.reason.contains("exited with status 3: token expired, run vault login"))
        #expect(!reason.reason.contains("second line"))
        expectNoSecret(error)
    }

    @Test func badOutputIsAnErrorThatNeverQuotesStdout() async throws {
        let home = CredHome()
        let cases: [(String, String)] = [
            ("echo 'AccessKeyId=AKIA SecretAccessKey=SECRET-plain'", "did not print JSON"),
            ("echo '[\"SECRET-array\"]'", "not an object"),
            (#"echo '{"AccessKeyId":"AKIA","SecretAccessKey":"SECRET-x"}'"#, "has no Version"),
            (#"echo '{"Version":2,"AccessKeyId":"AKIA","SecretAccessKey":"SECRET-x"}'"#, "Version 2; only Version 1"),
            (#"echo '{"Version":"1","AccessKeyId":"AKIA","SecretAccessKey":"SECRET-x"}'"#, "only Version 1"),
            (#"echo '{"Version":1,"AccessKeyId":"AKIA"}'"#, "no SecretAccessKey"),
            (#"echo '{"Version":1,"SecretAccessKey":"SECRET-x"}'"#, "no AccessKeyId"),
            (#"echo '{"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"SECRET-x","Expiration":"soon"}'"#, "not an ISO 8601 time"),
            (#"echo '{"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"SECRET-x","Expiration":"2026-11-21T09:00:00Z"}'"#, "expired at 2026-11-21T09:00:00Z"),
            ("kill -9 $$", "killed by signal 9"),
            ("exit 1", "status 1 and printed nothing on stderr"),
        ]
        for (command, expected) in cases {
            let error = await credError { try await provider(home, command).credentials() }
            let reason = credentialsReason(error)?.reason ?? "no error"
            #expect(reason.contains(expected), "\(command): \(reason)")
            expectNoSecret(error)
        }
    }

    @Test func aProfileWithoutCredentialProcessIsNotConfigured() async throws {
        let home = CredHome()
        home.config("[profile tool]\nregion = eu-west-1\n")
        let provider = ProcessCredentialProvider(context: ProfileContext(environment: [:], profile: "tool", home: home.path), time: FakeClock())
        #expect(try await provider.credentials() == nil)
    }
}

// MARK: - SSO

@Suite("Credentials: IAM Identity Center (SSO)")
struct CredentialSSOTests {
    static let sessionCache = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json" // sha1("corp")
    static let legacyCache = ".aws/sso/cache/7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json" // sha1(start URL)
    static let url = "https://portal.sso.eu-west-1.amazonaws.com/federation/credentials?account_id=111122223333&role_name=AdministratorAccess"
    static let body = #"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"SECRET-sso","sessionToken":"SECRET-session","expiration":1795258800000}}"#

    func sessionHome(token: String = #"{"startUrl":"https://d-1234567890.awsapps.com/start","region":"eu-west-1","accessToken":"TOKEN-SECRET-1","expiresAt":"2026-11-21T12:00:00Z","refreshToken":"SECRET-r"}"#) -> CredHome {
        let home = CredHome()
        home.config("""
        [profile admin]
        sso_session = corp
        sso_account_id = 111122223333
        sso_role_name = AdministratorAccess
        region = eu-central-1

        [sso-session corp]
        sso_start_url = https://d-1234567890.awsapps.com/start
        sso_region = eu-west-1
        sso_registration_scopes = sso:account:access
        """)
        home.write(Self.sessionCache, token)
        return home
    }

    func provider(_ home: CredHome, _ transport: ScriptedTransport, environment: [String: String] = [:]) -> SSOCredentialProvider {
        SSOCredentialProvider(context: ProfileContext(environment: environment.merging(["AWS_PROFILE": "admin"]) { $1 }, profile: nil, home: home.path),
                              transport: transport, time: FakeClock())
    }

    @Test func ssoSessionProfileReadsTheCachedTokenAndCallsGetRoleCredentials() async throws {
        let home = sessionHome()
        let transport = ScriptedTransport(routes: ["GET \(Self.url)": [ScriptedTransport.reply(200, Self.body)]])
        let credentials = try #require(try await provider(home, transport).credentials())
        #expect(credentials == AWSCredentials(accessKeyId: "ASIASSO", secretAccessKey: Secret("SECRET-sso"), sessionToken: Secret("SECRET-session"),
                                              expiration: credNow + 3600, source: "SSO (profile admin)"))
        let request = try #require(transport.requests.first)
        #expect(transport.requests.count == 1)
        #expect(request.method == "GET")
        #expect(request.url == Self.url)
        #expect(request.header("x-amz-sso_bearer_token") == "TOKEN-SECRET-1")
        #expect(request.headers.map(\.name) == ["x-amz-sso_bearer_token"])
    }

    @Test func legacyProfileHashesTheStartURL() async throws {
        let home = CredHome()
        home.config("[default]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = AdministratorAccess\n")
        home.write(Self.legacyCache, #"{"accessToken":"TOKEN-SECRET-2","expiresAt":"2026-11-21T12:00:00UTC","region":"eu-west-1"}"#)
        let transport = ScriptedTransport(routes: ["GET \(Self.url)": [ScriptedTransport.reply(200, Self.body)]])
        let credentials = try await credChain(home, transport: transport).resolve()
        #expect(credentials.accessKeyId == "ASIASSO")
        #expect(transport.requests.first?.header("x-amz-sso_bearer_token") == "TOKEN-SECRET-2")
    }

    @Test func aMissingOrExpiredTokenSaysToLogIn() async throws {
        let home = sessionHome()
        try FileManager.default.removeItem(atPath: home.path + "/" + Self.sessionCache)
        let transport = ScriptedTransport(routes: [:])
        let missing = await credError { try await provider(home, transport).credentials() }
        let missingReason = try #require(credentialsReason(missing))
        #expect(missingReason.source == "SSO (profile admin)")
        #expect(missingReason.reason.contains("no cached SSO token for sso-session corp"))
        #expect(missingReason.reason.contains("~/\(Self.sessionCache) does not exist"))
        #expect(missingReason.reason.contains("aws sso login --profile admin"))

        let expiredHome = sessionHome(token: #"{"accessToken":"TOKEN-SECRET-3","expiresAt":"2026-11-21T09:59:59Z"}"#)
        let expired = await credError { try await provider(expiredHome, transport).credentials() }
        #expect(credentialsReason(expired)?.reason.contains("expired at 2026-11-21T09:59:59Z; run `aws sso login --profile admin`") == true)

        let brokenHome = sessionHome(token: #"{"expiresAt":"2026-11-21T12:00:00Z"}"#)
        let broken = await credError { try await provider(brokenHome, transport).credentials() }
        #expect(credentialsReason(broken)?.reason.contains("is not valid") == true)
        #expect(transport.requests.isEmpty)
        for error in [missing, expired, broken] { expectNoSecret(error) }
    }

    @Test func portalErrorsAreExplained() async throws {
        let home = sessionHome()
        let cases: [(ScriptedTransport.Answer, String)] = [
            (ScriptedTransport.reply(401, #"{"message":"Session token not found or invalid"}"#, headers: [("x-amzn-ErrorType", "UnauthorizedException:http://internal")]),
             "rejected the cached token with status 401 (UnauthorizedException: Session token not found or invalid)"),
            (ScriptedTransport.reply(403, #"{"__type":"com.amazonaws#ForbiddenException","message":"No access"}"#), "refused role AdministratorAccess in account 111122223333 with status 403 (ForbiddenException: No access)"),
            (ScriptedTransport.reply(404, "{}"), "does not know role AdministratorAccess"),
            (ScriptedTransport.reply(200, #"{"roleCredentials":{}}"#), "has no roleCredentials"),
            (.failure(.connectFailed("refused")), "no answer from the SSO portal portal.sso.eu-west-1.amazonaws.com"),
        ]
        for (answer, expected) in cases {
            let transport = ScriptedTransport(routes: ["GET \(Self.url)": [answer]])
            let error = await credError { try await provider(home, transport).credentials() }
            let reason = credentialsReason(error)?.reason ?? "no error"
            #expect(reason.contains(expected), "\(reason)")
            expectNoSecret(error)
        }
    }

    @Test func throttlingAndServerErrorsAreRetried() async throws {
        let home = sessionHome()
        let transport = ScriptedTransport(routes: ["GET \(Self.url)": [ScriptedTransport.reply(429, "{}"), .failure(.timeout), ScriptedTransport.reply(200, Self.body)]])
        let time = FakeClock()
        let provider = SSOCredentialProvider(context: ProfileContext(environment: ["AWS_PROFILE": "admin"], profile: nil, home: home.path), transport: transport, time: time)
        #expect(try await provider.credentials()?.accessKeyId == "ASIASSO")
        #expect(transport.requests.count == 3)
        #expect(time.slept.count == 2)
    }

    @Test func aCancelledRetryWaitEndsWithCancellationAndNoFurtherRequest() async throws {
        let home = sessionHome()
        let transport = ScriptedTransport(routes: ["GET \(Self.url)": [ScriptedTransport.reply(503, "{}"), ScriptedTransport.reply(200, Self.body)]])
        let clock = FakeClock(interruptSleeps: true)
        let provider = SSOCredentialProvider(context: ProfileContext(environment: ["AWS_PROFILE": "admin"], profile: nil, home: home.path),
                                             transport: transport, time: clock)
        let error = await credError { try await provider.credentials() }
        #expect(error == .cancelled("the SSO portal call for role AdministratorAccess in account 111122223333"))
        #expect(transport.requests.count == 1)
        #expect(clock.slept.count == 1)
    }

    @Test func configurationMistakesAreNamed() async throws {
        let home = CredHome()
        home.write(Self.sessionCache, #"{"accessToken":"TOKEN-SECRET","expiresAt":"2026-11-21T12:00:00Z"}"#)
        func reason(_ config: String) async -> String {
            home.config(config)
            let error = await credError { try await provider(home, ScriptedTransport(routes: [:])).credentials() }
            return credentialsReason(error)?.reason ?? "no error: \(String(describing: error))"
        }
        #expect(await reason("[profile admin]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = R\n")
            .contains("sso_session = nope, but ~/.aws/config has no [sso-session nope] section"))
        #expect(await reason("[profile admin]\nsso_session = corp\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n[sso-session corp]\nsso_start_url = https://x/start\nsso_region = eu-west-1\n")
            .contains("sso_region is \"us-east-1\" in the profile but \"eu-west-1\" in [sso-session corp]"))
        #expect(await reason("[profile admin]\nsso_account_id = 1\n")
            .contains("lacks sso_role_name, sso_start_url, sso_region"))
        // A profile with only an sso_session (for tokens) is not an SSO credentials profile.
        home.config("[profile admin]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://x/start\nsso_region = eu-west-1\n")
        #expect(try await provider(home, ScriptedTransport(routes: [:])).credentials() == nil)
    }

    @Test func endpointsForChinaAndOverrides() async throws {
        let home = CredHome()
        home.config("[profile admin]\nsso_start_url = https://x/start\nsso_region = cn-north-1\nsso_account_id = 111122223333\nsso_role_name = Ops Role\n")
        home.write(".aws/sso/cache/" + CredentialText.sha1Hex("https://x/start") + ".json", #"{"accessToken":"TOKEN-SECRET","expiresAt":"2026-11-22T00:00:00Z"}"#)
        let china = ScriptedTransport(routes: [:])
        _ = await credError { try await provider(home, china).credentials() }
        #expect(china.requests.first?.url == "https://portal.sso.cn-north-1.amazonaws.com.cn/federation/credentials?account_id=111122223333&role_name=Ops%20Role")
        let local = ScriptedTransport(routes: [:])
        _ = await credError { try await provider(home, local, environment: ["AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:4566/"]).credentials() }
        #expect(local.requests.first?.url == "http://127.0.0.1:4566/federation/credentials?account_id=111122223333&role_name=Ops%20Role")
    }
}

// MARK: - Container

@Suite("Credentials: container endpoint")
struct CredentialContainerTests {
    static let body = #"{"AccessKeyId":"ASIACONT","SecretAccessKey":"SECRET-cont","Token":"SECRET-tok","Expiration":"2026-11-21T16:00:00Z","RoleArn":"arn:aws:iam::1:role/task"}"#

    func provider(_ environment: [String: String], _ transport: ScriptedTransport, time: FakeClock = FakeClock()) -> ContainerCredentialProvider {
        ContainerCredentialProvider(environment: environment, transport: transport, time: time)
    }

    @Test func relativeURIGoesToTheECSHostWithTheTokenFromTheEnvironment() async throws {
        let url = "http://169.254.170.2/v2/credentials/7f0e8c1a"
        let transport = ScriptedTransport(routes: ["GET \(url)": [ScriptedTransport.reply(200, Self.body)]])
        let credentials = try #require(try await provider([
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/7f0e8c1a", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic SECRET-auth",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/ignored",
        ], transport).credentials())
        #expect(credentials == AWSCredentials(accessKeyId: "ASIACONT", secretAccessKey: Secret("SECRET-cont"), sessionToken: Secret("SECRET-tok"),
                                              expiration: credNow + 6 * 3600, source: "container credentials (\(url))"))
        let request = try #require(transport.requests.first)
        #expect(request.url == url)
        #expect(request.header("Authorization") == "Basic SECRET-auth")
        #expect(request.header("Accept") == "application/json")
        #expect(request.timeout == .seconds(2))
    }

    @Test func fullURIWithTheTokenFromAFileWhichWinsOverTheVariable() async throws {
        let home = CredHome()
        let tokenFile = home.write("eks-pod-identity-token", "SECRET-file-token\n")
        let url = "http://169.254.170.23/v1/credentials"
        let transport = ScriptedTransport(routes: ["GET \(url)": [ScriptedTransport.reply(200, Self.body)]])
        let credentials = try await provider([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "SECRET-env-token",
        ], transport).credentials()
        #expect(credentials?.accessKeyId == "ASIACONT")
        #expect(transport.requests.first?.header("Authorization") == "SECRET-file-token")
    }

    @Test func onlyHTTPSLoopbackOrContainerHostsAreAllowed() async throws {
        for allowed in ["https://creds.example.com/x", "http://127.0.0.1:8080/x", "http://127.1.2.3/x", "http://[::1]:80/x", "http://localhost:51679/x",
                        "http://169.254.170.2/x", "http://[fd00:ec2::23]/x", "http://[fd00:0ec2:0:0:0:0:0:23]/x"] {
            let transport = ScriptedTransport(routes: ["GET \(allowed)": [ScriptedTransport.reply(200, Self.body)]])
            let result = await credError { try await provider(["AWS_CONTAINER_CREDENTIALS_FULL_URI": allowed], transport).credentials() }
            #expect(result == nil, "\(allowed): \(String(describing: result))")
        }
        for refused in ["http://example.com/x", "http://169.254.169.254/x", "http://10.0.0.1/x", "ftp://127.0.0.1/x", "not a url", "http://0127.0.0.1/x"] {
            let transport = ScriptedTransport(routes: [:])
            let error = await credError { try await provider(["AWS_CONTAINER_CREDENTIALS_FULL_URI": refused], transport).credentials() }
            let reason = credentialsReason(error)
            #expect(reason?.source == "container credentials", "\(refused)")
            #expect(reason?.reason.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI") == true)
            #expect(transport.requests.isEmpty)
        }
    }

    @Test func notConfiguredWithoutTheVariables() async throws {
        let transport = ScriptedTransport(routes: [:])
        #expect(try await provider(["AWS_CONTAINER_AUTHORIZATION_TOKEN": "SECRET-x"], transport).credentials() == nil)
        #expect(transport.requests.isEmpty)
    }

    @Test func failuresNameTheSourceAndWhy() async throws {
        let url = "http://127.0.0.1:1/creds"
        let environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url]

        let time = FakeClock()
        let down = ScriptedTransport(routes: ["GET \(url)": [.failure(.connectFailed("connection refused"))]])
        var atCeiling = provider(environment, down, time: time)
        atCeiling.retry.jitter = { $0 }
        let downError = await credError { try await atCeiling.credentials() }
        #expect(credentialsReason(downError)?.reason == "no answer from \(url) after 3 attempts: could not connect (connection refused)")
        #expect(down.requests.count == 3)
        #expect(time.slept == [.seconds(1), .seconds(1)])

        let busy = ScriptedTransport(routes: ["GET \(url)": [ScriptedTransport.reply(503, "busy"), ScriptedTransport.reply(200, Self.body)]])
        #expect(try await provider(environment, busy).credentials()?.accessKeyId == "ASIACONT")

        let interrupted = ScriptedTransport(routes: ["GET \(url)": [ScriptedTransport.reply(503, "busy"), ScriptedTransport.reply(200, Self.body)]])
        let clock = FakeClock(interruptSleeps: true)
        let cancelled = await credError { try await ContainerCredentialProvider(environment: environment, transport: interrupted, time: clock).credentials() }
        #expect(cancelled == .cancelled("the container credentials call to \(url)"), "a cancelled wait ends the retries with cancellation")
        #expect(interrupted.requests.count == 1)

        let denied = ScriptedTransport(routes: ["GET \(url)": [ScriptedTransport.reply(401, "invalid authorization token\nmore")]])
        let deniedError = await credError { try await provider(environment, denied).credentials() }
        #expect(credentialsReason(deniedError)?.reason == "\(url) answered status 401: invalid authorization token")
        #expect(denied.requests.count == 1)

        for (body, expected) in [("nope", "not a JSON object"), (#"{"SecretAccessKey":"SECRET-x"}"#, "no AccessKeyId"),
                                 (#"{"AccessKeyId":"A","SecretAccessKey":"SECRET-x","Expiration":"later"}"#, "not an ISO 8601 time")] {
            let transport = ScriptedTransport(routes: ["GET \(url)": [ScriptedTransport.reply(200, body)]])
            let error = await credError { try await provider(environment, transport).credentials() }
            #expect(credentialsReason(error)?.reason.contains(expected) == true, "\(body)")
            expectNoSecret(error)
        }

        let missingFile = await credError {
            try await provider(environment.merging(["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/nonexistent/token"]) { $1 }, ScriptedTransport(routes: [:])).credentials()
        }
        #expect(credentialsReason(missingFile)?.reason == "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE /nonexistent/token: it does not exist")

        let badToken = await credError {
            try await provider(environment.merging(["AWS_CONTAINER_AUTHORIZATION_TOKEN": "SECRET-x\r\nX-Evil: 1"]) { $1 }, ScriptedTransport(routes: [:])).credentials()
        }
        #expect(credentialsReason(badToken)?.reason.contains("line break") == true)
        expectNoSecret(badToken)
    }
}

// MARK: - IMDS

@Suite("Credentials: EC2 instance metadata (IMDSv2)")
struct CredentialIMDSTests {
    static let base = "http://169.254.169.254"
    static let roleBody = #"{"Code":"Success","LastUpdated":"2026-11-21T09:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"SECRET-imds","Token":"SECRET-tok","Expiration":"2026-11-21T16:00:00Z"}"#

    func routes(base: String = base, token: [ScriptedTransport.Answer] = [ScriptedTransport.reply(200, "TOKEN-SECRET-imds")],
                credentials: ScriptedTransport.Answer = ScriptedTransport.reply(200, roleBody)) -> [String: [ScriptedTransport.Answer]] {
        ["PUT \(base)/latest/api/token": token,
         "GET \(base)/latest/meta-data/iam/security-credentials/": [ScriptedTransport.reply(200, "ec2-role\n")],
         "GET \(base)/latest/meta-data/iam/security-credentials/ec2-role": [credentials]]
    }

    func provider(_ transport: ScriptedTransport, _ environment: [String: String] = [:], home: CredHome = CredHome()) -> InstanceMetadataCredentialProvider {
        InstanceMetadataCredentialProvider(context: ProfileContext(environment: environment, profile: nil, home: home.path), transport: transport)
    }

    @Test func tokenThenRoleThenCredentials() async throws {
        let transport = ScriptedTransport(routes: routes())
        let credentials = try #require(try await provider(transport).credentials())
        #expect(credentials == AWSCredentials(accessKeyId: "ASIAIMDS", secretAccessKey: Secret("SECRET-imds"), sessionToken: Secret("SECRET-tok"),
                                              expiration: credNow + 6 * 3600, source: "IMDSv2 (instance role ec2-role)"))
        let requests = transport.requests
        #expect(requests.map { "\($0.method) \($0.url)" } == [
            "PUT \(Self.base)/latest/api/token",
            "GET \(Self.base)/latest/meta-data/iam/security-credentials/",
            "GET \(Self.base)/latest/meta-data/iam/security-credentials/ec2-role",
        ])
        #expect(requests[0].header("X-aws-ec2-metadata-token-ttl-seconds") == "21600")
        #expect(requests[0].header("X-aws-ec2-metadata-token") == nil)
        #expect(requests[1].header("X-aws-ec2-metadata-token") == "TOKEN-SECRET-imds")
        #expect(requests[2].header("X-aws-ec2-metadata-token") == "TOKEN-SECRET-imds")
        #expect(requests.allSatisfy { $0.timeout == .seconds(1) })
    }

    @Test func unreachableOrDisabledIsNotConfigured() async throws {
        for failure in [TransportError.timeout, .connectFailed("no route to host")] {
            let transport = ScriptedTransport(routes: ["PUT \(Self.base)/latest/api/token": [.failure(failure)]])
            #expect(try await provider(transport).credentials() == nil)
            #expect(transport.requests.count == 1)
        }
        let disabled = ScriptedTransport(routes: routes())
        #expect(try await provider(disabled, ["AWS_EC2_METADATA_DISABLED": "TRUE"]).credentials() == nil)
        #expect(disabled.requests.isEmpty)
    }

    @Test func endpointFromTheEnvironmentOrTheProfile() async throws {
        let custom = ScriptedTransport(routes: routes(base: "http://127.0.0.1:1338"))
        #expect(try await provider(custom, ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338/"]).credentials()?.accessKeyId == "ASIAIMDS")
        let ipv6 = ScriptedTransport(routes: routes(base: "http://[fd00:ec2::254]"))
        #expect(try await provider(ipv6, ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"]).credentials()?.accessKeyId == "ASIAIMDS")
        let home = CredHome()
        home.config("[default]\nec2_metadata_service_endpoint = http://10.0.0.5\n")
        let fromProfile = ScriptedTransport(routes: routes(base: "http://10.0.0.5"))
        #expect(try await provider(fromProfile, home: home).credentials()?.accessKeyId == "ASIAIMDS")
        let bad = await credError { try await provider(ScriptedTransport(routes: [:]), ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "169.254.169.254"]).credentials() }
        #expect(configurationText(bad)?.contains("AWS_EC2_METADATA_SERVICE_ENDPOINT") == true)
    }

    @Test func aRefusedTokenFallsBackToIMDSv1UnlessDisabled() async throws {
        let transport = ScriptedTransport(routes: routes(token: [ScriptedTransport.reply(403, "")]))
        let credentials = try await provider(transport).credentials()
        #expect(credentials?.source == "IMDSv1 (instance role ec2-role)")
        #expect(transport.requests.dropFirst().allSatisfy { $0.header("X-aws-ec2-metadata-token") == nil })

        let strict = ScriptedTransport(routes: routes(token: [ScriptedTransport.reply(403, "")]))
        let error = await credError { try await provider(strict, ["AWS_EC2_METADATA_V1_DISABLED": "true"]).credentials() }
        #expect(credentialsReason(error)?.reason.contains("IMDSv1 is disabled") == true)
        #expect(strict.requests.count == 1)
    }

    @Test func noInstanceProfileIsNotConfiguredButABrokenRoleIsAnError() async throws {
        let noRole = ScriptedTransport(routes: ["PUT \(Self.base)/latest/api/token": [ScriptedTransport.reply(200, "TOKEN-SECRET")],
                                    "GET \(Self.base)/latest/meta-data/iam/security-credentials/": [ScriptedTransport.reply(404, "")]])
        #expect(try await provider(noRole).credentials() == nil)

        let broken = ScriptedTransport(routes: routes(credentials: ScriptedTransport.reply(200, #"{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role ec2-role."}"#)))
        let error = await credError { try await provider(broken).credentials() }
        let reason = try #require(credentialsReason(error))
        #expect(reason.source == "IMDSv2")
        #expect(reason.reason == "the metadata service has no credentials for the instance role ec2-role: AssumeRoleUnauthorizedAccess: EC2 cannot assume the role ec2-role.")
        expectNoSecret(error)

        let timeout = ScriptedTransport(routes: routes(credentials: .failure(.timeout)))
        #expect(credentialsReason(await credError { try await provider(timeout).credentials() })?.reason.contains("did not arrive") == true)
    }
}

// MARK: - Region

@Suite("Region resolution")
struct CredentialRegionTests {
    @Test func flagThenConfigThenEnvironmentThenProfile() {
        let home = CredHome()
        home.config("[default]\nregion = eu-north-1\n[profile prod]\nregion = ap-southeast-2\n")
        home.credentials("[ci]\nregion = ca-central-1\n")
        let environment = ["AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-east-2"]
        func region(_ flag: String?, _ config: String?, _ environment: [String: String], profile: String? = nil) -> String? {
            AWSRegionResolver.region(flag: flag, config: config, environment: environment, home: home.path, profile: profile)
        }
        #expect(region("eu-west-1", "eu-west-2", environment) == "eu-west-1")
        #expect(region(nil, "eu-west-2", environment) == "eu-west-2")
        #expect(region("", "", environment) == "us-west-2")
        #expect(region(nil, nil, ["AWS_DEFAULT_REGION": "us-east-2"]) == "us-east-2")
        #expect(region(nil, nil, [:]) == "eu-north-1")
        #expect(region(nil, nil, [:], profile: "prod") == "ap-southeast-2")
        #expect(region(nil, nil, ["AWS_PROFILE": "prod"], profile: "missing") == "ap-southeast-2")
        #expect(region(nil, nil, ["AWS_PROFILE": "ci"]) == "ca-central-1")
        #expect(region(nil, nil, ["AWS_PROFILE": "nowhere"]) == nil)
        let other = home.write("other-config", "[profile prod]\nregion = sa-east-1\n")
        #expect(region(nil, nil, ["AWS_CONFIG_FILE": other], profile: "prod") == "sa-east-1")
        let empty = CredHome()
        #expect(AWSRegionResolver.region(flag: nil, config: nil, environment: [:], home: empty.path, profile: nil) == nil)
    }
}

// MARK: - Support

@Suite("Credential support: hashes, URLs")
struct CredentialSupportTests {
    @Test func sha1Names() {
        #expect(CredentialText.sha1Hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(CredentialText.sha1Hex("corp") == "ee0bfd2552fbd840c02cc48b6e823320543c450f")
    }

    @Test func shellWordsLikeShlex() {
        #expect(SharedConfigParser.shellWords("profile \"my name\"") == ["profile", "my name"])
        #expect(SharedConfigParser.shellWords("profile 'a b' c") == ["profile", "a b", "c"])
        #expect(SharedConfigParser.shellWords(#"profile a\ b"#) == ["profile", "a b"])
        #expect(SharedConfigParser.shellWords("profile \"open") == nil)
    }

    @Test func urlHosts() {
        #expect(CredentialURL("http://user@[::1]:80/x")?.host == "::1")
        #expect(CredentialURL("http://[::1]:80/x")?.isLoopbackAddress == true)
        #expect(CredentialURL("http://127.0.0.1/x")?.isLoopbackAddress == true)
        #expect(CredentialURL("http://localhost/x")?.isLoopbackAddress == false)
        #expect(CredentialURL("HTTP://Example.COM:8080?q")?.host == "example.com")
        #expect(CredentialURL("http://:80/") == nil)
        #expect(CredentialURL("http://host:99999/") == nil)
    }
}
