import AWSKit
import Foundation
import IDCSyncCore
import SystemKit
import Logging
import OktaKit

/// `doctor`: is this setup ready for a primary-Region outage? Reads AWS and Okta, writes nothing.
public enum Doctor {
    public struct Options: Sendable {
        /// The break-glass runbook: a path (relative to the config file) or an https URL.
        public var breakGlassRunbook: String
        /// Warn when the Okta signing certificate expires within this many days.
        public var certificateWarningDays: Double
        /// Follows `instance.startUrl`'s redirect (as `status` does); nil skips that check.
        public var prober: (any StatusProber)?
        public var probeTimeout: Duration

        public init(breakGlassRunbook: String = Doctor.defaultRunbook, certificateWarningDays: Double = 30,
                    prober: (any StatusProber)? = nil, probeTimeout: Duration = .seconds(5)) {
            self.breakGlassRunbook = breakGlassRunbook
            self.certificateWarningDays = certificateWarningDays
            self.prober = prober
            self.probeTimeout = probeTimeout
        }
    }

    public static let defaultRunbook = "runbooks/idp-outage-break-glass.md"

    /// Discovery problems that are readiness findings, not errors: the key cannot fail over.
    static let keyFindings: Set<String> = ["aws.aws-owned-key", "aws.single-region-key", "aws.aws-managed-key"]

    public static func run(config: Config, target: Target, options: Options, context: EngineContext) async throws(IDCSyncError) -> DoctorReport {
        var checks: [DoctorCheck] = []
        let aws = context.aws(target)
        let instance: InstanceState
        do throws(IDCSyncError) {
            instance = try await InstanceChecks.inspect(target: target, client: aws, config: config, apply: false, context: context)
        } catch {
            guard let finding = error.diagnostics.first(where: { keyFindings.contains($0.code) }) else { throw error }
            checks.append(DoctorCheck(id: "kms-key", title: "Customer managed multi-Region key", status: .fail, detail: finding.message,
                                      fix: "move the instance to a multi-Region customer managed key with `idcsync policy kms` on it"))
            for (id, title) in [("replica-keys", "A replica with the key policy in every Region"), ("regions-active", "Every Region ACTIVE"),
                                ("okta-slots", "Okta ACS URL slots complete"), ("okta-default-acs", "Default ACS URL and issuer"),
                                ("okta-signing-certificate", "Okta signing certificate"), ("bookmark-guides", "Bookmark guides current"), ("start-url", "Company start URL")] {
                checks.append(DoctorCheck(id: id, title: title, status: .skip, detail: "needs the instance's key"))
            }
            checks.append(runbookCheck(config: config, options: options))
            return DoctorReport(target: target.name ?? "default", checks: checks)
        }
        let world = instance.world
        checks.append(DoctorCheck(id: "kms-key", title: "Customer managed multi-Region key", status: .pass,
                                  detail: "\(world.key.keyId) in \(world.primaryRegion.name), customer managed, multi-Region"))
        checks.append(replicaCheck(instance.keyPolicies))
        checks.append(regionsCheck(world))
        checks += await oktaChecks(config: config, target: world.effectiveTarget(target), world: world, options: options, context: context)
        checks.append(guidesCheck(config: config, target: target, world: world))
        checks.append(await startURLCheck(target: target, instanceId: world.instanceArn.instanceId, regions: world.enabledRegions, options: options))
        checks.append(runbookCheck(config: config, options: options))
        return DoctorReport(target: target.name ?? "default", checks: checks)
    }

    // MARK: AWS

    static func replicaCheck(_ policies: [KeyPolicyCheck]) -> DoctorCheck {
        let title = "A replica with the key policy in every Region"
        let missing = policies.filter { $0.state == .missingReplica }.map(\.region)
        let drift = policies.filter { $0.state == .drift }
        guard missing.isEmpty && drift.isEmpty else {
            var problems = missing.map { "\($0): no replica key" }
            problems += drift.map { "\($0.region): key policy \($0.difference?.summary ?? "differs")" }
            var fixes: [String] = []
            let terraform = policies.contains { $0.owner == .terraform }
            if !missing.isEmpty {
                fixes.append(missing.map { terraform ? Ownership.missingReplicaFix(region: $0) : "idcsync regions add \($0)" }.joined(separator: "; "))
            }
            if !drift.isEmpty {
                fixes.append(terraform ? drift.map { Ownership.keyPolicyFix(region: $0.region, isPrimary: $0.isPrimary, difference: $0.difference) }.joined(separator: "; ")
                                       : "idcsync reconcile --apply")
            }
            return DoctorCheck(id: "replica-keys", title: title, status: .fail, detail: problems.joined(separator: "; "), fix: fixes.joined(separator: "; "))
        }
        let regions = policies.map(\.region).joined(separator: ", ")
        return DoctorCheck(id: "replica-keys", title: title, status: .pass, detail: "the generated key policy in \(regions)")
    }

