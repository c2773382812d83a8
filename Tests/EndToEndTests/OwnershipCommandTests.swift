import Foundation
import IDCSyncCore
import Testing

/// `owner: terraform` through the real binary against the AWS sandbox and the Okta fake: every
/// command that would write a Terraform-owned object sends no write (the request logs), exits 64 and
/// says what to run instead; the read commands report the drift with the Terraform change.
@Suite("ownership (binary, against the AWS sandbox and the Okta fake)")
struct OwnershipCommandTests {
    /// The sandbox world's config with owner lines (each "  owner: terraform" or "").
    private func writeConfig(_ world: SandboxWorld, instance: String = "", kms: String = "", okta: String = "") throws {
        try world.workspace.write("idcsync.yaml", """
            instance:
              primaryRegion: ap-northeast-1
            \(instance)
            kms:
              delegatedAdministrators: []
            \(kms)
            okta:
              orgUrl: \(world.okta.url)
              appId: 0oaidc1
            \(okta)
            """)
    }

    private static let terraform = "  owner: terraform"
    private static let awsWrites = ["PutKeyPolicy", "CreateReplicaKey", "ReplicateKey", "AddRegion", "RemoveRegion", "CreateKey"]

    /// Requests that write: any Okta request but a GET, and the AWS operations that change keys or Regions.
    private func writes(_ world: SandboxWorld) async throws -> [String] {
        let okta = try await world.okta.requestLines().filter { !$0.hasPrefix("GET ") }
        let aws = try await world.aws.requestLines().filter { line in Self.awsWrites.contains { line.contains(":\($0)@") } }
        return okta + aws
    }

