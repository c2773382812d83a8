import Foundation
import IDCSyncCore
import Testing

/// A Tokyo instance in the AWS sandbox whose key carries idcsync's key policy, and its Okta app in
/// the fake; by default Osaka added with `regions add`, so key policies and Okta slots are in sync.
struct SandboxWorld {
    var aws: AWSSandbox
    var okta: OktaFake
    var workspace: Workspace
    var seeded: AWSSandbox.Seeded
    var environment: [String: String] { aws.environment.merging(["OKTA_API_TOKEN": OktaFake.token]) { $1 } }
    var replicaArn: String { seeded.keyArn.replacingOccurrences(of: "ap-northeast-1", with: "ap-northeast-3") }

    static func make(extraRegions: [String] = [], addOsaka: Bool = true, awsOwnedKey: Bool = false, extraConfig: String = "") async throws -> SandboxWorld {
        let aws = try await AWSSandbox()
        let okta = try OktaFake()
        try await okta.seed()
        let workspace = try Workspace()
        let account = "123456789012"
        try workspace.write("policy.yaml", "instance: {primaryRegion: ap-northeast-1}\nkms:\n  keyArn: arn:aws:kms:ap-northeast-1:\(account):key/mrk-00000000000000000000000000000000\n  delegatedAdministrators: []\n")
        let policy = try workspace.run(["policy", "kms", "--config", "policy.yaml", "--quiet"]).stdout
        let seeded = try aws.seed(regions: extraRegions, keyPolicy: policy, awsOwnedKey: awsOwnedKey, in: workspace)
        try workspace.write("idcsync.yaml", """
            instance:
              primaryRegion: ap-northeast-1
            kms:
              delegatedAdministrators: []
            okta:
              orgUrl: \(okta.url)
              appId: 0oaidc1
            \(extraConfig)
            """)
        try await aws.control("POST", "/_sandbox/config", .object(["addRegionDelaySeconds": .number("0")]))
        let world = SandboxWorld(aws: aws, okta: okta, workspace: workspace, seeded: seeded)
        if addOsaka {
            let add = try workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment)
            #expect(add.status == 0, "\(add.stdout)\n\(add.stderr)")
        }
        try await aws.clearRequests()
        try await okta.clearRequests()
        return world
    }
}