    static func regionsCheck(_ world: AWSWorld) -> DoctorCheck {
        let title = "Every Region ACTIVE"
        let additional = world.regions.filter { $0.name != world.primaryRegion.name }
        let changing = world.regions.filter { $0.status.isChanging }
        let broken = world.regions.filter { !$0.status.isKnown }
        if !broken.isEmpty {
            return DoctorCheck(id: "regions-active", title: title, status: .fail,
                               detail: broken.map { "\($0.name) is \($0.status)" }.joined(separator: "; "),
                               fix: "see `idcsync regions list`; AWS Support if a Region stays in this state")
        }
        if !changing.isEmpty {
            return DoctorCheck(id: "regions-active", title: title, status: .warn,
                               detail: changing.map { "\($0.name) is \($0.status)" }.joined(separator: "; "),
                               fix: "wait, or finish with `idcsync regions add|remove REGION`, then run doctor again")
        }
        if additional.isEmpty {
            return DoctorCheck(id: "regions-active", title: title, status: .fail,
                               detail: "only the primary Region \(world.primaryRegion.name) is enabled: there is nowhere to fail over to",
                               fix: "idcsync regions add REGION")
        }
        return DoctorCheck(id: "regions-active", title: title, status: .pass,
                           detail: world.regions.map { "\($0.name) ACTIVE" }.joined(separator: ", "))
    }

    // MARK: Okta

    static func oktaChecks(config: Config, target: Target, world: AWSWorld, options: Options, context: EngineContext) async -> [DoctorCheck] {
        let titles = [("okta-slots", "Okta ACS URL slots complete"), ("okta-default-acs", "Default ACS URL and issuer"),
                      ("okta-signing-certificate", "Okta signing certificate")]
        guard let okta = target.okta else {
            return titles.map { DoctorCheck(id: $0.0, title: $0.1, status: .warn, detail: "the config has no okta section",
                                            fix: "add okta.orgUrl (and okta.appId) so doctor can check the identity provider") }
        }
        let client: OktaClient
        let app: OktaApp
        let plan: OktaPlanReport
        do {
            client = try context.okta(target, configFile: config.source, access: .read)
            app = try await OktaSync.locateApp(okta, client: client)
            plan = try OktaSync.plan(world: try OktaSync.world(app: app, target: target, configFile: config.source), target: target, configFile: config.source)
        } catch {
            let message = error.diagnostics.map(\.message).joined(separator: "; ")
            return [DoctorCheck(id: titles[0].0, title: titles[0].1, status: .fail, detail: message, fix: "fix the Okta access or app first (see `idcsync okta plan`)")]
                + titles.dropFirst().map { DoctorCheck(id: $0.0, title: $0.1, status: .skip, detail: "needs the Okta app") }
        }
        var checks: [DoctorCheck] = []
        let changes = plan.plan.changes
        if changes.isEmpty {
            checks.append(DoctorCheck(id: "okta-slots", title: titles[0].1, status: .pass,
                                      detail: "app \(app.id) holds the ACS URLs of \(plan.regions.map(\.name).joined(separator: ", "))"))
        } else {
            let missing = changes.compactMap(\.after)
            checks.append(DoctorCheck(id: "okta-slots", title: titles[0].1, status: .fail,
                                      detail: "\(changes.count) slot change\(changes.count == 1 ? "" : "s") needed" + (missing.isEmpty ? "" : "; missing \(missing.joined(separator: ", "))"),
                                      fix: okta.owner == .terraform ? Ownership.slotsFix(changes) : "idcsync okta apply"))
        }
        checks.append(defaultACSCheck(plan.world, world: world))
        checks.append(await certificateCheck(app: app, client: client, options: options, now: context.now))
        if OktaTiles.enabled(target) { checks.append(await tilesCheck(config: config, target: target, client: client)) }
        return checks
    }

