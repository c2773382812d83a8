import IDCSyncCore

/// Everything `idcsync urls` shows: the instance facts used and each Region's URLs.
public struct URLReport: Sendable, Equatable {
    public var input: URLCatalogInput
    public var regions: [RegionURLs]
    public var diagnostics: [Diagnostic]
}

public enum URLLookup {
    /// The URLs of the instance's Regions, or of `requested` ones (which may be Regions not yet added,
    /// to see their URLs before `regions add`).
    public static func run(target: Target, requested: [Region], configFile: String) throws(IDCSyncError) -> URLReport {
        let instance = target.instance
        guard let primary = instance.primaryRegion, let partition = target.partition else {
            throw .config("config.missing", "instance.primaryRegion is not set; idcsync needs the primary Region to tell primary-only URLs apart (set it to the Region where IAM Identity Center was enabled)",
                          field: "instance.primaryRegion", file: configFile)
        }
        for region in requested where region.partition != partition {
            throw .config("usage.partition", "--region \(region.name) is in partition \(region.partition.rawValue), but the instance is in \(partition.rawValue); an instance's Regions are all in its partition")
        }
        let input = URLCatalogInput(instance: instance, partition: partition, primaryRegion: primary)
        let enabled = instance.effectiveRegions
        let shown = requested.isEmpty ? enabled : requested.uniqued()
        var diagnostics: [Diagnostic] = []
        for region in shown where !enabled.contains(region) {
            diagnostics.append(Diagnostic(.note, code: "urls.not-enabled",
                "\(region.name) is not one of the instance's Regions; its URLs are shown as they will be once it is added"))
        }
        if partition != .aws {
            diagnostics.append(Diagnostic(.note, code: "urls.partition-undocumented",
                "AWS documents the sign-in and regional portal hosts for partition aws only; in \(partition.rawValue) give them in instance.urlTemplates"))
        }
        return URLReport(input: input, regions: URLCatalog.urls(for: shown, enabledRegions: enabled, input: input), diagnostics: diagnostics)
    }
}
