import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct URLsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "urls",
        abstract: "List every ACS and access-portal URL of every Region, with whether it works there and why.",
        discussion: """
        ACS URLs are where Okta posts SAML responses; every Region's must be in the Okta app before the primary Region fails. Portal URLs are where people start. Ask with --region about a Region not yet added to see its URLs before `regions add`.

        Works from the config alone when it sets instance.primaryRegion, instance.regions, instance.arn and instance.identityStoreId. What it leaves out is read from AWS (ListInstances, ListRegions) when AWS credentials are there, and said on stderr; --offline makes no AWS request and names each missing key instead.

        Examples:
          idcsync urls
          idcsync urls --region ap-northeast-3
          idcsync urls --output markdown > docs/urls.md
          idcsync urls --output json | jq -r '.regions[].urls[].url'
          idcsync urls --offline
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var discovery: DiscoveryOptions
    @OptionGroup var awsOptions: AWSOptions

    @Option(name: .long, help: ArgumentHelp("Only this Region (repeatable). Default: all of the instance's Regions.", valueName: "region"))
    var region: [RegionArgument] = []

    func validate() throws {
        try global.requireOutput([.text, .json, .markdown], command: "urls")
        for name in region {
            if case .failure(let error) = name.parsed { throw ValidationError("--region: \(error.message)") }
        }
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, configured) = try console.loadTarget(targetOptions.target)
            let requested = region.map(\.region)
            let completed = try await console.complete(configured, config: config, command: "idcsync urls", offline: discovery.offline) {
                DiscoveryNeeds.urls($0, regionsGiven: !requested.isEmpty)
            }
            let report = try URLLookup.run(target: completed.target, requested: requested, configFile: config.source)
            console.report(report.diagnostics)
            switch global.output {
            case .text: console.write(URLRenderer.text(input: report.input, regions: report.regions, style: console.out))
            case .markdown: console.write(URLRenderer.markdown(input: report.input, regions: report.regions))
            case .json: console.writeJSON(URLRenderer.json(input: report.input, regions: report.regions, diagnostics: config.diagnostics + completed.diagnostics + report.diagnostics))
            }
            return .ok
        }
    }
}