    private func backupFiles(_ world: SandboxWorld) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: world.workspace.url.appendingPathComponent("idcsync-backups").path)) ?? []
    }

    /// Someone cleared Osaka's dual-stack ACS URL in the Okta app.
    private func clearOsakaDualStack(_ world: SandboxWorld) async throws {
        var app = try await world.okta.app("0oaidc1").objectValue!
        var settings = app["settings"]!.objectValue!, appSettings = settings["app"]!.objectValue!
        let cleared = appSettings.members.first { $0.value.stringValue == OktaFake.acs("ap-northeast-3", "dualstack") }!.key
        appSettings[cleared] = .null
        settings["app"] = .object(appSettings)
        app["settings"] = .object(settings)
        try await world.okta.control("POST", "/_fake/apps", .object(app))
        try await world.okta.clearRequests()
    }

    /// The replica's policy without its identity store statement, as a hand edit would leave it.
    private func breakReplicaPolicy(_ world: SandboxWorld) async throws {
        let current = try world.aws.boto("kms", "get_key_policy", region: "ap-northeast-3", ["KeyId": world.replicaArn, "PolicyName": "default"])
        var document = try JSONParser.parse(current["Policy"]?.stringValue ?? "").objectValue!
        let statements = document["Statement"]?.arrayValue ?? []
        document["Statement"] = .array(statements.filter { $0["Sid"]?.stringValue != "AllowIdentityStoreToUseTheKMSKey" })
        _ = try world.aws.boto("kms", "put_key_policy", region: "ap-northeast-3",
                               ["KeyId": world.replicaArn, "PolicyName": "default", "Policy": JSONWriter.pretty(.object(document))])
        try await world.aws.clearRequests()
    }

    private func run(_ world: SandboxWorld, _ arguments: [String]) throws -> RunResult {
        try world.workspace.run(arguments, environment: world.environment)
    }

    // MARK: okta.owner: terraform

    @Test func oktaOwnedByTerraformIsNeverWrittenByAnyCommand() async throws {
        let world = try await SandboxWorld.make()
        let backupsBefore = backupFiles(world)
        let backup = "idcsync-backups/" + (try #require(backupsBefore.first, "regions add saved the app before writing it"))
        try writeConfig(world, okta: Self.terraform)
        try await clearOsakaDualStack(world)

        let refusal = "okta.owner is terraform: idcsync does not write the Okta app 0oaidc1 (the ACS URL slots of IAM Identity Center's app); run `idcsync export terraform` and `terraform apply` (okta_app_saml_app_settings.idcsync), or set okta.owner: idcsync to hand it back"

        // Commands whose whole job is the Okta write: refused before any request.
        for arguments in [["okta", "apply", "--yes"], ["okta", "apply", "--dry-run"], ["okta", "restore", backup, "--yes"]] {
            let result = try run(world, arguments)
            #expect(result.status == 64, "\(arguments): \(result.stdout)\n\(result.stderr)")
            #expect(result.stderr.contains(refusal), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("idcsync.yaml"), "the refusal names the config file")
            #expect(try await world.okta.requestLines().isEmpty, "\(arguments) sent nothing to Okta")
        }
        let tiles = try run(world, ["okta", "tiles", "apply", "--yes"])
        #expect(tiles.status == 64, "\(tiles.stdout)\n\(tiles.stderr)")
        #expect(tiles.stderr.contains("okta.owner is terraform: idcsync does not write the Okta dashboard tiles (Bookmark apps) of the Regions; run `idcsync export terraform` and `terraform apply` (okta_app_bookmark.portal_*)"))
        #expect(try await world.okta.requestLines().isEmpty)

        // regions remove would write the slots: refused whole, before AWS or Okta is written.
        let remove = try run(world, ["regions", "remove", "ap-northeast-3", "--yes"])
        #expect(remove.status == 64, "\(remove.stdout)\n\(remove.stderr)")
        #expect(remove.stderr.contains(refusal))
        #expect(try await writes(world).isEmpty)

        // okta plan and reconcile report the drift with the Terraform change.
        let plan = try run(world, ["okta", "plan"])
        #expect(plan.status == 2, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stderr.contains("okta.owner is terraform: terraform apply of okta_app_saml_app_settings.idcsync would set settings.app.acsURL"))
        #expect(plan.stderr.contains("to \(OktaFake.acs("ap-northeast-3", "dualstack"))"))
        let check = try run(world, ["reconcile", "--metrics-file", "idcsync.prom"])
        #expect(check.status == 2, "\(check.stdout)\n\(check.stderr)")
        #expect(check.stdout.contains("(fix: terraform apply, okta_app_saml_app_settings.idcsync)"))
        let metrics = try String(contentsOf: world.workspace.url.appendingPathComponent("idcsync.prom"), encoding: .utf8)
        #expect(metrics.contains("idcsync_reconcile_drift{target=\"default\",kind=\"okta_slots\",owner=\"terraform\"} 1\n"))
        #expect(metrics.contains("idcsync_reconcile_drift{target=\"default\",kind=\"key_policy\",owner=\"idcsync\"} 0\n"))

        // reconcile --apply checks everything and refuses the Terraform-owned drift.
        let apply = try run(world, ["reconcile", "--apply", "--output", "json", "--metrics-file", "idcsync.prom"])
        #expect(apply.status == 64, "\(apply.stdout)\n\(apply.stderr)")
        let report = try JSONParser.parse(apply.stdout)
        let target = report["targets"]?.arrayValue?.first
        #expect(target?["exitCode"] == .number("64"))
        #expect(target?["okta"]?["state"] == "drift")
        #expect(target?["okta"]?["owner"] == "terraform")
        #expect(target?["keyPolicies"]?.arrayValue?.allSatisfy { $0["owner"] == "idcsync" && $0["state"] == "matches" } == true)
        let messages = target?["diagnostics"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
        #expect(messages.contains(refusal), "\(messages)")
        let applied = try String(contentsOf: world.workspace.url.appendingPathComponent("idcsync.prom"), encoding: .utf8)
        #expect(applied.contains("idcsync_reconcile_target_exit_code{target=\"default\"} 64\n"))

        #expect(try await writes(world).isEmpty, "no PUT, POST or DELETE reached Okta")
        #expect(backupFiles(world) == backupsBefore, "no backup for refused writes")
        #expect(try await world.okta.app("0oaidc1")["settings"]?["app"]?.objectValue?.members.contains { $0.value.stringValue == OktaFake.acs("ap-northeast-3", "dualstack") } == false,
                "the app is as Terraform left it")
    }

    @Test func oktaOwnedByTerraformInSyncIsFine() async throws {
        let world = try await SandboxWorld.make()
        try writeConfig(world, okta: Self.terraform)
        let reconcile = try run(world, ["reconcile", "--apply"])
        #expect(reconcile.status == 0, "\(reconcile.stdout)\n\(reconcile.stderr)")
        let plan = try run(world, ["okta", "plan"])
        #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)")
        #expect(!plan.stderr.contains("terraform apply"))
        #expect(try await writes(world).isEmpty)
    }

    @Test func tilesOwnedByTerraformAreReportedWithTheirAddressAndNeverWritten() async throws {
        let world = try await SandboxWorld.make()
        try await world.okta.seedGroups("0oaidc1", ["00gengineers"])
        try writeConfig(world, okta: Self.terraform + "\n  tiles: {enabled: true}")
        try await world.okta.clearRequests()

        let plan = try run(world, ["okta", "tiles", "plan"])
        #expect(plan.status == 2, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stderr.contains("okta.owner is terraform: terraform apply would create okta_app_bookmark.portal_ap_northeast_3 (https://"), "\(plan.stderr)")
        #expect(plan.stderr.contains(" assigned 00gengineers (`idcsync export terraform` writes the tiles)"))
        let check = try run(world, ["reconcile", "--metrics-file", "idcsync.prom"])
        #expect(check.status == 2, "\(check.stdout)\n\(check.stderr)")
        #expect(check.stdout.contains("okta tiles: 1 step needed (fix: terraform apply, okta_app_bookmark.portal_*)"))
        let metrics = try String(contentsOf: world.workspace.url.appendingPathComponent("idcsync.prom"), encoding: .utf8)
        #expect(metrics.contains("idcsync_reconcile_drift{target=\"default\",kind=\"okta_tiles\",owner=\"terraform\"} 1\n"))
        let apply = try run(world, ["reconcile", "--apply"])
        #expect(apply.status == 64, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stdout.contains("okta.owner is terraform: idcsync does not write the Okta dashboard tiles (Bookmark apps) of the Regions"))
        let doctor = try run(world, ["doctor"])
        #expect(doctor.stdout.contains("okta_app_bookmark.portal_ap_northeast_3"), "\(doctor.stdout)")
        #expect(try await writes(world).isEmpty)
        #expect(try await world.okta.apps().filter { $0["name"] == "bookmark" }.isEmpty)
    }

    // MARK: kms.owner: terraform

    @Test func keysOwnedByTerraformAreNeverWritten() async throws {
        let world = try await SandboxWorld.make()
        try writeConfig(world, kms: Self.terraform)
        try await breakReplicaPolicy(world)

        let check = try run(world, ["reconcile"])
        #expect(check.status == 2, "\(check.stdout)\n\(check.stderr)")
        #expect(check.stdout.contains("key policy ap-northeast-3: drift: missing AllowIdentityStoreToUseTheKMSKey (fix: terraform apply, aws_kms_replica_key.ap_northeast_3)"))
        #expect(check.stderr.contains("kms.owner is terraform: terraform apply would set the policy of aws_kms_replica_key.ap_northeast_3 (ap-northeast-3) to the generated key policy (now missing AllowIdentityStoreToUseTheKMSKey)"))

        let apply = try run(world, ["reconcile", "--apply"])
        #expect(apply.status == 64, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stdout.contains("default: drift in parts Terraform owns, not written (exit 64)"))
        #expect(apply.stdout.contains("kms.owner is terraform: idcsync does not write the replica key \(world.replicaArn) in ap-northeast-3 and its key policy; run `idcsync export terraform` and `terraform apply` (aws_kms_replica_key.ap_northeast_3), or set kms.owner: idcsync to hand it back"))

        let doctor = try run(world, ["doctor", "--output", "json"])
        #expect(doctor.stdout.contains("aws_kms_replica_key.ap_northeast_3"), "\(doctor.stdout)")
        let list = try run(world, ["regions", "list"])
        #expect(list.status == 0, "\(list.stdout)\n\(list.stderr)")
        #expect(list.stderr.contains("kms.owner is terraform: terraform apply would set the policy of aws_kms_replica_key.ap_northeast_3"))

        #expect(try await writes(world).isEmpty, "no PutKeyPolicy")
    }

    @Test func regionsAddIsRefusedWhenTerraformOwnsTheReplicaKey() async throws {
        let world = try await SandboxWorld.make(addOsaka: false)
        try writeConfig(world, kms: Self.terraform)
        let add = try run(world, ["regions", "add", "ap-northeast-3", "--yes"])
        #expect(add.status == 64, "\(add.stdout)\n\(add.stderr)")
        #expect(add.stderr.contains("kms.owner is terraform: idcsync does not write the replica key arn:aws:kms:ap-northeast-3:"))
        #expect(add.stderr.contains("(aws_kms_replica_key.ap_northeast_3), or set kms.owner: idcsync to hand it back"))
        #expect(!add.stderr.contains("instance.owner"), "only the Terraform-owned parts are listed")
        #expect(try await writes(world).isEmpty, "no ReplicateKey, AddRegion or Okta write")
        #expect(backupFiles(world).isEmpty)
    }

    // MARK: instance.owner: terraform

    @Test func regionsOwnedByTerraformAreNeitherAddedNorRemoved() async throws {
        let world = try await SandboxWorld.make(addOsaka: false)
        try writeConfig(world, instance: Self.terraform, kms: Self.terraform, okta: Self.terraform)
        let add = try run(world, ["regions", "add", "ap-northeast-3", "--yes"])
        #expect(add.status == 64, "\(add.stdout)\n\(add.stderr)")
        let errors = add.stderr.split(separator: "\n").filter { $0.contains("is terraform: idcsync does not write") }
        #expect(errors.count == 3, "every Terraform-owned part is listed: \(errors)")
        #expect(add.stderr.contains("instance.owner is terraform: idcsync does not write the Region ap-northeast-3 of the instance (AddRegion); run `idcsync export terraform` and `terraform apply` (aws_ssoadmin_region.ap_northeast_3), or set instance.owner: idcsync to hand it back"))
        #expect(try await writes(world).isEmpty)

        // Osaka added while idcsync owned it; then handed to Terraform.
        try writeConfig(world)
        #expect(try run(world, ["regions", "add", "ap-northeast-3", "--yes"]).status == 0)
        try await world.aws.clearRequests()
        try await world.okta.clearRequests()
        let backups = backupFiles(world)
        try writeConfig(world, instance: Self.terraform)
        let remove = try run(world, ["regions", "remove", "ap-northeast-3", "--yes"])
        #expect(remove.status == 64, "\(remove.stdout)\n\(remove.stderr)")
        #expect(remove.stderr.contains("instance.owner is terraform: idcsync does not write the Region ap-northeast-3 of the instance (RemoveRegion)"))
        #expect(try await writes(world).isEmpty, "no RemoveRegion")
        #expect(backupFiles(world) == backups)
    }
}
