import Yams

/// Reads `idcsync.yaml` text into a `Config`, reporting every problem with its file, line, field and
/// what is allowed. Pure: the caller reads the file and passes the environment in.
public enum ConfigParser {
    /// Environment variables that override config fields (Okta SDK names).
    public static let orgURLVariable = "OKTA_CLIENT_ORGURL"

    static let sections: [String: [String]] = [
        "": ["instance", "kms", "okta", "aws", "vpn", "bookmarks", "targets"],
        "instance": ["arn", "accountId", "primaryRegion", "identityStoreId", "tenantId", "customAlias", "regions",
                     "enabledBeforeFebruary2026", "urlTemplates", "owner", "startUrl"],
        "kms": ["keyArn", "keyAdministrators", "delegatedAdministrators", "adminPermissionSets", "adminRoles", "pinned",
                "organizationId", "managedApplications", "controlTower", "customWorkflowRoles", "owner"],
        "okta": ["orgUrl", "appId", "auth", "acsVariants", "foreignUrls", "slotKeys", "tiles", "timeoutSeconds",
                 "rateLimitMaxWaitSeconds", "backupDir", "owner"],
        "okta.auth": ["mode", "tokenFile", "clientId", "privateKeyFile", "keyId"],
        "okta.tiles": ["enabled", "portal", "label", "note", "primary", "exactGroups"],
        "aws": ["profile", "region"],
        "vpn": ["region", "vpcId", "subnetIds", "clientCidr", "dnsServers", "splitTunnel", "transport", "port",
                "sessionTimeoutHours", "selfServicePortal", "connectionLogging", "securityGroupIds", "serverCertificateArn",
                "serverCertificateDomain", "samlProviderName", "oktaAppId", "authorizationRules"],
        "vpn.authorizationRules": ["cidr", "group"],
        "bookmarks": ["out", "formats", "languages"],
        "targets": ["name", "instance", "kms", "okta", "aws"],
    ]

    /// For an unknown key that exists in another section: where it belongs.
    static let homes: [String: String] = {
        var homes: [String: String] = [:]
        for (section, keys) in sections where !section.isEmpty && !section.contains(".") && section != "targets" {
            for key in keys where homes[key] == nil { homes[key] = section }
        }
        return homes
    }()

    static let secretRules: [String: String] = {
        let token = "put an API token in the environment (OKTA_API_TOKEN or OKTA_CLIENT_TOKEN), or use okta.auth.mode: privateKey with privateKeyFile or OKTA_CLIENT_PRIVATEKEY"
        return ["token": token, "apitoken": token, "ssws": token, "clienttoken": token, "privatekey": token,
                "clientsecret": token, "password": token, "secret": token]
    }()

    /// How deep libyaml lets maps and lists nest (its `MAX_NESTING_LEVEL`); an idcsync config
    /// needs at most `configDepth`.
    static let yamlNestingLimit = 1000
    static let configDepth = 5

    public static func parse(yaml text: String, file: String, environment: [String: String] = [:]) throws(DiagnosticsError) -> Config {
        let reader = YAMLReader(file: file)
        // A byte order mark at the start (editors on Windows write one) is accepted; anywhere else
        // it is invisible in an editor and breaks the YAML in ways libyaml cannot explain.
        let yaml = text.unicodeScalars.first == byteOrderMark ? String(text.unicodeScalars.dropFirst()) : text
        if let mark = misplacedByteOrderMark(yaml) {
            throw DiagnosticsError([Diagnostic(.error, code: "config.bom",
                "a UTF-8 byte order mark (U+FEFF, bytes EF BB BF) inside the file, invisible in most editors (two files joined?); delete it (only the very start of the file may have one)",
                location: FileLocation(file: file, line: mark.line, column: mark.column))])
        }
        let root: Node?
        do {
            // The basic resolver leaves every scalar a string: idcsync reads types itself, and the
            // default resolver's regular expressions cost more start-up time than the whole parse.
            root = try Yams.compose(yaml: yaml, .basic)
        } catch {
            throw DiagnosticsError([yamlSyntaxDiagnostic(error, file: file)])
        }
        var config = Config(source: file, defaultTarget: Target())
        let origins = read(root, into: &config, environment: environment, reader: reader)
        ConfigValidator.validate(config, origins: origins, reader: reader)
        let diagnostics = reader.diagnostics
        if diagnostics.contains(where: { $0.severity == .error }) { throw DiagnosticsError(diagnostics) }
        config.diagnostics = diagnostics
        return config
    }

