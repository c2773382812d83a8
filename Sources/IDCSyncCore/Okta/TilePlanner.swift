/// Okta dashboard tiles (Bookmark apps) that open each additional Region's access portal, or one
/// tile that opens the company start URL (`okta.tiles.portal: start-url`), with the IdC app's groups.
/// Pure: the apps and groups as read in, the steps to take out.

/// What idcsync writes into a tile's `settings.notes.admin` to recognise it as its own (never by
/// label), and which groups it assigned from the IdC app, so that a group removed from the IdC app
/// can be told apart from one an admin added to the tile by hand.
public struct TileMarker: Sendable, Equatable {
    public var instanceId: String
    /// The Region whose portal the tile opens, or `startURLKey` for the start URL tile.
    public var region: String
    /// The IdC app's groups idcsync mirrored onto the tile, sorted.
    public var mirroredGroups: [String]

    public init(instanceId: String, region: String, mirroredGroups: [String]) {
        self.instanceId = instanceId
        self.region = region
        self.mirroredGroups = mirroredGroups.sorted()
    }

    static let headPrefix = "Managed by idcsync: instance "
    static let groupsPrefix = "idcsync-groups: "
    /// `region` of the one tile that opens the company start URL (no Region is named so).
    public static let startURLKey = "start-url"
    /// How the marker names the start URL tile, where it names a Region otherwise.
    static let startURLText = "start URL"

    /// A tile's Region, or "start URL", for messages.
    public static func displayName(_ key: String) -> String { key == startURLKey ? startURLText : key }

    /// The marker lines, after any lines of the note that are not idcsync's (kept as they were).
    public func note(keeping existing: String?) -> String {
        let others = (existing ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.hasPrefix(Self.headPrefix) && !$0.hasPrefix(Self.groupsPrefix) }
        let kept = others.joined(separator: "\n").trimmingWhitespace()
        let subject = region == Self.startURLKey ? Self.startURLText : "Region \(region)"
        let marker = "\(Self.headPrefix)\(instanceId), \(subject). Do not edit these two lines.\n"
            + "\(Self.groupsPrefix)\(mirroredGroups.isEmpty ? "-" : mirroredGroups.joined(separator: ","))"
        return kept.isEmpty ? marker : kept + "\n" + marker
    }

    public static func parse(_ note: String?) -> TileMarker? {
        guard let note else { return nil }
        var marker: TileMarker?
        for line in note.split(separator: "\n").map(String.init) {
            if line.hasPrefix(headPrefix) {
                let rest = line.dropFirst(headPrefix.count)
                let parts = rest.split(separator: ",", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let region = String(parts[1]).trimmingWhitespace()
                let name: String
                if region.hasPrefix(startURLText + ".") {
                    name = startURLKey
                } else if region.hasPrefix("Region ") {
                    name = String(region.dropFirst("Region ".count).prefix { $0 != "." && $0 != " " })
                } else {
                    continue
                }
                marker = TileMarker(instanceId: String(parts[0]), region: name, mirroredGroups: marker?.mirroredGroups ?? [])
            } else if line.hasPrefix(groupsPrefix) {
                let list = String(line.dropFirst(groupsPrefix.count)).trimmingWhitespace()
                let groups = list == "-" ? [] : list.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
                if var existing = marker {
                    existing.mirroredGroups = groups.sorted()
                    marker = existing
                } else {
                    marker = TileMarker(instanceId: "", region: "", mirroredGroups: groups)
                }
            }
        }
        guard let marker, !marker.instanceId.isEmpty, !marker.region.isEmpty else { return nil }
        return marker
    }
}

/// A Bookmark app as read, with its group assignments (read only for idcsync's own tiles).
public struct TileApp: Sendable, Equatable {
    public var app: OktaApp
    public var groups: [String]

    public init(app: OktaApp, groups: [String] = []) {
        self.app = app
        self.groups = groups
    }

    public var marker: TileMarker? { TileMarker.parse(app.json.value(at: ["settings", "notes", "admin"])?.stringValue) }
    public var url: String? { app.setting("url") }
    public var note: String? { app.json.value(at: ["settings", "notes", "enduser"])?.stringValue }
}

public struct DesiredTile: Sendable, Equatable {
    /// The Region whose access portal the tile opens; nil for the tile that opens the start URL.
    public var region: Region?
    public var isPrimary: Bool
    public var label: String
    public var url: String
    public var note: String?

    /// The marker's `region`: the Region's name, or `TileMarker.startURLKey`.
    public var key: String { region?.name ?? TileMarker.startURLKey }
    /// The Region's name, or "start URL", for messages.
    public var name: String { TileMarker.displayName(key) }
}

public struct TilePlan: Sendable, Equatable {
    public struct FieldChange: Sendable, Equatable {
        /// `label`, `settings.app.url`, `settings.notes.enduser` or `settings.notes.admin`.
        public var field: String
        public var before: String?
        public var after: String?
    }

