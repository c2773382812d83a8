/// Plans the "AWS SSO ACS URL1..17" slots of the Okta app (product.md "How the Okta slots are filled").
/// A pure function of the app's current slots and the desired URLs: no I/O, exhaustively tested.

/// One ACS URL the instance needs registered.
public struct DesiredACS: Sendable, Hashable {
    public var url: String
    public var region: Region
    public var variant: URLVariant
    public var isPrimary: Bool

    public init(url: String, region: Region, variant: URLVariant, isPrimary: Bool) {
        self.url = url
        self.region = region
        self.variant = variant
        self.isPrimary = isPrimary
    }

    public var label: String { "\(region.name) \(variant.displayName) ACS" }
}

/// Recognises this instance's ACS URLs in any Region of its partition, from the URL forms the catalog
/// knows (documented ones and `instance.urlTemplates`) and the tenant id. Anything else is foreign.
public struct ACSURLMatcher: Sendable, Equatable {
    public var partition: Partition
    public var tenantId: String
    public var templates: [URLVariant: String]

    public init(partition: Partition, tenantId: String, templates: [URLVariant: String]) {
        self.partition = partition
        self.tenantId = tenantId
        self.templates = URLCatalog.documentedTemplates(in: partition).merging(templates) { documented, _ in documented }
    }

    public func match(_ url: String) -> (region: Region, variant: URLVariant)? {
        for variant in [URLVariant.acsIPv4, .acsAlternateIPv4, .acsDualStack] {
            guard let template = templates[variant] else { continue }
            let pattern = template.replacing(URLPlaceholder.tenantId.token, with: tenantId)
            let parts = pattern.split(separator: URLPlaceholder.region.token, maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 1 {
                continue
            }
            let (head, tail) = (parts[0], parts[1])
            guard url.hasPrefix(head), url.hasSuffix(tail), url.count > head.count + tail.count else { continue }
            let name = String(url.dropFirst(head.count).dropLast(tail.count))
            if case .success(let region) = Region.parse(name), region.partition == partition {
                return (region, variant)
            }
        }
        return nil
    }
}

public struct SlotPlanInput: Sendable, Equatable {
    public var layout: ACSSlotLayout
    /// The current value of each slot, in slot order (`nil` when empty or null).
    public var current: [String?]
    public var defaultACS: String?
    /// Desired URLs in order of preference (IPv4 before dual-stack, primary first, then by Region name).
    public var desired: [DesiredACS]
    public var matcher: ACSURLMatcher
    public var foreignURLs: OktaConfig.ForeignURLs

    public init(layout: ACSSlotLayout, current: [String?], defaultACS: String?, desired: [DesiredACS],
                matcher: ACSURLMatcher, foreignURLs: OktaConfig.ForeignURLs) {
        self.layout = layout
        self.current = current
        self.defaultACS = defaultACS
        self.desired = desired
        self.matcher = matcher
        self.foreignURLs = foreignURLs
    }
}

public struct SlotPlan: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        case empty
        case desired(DesiredACS)
        case added(DesiredACS)
        /// An ACS URL of this instance for a Region that is not (or no longer) enabled.
        case regionNotEnabled(Region)
        /// An ACS URL of this instance in a variant not listed in `okta.acsVariants`.
        case variantNotConfigured(Region, URLVariant)
        /// The same URL as the default ACS URL, which Okta already accepts.
        case sameAsDefault
        case duplicate(ofSlot: Int)
        case foreignKept
        case foreignRemoved
    }

    public struct Slot: Sendable, Equatable {
        /// 1 to 17.
        public var number: Int
        public var key: String
        public var before: String?
        public var after: String?
        public var reason: Reason
        /// Why the previous URL left, when the slot is cleared and refilled in one plan.
        public var replacedBecause: Reason?
        public var changed: Bool { before != after }
    }

    public var slots: [Slot]
    /// Desired URLs with no free slot, in preference order; when not empty, nothing may be written.
    public var unplaced: [DesiredACS]

    public var changes: [Slot] { slots.filter(\.changed) }
    public var hasChanges: Bool { slots.contains(where: \.changed) }
    public var fits: Bool { unplaced.isEmpty }
    public var foreign: [Slot] { slots.filter { $0.reason == .foreignKept || $0.reason == .foreignRemoved } }

    /// The `settings.app` values to write: only the changed slot keys (`null` empties a slot).
    public var updates: [(key: String, value: JSONValue)] {
        changes.map { ($0.key, $0.after.map(JSONValue.string) ?? .null) }
    }
}

