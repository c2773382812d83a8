/// The validated content of `idcsync.yaml`. Everything AWS or Okta can tell idcsync is optional here;
/// a value given in the file is checked against what is discovered later.
public struct Config: Sendable, Equatable {
    /// The path the config was read from, for messages.
    public var source: String
    /// The top-level instance/KMS/Okta/AWS sections: the default target.
    public var defaultTarget: Target
    public var vpn: VPNConfig?
    public var bookmarks: BookmarksConfig
    /// Further targets for one run over several instance/app pairs (`targets:`).
    public var targets: [Target]
    /// Warnings and notes found while reading the file (errors are thrown instead).
    public var diagnostics: [Diagnostic]

    public init(source: String, defaultTarget: Target, vpn: VPNConfig? = nil, bookmarks: BookmarksConfig = .init(),
                targets: [Target] = [], diagnostics: [Diagnostic] = []) {
        self.source = source
        self.defaultTarget = defaultTarget
        self.vpn = vpn
        self.bookmarks = bookmarks
        self.targets = targets
        self.diagnostics = diagnostics
    }

    /// The target a single-target command works on: the named one, or the top-level sections.
    public func target(named name: String?) -> Target? {
        guard let name else { return defaultTarget }
        return targets.first { $0.name == name }
    }
}

/// One IAM Identity Center instance and the Okta app that federates into it.
public struct Target: Sendable, Equatable {
    /// `nil` for the top-level sections.
    public var name: String?
    public var instance: InstanceConfig
    public var kms: KMSConfig
    public var okta: OktaConfig?
    public var aws: AWSConfig

    public init(name: String? = nil, instance: InstanceConfig = .init(), kms: KMSConfig = .init(),
                okta: OktaConfig? = nil, aws: AWSConfig = .init()) {
        self.name = name
        self.instance = instance
        self.kms = kms
        self.okta = okta
        self.aws = aws
    }

    /// The partition of the instance: from its ARN, else from its primary Region, else the key.
    public var partition: Partition? {
        instance.arn?.partition ?? instance.primaryRegion?.partition ?? kms.keyArn?.partition
    }

    /// The management account: given, or the account of the instance's key (the key must live there).
    public var managementAccount: AccountID? {
        instance.accountId ?? kms.keyArn?.account
    }
}

public struct InstanceConfig: Sendable, Equatable {
    public var arn: InstanceARN?
    /// The management account that owns the instance.
    public var accountId: AccountID?
    public var primaryRegion: Region?
    public var identityStoreId: IdentityStoreID?
    /// Opaque: the last path segment of the instance's ACS URLs. No AWS API returns it.
    public var tenantId: String?
    /// The access portal alias (`https://{alias}.awsapps.com/start`). No AWS API returns it.
    public var customAlias: String?
    /// Enabled Regions, primary included. For offline use; otherwise ListRegions is the truth.
    public var regions: [Region]?
    /// Whether the instance was enabled before February 2026 (it then keeps the alternative IPv4 ACS URL).
    public var enabledBeforeFebruary2026: Bool?
    /// URL templates for hosts AWS does not document in the instance's partition.
    public var urlTemplates: [URLVariant: String]
    /// Who writes the instance's additional Regions (AddRegion / RemoveRegion).
    public var owner: Owner
    /// The company start URL that redirects to a healthy Region's access portal. No AWS API knows it.
    public var startUrl: StartURL?

    public init(arn: InstanceARN? = nil, accountId: AccountID? = nil, primaryRegion: Region? = nil,
                identityStoreId: IdentityStoreID? = nil, tenantId: String? = nil, customAlias: String? = nil,
                regions: [Region]? = nil, enabledBeforeFebruary2026: Bool? = nil, urlTemplates: [URLVariant: String] = [:],
                owner: Owner = .idcsync, startUrl: StartURL? = nil) {
        self.arn = arn
        self.accountId = accountId
        self.primaryRegion = primaryRegion
        self.identityStoreId = identityStoreId
        self.tenantId = tenantId
        self.customAlias = customAlias
        self.regions = regions
        self.enabledBeforeFebruary2026 = enabledBeforeFebruary2026
        self.urlTemplates = urlTemplates
        self.owner = owner
        self.startUrl = startUrl
    }