    public enum Step: Sendable, Equatable {
        /// Create the Bookmark app (active), then assign the groups.
        case create(DesiredTile, groups: [String], marker: TileMarker)
        /// Full-object write of an existing tile with these fields changed.
        case update(appId: String, region: String, changes: [FieldChange])
        case activate(appId: String, region: String)
        case assign(appId: String, region: String, groups: [String])
        case unassign(appId: String, region: String, groups: [String])
        /// Deactivate, then delete (Okta deletes only inactive apps).
        case remove(appId: String, region: String, label: String?, why: String)
    }

    public var desired: [DesiredTile]
    public var steps: [Step]
    /// Apps with a desired tile's label that idcsync does not own: left alone, reported.
    public var lookalikes: [(id: String, label: String)]
    public var hasChanges: Bool { !steps.isEmpty }

    public static func == (lhs: TilePlan, rhs: TilePlan) -> Bool {
        lhs.desired == rhs.desired && lhs.steps == rhs.steps
            && lhs.lookalikes.map(\.id) == rhs.lookalikes.map(\.id) && lhs.lookalikes.map(\.label) == rhs.lookalikes.map(\.label)
    }
}

extension TilePlan.Step: CustomStringConvertible {
    /// The action word (`create`, `update`, …), for styling.
    public var verb: String {
        switch self {
        case .create: "create"
        case .update: "update"
        case .activate: "activate"
        case .assign: "assign"
        case .unassign: "unassign"
        case .remove: "remove"
        }
    }

    /// The rest of the step's one-line description, after the verb.
    public var detail: String {
        switch self {
        case .create(let tile, let groups, _):
            "tile \"\(tile.label)\" → \(tile.url), groups: \(groups.isEmpty ? "none" : groups.joined(separator: ", "))"
        case .update(let id, let region, let changes): "tile \(id) (\(TileMarker.displayName(region))): \(changes.map(\.field).joined(separator: ", "))"
        case .activate(let id, let region): "tile \(id) (\(TileMarker.displayName(region)))"
        case .assign(let id, let region, let groups): "\(groups.joined(separator: ", ")) to tile \(id) (\(TileMarker.displayName(region)))"
        case .unassign(let id, let region, let groups): "\(groups.joined(separator: ", ")) from tile \(id) (\(TileMarker.displayName(region)))"
        case .remove(let id, let region, let label, let why): "tile \(id) \"\(label ?? "")\" (\(TileMarker.displayName(region))): deactivate, then delete; \(why)"
        }
    }

    public var description: String { verb + " " + detail }
}

public enum TilePlanner {
    public struct PlanError: Error, Sendable, Equatable {
        public var message: String
    }

    /// The label of the start URL tile when the configured label names a Region.
    public static let startURLLabel = "AWS access portal"

    /// The tiles the config asks for: each additional Region (and the primary when `primary: true`),
    /// with the configured portal variant's URL; with `portal: start-url`, one tile for `startURL`.
    public static func desiredTiles(config: TilesConfig, regions: [Region], catalog: URLCatalogInput,
                                    startURL: StartURL? = nil) throws(PlanError) -> [DesiredTile] {
        if config.portal == .startURL {
            guard let startURL else {
                throw PlanError(message: "okta.tiles.portal is start-url, but instance.startUrl is not set; set it (e.g. https://aws.example.com), or choose portal: alternate-ipv4 or dualstack")
            }
            // The start URL lands on whichever Region is healthy: a label or note naming one would mislead.
            return [DesiredTile(region: nil, isPrimary: false,
                                label: namesARegion(config.label) ? startURLLabel : config.label,
                                url: startURL.value, note: config.note.flatMap { namesARegion($0) ? nil : $0 })]
        }
        let variant: URLVariant = config.portal == .dualStack ? .portalDualStack : .portalAlternateIPv4
        let wanted = regions.filter { config.primary || $0 != catalog.primaryRegion }.sorted { $0.name < $1.name }
        let urls = URLCatalog.urls(for: wanted, enabledRegions: regions, input: catalog)
        return try wanted.map { region throws(PlanError) -> DesiredTile in
            guard let entry = urls.first(where: { $0.region == region })?.entry(variant), entry.status == .works, let url = entry.url else {
                let why = urls.first(where: { $0.region == region })?.entry(variant)?.explanation ?? "no URL"
                throw PlanError(message: "no \(variant.displayName) portal URL for \(region.name): \(why)")
            }
            return DesiredTile(region: region, isPrimary: region == catalog.primaryRegion, label: fill(config.label, region),
                               url: url, note: config.note.map { fill($0, region) })
        }
    }

    /// Whether a label or note template holds a Region placeholder (`{region}`, `{name}`, `{nameJa}`).
    public static func namesARegion(_ template: String) -> Bool {
        ["{region}", "{name}", "{nameJa}"].contains { template.contains($0) }
    }

    static func fill(_ template: String, _ region: Region) -> String {
        template.replacingOccurrences(of: "{region}", with: region.name)
            .replacingOccurrences(of: "{nameJa}", with: RegionNames.name(of: region.name, in: "ja"))
            .replacingOccurrences(of: "{name}", with: RegionNames.name(of: region.name, in: "en"))
    }

