/// Every sign-in (ACS) and access-portal URL of every Region of an instance, with whether it works there.
///
/// Source: IAM Identity Center user guide, "multi-region-workforce-access" (see domain-facts section 1).
/// The rules are partition-independent; the host names are documented for the `aws` partition only
/// (plus the GovCloud start page), so elsewhere the operator supplies them as `instance.urlTemplates`,
/// except the aws-cn Regional portals, whose forms the AWS CLI's start URL resolver knows.

/// One of the seven URL forms of a Region.
public enum URLVariant: String, Sendable, CaseIterable, Comparable {
    case acsIPv4 = "acs-ipv4"
    case acsAlternateIPv4 = "acs-alternate-ipv4"
    case acsDualStack = "acs-dualstack"
    case portalClassic = "portal-classic"
    case portalAlias = "portal-alias"
    case portalAlternateIPv4 = "portal-alternate-ipv4"
    case portalDualStack = "portal-dualstack"

    public enum Kind: String, Sendable { case acs, portal }

    public var kind: Kind { rawValue.hasPrefix("acs-") ? .acs : .portal }

    /// The variant name without its kind, as used in `okta.acsVariants` and in tables.
    public var shortName: String { String(rawValue.drop { $0 != "-" }.dropFirst()) }

    public var displayName: String {
        switch self {
        case .acsIPv4: "IPv4"
        case .acsAlternateIPv4, .portalAlternateIPv4: "alternative IPv4"
        case .acsDualStack, .portalDualStack: "dual-stack"
        case .portalClassic: "classic"
        case .portalAlias: "custom alias"
        }
    }

    /// Works only in the primary Region.
    public var isPrimaryOnly: Bool { [.acsAlternateIPv4, .portalClassic, .portalAlias].contains(self) }

    public static func < (lhs: URLVariant, rhs: URLVariant) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The ACS variants an operator can ask to register in Okta (`okta.acsVariants`). The alternative IPv4
/// ACS is not selectable: idcsync keeps it exactly when the instance still uses it.
public enum ACSVariant: String, Sendable, CaseIterable {
    case ipv4
    case dualStack = "dualstack"

    public var urlVariant: URLVariant { self == .ipv4 ? .acsIPv4 : .acsDualStack }
}

/// A placeholder that URL templates may use.
public enum URLPlaceholder: String, Sendable, CaseIterable {
    case region, tenantId, identityStoreId, instanceId, alias

    public var token: String { "{\(rawValue)}" }
}

public struct URLCatalogInput: Sendable, Equatable {
    public var partition: Partition
    public var primaryRegion: Region
    public var instanceId: String?
    public var identityStoreId: IdentityStoreID?
    public var tenantId: String?
    public var customAlias: String?
    public var enabledBeforeFebruary2026: Bool?
    public var templates: [URLVariant: String]

    public init(partition: Partition, primaryRegion: Region, instanceId: String? = nil, identityStoreId: IdentityStoreID? = nil,
                tenantId: String? = nil, customAlias: String? = nil, enabledBeforeFebruary2026: Bool? = nil,
                templates: [URLVariant: String] = [:]) {
        self.partition = partition
        self.primaryRegion = primaryRegion
        self.instanceId = instanceId
        self.identityStoreId = identityStoreId
        self.tenantId = tenantId
        self.customAlias = customAlias
        self.enabledBeforeFebruary2026 = enabledBeforeFebruary2026
        self.templates = templates
    }
}

extension URLCatalogInput {
    /// What the config says of the instance, given its partition and primary Region.
    public init(instance: InstanceConfig, partition: Partition, primaryRegion: Region) {
        self.init(partition: partition, primaryRegion: primaryRegion, instanceId: instance.arn?.instanceId,
                  identityStoreId: instance.identityStoreId, tenantId: instance.tenantId, customAlias: instance.customAlias,
                  enabledBeforeFebruary2026: instance.enabledBeforeFebruary2026, templates: instance.urlTemplates)
    }
}

public struct URLEntry: Sendable, Equatable {
    public enum Status: String, Sendable { case works, doesNotWork = "does-not-work", unknown }

