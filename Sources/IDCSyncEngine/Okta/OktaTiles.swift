import Foundation
import IDCSyncCore
import Logging
import OktaKit

/// `okta tiles plan|apply`: an Okta Bookmark app per additional Region opening its access portal (or
/// one opening the company start URL with `portal: start-url`), assigned the IdC app's groups. Only
/// tiles carrying idcsync's marker are ever changed or removed.
public struct TilesReport: Sendable {
    public var plan: TilePlan
    public var idcAppId: String
    public var idcGroups: [String]
    public var apps: [TileApp]
    public var diagnostics: [Diagnostic]
}

public enum OktaTiles {
    public static let bookmarkAppName = "bookmark"

    /// Whether the target asks for tiles (`okta.tiles.enabled`).
    public static func enabled(_ target: Target) -> Bool { target.okta?.tiles?.enabled == true }

    /// Reads the IdC app's groups, the org's Bookmark apps and the groups of idcsync's own tiles, and
    /// plans. `target` has the instance ARN, the primary Region and the Regions filled in.
    public static func plan(config: Config, target: Target, client: OktaClient) async throws(IDCSyncError) -> TilesReport {
        guard let okta = target.okta, let tiles = okta.tiles, tiles.enabled else {
            throw .config("config.tiles-off", "okta.tiles is not enabled; add `tiles: {enabled: true}` under okta to manage dashboard tiles",
                          field: "okta.tiles", file: config.source)
        }
        guard let arn = target.instance.arn, let primary = target.instance.primaryRegion, let partition = target.partition else {
            throw .config("config.missing", "tiles name the instance in their marker: set instance.arn and instance.primaryRegion (or let idcsync read them from AWS by leaving instance.regions unset)",
                          field: "instance.arn", file: config.source)
        }
        let regions = target.instance.effectiveRegions
        let catalog = URLCatalogInput(partition: partition, primaryRegion: primary, instanceId: arn.instanceId, templates: target.instance.urlTemplates)
        let desired: [DesiredTile]
        do {
            desired = try TilePlanner.desiredTiles(config: tiles, regions: regions, catalog: catalog, startURL: target.instance.startUrl)
        } catch {
            if tiles.portal == .startURL {
                throw .config("start-url-missing", error.message, field: "okta.tiles.portal", file: config.source)
            }
            throw .config("tiles.url", error.message + "; give the portal URL form in instance.urlTemplates", field: "instance.urlTemplates", file: config.source)
        }
        let idcApp = try await OktaSync.locateApp(okta, client: client)
        let idcGroups: [OktaAppGroup]
        do { idcGroups = try await client.appGroups(appId: idcApp.id) } catch { throw .okta(error) }
        let bookmarks: [OktaApp]
        do { bookmarks = try await client.apps(filter: "name eq \"\(bookmarkAppName)\"") } catch { throw .okta(error) }
        var apps: [TileApp] = []
        for app in bookmarks {
            var tile = TileApp(app: app)
            if tile.marker?.instanceId == arn.instanceId {
                do { tile.groups = try await client.appGroups(appId: app.id).map(\.id) } catch { throw .okta(error) }
            }
            apps.append(tile)
        }
        let plan = TilePlanner.plan(desired: desired, apps: apps, idcGroups: idcGroups.map(\.id), instanceId: arn.instanceId,
                                    exactGroups: tiles.exactGroups)
        var diagnostics: [Diagnostic] = []
        if tiles.portal == .startURL {
            if tiles.label != TilesConfig.defaultLabel && TilePlanner.namesARegion(tiles.label) {
                diagnostics.append(Diagnostic(.note, code: "tiles.start-url-label",
                    "okta.tiles.label names a Region, but the start URL tile opens whichever Region is healthy, so it is labelled \"\(TilePlanner.startURLLabel)\"; give a label without {region}, {name} or {nameJa} to choose another",
                    field: "okta.tiles.label"))
            }
            if let note = tiles.note, TilePlanner.namesARegion(note) {
                diagnostics.append(Diagnostic(.warning, code: "tiles.start-url-note",
                    "okta.tiles.note names a Region, but the start URL tile opens whichever Region is healthy, so it gets no note; write the note without {region}, {name} or {nameJa}",
                    field: "okta.tiles.note"))
            }
        }
        for lookalike in plan.lookalikes {
            diagnostics.append(Diagnostic(.note, code: "tiles.lookalike",
                "app \(lookalike.id) \"\(lookalike.label)\" has a tile's label but no idcsync marker: it is left alone (idcsync only changes tiles it created)"))
        }
        if idcGroups.isEmpty {
            diagnostics.append(Diagnostic(.warning, code: "tiles.no-groups",
                "the IdC app \(idcApp.id) has no group assignments, so the tiles get none; people assigned to it individually will not see them"))
        }
        if okta.owner == .terraform && plan.hasChanges {
            diagnostics.append(Diagnostic(.note, code: Ownership.driftCode, Ownership.tilesFix(plan.steps), field: "okta.owner"))
        }
        return TilesReport(plan: plan, idcAppId: idcApp.id, idcGroups: idcGroups.map(\.id).sorted(), apps: apps, diagnostics: diagnostics)
    }