    // MARK: Top level

    /// Reads the document; returns where each target's sections were written (default target first).
    /// The environment applies to the top-level sections before targets inherit them.
    private static func read(_ root: Node?, into config: inout Config, environment: [String: String], reader: YAMLReader) -> [SectionOrigins] {
        let pairs = root.flatMap { reader.mapping($0, field: "(top level)") } ?? []
        reader.checkKeys(pairs, allowed: sections[""]!, section: "", secrets: secretRules)
        var origins = [SectionOrigins()]
        config.defaultTarget = readTarget(pairs, prefix: "", reader: reader, inheriting: nil, origins: &origins[0])
        applyEnvironment(environment, to: &config.defaultTarget, reader: reader)
        for pair in pairs {
            switch pair.key {
            case "vpn": config.vpn = readVPN(pair.value, field: "vpn", reader: reader)
            case "bookmarks": config.bookmarks = readBookmarks(pair.value, field: "bookmarks", reader: reader)
            case "targets":
                let (targets, targetOrigins) = readTargets(pair.value, reader: reader, defaults: config.defaultTarget)
                config.targets = targets
                origins += targetOrigins
            default: break
            }
        }
        return origins
    }

    /// The instance/kms/okta/aws sections of the top level or of one `targets` entry. A target's
    /// missing section is the top-level one.
    private static func readTarget(_ pairs: [YAMLReader.Pair], prefix: String, reader: YAMLReader, inheriting defaults: Target?,
                                   origins: inout SectionOrigins) -> Target {
        var target = defaults ?? Target()
        target.name = nil
        for pair in pairs {
            let field = prefix + pair.key
            switch pair.key {
            case "instance": target.instance = readInstance(pair.value, field: field, reader: reader)
            case "kms": target.kms = readKMS(pair.value, field: field, reader: reader)
            case "okta": target.okta = readOkta(pair.value, field: field, reader: reader)
            case "aws": target.aws = readAWS(pair.value, field: field, reader: reader)
            default: continue
            }
            origins.prefixes[pair.key] = prefix
        }
        return target
    }