    /// The instance's Regions, primary first then by name; the primary alone when no list is given.
    public var effectiveRegions: [Region] {
        var result: [Region] = []
        if let primaryRegion { result.append(primaryRegion) }
        for region in (regions ?? []).sorted() where !result.contains(region) { result.append(region) }
        return result
    }
}

public struct KMSConfig: Sendable, Equatable {
    public enum DelegatedAdministrators: Sendable, Equatable {
        /// Discover with Organizations ListDelegatedAdministrators (`sso.amazonaws.com`).
        case auto
        case accounts([AccountID])
    }

    public var keyArn: KeyARN?
    /// Principals of the key-administrator statement; empty means the management account root.
    public var keyAdministrators: [PrincipalARN]
    public var delegatedAdministrators: DelegatedAdministrators
    /// Permission-set name patterns whose `AWSReservedSSO_` roles administer IAM Identity Center.
    public var adminPermissionSets: [String]
    /// Further IAM roles that administer IAM Identity Center (e.g. the role idcsync runs as).
    public var adminRoles: [AdminRole]
    /// Pin the encryption context to this instance and identity store instead of `*`.
    public var pinned: Bool
    public var organizationId: OrganizationID?
    public var managedApplications: Bool
    public var controlTower: Bool
    public var customWorkflowRoles: [PrincipalARN]
    /// Who writes the keys' policies and creates the replica keys.
    public var owner: Owner

    public init(keyArn: KeyARN? = nil, keyAdministrators: [PrincipalARN] = [], delegatedAdministrators: DelegatedAdministrators = .auto,
                adminPermissionSets: [String] = ["*"], adminRoles: [AdminRole] = [], pinned: Bool = false, organizationId: OrganizationID? = nil,
                managedApplications: Bool = false, controlTower: Bool = false, customWorkflowRoles: [PrincipalARN] = [], owner: Owner = .idcsync) {
        self.keyArn = keyArn
        self.keyAdministrators = keyAdministrators
        self.delegatedAdministrators = delegatedAdministrators
        self.adminPermissionSets = adminPermissionSets
        self.adminRoles = adminRoles
        self.pinned = pinned
        self.organizationId = organizationId
        self.managedApplications = managedApplications
        self.controlTower = controlTower
        self.customWorkflowRoles = customWorkflowRoles
        self.owner = owner
    }
}

public struct OktaConfig: Sendable, Equatable {
    public enum Auth: Sendable, Equatable {
        /// `Authorization: SSWS` with a token from `OKTA_CLIENT_TOKEN` / `OKTA_API_TOKEN`, or read from `tokenFile`.
        case ssws(tokenFile: String?)
        /// OAuth 2.0 service app with private_key_jwt; the key comes from `privateKeyFile` or `OKTA_CLIENT_PRIVATEKEY`.
        case privateKey(clientId: String, privateKeyFile: String?, keyId: String?)
    }

    public enum ForeignURLs: String, Sendable, Equatable, CaseIterable {
        case keep, remove
    }

    public enum SlotKeys: Sendable, Equatable {
        case auto
        case explicit([String])
    }

    public var orgUrl: String?
    public var appId: String?
    public var auth: Auth
    public var acsVariants: [ACSVariant]
    public var foreignUrls: ForeignURLs
    public var slotKeys: SlotKeys
    public var tiles: TilesConfig?
    /// Per request, connect to last byte.
    public var timeoutSeconds: Int
    /// The longest wait for Okta's rate limit to reset before giving up.
    public var rateLimitMaxWaitSeconds: Int
    /// Where backups of apps are written before every write (relative paths: to the config file).
    public var backupDir: String
    /// Who writes the Okta apps idcsync manages (the IdC app's settings, the tiles, the Client VPN app).
    public var owner: Owner

