import Foundation
import HTTPKit
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import Logging

/// One in-process engine run's surroundings: the AWS and Okta fakes behind one transport, a fake
/// clock, a scratch folder for the config file and backups, and the environment that points the
/// AWS client at the fake (AWS_ENDPOINT_URL) with static credentials and HOME in the scratch folder,
/// so no real host, profile or credential file is ever used.
final class EngineWorld: @unchecked Sendable {
    let aws: FakeAWS
    let okta: FakeOkta
    let clock: FakeClock
    let transport: ScriptedTransport
    let folder: URL

    static let primary = "ap-northeast-1"
    static let osaka = "ap-northeast-3"

    /// Tokyo primary with Osaka ACTIVE and a replica there, unless a test says otherwise.
    init(aws: FakeAWS = FakeAWS(regions: [(EngineWorld.primary, "ACTIVE"), (EngineWorld.osaka, "ACTIVE")], replicas: [EngineWorld.osaka]),
         okta: FakeOkta = FakeOkta(), clock: FakeClock = FakeClock()) throws {
        self.aws = aws
        self.okta = okta
        self.clock = clock
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("idcsync-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        transport = ScriptedTransport(handler: { request in
            if request.url.hasPrefix(FakeAWS.endpoint + "/") { return .success(aws.handle(request)) }
            if request.url.hasPrefix(okta.orgURL + "/") { return okta.handle(request) }
            return .failure(.connectFailed("no fake serves \(request.url)"))
        })
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    var environment: [String: String] {
        ["AWS_ENDPOINT_URL": FakeAWS.endpoint, "AWS_ACCESS_KEY_ID": "AKIAFAKEENGINETEST01", "AWS_SECRET_ACCESS_KEY": "fake-engine-secret",
         "HOME": folder.path, "OKTA_API_TOKEN": FakeOkta.token]
    }

    static let quietLogger = Logger(label: "idcsync.engine-tests") { _ in SwiftLogNoOpLogHandler() }

    var context: EngineContext { EngineContext(environment: environment, time: clock, transport: transport, logger: Self.quietLogger) }

    /// Writes `idcsync.yaml` into the scratch folder and loads it as the CLI would.
    func config(_ yaml: String) throws -> Config {
        let path = folder.appendingPathComponent("idcsync.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try ConfigLoader(environment: environment).load(path)
    }

    /// A Tokyo instance federated from the fake org's app `appId`.
    func standardConfig(appId: String = "0oaidc1", extra: String = "") throws -> Config {
        try config("""
            instance:
              primaryRegion: \(Self.primary)
            kms:
              delegatedAdministrators: []
            okta:
              orgUrl: \(okta.orgURL)
              appId: \(appId)
            \(extra)
            """)
    }

    /// Tokyo and Osaka named in the config (`instance.arn` and `instance.regions`: nothing to discover
    /// from AWS) and the fake org's app `0oaidc1`; `okta` is a line added under `okta:`, `extra` a
    /// top-level section.
    func offlineConfig(okta: String = "", extra: String = "") throws -> Config {
        try config("""
            instance:
              arn: \(FakeAWS.instanceArn)
              primaryRegion: \(Self.primary)
              regions: [\(Self.primary), \(Self.osaka)]
            okta:
              orgUrl: \(self.okta.orgURL)
              appId: 0oaidc1
              \(okta)
            \(extra)
            """)
    }

    /// The key policy idcsync generates for the fake's instance as it is now (discovered through
    /// the fakes, the calls then forgotten), for seeding keys that are in sync.
    func generatedPolicy(_ config: Config) async throws -> String {
        let target = try config.selectTarget(nil)
        let world = try await Discovery.discover(target: target, client: context.aws(target), homeRegion: try Region.parse(Self.primary).get(),
                                                 configFile: config.source, logger: Self.quietLogger)
        let policy = try PolicyGeneration.keyPolicy(target: world.effectiveTarget(target), pinned: false, configFile: config.source)
        aws.clearCalls()
        return policy.keyPolicy.text
    }

    /// Every key in `regions` with the generated policy.
    func syncKeyPolicies(_ config: Config, regions: [String] = [EngineWorld.primary, EngineWorld.osaka]) async throws {
        let policy = try await generatedPolicy(config)
        for region in regions { aws.setPolicy(policy, in: region) }
    }

    /// The Okta slots of an app in sync with Tokyo and Osaka (IPv4 and dual-stack each).
    static let syncedSlots: [Int: String] = [
        1: FakeOkta.acs(primary), 2: FakeOkta.acs(primary, "dualstack"), 3: FakeOkta.acs(osaka), 4: FakeOkta.acs(osaka, "dualstack"),
    ]
}
