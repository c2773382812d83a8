import AWSKit
import IDCSyncCore
import SystemKit
import IDCSyncGuides
import Logging

/// One guide file, rendered and named, not yet written.
public struct GuideFile: Sendable, Equatable {
    public var name: String
    public var format: BookmarksConfig.Format
    /// `nil` for a file that is the same in every language (aws-config).
    public var language: BookmarksConfig.Language?
    public var contents: String
}

/// `idcsync bookmarks`: the guide model from the config and the instance's Regions, and its files.
public enum BookmarkGuides {
    /// The model for a target whose Regions are known. Needs the instance ARN (the regional portal
    /// hosts start with its id) and the primary Region.
    public static func model(target: Target, configFile: String) throws(IDCSyncError) -> (model: GuideModel, diagnostics: [Diagnostic]) {
        let instance = target.instance
        guard let primary = instance.primaryRegion, let partition = target.partition else {
            throw .config("config.missing", "instance.primaryRegion is not set; the guides need the primary Region to tell people which portal to use normally and which during an outage",
                          field: "instance.primaryRegion", file: configFile)
        }
        guard let arn = instance.arn else {
            throw .config("config.missing", "instance.arn is not set; the additional Regions' portal URLs start with the instance id (set instance.arn, or leave instance.regions out so idcsync reads the instance from AWS)",
                          field: "instance.arn", file: configFile)
        }
        let input = URLCatalogInput(instance: instance, partition: partition, primaryRegion: primary)
        let regions = instance.effectiveRegions
        let catalog = URLCatalog.urls(for: regions, enabledRegions: regions, input: input)
        let model = GuideModel(instanceId: arn.instanceId, identityStoreId: instance.identityStoreId?.value, partition: partition,
                               primaryRegion: primary, customAlias: instance.customAlias, catalog: catalog,
                               startURL: instance.startUrl?.value)
        var diagnostics: [Diagnostic] = []
        for region in model.regions where region.recommended == nil {
            diagnostics.append(Diagnostic(.warning, code: "bookmarks.no-portal",
                "no access portal URL of \(region.region.name) is known to work, so the guides give no URL and no CLI profile for it (see `idcsync urls --region \(region.region.name)`)"))
        }
        if model.additional.isEmpty {
            diagnostics.append(Diagnostic(.note, code: "bookmarks.single-region",
                "the instance has only its primary Region; the guides name no portal for an outage until a Region is added (idcsync regions add REGION)"))
        }
        return (model, diagnostics)
    }

    /// Every requested guide, in a stable order (format, then language); aws-config once.
    public static func files(_ model: GuideModel, formats: [BookmarksConfig.Format], languages: [BookmarksConfig.Language]) -> [GuideFile] {
        var result: [GuideFile] = []
        for format in BookmarksConfig.Format.allCases where formats.contains(format) {
            if format == .awsConfig {
                let language = languages.first ?? .en
                result.append(GuideFile(name: Guides.fileName(format: format, language: language), format: format, language: nil,
                                        contents: Guides.render(model, format: format, language: language)))
                continue
            }
            for language in BookmarksConfig.Language.allCases where languages.contains(language) {
                result.append(GuideFile(name: Guides.fileName(format: format, language: language), format: format, language: language,
                                        contents: Guides.render(model, format: format, language: language)))
            }
        }
        return result
    }

    public static func fileName(format: BookmarksConfig.Format, language: BookmarksConfig.Language) -> String {
        Guides.fileName(format: format, language: language)
    }

    /// `bookmarks.out` resolved against the config file's folder (a relative `--out` is the caller's, relative to the working directory).
    public static func configuredOutDirectory(_ config: Config) -> String? {
        config.bookmarks.out.map { Paths.resolve($0, relativeTo: config.source) }
    }

    /// Regenerates the guides of `config.bookmarks` for a target whose Regions just changed (the last
    /// step of `regions add` / `regions remove`). Returns what was done, for the step's outcome.
    public static func regenerate(config: Config, target: Target) throws(IDCSyncError) -> String {
        guard let out = configuredOutDirectory(config) else { return "skipped: bookmarks.out is not set" }
        let model = try model(target: target, configFile: config.source).model
        let written = try GuideFiles.write(files(model, formats: config.bookmarks.formats, languages: config.bookmarks.languages), to: out)
        return "\(written.count) guide file\(written.count == 1 ? "" : "s") written to \(out)"
    }
}
