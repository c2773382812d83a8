@testable import AWSKit
import Foundation
import HTTPKit
import IDCSyncCore
import IDCSyncTestSupport
import Testing

// MARK: - Helpers (prefixed `Client` so they cannot collide with the other AWSKit test files)

/// A credential source answering from a list (the last answer repeats) that counts its calls.
final class ClientKeySource: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [Result<AWSCredentials, AWSError>]
    private var count = 0

    init(_ answers: [Result<AWSCredentials, AWSError>]) { self.answers = answers }

    func next() throws(AWSError) -> AWSCredentials {
        let answer = lock.withLock {
            count += 1
            return answers.count > 1 ? answers.removeFirst() : answers[0]
        }
        return try answer.get()
    }

    var calls: Int { lock.withLock { count } }
    var source: @Sendable () async throws(AWSError) -> AWSCredentials {
        { () async throws(AWSError) -> AWSCredentials in try self.next() }
    }
}

let clientNow = FakeClock.start // 2026-11-21T10:00:00Z
let clientInstance = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
let clientKeyArn = "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
/// Every secret here contains "SECRET"; no error message may show one.
let clientSessionKeys = AWSCredentials(accessKeyId: "ASIAEXAMPLE", secretAccessKey: Secret("wJalr-SECRET-key"),
                                       sessionToken: Secret("tok-SECRET-session"), source: "test")
let clientLongTermKeys = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: Secret("wJalr-SECRET-key"), source: "test")
/// Backoff at its ceiling (no jitter): 100 ms, 200 ms, 400 ms, 800 ms, then 1 s.
func clientExactRetry(maximumAttempts: Int = 5, base: Duration = .milliseconds(100), cap: Duration = .seconds(1)) -> RetryPolicy {
    RetryPolicy(maximumAttempts: maximumAttempts, base: base, cap: cap, jitter: { $0 })
}

func makeAWSClient(_ script: ScriptedTransport, clock: FakeClock = FakeClock(), environment: [String: String] = [:],
                   maximumAttempts: Int = 5, retry: RetryPolicy? = nil, timeout: Duration = .seconds(30),
                   keys: ClientKeySource = ClientKeySource([.success(clientSessionKeys)])) -> AWSClient {
    AWSClient(configuration: .init(environment: environment, timeout: timeout, retry: retry ?? clientExactRetry(maximumAttempts: maximumAttempts)),
              credentials: keys.source, transport: script, time: clock)
}

