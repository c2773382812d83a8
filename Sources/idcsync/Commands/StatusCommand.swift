import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "During an outage, with no credentials: which Region's portal and sign-in answer now, and the one URL to give people.",
        discussion: """
        Probes at once, each within --timeout: every Region's access-portal URLs and sign-in (ACS) hosts (DNS, TCP, TLS with the certificate checked for the host, then an HTTP HEAD, GET when HEAD gets 405 or 501; redirects are not followed), and instance.startUrl, whose one redirect must land on a Regional portal of this instance in one of its Regions. Needs no AWS or Okta credentials: it reads instance.arn, instance.primaryRegion and instance.regions from the config (keep them there for the day AWS does not answer); what the config leaves out is read from AWS only when credentials happen to be there (--offline: never).

        A Region is up when its best portal URL and every sign-in host answer (any HTTP status below 500), degraded when one answers 5xx or slower than --slow, down on a DNS, connection, TLS failure or no answer in time. The URL to give people: the start URL when it lands on a Region that is up, else the portal of the first Region that is up, primary first, then the order of instance.regions.

        Exit codes: 0 the primary Region is up; 2 only additional Regions are up (fail over: the URL is printed); 1 no Region is up; 64 configuration error. With the config complete, it ends within --timeout plus one second.

        AWS_CA_BUNDLE, if set, is the PEM file of certificate authorities to trust instead of the system's (as for the AWS CLI). HTTP proxies are not used: the probes go straight to AWS.

        Examples:
          idcsync status
          idcsync status --timeout 3
          idcsync status --output json | jq -r .recommendedUrl
          idcsync status --target acme-prod --offline
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var discovery: DiscoveryOptions
    @OptionGroup var awsOptions: AWSOptions

    @Option(name: .long, help: ArgumentHelp("Seconds each probe may take (0.1 to 60).", valueName: "seconds"))
    var timeout = SecondsArgument(argument: "5")

    @Option(name: .long, help: ArgumentHelp("An answer slower than this many seconds makes its Region degraded (at most --timeout). Default: 2, or half of --timeout when that is less.", valueName: "seconds"))
    var slow: SecondsArgument?

    /// `--slow`, else 2 s or half the timeout, whichever is less.
    var slowAfter: Duration { slow?.duration ?? min(.seconds(2), timeout.duration / 2) }

    func validate() throws {
        try global.requireOutput([.text, .json], command: "status")
        let limit = try timeout.check("--timeout")
        if let slow, try slow.check("--slow") > limit {
            throw ValidationError("--slow \(slow.text) is longer than --timeout \(timeout.text); a slow answer must come before the timeout")
        }
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, configured) = try console.loadTarget(targetOptions.target)
            let completed = try await console.complete(configured, config: config, command: "idcsync status", offline: discovery.offline) {
                DiscoveryNeeds.status($0)
            }
            let prober = try NetworkStatusProber(environment: console.environment, userAgent: "idcsync/\(IDCSyncVersion.source) status")
            let report = try await StatusRun.run(target: completed.target, configFile: config.source, prober: prober,
                                                 options: StatusOptions(timeout: timeout.duration, slowAfter: slowAfter),
                                                 context: console.engineContext)
            console.report(report.diagnostics)
            if global.output == .json {
                console.writeJSON(StatusRenderer.json(report, exitCode: ExitCodes.code(report.outcome)))
            } else {
                console.write(StatusRenderer.text(report, style: console.out))
            }
            return report.outcome
        }
    }
}

/// A number of seconds, with an optional "s" (`5`, `2.5`, `3s`), from 0.1 to 60 (`status --timeout`).
struct SecondsArgument: ExpressibleByArgument, Sendable {
    let text: String
    let value: Double?

    init(argument: String) {
        text = argument
        let number = argument.hasSuffix("s") ? String(argument.dropLast()) : argument
        value = Double(number).flatMap { $0.isFinite ? $0 : nil }
    }

    var defaultValueDescription: String { text }

    func check(_ option: String) throws -> Duration {
        guard let value else {
            throw ValidationError("\(option) \"\(text)\" is not a number of seconds; e.g. \(option) 5 or \(option) 2.5")
        }
        guard value >= 0.1, value <= 60 else {
            throw ValidationError("\(option) \(text) is out of range; give 0.1 to 60 seconds")
        }
        return duration
    }

    var duration: Duration { .milliseconds(Int(((value ?? 0) * 1000).rounded())) }
}
