import HTTPKit
import SystemKit
import IDCSyncCore

/// The profile's `credential_process`, as botocore's `ProcessProvider`: the command runs through
/// `/bin/sh -c` and prints `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?,
/// "Expiration"?}` on stdout. Failures name the profile and quote the first line of stderr; stdout
/// holds the secret and is never quoted, nor is the command line (it may carry a token).
///
/// Unlike botocore, the command is bounded: it is killed (with what it started) after 60 s
/// (`IDCSYNC_CREDENTIAL_PROCESS_TIMEOUT`, seconds, 1 to 3600) or once it prints more than 1 MiB.
public struct ProcessCredentialProvider: CredentialProvider {
    public static let timeoutVariable = "IDCSYNC_CREDENTIAL_PROCESS_TIMEOUT"

    public var name: String { "credential_process (profile \(context.profileName))" }
    let context: ProfileContext
    let time: any TimeSource

    init(context: ProfileContext, time: any TimeSource) {
        self.context = context
        self.time = time
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        let (_, profile) = try context.load()
        guard let command = profile["credential_process"] else { return nil }
        guard !command.trimmingWhitespace().isEmpty else {
            throw failure("credential_process is empty")
        }
        let program = SharedConfigParser.shellWords(command)?.first ?? "the command"
        let timeout = try timeoutSetting()
        let output: ShellCommand.Output
        switch await ShellCommand.run(command, environment: context.environment, timeout: timeout) {
        case .failure(let error):
            switch error.kind {
            case .system:
                throw failure(error.reason)
            case .timedOut(let limit):
                throw failure("\(program) did not finish within \(limit.components.seconds) s and was stopped (it and what it started were killed); "
                              + "check that it does not wait for input, or raise the limit with \(Self.timeoutVariable)=SECONDS")
            case .tooMuchOutput(let limit):
                throw failure("\(program) printed more than \(limit / 1024 / 1024) MiB on stdout and was stopped; credential_process must print one small JSON document")
            }
        case .success(let result): output = result
        }
        let stderrLine = CredentialText.firstLine(String(decoding: output.stderr, as: UTF8.self))
        switch output.termination {
        case .exited(0):
            break
        case .exited(let code):
            throw failure("\(program) exited with status \(code)" + (stderrLine.isEmpty ? " and printed nothing on stderr" : ": \(stderrLine)"))
        case .signaled(let signal):
            throw failure("\(program) was killed by signal \(signal)" + (stderrLine.isEmpty ? "" : ": \(stderrLine)"))
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(output.stdout)
        } catch {
            throw failure("\(program) did not print JSON on stdout (\(error.message))"
                          + (stderrLine.isEmpty ? "" : "; stderr: \(stderrLine)"))
        }
        guard case .object = document else { throw failure("\(program) printed JSON that is not an object") }
        guard let version = document["Version"] else {
            throw failure("the output of \(program) has no Version (expected 1)")
        }
        guard case .number(let number) = version, Double(number) == 1 else {
            throw failure("the output of \(program) has Version \(document["Version"].map(versionText) ?? "?"); only Version 1 is supported")
        }
        guard let accessKey = CredentialJSON.string(document["AccessKeyId"]), !accessKey.isEmpty else {
            throw failure("the output of \(program) has no AccessKeyId")
        }
        guard let secretKey = CredentialJSON.string(document["SecretAccessKey"]), !secretKey.isEmpty else {
            throw failure("the output of \(program) has no SecretAccessKey")
        }
        let token = CredentialJSON.string(document["SessionToken"]).flatMap { $0.isEmpty ? nil : $0 }
        var expiration: Double?
        if let value = document["Expiration"], !value.isNull {
            guard let text = CredentialJSON.string(value), let seconds = Timestamp.parseISO8601(text) else {
                throw failure("the output of \(program) has an Expiration that is not an ISO 8601 time (e.g. 2026-11-21T10:00:00Z)")
            }
            guard seconds > time.now() else {
                throw failure("\(program) returned credentials that expired at \(Timestamp.iso8601(seconds))")
            }
            expiration = seconds
        }
        return AWSCredentials(accessKeyId: accessKey, secretAccessKey: Secret(secretKey), sessionToken: token.map(Secret.init),
                              expiration: expiration, source: name)
    }

    /// `IDCSYNC_CREDENTIAL_PROCESS_TIMEOUT` in whole seconds, else 60 s.
    private func timeoutSetting() throws(AWSError) -> Duration {
        guard let text = context.environment[Self.timeoutVariable], !text.isEmpty else { return ShellCommand.defaultTimeout }
        guard let seconds = Int(text), (1...3600).contains(seconds) else {
            throw failure("\(Self.timeoutVariable) must be a whole number of seconds from 1 to 3600, not \"\(text)\"")
        }
        return .seconds(seconds)
    }

    private func failure(_ reason: String) -> AWSError {
        .credentials(source: name, reason: reason)
    }

    private func versionText(_ value: JSONValue) -> String {
        switch value {
        case .number(let text): text
        case .string(let text): "\"\(text)\""
        default: "of the wrong type"
        }
    }
}