    /// Runs the steps in order. Updates go through the guarded full-object write (backup, re-read,
    /// PUT, read-back); a new tile carries its marker from the first request, so a rerun after any
    /// failure finds it instead of creating a second one. Returns one line per step done.
    public static func apply(_ report: TilesReport, client: OktaClient, backupDirectory: String, now: Date, logger: Logger,
                             progress: @Sendable (String) -> Void = { _ in }) async throws(IDCSyncError) -> [String] {
        var done: [String] = []
        func record(_ line: String) {
            done.append(line)
            progress(line)
        }
        for step in report.plan.steps {
            switch step {
            case .create(let tile, let groups, let marker):
                let created: OktaApp
                do { created = try await client.createApp(TilePlanner.newApp(tile, marker: marker), activate: true) } catch { throw .okta(error) }
                for group in groups {
                    do { try await client.assignGroup(appId: created.id, groupId: group) } catch { throw .okta(error) }
                }
                record("created tile \(created.id) \"\(tile.label)\" → \(tile.url) with \(groups.count) group\(groups.count == 1 ? "" : "s")")
            case .update(let appId, let region, let changes):
                guard let current = report.apps.first(where: { $0.app.id == appId })?.app else { continue }
                let backup = try await OktaSync.guardedReplace(current, with: TilePlanner.updated(current, changes: changes), client: client,
                                                               options: .init(backupDirectory: backupDirectory, now: now), logger: logger)
                record("updated tile \(appId) (\(TileMarker.displayName(region))): \(changes.map(\.field).joined(separator: ", ")) (backup \(backup))")
            case .activate(let appId, let region):
                do { try await client.activateApp(id: appId) } catch { throw .okta(error) }
                record("activated tile \(appId) (\(TileMarker.displayName(region)))")
            case .assign(let appId, let region, let groups):
                for group in groups {
                    do { try await client.assignGroup(appId: appId, groupId: group) } catch { throw .okta(error) }
                }
                record("assigned \(groups.joined(separator: ", ")) to tile \(appId) (\(TileMarker.displayName(region)))")
            case .unassign(let appId, let region, let groups):
                for group in groups {
                    do { try await client.unassignGroup(appId: appId, groupId: group) } catch { throw .okta(error) }
                }
                record("unassigned \(groups.joined(separator: ", ")) from tile \(appId) (\(TileMarker.displayName(region)))")
            case .remove(let appId, let region, _, _):
                if let app = report.apps.first(where: { $0.app.id == appId })?.app {
                    let backup = try Backups.save(app, orgURL: client.orgURL, directory: backupDirectory, now: now)
                    logger.debug("saved the tile before removing it", metadata: ["backup": "\(backup)"])
                    if app.status != "INACTIVE" {
                        do { try await client.deactivateApp(id: appId) } catch { throw .okta(error) }
                    }
                }
                do { try await client.deleteApp(id: appId) } catch { throw .okta(error) }
                record("removed tile \(appId) (\(TileMarker.displayName(region))): deactivated and deleted")
            }
        }
        return done
    }
}
