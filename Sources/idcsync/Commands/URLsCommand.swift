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

        Examples:
          idcsync urls
          idcsync urls --region ap-northeast-3
          idcsync urls --output markdown > docs/urls.md
          idcsync urls --output json | jq -r '.regions[].urls[].url'
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions

    @Option(name: .long, help: ArgumentHelp("Only this Region (repeatable). Default: all of the instance's Regions.", valueName: "region"))
    var region: [String] = []

    func validate() throws {
        try global.requireOutput([.text, .json, .markdown], command: "urls")
        for name in region {
            if case .failure(let error) = Region.parse(name) { throw ValidationError("--region: \(error.message)") }
        }
    }

    func run() async throws {
        try await CommandRunner.run(global) { console in
            let (config, target) = try console.loadTarget(targetOptions.target)
            let requested = region.compactMap { try? Region.parse($0).get() }
            let report = try URLLookup.run(target: target, requested: requested, configFile: config.source)
            console.report(report.diagnostics)
            switch global.output {
            case .text: console.write(URLRenderer.text(input: report.input, regions: report.regions, style: console.out))
            case .markdown: console.write(URLRenderer.markdown(input: report.input, regions: report.regions))
            case .json: console.writeJSON(URLRenderer.json(input: report.input, regions: report.regions, diagnostics: config.diagnostics + report.diagnostics))
            }
            return .ok
        }
    }
}
