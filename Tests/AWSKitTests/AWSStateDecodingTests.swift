@testable import AWSKit
import IDCSyncCore
import Testing

/// Every AWS state family parses its known values to their cases and keeps an unknown value's text:
/// a value a newer AWS returns never fails decoding.
@Suite struct AWSStateDecodingTests {
    private func roundTrips<State: AWSStateValue>(_ type: State.Type, _ texts: [String]) -> Bool {
        State.known.map(\.rawValue) == texts && State.known.allSatisfy { State(parsing: $0.rawValue) == $0 && $0.isKnown }
    }

    private func keepsUnknown<State: AWSStateValue>(_ type: State.Type) -> Bool {
        let state = State(parsing: "SomethingNew")
        return state == .other("SomethingNew") && state.rawValue == "SomethingNew" && "\(state)" == "SomethingNew" && !state.isKnown
    }

    @Test func knownValues() {
        #expect(roundTrips(IdentityCenterInstanceStatus.self, ["ACTIVE", "CREATE_IN_PROGRESS", "DELETE_IN_PROGRESS"]))
        #expect(roundTrips(IdentityCenterKeyType.self, ["AWS_OWNED_KMS_KEY", "CUSTOMER_MANAGED_KEY"]))
        #expect(roundTrips(IdentityCenterEncryptionStatus.self, ["UPDATING", "ENABLED", "UPDATE_FAILED"]))
        #expect(roundTrips(KMSKeyManager.self, ["AWS", "CUSTOMER"]))
        #expect(roundTrips(KMSMultiRegionKeyType.self, ["PRIMARY", "REPLICA"]))
        #expect(roundTrips(EC2VPCState.self, ["pending", "available"]))
        #expect(roundTrips(EC2CIDRBlockState.self, ["associating", "associated", "disassociating", "disassociated", "failing", "failed"]))
        #expect(roundTrips(ClientVpnEndpointStatus.self, ["pending-associate", "available", "deleting", "deleted"]))
        #expect(roundTrips(ClientVpnAssociationStatus.self, ["associating", "associated", "association-failed", "disassociating", "disassociated"]))
        #expect(roundTrips(ClientVpnAuthorizationRuleStatus.self, ["authorizing", "active", "failed", "revoking"]))
    }

    @Test func unknownValuesAreKept() {
        #expect(keepsUnknown(IdentityCenterInstanceStatus.self))
        #expect(keepsUnknown(IdentityCenterKeyType.self))
        #expect(keepsUnknown(IdentityCenterEncryptionStatus.self))
        #expect(keepsUnknown(KMSKeyManager.self))
        #expect(keepsUnknown(KMSMultiRegionKeyType.self))
        #expect(keepsUnknown(EC2VPCState.self))
        #expect(keepsUnknown(EC2CIDRBlockState.self))
        #expect(keepsUnknown(ClientVpnEndpointStatus.self))
        #expect(keepsUnknown(ClientVpnAssociationStatus.self))
        #expect(keepsUnknown(ClientVpnAuthorizationRuleStatus.self))
    }

    @Test func responsesWithUnknownStatesDecode() throws {
        let key = AWSClient.key(try JSONParser.parse(#"{"KeyId":"mrk-1","KeyState":"Quarantined","KeyManager":"PARTNER","MultiRegion":true,"MultiRegionConfiguration":{"MultiRegionKeyType":"SHADOW"}}"#))
        #expect(key.state == .other("Quarantined") && key.manager == .other("PARTNER") && key.multiRegionType == .other("SHADOW"))
        let region = AWSClient.region(try JSONParser.parse(#"{"RegionName":"eu-central-1","Status":"SUSPENDED"}"#))
        #expect(region.status == .other("SUSPENDED"))
        let instance = AWSClient.instance(try JSONParser.parse(#"{"InstanceArn":"arn","Status":"FROZEN","EncryptionConfigurationDetails":{"KeyType":"HSM_KEY","EncryptionStatus":"ROTATING"}}"#))
        #expect(instance.status == .other("FROZEN"))
        #expect(instance.encryption?.keyType == .other("HSM_KEY") && instance.encryption?.status == .other("ROTATING"))
    }

    @Test func anUnknownCIDRStateDoesNotCountAsInUse() {
        let vpc = EC2VPC(vpcId: "vpc-1", cidrBlock: "10.0.0.0/16", cidrBlockAssociations: [
            .init(associationId: "a1", cidrBlock: "10.0.0.0/16", state: .associated),
            .init(associationId: "a2", cidrBlock: "10.1.0.0/16", state: .other("quarantined")),
        ], state: .available)
        #expect(vpc.cidrBlocks == ["10.0.0.0/16"])
    }
}
