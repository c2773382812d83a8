import IDCSyncCore
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test func roundTripKeepsOrderNullsAndNumberText() throws {
        let text = #"{"z":1,"a":{"n":null,"big":12345678901234567890,"f":2.50,"e":-1E+3},"s":"é\n\u00e9\ud83d\ude00\/","t":[true,false,[],{}]}"#
        let value = try JSONParser.parse(text)
        #expect(value["z"] == .number("1"))
        #expect(value["a"]?["big"] == .number("12345678901234567890"))
        #expect(value["a"]?["f"] == .number("2.50"))
        #expect(value["a"]?["n"] == .null)
        #expect(value["s"] == .string("é\né😀/"))
        #expect(value.objectValue?.keys == ["z", "a", "s", "t"])
        // Written back, then read again: the same value.
        #expect(try JSONParser.parse(JSONWriter.compact(value)) == value)
        #expect(JSONWriter.compact(value) == #"{"z":1,"a":{"n":null,"big":12345678901234567890,"f":2.50,"e":-1E+3},"s":"é\né😀/","t":[true,false,[],{}]}"#)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"\\x\"", "\"a\nb\"", "[1] 2", "\"\\ud800\"", "-"])
    func invalidJSONIsRejected(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test func duplicateKeysAreRefusedAtAnyDepth() throws {
        let failure = #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"id":"0oa1","id":"0oa2"}"#) }
        #expect(failure?.description == "duplicate key \"id\" at byte 13")
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"settings":{"app":{"acsURL":"a","acsURL":null}}}"#) }
        #expect(try JSONParser.parse(#"{"a":{"id":1},"b":{"id":2}}"#)["b"]?["id"] == .number("2"), "the same key in two objects is fine")
    }

    @Test func deepNestingIsBounded() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
    }
}

/// An `amazon_aws_sso` app as Okta returns it: every `settings.app` key of the definition, unset ones null.
func samlApp(slots: [Int: String] = [:], defaultACS: String? = "https://ap-northeast-1.signin.aws.amazon.com/platform/saml/acs/T-1",
             keyName: (Int) -> String = { "acsURL\($0)" }, extra: JSONObject = [:]) -> OktaApp {
    var settings: JSONObject = ["acsURL": defaultACS.map(JSONValue.string) ?? .null, "entityID": "https://ap-northeast-1.signin.aws.amazon.com/platform/saml/d-1"]
    for slot in 1...17 { settings[keyName(slot)] = slots[slot].map(JSONValue.string) ?? .null }
    var app: JSONObject = [
        "id": "0oa1", "name": "amazon_aws_sso", "label": "AWS IAM Identity Center", "status": "ACTIVE",
        "lastUpdated": "2026-11-21T10:00:00.000Z", "settings": .object(["app": .object(settings)]),
    ]
    for member in extra.members { app[member.key] = member.value }
    return try! OktaApp(json: .object(app))
}

@Suite("Okta app and slot discovery")
struct SlotDiscoveryTests {
    @Test func discoversSlotKeysInAnyCaseWithOptionalUnderscore() throws {
        for naming in [{ "acsURL\($0)" }, { "acsUrl_\($0)" }, { "ACSURL\($0)" }] as [(Int) -> String] {
            let layout = try ACSSlotLayout.discover(in: samlApp(keyName: naming), configured: .auto)
            #expect(layout.slotKeys == (1...17).map(naming))
        }
    }

    @Test func explainsWhatWasFoundWhenSlotsAreMissing() {
        let app = try! OktaApp(json: .object(["id": "0oa1", "settings": .object(["app": .object(["acsURL": .null, "entityID": .null, "acsURL1": .null])])]))
        #expect {
            try ACSSlotLayout.discover(in: app, configured: .auto)
        } throws: { error in
            let message = (error as? OktaAppError)?.message ?? ""
            return message.contains("slots 2, 3, 4") && message.contains("settings.app keys found: acsURL, entityID, acsURL1") && message.contains("okta.slotKeys")
        }
    }

    @Test func explicitSlotKeysMustExist() throws {
        let keys = (1...17).map { "acsURL\($0)" }
        #expect(try ACSSlotLayout.discover(in: samlApp(), configured: .explicit(keys)).slotKeys == keys)
        #expect(throws: OktaAppError.self) {
            try ACSSlotLayout.discover(in: samlApp(), configured: .explicit((1...17).map { "slot\($0)" }))
        }
    }

    @Test func ambiguousKeysAreRefused() {
        var app = samlApp()
        app = app.applying([("acsUrl_3", .null)])
        #expect { try ACSSlotLayout.discover(in: app, configured: .auto) } throws: { error in
            (error as? OktaAppError)?.message.contains("slot 3 matches several settings.app keys") == true
        }
    }

    @Test func notTheIdentityCenterApp() {
        let bookmark = try! OktaApp(json: .object(["id": "0oa2", "settings": .object(["app": .object(["url": "https://x"])])]))
        #expect { try ACSSlotLayout.discover(in: bookmark, configured: .auto) } throws: { error in
            (error as? OktaAppError)?.message.contains("has no settings.app.acsURL") == true
        }
    }

    @Test func defaultACSTellsTenantRegionAndEra() {
        let old = DefaultACSFacts(url: "https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/4455422d-abc")
        #expect(old.tenantId == "4455422d-abc")
        #expect(old.region == "eu-west-1")
        #expect(old.enabledBeforeFebruary2026 == true)
        let new = DefaultACSFacts(url: "https://eu-west-1.signin.aws/platform/saml/acs/4455422d-abc")
        #expect(new.enabledBeforeFebruary2026 == false)
        #expect(new.variant == .acsIPv4)
        let dual = DefaultACSFacts(url: "https://eu-west-1.sso.signin.aws/platform/saml/acs/T")
        #expect(dual.variant == .acsDualStack)
        let unknown = DefaultACSFacts(url: "https://example.com/saml")
        #expect(unknown.tenantId == nil)
        #expect(unknown.enabledBeforeFebruary2026 == nil)
    }

    @Test func applyingChangesOnlyTheGivenKeys() throws {
        let app = samlApp(extra: ["zeta": .array([.null, .number("1.0")]), "visibility": .object(["hide": .object(["web": false])])])
        let changed = app.applying([("acsURL3", "https://x"), ("acsURL4", .null)])
        #expect(changed.setting("acsURL3") == "https://x")
        var expected = app.json
        expected.set("https://x", at: ["settings", "app", "acsURL3"])
        #expect(changed.json == expected)
        #expect(changed.json["zeta"] == .array([.null, .number("1.0")]))
        #expect(changed.json.objectValue?.keys == app.json.objectValue?.keys)
    }
}