func clientOK(_ body: String) -> ScriptedTransport.Answer {
    ScriptedTransport.reply(200, body, headers: [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", "req-ok")])
}

/// The error the body throws, or `nil` when it does not throw. Anything but an AWSError is a failure.
func clientFailure<T>(_ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> AWSError? {
    do {
        _ = try await body()
        return nil
    } catch let error as AWSError {
        return error
    } catch {
        Issue.record("not an AWSError: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The request body parsed as JSON.
func clientJSONBody(_ request: HTTPRequest?) -> JSONValue? {
    request.flatMap { try? JSONParser.parse($0.body ?? []) }
}

func clientParse(_ status: Int, _ body: String, headers: [(String, String)] = [], service: AWSService = .ssoAdmin,
                 operation: AWSOperation = .addRegion, region: String = "eu-west-1") -> AWSError {
    AWSClient.error(from: HTTPResponse(status: status, headers: headers.map { (name: $0.0, value: $0.1) }, body: Array(body.utf8)),
                    service: service, operation: operation, region: region)
}

func clientSeconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The parent of every suite in this file, so `--filter AWSClientTests` selects them all.
@Suite("AWS client")
struct AWSClientTests {}

// MARK: - JSON 1.1

extension AWSClientTests {
    @Suite("AWS client: JSON 1.1 requests")
    struct JSONRequests {
        @Test func addRegionIsASignedJSONPostToThePrimaryRegion() async throws {
            let script = ScriptedTransport(answers: [clientOK(#"{"Status":"ADDING"}"#)])
            let client = makeAWSClient(script, timeout: .seconds(7))
            let status = try await client.addRegion(instance: clientInstance, name: "eu-central-1", primaryRegion: "eu-west-1")
            #expect(status == .adding)
            #expect(script.requests.count == 1)
            let request = try #require(script.requests.first)
            #expect(request.method == "POST")
            #expect(request.url == "https://sso.eu-west-1.amazonaws.com/")
            #expect(request.timeout == .seconds(7))
            #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
            #expect(request.header("X-Amz-Target") == "SWBExternalService.AddRegion")
            #expect(request.header("X-Amz-Date") == "20261121T100000Z")
            #expect(request.header("X-Amz-Security-Token") == "tok-SECRET-session")
            #expect(script.bodies == [#"{"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef","RegionName":"eu-central-1"}"#])
            // The same request signed by botocore 1.43 (SigV4Auth, credentials, sso, eu-west-1, same instant).
            #expect(request.header("Authorization") == "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261121/eu-west-1/sso/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
                + "Signature=ed4bef42f5279ef8819d521d34973444d8c57c53991ecaa6920a1de2acaa4c62")
            #expect(!(request.header("Authorization") ?? "").contains("SECRET"), "the secret key is never sent")
        }

        @Test func removeRegionGoesToThePrimaryRegionAndDefaultsToRemoving() async throws {
            let script = ScriptedTransport(answers: [clientOK("{}")])
            let status = try await makeAWSClient(script).removeRegion(instance: clientInstance, name: "ap-northeast-1", primaryRegion: "us-east-1")
            #expect(status == .removing)
            let request = try #require(script.requests.first)
            #expect(request.url == "https://sso.us-east-1.amazonaws.com/")
            #expect(request.header("X-Amz-Target") == "SWBExternalService.RemoveRegion")
            #expect(script.bodies == [#"{"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef","RegionName":"ap-northeast-1"}"#])
            #expect((request.header("Authorization") ?? "").hasPrefix("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261121/us-east-1/sso/aws4_request, "))
        }

        @Test func eachServiceHasItsTargetPrefixSigningNameAndScope() async throws {
            let script = ScriptedTransport(answers: [
                clientOK(#"{"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef"}"#),
                clientOK(#"{"KeyMetadata":{"KeyId":"k"}}"#),
                clientOK(#"{"Organization":{"MasterAccountId":"111122223333"}}"#),
            ])
            let client = makeAWSClient(script, keys: ClientKeySource([.success(clientLongTermKeys)]))
            _ = try await client.describeInstance(clientInstance, region: "eu-west-2")
            _ = try await client.describeKey("k", region: "ca-central-1")
            _ = try await client.managementAccount(region: "ap-southeast-2")
            let requests = script.requests
            #expect(requests.map(\.url) == [
                "https://sso.eu-west-2.amazonaws.com/", "https://kms.ca-central-1.amazonaws.com/", "https://organizations.us-east-1.amazonaws.com/",
            ])
            #expect(requests.map { $0.header("X-Amz-Target") } == [
                "SWBExternalService.DescribeInstance", "TrentService.DescribeKey", "AWSOrganizationsV20161128.DescribeOrganization",
            ])
            let scopes = ["20261121/eu-west-2/sso/aws4_request", "20261121/ca-central-1/kms/aws4_request", "20261121/us-east-1/organizations/aws4_request"]
            for (request, scope) in zip(requests, scopes) {
                #expect((request.header("Authorization") ?? "").hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\(scope), "
                    + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="))
                #expect(request.header("X-Amz-Security-Token") == nil, "no session token, no token header")
                #expect(request.method == "POST")
                #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
            }
            #expect(script.bodies == [#"{"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef"}"#, #"{"KeyId":"k"}"#, "{}"])
        }

        @Test func kmsRequestBodiesAndReplicateKeyGoesToThePrimaryRegion() async throws {
            let policy = #"{"Version":"2012-10-17","Statement":[]}"#
            let script = ScriptedTransport(answers: [
                clientOK(#"{"ReplicaKeyMetadata":{"KeyId":"mrk-1","Arn":"arn:aws:kms:eu-central-1:111122223333:key/mrk-1","KeyState":"Creating","MultiRegion":true,"MultiRegionConfiguration":{"MultiRegionKeyType":"REPLICA"}},"ReplicaPolicy":"{}"}"#),
                clientOK(#"{"Policy":"{\"Version\":\"2012-10-17\"}","PolicyName":"default"}"#),
                clientOK(""),
            ])
            let client = makeAWSClient(script)
            let replica = try await client.replicateKey(clientKeyArn, to: "eu-central-1", policy: policy, description: "IAM Identity Center",
                                                        primaryRegion: "eu-west-1")
            #expect(replica.state == .creating)
            #expect(replica.multiRegionType == .replica)
            #expect(replica.arn == "arn:aws:kms:eu-central-1:111122223333:key/mrk-1")
            let current = try await client.keyPolicy("mrk-1", region: "eu-central-1")
            #expect(current == #"{"Version":"2012-10-17"}"#)
            try await client.putKeyPolicy("mrk-1", policy: policy, region: "eu-central-1")

            #expect(script.requests.map(\.url) == ["https://kms.eu-west-1.amazonaws.com/", "https://kms.eu-central-1.amazonaws.com/",
                                                  "https://kms.eu-central-1.amazonaws.com/"])
            #expect(script.requests.map { $0.header("X-Amz-Target") } == ["TrentService.ReplicateKey", "TrentService.GetKeyPolicy", "TrentService.PutKeyPolicy"])
            #expect(clientJSONBody(script.requests[0]) == .object([
                "KeyId": .string(clientKeyArn), "ReplicaRegion": "eu-central-1", "Policy": .string(policy), "Description": "IAM Identity Center",
            ]))
            #expect(script.bodies[1] == #"{"KeyId":"mrk-1","PolicyName":"default"}"#)
            #expect(script.bodies[2] == #"{"KeyId":"mrk-1","PolicyName":"default","Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"}"#)
        }

        @Test func delegatedAdministratorsAskForIdentityCenterFromTheGlobalEndpoint() async throws {
            let script = ScriptedTransport(answers: [clientOK(#"{"DelegatedAdministrators":[{"Id":"444455556666","Name":"security"}]}"#)])
            let accounts = try await makeAWSClient(script).delegatedAdministrators(region: "eu-west-1")
            #expect(accounts == ["444455556666"])
            let request = try #require(script.requests.first)
            #expect(script.bodies == [#"{"ServicePrincipal":"sso.amazonaws.com","MaxResults":20}"#])
            #expect(request.url == "https://organizations.us-east-1.amazonaws.com/")
            #expect(request.header("X-Amz-Target") == "AWSOrganizationsV20161128.ListDelegatedAdministrators")
            #expect((request.header("Authorization") ?? "").hasPrefix("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261121/us-east-1/organizations/aws4_request, "))
        }

        @Test func anEmptySuccessBodyIsAnEmptyObject() async throws {
            let script = ScriptedTransport(answers: [clientOK("")])
            let answer = try await makeAWSClient(script).json(.putKeyPolicy, service: .kms, region: "eu-west-1", body: .object(["KeyId": "k"]))
            #expect(answer == .object([:]))
        }

        @Test func aNonJSONSuccessBodyIsAnInvalidResponse() async {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(200, "<html>maintenance</html>")])
            let error = await clientFailure { try await makeAWSClient(script).describeKey("k", region: "eu-west-1") }
            guard case .invalidResponse(let detail, let operation)? = error else {
                Issue.record("expected invalidResponse, got \(String(describing: error))")
                return
            }
            #expect(operation == "kms:DescribeKey")
            #expect(detail.hasPrefix("the body is not JSON ("))
            #expect("\(error!)".hasPrefix("kms:DescribeKey: unexpected response from AWS: the body is not JSON"))
            #expect(script.requests.count == 1, "a 200 is not retried")
        }

        @Test func aMissingResultMemberIsAnInvalidResponse() async {
            let script = ScriptedTransport(answers: [clientOK(#"{"Other":1}"#), clientOK(#"{"ReplicaPolicy":"{}"}"#)])
            let client = makeAWSClient(script)
            let describe = await clientFailure { try await client.describeKey("k", region: "eu-west-1") }
            #expect(describe == .invalidResponse("DescribeKey returned no KeyMetadata", operation: "kms:DescribeKey"))
            let replicate = await clientFailure {
                try await client.replicateKey(clientKeyArn, to: "eu-central-1", policy: "{}", description: "d", primaryRegion: "eu-west-1")
            }
            #expect(replicate == .invalidResponse("ReplicateKey returned no ReplicaKeyMetadata", operation: "kms:ReplicateKey"))
        }

        @Test func aProtocolMismatchIsAConfigurationErrorBeforeAnyRequest() async {
            let script = ScriptedTransport(answers: [])
            let client = makeAWSClient(script)
            let json = await clientFailure { try await client.json(.getCallerIdentity, service: .sts, region: "eu-west-1", body: .object([:])) }
            #expect(json == .configuration("sts does not speak JSON 1.1"))
            let query = await clientFailure { try await client.query(.describeKey, service: .kms, region: "eu-west-1", parameters: []) }
            #expect(query == .configuration("kms does not speak the Query protocol"))
            #expect(script.requests.isEmpty)
            #expect(await client.requestsSent == 0)
        }
    }
}

// MARK: - Query / XML

extension AWSClientTests {
    @Suite("AWS client: Query protocol and XML")
    struct QueryRequests {
        static let identityXML = """
            <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <GetCallerIdentityResult>
                <Arn>arn:aws:sts::111122223333:assumed-role/idcsync-runner/ci</Arn>
                <UserId>AROA3XFRBF535PLBIFPI4:ci</UserId>
                <Account>111122223333</Account>
              </GetCallerIdentityResult>
              <ResponseMetadata>
                <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
              </ResponseMetadata>
            </GetCallerIdentityResponse>
            """

        @Test func getCallerIdentityIsASignedFormPostAndReadsTheXML() async throws {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(200, Self.identityXML, headers: [("Content-Type", "text/xml")])])
            let client = makeAWSClient(script, keys: ClientKeySource([.success(clientLongTermKeys)]))
            let identity = try await client.callerIdentity(region: "eu-west-1")
            #expect(identity == CallerIdentity(account: "111122223333", arn: "arn:aws:sts::111122223333:assumed-role/idcsync-runner/ci",
                                               userId: "AROA3XFRBF535PLBIFPI4:ci"))
            let request = try #require(script.requests.first)
            #expect(request.method == "POST")
            #expect(request.url == "https://sts.eu-west-1.amazonaws.com/")
            #expect(script.bodies == ["Action=GetCallerIdentity&Version=2011-06-15"])
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
            #expect(request.header("X-Amz-Target") == nil)
            #expect(request.header("X-Amz-Security-Token") == nil)
            // The same request signed by botocore 1.43 (SigV4Auth, long-term keys, sts, eu-west-1, same instant).
            #expect(request.header("Authorization") == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/eu-west-1/sts/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature=e78fad6064145502c17d9f08352205a68250c5b9762ce1293b734c1d4ab7ebcf")
            #expect(await client.requestCounts == [.getCallerIdentity: 1])
        }

        @Test func parametersAreFormEncodedPerRFC3986AfterActionAndVersion() async throws {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(200, "<R/>")])
            let xml = try await makeAWSClient(script).query(.getCallerIdentity, service: .sts, region: "us-east-1",
                                                              parameters: [("Name.1", "a b&c=d/é~+*"), ("Empty", "")])
            #expect(xml.text == "<R/>")
            #expect(script.bodies == ["Action=GetCallerIdentity&Version=2011-06-15&Name.1=a%20b%26c%3Dd%2F%C3%A9~%2B%2A&Empty="])
        }

        @Test func anAnswerWithoutAccountIsAnInvalidResponse() async {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(200, "<GetCallerIdentityResponse><GetCallerIdentityResult><UserId>x</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>")])
            let error = await clientFailure { try await makeAWSClient(script).callerIdentity(region: "eu-west-1") }
            #expect(error == .invalidResponse("GetCallerIdentity returned no Account or Arn", operation: "sts:GetCallerIdentity"))
        }

        @Test func xmlValuesByLocalNameWithEntitiesDecoded() {
            let xml = XMLResponse(Array("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- a comment -->
                <a:Root xmlns:a="urn:x">
                  <a:Item>one &amp; two</a:Item>
                  <Item>&lt;3&gt; &quot;q&quot; &apos;s&apos; &#65;&#x42;&#xe9; &unknown; AT&amp;T</Item>
                  <Item/>
                  <Item attr="1">three</Item>
                  <Nested><Item>four</Item></Nested>
                  <Empty></Empty>
                </a:Root>
                """.utf8))
            #expect(xml.values("Item") == ["one & two", "<3> \"q\" 's' ABé &unknown; AT&T", "", "three", "four"])
            #expect(xml.value("Item") == "one & two")
            #expect(xml.value("Empty") == "")
            #expect(xml.value("Nested") == nil, "an element with children has no text value")
            #expect(xml.value("Root") == nil)
            #expect(xml.value("Missing") == nil)
            #expect(xml.values("Missing") == [])
            #expect(XMLResponse([]).value("Code") == nil)
        }
    }
}

// MARK: - Endpoints

extension AWSClientTests {
    @Suite("AWS endpoints and signing Regions")
    struct Endpoints {
        @Test func defaultEndpointsPerPartition() throws {
            let cases: [(AWSService, String, String)] = [
                (.ssoAdmin, "eu-west-1", "https://sso.eu-west-1.amazonaws.com"),
                (.kms, "us-east-2", "https://kms.us-east-2.amazonaws.com"),
                (.sts, "ap-southeast-2", "https://sts.ap-southeast-2.amazonaws.com"),
                (.ssoAdmin, "cn-north-1", "https://sso.cn-north-1.amazonaws.com.cn"),
                (.kms, "cn-northwest-1", "https://kms.cn-northwest-1.amazonaws.com.cn"),
                (.ssoAdmin, "us-gov-west-1", "https://sso.us-gov-west-1.amazonaws.com"),
                // Organizations has one endpoint per partition (botocore endpoints.json partitionEndpoint).
                (.organizations, "eu-west-1", "https://organizations.us-east-1.amazonaws.com"),
                (.organizations, "us-east-1", "https://organizations.us-east-1.amazonaws.com"),
                (.organizations, "cn-north-1", "https://organizations.cn-northwest-1.amazonaws.com.cn"),
                (.organizations, "us-gov-east-1", "https://organizations.us-gov-west-1.amazonaws.com"),
            ]
            for (service, region, expected) in cases {
                let url = try AWSEndpoint.url(for: service, region: region, environment: [:])
                #expect(url == expected, "\(service.id) in \(region)")
            }
        }

        @Test func organizationsIsSignedForItsPartitionsFixedRegion() {
            #expect(AWSEndpoint.signingRegion(for: .organizations, region: "eu-west-1") == "us-east-1")
            #expect(AWSEndpoint.signingRegion(for: .organizations, region: "ap-northeast-1") == "us-east-1")
            #expect(AWSEndpoint.signingRegion(for: .organizations, region: "cn-north-1") == "cn-northwest-1")
            #expect(AWSEndpoint.signingRegion(for: .organizations, region: "us-gov-east-1") == "us-gov-west-1")
            #expect(AWSEndpoint.signingRegion(for: .ssoAdmin, region: "eu-west-1") == "eu-west-1")
            #expect(AWSEndpoint.signingRegion(for: .kms, region: "cn-north-1") == "cn-north-1")
            #expect(AWSService.ssoAdmin.signingName == "sso")
        }

        @Test func endpointVariableNamesFollowTheServiceIds() {
            #expect(AWSService.ssoAdmin.endpointVariableSuffix == "SSO_ADMIN")
            #expect(AWSService.kms.endpointVariableSuffix == "KMS")
            #expect(AWSService.sts.endpointVariableSuffix == "STS")
            #expect(AWSService.organizations.endpointVariableSuffix == "ORGANIZATIONS")
        }

        @Test func serviceVariablesWinOverTheGlobalOne() throws {
            let environment = [
                "AWS_ENDPOINT_URL": "http://localhost:4566/",
                "AWS_ENDPOINT_URL_SSO_ADMIN": "http://127.0.0.1:5001",
                "AWS_ENDPOINT_URL_KMS": "https://kms.example.test:8443/",
                "AWS_ENDPOINT_URL_ORGANIZATIONS": "",
            ]
            #expect(try AWSEndpoint.url(for: .ssoAdmin, region: "eu-west-1", environment: environment) == "http://127.0.0.1:5001")
            #expect(try AWSEndpoint.url(for: .kms, region: "eu-west-1", environment: environment) == "https://kms.example.test:8443")
            #expect(try AWSEndpoint.url(for: .sts, region: "eu-west-1", environment: environment) == "http://localhost:4566", "AWS_ENDPOINT_URL for the rest")
            #expect(try AWSEndpoint.url(for: .organizations, region: "eu-west-1", environment: environment) == "http://localhost:4566",
                    "an empty service variable is unset")
            #expect(try AWSEndpoint.url(for: .sts, region: "eu-west-1", environment: ["AWS_ENDPOINT_URL_STS": "http://sts.local"]) == "http://sts.local")
            #expect(try AWSEndpoint.url(for: .organizations, region: "eu-west-1",
                                        environment: ["AWS_ENDPOINT_URL_ORGANIZATIONS": "http://org.local"]) == "http://org.local")
            #expect(try AWSEndpoint.url(for: .kms, region: "eu-west-1", environment: ["AWS_ENDPOINT_URL_SSO_ADMIN": "http://x"])
                == "https://kms.eu-west-1.amazonaws.com", "another service's variable does not apply")
            var ignored = environment
            ignored["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "TRUE"
            #expect(try AWSEndpoint.url(for: .ssoAdmin, region: "eu-west-1", environment: ignored) == "https://sso.eu-west-1.amazonaws.com")
        }

        @Test func theClientSendsToTheOverrideButSignsForTheRegion() async throws {
            let script = ScriptedTransport(answers: [clientOK(#"{"Status":"ADDING"}"#), clientOK(#"{"Organization":{"MasterAccountId":"111122223333"}}"#)])
            let client = makeAWSClient(script, environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000/"])
            _ = try await client.addRegion(instance: clientInstance, name: "eu-central-1", primaryRegion: "eu-west-1")
            _ = try await client.managementAccount(region: "eu-west-1")
            #expect(script.requests.map(\.url) == ["http://127.0.0.1:5000/", "http://127.0.0.1:5000/"])
            #expect((script.requests[0].header("Authorization") ?? "").contains("/20261121/eu-west-1/sso/aws4_request, SignedHeaders="))
            #expect((script.requests[1].header("Authorization") ?? "").contains("/20261121/us-east-1/organizations/aws4_request, SignedHeaders="))
        }

        @Test func aBadEndpointOrRegionIsAConfigurationErrorAndNothingIsSent() async {
            let script = ScriptedTransport(answers: [])
            let client = makeAWSClient(script, environment: ["AWS_ENDPOINT_URL_KMS": "localhost:4566"])
            let bad = await clientFailure { try await client.describeKey("k", region: "eu-west-1") }
            #expect(bad == .configuration(#"AWS_ENDPOINT_URL_KMS is "localhost:4566"; it must be an http(s) URL"#))
            let global = await clientFailure {
                try AWSEndpoint.url(for: .sts, region: "eu-west-1", environment: ["AWS_ENDPOINT_URL": "ftp://files.example"])
            }
            #expect(global == .configuration(#"AWS_ENDPOINT_URL is "ftp://files.example"; it must be an http(s) URL"#))
            let isolated = await clientFailure { try await client.listInstances(region: "us-iso-east-1") }
            #expect(isolated == .configuration("us-iso-east-1 is not a Region of a partition idcsync supports"))
            let unknown = await clientFailure { try await client.listInstances(region: "mars-north-1.evil.example") }
            #expect(unknown == .configuration("mars-north-1.evil.example is not a Region of a partition idcsync supports"))
            #expect(script.requests.isEmpty)
            #expect(await client.requestsSent == 0)
        }
    }
}

// MARK: - Pagination

extension AWSClientTests {
    @Suite("AWS client: pagination")
    struct Pagination {
        @Test func listRegionsFollowsNextTokenUntilItIsEmpty() async throws {
            let script = ScriptedTransport(answers: [
                clientOK(#"{"Regions":[{"RegionName":"eu-west-1","Status":"ACTIVE","AddedDate":1770000000.5,"IsPrimaryRegion":true}],"NextToken":"tok-2"}"#),
                clientOK(#"{"Regions":[{"RegionName":"eu-central-1","Status":"ADDING","AddedDate":1795255100,"IsPrimaryRegion":false}],"NextToken":"tok-3"}"#),
                clientOK(#"{"Regions":[{"RegionName":"us-east-1","Status":"REMOVING"}],"NextToken":""}"#),
            ])
            let regions = try await makeAWSClient(script).listRegions(instance: clientInstance, region: "eu-central-1")
            #expect(regions == [
                IdentityCenterRegion(name: "eu-west-1", status: .active, addedDate: 1_770_000_000.5, isPrimary: true),
                IdentityCenterRegion(name: "eu-central-1", status: .adding, addedDate: 1_795_255_100, isPrimary: false),
                IdentityCenterRegion(name: "us-east-1", status: .removing, addedDate: nil, isPrimary: false),
            ])
            #expect(script.bodies == [
                #"{"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef","MaxResults":100}"#,
                #"{"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef","MaxResults":100,"NextToken":"tok-2"}"#,
                #"{"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef","MaxResults":100,"NextToken":"tok-3"}"#,
            ])
            #expect(script.requests.allSatisfy { $0.header("X-Amz-Target") == "SWBExternalService.ListRegions" })
            #expect(script.requests.allSatisfy { $0.url == "https://sso.eu-central-1.amazonaws.com/" })
        }

        @Test func listInstancesFollowsNextTokenUntilItIsMissing() async throws {
            let script = ScriptedTransport(answers: [
                clientOK(#"{"Instances":[{"InstanceArn":"arn:aws:sso:::instance/ssoins-aaaaaaaaaaaaaaaa","OwnerAccountId":"111122223333"}],"NextToken":"p-2"}"#),
                clientOK(#"{"Instances":[{"InstanceArn":"arn:aws:sso:::instance/ssoins-bbbbbbbbbbbbbbbb","OwnerAccountId":"444455556666"}]}"#),
            ])
            let instances = try await makeAWSClient(script).listInstances(region: "eu-west-1")
            #expect(instances.map(\.arn) == ["arn:aws:sso:::instance/ssoins-aaaaaaaaaaaaaaaa", "arn:aws:sso:::instance/ssoins-bbbbbbbbbbbbbbbb"])
            #expect(instances.map(\.ownerAccountId) == ["111122223333", "444455556666"])
            #expect(script.bodies == [#"{"MaxResults":100}"#, #"{"MaxResults":100,"NextToken":"p-2"}"#])
        }

        @Test func delegatedAdministratorsFollowNextTokenUntilNull() async throws {
            let script = ScriptedTransport(answers: [
                clientOK(#"{"DelegatedAdministrators":[{"Id":"444455556666"},{"Id":"777788889999"}],"NextToken":"AAAB-page-2"}"#),
                clientOK(#"{"DelegatedAdministrators":[{"Id":"121212121212"}],"NextToken":null}"#),
            ])
            let client = makeAWSClient(script)
            let accounts = try await client.delegatedAdministrators(region: "eu-west-1")
            #expect(accounts == ["444455556666", "777788889999", "121212121212"])
            #expect(script.bodies == [
                #"{"ServicePrincipal":"sso.amazonaws.com","MaxResults":20}"#,
                #"{"ServicePrincipal":"sso.amazonaws.com","MaxResults":20,"NextToken":"AAAB-page-2"}"#,
            ])
            #expect(await client.requestCounts == [.listDelegatedAdministrators: 2])
        }

        @Test func listAliasesFollowsNextMarkerWhileTruncated() async throws {
            let script = ScriptedTransport(answers: [
                clientOK(#"{"Aliases":[{"AliasName":"alias/idc","AliasArn":"arn:aws:kms:eu-west-1:111122223333:alias/idc","TargetKeyId":"mrk-1"}],"NextMarker":"m-2","Truncated":true}"#),
                clientOK(#"{"Aliases":[{"AliasName":"alias/idc-old"},{"AliasArn":"no-name"}],"NextMarker":"m-3","Truncated":false}"#),
            ])
            let aliases = try await makeAWSClient(script).aliases(of: "mrk-1", region: "eu-west-1")
            #expect(aliases == ["alias/idc", "alias/idc-old"])
            #expect(script.bodies == [#"{"KeyId":"mrk-1","Limit":100}"#, #"{"KeyId":"mrk-1","Limit":100,"Marker":"m-2"}"#],
                    "a NextMarker without Truncated=true is not followed")
            #expect(script.requests.allSatisfy { $0.header("X-Amz-Target") == "TrentService.ListAliases" })
        }

        @Test func aSinglePageWithoutTokensIsOneRequest() async throws {
            let script = ScriptedTransport(answers: [clientOK(#"{"Aliases":[]}"#), clientOK(#"{"Regions":[]}"#), clientOK(#"{}"#)])
            let client = makeAWSClient(script)
            #expect(try await client.aliases(of: "k", region: "eu-west-1") == [])
            #expect(try await client.listRegions(instance: clientInstance, region: "eu-west-1") == [])
            #expect(try await client.delegatedAdministrators(region: "eu-west-1") == [])
            #expect(script.requests.count == 3)
        }
    }
}

// MARK: - Errors

extension AWSClientTests {
    @Suite("AWS client: typed errors")
    struct Errors {
        @Test func aNamespacedTypeGivesTheCodeAndTheErrorNamesOperationRegionAndRequestId() async {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(400, #"{"__type":"com.amazonaws.swbexternalservice#ConflictException","Message":"Another Region workflow is in progress"}"#,
                                                   headers: [("x-amzn-RequestId", "7c4c7e62-0000-4d3c-9a53-1f0e4cbd0001")])])
            let error = await clientFailure {
                try await makeAWSClient(script).addRegion(instance: clientInstance, name: "eu-central-1", primaryRegion: "eu-west-1")
            }
            #expect(error == .service(status: 400, code: "ConflictException", message: "Another Region workflow is in progress",
                                      operation: "sso-admin:AddRegion", region: "eu-west-1", requestId: "7c4c7e62-0000-4d3c-9a53-1f0e4cbd0001"))
            #expect(error?.code == "ConflictException")
            #expect(error.map { "\($0)" } == "sso-admin:AddRegion in eu-west-1: AWS answered 400 ConflictException: Another Region workflow is in progress (request id 7c4c7e62-0000-4d3c-9a53-1f0e4cbd0001)")
            #expect(script.requests.count == 1, "a conflict is not retried")
        }

        @Test func theErrorTypeHeaderGivesTheCodeWithoutItsURI() {
            let error = clientParse(400, #"{"message":"busy"}"#, headers: [
                ("x-amzn-ErrorType", "ConflictException:http://internal.amazon.com/coral/com.amazon.coral.service/"), ("x-amzn-RequestId", "r-1"),
            ])
            #expect(error == .service(status: 400, code: "ConflictException", message: "busy", operation: "sso-admin:AddRegion",
                                      region: "eu-west-1", requestId: "r-1"))
        }

        /// The forms of botocore's JSON error parser and the Smithy awsJson1_1 protocol tests
        /// (AwsJson11FooErrorUsing... / ...WithDunderType...): every one is `FooError`.
        @Test func everyCodeFormOfTheJSONProtocolIsReadAsTheBareCode() {
            let uri = "http://internal.amazon.com/coral/com.amazon.coral.validate/"
            let headerForms = ["FooError", "FooError:\(uri)", "aws.protocoltests.json#FooError:\(uri)"]
            for form in headerForms {
                #expect(clientParse(500, "", headers: [("X-Amzn-Errortype", form)]).code == "FooError", "header \(form)")
            }
            let bodyForms = [
                #"{"__type":"FooError"}"#, #"{"__type":"aws.protocoltests.json#FooError"}"#, #"{"__type":"aws.protocoltests.json#FooError:\#(uri)"}"#,
                #"{"code":"FooError"}"#, #"{"code":"aws.protocoltests.json#FooError"}"#, #"{"code":"aws.protocoltests.json#FooError:\#(uri)"}"#,
            ]
            for form in bodyForms {
                #expect(clientParse(500, form).code == "FooError", "body \(form)")
            }
        }

        @Test func theReasonIsAppendedToTheMessage() {
            let upper = clientParse(400, #"{"__type":"ValidationException","Message":"The KMS key cannot be used","Reason":"KMS_InvalidKeyUsageException"}"#)
            #expect(upper == .service(status: 400, code: "ValidationException", message: "The KMS key cannot be used (Reason: KMS_InvalidKeyUsageException)",
                                      operation: "sso-admin:AddRegion", region: "eu-west-1", requestId: nil))
            let lower = clientParse(400, #"{"__type":"AccessDeniedException","message":"denied","reason":"KMS_AccessDeniedException"}"#)
            #expect("\(lower)" == "sso-admin:AddRegion in eu-west-1: AWS answered 400 AccessDeniedException: denied (Reason: KMS_AccessDeniedException)")
        }

        @Test func anSTSXMLErrorGivesCodeMessageAndRequestId() async {
            let body = """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error>
                    <Type>Sender</Type>
                    <Code>InvalidClientTokenId</Code>
                    <Message>The security token included in the request is invalid.</Message>
                  </Error>
                  <RequestId>4f4b3a1c-2d2e-4a8e-9a1b-0c7d6e5f4a3b</RequestId>
                </ErrorResponse>
                """
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(403, body, headers: [("Content-Type", "text/xml")])])
            let error = await clientFailure { try await makeAWSClient(script).callerIdentity(region: "eu-west-1") }
            #expect(error == .service(status: 403, code: "InvalidClientTokenId", message: "The security token included in the request is invalid.",
                                      operation: "sts:GetCallerIdentity", region: "eu-west-1", requestId: "4f4b3a1c-2d2e-4a8e-9a1b-0c7d6e5f4a3b"))
            #expect(script.requests.count == 1, "a 403 is not retried")
        }

        @Test func bodilessErrorsGetFallbackCodes() {
            #expect(clientParse(500, "").code == "InternalFailure")
            #expect(clientParse(503, "").code == "InternalFailure")
            #expect(clientParse(429, "").code == "TooManyRequestsException")
            #expect(clientParse(404, "").code == "HTTP404")
            #expect(clientParse(403, "").code == "HTTP403")
            #expect(clientParse(400, "{}").code == "HTTP400", "JSON without a code")
            let gateway = clientParse(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", headers: [("x-amz-request-id", "gw-1")])
            #expect(gateway == .service(status: 502, code: "InternalFailure", message: "", operation: "sso-admin:AddRegion",
                                        region: "eu-west-1", requestId: "gw-1"))
            #expect("\(gateway)" == "sso-admin:AddRegion in eu-west-1: AWS answered 502 InternalFailure (request id gw-1)")
        }

        @Test func errorMessagesNeverShowTheSecretKeyOrSessionToken() async {
            let script = ScriptedTransport(answers: [
                ScriptedTransport.reply(400, #"{"__type":"AccessDeniedException","Message":"User is not authorized to perform kms:DescribeKey"}"#),
                .failure(.connectFailed("connection refused")),
                ScriptedTransport.reply(200, "not json"),
            ])
            let client = makeAWSClient(script)
            var errors: [AWSError] = []
            for _ in 0..<3 {
                if let error = await clientFailure({ try await client.describeKey("k", region: "eu-west-1") }) { errors.append(error) }
            }
            #expect(errors.count == 3)
            for error in errors {
                #expect(!"\(error)".contains("SECRET"), "\(error)")
                #expect(!String(reflecting: error).contains("SECRET"))
            }
            for request in script.requests {
                #expect(!request.headers.contains { $0.value.contains("wJalr-SECRET-key") }, "the secret access key is never sent")
            }
        }
    }
}

// MARK: - Retries

extension AWSClientTests {
    @Suite("AWS client: retries")
    struct Retries {
        @Test func throttlingAnd5xxAnd429AreRetriedWithJitteredBackoffThenTheAnswerReturns() async throws {
            let defaults = AWSClient.Configuration(environment: [:])
            #expect(defaults.retry.maximumAttempts == 5)
            #expect(defaults.timeout == .seconds(30))
            #expect(defaults.retry.base == .milliseconds(300))
            #expect(defaults.retry.cap == .seconds(10))
            let clock = FakeClock()
            let failures: [ScriptedTransport.Answer] = [
                ScriptedTransport.reply(400, #"{"__type":"com.amazonaws.swbexternalservice#ThrottlingException","Message":"Rate exceeded"}"#),
                ScriptedTransport.reply(429, ""),
                ScriptedTransport.reply(500, #"{"__type":"InternalServerException","Message":"oops"}"#),
                ScriptedTransport.reply(503, ""),
                ScriptedTransport.reply(400, "", headers: [("x-amzn-ErrorType", "TooManyRequestsException:http://x/")]),
                ScriptedTransport.reply(502, "<html>Bad Gateway</html>"),
                ScriptedTransport.reply(400, #"{"__type":"ThrottlingException"}"#),
            ]
            let script = ScriptedTransport(answers: failures + [clientOK(#"{"RegionName":"eu-central-1","Status":"ACTIVE","IsPrimaryRegion":false}"#)])
            var retry = defaults.retry
            retry.maximumAttempts = 8
            let client = makeAWSClient(script, clock: clock, retry: retry)
            let region = try await client.describeRegion(instance: clientInstance, name: "eu-central-1", region: "eu-west-1")
            #expect(region == IdentityCenterRegion(name: "eu-central-1", status: .active, addedDate: nil, isPrimary: false))
            #expect(script.requests.count == 8)
            let slept = clock.slept
            #expect(slept.count == 7)
            // Exponential from 300 ms, capped at 10 s; the default (full) jitter picks in [0, delay].
            let ceilings = [0.3, 0.6, 1.2, 2.4, 4.8, 9.6, 10.0]
            for (index, (duration, ceiling)) in zip(slept, ceilings).enumerated() {
                let seconds = clientSeconds(duration)
                #expect(seconds >= 0 && seconds <= ceiling, "sleep \(index + 1): \(duration) not in [0, \(ceiling)] s")
            }
            #expect(await client.requestCounts == [.describeRegion: 8])
        }

        @Test func eachRetryWaitsTheBackoffAndIsSignedAgainAtTheNewTime() async throws {
            let clock = FakeClock()
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(503, ""), ScriptedTransport.reply(503, ""), ScriptedTransport.reply(503, ""), clientOK(#"{"Status":"ADDING"}"#)])
            let client = makeAWSClient(script, clock: clock, retry: clientExactRetry(base: .seconds(2), cap: .seconds(5)))
            _ = try await client.addRegion(instance: clientInstance, name: "eu-central-1", primaryRegion: "eu-west-1")
            #expect(clock.slept == [.seconds(2), .seconds(4), .seconds(5)])
            #expect(script.requests.map { $0.header("X-Amz-Date") } == ["20261121T100000Z", "20261121T100002Z", "20261121T100006Z", "20261121T100011Z"])
            #expect(Set(script.bodies).count == 1, "the same body every time")
        }

        @Test func throttlingCodesAreRetriedEvenWithA400() async throws {
            for code in ["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottledException",
                         "KMSInternalException", "DependencyTimeoutException", "InternalFailure", "ServiceUnavailable"] {
                let script = ScriptedTransport(answers: [ScriptedTransport.reply(400, #"{"__type":"\#(code)"}"#), clientOK(#"{"Policy":"p"}"#)])
                let clock = FakeClock()
                let policy = try await makeAWSClient(script, clock: clock).keyPolicy("k", region: "eu-west-1")
                #expect(policy == "p", "\(code)")
                #expect(script.requests.count == 2, "\(code) is retried once")
                #expect(clock.slept == [.milliseconds(100)], "\(code)")
            }
        }

        @Test func clientErrorsAreNotRetried() async {
            let cases: [(Int, String)] = [
                (400, "AccessDeniedException"), (400, "ValidationException"), (400, "ConflictException"), (409, "ConflictException"),
                (400, "ResourceNotFoundException"), (400, "ServiceQuotaExceededException"), (400, "AlreadyExistsException"), (403, "HTTP403"),
            ]
            for (status, code) in cases {
                let body = code.hasPrefix("HTTP") ? "" : #"{"__type":"com.amazonaws.swbexternalservice#\#(code)","Message":"no"}"#
                let script = ScriptedTransport(answers: [ScriptedTransport.reply(status, body), clientOK(#"{"Status":"ADDING"}"#)])
                let clock = FakeClock()
                let client = makeAWSClient(script, clock: clock)
                let error = await clientFailure { try await client.addRegion(instance: clientInstance, name: "eu-central-1", primaryRegion: "eu-west-1") }
                #expect(error?.code == code)
                #expect(script.requests.count == 1, "\(status) \(code) is sent exactly once")
                #expect(script.unused == 1)
                #expect(clock.slept.isEmpty)
                #expect(await client.requestCounts == [.addRegion: 1])
            }
        }

        @Test func maximumAttemptsIsHonouredAndTheLastErrorIsThrown() async {
            let answers = (1...5).map { ScriptedTransport.reply(503, #"{"__type":"ServiceUnavailableException","message":"try \#($0)"}"#, headers: [("x-amzn-RequestId", "req-\($0)")]) }
            let script = ScriptedTransport(answers: answers)
            let clock = FakeClock()
            let client = makeAWSClient(script, clock: clock, maximumAttempts: 3)
            let error = await clientFailure { try await client.describeKey("k", region: "eu-west-1") }
            #expect(error == .service(status: 503, code: "ServiceUnavailableException", message: "try 3", operation: "kms:DescribeKey",
                                      region: "eu-west-1", requestId: "req-3"))
            #expect(script.requests.count == 3)
            #expect(clock.slept == [.milliseconds(100), .milliseconds(200)])
            #expect(await client.requestCounts == [.describeKey: 3])

            let once = ScriptedTransport(answers: [ScriptedTransport.reply(429, ""), clientOK("{}")])
            let single = makeAWSClient(once, maximumAttempts: 1)
            let onlyError = await clientFailure { try await single.describeKey("k", region: "eu-west-1") }
            #expect(onlyError?.code == "TooManyRequestsException")
            #expect(once.requests.count == 1, "maximumAttempts 1 means no retry")
        }

        @Test func transientTransportErrorsAreRetried() async throws {
            let clock = FakeClock()
            let script = ScriptedTransport(answers: [.failure(.timeout), .failure(.connectionReset("eof")), clientOK(#"{"KeyMetadata":{"KeyId":"k","KeyState":"Enabled"}}"#)])
            let client = makeAWSClient(script, clock: clock)
            let key = try await client.describeKey("k", region: "eu-west-1")
            #expect(key.state == .enabled)
            #expect(script.requests.count == 3)
            #expect(clock.slept == [.milliseconds(100), .milliseconds(200)])
            #expect(await client.requestCounts == [.describeKey: 3])
        }

        @Test func nonTransientTransportErrorsAreNotRetried() async {
            for failure in [TransportError.connectFailed("connection refused"), .other("TLS handshake failed")] {
                let script = ScriptedTransport(answers: [.failure(failure), clientOK("{}")])
                let clock = FakeClock()
                let error = await clientFailure { try await makeAWSClient(script, clock: clock).describeKey("k", region: "eu-west-1") }
                #expect(error == .transport(failure, attempts: 1, operation: "kms:DescribeKey", region: "eu-west-1"))
                #expect(script.requests.count == 1)
                #expect(clock.slept.isEmpty)
            }
        }

        @Test func transportRetriesAreBounded() async {
            let script = ScriptedTransport(answers: Array(repeating: .failure(.timeout), count: 6))
            let clock = FakeClock()
            let error = await clientFailure { try await makeAWSClient(script, clock: clock, maximumAttempts: 4).describeKey("k", region: "eu-west-1") }
            #expect(error == .transport(.timeout, attempts: 4, operation: "kms:DescribeKey", region: "eu-west-1"))
            #expect(error.map { "\($0)" } == "kms:DescribeKey in eu-west-1: no response after 4 attempts: the request timed out")
            #expect(script.requests.count == 4)
            #expect(clock.slept == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
        }

        @Test func requestCountsCountEveryAttemptPerOperation() async throws {
            let script = ScriptedTransport(answers: [
                ScriptedTransport.reply(500, ""), clientOK(#"{"KeyMetadata":{"KeyId":"k"}}"#),
                clientOK(#"{"Aliases":[{"AliasName":"alias/a"}],"NextMarker":"m","Truncated":true}"#), clientOK(#"{"Aliases":[]}"#),
                ScriptedTransport.reply(200, QueryRequests.identityXML),
                ScriptedTransport.reply(400, #"{"__type":"ValidationException"}"#),
            ])
            let client = makeAWSClient(script)
            #expect(await client.requestCounts.isEmpty)
            _ = try await client.describeKey("k", region: "eu-west-1")
            _ = try await client.aliases(of: "k", region: "eu-west-1")
            _ = try await client.callerIdentity(region: "eu-west-1")
            _ = await clientFailure { try await client.addRegion(instance: clientInstance, name: "x", primaryRegion: "eu-west-1") }
            #expect(await client.requestCounts == [.describeKey: 2, .listAliases: 2, .getCallerIdentity: 1, .addRegion: 1])
            #expect(await client.requestsSent == 6)
        }

        @Test func anInterruptedWaitStopsRetryingWithCancellation() async {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(503, ""), clientOK("{}")])
            let clock = FakeClock(interruptSleeps: true)
            let error = await clientFailure { try await makeAWSClient(script, clock: clock).describeKey("k", region: "eu-west-1") }
            #expect(error == .cancelled("kms:DescribeKey in eu-west-1"))
            #expect(error.map { "\($0)" } == "kms:DescribeKey in eu-west-1: cancelled while waiting to retry")
            #expect(script.requests.count == 1)
            #expect(clock.slept == [.milliseconds(100)])
        }
    }
}

// MARK: - Credentials

extension AWSClientTests {
    @Suite("AWS client: credentials")
    struct Credentials {
        @Test func credentialsAreResolvedOnceAndCached() async throws {
            let keys = ClientKeySource([.success(clientLongTermKeys)])
            let script = ScriptedTransport(answers: [clientOK("{}"), clientOK("{}"), ScriptedTransport.reply(500, ""), clientOK("{}")])
            let client = makeAWSClient(script, keys: keys)
            try await client.putKeyPolicy("k", policy: "{}", region: "eu-west-1")
            try await client.putKeyPolicy("k", policy: "{}", region: "us-east-1")
            try await client.putKeyPolicy("k", policy: "{}", region: "eu-west-1")
            #expect(keys.calls == 1, "long-term keys never expire")
            #expect(try await client.credentials() == clientLongTermKeys)
            #expect(keys.calls == 1)
            #expect(script.requests.count == 4)
            #expect(script.requests.allSatisfy { ($0.header("Authorization") ?? "").hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") })
        }

        @Test func temporaryCredentialsAreRenewedWithinFiveMinutesOfExpiry() async throws {
            let expiry = clientNow + 3600
            let first = AWSCredentials(accessKeyId: "ASIAFIRST", secretAccessKey: Secret("SECRET-1"), sessionToken: Secret("SECRET-t1"),
                                       expiration: expiry, source: "sso")
            let second = AWSCredentials(accessKeyId: "ASIASECOND", secretAccessKey: Secret("SECRET-2"), sessionToken: Secret("SECRET-t2"),
                                        expiration: expiry + 3600, source: "sso")
            let keys = ClientKeySource([.success(first), .success(second)])
            let clock = FakeClock()
            let script = ScriptedTransport(answers: [clientOK("{}"), clientOK("{}"), clientOK("{}")])
            let client = makeAWSClient(script, clock: clock, keys: keys)
            try await client.putKeyPolicy("k", policy: "{}", region: "eu-west-1")
            clock.set(expiry - 301)
            try await client.putKeyPolicy("k", policy: "{}", region: "eu-west-1")
            #expect(keys.calls == 1, "301 s before expiry the cached credentials are still used")
            clock.set(expiry - 300)
            try await client.putKeyPolicy("k", policy: "{}", region: "eu-west-1")
            #expect(keys.calls == 2, "300 s before expiry they are renewed")
            #expect(script.requests.map { $0.header("X-Amz-Security-Token") } == ["SECRET-t1", "SECRET-t1", "SECRET-t2"])
            #expect(script.requests.map { ($0.header("Authorization") ?? "").split(separator: "/").first.map(String.init) } == [
                "AWS4-HMAC-SHA256 Credential=ASIAFIRST", "AWS4-HMAC-SHA256 Credential=ASIAFIRST", "AWS4-HMAC-SHA256 Credential=ASIASECOND",
            ])
            #expect(try await client.credentials() == second)
            #expect(keys.calls == 2)
        }

        @Test func aCredentialErrorPropagatesUnchangedAndNothingIsSent() async {
            let failures: [AWSError] = [
                .credentials(source: "profile prod (~/.aws/config)", reason: "the SSO session has expired; run aws sso login"),
                .noCredentials(tried: ["environment", "profile default", "IMDSv2"]),
            ]
            for failure in failures {
                let script = ScriptedTransport(answers: [clientOK("{}")])
                let client = makeAWSClient(script, keys: ClientKeySource([.failure(failure)]))
                let error = await clientFailure { try await client.listInstances(region: "eu-west-1") }
                #expect(error == failure)
                #expect(script.requests.isEmpty)
                #expect(await client.requestsSent == 0)
            }
        }

        @Test func aFailedResolutionIsNotCached() async throws {
            let keys = ClientKeySource([.failure(.credentials(source: "process", reason: "exit 1")), .success(clientSessionKeys)])
            let script = ScriptedTransport(answers: [clientOK("{}")])
            let client = makeAWSClient(script, keys: keys)
            let error = await clientFailure { try await client.putKeyPolicy("k", policy: "{}", region: "eu-west-1") }
            #expect(error == .credentials(source: "process", reason: "exit 1"))
            try await client.putKeyPolicy("k", policy: "{}", region: "eu-west-1")
            #expect(keys.calls == 2)
            #expect(script.requests.count == 1)
        }
    }
}

// MARK: - Response parsing

extension AWSClientTests {
    @Suite("AWS client: service responses")
    struct Responses {
        @Test func describeKeyReadsAMultiRegionPrimary() async throws {
            let script = ScriptedTransport(answers: [clientOK("""
                {"KeyMetadata":{"AWSAccountId":"111122223333","KeyId":"mrk-1234abcd12ab34cd56ef1234567890ab",
                 "Arn":"arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab","CreationDate":1.7634E9,"Enabled":true,
                 "Description":"IAM Identity Center","KeyUsage":"ENCRYPT_DECRYPT","KeyState":"Enabled","Origin":"AWS_KMS","KeyManager":"CUSTOMER",
                 "CustomerMasterKeySpec":"SYMMETRIC_DEFAULT","KeySpec":"SYMMETRIC_DEFAULT","EncryptionAlgorithms":["SYMMETRIC_DEFAULT"],"MultiRegion":true,
                 "MultiRegionConfiguration":{"MultiRegionKeyType":"PRIMARY",
                   "PrimaryKey":{"Arn":"arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab","Region":"eu-west-1"},
                   "ReplicaKeys":[{"Arn":"arn:aws:kms:eu-central-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab","Region":"eu-central-1"},
                                  {"Arn":"arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab","Region":"us-east-1"}]}}}
                """)])
            let key = try await makeAWSClient(script).describeKey("alias/idc", region: "eu-west-1")
            #expect(key.arn == clientKeyArn)
            #expect(key.keyId == "mrk-1234abcd12ab34cd56ef1234567890ab")
            #expect(key.state == .enabled)
            #expect(key.manager == .customer)
            #expect(key.keySpec == "SYMMETRIC_DEFAULT")
            #expect(key.usage == "ENCRYPT_DECRYPT")
            #expect(key.multiRegion)
            #expect(key.multiRegionType == .primary)
            #expect(key.primary?.arn == clientKeyArn)
            #expect(key.primary?.region == "eu-west-1")
            #expect(key.replicas.map(\.region) == ["eu-central-1", "us-east-1"])
            #expect(key.replicas.map(\.arn) == ["arn:aws:kms:eu-central-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
                                               "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"])
            #expect(script.bodies == [#"{"KeyId":"alias/idc"}"#])
        }

        @Test func describeKeyReadsAReplicaAndASingleRegionAWSManagedKey() async throws {
            let script = ScriptedTransport(answers: [
                clientOK(#"{"KeyMetadata":{"KeyId":"mrk-1","Arn":"arn:aws:kms:eu-central-1:111122223333:key/mrk-1","KeyState":"PendingDeletion","KeyManager":"CUSTOMER","MultiRegion":true,"MultiRegionConfiguration":{"MultiRegionKeyType":"REPLICA","PrimaryKey":{"Arn":"arn:aws:kms:eu-west-1:111122223333:key/mrk-1","Region":"eu-west-1"},"ReplicaKeys":[]}}}"#),
                clientOK(#"{"KeyMetadata":{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","Arn":"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","KeyState":"Enabled","KeyManager":"AWS","MultiRegion":false}}"#),
            ])
            let client = makeAWSClient(script)
            let replica = try await client.describeKey("mrk-1", region: "eu-central-1")
            #expect(replica.state == .pendingDeletion)
            #expect(replica.multiRegionType == .replica)
            #expect(replica.primary?.region == "eu-west-1")
            #expect(replica.replicas.isEmpty)
            let managed = try await client.describeKey("alias/aws/sso", region: "eu-west-1")
            #expect(managed.manager == .aws)
            #expect(!managed.multiRegion)
            #expect(managed.multiRegionType == nil)
            #expect(managed.primary == nil)
            #expect(managed.replicas.isEmpty)
            #expect(managed.keySpec == nil)
        }

        @Test func describeInstanceReadsTheEncryptionConfiguration() async throws {
            let script = ScriptedTransport(answers: [
                clientOK(#"{"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef","IdentityStoreId":"d-1234567890","OwnerAccountId":"111122223333","Name":"corp","CreatedDate":1.7E9,"Status":"ACTIVE","EncryptionConfigurationDetails":{"KeyType":"CUSTOMER_MANAGED_KEY","KmsKeyArn":"arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab","EncryptionStatus":"UPDATE_FAILED","EncryptionStatusReason":"KMS key is disabled"}}"#),
                clientOK(#"{"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef","Status":"ACTIVE","EncryptionConfigurationDetails":{"KeyType":"AWS_OWNED_KMS_KEY","EncryptionStatus":"ENABLED"}}"#),
                clientOK(#"{"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef"}"#),
            ])
            let client = makeAWSClient(script)
            let customer = try await client.describeInstance(clientInstance, region: "eu-west-1")
            #expect(customer == IdentityCenterInstance(
                arn: clientInstance, identityStoreId: "d-1234567890", ownerAccountId: "111122223333", name: "corp", status: .active,
                primaryRegion: nil, regions: [],
                encryption: .init(keyType: .customerManagedKey, kmsKeyArn: clientKeyArn, status: .updateFailed, statusReason: "KMS key is disabled")))
            let owned = try await client.describeInstance(clientInstance, region: "eu-west-1")
            #expect(owned.encryption == .init(keyType: .awsOwnedKMSKey, kmsKeyArn: nil, status: .enabled, statusReason: nil))
            let bare = try await client.describeInstance(clientInstance, region: "eu-west-1")
            #expect(bare.encryption == nil)
            #expect(bare.status == nil)
            #expect(script.requests.map { $0.header("X-Amz-Target") } == Array(repeating: "SWBExternalService.DescribeInstance", count: 3))
        }

        @Test func listInstancesReadsPrimaryRegionRegionsAndOwner() async throws {
            let script = ScriptedTransport(answers: [clientOK("""
                {"Instances":[
                  {"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef","IdentityStoreId":"d-1234567890","OwnerAccountId":"111122223333",
                   "Name":"corp","CreatedDate":1.7E9,"Status":"ACTIVE","PrimaryRegion":"eu-west-1","Regions":["eu-west-1","eu-central-1"]},
                  {"InstanceArn":"arn:aws:sso:::instance/ssoins-abcdefabcdefabcd","OwnerAccountId":"444455556666","Status":"CREATE_IN_PROGRESS",
                   "PrimaryRegion":"us-east-1","Regions":[{"RegionName":"us-east-1","Status":"ACTIVE"},{"RegionName":"us-west-2","Status":"ADDING"}]},
                  {"InstanceArn":"arn:aws:sso:::instance/ssoins-0000000000000000"}
                ]}
                """)])
            let instances = try await makeAWSClient(script).listInstances(region: "eu-west-1")
            #expect(instances == [
                IdentityCenterInstance(arn: clientInstance, identityStoreId: "d-1234567890", ownerAccountId: "111122223333", name: "corp",
                                       status: .active, primaryRegion: "eu-west-1", regions: ["eu-west-1", "eu-central-1"], encryption: nil),
                IdentityCenterInstance(arn: "arn:aws:sso:::instance/ssoins-abcdefabcdefabcd", identityStoreId: nil, ownerAccountId: "444455556666",
                                       name: nil, status: .createInProgress, primaryRegion: "us-east-1", regions: ["us-east-1", "us-west-2"],
                                       encryption: nil),
                IdentityCenterInstance(arn: "arn:aws:sso:::instance/ssoins-0000000000000000", identityStoreId: nil, ownerAccountId: nil, name: nil,
                                       status: nil, primaryRegion: nil, regions: [], encryption: nil),
            ])
        }

        @Test func describeRegionReadsStatusDateAndPrimary() async throws {
            let script = ScriptedTransport(answers: [
                clientOK(#"{"RegionName":"eu-central-1","Status":"ADDING","AddedDate":1795255100.25,"IsPrimaryRegion":false}"#),
                clientOK(#"{"RegionName":"eu-west-1","Status":"ACTIVE","AddedDate":1.77E9,"IsPrimaryRegion":true}"#),
                clientOK(#"{"RegionName":"ap-south-1"}"#),
            ])
            let client = makeAWSClient(script)
            let adding = try await client.describeRegion(instance: clientInstance, name: "eu-central-1", region: "eu-central-1")
            #expect(adding == IdentityCenterRegion(name: "eu-central-1", status: .adding, addedDate: 1_795_255_100.25, isPrimary: false))
            let primary = try await client.describeRegion(instance: clientInstance, name: "eu-west-1", region: "eu-central-1")
            #expect(primary == IdentityCenterRegion(name: "eu-west-1", status: .active, addedDate: 1_770_000_000, isPrimary: true))
            let unknown = try await client.describeRegion(instance: clientInstance, name: "ap-south-1", region: "eu-central-1")
            #expect(unknown == IdentityCenterRegion(name: "ap-south-1", status: .other("UNKNOWN"), addedDate: nil, isPrimary: false))
            #expect(script.bodies[0] == #"{"InstanceArn":"arn:aws:sso:::instance/ssoins-1234567890abcdef","RegionName":"eu-central-1"}"#)
            #expect(script.requests.allSatisfy { $0.url == "https://sso.eu-central-1.amazonaws.com/" && $0.header("X-Amz-Target") == "SWBExternalService.DescribeRegion" })
        }

        @Test func describeOrganizationGivesTheManagementAccount() async throws {
            let script = ScriptedTransport(answers: [
                clientOK(#"{"Organization":{"Id":"o-a1b2c3d4e5","Arn":"arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5","FeatureSet":"ALL","MasterAccountArn":"arn:aws:organizations::111122223333:account/o-a1b2c3d4e5/111122223333","MasterAccountId":"111122223333","MasterAccountEmail":"root@example.com"}}"#),
                clientOK(#"{}"#),
            ])
            let client = makeAWSClient(script)
            #expect(try await client.managementAccount(region: "eu-west-1") == "111122223333")
            #expect(try await client.managementAccount(region: "eu-west-1") == nil)
            #expect(script.bodies == ["{}", "{}"])
        }

        @Test func keyPolicyWithoutAPolicyIsEmpty() async throws {
            let script = ScriptedTransport(answers: [clientOK(#"{"PolicyName":"default"}"#)])
            #expect(try await makeAWSClient(script).keyPolicy("k", region: "eu-west-1") == "")
        }
    }
}