    /// Why a URL does not work, or why idcsync cannot tell.
    public enum Reason: String, Sendable, CaseIterable {
        case primaryOnly = "primary-only"
        case aliasNotSet = "alias-not-set"
        case notUsedSinceFebruary2026 = "not-used-since-2026-02"
        case enabledDateUnknown = "enabled-date-unknown"
        case undocumentedInPartition = "undocumented-in-partition"
        case missingTenantId = "missing-tenant-id"
        case missingIdentityStoreId = "missing-identity-store-id"
        case missingInstanceArn = "missing-instance-arn"
    }

    /// Where the URL form came from: AWS's documentation, `instance.urlTemplates`, or the host forms the
    /// AWS CLI's start URL resolver knows (not in AWS docs; see `PortalHostForm`).
    public enum Source: String, Sendable { case documented, config, awsCLI = "aws-cli" }

    public var variant: URLVariant
    public var url: String?
    public var status: Status
    public var reason: Reason?
    /// One sentence for people: why it does not work, what is unknown and how to supply it, or when to use it.
    public var explanation: String
    public var source: Source?
}

public struct RegionURLs: Sendable, Equatable {
    public var region: Region
    public var isPrimary: Bool
    /// Whether the Region is one of the instance's Regions (false for a Region asked about before adding it).
    public var isEnabled: Bool
    public var entries: [URLEntry]

    public func entry(_ variant: URLVariant) -> URLEntry? { entries.first { $0.variant == variant } }
}

public enum URLCatalog {
    /// The URL forms AWS documents for a partition. Anything absent is undocumented there.
    public static func documentedTemplates(in partition: Partition) -> [URLVariant: String] {
        switch partition {
        case .aws:
            [
                .acsIPv4: "https://{region}.signin.aws/platform/saml/acs/{tenantId}",
                .acsAlternateIPv4: "https://{region}.signin.aws.amazon.com/platform/saml/acs/{tenantId}",
                .acsDualStack: "https://{region}.sso.signin.aws/platform/saml/acs/{tenantId}",
                .portalClassic: "https://{identityStoreId}.awsapps.com/start",
                .portalAlias: "https://{alias}.awsapps.com/start",
                .portalAlternateIPv4: "https://{instanceId}.{region}.portal.amazonaws.com",
                .portalDualStack: "https://{instanceId}.portal.{region}.app.aws",
            ]
        case .awsUSGov:
            // The GovCloud start page is documented; its ACS and regional portal hosts are not.
            [
                .portalClassic: "https://start.us-gov-home.awsapps.com/directory/{identityStoreId}",
                .portalAlias: "https://start.us-gov-home.awsapps.com/directory/{alias}",
            ]
        case .awsCN:
            [:]
        }
    }

    /// Regional portal forms known from the AWS CLI's start URL resolver where AWS documents none; a
    /// template in `instance.urlTemplates` takes precedence over them.
    public static func resolverTemplates(in partition: Partition) -> [URLVariant: String] {
        switch partition {
        case .awsCN: [.portalAlternateIPv4: PortalHostForm.chinaIPv4.template, .portalDualStack: PortalHostForm.chinaDualStack.template]
        case .aws, .awsUSGov: [:]
        }
    }

    /// The URLs of each Region, in the order given.
    public static func urls(for regions: [Region], enabledRegions: [Region], input: URLCatalogInput) -> [RegionURLs] {
        regions.map { region in
            let isPrimary = region == input.primaryRegion
            return RegionURLs(
                region: region,
                isPrimary: isPrimary,
                isEnabled: enabledRegions.contains(region),
                entries: URLVariant.allCases.map { entry(for: $0, region: region, isPrimary: isPrimary, input: input) }
            )
        }
    }

