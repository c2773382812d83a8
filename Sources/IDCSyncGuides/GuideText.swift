import IDCSyncCore

/// The words of the guides in one language. Prose may hold two inline marks that every renderer
/// understands: `code` in backticks and an autolink `<https://...>`.
protocol GuideStrings: Sendable {
    var language: BookmarksConfig.Language { get }
    var title: String { get }
    func generatedNote(instanceId: String) -> String
    var instanceLabel: String { get }
    var identityStoreLabel: String { get }
    var primaryRegionLabel: String { get }
    var regionsLabel: String { get }
    var startURLLabel: String { get }

    func regionName(_ region: Region) -> String
    func regionTitle(_ region: Region) -> String
    func role(isPrimary: Bool) -> String

    var whenToUseHeading: String { get }
    func whenToUse(_ model: GuideModel) -> [String]

    /// The section on the company start URL, before the Regional portals (only when it is set).
    var startURLHeading: String { get }
    func startURLExplanation(_ model: GuideModel) -> String
    /// The line under the Regional portals' heading when a start URL is set.
    var fallbackIntro: String { get }

    var portalsHeading: String { get }
    var openLabel: String { get }
    var columnURL: String { get }
    var columnVariant: String { get }
    var columnStatus: String { get }
    var columnWhy: String { get }
    var noURL: String { get }
    func variantName(_ variant: URLVariant) -> String
    func status(_ status: URLEntry.Status) -> String
    func explanation(_ entry: URLEntry, isPrimary: Bool, model: GuideModel) -> String
    var noWorkingPortal: String { get }

    var limitsHeading: String { get }
    func limits(_ model: GuideModel) -> [String]

    var cliHeading: String { get }
    func cliIntro(configFile: String) -> [String]
    func cliOutage(_ model: GuideModel) -> String?
    /// The start URL's sso-session and the AWS CLI version it needs (only when a start URL is set).
    func cliStartURL(_ model: GuideModel) -> String?

    var bookmarkFolder: String { get }
    func bookmarkTitle(_ entry: URLEntry, region: GuideRegion) -> String
    var startURLBookmarkTitle: String { get }
}

extension GuideStrings {
    /// "Tokyo (ap-northeast-1)", or the code alone for a Region this release does not know.
    func regionTitle(_ region: Region) -> String {
        let name = regionName(region)
        return name == region.name ? name : "\(name) (\(region.name))"
    }
}

enum GuideText {
    static func `for`(_ language: BookmarksConfig.Language) -> any GuideStrings {
        switch language {
        case .en: EnglishGuideText()
        case .ja: JapaneseGuideText()
        }
    }
}
