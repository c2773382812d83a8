@testable import AWSKit
import Foundation
import IDCSyncCore
@testable import IDCSyncGuides
import IDCSyncTestSupport
import Testing

/// The 2-Region example of the README: Tokyo primary with a custom alias, replicated to Osaka.
func exampleModel(alias: String? = "example", regions: [String] = ["ap-northeast-1", "ap-northeast-3"],
                  partition: Partition = .aws, primary: String = "ap-northeast-1", startURL: String? = nil) -> GuideModel {
    let primaryRegion = Region(name: primary, partition: partition)
    let input = URLCatalogInput(partition: partition, primaryRegion: primaryRegion, instanceId: "ssoins-7758a1b2c3d4e5f6",
                                identityStoreId: try! IdentityStoreID.parse("d-9067a1b2c3").get(), tenantId: "4455422d-7e3f-4b1a-9c2d-5e6f7a8b9c0d",
                                customAlias: alias, enabledBeforeFebruary2026: true)
    let list = regions.map { Region(name: $0, partition: partition) }
    return GuideModel(instanceId: "ssoins-7758a1b2c3d4e5f6", identityStoreId: "d-9067a1b2c3", partition: partition,
                      primaryRegion: primaryRegion, customAlias: alias,
                      catalog: URLCatalog.urls(for: list, enabledRegions: list, input: input), startURL: startURL)
}

private let companyStartURL = "https://aws.example.com"

private let workingURLs: Set<String> = [
    "https://d-9067a1b2c3.awsapps.com/start",
    "https://example.awsapps.com/start",
    "https://ssoins-7758a1b2c3d4e5f6.ap-northeast-1.portal.amazonaws.com",
    "https://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-1.app.aws",
    "https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com",
    "https://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-3.app.aws",
]

@Suite("bookmark guides")
struct GuideRenderingTests {
    @Test func goldenFilesPerFormatAndLanguage() {
        let model = exampleModel()
        for format in BookmarksConfig.Format.allCases {
            for language in BookmarksConfig.Language.allCases {
                let name = Guides.fileName(format: format, language: language)
                expectGolden(Guides.render(model, format: format, language: language), name)
            }
        }
    }

    /// The same guides with `instance.startUrl`: the start URL first, the Regional portals as fallbacks.
    @Test func goldenFilesWithTheStartURL() {
        let model = exampleModel(startURL: companyStartURL)
        for format in BookmarksConfig.Format.allCases {
            for language in BookmarksConfig.Language.allCases {
                expectGolden(Guides.render(model, format: format, language: language), "start-url/" + Guides.fileName(format: format, language: language))
            }
        }
    }

