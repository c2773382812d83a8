import Foundation
import IDCSyncCore
import SystemKit
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

/// `okta plan|apply|restore`: read the app, plan its ACS slots, and write them with every guard
/// product.md's "Safety" asks for (backup, re-read, full-object PUT, read-back).
public enum OktaSync {
    /// The IAM Identity Center app's name in the Okta Integration Network.
    public static let appName = "amazon_aws_sso"

    // MARK: Read and plan

    /// `okta.appId`, or the only app named `amazon_aws_sso` (found with `filter`, never `q`).
    public static func locateApp(_ okta: OktaConfig, client: OktaClient) async throws(IDCSyncError) -> OktaApp {
        if let id = okta.appId {
            let app = try await read(id, client)
            guard app.name == appName else {
                throw IDCSyncError(.configuration, [Diagnostic(.error, code: "okta.not-idc-app",
                    "okta.appId \(id) is an app named \(app.name ?? "(none)") (\"\(app.label ?? "")\"), not \(appName) (AWS IAM Identity Center); set okta.appId to the IAM Identity Center app", field: "okta.appId")])
            }
            return app
        }
        let apps: [OktaApp]
        do { apps = try await client.apps(filter: "name eq \"\(appName)\"") } catch { throw .okta(error) }
        guard apps.count == 1 else {
            if apps.isEmpty {
                throw IDCSyncError(.failure, [Diagnostic(.error, code: "okta.no-app",
                    "no app named \(appName) (AWS IAM Identity Center) in this Okta org; add it from the Okta Integration Network, or set okta.appId")])
            }
            let candidates = apps.map { "\($0.id) \"\($0.label ?? "")\" (\($0.status ?? "?"))" }.joined(separator: ", ")
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "okta.several-apps",
                "\(apps.count) apps named \(appName) in this Okta org: \(candidates); set okta.appId to the one for this instance", field: "okta.appId")])
        }
        try checkShape(apps[0], requested: apps[0].id, name: appName)
        return apps[0]
    }

    /// What the app says: its slot keys, the tenant id and era from the default ACS URL, checked
    /// against the config.
    public static func world(app: OktaApp, target: Target, configFile: String) throws(IDCSyncError) -> OktaWorld {
        let okta = target.okta ?? OktaConfig()
        let layout: ACSSlotLayout
        do {
            layout = try ACSSlotLayout.discover(in: app, configured: okta.slotKeys)
        } catch {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "okta.slot-keys", error.message)])
        }
        let defaultURL = app.setting(layout.defaultKey)
        let facts = defaultURL.map(DefaultACSFacts.init(url:))
        let instance = target.instance

        var tenant = instance.tenantId
        if let fromApp = facts?.tenantId {
            if let configured = tenant, configured != fromApp {
                throw IDCSyncError(.failure, [Diagnostic(.error, code: "okta.tenant-mismatch",
                    "the Okta app's default ACS URL (\(defaultURL ?? "")) has tenant id \(fromApp), but instance.tenantId is \(configured); is okta.appId the app of this instance?",
                    field: "instance.tenantId")])
            }
            tenant = fromApp
        }
        guard let tenantId = tenant else {
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "okta.no-tenant",
                "the tenant id is unknown: the app's default ACS URL (\(defaultURL ?? "empty")) is not an IAM Identity Center ACS URL; set instance.tenantId (the last path segment of an ACS URL in the IAM Identity Center console)",
                field: "instance.tenantId", location: FileLocation(file: configFile))])
        }
        if let region = facts?.region, let primary = instance.primaryRegion, region != primary.name {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "okta.primary-mismatch",
                "the Okta app's default ACS URL is in \(region), but instance.primaryRegion is \(primary.name); the default ACS URL is the primary Region's and is never changed by idcsync",
                field: "instance.primaryRegion")])
        }
        var era = facts?.enabledBeforeFebruary2026
        if let configured = instance.enabledBeforeFebruary2026 {
            if let fromApp = era, fromApp != configured {
                throw IDCSyncError(.failure, [Diagnostic(.error, code: "okta.era-mismatch",
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
    public static func plan(world: OktaWorld, target: Target, configFile: String) throws(IDCSyncError) -> OktaPlanReport {
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
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "okta.desired", error.message)])
        }
        // A slot holding something other than a string (a number, an object) is not free: it is
        // planned as a foreign value shown as its JSON text, kept unless okta.foreignUrls: remove.
        let current: [String?] = world.layout.slotKeys.enumerated().map { index, key in
            guard let value = world.app.settingsApp?[key], value != .null, value.stringValue == nil else { return world.app.setting(key) }
            diagnostics.append(Diagnostic(.warning, code: "okta.slot-not-text",
                "slot \(index + 1) (\(key)) holds \(AppDiff.describe(value)), which is not text; it is treated as a foreign value (kept, unless okta.foreignUrls: remove). Check the app in the Okta admin console."))
            return JSONWriter.compact(value)
        }
        let plan = SlotPlanner.plan(SlotPlanInput(
            layout: world.layout, current: current, defaultACS: world.defaultACS?.url,
            desired: desired, matcher: ACSURLMatcher(partition: partition, tenantId: world.tenantId, templates: instance.urlTemplates),
            foreignURLs: okta.foreignUrls))
        for slot in plan.slots where slot.reason == .foreignKept {
            diagnostics.append(Diagnostic(.note, code: "okta.foreign-url",
                "slot \(slot.number) (\(slot.key)) holds \(slot.before ?? ""), which is not an ACS URL of this instance; kept (okta.foreignUrls: keep)"))
        }
        guard plan.fits else {
            let missing = plan.unplaced.map { "\($0.url) (\($0.label))" }.joined(separator: ", ")
            let foreign = plan.foreign.count
            throw IDCSyncError(.failure, diagnostics + [Diagnostic(.error, code: "okta.over-capacity",
                "the Okta app has \(ACSSlotLayout.slotCount) ACS URL slots and these URLs do not fit: \(missing). Nothing was written. Remove Regions or ACS variants (okta.acsVariants)\(foreign > 0 ? ", or free the \(foreign) slot\(foreign == 1 ? "" : "s") holding foreign URLs (okta.foreignUrls: remove)" : "").")])
        }
        if okta.owner == .terraform && plan.hasChanges {
            diagnostics.append(Diagnostic(.note, code: Ownership.driftCode, Ownership.slotsFix(plan.changes), field: "okta.owner"))
        }
        return OktaPlanReport(world: world, regions: regions, plan: plan, diagnostics: diagnostics)
    }

    // MARK: Write

    public struct WriteOptions: Sendable {
        public var backupDirectory: String
        public var now: Date
        public init(backupDirectory: String, now: Date) {
            self.backupDirectory = backupDirectory
            self.now = now
        }
    }

    /// Writes a plan: backup of the app as read, a guard re-read (refuse if `lastUpdated` moved),
    /// the full-object PUT with only the planned keys changed, and a read-back that must show the
    /// whole app as sent. Returns the backup path.
    public static func write(_ report: OktaPlanReport, client: OktaClient, options: WriteOptions, logger: Logger) async throws(IDCSyncError) -> String {
        try await guardedReplace(report.world.app, with: report.world.app.applying(report.plan.updates), client: client, options: options, logger: logger)
    }

    /// The guarded write of any app: backup of the app as planned from, a guard re-read of the same
    /// app (refuse if `lastUpdated` moved), the full-object PUT, and a read-back compared field by
    /// field with what was sent. After an ambiguous PUT failure it reads before writing again.
    /// Returns the backup path.
    public static func guardedReplace(_ planned: OktaApp, with desired: OktaApp, client: OktaClient, options: WriteOptions,
                                      logger: Logger) async throws(IDCSyncError) -> String {
        let backup = try Backups.save(planned, orgURL: client.orgURL, directory: options.backupDirectory, now: options.now)
        logger.debug("saved the app as read", metadata: ["backup": "\(backup)"])

        let current = try await read(planned.id, client, like: planned)
        guard current.lastUpdated == planned.lastUpdated else {
            throw IDCSyncError(.conflict, [Diagnostic(.error, code: "okta.concurrent-edit",
                "the Okta app changed since it was read (app \(planned.id), lastUpdated \(planned.lastUpdated ?? "?") → \(current.lastUpdated ?? "?")): someone else edited it. Nothing was written; run the command again to plan against the new state.")])
        }
        var writeError: OktaError?
        do { _ = try await client.replace(desired) } catch { writeError = error }
        if let writeError {
            guard isAmbiguous(writeError) else { throw .okta(writeError) }
            // The PUT may or may not have been applied: look before writing again.
            logger.warning("the write to Okta got no clear answer; reading the app back", metadata: ["error": "\(writeError)"])
            let after = try await readBack(planned, client, backup: backup, sent: "the write got no clear answer (\(writeError))")
            if readBackProblems(sent: desired, before: current, after: after).isEmpty { return backup }
            guard after.lastUpdated == planned.lastUpdated else {
                throw IDCSyncError(.failure, [Diagnostic(.error, code: "okta.unknown-write",
                    "the write to Okta failed (\(writeError)) and the app has changed since: nothing more was written. Compare it with the backup \(backup) (`idcsync okta restore \(backup)` puts it back).")])
            }
            do { _ = try await client.replace(desired) } catch { throw .okta(error) }
        }
        let after = try await readBack(planned, client, backup: backup, sent: "Okta accepted the write")
        let problems = readBackProblems(sent: desired, before: current, after: after)
        guard problems.isEmpty else {
            throw IDCSyncError(.failure, problems.map { Diagnostic(.error, code: $0.code, "\($0.message); the app as it was before the write is in \(backup) (`idcsync okta restore \(backup)` puts it back)", field: $0.field) })
        }
        return backup
    }

    /// A field of the app read back after a write that is not what was sent.
    struct ReadBackProblem: Equatable {
        var code: String
        var field: String
        var message: String
    }

    /// The whole app read back against what was sent (fields Okta manages aside). A field that
    /// still holds its value from before the write did not persist; one that holds neither what was
    /// sent nor what was there before was changed by someone else during the write (Okta has no
    /// ETag, so that cannot be prevented, only seen).
    static func readBackProblems(sent: OktaApp, before: OktaApp, after: OktaApp) -> [ReadBackProblem] {
        AppDiff.differences(sent.json, after.json, ignoring: AppDiff.serverManaged).map { difference in
            let previous = before.json.value(at: difference.path)
            let sentText = AppDiff.describe(difference.before), foundText = AppDiff.describe(difference.after)
            if previous == difference.after {
                return ReadBackProblem(code: "okta.not-persisted", field: difference.field,
                    message: "Okta accepted the write but \(difference.field) did not persist (sent \(sentText), Okta still has \(foundText))")
            }
            return ReadBackProblem(code: "okta.concurrent-write", field: difference.field,
                message: "another change reached the app during the write: \(difference.field) is now \(foundText), which is neither what idcsync sent (\(sentText)) nor what it held before (\(AppDiff.describe(previous))); check who changed it (the Okta System Log) and which value is right")
        }
    }

    /// The read after a write was sent: a failure here leaves the write's fate unknown, so the
    /// message says so, with the backup and how to put it back.
    private static func readBack(_ planned: OktaApp, _ client: OktaClient, backup: String, sent: String) async throws(IDCSyncError) -> OktaApp {
        do {
            return try await read(planned.id, client, like: planned)
        } catch {
            throw IDCSyncError(.failure, error.diagnostics.map { $0.severity == .error ? Diagnostic(.error, code: $0.code, "\($0.message). \(sent) but reading the app back failed, so the write may or may not have reached Okta: run `idcsync okta plan` to see the app as it is now; the app as it was before the write is in \(backup) (`idcsync okta restore \(backup)` puts it back)", field: $0.field) : $0 })
        }
    }

    /// Reads the app the run is about, and refuses an answer that is not that app (another id or
    /// name) or lacks what every Okta app has: a full-replace PUT built from it would wipe the rest.
    static func read(_ id: String, _ client: OktaClient, like expected: OktaApp? = nil) async throws(IDCSyncError) -> OktaApp {
        let app: OktaApp
        do { app = try await client.app(id: id) } catch { throw .okta(error) }
        try checkShape(app, requested: id, name: expected?.name)
        return app
    }

    /// What every app Okta returns has; an answer without one of them is not the app as Okta holds it.
    static let requiredFields: [(field: String, isObject: Bool)] = [("signOnMode", false), ("settings", true), ("credentials", true), ("visibility", true)]

    static func checkShape(_ app: OktaApp, requested id: String, name: String?) throws(IDCSyncError) {
        guard app.id == id else {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "okta.wrong-app",
                "idcsync asked Okta for app \(id) and the answer is app \(app.id) (\(app.name ?? "no name")): nothing was written. Check that okta.orgUrl is the org's own address and that no proxy rewrites requests.")])
        }
        if let name, app.name != name {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "okta.wrong-app",
                "Okta app \(id) was read as \(name) and now answers as \(app.name ?? "no name"): nothing was written.")])
        }
        let missing = requiredFields.filter { required in
            let value = app.json[required.field]
            return required.isObject ? value?.objectValue == nil : value?.stringValue == nil
        }.map(\.field)
        guard missing.isEmpty else {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "okta.incomplete-app",
                "Okta's answer for app \(id) lacks \(missing.joined(separator: ", ")), which every Okta app has: a write built from it would clear them, so nothing was written. Run the command again; if it persists, check what sits between idcsync and Okta (okta.orgUrl, proxies).")])
        }
    }

    /// A failure after which Okta may have applied the request.
    static func isAmbiguous(_ error: OktaError) -> Bool {
        switch error {
        case .transport(let transport, _, _): transport.isTransient
        case .api(let status, _, _, _, _): status >= 500
        default: false
        }
    }
}

extension OktaSync {
    /// The whole read side: client, app, what it says, the plan.
    public static func planTarget(config: Config, target: Target, access: OktaAccess,
                                  context: EngineContext) async throws(IDCSyncError) -> (report: OktaPlanReport, client: OktaClient) {
        let client = try context.okta(target, configFile: config.source, access: access)
        let app = try await locateApp(target.okta ?? OktaConfig(), client: client)
        let world = try world(app: app, target: target, configFile: config.source)
        return (try plan(world: world, target: target, configFile: config.source), client)
    }
}