    /// The steps from the tiles as read to the desired ones. `apps` are the org's Bookmark apps;
    /// only those whose marker names `instanceId` are ever changed or removed.
    public static func plan(desired: [DesiredTile], apps: [TileApp], idcGroups: [String], instanceId: String,
                            exactGroups: Bool) -> TilePlan {
        let ours = apps.filter { $0.marker?.instanceId == instanceId }
        var steps: [TilePlan.Step] = []
        var handled: Set<String> = []
        let wantedGroups = Array(Set(idcGroups)).sorted()

        for tile in desired {
            // Oldest first: a duplicate left by an interrupted run is the newer one.
            let candidates = ours.filter { $0.marker?.region == tile.key }
                .sorted { ($0.app.json["created"]?.stringValue ?? "", $0.app.id) < ($1.app.json["created"]?.stringValue ?? "", $1.app.id) }
            guard let existing = candidates.first else {
                steps.append(.create(tile, groups: wantedGroups,
                                     marker: TileMarker(instanceId: instanceId, region: tile.key, mirroredGroups: wantedGroups)))
                continue
            }
            handled.insert(existing.app.id)
            for duplicate in candidates.dropFirst() {
                handled.insert(duplicate.app.id)
                steps.append(.remove(appId: duplicate.app.id, region: tile.key, label: duplicate.app.label,
                                     why: "a second idcsync tile for \(tile.name) (left by an interrupted run); \(existing.app.id) is kept"))
            }
            let id = existing.app.id
            let region = tile.key
            let marker = existing.marker!
            let present = Set(existing.groups)
            let toAssign = wantedGroups.filter { !present.contains($0) }
            let toRemove = existing.groups.filter { group in
                !wantedGroups.contains(group) && (exactGroups || marker.mirroredGroups.contains(group))
            }.sorted()
            // Groups first, the marker after: an interrupted run then never takes a group it removed
            // from the IdC app for one added by hand.
            if !toAssign.isEmpty { steps.append(.assign(appId: id, region: region, groups: toAssign)) }
            if !toRemove.isEmpty { steps.append(.unassign(appId: id, region: region, groups: toRemove)) }

            var changes: [TilePlan.FieldChange] = []
            if existing.app.label != tile.label { changes.append(.init(field: "label", before: existing.app.label, after: tile.label)) }
            if existing.url != tile.url { changes.append(.init(field: "settings.app.url", before: existing.url, after: tile.url)) }
            if existing.note != tile.note { changes.append(.init(field: "settings.notes.enduser", before: existing.note, after: tile.note)) }
            let adminBefore = existing.app.json.value(at: ["settings", "notes", "admin"])?.stringValue
            let adminAfter = TileMarker(instanceId: instanceId, region: region, mirroredGroups: wantedGroups).note(keeping: adminBefore)
            if adminBefore != adminAfter { changes.append(.init(field: "settings.notes.admin", before: adminBefore, after: adminAfter)) }
            if !changes.isEmpty { steps.append(.update(appId: id, region: region, changes: changes)) }
            if existing.app.status != "ACTIVE" { steps.append(.activate(appId: id, region: region)) }
        }
        let opensStartURL = desired.contains { $0.region == nil }
        for tile in ours where !handled.contains(tile.app.id) {
            let region = tile.marker!.region
            let why = if region == TileMarker.startURLKey {
                "okta.tiles.portal is no longer start-url: the Regions' tiles replace the start URL tile"
            } else if opensStartURL {
                "the start URL tile replaces the Regions' tiles (okta.tiles.portal: start-url)"
            } else {
                "\(region) is no longer a Region of the instance that has a tile"
            }
            steps.append(.remove(appId: tile.app.id, region: region, label: tile.app.label, why: why))
        }
        let labels = Set(desired.map(\.label))
        let lookalikes = apps.filter { $0.marker == nil && labels.contains($0.app.label ?? "") }
            .map { (id: $0.app.id, label: $0.app.label ?? "") }
        return TilePlan(desired: desired, steps: steps, lookalikes: lookalikes)
    }

    /// The JSON of a new tile: Okta's Bookmark app with the marker in the admin note.
    public static func newApp(_ tile: DesiredTile, marker: TileMarker) -> JSONValue {
        var notes: JSONObject = ["admin": .string(marker.note(keeping: nil))]
        notes["enduser"] = tile.note.map(JSONValue.string) ?? .null
        return .object([
            "name": "bookmark",
            "label": .string(tile.label),
            "signOnMode": "BOOKMARK",
            "settings": .object([
                "app": .object(["requestIntegration": .bool(false), "url": .string(tile.url)]),
                "notes": .object(notes),
            ]),
        ])
    }

    /// An existing tile with the planned fields set; every other field as read.
    public static func updated(_ app: OktaApp, changes: [TilePlan.FieldChange]) -> OktaApp {
        var json = app.json
        for change in changes {
            let path = change.field.split(separator: ".").map(String.init)
            json.set(change.after.map(JSONValue.string) ?? .null, at: path)
        }
        return (try? OktaApp(json: json)) ?? app
    }
}
