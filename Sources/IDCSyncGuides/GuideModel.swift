import IDCSyncCore

/// Everything the bookmark guides show, as a plain value: the instance, its Regions and each Region's
/// access-portal URLs as the URL catalog decided them. Built by the engine; rendered here without I/O.
public struct GuideModel: Sendable, Equatable {
    /// The layout version of the guides and of their generation marker; bump it when a guide's
    /// structure changes so `GuideFiles.status` reports older files as stale.
    public static let schemaVersion = 1

    public var instanceId: String
    public var identityStoreId: String?
    public var partition: Partition
    public var primaryRegion: Region
    public var customAlias: String?
    /// Primary first, then by name.
    public var regions: [GuideRegion]
    /// The company start URL (`instance.startUrl`): shown first, the Regional portals after it as fallbacks.
    public var startURL: String?

    /// `catalog` is the URL catalog's answer for the instance's Regions; only the portal URLs are kept
    /// (ACS URLs are for the identity provider, not for people).
    public init(instanceId: String, identityStoreId: String?, partition: Partition, primaryRegion: Region,
                customAlias: String?, catalog: [RegionURLs], startURL: String? = nil) {
        self.instanceId = instanceId
        self.identityStoreId = identityStoreId
        self.partition = partition
        self.primaryRegion = primaryRegion
        self.customAlias = customAlias
        let ordered = catalog.filter { $0.region == primaryRegion } + catalog.filter { $0.region != primaryRegion }.sorted { $0.region < $1.region }
        regions = ordered.map(GuideRegion.init)
        self.startURL = startURL
    }

    /// The `sso-session` (and profile) of the AWS CLI for the start URL.
    public static let startURLSessionName = "idcsync"

    /// The first AWS CLI v2 release that accepts a start URL on the company's own domain as
    /// `sso_start_url` in this partition (aws/aws-cli `awscli/customizations/sso/resolve.py`: 2.35.13;
    /// the China host forms came in 2.35.15, the GovCloud ones in 2.36.4).
    public var startURLMinimumCLIVersion: String {
        switch partition {
        case .aws: "2.35.13"
        case .awsCN: "2.35.15"
        case .awsUSGov: "2.36.4"
        }
    }

    public var primary: GuideRegion? { regions.first { $0.isPrimary } }
    public var additional: [GuideRegion] { regions.filter { !$0.isPrimary } }

    public var marker: GuideMarker {
        GuideMarker(schemaVersion: Self.schemaVersion, instanceId: instanceId, regions: regions.map(\.region.name).sorted(), startURL: startURL)
    }
}

public struct GuideRegion: Sendable, Equatable {
    public var region: Region
    public var isPrimary: Bool
    /// The portal variants worth showing: every one with a URL, plus those idcsync cannot tell (with
    /// why). An alias URL that cannot be built (no alias set) is left out: there is nothing to open.
    public var portals: [URLEntry]

    init(_ urls: RegionURLs) {
        region = urls.region
        isPrimary = urls.isPrimary
        portals = urls.entries.filter { $0.variant.kind == .portal && !($0.variant == .portalAlias && $0.url == nil) }
    }

    public var working: [URLEntry] { portals.filter { $0.status == .works && $0.url != nil } }

    /// The URL people should open in this Region: the primary's start page (alias first), else the
    /// Region's alternative IPv4 portal, which works on every network; dual-stack only as a fallback.
    public var recommended: URLEntry? {
        let order: [URLVariant] = isPrimary
            ? [.portalAlias, .portalClassic, .portalAlternateIPv4, .portalDualStack]
            : [.portalAlternateIPv4, .portalDualStack]
        return order.lazy.compactMap { variant in self.working.first { $0.variant == variant } }.first
    }

    /// The name of the AWS CLI `sso-session` (and profile) for this Region.
    public var sessionName: String { "idcsync-\(region.name)" }
}

/// The line every guide carries (in the format's comment syntax, or as JSON fields) that says which
/// instance, Regions and start URL it was generated from, so a later run can tell whether it is current.
public struct GuideMarker: Sendable, Equatable {
    public static let prefix = "idcsync-bookmarks:"

