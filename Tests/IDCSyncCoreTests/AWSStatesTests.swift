import IDCSyncCore
import Testing

@Suite struct AWSStatesTests {
    @Test func regionStatusKnownValues() {
        #expect(IdentityCenterRegionStatus(parsing: "ACTIVE") == .active)
        #expect(IdentityCenterRegionStatus(parsing: "ADDING") == .adding)
        #expect(IdentityCenterRegionStatus(parsing: "REMOVING") == .removing)
        #expect(IdentityCenterRegionStatus.known.allSatisfy { IdentityCenterRegionStatus(parsing: $0.rawValue) == $0 })
    }

    @Test func regionStatusUnknownValueIsKeptAndNeitherEnabledNorChanging() {
        let status = IdentityCenterRegionStatus(parsing: "SUSPENDED")
        #expect(status == .other("SUSPENDED"))
        #expect(status.rawValue == "SUSPENDED" && "\(status)" == "SUSPENDED")
        #expect(!status.isKnown && !status.isEnabledOrBecomingSo && !status.isChanging)
        #expect(IdentityCenterRegionStatus(parsing: "active") == .other("active"), "AWS's values are matched exactly")
    }

    @Test func keyStateKnownValues() {
        #expect(KMSKeyState(parsing: "Enabled") == .enabled)
        #expect(KMSKeyState(parsing: "Creating") == .creating)
        #expect(KMSKeyState(parsing: "PendingDeletion") == .pendingDeletion)
        #expect(KMSKeyState(parsing: "PendingReplicaDeletion") == .pendingReplicaDeletion)
        #expect(KMSKeyState.known.count == 8)
        #expect(KMSKeyState.known.allSatisfy { KMSKeyState(parsing: $0.rawValue) == $0 })
        #expect(KMSKeyState.known.filter(\.isUsableOrBecomingSo) == [.creating, .enabled])
    }

    @Test func keyStateUnknownValueIsKeptAndNotUsable() {
        let state = KMSKeyState(parsing: "Quarantined")
        #expect(state == .other("Quarantined") && state.rawValue == "Quarantined" && "\(state)" == "Quarantined")
        #expect(!state.isKnown && !state.isUsableOrBecomingSo)
    }

    @Test func certificateStatus() {
        #expect(CertificateStatus(parsing: "ISSUED") == .issued)
        #expect(CertificateStatus(parsing: "PENDING_VALIDATION") == .pendingValidation)
        #expect(CertificateStatus(parsing: "VALIDATION_TIMED_OUT") == .validationTimedOut)
        #expect(CertificateStatus.known.allSatisfy { CertificateStatus(parsing: $0.rawValue) == $0 })
        let unknown = CertificateStatus(parsing: "RENEWING")
        #expect(unknown == .other("RENEWING") && unknown.rawValue == "RENEWING" && unknown != .issued)
    }

    @Test func plannerReportsAnUnknownRegionStatusAsIs() {
        let facts = RegionStepPlanner.Facts(action: .add, region: "ap-northeast-3", primaryRegion: "ap-northeast-1",
                                            regions: [("ap-northeast-1", .active), ("ap-northeast-3", .other("SUSPENDED"))], keyId: "mrk-1",
                                            replicaArn: "arn", replicaState: .other("Quarantined"), replicaPolicy: nil, okta: nil, wait: true)
        #expect(RegionStepPlanner.refusal(facts)?.message.hasPrefix("the replica key in ap-northeast-3 is Quarantined; it must be Enabled") == true)
        let steps = RegionStepPlanner.steps(facts)
        #expect(steps.first { $0.kind == .addRegion }?.state == .done("already SUSPENDED"))
        #expect(steps.first { $0.kind == .waitForActive }?.state == .pending, "an unknown status is waited on, not taken for ACTIVE")
    }

    @Test func certificateKeyAlgorithmReadsBothSpellings() {
        #expect(CertificateKeyAlgorithm(parsing: "RSA_2048") == .rsa2048)
        #expect(CertificateKeyAlgorithm(responseText: "RSA-2048") == .rsa2048)
        #expect(CertificateKeyAlgorithm(responseText: "RSA-1024") == .rsa1024)
        #expect(CertificateKeyAlgorithm(responseText: "EC-prime256v1") == .ecPrime256v1)
        #expect(CertificateKeyAlgorithm.known.allSatisfy { CertificateKeyAlgorithm(parsing: $0.rawValue) == $0 })
        #expect(CertificateKeyAlgorithm.known.filter(\.isAcceptedByClientVPN) == [.rsa1024, .rsa2048])
        let unknown = CertificateKeyAlgorithm(responseText: "ML-DSA-65")
        #expect(unknown == .other("ML_DSA_65") && "\(unknown)" == "ML_DSA_65" && !unknown.isAcceptedByClientVPN)
    }
}