    static func defaultACSCheck(_ okta: OktaWorld, world: AWSWorld) -> DoctorCheck {
        let title = "Default ACS URL and issuer"
        let primary = world.primaryRegion.name
        guard let defaultACS = okta.defaultACS else {
            return DoctorCheck(id: "okta-default-acs", title: title, status: .fail, detail: "the app has no default ACS URL",
                               fix: "set the primary Region's ACS URL as the app's default ACS URL in Okta")
        }
        guard defaultACS.region == primary else {
            return DoctorCheck(id: "okta-default-acs", title: title, status: .fail,
                               detail: "the default ACS URL \(defaultACS.url) is not the primary Region's (\(primary))",
                               fix: "AWS asks to keep the primary Region's ACS URL as the default; put it back in the app's SAML settings")
        }
        let store = world.instance.identityStoreId ?? "?"
        // The issuer form seen in public configurations; AWS does not document it, so a mismatch only warns.
        let expectedIssuer = "https://\(primary).signin.aws.amazon.com/platform/saml/\(store)"
        if let issuer = okta.issuer, issuer != expectedIssuer {
            return DoctorCheck(id: "okta-default-acs", title: title, status: .warn,
                               detail: "the issuer is \(issuer), not the usual \(expectedIssuer)",
                               fix: "compare with the IAM Identity Center console (Settings, Identity source, SAML metadata) and correct it in Okta if it differs")
        }
        return DoctorCheck(id: "okta-default-acs", title: title, status: .pass,
                           detail: "default ACS URL and issuer are the primary Region's (\(primary))")
    }

    static func certificateCheck(app: OktaApp, client: OktaClient, options: Options, now: Double) async -> DoctorCheck {
        let title = "Okta signing certificate"
        let kid = app.json["credentials"]?["signing"]?["kid"]?.stringValue
        let keys: [OktaSigningKey]
        do { keys = try await client.signingKeys(appId: app.id) } catch {
            return DoctorCheck(id: "okta-signing-certificate", title: title, status: .fail, detail: "cannot list the app's signing keys: \(error)",
                               fix: "check that the Okta credentials may read apps (okta.apps.read)")
        }
        guard let key = keys.first(where: { $0.kid == kid }) ?? (kid == nil ? keys.first : nil), let expires = key.expiresAtSeconds else {
            return DoctorCheck(id: "okta-signing-certificate", title: title, status: .warn,
                               detail: "no expiry found for the signing key \(kid ?? "(none)") among \(keys.count) key\(keys.count == 1 ? "" : "s")",
                               fix: "check the certificate in Okta (app, Sign On, SAML Signing Certificates)")
        }
        let days = (expires - now) / 86_400
        let rotate = "rotate it in Okta (app, Sign On, SAML Signing Certificates) and upload the new certificate to IAM Identity Center in the primary Region while it is up"
        if days <= 0 {
            return DoctorCheck(id: "okta-signing-certificate", title: title, status: .fail,
                               detail: "the signing certificate \(key.kid) expired at \(key.expiresAt ?? "?")", fix: rotate)
        }
        if days < options.certificateWarningDays {
            return DoctorCheck(id: "okta-signing-certificate", title: title, status: .warn,
                               detail: "the signing certificate \(key.kid) expires in \(Int(days)) day\(Int(days) == 1 ? "" : "s") (\(key.expiresAt ?? "?"))", fix: rotate)
        }
        return DoctorCheck(id: "okta-signing-certificate", title: title, status: .pass,
                           detail: "\(key.kid) valid until \(key.expiresAt ?? "?") (\(Int(days)) days)")
    }

    static func tilesCheck(config: Config, target: Target, client: OktaClient) async -> DoctorCheck {
        let title = "Okta dashboard tiles"
        let report: TilesReport
        do { report = try await OktaTiles.plan(config: config, target: target, client: client) } catch {
            return DoctorCheck(id: "okta-tiles", title: title, status: .fail, detail: error.diagnostics.map(\.message).joined(separator: "; "),
                               fix: "see `idcsync okta tiles plan`")
        }
        guard report.plan.hasChanges else {
            return DoctorCheck(id: "okta-tiles", title: title, status: .pass,
                               detail: "\(report.plan.desired.count) tile\(report.plan.desired.count == 1 ? "" : "s") in place: \(report.plan.desired.map(\.name).joined(separator: ", "))")
        }
        return DoctorCheck(id: "okta-tiles", title: title, status: .fail,
                           detail: "missing or stale: " + report.plan.steps.map(\.description).joined(separator: "; "),
                           fix: target.okta?.owner == .terraform ? Ownership.tilesFix(report.plan.steps) : "idcsync okta tiles apply")
    }