    @Test func theStartURLComesFirstAndTheRegionalPortalsAreFallbacks() throws {
        let model = exampleModel(startURL: companyStartURL)
        let markdown = Guides.render(model, format: .markdown, language: .en)
        let start = try #require(markdown.range(of: "## Company start URL\n\nOpen: <https://aws.example.com>"))
        let regional = try #require(markdown.range(of: "## Access portal URLs by Region\n\nFallbacks: use these if the start URL does not open."))
        #expect(start.upperBound < regional.lowerBound)
        #expect(markdown.contains("- First choice: the company start URL, <https://aws.example.com>. It opens the access portal of a Region that is up"))
        #expect(markdown.contains("```sh\naws sso login --sso-session idcsync\naws sso login --sso-session idcsync-ap-northeast-1\n"))
        #expect(markdown.contains("needs AWS CLI v2 2.35.13 or later"))
        let japanese = Guides.render(model, format: .markdown, language: .ja)
        #expect(japanese.contains("## 自社ドメインのスタート URL\n\n開く URL: <https://aws.example.com>"))
        #expect(japanese.contains("正常に稼働しているリージョンのアクセスポータルに転送される"))
        #expect(japanese.contains("スタート URL が開けない場合は、以下の URL を代わりに使ってください。"))

        for language in BookmarksConfig.Language.allCases {
            let bookmarks = try NetscapeReader.read(Guides.render(model, format: .netscape, language: language))
            #expect(bookmarks.first?.url == companyStartURL, "\(language)")
            #expect(Set(bookmarks.dropFirst().map(\.url)) == workingURLs, "\(language): the Regional portals follow")
            let html = Guides.render(model, format: .html, language: language)
            let hrefs = html.matches(of: /href="([^"]*)"/).map { String($0.output.1) }
            #expect(hrefs.first == companyStartURL, "\(language)")
            #expect(Set(hrefs).isSubset(of: workingURLs.union([companyStartURL])))

            let document = try JSONParser.parse(Guides.render(model, format: .json, language: language))
            guard case .string(let url)? = document["startUrl"]?["url"],
                  case .string(let session)? = document["startUrl"]?["cli"]?["ssoSession"],
                  case .string(let region)? = document["startUrl"]?["cli"]?["ssoRegion"],
                  case .string(let version)? = document["startUrl"]?["cli"]?["minimumCliVersion"] else {
                Issue.record("\(language): no startUrl object in the JSON guide")
                continue
            }
            #expect([url, session, region, version] == [companyStartURL, "idcsync", "ap-northeast-1", "2.35.13"])
            // Unset: the key is there, null.
            #expect(try JSONParser.parse(Guides.render(exampleModel(), format: .json, language: language))["startUrl"] == .null)
        }
        // The AWS CLI releases that know the China and GovCloud access-portal hosts.
        #expect(exampleModel(alias: nil, regions: ["cn-north-1"], partition: .awsCN, primary: "cn-north-1", startURL: companyStartURL).startURLMinimumCLIVersion == "2.35.15")
        #expect(exampleModel(alias: nil, regions: ["us-gov-west-1"], partition: .awsUSGov, primary: "us-gov-west-1", startURL: companyStartURL).startURLMinimumCLIVersion == "2.36.4")
    }

    @Test func renderingIsDeterministic() {
        for format in BookmarksConfig.Format.allCases {
            for language in BookmarksConfig.Language.allCases {
                #expect(Guides.render(exampleModel(), format: format, language: language) == Guides.render(exampleModel(), format: format, language: language))
            }
        }
        // The Regions' order in the input does not matter: primary first, then by name.
        #expect(Guides.render(exampleModel(regions: ["eu-west-1", "ap-northeast-3", "ap-northeast-1"]), format: .markdown, language: .en)
            == Guides.render(exampleModel(regions: ["ap-northeast-1", "ap-northeast-3", "eu-west-1"]), format: .markdown, language: .en))
    }

    @Test func everyFormatCarriesTheGenerationMarker() {
        let model = exampleModel()
        let expected = GuideMarker(schemaVersion: 1, instanceId: "ssoins-7758a1b2c3d4e5f6", regions: ["ap-northeast-1", "ap-northeast-3"])
        for format in BookmarksConfig.Format.allCases {
            for language in BookmarksConfig.Language.allCases {
                let text = Guides.render(model, format: format, language: language)
                let marker = format == .json ? GuideMarker.find(inJSON: text) : GuideMarker.find(in: text)
                #expect(marker == expected, "\(format) \(language)")
            }
        }
    }

    /// The start URL is part of the marker, encoded so that its path cannot end the comment around the
    /// line; guides without one keep the marker they had.
    @Test func theMarkerCarriesTheStartURLAndItsPathCannotEndTheComment() {
        let url = "https://aws.example.com/go-->now?a=b c&d=%41\u{E9}"
        let model = exampleModel(startURL: url)
        #expect(model.marker.line == "idcsync-bookmarks: schema=1 instance=ssoins-7758a1b2c3d4e5f6 regions=ap-northeast-1,ap-northeast-3 "
            + "start=https://aws.example.com/go--%3Enow?a=b%20c&d=%2541%C3%A9")
        for format in BookmarksConfig.Format.allCases {
            for language in BookmarksConfig.Language.allCases {
                let text = Guides.render(model, format: format, language: language)
                let marker = format == .json ? GuideMarker.find(inJSON: text) : GuideMarker.find(in: text)
                #expect(marker?.startURL == url, "\(format) \(language)")
                let markerLine = text.split(separator: "\n").first { $0.contains(GuideMarker.prefix) }
                #expect(format == .json || markerLine?.contains("go-->now") == false, "\(format) \(language)")
            }
        }
        #expect(!exampleModel().marker.line.contains("start="))
        #expect(GuideMarker.find(in: "<!-- idcsync-bookmarks: schema=1 instance=i regions=r start=%ZZ -->")?.startURL == nil)
    }

    @Test func perRegionContent() {
        let model = exampleModel()
        #expect(model.regions.map(\.region.name) == ["ap-northeast-1", "ap-northeast-3"])
        #expect(model.primary?.recommended?.url == "https://example.awsapps.com/start")
        #expect(model.additional.first?.recommended?.url == "https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com")
        let osaka = model.additional[0]
        #expect(osaka.portals.filter { $0.status == .doesNotWork }.map(\.variant) == [.portalClassic, .portalAlias])
        let markdown = Guides.render(model, format: .markdown, language: .en)
        #expect(markdown.contains("| `https://example.awsapps.com/start` | custom alias | no | Works only in the primary Region, Tokyo (ap-northeast-1). |"))
        #expect(markdown.contains("aws sso login --sso-session idcsync-ap-northeast-3"))
        #expect(markdown.contains("SCIM provisioning"))
        // Without an alias the alias row is left out and the classic start URL is the one to open.
        let noAlias = exampleModel(alias: nil)
        #expect(noAlias.primary?.recommended?.url == "https://d-9067a1b2c3.awsapps.com/start")
        #expect(!Guides.render(noAlias, format: .markdown, language: .en).contains("custom alias"))
    }

    @Test func netscapeFileImportsAsBrowsersReadIt() throws {
        for language in BookmarksConfig.Language.allCases {
            let file = Guides.render(exampleModel(), format: .netscape, language: language)
            let bookmarks = try NetscapeReader.read(file)
            #expect(Set(bookmarks.map(\.url)) == workingURLs, "\(language)")
            #expect(bookmarks.count == workingURLs.count)
            #expect(bookmarks.allSatisfy { $0.folder == (language == .en ? "AWS access portal (idcsync)" : "AWS アクセスポータル (idcsync)") })
            #expect(bookmarks.first?.url == "https://example.awsapps.com/start")
            #expect(bookmarks.allSatisfy { !$0.title.isEmpty && !$0.title.contains("&") })
            #expect(!file.contains("ADD_DATE"))
        }
    }

    @Test func htmlEscapingOfTextAndAttributes() throws {
        #expect(Escape.html("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;")
        #expect(Inline.html("run `a<b` then <https://x.example/?a=1&b=2>") == "run <code>a&lt;b</code> then <a href=\"https://x.example/?a=1&amp;b=2\">https://x.example/?a=1&amp;b=2</a>")
        let line = "        <DT><A HREF=\"https://x.example/?a=1&amp;b=&quot;2&quot;\">Tom &amp; &lt;Jerry&gt;</A>"
        let parsed = try NetscapeReader.read("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n\(line)\n</DL><p>\n")
        #expect(parsed.map(\.url) == ["https://x.example/?a=1&b=\"2\""])
        #expect(parsed.map(\.title) == ["Tom & <Jerry>"])
    }

    @Test func htmlIsSelfContained() throws {
        for language in BookmarksConfig.Language.allCases {
            let html = Guides.render(exampleModel(), format: .html, language: language)
            #expect(html.hasPrefix("<!DOCTYPE html>\n"))
            #expect(html.contains("<html lang=\"\(language.rawValue)\">"))
            #expect(html.contains("<meta charset=\"utf-8\">"))
            for forbidden in ["src=", "<link", "<script", "<img", "<iframe", "<object", "@import", "url(", "//fonts."] {
                #expect(!html.lowercased().contains(forbidden), "\(language): \(forbidden)")
            }
            let hrefs = html.matches(of: /href="([^"]*)"/).map { String($0.output.1) }
            #expect(!hrefs.isEmpty)
            #expect(Set(hrefs).isSubset(of: workingURLs), "\(Set(hrefs).subtracting(workingURLs))")
            // URLs that do not work in a Region are shown, never linked, in that Region's table.
            #expect(html.contains("<td class=\"url\"><code>https://d-9067a1b2c3.awsapps.com/start</code></td>"))
        }
    }

    @Test func awsConfigIsWhatTheAWSCLIReads() throws {
        let text = Guides.render(exampleModel(), format: .awsConfig, language: .en)
        #expect(text == Guides.render(exampleModel(), format: .awsConfig, language: .ja), "one ASCII file for every language")
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII }, "botocore reads ~/.aws/config in the locale's encoding")
        let sections = try SharedConfigParser.parse(text)
        #expect(sections.map(\.name) == ["sso-session idcsync-ap-northeast-1", "profile idcsync-ap-northeast-1",
                                         "sso-session idcsync-ap-northeast-3", "profile idcsync-ap-northeast-3"])
        #expect(sections[0].values == ["sso_start_url": "https://example.awsapps.com/start", "sso_region": "ap-northeast-1",
                                       "sso_registration_scopes": "sso:account:access"])
        #expect(sections[1].values == ["sso_session": "idcsync-ap-northeast-1"])
        #expect(sections[2].values == ["sso_start_url": "https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com",
                                       "sso_region": "ap-northeast-3", "sso_registration_scopes": "sso:account:access"])
        #expect(sections[3].values == ["sso_session": "idcsync-ap-northeast-3"])
        // Filled in as the comments say, the profile is a complete IAM Identity Center profile.
        let filled = text.replacing("# sso_account_id = ", with: "sso_account_id = ").replacing("# sso_role_name = ", with: "sso_role_name = ")
        let profile = try #require(try SharedConfigParser.parse(filled).first { $0.name == "profile idcsync-ap-northeast-3" })
        #expect(profile.values["sso_account_id"] == "111122223333")
        #expect(profile.values["sso_role_name"] == "ReadOnlyAccess")
    }

    @Test func awsConfigWithTheStartURL() throws {
        let text = Guides.render(exampleModel(startURL: companyStartURL), format: .awsConfig, language: .en)
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        let sections = try SharedConfigParser.parse(text)
        #expect(sections.map(\.name) == ["sso-session idcsync", "profile idcsync",
                                         "sso-session idcsync-ap-northeast-1", "profile idcsync-ap-northeast-1",
                                         "sso-session idcsync-ap-northeast-3", "profile idcsync-ap-northeast-3"])
        // The primary Region as sso_region: the AWS CLI needs one and rewrites it after the login.
        #expect(sections[0].values == ["sso_start_url": "https://aws.example.com", "sso_region": "ap-northeast-1",
                                       "sso_registration_scopes": "sso:account:access"])
        #expect(sections[1].values == ["sso_session": "idcsync"])
        #expect(text.contains("# Company start URL: opens the access portal of a healthy Region. It needs AWS CLI v2\n# 2.35.13 or later"))
        #expect(text.contains("use the Regional sso-sessions below (idcsync-REGION) instead."))
        // The Regional sessions are exactly those of the guide without a start URL.
        let regional = try SharedConfigParser.parse(Guides.render(exampleModel(), format: .awsConfig, language: .en))
        #expect(sections.dropFirst(2).map(\.name) == regional.map(\.name))
        #expect(sections.dropFirst(2).map(\.values) == regional.map(\.values))
    }

    @Test func aRegionWithoutAKnownPortalGetsNoSession() throws {
        // GovCloud: AWS documents the start page (primary only) and no Regional portal host, so nothing is guessed.
        let model = exampleModel(alias: nil, regions: ["us-gov-west-1", "us-gov-east-1"], partition: .awsUSGov, primary: "us-gov-west-1")
        #expect(model.additional.allSatisfy { $0.recommended == nil })
        let text = Guides.render(model, format: .awsConfig, language: .en)
        #expect(try SharedConfigParser.parse(text).map(\.name) == ["sso-session idcsync-us-gov-west-1", "profile idcsync-us-gov-west-1"])
        #expect(text.contains("# GovCloud US-East (us-gov-east-1): no access portal URL is known to work in this Region"))
        #expect(try NetscapeReader.read(Guides.render(model, format: .netscape, language: .ja)).count == 1)
        #expect(Guides.render(model, format: .markdown, language: .ja).contains("このリージョンで使えるアクセスポータル URL は分かっていません。"))
    }

    @Test func chinaRegionalPortalsComeFromTheAWSCLIResolverForms() throws {
        let model = exampleModel(alias: nil, regions: ["cn-north-1", "cn-northwest-1"], partition: .awsCN, primary: "cn-north-1")
        #expect(model.regions.map { $0.recommended?.url } == [
            "https://ssoins-7758a1b2c3d4e5f6.cn-north-1.portal.amazonaws.com.cn",
            "https://ssoins-7758a1b2c3d4e5f6.cn-northwest-1.portal.amazonaws.com.cn",
        ])
        let text = Guides.render(model, format: .awsConfig, language: .en)
        #expect(try SharedConfigParser.parse(text).first { $0.name == "sso-session idcsync-cn-northwest-1" }?.values["sso_start_url"]
                == "https://ssoins-7758a1b2c3d4e5f6.cn-northwest-1.portal.amazonaws.com.cn")
    }

    @Test(arguments: [nil, "https://aws.example.com"])
    func japaneseProseHasNoLeftoverEnglish(startURL: String?) throws {
        let model = exampleModel(startURL: startURL)
        let markdown = Guides.render(model, format: .markdown, language: .ja)
        let html = Guides.render(model, format: .html, language: .ja)
        let style = try #require(html.firstRange(of: /<style>[\s\S]*<\/style>/))
        let visibleHTML = String(html[..<style.lowerBound] + html[style.upperBound...])
            .replacing(/<pre>[\s\S]*?<\/pre>/, with: " ").replacing(/<code>[^<]*<\/code>/, with: " ").replacing(/<[^>]*>/, with: " ")
        let document = try JSONParser.parse(Guides.render(model, format: .json, language: .ja))
        var jsonTexts: [String] = []
        collectStrings(document, into: &jsonTexts, keys: ["explanation", "whenToUse", "notAvailableWhilePrimaryIsDown", "name", "variantName"])
        let netscapeTitles = try NetscapeReader.read(Guides.render(model, format: .netscape, language: .ja)).map(\.title)
        let prose = markdown.replacing(/```[\s\S]*?```/, with: " ")
        for (label, text) in [("markdown", prose), ("html", visibleHTML), ("json", jsonTexts.joined(separator: "\n")),
                              ("netscape", netscapeTitles.joined(separator: "\n"))] {
            let english = englishRuns(in: text)
            #expect(english.isEmpty, "\(label): English left in the Japanese guide: \(english)")
            #expect(text.contains(/[ぁ-んァ-ヶ]/), "\(label) has no Japanese")
        }
        for term in ["アクセスポータル", "プライマリリージョン", "サインイン", "障害時", "許可セット", "大阪リージョン (ap-northeast-3)"] {
            #expect(markdown.contains(term), "\(term)")
        }
        #expect(!markdown.replacing("。 |", with: "").contains("。 "), "no Latin spacing after a Japanese full stop")
    }

    @Test func regionNamesInBothLanguages() {
        let text = GuideText.for(.ja), english = GuideText.for(.en)
        let osaka = Region(name: "ap-northeast-3", partition: .aws)
        #expect(english.regionTitle(osaka) == "Osaka (ap-northeast-3)")
        #expect(text.regionTitle(osaka) == "大阪リージョン (ap-northeast-3)")
        for code in Partition.aws.knownRegions {
            #expect(RegionNames.table[code] != nil, "\(code) has no name")
        }
        let unknown = Region(name: "ap-southeast-9", partition: .aws)
        #expect(english.regionTitle(unknown) == "ap-southeast-9")
        #expect(text.regionTitle(unknown) == "ap-southeast-9")
    }
}

