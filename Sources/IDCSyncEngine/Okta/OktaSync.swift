import Foundation
import IDCSyncCore
import Logging
import OktaKit

/// The Okta app as read and what it says about the instance.
public struct OktaWorld: Sendable, Equatable {
    public var app: OktaApp
    public var layout: ACSSlotLayout
    public var defaultACS: DefaultACSFacts?
    public var issuer: String?
    public var tenantId: String
    public var enabledBeforeFebruary2026: Bool
}

public struct OktaPlanReport: Sendable, Equatable {
    public var world: OktaWorld
    public var regions: [Region]
    public var plan: SlotPlan
    public var diagnostics: [Diagnostic]
}

public struct OktaApplyReport: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case inSync
        case dryRun
        case declined
        case applied(backup: String)
    }
    public var planReport: OktaPlanReport
    public var outcome: Outcome
}

/// `okta plan|apply|restore`: read the app, plan its ACS slots, and write them with every guard
/// product.md's "Safety" asks for (backup, re-read, full-object PUT, read-back).
public enum OktaSync {
    /// The IAM Identity Center app's name in the Okta Integration Network.
    public static let appName = "amazon_aws_sso"

    // MARK: Read and plan

    /// `okta.appId`, or the only app named `amazon_aws_sso` (found with `filter`, never `q`).
    public static func locateApp(_ okta: OktaConfig, client: OktaClient) async throws(CommandError) -> OktaApp {
        if let id = okta.appId {
            do { return try await client.app(id: id) } catch { throw .okta(error) }
        }
        let apps: [OktaApp]
        do { apps = try await client.apps(filter: "name eq \"\(appName)\"") } catch { throw .okta(error) }
        guard apps.count == 1 else {
            if apps.isEmpty {
                throw CommandError(.failure, [Diagnostic(.error, code: "okta.no-app",
                    "no app named \(appName) (AWS IAM Identity Center) in this Okta org; add it from the Okta Integration Network, or set okta.appId")])
            }
            let candidates = apps.map { "\($0.id) \"\($0.label ?? "")\" (\($0.status ?? "?"))" }.joined(separator: ", ")
            throw CommandError(.usage, [Diagnostic(.error, code: "okta.several-apps",
                "\(apps.count) apps named \(appName) in this Okta org: \(candidates); set okta.appId to the one for this instance", field: "okta.appId")])
        }
        return apps[0]
    }

    /// What the app says: its slot keys, the tenant id and era from the default ACS URL, checked
    /// against the config.
    public static func world(app: OktaApp, target: Target, configFile: String) throws(CommandError) -> OktaWorld {
        let okta = target.okta ?? OktaConfig()
        let layout: ACSSlotLayout
        do {
            layout = try ACSSlotLayout.discover(in: app, configured: okta.slotKeys)
        } catch {
            throw CommandError(.failure, [Diagnostic(.error, code: "okta.slot-keys", error.message)])
        }
        let defaultURL = app.setting(layout.defaultKey)
        let facts = defaultURL.map(DefaultACSFacts.init(url:))
        let instance = target.instance

        var tenant = instance.tenantId
        if let fromApp = facts?.tenantId {
            if let configured = tenant, configured != fromApp {
                throw CommandError(.failure, [Diagnostic(.error, code: "okta.tenant-mismatch",
                    "the Okta app's default ACS URL (\(defaultURL ?? "")) has tenant id \(fromApp), but instance.tenantId is \(configured); is okta.appId the app of this instance?",
                    field: "instance.tenantId")])
            }
            tenant = fromApp
        }
        guard let tenantId = tenant else {
            throw CommandError(.usage, [Diagnostic(.error, code: "okta.no-tenant",
                "the tenant id is unknown: the app's default ACS URL (\(defaultURL ?? "empty")) is not an IAM Identity Center ACS URL; set instance.tenantId (the last path segment of an ACS URL in the IAM Identity Center console)",
                field: "instance.tenantId", location: FileLocation(file: configFile))])
        }
        if let region = facts?.region, let primary = instance.primaryRegion, region != primary.name {
            throw CommandError(.failure, [Diagnostic(.error, code: "okta.primary-mismatch",
                "the Okta app's default ACS URL is in \(region), but instance.primaryRegion is \(primary.name); the default ACS URL is the primary Region's and is never changed by idcsync",
                field: "instance.primaryRegion")])
        }
        var era = facts?.enabledBeforeFebruary2026
        if let configured = instance.enabledBeforeFebruary2026 {
            if let fromApp = era, fromApp != configured {
                throw CommandError(.failure, [Diagnostic(.error, code: "okta.era-mismatch",
                    "the Okta app's default ACS URL (\(defaultURL ?? "")) says the instance was enabled \(fromApp ? "before" : "from") February 2026, but instance.enabledBeforeFebruary2026 is \(configured)",
                    field: "instance.enabledBeforeFebruary2026")])
            }
            era = configured
        }
        return OktaWorld(app: app, layout: layout, defaultACS: facts, issuer: app.setting(layout.issuerKey), tenantId: tenantId,
                         enabledBeforeFebruary2026: era ?? false)
    }

