import IDCSyncCore
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    @Test func keepsKeyOrderAndEscapes() {
        let value: JSONValue = .object(["b": "x\"y\\z\n\t\u{01}/é", "a": .array([]), "c": .object([:]), "d": .null, "e": true, "f": .int(7)])
        #expect(JSONWriter.compact(value) == #"{"b":"x\"y\\z\n\t\u0001/é","a":[],"c":{},"d":null,"e":true,"f":7}"#)
        #expect(JSONWriter.pretty(["one"]) == "[\n  \"one\"\n]\n")
    }

    @Test func objectEqualityIgnoresKeyOrder() {
        let a: JSONObject = ["x": "1", "y": .null]
        let b: JSONObject = ["y": .null, "x": "1"]
        #expect(a == b)
        #expect(a != ["x": "1"])
        #expect(a != ["x": "1", "y": "2"])
    }

    @Test func settingAKeyReplacesInPlaceAndNilRemoves() {
        var object: JSONObject = ["a": "1", "b": "2"]
        object["a"] = "3"
        object["c"] = "4"
        object["b"] = nil
        #expect(object.keys == ["a", "c"])
        #expect(object["a"] == "3")
    }

    @Test func singleValueListsCollapseAsAWSWritesThem() {
        #expect(JSONValue.stringOrList(["a"]) == .string("a"))
        #expect(JSONValue.stringOrList(["a", "b"]) == .array(["a", "b"]))
    }
}

@Suite("Identifiers and suggestions")
struct IdentifierTests {
    @Test(arguments: [
        ("ap-northeast-1", Partition.aws), ("us-gov-west-1", .awsUSGov), ("cn-northwest-1", .awsCN),
        ("il-central-1", .aws), ("mx-central-1", .aws), ("ap-southeast-7", .aws),
    ])
    func regionsMapToTheirPartition(name: String, partition: Partition) throws {
        #expect(try Region.parse(name).get().partition == partition)
    }

    @Test func instanceARNKeepsItsIdAndPartition() throws {
        let arn = try InstanceARN.parse("arn:aws-us-gov:sso:::instance/ssoins-abcdef0123456789").get()
        #expect(arn.partition == .awsUSGov)
        #expect(arn.instanceId == "ssoins-abcdef0123456789")
        #expect(try InstanceARN.parse("arn:aws:sso:::instance/ins-abcdef0123456789").get().instanceId == "ins-abcdef0123456789")
    }

    @Test func keyARNParts() throws {
        let key = try KeyARN.parse("arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab").get()
        #expect(key.isMultiRegion)
        #expect(key.anyRegionPattern == "arn:aws:kms:*:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab")
        let single = try KeyARN.parse("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab").get()
        #expect(!single.isMultiRegion)
        #expect(throws: IdentifierError.self) { try KeyARN.parse("arn:aws:kms:cn-north-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab").get() }
    }

    /// Strict on what users type, liberal on what AWS returns: a key id of an undocumented shape from
    /// DescribeInstance is used as given; the partition, Region and account are still checked.
    @Test func aKeyARNFromAWSIsCheckedOnlyWhereIdcsyncNeedsIt() throws {
        let odd = "arn:aws:kms:eu-west-1:111122223333:key/mrk-NEW_shape.2027"
        #expect(throws: IdentifierError.self) { try KeyARN.parse(odd).get() }
        let returned = try KeyARN.parseReturned(odd).get()
        #expect(returned.keyId == "mrk-NEW_shape.2027")
        #expect(returned.isMultiRegion)
        #expect(returned.region.name == "eu-west-1" && returned.account.value == "111122223333")
        #expect(throws: IdentifierError.self) { try KeyARN.parseReturned("arn:aws:kms:cn-north-1:111122223333:key/odd").get() }
        #expect(throws: IdentifierError.self) { try KeyARN.parseReturned("arn:aws:kms:eu-west-1:1111:key/odd").get() }
        #expect(throws: IdentifierError.self) { try KeyARN.parseReturned("arn:aws:kms:eu-west-1:111122223333:key/").get() }
        #expect(throws: IdentifierError.self) { try KeyARN.parseReturned("arn:aws:kms:eu-west-1:111122223333:alias/odd").get() }
    }

    @Test func principalsCannotHaveWildcards() {
        #expect(throws: IdentifierError.self) { try PrincipalARN.parse("arn:aws:iam::111122223333:role/admin-*").get() }
        #expect((try? AdminRole.parse("arn:aws:iam::111122223333:role/admin-*").get()) != nil)
    }

    @Test func suggestions() {
        #expect(Suggestions.closest(to: "primaryregion", in: ["arn", "primaryRegion"]) == "primaryRegion")
        #expect(Suggestions.closest(to: "zzzzzz", in: ["arn", "primaryRegion"]) == nil)
        #expect(Region(name: "eu-wset-1", partition: .aws).nearMiss == "eu-west-1")
        #expect(Region(name: "eu-west-1", partition: .aws).nearMiss == nil)
    }
}