/// Runs of three or more English words that are not product names or technical terms.
private func englishRuns(in text: String) -> [String] {
    var prose = text
    prose = prose.replacing(/`[^`]*`/, with: " ")
    prose = prose.replacing(/https?:\/\/\S+/, with: " ")
    for term in ["AWS IAM Identity Center", "IAM Identity Center", "AWS CLI", "Okta", "SCIM", "SAML", "KMS", "AWS", "URL", "ID",
                 "IPv4", "IPv6", "GovCloud"] {
        prose = prose.replacing(term, with: " ")
    }
    return prose.matches(of: /[A-Za-z]+(?:[ ,'-]+[A-Za-z]+){2,}/).map { String($0.output) }
}

private func collectStrings(_ value: JSONValue, into result: inout [String], keys: Set<String>, collecting: Bool = false) {
    switch value {
    case .string(let text): if collecting { result.append(text) }
    case .array(let items): for item in items { collectStrings(item, into: &result, keys: keys, collecting: collecting) }
    case .object(let object):
        for member in object.members { collectStrings(member.value, into: &result, keys: keys, collecting: keys.contains(member.key)) }
    default: break
    }
}

/// Reads a Netscape bookmark file the way Chrome's importer does (bookmark_html_reader): line by
/// line, the doctype first, `<DT><H3>` opens a folder, `<DL><p>` / `</DL>` nest, `<DT><A HREF="...">`
/// is a bookmark whose title runs to `</A>`; attribute values and titles are HTML-unescaped.
/// Firefox's HTML parser accepts the same input; the balanced `<DL>` check stands in for it.
enum NetscapeReader {
    struct Bookmark: Equatable {
        var folder: String?
        var title: String
        var url: String
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ text: String) throws -> [Bookmark] {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.first == "<!DOCTYPE NETSCAPE-Bookmark-file-1>" else { throw Malformed(description: "no Netscape doctype on the first line") }
        var folders: [String] = []
        var pendingFolder: String?
        var depth = 0
        var result: [Bookmark] = []
        for line in lines.dropFirst() {
            if line.hasPrefix("<DT><H3") {
                guard let open = line.firstIndex(of: ">").flatMap({ line[line.index(after: $0)...].firstIndex(of: ">") }),
                      let close = line.range(of: "</H3>") else { throw Malformed(description: "folder line without a title: \(line)") }
                pendingFolder = unescape(String(line[line.index(after: open)..<close.lowerBound]))
            } else if line.hasPrefix("<DL>") {
                depth += 1
                folders.append(pendingFolder ?? "")
                pendingFolder = nil
            } else if line.hasPrefix("</DL>") {
                depth -= 1
                guard depth >= 0 else { throw Malformed(description: "</DL> without <DL>") }
                folders.removeLast()
            } else if line.hasPrefix("<DT><A ") {
                guard depth > 0 else { throw Malformed(description: "bookmark outside a <DL>") }
                guard let href = line.range(of: "HREF=\""), let end = line[href.upperBound...].firstIndex(of: "\""),
                      let titleStart = line[end...].firstIndex(of: ">"), let titleEnd = line.range(of: "</A>") else {
                    throw Malformed(description: "bookmark line Chrome cannot read: \(line)")
                }
                let url = unescape(String(line[href.upperBound..<end]))
                guard URL(string: url)?.scheme == "https" else { throw Malformed(description: "not an https URL: \(url)") }
                let folder = folders.last.flatMap { $0.isEmpty ? nil : $0 }
                result.append(Bookmark(folder: folder, title: unescape(String(line[line.index(after: titleStart)..<titleEnd.lowerBound])), url: url))
            }
        }
        guard depth == 0 else { throw Malformed(description: "\(depth) <DL> left open") }
        return result
    }

    private static func unescape(_ text: String) -> String {
        text.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&quot;", with: "\"")
            .replacing("&#39;", with: "'").replacing("&amp;", with: "&")
    }
}
