/// An Okta app exactly as the API returned it. idcsync reads a few fields and changes only planned
/// `settings.app` keys; everything else (unknown keys, explicit nulls, key order) goes back as read,
/// because `PUT /api/v1/apps/{id}` replaces the whole app.
public struct OktaApp: Sendable, Equatable {
    public private(set) var json: JSONValue

    public init(json: JSONValue) throws(OktaAppError) {
        guard json.objectValue != nil else { throw OktaAppError("the app is not a JSON object") }
        guard json["id"]?.stringValue != nil else { throw OktaAppError("the app has no id") }
        self.json = json
    }

    public var id: String { json["id"]?.stringValue ?? "" }
    public var name: String? { json["name"]?.stringValue }
    public var label: String? { json["label"]?.stringValue }
    public var status: String? { json["status"]?.stringValue }
    public var lastUpdated: String? { json["lastUpdated"]?.stringValue }
    /// The org the app was read from, from `_links.self.href` (used to refuse restoring into another org).
    public var selfLink: String? { json.value(at: ["_links", "self", "href"])?.stringValue }

    public var settingsApp: JSONObject? { json.value(at: ["settings", "app"])?.objectValue }

    /// A `settings.app` value as text; `nil` for null, absent or empty.
    public func setting(_ key: String) -> String? {
        guard let text = settingsApp?[key]?.stringValue, !text.isEmpty else { return nil }
        return text
    }

    /// The app with `settings.app` keys set; nothing else changes.
    public func applying(_ updates: [(key: String, value: JSONValue)]) -> OktaApp {
        var copy = self
        for update in updates { copy.json.set(update.value, at: ["settings", "app", update.key]) }
        return copy
    }
}

public struct OktaAppError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