    private static func readTargets(_ node: Node, reader: YAMLReader, defaults: Target) -> ([Target], [SectionOrigins]) {
        guard let elements = reader.sequence(node, field: "targets", example: "[{name: prod, instance: {...}, okta: {...}}]") else { return ([], []) }
        var targets: [Target] = []
        var allOrigins: [SectionOrigins] = []
        var names: [String: Node] = [:]
        for (index, element) in elements.enumerated() {
            let field = "targets[\(index)]"
            guard let pairs = reader.mapping(element, field: field) else { continue }
            reader.checkKeys(pairs, allowed: sections["targets"]!, section: field, secrets: secretRules)
            var origins = SectionOrigins()
            var target = readTarget(pairs, prefix: field + ".", reader: reader, inheriting: defaults, origins: &origins)
            guard let namePair = pairs.first(where: { $0.key == "name" }) else {
                reader.error("missing", "every target needs a name (letters, digits, . _ -), e.g. name: prod", field: field, at: element)
                continue
            }
            guard let name = reader.string(namePair.value, field: field + ".name") else { continue }
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
                reader.error("value", "\"\(name)\" is not a target name; use letters, digits, '.', '_' and '-' (it names files and metrics labels)",
                             field: field + ".name", at: namePair.value)
                continue
            }
            if let first = names[name] {
                reader.error("duplicate", "target name \"\(name)\" is used twice (first at line \(first.mark?.line ?? 0)); names must be unique",
                             field: field + ".name", at: namePair.value)
                continue
            }
            names[name] = namePair.value
            target.name = name
            targets.append(target)
            allOrigins.append(origins)
        }
        return (targets, allOrigins)
    }

    // MARK: instance

    private static func readInstance(_ node: Node, field section: String, reader: YAMLReader) -> InstanceConfig {
        var instance = InstanceConfig()
        guard let pairs = reader.mapping(node, field: section) else { return instance }
        reader.checkKeys(pairs, allowed: sections["instance"]!, section: section, elsewhere: homes, secrets: secretRules)
        for pair in pairs {
            let field = "\(section).\(pair.key)"
            switch pair.key {
            case "arn": instance.arn = reader.parse(pair.value, field: field, InstanceARN.parse)
            case "accountId": instance.accountId = reader.parse(pair.value, field: field, AccountID.parse)
            case "primaryRegion": instance.primaryRegion = readRegion(pair.value, field: field, reader: reader)
            case "identityStoreId": instance.identityStoreId = reader.parse(pair.value, field: field, IdentityStoreID.parse)
            case "tenantId": instance.tenantId = reader.parse(pair.value, field: field, parseTenantId)
            case "customAlias": instance.customAlias = reader.parse(pair.value, field: field, parseAlias)
            case "regions":
                if let regions = reader.uniqueList(pair.value, field: field, example: "[ap-northeast-1, ap-northeast-3]", what: "Region", Region.parse) {
                    instance.regions = regions
                    for (index, region) in regions.enumerated() { warnNearMiss(region, field: "\(field)[\(index)]", node: pair.value, reader: reader) }
                }
            case "enabledBeforeFebruary2026": instance.enabledBeforeFebruary2026 = reader.bool(pair.value, field: field)
            case "urlTemplates": instance.urlTemplates = readURLTemplates(pair.value, field: field, reader: reader)
            case "owner": instance.owner = reader.choice(pair.value, field: field, as: Owner.self) ?? .idcsync
            case "startUrl": instance.startUrl = reader.parse(pair.value, field: field, StartURL.parse)
            default: break
            }
        }
        return instance
    }

    private static func readRegion(_ node: Node, field: String, reader: YAMLReader) -> Region? {
        let region = reader.parse(node, field: field, Region.parse)
        if let region { warnNearMiss(region, field: field, node: node, reader: reader) }
        return region
    }

    private static func warnNearMiss(_ region: Region, field: String, node: Node, reader: YAMLReader) {
        if let suggestion = region.nearMiss {
            reader.warning("unknown-region", "\(region.name) is not a Region this release of idcsync knows; did you mean \(suggestion)?", field: field, at: node)
        }
    }

    /// Opaque, but it becomes the last path segment of URLs, so it must be one plain segment.
    static func parseTenantId(_ text: String) -> Result<String, IdentifierError> {
        if text.hasPrefix("https://") || text.hasPrefix("http://") {
            let segment = text.split(separator: "/").last.map(String.init) ?? ""
            return .failure(IdentifierError("\"\(text)\" is a whole URL; give only the tenant id, the last path segment of an ACS URL (here \"\(segment)\")"))
        }
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            return .failure(IdentifierError("\"\(text)\" is not a tenant id; it is the last path segment of an ACS URL: letters, digits, '-', '_' or '.' only"))
        }
        return .success(text)
    }

    static func parseAlias(_ text: String) -> Result<String, IdentifierError> {
        if text.contains(".") || text.contains("/") {
            let label = text.replacing("https://", with: "").split(separator: ".").first.map(String.init) ?? text
            return .failure(IdentifierError("\"\(text)\" is not an alias; give only the first label of the portal host (for https://example.awsapps.com/start that is \"\(label)\")"))
        }
        guard (1...63).contains(text.count), text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
              text.first != "-", text.last != "-"
        else {
            return .failure(IdentifierError("\"\(text)\" is not an access portal alias; use 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen"))
        }
        return .success(text)
    }

    private static func readURLTemplates(_ node: Node, field section: String, reader: YAMLReader) -> [URLVariant: String] {
        guard let pairs = reader.mapping(node, field: section) else { return [:] }
        var templates: [URLVariant: String] = [:]
        let allowed = URLVariant.allCases.map(\.rawValue)
        reader.checkKeys(pairs, allowed: allowed, section: section)
        for pair in pairs {
            guard let variant = URLVariant(rawValue: pair.key) else { continue }
            let field = "\(section).\(pair.key)"
            guard let template = reader.string(pair.value, field: field) else { continue }
            guard template.hasPrefix("https://") else {
                reader.error("value", "\"\(template)\" must start with https://", field: field, at: pair.value)
                continue
            }
            let known = Set(URLPlaceholder.allCases.map(\.token))
            let unknown = placeholders(in: template).filter { !known.contains($0) }
            guard unknown.isEmpty else {
                reader.error("value", "unknown placeholder \(unknown.joined(separator: ", ")); allowed: \(URLPlaceholder.allCases.map(\.token).joined(separator: ", "))",
                             field: field, at: pair.value)
                continue
            }
            templates[variant] = template
        }
        return templates
    }

    private static func placeholders(in template: String) -> [String] {
        var result: [String] = []
        var current: String?
        for character in template {
            if character == "{" { current = "{" } else if character == "}", let open = current {
                result.append(open + "}")
                current = nil
            } else if current != nil { current!.append(character) }
        }
        return result
    }

    // MARK: kms

    private static func readKMS(_ node: Node, field section: String, reader: YAMLReader) -> KMSConfig {
        var kms = KMSConfig()
        guard let pairs = reader.mapping(node, field: section) else { return kms }
        reader.checkKeys(pairs, allowed: sections["kms"]!, section: section, elsewhere: homes, secrets: secretRules)
        for pair in pairs {
            let field = "\(section).\(pair.key)"
            switch pair.key {
            case "keyArn": kms.keyArn = reader.parse(pair.value, field: field, KeyARN.parse)
            case "keyAdministrators":
                kms.keyAdministrators = reader.uniqueList(pair.value, field: field, example: "[arn:aws:iam::111122223333:role/KeyAdmin]",
                                                          what: "principal", PrincipalARN.parse) ?? []
                if kms.keyAdministrators.isEmpty, pair.value.sequence != nil {
                    reader.error("empty", "an empty list would leave the key without administrators; remove the key to use the management account root",
                                 field: field, at: pair.value)
                }
            case "delegatedAdministrators":
                if pair.value.scalar?.string == "auto" {
                    kms.delegatedAdministrators = .auto
                } else if pair.value.sequence != nil || reader.isNull(pair.value) {
                    kms.delegatedAdministrators = .accounts(
                        reader.uniqueList(pair.value, field: field, example: "[444455556666]", what: "account", AccountID.parse) ?? [])
                } else {
                    reader.error("value", "expected auto or a list of 12-digit account ids such as [444455556666], found \(reader.describe(pair.value))",
                                 field: field, at: pair.value)
                }
            case "adminPermissionSets":
                kms.adminPermissionSets = reader.uniqueList(pair.value, field: field, example: "[\"*\"] or [AdministratorAccess]",
                                                            what: "pattern", parsePermissionSetPattern) ?? ["*"]
                if kms.adminPermissionSets.isEmpty {
                    reader.error("empty", "give at least one permission-set name or pattern; \"*\" matches every permission set", field: field, at: pair.value)
                }
            case "adminRoles":
                kms.adminRoles = reader.uniqueList(pair.value, field: field, example: "[arn:aws:iam::111122223333:role/idcsync]",
                                                   what: "role", AdminRole.parse) ?? []
            case "pinned": kms.pinned = reader.bool(pair.value, field: field) ?? false
            case "organizationId": kms.organizationId = reader.parse(pair.value, field: field, OrganizationID.parse)
            case "managedApplications": kms.managedApplications = reader.bool(pair.value, field: field) ?? false
            case "controlTower": kms.controlTower = reader.bool(pair.value, field: field) ?? false
            case "customWorkflowRoles":
                kms.customWorkflowRoles = reader.uniqueList(pair.value, field: field, example: "[arn:aws:iam::111122223333:role/MyWorkflow]",
                                                            what: "role", PrincipalARN.parse) ?? []
            case "owner": kms.owner = reader.choice(pair.value, field: field, as: Owner.self) ?? .idcsync
            default: break
            }
        }
        return kms
    }

    /// A permission-set name (IAM name characters) or a pattern with `*` / `?`.
    static func parsePermissionSetPattern(_ text: String) -> Result<String, IdentifierError> {
        guard text.count <= 32, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_+=,.@-*?".contains($0)) }) else {
            return .failure(IdentifierError("\"\(text)\" is not a permission-set name or pattern; use up to 32 letters, digits or _+=,.@- and the wildcards * and ?"))
        }
        return .success(text)
    }

    // MARK: okta

    private static func readOkta(_ node: Node, field section: String, reader: YAMLReader) -> OktaConfig {
        var okta = OktaConfig()
        guard let pairs = reader.mapping(node, field: section) else { return okta }
        reader.checkKeys(pairs, allowed: sections["okta"]!, section: section, elsewhere: homes, secrets: secretRules)
        for pair in pairs {
            let field = "\(section).\(pair.key)"
            switch pair.key {
            case "orgUrl": okta.orgUrl = reader.parse(pair.value, field: field, OktaOrgURL.parse)
            case "appId": okta.appId = reader.parse(pair.value, field: field, parseOktaId)
            case "auth": okta.auth = readOktaAuth(pair.value, field: field, reader: reader)
            case "acsVariants":
                guard let values = reader.strings(pair.value, field: field, example: "[ipv4, dualstack]") else { continue }
                var variants: [ACSVariant] = []
                for (index, (text, element)) in values.enumerated() {
                    let elementField = "\(field)[\(index)]"
                    if text == "alternate-ipv4" || text == "alternative-ipv4" {
                        reader.error("value", "the alternative IPv4 ACS URL is not chosen here: idcsync keeps it exactly when the instance was enabled before February 2026. Allowed: ipv4, dualstack",
                                     field: elementField, at: element)
                    } else if let variant = reader.choice(element, field: elementField, as: ACSVariant.self) {
                        if variants.contains(variant) {
                            reader.error("duplicate", "\(text) is listed twice; list each variant once", field: elementField, at: element)
                        } else {
                            variants.append(variant)
                        }
                    }
                }
                if values.isEmpty {
                    reader.error("empty", "give at least one ACS variant: ipv4, dualstack", field: field, at: pair.value)
                }
                okta.acsVariants = variants
            case "foreignUrls": okta.foreignUrls = reader.choice(pair.value, field: field, as: OktaConfig.ForeignURLs.self) ?? .keep
            case "slotKeys":
                if pair.value.scalar?.string == "auto" {
                    okta.slotKeys = .auto
                } else if let keys = reader.strings(pair.value, field: field, example: "auto, or the 17 settings.app key names in slot order") {
                    let names = keys.map(\.0)
                    if names.count != 17 {
                        reader.error("value", "expected auto or exactly 17 settings.app key names (slots 1 to 17 in order), found \(names.count)", field: field, at: pair.value)
                    } else if Set(names).count != 17 {
                        reader.error("duplicate", "the 17 slot keys must all differ", field: field, at: pair.value)
                    } else {
                        okta.slotKeys = .explicit(names)
                    }
                }
            case "tiles": okta.tiles = readTiles(pair.value, field: field, reader: reader)
            case "timeoutSeconds":
                okta.timeoutSeconds = readBounded(pair.value, field: field, range: 1...600, reader: reader) ?? okta.timeoutSeconds
            case "rateLimitMaxWaitSeconds":
                okta.rateLimitMaxWaitSeconds = readBounded(pair.value, field: field, range: 0...3600, reader: reader) ?? okta.rateLimitMaxWaitSeconds
            case "backupDir": okta.backupDir = reader.string(pair.value, field: field) ?? okta.backupDir
            case "owner": okta.owner = reader.choice(pair.value, field: field, as: Owner.self) ?? .idcsync
            default: break
            }
        }
        return okta
    }

    private static func readBounded(_ node: Node, field: String, range: ClosedRange<Int>, reader: YAMLReader) -> Int? {
        guard let value = reader.int(node, field: field) else { return nil }
        guard range.contains(value) else {
            reader.error("value", "\(value) is out of range; allowed: \(range.lowerBound) to \(range.upperBound)", field: field, at: node)
            return nil
        }
        return value
    }

    static func parseOktaId(_ text: String) -> Result<String, IdentifierError> {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return .failure(IdentifierError("\"\(text)\" is not an Okta app id; it is the letters and digits after /app/ in the admin console, e.g. 0oa1b2c3d4e5f6g7h8i9"))
        }
        return .success(text)
    }

    private static func readOktaAuth(_ node: Node, field section: String, reader: YAMLReader) -> OktaConfig.Auth {
        guard let pairs = reader.mapping(node, field: section) else { return .ssws(tokenFile: nil) }
        reader.checkKeys(pairs, allowed: sections["okta.auth"]!, section: section, secrets: secretRules)
        func value(_ key: String) -> String? {
            pairs.first { $0.key == key }.flatMap { reader.string($0.value, field: "\(section).\(key)") }
        }
        /// A file path, refused (without quoting it) when what was pasted is the secret itself.
        func path(_ key: String, holds what: String) -> String? {
            guard let text = value(key) else { return nil }
            guard !SecretShape.looksLikeSecret(text) else {
                reader.error("secret-in-file", "this looks like \(what) itself, not the path of a file holding it; secrets never live in the config file: "
                             + "put it in a file of its own (readable only by you) and give that file's path here, or use \(key == "tokenFile" ? "OKTA_API_TOKEN" : "OKTA_CLIENT_PRIVATEKEY"). "
                             + "If this file was shared or committed, revoke that secret",
                             field: "\(section).\(key)", at: pairs.first { $0.key == key }?.value)
                return nil
            }
            return text
        }
        let modeNode = pairs.first { $0.key == "mode" }?.value
        switch value("mode")?.lowercased() {
        case nil, "ssws":
            for key in ["clientId", "privateKeyFile", "keyId"] where pairs.contains(where: { $0.key == key }) {
                reader.warning("unused", "ignored with mode ssws (it is for mode privateKey)", field: "\(section).\(key)", at: pairs.first { $0.key == key }?.keyNode)
            }
            return .ssws(tokenFile: path("tokenFile", holds: "an API token"))
        case "privatekey":
            if let node = pairs.first(where: { $0.key == "tokenFile" })?.keyNode {
                reader.warning("unused", "ignored with mode privateKey (it is for mode ssws)", field: "\(section).tokenFile", at: node)
            }
            guard let clientId = value("clientId") else {
                reader.error("missing", "mode privateKey needs clientId: the client id of the Okta API service app", field: "\(section).clientId", at: node)
                return .ssws(tokenFile: nil)
            }
            return .privateKey(clientId: clientId, privateKeyFile: path("privateKeyFile", holds: "a private key"), keyId: value("keyId"))
        case let other?:
            reader.error("value", "\"\(other)\" is not an auth mode; allowed: ssws (API token), privateKey (OAuth 2.0 service app)", field: "\(section).mode", at: modeNode)
            return .ssws(tokenFile: nil)
        }
    }

    private static func readTiles(_ node: Node, field section: String, reader: YAMLReader) -> TilesConfig {
        var tiles = TilesConfig()
        guard let pairs = reader.mapping(node, field: section) else { return tiles }
        reader.checkKeys(pairs, allowed: sections["okta.tiles"]!, section: section)
        for pair in pairs {
            let field = "\(section).\(pair.key)"
            switch pair.key {
            case "enabled": tiles.enabled = reader.bool(pair.value, field: field) ?? true
            case "portal": tiles.portal = reader.choice(pair.value, field: field, as: TilesConfig.Portal.self) ?? .alternateIPv4
            case "label":
                guard let label = reader.string(pair.value, field: field) else { continue }
                // One tile for the start URL needs no {region}; per-Region tiles do (checked after the loop).
                if label.trimmingWhitespace().isEmpty {
                    reader.error("value", "the tile label must contain {region} so each Region's tile is told apart, e.g. \"\(TilesConfig.defaultLabel)\"", field: field, at: pair.value)
                } else if label.count > 100 {
                    reader.error("value", "the tile label template is \(label.count) characters; Okta labels are at most 100", field: field, at: pair.value)
                } else {
                    tiles.label = label
                }
            case "note": tiles.note = reader.string(pair.value, field: field)
            case "primary": tiles.primary = reader.bool(pair.value, field: field) ?? false
            case "exactGroups": tiles.exactGroups = reader.bool(pair.value, field: field) ?? false
            default: break
            }
        }
        if tiles.portal != .startURL, !tiles.label.contains("{region}"), let node = pairs.first(where: { $0.key == "label" })?.value {
            reader.error("value", "the tile label must contain {region} so each Region's tile is told apart, e.g. \"\(TilesConfig.defaultLabel)\" (only portal: start-url, one tile, needs none)",
                         field: "\(section).label", at: node)
            tiles.label = TilesConfig.defaultLabel
        }
        return tiles
    }

    // MARK: aws, vpn, bookmarks

    private static func readAWS(_ node: Node, field section: String, reader: YAMLReader) -> AWSConfig {
        var aws = AWSConfig()
        guard let pairs = reader.mapping(node, field: section) else { return aws }
        reader.checkKeys(pairs, allowed: sections["aws"]!, section: section, elsewhere: homes,
                         secrets: ["accesskeyid": "AWS credentials come from the standard chain (environment, profile, SSO, container, instance metadata)",
                                   "secretaccesskey": "AWS credentials come from the standard chain (environment, profile, SSO, container, instance metadata)"])
        for pair in pairs {
            let field = "\(section).\(pair.key)"
            switch pair.key {
            case "profile": aws.profile = reader.string(pair.value, field: field)
            case "region": aws.region = readRegion(pair.value, field: field, reader: reader)
            default: break
            }
        }
        return aws
    }

    private static func readVPN(_ node: Node, field section: String, reader: YAMLReader) -> VPNConfig {
        var vpn = VPNConfig()
        guard let pairs = reader.mapping(node, field: section) else { return vpn }
        reader.checkKeys(pairs, allowed: sections["vpn"]!, section: section, secrets: secretRules)
        for pair in pairs {
            let field = "\(section).\(pair.key)"
            let value = pair.value
            switch pair.key {
            case "region": vpn.region = readRegion(value, field: field, reader: reader)
            case "vpcId": vpn.vpcId = reader.string(value, field: field)
            case "subnetIds": vpn.subnetIds = reader.strings(value, field: field, example: "[subnet-0aaa, subnet-0bbb]")?.map(\.0) ?? []
            case "clientCidr": vpn.clientCidr = reader.string(value, field: field)
            case "dnsServers": vpn.dnsServers = reader.strings(value, field: field, example: "[10.0.0.2]")?.map(\.0) ?? []
            case "splitTunnel": vpn.splitTunnel = reader.bool(value, field: field)
            case "transport": vpn.transport = reader.string(value, field: field)
            case "port": vpn.port = reader.int(value, field: field)
            case "sessionTimeoutHours": vpn.sessionTimeoutHours = reader.int(value, field: field)
            case "selfServicePortal": vpn.selfServicePortal = reader.bool(value, field: field)
            case "connectionLogging": vpn.connectionLogging = reader.bool(value, field: field)
            case "securityGroupIds": vpn.securityGroupIds = reader.strings(value, field: field, example: "[sg-0abc]")?.map(\.0) ?? []
            case "serverCertificateArn": vpn.serverCertificateArn = reader.string(value, field: field)
            case "serverCertificateDomain": vpn.serverCertificateDomain = reader.string(value, field: field)
            case "samlProviderName": vpn.samlProviderName = reader.string(value, field: field)
            case "oktaAppId": vpn.oktaAppId = reader.parse(value, field: field, parseOktaId)
            case "authorizationRules":
                guard let rules = reader.sequence(value, field: field, example: "[{cidr: 10.0.0.0/16, group: AWS-VPN-Users}]") else { continue }
                for (index, rule) in rules.enumerated() {
                    let ruleField = "\(field)[\(index)]"
                    guard let rulePairs = reader.mapping(rule, field: ruleField) else { continue }
                    reader.checkKeys(rulePairs, allowed: sections["vpn.authorizationRules"]!, section: ruleField)
                    guard let cidrNode = rulePairs.first(where: { $0.key == "cidr" })?.value else {
                        reader.error("missing", "every authorization rule needs cidr: the destination network, e.g. 10.0.0.0/16", field: ruleField, at: rule)
                        continue
                    }
                    guard let cidr = reader.string(cidrNode, field: ruleField + ".cidr") else { continue }
                    let group = rulePairs.first { $0.key == "group" }.flatMap { reader.string($0.value, field: ruleField + ".group") }
                    vpn.authorizationRules.append(.init(cidr: cidr, group: group))
                }
            default: break
            }
        }
        return vpn
    }

    private static func readBookmarks(_ node: Node, field section: String, reader: YAMLReader) -> BookmarksConfig {
        var bookmarks = BookmarksConfig()
        guard let pairs = reader.mapping(node, field: section) else { return bookmarks }
        reader.checkKeys(pairs, allowed: sections["bookmarks"]!, section: section)
        for pair in pairs {
            let field = "\(section).\(pair.key)"
            switch pair.key {
            case "out": bookmarks.out = reader.string(pair.value, field: field)
            case "formats": bookmarks.formats = readChoices(pair.value, field: field, example: "[markdown, html]", reader: reader)
            case "languages": bookmarks.languages = readChoices(pair.value, field: field, example: "[en, ja]", reader: reader)
            default: break
            }
        }
        return bookmarks
    }

    private static func readChoices<T: RawRepresentable & CaseIterable & Equatable>(_ node: Node, field: String, example: String, reader: YAMLReader) -> [T] where T.RawValue == String {
        guard let elements = reader.sequence(node, field: field, example: example) else { return [] }
        var result: [T] = []
        for (index, element) in elements.enumerated() {
            guard let value = reader.choice(element, field: "\(field)[\(index)]", as: T.self) else { continue }
            if result.contains(value) {
                reader.error("duplicate", "\(value.rawValue) is listed twice", field: "\(field)[\(index)]", at: element)
            } else {
                result.append(value)
            }
        }
        if elements.isEmpty { reader.error("empty", "give at least one value, e.g. \(example)", field: field, at: node) }
        return result
    }

    // MARK: Environment and YAML errors

    private static func applyEnvironment(_ environment: [String: String], to target: inout Target, reader: YAMLReader) {
        guard let value = environment[orgURLVariable], !value.isEmpty else { return }
        switch OktaOrgURL.parse(value) {
        case .success(let url):
            var okta = target.okta ?? OktaConfig()
            okta.orgUrl = url
            target.okta = okta
        case .failure(let failure):
            reader.add(Diagnostic(.error, code: "config.value", failure.message, field: "\(orgURLVariable) (environment)"))
        }
    }

    static let byteOrderMark: Unicode.Scalar = "\u{FEFF}"

    /// The line and column (1-based) of the first byte order mark in the text.
    static func misplacedByteOrderMark(_ text: String) -> (line: Int, column: Int)? {
        guard text.unicodeScalars.contains(byteOrderMark) else { return nil }
        var line = 1, column = 1
        for scalar in text.unicodeScalars {
            if scalar == byteOrderMark { return (line, column) }
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return nil
    }

    static func yamlSyntaxDiagnostic(_ error: Error, file: String) -> Diagnostic {
        func located(_ problem: String, _ mark: Mark?) -> Diagnostic {
            Diagnostic(.error, code: "config.yaml", "not valid YAML: \(problem)",
                       location: FileLocation(file: file, line: mark?.line, column: mark?.column))
        }
        switch error as? YamlError {
        case .parser(_, let problem, let mark, _) where problem.hasPrefix("Maximum nesting level reached"):
            return located("maps and lists nested more than \(yamlNestingLimit) levels deep; an idcsync config needs at most \(configDepth)", mark)
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
            return located(detail, mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return located("the key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) appears twice in one section; keep one", context.mark)
        case .reader(let problem, _, _, _):
            return located("\(problem) (the file must be UTF-8 text)", nil)
        default:
            return located("\(error)", nil)
        }
    }
}