    static func entry(for variant: URLVariant, region: Region, isPrimary: Bool, input: URLCatalogInput) -> URLEntry {
        let documented = documentedTemplates(in: input.partition)[variant]
        let configured = input.templates[variant]
        let resolver = resolverTemplates(in: input.partition)[variant]
        let template = documented ?? configured ?? resolver
        let source: URLEntry.Source? = documented != nil ? .documented : configured != nil ? .config : resolver != nil ? .awsCLI : nil
        let expansion = template.map { expand($0, region: region, input: input) }
        let url = expansion?.url

        func make(_ status: URLEntry.Status, _ reason: URLEntry.Reason?, _ explanation: String, url: String? = url) -> URLEntry {
            URLEntry(variant: variant, url: url, status: status, reason: reason, explanation: explanation, source: source)
        }

        // Rules that make a URL useless in this Region come first: they hold whatever the host is.
        if variant.isPrimaryOnly && !isPrimary {
            return make(.doesNotWork, .primaryOnly, "works only in the primary Region (\(input.primaryRegion.name))")
        }
        if variant == .portalAlias && input.customAlias == nil {
            return make(.doesNotWork, .aliasNotSet, "no custom alias is set for the access portal (instance.customAlias)", url: nil)
        }
        if variant == .acsAlternateIPv4 && input.enabledBeforeFebruary2026 == false {
            return make(.doesNotWork, .notUsedSinceFebruary2026, "not used by instances enabled from February 2026")
        }
        guard let expansion else {
            return make(.unknown, .undocumentedInPartition,
                        "AWS does not document this host in partition \(input.partition.rawValue); give its form in instance.urlTemplates.\(variant.rawValue)",
                        url: nil)
        }
        if let missing = expansion.missing.first {
            return make(.unknown, missing.reason, missing.explanation, url: nil)
        }
        if variant == .acsAlternateIPv4 && input.enabledBeforeFebruary2026 == nil {
            return make(.unknown, .enabledDateUnknown,
                        "used only by instances enabled before February 2026, which must keep it; set instance.enabledBeforeFebruary2026 (idcsync also reads it from the Okta app's default ACS URL)")
        }
        let note = source == .awsCLI
            ? "; host form from the AWS CLI's start URL resolver (AWS documents none in \(input.partition.rawValue)): check it once in a browser"
            : ""
        return make(.works, nil, usage(of: variant, isPrimary: isPrimary) + note)
    }

    private static func usage(of variant: URLVariant, isPrimary: Bool) -> String {
        switch variant {
        case .acsIPv4: "SAML sign-in over IPv4"
        case .acsAlternateIPv4: "kept for this instance (enabled before February 2026): SP-initiated sign-in to the primary Region needs it"
        case .acsDualStack: "SAML sign-in over IPv4 or IPv6"
        case .portalClassic: "the primary Region's access portal"
        case .portalAlias: "the primary Region's access portal under its custom alias"
        case .portalAlternateIPv4: isPrimary ? "this Region's access portal over IPv4" : "this Region's access portal over IPv4; use it when the primary Region is down"
        case .portalDualStack: isPrimary ? "this Region's access portal over IPv4 or IPv6" : "this Region's access portal over IPv4 or IPv6; use it when the primary Region is down"
        }
    }

    struct Expansion {
        var url: String?
        var missing: [(reason: URLEntry.Reason, explanation: String)]
    }

    static func expand(_ template: String, region: Region, input: URLCatalogInput) -> Expansion {
        var url = template
        var missing: [(URLEntry.Reason, String)] = []
        for placeholder in URLPlaceholder.allCases where template.contains(placeholder.token) {
            let value: String?
            switch placeholder {
            case .region: value = region.name
            case .alias:
                value = input.customAlias
                if value == nil {
                    missing.append((.aliasNotSet, "no custom alias is set for the access portal (instance.customAlias)"))
                }
            case .tenantId:
                value = input.tenantId
                if value == nil {
                    missing.append((.missingTenantId, "the tenant id is unknown; set instance.tenantId (the last path segment of an ACS URL shown in the IAM Identity Center console), or let idcsync read it from the Okta app"))
                }
            case .identityStoreId:
                value = input.identityStoreId?.value
                if value == nil {
                    missing.append((.missingIdentityStoreId, "the identity store id is unknown; set instance.identityStoreId (d-xxxxxxxxxx)"))
                }
            case .instanceId:
                value = input.instanceId
                if value == nil {
                    missing.append((.missingInstanceArn, "the instance id is unknown; set instance.arn"))
                }
            }
            if let value { url = url.replacing(placeholder.token, with: value) }
        }
        return Expansion(url: missing.isEmpty ? url : nil, missing: missing)
    }
}