    /// The slot plan for the instance's Regions. Until Regions are discovered from AWS they come
    /// from `instance.regions` (the primary alone when not given).
    public static func plan(world: OktaWorld, target: Target, configFile: String) throws(CommandError) -> OktaPlanReport {
        let instance = target.instance
        let okta = target.okta ?? OktaConfig()
        guard let primary = instance.primaryRegion ?? world.defaultACS?.region.flatMap({ try? Region.parse($0).get() }),
              let partition = target.partition ?? Optional(primary.partition)
        else {
            throw .config("config.missing", "instance.primaryRegion is not set and the Okta app's default ACS URL does not name a Region",
                          field: "instance.primaryRegion", file: configFile)
        }
        var diagnostics: [Diagnostic] = []
        if world.defaultACS?.enabledBeforeFebruary2026 == nil && instance.enabledBeforeFebruary2026 == nil {
            diagnostics.append(Diagnostic(.note, code: "okta.era-unknown",
                "the default ACS URL does not show when the instance was enabled; assuming February 2026 or later (no alternative IPv4 ACS URL). Set instance.enabledBeforeFebruary2026 if not."))
        }
        let regions = instance.regions == nil ? [primary] : instance.effectiveRegions
        let catalog = URLCatalogInput(partition: partition, primaryRegion: primary, instanceId: instance.arn?.instanceId,
                                      identityStoreId: instance.identityStoreId, tenantId: world.tenantId, customAlias: instance.customAlias,
                                      enabledBeforeFebruary2026: world.enabledBeforeFebruary2026, templates: instance.urlTemplates)
        let desired: [DesiredACS]
        do {
            desired = try SlotPlanner.desiredURLs(regions: regions, variants: okta.acsVariants,
                                                  enabledBeforeFebruary2026: world.enabledBeforeFebruary2026, catalog: catalog)
        } catch {
            throw CommandError(.usage, [Diagnostic(.error, code: "okta.desired", error.message)])
        }
        let plan = SlotPlanner.plan(SlotPlanInput(
            layout: world.layout, current: world.layout.slotKeys.map { world.app.setting($0) }, defaultACS: world.defaultACS?.url,
            desired: desired, matcher: ACSURLMatcher(partition: partition, tenantId: world.tenantId, templates: instance.urlTemplates),
            foreignURLs: okta.foreignUrls))
        for slot in plan.slots where slot.reason == .foreignKept {
            diagnostics.append(Diagnostic(.note, code: "okta.foreign-url",
                "slot \(slot.number) (\(slot.key)) holds \(slot.before ?? ""), which is not an ACS URL of this instance; kept (okta.foreignUrls: keep)"))
        }
        guard plan.fits else {
            let missing = plan.unplaced.map { "\($0.url) (\($0.label))" }.joined(separator: ", ")
            let foreign = plan.foreign.count
            throw CommandError(.failure, diagnostics + [Diagnostic(.error, code: "okta.over-capacity",
                "the Okta app has \(ACSSlotLayout.slotCount) ACS URL slots and these URLs do not fit: \(missing). Nothing was written. Remove Regions or ACS variants (okta.acsVariants)\(foreign > 0 ? ", or free the \(foreign) slot\(foreign == 1 ? "" : "s") holding foreign URLs (okta.foreignUrls: remove)" : "").")])
        }
        return OktaPlanReport(world: world, regions: regions, plan: plan, diagnostics: diagnostics)
    }

    // MARK: Write

    public struct WriteOptions: Sendable {
        public var backupDirectory: String
        public var now: Date
        public init(backupDirectory: String, now: Date = Date()) {
            self.backupDirectory = backupDirectory
            self.now = now
        }
    }

    /// Writes a plan: backup of the app as read, a guard re-read (refuse if `lastUpdated` moved),
    /// the full-object PUT with only the planned keys changed, and a read-back that must show them.
    /// Returns the backup path.
    public static func write(_ report: OktaPlanReport, client: OktaClient, options: WriteOptions, logger: Logger) async throws(CommandError) -> String {
        let plan = report.plan
        return try await guardedReplace(report.world.app, with: report.world.app.applying(plan.updates), client: client, options: options,
                                        logger: logger) { after in
            plan.changes.compactMap { slot in
                let found = after.setting(slot.key)
                return found == slot.after ? nil : (field: "settings.app.\(slot.key)", sent: slot.after, found: found)
            }
        }
    }

    /// A field a write planned that the app read back does not hold.
    public typealias Unpersisted = (field: String, sent: String?, found: String?)

