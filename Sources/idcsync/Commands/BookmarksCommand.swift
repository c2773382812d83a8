import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct BookmarksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookmarks",
        abstract: "Write the access-portal guides: which URL to open in which Region, what fails during an outage, and AWS CLI profiles per Region.",
        discussion: """
        Per Region: the portal URLs that work there and the ones that do not (with why), when to use which, what does not work while only additional Regions are up (admin changes, SCIM), and how to sign in with the AWS CLI. With instance.startUrl set, the company start URL comes first and the Regional portals follow as fallbacks (aws-config: an idcsync sso-session on it, for AWS CLI v2 2.35.13 or later). Regions come from instance.regions when the config lists them, else from AWS (ListInstances, ListRegions), as do instance.arn and instance.identityStoreId; what is read is said on stderr, and --offline makes no AWS request and names each missing key instead.

        Files written into --out (else bookmarks.out, relative to the config file), atomically, mode 0644:
          idcsync-bookmarks.LANG.md             Markdown guide
          idcsync-bookmarks.LANG.html           one self-contained printable page
          idcsync-bookmarks.LANG.netscape.html  bookmark file for Chrome, Edge, Firefox and Safari (Import bookmarks)
          idcsync-bookmarks.aws-config.ini      [sso-session] and [profile] blocks for ~/.aws/config (ASCII, one for all languages)
          idcsync-bookmarks.LANG.json           the same facts for scripts (schemaVersion 1)
        Without an out folder, one guide is printed on stdout (then ask for one format and one language). The output is the same for the same Regions: no dates.

        Defaults come from the config's bookmarks section (formats: markdown, html, netscape, aws-config; languages: en); flags replace them.

        Examples:
          idcsync bookmarks --out docs/portal --lang en,ja
          idcsync bookmarks --format markdown --lang ja > portal.ja.md
          idcsync bookmarks --format aws-config >> ~/.aws/config
          idcsync bookmarks --format json | jq -r '.regions[].recommendedUrl'
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var discovery: DiscoveryOptions
    @OptionGroup var awsOptions: AWSOptions

    @Option(name: .long, help: ArgumentHelp("Formats, comma-separated or repeated: markdown, html, netscape, aws-config, json. Default: bookmarks.formats.", valueName: "formats"))
    var format: [String] = []

    @Option(name: .customLong("lang"), help: ArgumentHelp("Languages, comma-separated or repeated: en, ja. Default: bookmarks.languages.", valueName: "languages"))
    var lang: [String] = []

    @Option(name: .long, help: ArgumentHelp("The folder to write the guides into (created if missing). Default: bookmarks.out; without either, one guide goes to stdout.", valueName: "dir"))
    var out: String?

    func validate() throws {
        try global.requireOutput([.text, .json], command: "bookmarks")
        _ = try Self.choices(format, flag: "--format", as: BookmarksConfig.Format.self)
        _ = try Self.choices(lang, flag: "--lang", as: BookmarksConfig.Language.self)
        if let out, out.trimmingWhitespace().isEmpty { throw ValidationError("--out must not be empty; give a folder, or leave --out out to print one guide on stdout") }
    }

    /// `a,b` and repeated flags, in the order given, without duplicates.
    static func choices<T: RawRepresentable & CaseIterable>(_ values: [String], flag: String, as _: T.Type) throws -> [T] where T.RawValue == String {
        var result: [T] = []
        for piece in values.flatMap({ $0.split(separator: ",") }).map({ String($0).trimmingWhitespace() }) where !piece.isEmpty {
            guard let value = T(rawValue: piece) else {
                throw ValidationError("\(flag): unknown value \"\(piece)\"; choose from \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !result.contains(where: { $0.rawValue == value.rawValue }) { result.append(value) }
        }
        if !values.isEmpty && result.isEmpty { throw ValidationError("\(flag): give at least one value") }
        return result
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, target) = try console.loadTarget(targetOptions.target)
            let formats = format.isEmpty ? config.bookmarks.formats : try Self.choices(format, flag: "--format", as: BookmarksConfig.Format.self)
            let languages = lang.isEmpty ? config.bookmarks.languages : try Self.choices(lang, flag: "--lang", as: BookmarksConfig.Language.self)
            let outDir = out ?? BookmarkGuides.configuredOutDirectory(config)
            if outDir == nil {
                // Decided before any AWS call, so a usage mistake costs nothing.
                let names = Set(formats.flatMap { format in languages.map { BookmarkGuides.fileName(format: format, language: $0) } })
                if names.count > 1 {
                    throw IDCSyncError(.configuration, [Diagnostic(.error, code: "usage.bookmarks-stdout",
                        "\(names.count) guides were asked for (formats \(formats.map(\.rawValue).joined(separator: ", ")); languages \(languages.map(\.rawValue).joined(separator: ", "))) but there is no folder to write them to; pass --out DIR (or set bookmarks.out), or pick one guide with --format and --lang to print it on stdout")])
                }
                if global.output == .json {
                    throw IDCSyncError(.configuration, [Diagnostic(.error, code: "usage.bookmarks-stdout",
                        "--output json describes the files written to an out folder; without --out the guide itself is printed. Use --format json for the guide as JSON")])
                }
            }
            let completed = try await console.complete(target, config: config, command: "idcsync bookmarks", offline: discovery.offline) {
                DiscoveryNeeds.guides($0)
            }
            let (model, diagnostics) = try BookmarkGuides.model(target: completed.target, configFile: config.source)
            console.report(diagnostics)
            let files = BookmarkGuides.files(model, formats: formats, languages: languages)
            guard let outDir else {
                console.write(files.first?.contents ?? "")
                return .ok
            }
            let written = try GuideFiles.write(files, to: outDir)
            if global.output == .json {
                console.writeJSON(FilesRenderer.guidesDocument(
                    outDir: outDir,
                    files: zip(files, written).map { .init(path: $1, format: $0.format.rawValue, language: $0.language?.rawValue) },
                    diagnostics: config.diagnostics + completed.diagnostics + diagnostics))
            } else {
                console.write(written.map { $0 + "\n" }.joined())
                if !global.quiet {
                    console.writeError("Wrote \(written.count) guide file\(written.count == 1 ? "" : "s") for \(model.regions.count) Region\(model.regions.count == 1 ? "" : "s") to \(outDir).")
                }
            }
            return .ok
        }
    }
}
