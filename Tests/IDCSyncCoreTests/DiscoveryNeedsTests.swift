import IDCSyncCore
import Testing

private let arn = try! InstanceARN.parse("arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6").get()
private let key = try! KeyARN.parse("arn:aws:kms:ap-northeast-1:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0").get()
private let tokyo = try! Region.parse("ap-northeast-1").get()
private let store = try! IdentityStoreID.parse("d-9067a1b2c3").get()

/// Everything the offline commands can need, set.
private func full() -> Target {
    Target(instance: InstanceConfig(arn: arn, primaryRegion: tokyo, identityStoreId: store, regions: [tokyo]),
           kms: KMSConfig(keyArn: key, delegatedAdministrators: .accounts([])))
}

private func fields(_ keys: [MissingKey]) -> [String] { keys.map { "\($0.field)\($0.required ? "!" : "?")" } }

@Suite("Which config keys each offline command needs")
struct DiscoveryNeedsTests {
    @Test func aFullConfigNeedsNothing() {
        #expect(DiscoveryNeeds.urls(full(), regionsGiven: false).isEmpty)
        #expect(DiscoveryNeeds.guides(full()).isEmpty)
        #expect(DiscoveryNeeds.keyPolicy(full(), pinned: true).isEmpty)
        #expect(DiscoveryNeeds.runnerPolicy(full(), partitionKnown: true).isEmpty)
    }

    @Test func theStarterConfigNeedsTheInstance() {
        let empty = Target()
        #expect(fields(DiscoveryNeeds.urls(empty, regionsGiven: false))
            == ["instance.primaryRegion!", "instance.regions!", "instance.arn?", "instance.identityStoreId?"])
        #expect(fields(DiscoveryNeeds.urls(empty, regionsGiven: true))
            == ["instance.primaryRegion!", "instance.regions?", "instance.arn?", "instance.identityStoreId?"])
        #expect(fields(DiscoveryNeeds.guides(empty)) == ["instance.primaryRegion!", "instance.regions!", "instance.arn!", "instance.identityStoreId?"])
        #expect(fields(DiscoveryNeeds.keyPolicy(empty, pinned: false))
            == ["instance.primaryRegion!", "instance.accountId!", "kms.delegatedAdministrators!", "kms.keyArn?"])
        #expect(fields(DiscoveryNeeds.runnerPolicy(empty, partitionKnown: false)) == ["instance.primaryRegion!", "instance.arn?", "kms.keyArn?"])
    }

    /// `auto` is unresolved until Organizations answers; a list, even empty, is the config's answer.
    @Test func theKeyPolicyNeedsTheDelegatedAdministratorsResolved() {
        var target = full()
        target.kms.delegatedAdministrators = .auto
        #expect(fields(DiscoveryNeeds.keyPolicy(target, pinned: false)) == ["kms.delegatedAdministrators!"])
        // The key names only the delegated administrators' IAM policy: not needed when there are none.
        target.kms.keyArn = nil
        target.instance.accountId = key.account
        target.kms.delegatedAdministrators = .accounts([])
        #expect(DiscoveryNeeds.keyPolicy(target, pinned: false).isEmpty)
        target.kms.delegatedAdministrators = .accounts([try! AccountID.parse("444455556666").get()])
        #expect(fields(DiscoveryNeeds.keyPolicy(target, pinned: false)) == ["kms.keyArn?"])
    }

    @Test func pinningNeedsTheInstanceAndItsIdentityStore() {
        var target = full()
        target.instance.arn = nil
        target.instance.identityStoreId = nil
        #expect(DiscoveryNeeds.keyPolicy(target, pinned: false).isEmpty)
        #expect(fields(DiscoveryNeeds.keyPolicy(target, pinned: true)) == ["instance.arn!", "instance.identityStoreId!"])
    }
}