    // MARK: Files

    static func guidesCheck(config: Config, target: Target, world: AWSWorld) -> DoctorCheck {
        let title = "Bookmark guides current"
        guard let out = config.bookmarks.out else {
            return DoctorCheck(id: "bookmark-guides", title: title, status: .warn, detail: "bookmarks.out is not set, so doctor cannot find the guides",
                               fix: "set bookmarks.out in the config and run `idcsync bookmarks`")
        }
        let folder = Paths.resolve(out, relativeTo: config.source)
        let status = GuideFiles.status(outDir: folder, expectedRegions: world.enabledRegions, instanceId: world.instanceArn.instanceId,
                                       startURL: target.instance.startUrl?.value,
                                       formats: config.bookmarks.formats, languages: config.bookmarks.languages)
        switch status {
        case .current:
            return DoctorCheck(id: "bookmark-guides", title: title, status: .pass,
                               detail: "\(folder) lists \(world.enabledRegions.map(\.name).joined(separator: ", "))")
        case .missing:
            return DoctorCheck(id: "bookmark-guides", title: title, status: .fail, detail: "no guides in \(folder)",
                               fix: "idcsync bookmarks, then publish \(folder) where people find it during an outage")
        case .stale(let reason):
            return DoctorCheck(id: "bookmark-guides", title: title, status: .fail, detail: "the guides in \(folder) are stale: \(reason)",
                               fix: "idcsync bookmarks, then publish \(folder) again")
        }
    }

    // MARK: start URL

    /// Where `instance.startUrl`'s one redirect lands, judged as `status` judges it: a Regional portal
    /// of this instance in one of its Regions.
    static func startURLCheck(target: Target, instanceId: String, regions: [Region], options: Options) async -> DoctorCheck {
        let title = "Company start URL"
        guard let startURL = target.instance.startUrl else {
            return DoctorCheck(id: "start-url", title: title, status: .skip,
                               detail: "instance.startUrl is not set. One company URL can send people to a healthy Region's portal: AWS Security Blog, \"Regional routing for AWS access portals: Implementing custom vanity domains for IAM Identity Center\" (Route 53 failover, an ALB redirect, ARC Region switch); set instance.startUrl once it is in place")
        }
        guard let prober = options.prober else {
            return DoctorCheck(id: "start-url", title: title, status: .skip, detail: "\(startURL) was not probed")
        }
        let observation = await prober.observe(startURL.value, timeout: options.probeTimeout)
        let (health, reason) = StatusPlanner.health(of: observation, slowAfter: options.probeTimeout)
        let check = StartURLCheck.judge(url: startURL.value, observation: observation, instanceId: instanceId, regions: regions,
                                        probeHealth: health, probeReason: reason)
        if check.landing != nil {
            return DoctorCheck(id: "start-url", title: title, status: .pass, detail: "\(startURL) \(check.explanation)")
        }
        return DoctorCheck(id: "start-url", title: title, status: .fail, detail: "\(startURL) \(check.explanation)",
                           fix: "make its redirect land on a Regional portal of this instance in one of its Regions (`idcsync urls`); `idcsync status` shows where it lands now")
    }

    static func runbookCheck(config: Config, options: Options) -> DoctorCheck {
        let title = "Break-glass runbook"
        let place = options.breakGlassRunbook
        if place.hasPrefix("https://") {
            return DoctorCheck(id: "break-glass-runbook", title: title, status: .warn, detail: "\(place) is a URL; doctor does not fetch it",
                               fix: "make sure it is reachable without Okta (an IdP outage is when it is needed)")
        }
        let path = Paths.resolve(place, relativeTo: config.source)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size, size > 0 else {
            return DoctorCheck(id: "break-glass-runbook", title: title, status: .fail, detail: "no break-glass runbook at \(path)",
                               fix: "write one (emergency access when Okta is down, and how it is tested) or point --break-glass-runbook at it")
        }
        return DoctorCheck(id: "break-glass-runbook", title: title, status: .pass, detail: path)
    }
}
