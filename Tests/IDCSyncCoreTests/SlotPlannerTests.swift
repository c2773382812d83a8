import IDCSyncCore
import IDCSyncTestSupport
import Testing

private let tenant = "4455422d-7e3f"
private let allRegions = ["ap-northeast-1", "ap-northeast-3", "eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "sa-east-1", "ca-central-1", "eu-north-1", "ap-south-1"]
    .map { Region(name: $0, partition: .aws) }
private let layout = ACSSlotLayout(slotKeys: (1...17).map { "acsURL\($0)" })
private let matcher = ACSURLMatcher(partition: .aws, tenantId: tenant, templates: [:])

private func url(_ region: Region, _ variant: URLVariant, tenantId: String = tenant) -> String {
    switch variant {
    case .acsIPv4: "https://\(region.name).signin.aws/platform/saml/acs/\(tenantId)"
    case .acsAlternateIPv4: "https://\(region.name).signin.aws.amazon.com/platform/saml/acs/\(tenantId)"
    default: "https://\(region.name).sso.signin.aws/platform/saml/acs/\(tenantId)"
    }
}

private func desired(_ regions: [Region], primary: Region, variants: [ACSVariant] = [.ipv4, .dualStack], enabledBefore: Bool = false) -> [DesiredACS] {
    let catalog = URLCatalogInput(partition: .aws, primaryRegion: primary, tenantId: tenant, enabledBeforeFebruary2026: enabledBefore)
    return try! SlotPlanner.desiredURLs(regions: regions, variants: variants, enabledBeforeFebruary2026: enabledBefore, catalog: catalog)
}

private func plan(current: [String?], desired: [DesiredACS], defaultACS: String? = nil, foreign: OktaConfig.ForeignURLs = .keep) -> SlotPlan {
    SlotPlanner.plan(SlotPlanInput(layout: layout, current: current + Array(repeating: nil, count: max(0, 17 - current.count)),
                                   defaultACS: defaultACS, desired: desired, matcher: matcher, foreignURLs: foreign))
}

private func after(_ plan: SlotPlan) -> [String?] { plan.slots.map(\.after) }

@Suite("Slot planner")
struct SlotPlannerTests {
    private let tokyo = allRegions[0], osaka = allRegions[1], ireland = allRegions[2]

    @Test func desiredOrderIsIPv4FirstThenPrimaryThenByName() {
        let urls = desired([ireland, osaka, tokyo], primary: osaka, enabledBefore: true).map(\.url)
        #expect(urls == [
            url(osaka, .acsIPv4), url(osaka, .acsAlternateIPv4), url(tokyo, .acsIPv4), url(ireland, .acsIPv4),
            url(osaka, .acsDualStack), url(tokyo, .acsDualStack), url(ireland, .acsDualStack),
        ], "the primary first whatever its name, then ap-northeast-1 before eu-west-1")
        #expect(desired([tokyo], primary: tokyo, variants: [.dualStack]).map(\.variant) == [.acsDualStack])
        #expect(desired([tokyo, osaka], primary: tokyo, variants: [.dualStack], enabledBefore: true).map(\.variant)
                == [.acsAlternateIPv4, .acsDualStack, .acsDualStack])
    }

    @Test func emptyAppGetsLowestSlotsInPreferenceOrder() {
        let wanted = desired([tokyo, osaka], primary: tokyo)
        let result = plan(current: [], desired: wanted)
        #expect(after(result).prefix(4).map { $0 } == wanted.map(\.url))
        #expect(result.changes.count == 4)
        #expect(result.updates.map(\.key) == ["acsURL1", "acsURL2", "acsURL3", "acsURL4"])
    }

    @Test func existingURLsStayInTheirSlots() {
        let wanted = desired([tokyo, osaka], primary: tokyo)
        let result = plan(current: [nil, nil, nil, nil, nil, wanted[2].url], desired: wanted)
        #expect(result.slots[5].after == wanted[2].url)
        #expect(result.slots[5].changed == false)
        #expect(after(result).compactMap { $0 }.count == 4)
    }

    @Test func urlsOfRegionsThatLeftAreClearedAndForeignOnesKept() {
        let wanted = desired([tokyo], primary: tokyo, variants: [.ipv4])
        let foreignURL = "https://partner.example/saml/acs"
        let otherTenant = url(osaka, .acsIPv4, tenantId: "other-tenant")
        let result = plan(current: [url(osaka, .acsIPv4), foreignURL, otherTenant, wanted[0].url], desired: wanted)
        #expect(result.slots[0].after == nil)
        #expect(result.slots[0].reason == .regionNotEnabled(osaka))
        #expect(result.slots[1].reason == .foreignKept)
        #expect(result.slots[1].after == foreignURL)
        #expect(result.slots[2].reason == .foreignKept, "another tenant's URL is foreign")
        #expect(result.slots[3].reason == .desired(wanted[0]))
        let removing = plan(current: [nil, foreignURL], desired: wanted, foreign: .remove)
        #expect(removing.slots[1].after == nil)
        #expect(removing.slots[1].reason == .foreignRemoved)
    }

    @Test func variantsNoLongerConfiguredAreCleared() {
        let result = plan(current: [url(tokyo, .acsDualStack)], desired: desired([tokyo], primary: tokyo, variants: [.ipv4]))
        // The cleared slot is the lowest free one, so the new URL replaces the old in one write.
        #expect(result.slots[0].after == url(tokyo, .acsIPv4))
        #expect(result.slots[0].replacedBecause == .variantNotConfigured(tokyo, .acsDualStack))
        #expect(result.changes.count == 1)
    }

    /// A copy of the default ACS URL and a duplicate are harmless: reported, never the reason for a
    /// write, and cleared only when a write happens anyway.
    @Test func aCopyOfTheDefaultACSURLAndDuplicatesAreClearedOnlyWhenAWriteHappensAnyway() {
        let wanted = desired([tokyo], primary: tokyo, variants: [.ipv4], enabledBefore: true)
        let defaultURL = url(tokyo, .acsAlternateIPv4)
        let tidy = plan(current: [defaultURL, wanted[0].url, wanted[0].url], desired: wanted, defaultACS: defaultURL)
        #expect(tidy.slots[0].reason == .sameAsDefault)
        #expect(tidy.slots[2].reason == .duplicate(ofSlot: 2))
        #expect(!tidy.hasChanges, "nothing but tidying: no write")
        #expect(tidy.updates.isEmpty)

        let withOsaka = desired([tokyo, osaka], primary: tokyo, variants: [.ipv4], enabledBefore: true)
        let needed = plan(current: [defaultURL, withOsaka[0].url, withOsaka[0].url], desired: withOsaka, defaultACS: defaultURL)
        #expect(needed.hasChanges)
        #expect(needed.updates.allSatisfy { $0.key != layout.defaultKey && $0.key != layout.issuerKey })
        #expect(after(needed).compactMap { $0 }.sorted() == withOsaka.map(\.url).filter { $0 != defaultURL }.sorted(), "a write happens anyway: the copies go, Osaka takes a freed slot")
    }

    @Test func overCapacityNamesTheURLsThatDidNotFit() {
        let foreignURLs = (1...14).map { "https://partner\($0).example/acs" }
        let wanted = desired([tokyo, osaka], primary: tokyo)
        let result = plan(current: foreignURLs, desired: wanted)
        #expect(!result.fits)
        #expect(result.unplaced.map(\.url) == [wanted[3].url], "the lowest preference (the additional Region's dual-stack) does not fit")
        #expect(plan(current: foreignURLs, desired: wanted, foreign: .remove).fits)
    }

    // MARK: Properties over generated apps

    struct Scenario: CustomStringConvertible {
        var regions: [Region]
        var primary: Region
        var variants: [ACSVariant]
        var enabledBefore: Bool
        var current: [String?]
        var defaultACS: String?
        var foreign: OktaConfig.ForeignURLs
        var description: String { "regions \(regions.map(\.name)) primary \(primary.name) variants \(variants) current \(current)" }
    }

    static func scenarios(count: Int, seed: UInt64) -> [Scenario] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let primary = allRegions[random.next(below: 4)]
            var regions = [primary]
            for region in allRegions.shuffled(using: &random).prefix(random.next(below: 6)) where !regions.contains(region) { regions.append(region) }
            let variants: [ACSVariant] = [[.ipv4], [.dualStack], [.ipv4, .dualStack], [.ipv4, .dualStack]][random.next(below: 4)]
            let enabledBefore = random.next(below: 2) == 0
            let defaultACS = enabledBefore ? url(primary, .acsAlternateIPv4) : url(primary, .acsIPv4)
            let current: [String?] = (0..<17).map { _ in
                switch random.next(below: 10) {
                case 0...3: return nil
                case 4...6: return url(allRegions[random.next(below: allRegions.count)], [.acsIPv4, .acsDualStack, .acsAlternateIPv4][random.next(below: 3)])
                case 7: return "https://partner\(random.next(below: 5)).example/acs"
                case 8: return defaultACS
                default: return url(allRegions[random.next(below: allRegions.count)], .acsIPv4, tenantId: "someone-else")
                }
            }
            return Scenario(regions: regions, primary: primary, variants: variants, enabledBefore: enabledBefore, current: current,
                            defaultACS: defaultACS, foreign: random.next(below: 3) == 0 ? .remove : .keep)
        }
    }

    @Test(arguments: scenarios(count: 400, seed: 0x1DC5))
    func propertiesHold(scenario: Scenario) {
        let wanted = desired(scenario.regions, primary: scenario.primary, variants: scenario.variants, enabledBefore: scenario.enabledBefore)
        let result = plan(current: scenario.current, desired: wanted, defaultACS: scenario.defaultACS, foreign: scenario.foreign)
        let final = after(result)
        let needed = wanted.filter { $0.url != scenario.defaultACS }
        let isOwned = { (value: String) in matcher.match(value) != nil || value == scenario.defaultACS }

        // The default ACS URL and the issuer are never written.
        #expect(result.updates.allSatisfy { $0.key != layout.defaultKey && $0.key != layout.issuerKey })
        // No URL appears twice.
        let present = final.compactMap { $0 }
        #expect(Set(present).count == present.count, "\(scenario)")
        // A URL that stays keeps its slot (the first one it was in).
        for (index, value) in final.enumerated() {
            guard let value, let original = scenario.current.firstIndex(of: value) else { continue }
            #expect(original == index, "\(value) moved from slot \(original + 1) to \(index + 1): \(scenario)")
        }
        // Foreign URLs survive with keep, and only owned or duplicate URLs are cleared.
        var seen = Set<String>()
        for (index, before) in scenario.current.enumerated() {
            guard let before else { continue }
            let firstTime = seen.insert(before).inserted
            if !isOwned(before) && scenario.foreign == .keep && firstTime {
                #expect(final[index] == before, "foreign URL lost: \(scenario)")
            }
        }
        // Capacity: everything needed is placed exactly when it fits.
        let keptForeign = result.slots.filter { $0.reason == .foreignKept }.count
        #expect(result.fits == (needed.count + keptForeign <= 17), "\(scenario)")
        if result.fits {
            #expect(Set(needed.map(\.url)).isSubset(of: Set(present)), "\(scenario)")
            // Nothing owned and unwanted is left.
            let neededURLs = Set(needed.map(\.url))
            #expect(present.allSatisfy { !isOwned($0) || neededURLs.contains($0) }, "\(scenario)")
            // Planning the applied result changes nothing.
            let again = plan(current: final, desired: wanted, defaultACS: scenario.defaultACS, foreign: scenario.foreign)
            #expect(!again.hasChanges, "\(scenario)")
        } else {
            // The URLs that do not fit are the least preferred ones.
            let unplaced = result.unplaced.map(\.url)
            #expect(unplaced == needed.map(\.url).filter { !present.contains($0) })
            #expect(Array(needed.suffix(unplaced.count).map(\.url)) == unplaced || needed.count > 17)
        }
    }

    @Test(arguments: scenarios(count: 150, seed: 0xA11CE))
    func slotsAreStableWhenRegionsAreAddedOrRemoved(scenario: Scenario) {
        let wanted = desired(scenario.regions, primary: scenario.primary, variants: scenario.variants, enabledBefore: scenario.enabledBefore)
        let first = plan(current: scenario.current, desired: wanted, defaultACS: scenario.defaultACS, foreign: .remove)
        guard first.fits else { return }
        let settled = after(first)
        let extra = allRegions.first { !scenario.regions.contains($0) }!
        let changedRegions = [scenario.regions + [extra], scenario.regions.count > 1 ? scenario.regions.filter { $0 != scenario.regions.last } : scenario.regions]
        for regions in changedRegions {
            let next = plan(current: settled, desired: desired(regions, primary: scenario.primary, variants: scenario.variants,
                                                               enabledBefore: scenario.enabledBefore), defaultACS: scenario.defaultACS, foreign: .remove)
            for (index, value) in next.slots.map(\.after).enumerated() {
                guard let value, let original = settled.firstIndex(of: value) else { continue }
                #expect(original == index, "\(value) moved from slot \(original + 1) to \(index + 1) when the Regions changed: \(scenario)")
            }
        }
    }
}