    public init(orgUrl: String? = nil, appId: String? = nil, auth: Auth = .ssws(tokenFile: nil), acsVariants: [ACSVariant] = [.ipv4, .dualStack],
                foreignUrls: ForeignURLs = .keep, slotKeys: SlotKeys = .auto, tiles: TilesConfig? = nil,
                timeoutSeconds: Int = 30, rateLimitMaxWaitSeconds: Int = 120, backupDir: String = "idcsync-backups", owner: Owner = .idcsync) {
        self.orgUrl = orgUrl
        self.appId = appId
        self.auth = auth
        self.acsVariants = acsVariants
        self.foreignUrls = foreignUrls
        self.slotKeys = slotKeys
        self.tiles = tiles
        self.timeoutSeconds = timeoutSeconds
        self.rateLimitMaxWaitSeconds = rateLimitMaxWaitSeconds
        self.backupDir = backupDir
        self.owner = owner
    }
}

public struct TilesConfig: Sendable, Equatable {
    public enum Portal: String, Sendable, Equatable, CaseIterable {
        case alternateIPv4 = "alternate-ipv4"
        case dualStack = "dualstack"
        /// One tile for the company start URL (`instance.startUrl`) instead of one per Region.
        case startURL = "start-url"
    }
    public static let defaultLabel = "AWS access portal - {name} ({region})"

    public var enabled: Bool
    public var portal: Portal
    /// The tile's label: `{region}` (code), `{name}` (English location), `{nameJa}` (Japanese location).
    public var label: String
    /// Shown under the tile on the end-user dashboard (`settings.notes.enduser`); same placeholders.
    public var note: String?
    /// A tile for the primary Region's own regional portal too.
    public var primary: Bool
    /// Remove groups assigned to a tile by hand (by default only the IdC app's groups are mirrored).
    public var exactGroups: Bool

    public init(enabled: Bool = true, portal: Portal = .alternateIPv4, label: String = TilesConfig.defaultLabel, note: String? = nil,
                primary: Bool = false, exactGroups: Bool = false) {
        self.enabled = enabled
        self.portal = portal
        self.label = label
        self.note = note
        self.primary = primary
        self.exactGroups = exactGroups
    }
}

public struct AWSConfig: Sendable, Equatable {
    /// A profile of `~/.aws/config` (the environment's `AWS_PROFILE` wins over it).
    public var profile: String?
    /// The Region for API calls that are not tied to a Region of the instance.
    public var region: Region?
    public init(profile: String? = nil, region: Region? = nil) {
        self.profile = profile
        self.region = region
    }
}

public struct VPNConfig: Sendable, Equatable {
    public struct AuthorizationRule: Sendable, Equatable {
        public var cidr: String
        /// An Okta group name; `nil` authorizes all users.
        public var group: String?

        public init(cidr: String, group: String?) {
            self.cidr = cidr
            self.group = group
        }
    }

    public var region: Region?
    public var vpcId: String?
    public var subnetIds: [String]
    public var clientCidr: String?
    public var dnsServers: [String]
    public var splitTunnel: Bool?
    public var transport: String?
    public var port: Int?
    public var sessionTimeoutHours: Int?
    public var selfServicePortal: Bool?
    public var connectionLogging: Bool?
    public var securityGroupIds: [String]
    public var serverCertificateArn: String?
    public var serverCertificateDomain: String?
    public var samlProviderName: String?
    public var oktaAppId: String?
    public var authorizationRules: [AuthorizationRule]

    public init() {
        subnetIds = []
        dnsServers = []
        securityGroupIds = []
        authorizationRules = []
    }
}

public struct BookmarksConfig: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable, CaseIterable {
        case markdown, html, netscape
        case awsConfig = "aws-config"
        case json
    }
    public enum Language: String, Sendable, Equatable, CaseIterable {
        case en, ja
    }

    public var out: String?
    public var formats: [Format]
    public var languages: [Language]

    public init(out: String? = nil, formats: [Format] = [.markdown, .html, .netscape, .awsConfig], languages: [Language] = [.en]) {
        self.out = out
        self.formats = formats
        self.languages = languages
    }
}