    public var schemaVersion: Int
    public var instanceId: String
    /// Sorted Region names.
    public var regions: [String]
    /// The start URL the guide opens first; nil when it has none. Only present in the line when set,
    /// so guides without one are as before.
    public var startURL: String?

    public init(schemaVersion: Int, instanceId: String, regions: [String], startURL: String? = nil) {
        self.schemaVersion = schemaVersion
        self.instanceId = instanceId
        self.regions = regions
        self.startURL = startURL
    }

    public var line: String {
        let start = startURL.map { " start=\(Self.encode($0))" } ?? ""
        return "\(Self.prefix) schema=\(schemaVersion) instance=\(instanceId) regions=\(regions.joined(separator: ","))\(start)"
    }

    /// The start URL's path is the operator's: percent-encode what could end the field (a space) or
    /// the comment around the line ("-->", a newline).
    static func encode(_ url: String) -> String {
        let kept = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?&=+,;@!$'()*".utf8)
        var out = ""
        for byte in url.utf8 {
            if kept.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += (byte < 16 ? "%0" : "%") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "%" {
                let end = text.index(index, offsetBy: 3, limitedBy: text.endIndex) ?? text.endIndex
                guard text.distance(from: index, to: end) == 3, let byte = UInt8(text[text.index(after: index)..<end], radix: 16) else { return nil }
                bytes.append(byte)
                index = end
            } else {
                bytes.append(contentsOf: text[index].utf8)
                index = text.index(after: index)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The marker in a text guide (Markdown, HTML, Netscape, aws-config), or nil.
    public static func find(in text: String) -> GuideMarker? {
        guard let start = text.range(of: prefix) else { return nil }
        let rest = text[start.upperBound...].prefix { $0 != "\n" }
        var fields: [String: String] = [:]
        for word in rest.split(separator: " ") {
            guard let equals = word.firstIndex(of: "=") else { continue }
            fields[String(word[..<equals])] = String(word[word.index(after: equals)...])
        }
        guard let schema = fields["schema"].flatMap({ Int($0) }), let instance = fields["instance"], let regions = fields["regions"] else { return nil }
        return GuideMarker(schemaVersion: schema, instanceId: instance, regions: regions.split(separator: ",").map(String.init),
                           startURL: fields["start"].flatMap { decode(Substring($0)) })
    }

    /// The marker of a JSON guide (`schemaVersion` and `generatedFrom`), or nil.
    public static func find(inJSON text: String) -> GuideMarker? {
        guard let document = try? JSONParser.parse(text),
              case .number(let schemaText)? = document["schemaVersion"], let schema = Int(schemaText),
              case .string(let instance)? = document["generatedFrom"]?["instanceId"],
              case .array(let list)? = document["generatedFrom"]?["regions"] else { return nil }
        let regions = list.compactMap { value -> String? in
            if case .string(let name) = value { return name }
            return nil
        }
        var startURL: String?
        if case .string(let url)? = document["startUrl"]?["url"] { startURL = url }
        return GuideMarker(schemaVersion: schema, instanceId: instance, regions: regions, startURL: startURL)
    }
}

/// Renders one guide. Pure: the same model and language always give the same bytes.
public enum Guides {
    public static func render(_ model: GuideModel, format: BookmarksConfig.Format, language: BookmarksConfig.Language) -> String {
        let text = GuideText.for(language)
        switch format {
        case .markdown: return MarkdownGuide.render(model, text: text)
        case .html: return HTMLGuide.render(model, text: text)
        case .netscape: return NetscapeBookmarks.render(model, text: text)
        case .awsConfig: return AWSConfigGuide.render(model, text: text)
        case .json: return JSONGuide.render(model, text: text)
        }
    }

    /// The file a guide is written to. The aws-config file is ASCII English in every language (see
    /// `AWSConfigGuide`), so there is one for all languages.
    public static func fileName(format: BookmarksConfig.Format, language: BookmarksConfig.Language) -> String {
        switch format {
        case .markdown: "idcsync-bookmarks.\(language.rawValue).md"
        case .html: "idcsync-bookmarks.\(language.rawValue).html"
        case .netscape: "idcsync-bookmarks.\(language.rawValue).netscape.html"
        case .awsConfig: "idcsync-bookmarks.aws-config.ini"
        case .json: "idcsync-bookmarks.\(language.rawValue).json"
        }
    }
}
