import IDCSyncCore
import IDCSyncRendering
import IDCSyncTestSupport
import Testing

private let tokyo = Region(name: "ap-northeast-1", partition: .aws)
private let osaka = Region(name: "ap-northeast-3", partition: .aws)
private let tenant = "4455422d-7e3f-4b1a-9c2d-5e6f7a8b9c0d"

private func input(enabledBefore: Bool? = true, alias: String? = nil, tenantId: String? = tenant, partition: Partition = .aws,
                   primary: Region = tokyo, templates: [URLVariant: String] = [:]) -> URLCatalogInput {
    URLCatalogInput(partition: partition, primaryRegion: primary, instanceId: "ssoins-7758a1b2c3d4e5f6",
                    identityStoreId: try! IdentityStoreID.parse("d-9067a1b2c3").get(), tenantId: tenantId, customAlias: alias,
                    enabledBeforeFebruary2026: enabledBefore, templates: templates)
}

private func entries(_ input: URLCatalogInput, _ region: Region) -> [URLVariant: URLEntry] {
    let urls = URLCatalog.urls(for: [region], enabledRegions: [input.primaryRegion, region], input: input)[0]
    return Dictionary(uniqueKeysWithValues: urls.entries.map { ($0.variant, $0) })
}

@Suite("URL catalog")
struct URLCatalogTests {
    @Test func primaryRegionHasAllSevenVariants() {
        let e = entries(input(alias: "example"), tokyo)
        #expect(e.count == 7)
        #expect(e[.acsIPv4]?.url == "https://ap-northeast-1.signin.aws/platform/saml/acs/\(tenant)")
        #expect(e[.acsAlternateIPv4]?.url == "https://ap-northeast-1.signin.aws.amazon.com/platform/saml/acs/\(tenant)")
        #expect(e[.acsDualStack]?.url == "https://ap-northeast-1.sso.signin.aws/platform/saml/acs/\(tenant)")
        #expect(e[.portalClassic]?.url == "https://d-9067a1b2c3.awsapps.com/start")
        #expect(e[.portalAlias]?.url == "https://example.awsapps.com/start")
        #expect(e[.portalAlternateIPv4]?.url == "https://ssoins-7758a1b2c3d4e5f6.ap-northeast-1.portal.amazonaws.com")
        #expect(e[.portalDualStack]?.url == "https://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-1.app.aws")
        #expect(e.values.allSatisfy { $0.status == .works && $0.source == .documented })
    }

    @Test func additionalRegionHasNoPrimaryOnlyURLs() {
        let e = entries(input(alias: "example"), osaka)
        for variant in [URLVariant.acsAlternateIPv4, .portalClassic, .portalAlias] {
            #expect(e[variant]?.status == .doesNotWork)
            #expect(e[variant]?.reason == .primaryOnly)
            #expect(e[variant]?.explanation == "works only in the primary Region (ap-northeast-1)")
        }
        for variant in [URLVariant.acsIPv4, .acsDualStack, .portalAlternateIPv4, .portalDualStack] {
            #expect(e[variant]?.status == .works)
            #expect(e[variant]?.url?.contains("ap-northeast-3") == true)
        }
    }

    @Test func alternativeACSDependsOnWhenTheInstanceWasEnabled() {
        #expect(entries(input(enabledBefore: true), tokyo)[.acsAlternateIPv4]?.status == .works)
        let after = entries(input(enabledBefore: false), tokyo)[.acsAlternateIPv4]
        #expect(after?.status == .doesNotWork)
        #expect(after?.reason == .notUsedSinceFebruary2026)
        let unknown = entries(input(enabledBefore: nil), tokyo)[.acsAlternateIPv4]
        #expect(unknown?.status == .unknown)
        #expect(unknown?.reason == .enabledDateUnknown)
        #expect(unknown?.url != nil)
        #expect(unknown?.explanation.contains("instance.enabledBeforeFebruary2026") == true)
    }

