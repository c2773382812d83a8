@testable import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering
import IDCSyncTestSupport
import Testing


/// The executable's mapping (README "Exit codes"), which the renderers and the metrics take as given.
private func exitCode(_ outcome: Outcome) -> Int {
    switch outcome {
    case .ok: 0
    case .changes: 2
    case .failed: 1
    case .misconfigured: 64
    }
}

@Suite("reconcile report, text, JSON and metrics")
struct ReconcileReportTests {
    static let inSync = ReconcileTargetReport(
        name: "prod", instanceArn: "arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6",
        keyPolicies: [KeyPolicyCheck(region: "ap-northeast-1", isPrimary: true, keyArn: "arn:aws:kms:ap-northeast-1:111122223333:key/mrk-1", state: .matches),
                      KeyPolicyCheck(region: "ap-northeast-3", isPrimary: false, keyArn: "arn:aws:kms:ap-northeast-3:111122223333:key/mrk-1", state: .matches)],
        okta: OktaSlotsCheck(appId: "0oa1", appLabel: "AWS IAM Identity Center", state: .inSync, changes: [], foreign: []),
        durationSeconds: 0.25, oktaRequests: 1)

    static let osaka = try! Region.parse("ap-northeast-3").get()
    static let osakaACS = "https://ap-northeast-3.signin.aws/platform/saml/acs/4455422d-7e3f-4b1a-9c2d-5e6f7a8b9c0d"

    static var drifted: ReconcileTargetReport {
        var report = inSync
        report.name = "staging \"eu\""
        report.keyPolicies[1].state = .drift
        report.keyPolicies[1].difference = PolicyComparison(missing: ["AllowIdentityStoreToUseTheKMSKey"], extra: [], different: [])
        report.okta = OktaSlotsCheck(appId: "0oa2", appLabel: nil, state: .drift,
                                     changes: [SlotPlan.Slot(number: 2, key: "acsURL2", before: nil, after: osakaACS,
                                                             reason: .added(DesiredACS(url: osakaACS, region: osaka, variant: .acsIPv4, isPrimary: false)),
                                                             replacedBecause: nil)],
                                     foreign: [])
        return report
    }

    static let failed = ReconcileTargetReport(name: "gone", diagnostics: [Diagnostic(.error, code: "okta.api", "Okta answered 404 for app 0oamissing")],
                                              failure: .failed, durationSeconds: 0.1, oktaRequests: 1)

    static func report(_ targets: [ReconcileTargetReport]) -> ReconcileReport {
        ReconcileReport(apply: false, targets: targets, startedAt: 1_763_700_000.5, durationSeconds: 1.2345, awsRequests: 7, oktaRequests: targets.count)
    }

    @Test func targetStatesAndExitCodes() {
        #expect(Self.inSync.state == .inSync && Self.inSync.outcome == .ok)
        #expect(Self.drifted.state == .drift && Self.drifted.outcome == .changes)
        #expect(Self.failed.state == .error && Self.failed.outcome == .failed)
        var fixed = Self.drifted
        fixed.keyPolicies[1].state = .fixed
        fixed.okta?.state = .fixed
        #expect(fixed.state == .fixed && fixed.outcome == .ok)
        var missing = Self.inSync
        missing.keyPolicies.append(KeyPolicyCheck(region: "eu-west-1", isPrimary: false, keyArn: nil, state: .missingReplica))
        #expect(missing.state == .drift, "a Region without a replica is drift that --apply cannot fix")
    }

    @Test func theRunExitsWithTheWorstTarget() {
        #expect(Outcome.worst([]) == .ok)
        #expect(Outcome.worst([.ok, .changes, .ok]) == .changes)
        #expect(Outcome.worst([.changes, .failed, .ok]) == .failed)
        #expect(Outcome.worst([.failed, .misconfigured, .changes]) == .misconfigured)
        #expect(Self.report([Self.inSync, Self.drifted, Self.failed]).outcome == .failed)
        #expect(!Self.report([Self.inSync, Self.failed]).succeeded)
        #expect(Self.report([Self.inSync, Self.drifted]).succeeded, "drift is not a failed run")
    }