public enum SlotPlanner {
    public static func plan(_ input: SlotPlanInput) -> SlotPlan {
        let keys = input.layout.slotKeys
        let current = (0..<keys.count).map { index -> String? in
            guard index < input.current.count, let value = input.current[index], !value.isEmpty else { return nil }
            return value
        }
        let wanted = input.desired.filter { $0.url != input.defaultACS }
        let wantedByURL = Dictionary(wanted.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })

        var after = current
        var reasons = [SlotPlan.Reason](repeating: .empty, count: keys.count)
        var replaced = [SlotPlan.Reason?](repeating: nil, count: keys.count)
        var placed: [String: Int] = [:]

        // Pass 1: every occupied slot keeps, clears or reports its URL; kept URLs never move.
        for (index, value) in current.enumerated() {
            guard let value else { continue }
            if let first = placed[value] {
                after[index] = nil
                reasons[index] = .duplicate(ofSlot: first + 1)
            } else if let desired = wantedByURL[value] {
                placed[value] = index
                reasons[index] = .desired(desired)
            } else if value == input.defaultACS {
                after[index] = nil
                reasons[index] = .sameAsDefault
            } else if let owned = input.matcher.match(value) {
                after[index] = nil
                let regionWanted = input.desired.contains { $0.region == owned.region }
                reasons[index] = regionWanted ? .variantNotConfigured(owned.region, owned.variant) : .regionNotEnabled(owned.region)
            } else if input.foreignURLs == .keep {
                placed[value] = index
                reasons[index] = .foreignKept
            } else {
                after[index] = nil
                reasons[index] = .foreignRemoved
            }
        }

        // Pass 2: missing URLs take the lowest free slots, in order of preference.
        var unplaced: [DesiredACS] = []
        for desired in wanted where placed[desired.url] == nil {
            guard let free = after.indices.first(where: { after[$0] == nil }) else {
                unplaced.append(desired)
                continue
            }
            after[free] = desired.url
            if current[free] != nil { replaced[free] = reasons[free] }
            reasons[free] = .added(desired)
            placed[desired.url] = free
        }

        // No write just to tidy: a copy of the default ACS URL or a duplicate is harmless (Okta
        // accepts those URLs already). It is cleared only when a write happens anyway; alone, it is
        // reported and left as it is.
        let tidyOnly = keys.indices.allSatisfy { index in
            guard current[index] != after[index] else { return true }
            guard after[index] == nil else { return false }
            switch reasons[index] {
            case .sameAsDefault, .duplicate: return true
            default: return false
            }
        }
        if tidyOnly { after = current }

        let slots = keys.indices.map { index in
            SlotPlan.Slot(number: index + 1, key: keys[index], before: current[index], after: after[index], reason: reasons[index],
                          replacedBecause: replaced[index])
        }
        return SlotPlan(slots: slots, unplaced: unplaced)
    }

    /// The URLs the instance needs in the slots, in order of preference: IPv4 before dual-stack,
    /// primary first, then Regions by name. The alternative IPv4 URL only for the primary of an
    /// instance enabled before February 2026.
    public static func desiredURLs(regions: [Region], variants: [ACSVariant], enabledBeforeFebruary2026: Bool,
                                   catalog: URLCatalogInput) throws(OktaAppError) -> [DesiredACS] {
        let ordered = regions.sorted { ($0 == catalog.primaryRegion ? 0 : 1, $0.name) < ($1 == catalog.primaryRegion ? 0 : 1, $1.name) }
        var families: [[URLVariant]] = []
        if variants.contains(.ipv4) || enabledBeforeFebruary2026 {
            families.append((variants.contains(.ipv4) ? [.acsIPv4] : []) + (enabledBeforeFebruary2026 ? [.acsAlternateIPv4] : []))
        }
        if variants.contains(.dualStack) { families.append([.acsDualStack]) }

        let all = URLCatalog.urls(for: ordered, enabledRegions: ordered, input: catalog)
        var result: [DesiredACS] = []
        for family in families {
            for regionURLs in all {
                for variant in family {
                    if variant == .acsAlternateIPv4 && !regionURLs.isPrimary { continue }
                    guard let entry = regionURLs.entry(variant), let url = entry.url else {
                        let why = regionURLs.entry(variant)?.explanation ?? "no URL form"
                        throw OktaAppError("cannot build the \(variant.displayName) ACS URL of \(regionURLs.region.name): \(why)")
                    }
                    result.append(DesiredACS(url: url, region: regionURLs.region, variant: variant, isPrimary: regionURLs.isPrimary))
                }
            }
        }
        return result
    }
}
