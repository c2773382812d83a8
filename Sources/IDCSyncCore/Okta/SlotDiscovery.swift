/// Where the IAM Identity Center ACS URLs live in an `amazon_aws_sso` app's `settings.app`.
///
/// The default ACS URL is `acsURL` and the issuer `entityID` [V, community code]. The JSON names of
/// "AWS SSO ACS URL1..17" are published nowhere [U], so they are discovered from the app as read: the
/// default key's name plus a number 1..17, in any case, with an optional `_` (e.g. `acsURL1`,
/// `acsUrl_17`), or given by the operator as `okta.slotKeys`.
public struct ACSSlotLayout: Sendable, Equatable {
    public static let defaultKey = "acsURL"
    public static let issuerKey = "entityID"
    public static let slotCount = 17

    public var defaultKey: String
    public var issuerKey: String
    /// The keys of slots 1 to 17, in slot order.
    public var slotKeys: [String]

    public init(defaultKey: String = ACSSlotLayout.defaultKey, issuerKey: String = ACSSlotLayout.issuerKey, slotKeys: [String]) {
        self.defaultKey = defaultKey
        self.issuerKey = issuerKey
        self.slotKeys = slotKeys
    }

    public static func discover(in app: OktaApp, configured: OktaConfig.SlotKeys) throws(OktaAppError) -> ACSSlotLayout {
        guard let settings = app.settingsApp else {
            throw OktaAppError("app \(app.id) has no settings.app object; is it the AWS IAM Identity Center (amazon_aws_sso) app?")
        }
        let found = settings.keys
        let listing = "settings.app keys found: \(found.isEmpty ? "none" : found.joined(separator: ", "))"
        guard found.contains(defaultKey) else {
            throw OktaAppError("app \(app.id) has no settings.app.\(defaultKey) (the default ACS URL); is it the amazon_aws_sso app? \(listing)")
        }

        if case .explicit(let keys) = configured {
            let missing = keys.filter { !found.contains($0) }
            guard missing.isEmpty else {
                throw OktaAppError("okta.slotKeys names keys the app does not have: \(missing.joined(separator: ", ")); \(listing)")
            }
            return ACSSlotLayout(slotKeys: keys)
        }

        var bySlot: [Int: [String]] = [:]
        let stem = defaultKey.lowercased()
        for key in found {
            let lowered = key.lowercased()
            guard lowered.hasPrefix(stem), lowered != stem else { continue }
            var rest = lowered.dropFirst(stem.count)
            if rest.first == "_" { rest = rest.dropFirst() }
            guard !rest.isEmpty, rest.allSatisfy(\.isNumber), let number = Int(rest), (1...slotCount).contains(number),
                  rest.first != "0"
            else { continue }
            bySlot[number, default: []].append(key)
        }
        if let ambiguous = bySlot.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > 1 }) {
            throw OktaAppError("slot \(ambiguous.key) matches several settings.app keys (\(ambiguous.value.joined(separator: ", "))); name the 17 slot keys in okta.slotKeys")
        }
        let missing = (1...slotCount).filter { bySlot[$0] == nil }
        guard missing.isEmpty else {
            throw OktaAppError("cannot find the 17 \"ACS URL1..17\" keys in settings.app (\(defaultKey) followed by 1 to 17): slots \(missing.map(String.init).joined(separator: ", ")) are missing. Set okta.slotKeys to the 17 key names in slot order; \(listing)")
        }
        return ACSSlotLayout(slotKeys: (1...slotCount).map { bySlot[$0]![0] })
    }
}

/// What an app's default ACS URL says about the instance: the tenant id, the primary Region and
/// whether the instance was enabled before February 2026 (it then signs in on `signin.aws.amazon.com`).
public struct DefaultACSFacts: Sendable, Equatable {
    public var url: String
    public var region: String?
    public var tenantId: String?
    public var variant: URLVariant?
    public var enabledBeforeFebruary2026: Bool?

    /// Reads an AWS-documented ACS URL; an unknown form yields only what the last path segment gives.
    public init(url: String) {
        self.url = url
        let parsed = ACSURL.parse(url)
        region = parsed?.region
        tenantId = parsed?.tenantId
        variant = parsed?.variant
        switch parsed?.variant {
        case .acsAlternateIPv4?: enabledBeforeFebruary2026 = true
        case .acsIPv4?, .acsDualStack?: enabledBeforeFebruary2026 = false
        default: enabledBeforeFebruary2026 = nil
        }
    }
}

/// The documented ACS URL forms of the `aws` partition, read back into their parts.
public enum ACSURL {
    public static func parse(_ url: String) -> (region: String, variant: URLVariant, tenantId: String)? {
        let prefix = "https://"
        guard url.hasPrefix(prefix) else { return nil }
        let rest = url.dropFirst(prefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let host = rest[..<slash].lowercased()
        let path = rest[slash...]
        let acsPath = "/platform/saml/acs/"
        guard path.hasPrefix(acsPath) else { return nil }
        let tenant = String(path.dropFirst(acsPath.count))
        guard !tenant.isEmpty, !tenant.contains("/") else { return nil }
        for (suffix, variant) in [(".sso.signin.aws", URLVariant.acsDualStack), (".signin.aws.amazon.com", .acsAlternateIPv4), (".signin.aws", .acsIPv4)] {
            if host.hasSuffix(suffix) {
                let region = String(host.dropLast(suffix.count))
                guard case .success = Region.parse(region) else { return nil }
                return (region, variant, tenant)
            }
        }
        return nil
    }
}