    @Test func prometheusFileMatchesGolden() {
        let text = ReconcileMetrics.prometheus(Self.report([Self.inSync, Self.drifted, Self.failed]), lastSuccess: 1_763_600_000, exitCode: exitCode)
        expectGolden(text, "reconcile-metrics.prom")
        // Every sample line is `name{labels} value` or `name value`, and each family is typed once.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.split(separator: " ").count == 2 || line.contains("\\\""), "\(line)")
        }
        #expect(text.components(separatedBy: "# TYPE idcsync_reconcile_drift gauge").count == 2)
    }

    @Test func lastSuccessIsReadBackAndLabelsAreEscaped() {
        let text = ReconcileMetrics.prometheus(Self.report([Self.inSync]), lastSuccess: 1_763_700_000.5, exitCode: exitCode)
        #expect(ReconcileMetrics.lastSuccess(inPrometheusText: text) == 1_763_700_000.5)
        #expect(ReconcileMetrics.lastSuccess(inPrometheusText: "# nothing here\n") == nil)
        #expect(!ReconcileMetrics.prometheus(Self.report([Self.failed]), lastSuccess: nil, exitCode: exitCode).contains("last_success"))
        let escaped = ReconcileMetrics.prometheus(Self.report([Self.drifted]), lastSuccess: nil, exitCode: exitCode)
        #expect(escaped.contains("idcsync_reconcile_target_ok{target=\"staging \\\"eu\\\"\"} 1"))
    }

    @Test func textAndJSONMatchGolden() {
        let report = Self.report([Self.inSync, Self.drifted, Self.failed])
        expectGolden(ReconcileRenderer.text(report, style: Style(enabled: false), exitCode: exitCode), "reconcile.txt")
        expectGolden(JSONWriter.pretty(ReconcileRenderer.json(report, exitCode: exitCode)), "reconcile.json")
    }

    @Test func driftCarriesItsOwnerAndARefusedApplyIsAConfigurationError() {
        var terraform = Self.drifted
        terraform.name = "tf"
        for index in terraform.keyPolicies.indices { terraform.keyPolicies[index].owner = .terraform }
        terraform.okta?.owner = .terraform
        terraform.tiles = TilesCheck(state: .inSync, steps: [], owner: .terraform)
        let text = ReconcileMetrics.prometheus(Self.report([Self.inSync, terraform]), lastSuccess: nil, exitCode: exitCode)
        #expect(text.contains("idcsync_reconcile_drift{target=\"prod\",kind=\"key_policy\",owner=\"idcsync\"} 0\n"))
        #expect(text.contains("idcsync_reconcile_drift{target=\"prod\",kind=\"okta_slots\",owner=\"idcsync\"} 0\n"))
        #expect(text.contains("idcsync_reconcile_drift{target=\"tf\",kind=\"key_policy\",owner=\"terraform\"} 1\n"))
        #expect(text.contains("idcsync_reconcile_drift{target=\"tf\",kind=\"okta_slots\",owner=\"terraform\"} 1\n"))
        #expect(text.contains("idcsync_reconcile_drift{target=\"tf\",kind=\"okta_tiles\",owner=\"terraform\"} 0\n"))
        #expect(terraform.outcome == .changes, "without --apply, Terraform's drift is drift")
        terraform.refused = true
        #expect(terraform.state == .drift && terraform.outcome == .misconfigured)
        let refused = ReconcileMetrics.prometheus(Self.report([terraform]), lastSuccess: nil, exitCode: exitCode)
        #expect(refused.contains("idcsync_reconcile_target_exit_code{target=\"tf\"} 64\n"))
        #expect(refused.contains("idcsync_reconcile_target_ok{target=\"tf\"} 1\n"), "the target was checked without error")
        #expect(Self.report([Self.inSync, terraform]).outcome == .misconfigured)
        let rendered = ReconcileRenderer.text(Self.report([terraform]), style: Style(enabled: false), exitCode: exitCode)
        #expect(rendered.contains("tf: drift in parts Terraform owns, not written (exit 64)"))
        #expect(rendered.contains("(fix: terraform apply, aws_kms_replica_key.ap_northeast_3)"))
        #expect(rendered.contains("(fix: terraform apply, okta_app_saml_app_settings.idcsync)"))
        let json = ReconcileRenderer.json(Self.report([terraform]), exitCode: exitCode)
        let target = json["targets"]?.arrayValue?.first
        #expect(target?["exitCode"] == .int(64))
        #expect(target?["keyPolicies"]?.arrayValue?.map { $0["owner"] } == [.string("terraform"), .string("terraform")])
        #expect(target?["okta"]?["owner"] == .string("terraform"))
        #expect(target?["tiles"]?["owner"] == .string("terraform"))
        // Every sample line stays `name{labels} value`.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") { #expect(line.split(separator: " ").count == 2, "\(line)") }
    }

    @Test func decimalsNeverDependOnTheLocale() {
        #expect(DecimalText.threeDecimals(1.2345) == "1.235" || DecimalText.threeDecimals(1.2345) == "1.234")
        #expect(DecimalText.threeDecimals(0) == "0.000")
        #expect(DecimalText.threeDecimals(12.05) == "12.050")
        #expect(DecimalText.threeDecimals(-0.5) == "-0.500")
    }
}
