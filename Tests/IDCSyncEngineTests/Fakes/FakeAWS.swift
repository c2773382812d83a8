import Foundation
import HTTPKit
import IDCSyncCore

/// An in-memory AWS account with one IAM Identity Center instance and its multi-Region KMS key,
/// answering the calls discovery, reconcile, doctor and `regions` planning make: STS
/// GetCallerIdentity (Query/XML), sso-admin ListInstances / DescribeInstance / ListRegions /
/// DescribeRegion / AddRegion (ADDING; ConflictException while another Region is changing), kms
/// DescribeKey / GetKeyPolicy / PutKeyPolicy / ReplicateKey (Enabled at once), organizations
/// ListDelegatedAdministrators. Requests are routed by `X-Amz-Target` (JSON 1.1) or `Action`
/// (Query); the Region is the one the request is signed for. Anything else is answered as AWS
/// answers an unknown operation, so an unexpected call fails the test.
final class FakeAWS: @unchecked Sendable {
    static let endpoint = "http://aws.fake.test"
    static let account = "123456789012"
    static let instanceArn = "arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6"
    static let identityStoreId = "d-9067a1b2c3"
    static let keyId = "mrk-1234abcd12ab34cd56ef1234567890ab"

    static func keyArn(_ region: String) -> String { "arn:aws:kms:\(region):\(account):key/\(keyId)" }

    enum KeyKind { case customerManaged, awsOwned }

    struct Key {
        var policy: String
        var state = "Enabled"
    }

    let lock = NSLock()
    var regionStates: [(name: String, status: String)]
    var keys: [String: Key] = [:]
    /// The state of the operations in FakeAWS+Regions.swift (RemoveRegion and the removal).
    var extras = FakeAWSExtras()
    private var log: [String] = []
    private var nextRequest = 0
    let primaryRegion: String
    var keyKind: KeyKind
    var keyManager = "CUSTOMER"
    var delegatedAdministrators: [String] = []

    /// The instance in `primaryRegion` with `regions` (name and status, the primary first); the key's
    /// primary is in the primary Region and it has a replica in every Region of `replicas`, each with
    /// `policy`.
    init(primaryRegion: String = "ap-northeast-1", regions: [(String, String)], replicas: [String], policy: String = "{}",
         keyKind: KeyKind = .customerManaged) {
        self.primaryRegion = primaryRegion
        self.regionStates = regions.map { (name: $0.0, status: $0.1) }
        self.keyKind = keyKind
        for region in [primaryRegion] + replicas { keys[region] = Key(policy: policy) }
    }

    // MARK: What tests set and read

    func setPolicy(_ policy: String, in region: String) { lock.withLock { keys[region]?.policy = policy } }
    func policy(in region: String) -> String? { lock.withLock { keys[region]?.policy } }
    func setKeyState(_ state: String, in region: String) { lock.withLock { keys[region]?.state = state } }
    func setRegions(_ regions: [(String, String)]) { lock.withLock { regionStates = regions.map { (name: $0.0, status: $0.1) } } }

    /// Every call, as `service:Operation@region`, in order.
    var calls: [String] { lock.withLock { log } }
    func clearCalls() { lock.withLock { log = [] } }
    func calls(_ operation: String) -> [String] { calls.filter { $0.contains(":\(operation)@") } }