    /// The guarded write of any app: backup of the app as planned from, a guard re-read (refuse if
    /// `lastUpdated` moved), the full-object PUT, and a read-back checked by `unpersisted`. After an
    /// ambiguous PUT failure it reads before writing again. Returns the backup path.
    public static func guardedReplace(_ planned: OktaApp, with desired: OktaApp, client: OktaClient, options: WriteOptions, logger: Logger,
                                      unpersisted: (OktaApp) -> [Unpersisted]) async throws(CommandError) -> String {
        let backup = try Backups.save(planned, directory: options.backupDirectory, now: options.now)
        logger.debug("saved the app as read", metadata: ["backup": "\(backup)"])

        let current = try await read(planned.id, client)
        guard current.lastUpdated == planned.lastUpdated else {
            throw CommandError(.failure, [Diagnostic(.error, code: "okta.concurrent-edit",
                "the Okta app changed since it was read (app \(planned.id), lastUpdated \(planned.lastUpdated ?? "?") → \(current.lastUpdated ?? "?")): someone else edited it. Nothing was written; run the command again to plan against the new state.")])
        }
        var writeError: OktaError?
        do { _ = try await client.replace(desired) } catch { writeError = error }
        if let writeError {
            guard isAmbiguous(writeError) else { throw .okta(writeError) }
            // The PUT may or may not have been applied: look before writing again.
            logger.warning("the write to Okta got no clear answer; reading the app back", metadata: ["error": "\(writeError)"])
            let after = try await read(planned.id, client)
            if unpersisted(after).isEmpty { return backup }
            guard after.lastUpdated == planned.lastUpdated else {
                throw CommandError(.failure, [Diagnostic(.error, code: "okta.unknown-write",
                    "the write to Okta failed (\(writeError)) and the app has changed since: nothing more was written. Compare it with the backup \(backup).")])
            }
            do { _ = try await client.replace(desired) } catch { throw .okta(error) }
        }
        let after = try await read(planned.id, client)
        let failures = unpersisted(after)
        guard failures.isEmpty else {
            throw CommandError(.failure, failures.map { failure in
                Diagnostic(.error, code: "okta.not-persisted",
                    "Okta accepted the write but \(failure.field) did not persist (sent \(failure.sent ?? "null"), Okta has \(failure.found ?? "null")); the app as it was is in \(backup) (`idcsync okta restore \(backup)` puts it back)",
                    field: failure.field)
            })
        }
        return backup
    }

    private static func read(_ id: String, _ client: OktaClient) async throws(CommandError) -> OktaApp {
        do { return try await client.app(id: id) } catch { throw .okta(error) }
    }

    /// A failure after which Okta may have applied the request.
    static func isAmbiguous(_ error: OktaError) -> Bool {
        switch error {
        case .transport(let transport, _, _): transport.isTransient
        case .api(let status, _, _, _, _): status >= 500
        default: false
        }
    }

    // MARK: Restore

    /// Puts back an app exactly as a backup saved it (after backing up the current state).
    public static func restore(backupPath: String, target: Target, client: OktaClient, options: WriteOptions,
                               confirm: @Sendable (OktaApp, OktaApp) async -> Bool, logger: Logger) async throws(CommandError) -> (backup: String, restored: OktaApp)? {
        let saved = try Backups.load(backupPath)
        if let orgURL = target.okta?.orgUrl, let link = saved.selfLink, !link.hasPrefix(orgURL + "/") {
            throw .config("usage.other-org", "the backup is of an app in another Okta org (\(link)); okta.orgUrl is \(orgURL)", file: backupPath)
        }
        let current = try await read(saved.id, client)
        guard await confirm(saved, current) else { return nil }
        let safety = try Backups.save(current, directory: options.backupDirectory, now: options.now)
        logger.debug("saved the app as read before restoring", metadata: ["backup": "\(safety)"])
        let guardRead = try await read(saved.id, client)
        guard guardRead.lastUpdated == current.lastUpdated else {
            throw CommandError(.failure, [Diagnostic(.error, code: "okta.concurrent-edit",
                "the Okta app changed while restoring (lastUpdated \(current.lastUpdated ?? "?") → \(guardRead.lastUpdated ?? "?")); nothing was written")])
        }
        do { _ = try await client.replace(saved) } catch { throw .okta(error) }
        let after = try await read(saved.id, client)
        let differences = Backups.differences(saved: saved, now: after)
        guard differences.isEmpty else {
            throw CommandError(.failure, [Diagnostic(.error, code: "okta.not-persisted",
                "Okta accepted the restore but these fields differ from the backup: \(differences.joined(separator: ", ")); the state before the restore is in \(safety)")])
        }
        return (safety, after)
    }
}

extension OktaSync {
    /// The whole read side: client, app, what it says, the plan.
    public static func planTarget(config: Config, target: Target, environment: [String: String], access: OktaAccess,
                                  logger: Logger) async throws(CommandError) -> (report: OktaPlanReport, client: OktaClient) {
        let client = try OktaSession.client(target: target, configFile: config.source, environment: environment, access: access, logger: logger)
        let app = try await locateApp(target.okta ?? OktaConfig(), client: client)
        let world = try world(app: app, target: target, configFile: config.source)
        return (try plan(world: world, target: target, configFile: config.source), client)
    }

    /// `--backup-dir`, else `okta.backupDir` (relative to the config file).
    public static func backupDirectory(config: Config, target: Target, override: String?) -> String {
        if let override { return override }
        return OktaSession.resolve((target.okta ?? OktaConfig()).backupDir, relativeTo: config.source)
    }
}
