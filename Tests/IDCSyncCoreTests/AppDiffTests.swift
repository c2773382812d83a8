import IDCSyncCore
import Testing

@Suite("App diff and restore checks")
struct AppDiffTests {
    @Test func differencesDescendIntoObjectsAndTellAbsentFromNull() throws {
        let before = try JSONParser.parse(#"{"id":"1","a":{"b":1,"c":null,"d":[1]},"gone":true,"lastUpdated":"x"}"#)
        let after = try JSONParser.parse(#"{"id":"1","a":{"b":2,"d":[1,2],"e":"new"},"lastUpdated":"y","added":null}"#)
        let differences = AppDiff.differences(before, after, ignoring: ["lastUpdated"])
        #expect(differences.map(\.field) == ["a.b", "a.c", "a.d", "a.e", "gone", "added"])
        #expect(differences[1] == FieldDifference(path: ["a", "c"], before: .null, after: nil))
        #expect(differences[5] == FieldDifference(path: ["added"], before: nil, after: .null))
        #expect(AppDiff.describe(nil) == "(absent)")
        #expect(AppDiff.describe(.string(String(repeating: "x", count: 300))).count == 201)
    }

    @Test func aRestoreMayClearSlotsButNeverTakeAwayOrChangeTheDefaults() throws {
        let current = samlApp(slots: [1: "https://a/acs", 2: "https://b/acs"], extra: ["credentials": .object(["x": true]), "signOnMode": "SAML_2_0"])
        var backupJSON = current.json
        backupJSON.set(.null, at: ["settings", "app", "acsURL2"])
        let slotKeys = Set((1...17).map { "acsURL\($0)" })
        #expect(RestoreCheck.refusals(current: current, backup: try OktaApp(json: backupJSON), clearable: slotKeys, fixed: ["acsURL", "entityID"]).isEmpty,
                "putting a slot back to null is what a restore is for")

        var hostile = backupJSON
        hostile.set(.string("https://evil/acs"), at: ["settings", "app", "acsURL"])
        hostile.set(.null, at: ["label"])
        hostile.set(.string("bookmark"), at: ["name"])
        var object = try #require(hostile.objectValue)
        object["credentials"] = nil
        object["signOnMode"] = "BOOKMARK"
        let refusals = RestoreCheck.refusals(current: current, backup: try OktaApp(json: .object(object)), clearable: slotKeys, fixed: ["acsURL", "entityID"])
        #expect(refusals.map(\.field) == ["name", "label", "settings.app.acsURL", "credentials", "signOnMode"])
        #expect(refusals[0].reason == "the backup is of an app named bookmark, but app 0oa1 is amazon_aws_sso")
        #expect(refusals[3].reason == #"the app has it ({"x":true}) and the backup does not: a restore would remove it"#)
    }
}