    // MARK: Serving

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        lock.withLock {
            nextRequest += 1
            let region = Self.signedRegion(request) ?? "?"
            let body = request.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
            if let target = request.header("X-Amz-Target") {
                let parts = target.split(separator: ".", maxSplits: 1).map(String.init)
                let service = ["SWBExternalService": "sso-admin", "TrentService": "kms", "AWSOrganizationsV20161128": "organizations"][parts[0]] ?? parts[0]
                let operation = parts.count > 1 ? parts[1] : ""
                log.append("\(service):\(operation)@\(region)")
                let input = (try? JSONParser.parse(body)) ?? .object([:])
                return json(service: service, operation: operation, input: input, region: region)
            }
            let form = Self.form(body)
            let action = form["Action"] ?? ""
            log.append("sts:\(action)@\(region)")
            guard action == "GetCallerIdentity" else { return xmlError(400, "InvalidAction", "Could not find operation \(action)") }
            return xml("""
                <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <GetCallerIdentityResult>
                    <Arn>arn:aws:iam::\(Self.account):user/idcsync-test</Arn>
                    <UserId>AIDAEXAMPLEUSERID0001</UserId>
                    <Account>\(Self.account)</Account>
                  </GetCallerIdentityResult>
                  <ResponseMetadata><RequestId>\(requestId)</RequestId></ResponseMetadata>
                </GetCallerIdentityResponse>
                """)
        }
    }

    private var requestId: String { String(format: "00000000-0000-4000-8000-%012d", nextRequest) }

    private func json(service: String, operation: String, input: JSONValue, region: String) -> HTTPResponse {
        if let answer = extendedOperation(service: service, operation: operation, input: input, region: region) { return answer }
        switch (service, operation) {
        case ("sso-admin", "ListInstances"):
            return ok(["Instances": .array([.object(instanceSummary(primary: true))])])
        case ("sso-admin", "DescribeInstance"):
            guard input["InstanceArn"]?.stringValue == Self.instanceArn else { return error(400, "ResourceNotFoundException", "Instance not found") }
            var out = instanceSummary(primary: false)
            out["EncryptionConfigurationDetails"] = keyKind == .customerManaged
                ? .object(["KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": .string(Self.keyArn(primaryRegion)), "EncryptionStatus": "ENABLED"])
                : .object(["KeyType": "AWS_OWNED_KMS_KEY", "EncryptionStatus": "ENABLED"])
            return ok(out)
        case ("sso-admin", "ListRegions"):
            return ok(["Regions": .array(regionStates.map { .object(regionMetadata($0)) })])
        case ("sso-admin", "DescribeRegion"):
            guard let state = regionStates.first(where: { $0.name == input["RegionName"]?.stringValue }) else {
                return error(400, "ResourceNotFoundException", "Region not found")
            }
            return ok(regionMetadata(state))
        case ("sso-admin", "AddRegion"):
            guard regionStates.allSatisfy({ $0.status == "ACTIVE" }) else {
                return error(400, "ConflictException", "Another region operation is in progress for this instance")
            }
            guard let name = input["RegionName"]?.stringValue, !regionStates.contains(where: { $0.name == name }) else {
                return error(400, "ConflictException", "The Region is already enabled")
            }
            regionStates.append((name: name, status: "ADDING"))
            return ok(["Status": "ADDING"])
        case ("kms", "ReplicateKey"):
            guard region == primaryRegion, refersToKey(input["KeyId"]?.stringValue, region: region),
                  let replicaRegion = input["ReplicaRegion"]?.stringValue else {
                return error(400, "NotFoundException", "Key does not exist")
            }
            guard keys[replicaRegion] == nil else { return error(400, "AlreadyExistsException", "Replica key already exists in \(replicaRegion)") }
            keys[replicaRegion] = Key(policy: input["Policy"]?.stringValue ?? "{}")
            return ok(["ReplicaKeyMetadata": .object(keyMetadata(keys[replicaRegion]!, region: replicaRegion)),
                       "ReplicaPolicy": .string(keys[replicaRegion]!.policy)])
        case ("kms", "DescribeKey"):
            guard let key = keys[region], refersToKey(input["KeyId"]?.stringValue, region: region) else {
                return error(400, "NotFoundException", "Key '\(input["KeyId"]?.stringValue ?? "")' does not exist")
            }
            return ok(["KeyMetadata": .object(keyMetadata(key, region: region))])
        case ("kms", "GetKeyPolicy"):
            guard let key = keys[region], refersToKey(input["KeyId"]?.stringValue, region: region) else {
                return error(400, "NotFoundException", "Key does not exist")
            }
            return ok(["Policy": .string(key.policy), "PolicyName": "default"])
        case ("kms", "PutKeyPolicy"):
            guard keys[region] != nil, refersToKey(input["KeyId"]?.stringValue, region: region) else {
                return error(400, "NotFoundException", "Key does not exist")
            }
            guard let policy = input["Policy"]?.stringValue, (try? JSONParser.parse(policy)) != nil else {
                return error(400, "MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.")
            }
            keys[region]?.policy = policy
            return HTTPResponse(status: 200, headers: [("x-amzn-RequestId", requestId)])
        case ("organizations", "ListDelegatedAdministrators"):
            return ok(["DelegatedAdministrators": .array(delegatedAdministrators.map { .object(["Id": .string($0)]) })])
        default:
            return error(400, "UnknownOperationException", "\(service) \(operation) is not served by FakeAWS")
        }
    }

    private func instanceSummary(primary: Bool) -> JSONObject {
        var out: JSONObject = [
            "InstanceArn": .string(Self.instanceArn), "IdentityStoreId": .string(Self.identityStoreId),
            "OwnerAccountId": .string(Self.account), "Name": "idcsync-test", "Status": "ACTIVE",
        ]
        // Only ListInstances says which Region is the primary.
        if primary { out["PrimaryRegion"] = .string(primaryRegion) }
        return out
    }

    private func regionMetadata(_ state: (name: String, status: String)) -> JSONObject {
        ["RegionName": .string(state.name), "Status": .string(state.status), "AddedDate": .number("1767225600"),
         "IsPrimaryRegion": .bool(state.name == primaryRegion)]
    }

    private func keyMetadata(_ key: Key, region: String) -> JSONObject {
        let replicas = keys.keys.filter { $0 != primaryRegion }.sorted()
        return [
            "AWSAccountId": .string(Self.account), "KeyId": .string(Self.keyId), "Arn": .string(Self.keyArn(region)),
            "Enabled": .bool(key.state == "Enabled"), "KeyState": .string(key.state), "KeyManager": .string(keyManager),
            "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS", "MultiRegion": true,
            "MultiRegionConfiguration": .object([
                "MultiRegionKeyType": region == primaryRegion ? "PRIMARY" : "REPLICA",
                "PrimaryKey": .object(["Arn": .string(Self.keyArn(primaryRegion)), "Region": .string(primaryRegion)]),
                "ReplicaKeys": .array(replicas.map { .object(["Arn": .string(Self.keyArn($0)), "Region": .string($0)]) }),
            ]),
        ]
    }

    /// KMS accepts the key id or the key's ARN in the Region of the request.
    private func refersToKey(_ keyId: String?, region: String) -> Bool {
        keyId == Self.keyId || keyId == Self.keyArn(region)
    }

    func ok(_ object: JSONObject) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", requestId)],
                     body: Array(JSONWriter.compact(.object(object)).utf8))
    }

    func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", requestId)],
                     body: Array(JSONWriter.compact(.object(["__type": .string(code), "message": .string(message)])).utf8))
    }

    private func xml(_ text: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)], body: Array(text.utf8))
    }

    private func xmlError(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/xml")], body: Array("""
            <ErrorResponse><Error><Type>Sender</Type><Code>\(code)</Code><Message>\(message)</Message></Error><RequestId>\(requestId)</RequestId></ErrorResponse>
            """.utf8))
    }

    /// The Region of the SigV4 credential scope: `Credential=AKID/20261121/ap-northeast-3/kms/aws4_request`.
    static func signedRegion(_ request: HTTPRequest) -> String? {
        guard let authorization = request.header("Authorization"), let range = authorization.range(of: "Credential=") else { return nil }
        let scope = authorization[range.upperBound...].prefix { $0 != "," }.split(separator: "/")
        return scope.count >= 3 ? String(scope[2]) : nil
    }

    static func form(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }
}