    @Test func aliasNotSet() {
        let primary = entries(input(alias: nil), tokyo)[.portalAlias]
        #expect(primary?.status == .doesNotWork)
        #expect(primary?.reason == .aliasNotSet)
        #expect(primary?.url == nil)
        // In an additional Region the alias never works, set or not, and no half-built URL is shown.
        let additional = entries(input(alias: nil), osaka)[.portalAlias]
        #expect(additional?.reason == .primaryOnly)
        #expect(additional?.url == nil)
    }

    @Test func missingTenantIdLeavesACSUnknown() {
        let e = entries(input(tenantId: nil), osaka)
        #expect(e[.acsIPv4]?.status == .unknown)
        #expect(e[.acsIPv4]?.reason == .missingTenantId)
        #expect(e[.acsIPv4]?.url == nil)
        #expect(e[.acsIPv4]?.explanation.contains("instance.tenantId") == true)
        #expect(e[.portalDualStack]?.status == .works)
    }

    @Test func govCloudDocumentsOnlyTheStartPage() {
        let west = Region(name: "us-gov-west-1", partition: .awsUSGov)
        let e = entries(input(alias: "agency", partition: .awsUSGov, primary: west), west)
        #expect(e[.portalClassic]?.url == "https://start.us-gov-home.awsapps.com/directory/d-9067a1b2c3")
        #expect(e[.portalAlias]?.url == "https://start.us-gov-home.awsapps.com/directory/agency")
        for variant in [URLVariant.acsIPv4, .acsDualStack, .portalAlternateIPv4, .portalDualStack] {
            #expect(e[variant]?.status == .unknown)
            #expect(e[variant]?.reason == .undocumentedInPartition)
            #expect(e[variant]?.url == nil)
            #expect(e[variant]?.explanation.contains("instance.urlTemplates.\(variant.rawValue)") == true)
        }
    }

    @Test func operatorTemplatesFillUndocumentedHosts() {
        let beijing = Region(name: "cn-north-1", partition: .awsCN)
        let ningxia = Region(name: "cn-northwest-1", partition: .awsCN)
        let templates: [URLVariant: String] = [.acsIPv4: "https://{region}.signin.example.cn/platform/saml/acs/{tenantId}"]
        let e = entries(input(partition: .awsCN, primary: beijing, templates: templates), ningxia)
        #expect(e[.acsIPv4]?.url == "https://cn-northwest-1.signin.example.cn/platform/saml/acs/\(tenant)")
        #expect(e[.acsIPv4]?.source == .config)
        #expect(e[.acsIPv4]?.status == .works)
        #expect(e[.acsDualStack]?.reason == .undocumentedInPartition)
        // Primary-only rules still hold for operator-given hosts.
        #expect(e[.portalClassic]?.reason == .primaryOnly)
    }

    @Test func renderingsMatchGoldenFiles() {
        let catalogInput = input(enabledBefore: nil, alias: "example")
        let regions = URLCatalog.urls(for: [tokyo, osaka, Region(name: "eu-west-1", partition: .aws)], enabledRegions: [tokyo, osaka], input: catalogInput)
        expectGolden(URLRenderer.text(input: catalogInput, regions: regions, style: .plain), "urls.txt")
        expectGolden(URLRenderer.markdown(input: catalogInput, regions: regions), "urls.md")
        expectGolden(JSONWriter.pretty(URLRenderer.json(input: catalogInput, regions: regions, diagnostics: [])), "urls.json")
    }

    @Test func colourIsOnlyAddedWhenAsked() {
        let catalogInput = input()
        let regions = URLCatalog.urls(for: [tokyo], enabledRegions: [tokyo], input: catalogInput)
        #expect(!URLRenderer.text(input: catalogInput, regions: regions, style: .plain).contains("\u{1B}["))
        #expect(URLRenderer.text(input: catalogInput, regions: regions, style: Style(enabled: true)).contains("\u{1B}[32mworks"))
    }
}
