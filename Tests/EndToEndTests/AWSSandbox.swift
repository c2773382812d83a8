import Foundation
import IDCSyncCore
import Testing

/// One AWS sandbox (Tests/Sandbox/aws_sandbox.py: moto 5.2.5 with the IAM Identity Center, KMS and
/// Organizations gaps filled), all services on one loopback port, for one test.
final class AWSSandbox: @unchecked Sendable {
    private let server: SandboxServer
    var url: String { server.url }
    /// Credentials the sandbox accepts (any, unless signature checking is on).
    var accessKey = "testing"
    var secretKey = "testing-secret"

    struct Seeded {
        var keyArn: String
        var instanceArn: String
        var identityStoreId: String
        var account: String
        var keyId: String { String(keyArn.split(separator: "/").last ?? "") }
        var instanceId: String { String(instanceArn.split(separator: "/").last ?? "") }
    }

    /// `checkSignatures`: moto verifies every request's SigV4 signature (INITIAL_NO_AUTH_ACTION_COUNT=0)
    /// with the keys of an administrator created through the control API.
    init(checkSignatures: Bool = false) async throws {
        server = try SandboxServer(script: "aws_sandbox.py", environment: checkSignatures ? ["INITIAL_NO_AUTH_ACTION_COUNT": "0"] : [:])
        try await control("POST", "/_sandbox/config", .object(["addRegionDelaySeconds": .number("0.6"), "removeRegionDelaySeconds": .number("0.6"),
                                                              "replicaCreatingSeconds": .number("0.3")]))
        if checkSignatures {
            let keys = try await control("POST", "/_sandbox/iam-admin")
            accessKey = keys["accessKeyId"]?.stringValue ?? ""
            secretKey = keys["secretAccessKey"]?.stringValue ?? ""
        }
    }

    @discardableResult
    func control(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        try await server.control(method, path, body)
    }

    /// A multi-Region key in the primary Region and an instance encrypted with it (Tests/Sandbox/aws_seed.py).
    func seed(primary: String = "ap-northeast-1", regions: [String] = [], keyPolicy: String? = nil, awsOwnedKey: Bool = false,
              in workspace: Workspace) throws -> Seeded {
        var arguments = ["--endpoint", url, "--primary", primary, "--regions", regions.joined(separator: ","),
                         "--access-key", accessKey, "--secret-key", secretKey]
        if let keyPolicy {
            try workspace.write("seed-key-policy.json", keyPolicy)
            arguments += ["--key-policy-file", workspace.url.appendingPathComponent("seed-key-policy.json").path]
        }
        if awsOwnedKey { arguments.append("--aws-owned-key") }
        let output = try python("aws_seed.py", arguments)
        let json = try JSONParser.parse(output)
        return Seeded(keyArn: json["keyArn"]?.stringValue ?? "", instanceArn: json["instanceArn"]?.stringValue ?? "",
                      identityStoreId: json["identityStoreId"]?.stringValue ?? "", account: json["account"]?.stringValue ?? "")
    }

    /// Runs a sandbox Python script (with boto3) and returns its stdout.
    func python(_ script: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [SandboxServer.python, repositoryRoot.appendingPathComponent("Tests/Sandbox/\(script)").path] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SandboxError("\(script) failed with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// A boto3 call for assertions, e.g. `boto("kms", "get_key_policy", region: "ap-northeast-3", ["KeyId": ..., "PolicyName": "default"])`.
    func boto(_ service: String, _ operation: String, region: String, _ parameters: [String: String] = [:]) throws -> JSONValue {
        let code = """
        import boto3, json, sys
        client = boto3.client(sys.argv[1], region_name=sys.argv[3], endpoint_url=sys.argv[4],
                              aws_access_key_id=sys.argv[5], aws_secret_access_key=sys.argv[6])
        result = getattr(client, sys.argv[2])(**json.loads(sys.argv[7]))
        result.pop("ResponseMetadata", None)
        print(json.dumps(result, default=str))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let parameterJSON = JSONWriter.compact(.object(JSONObject(parameters.map { ($0.key, JSONValue.string($0.value)) })))
        process.arguments = [SandboxServer.python, "-c", code, service, operation, region, url, accessKey, secretKey, parameterJSON]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SandboxError("boto3 \(service).\(operation) failed") }
        return try JSONParser.parse(Array(data))
    }

    /// The AWS requests idcsync made, as `service:Operation@region` lines.
    func requestLines() async throws -> [String] {
        try await control("GET", "/_sandbox/requests").arrayValue?.map { entry in
            "\(entry["service"]?.stringValue ?? "?"):\(entry["operation"]?.stringValue ?? "?")@\(entry["region"]?.stringValue ?? "?")"
        } ?? []
    }

    func clearRequests() async throws { try await control("DELETE", "/_sandbox/requests") }

    /// The environment idcsync needs to talk to the sandbox and nothing else.
    var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey, "AWS_ENDPOINT_URL": url,
         "AWS_REGION": "ap-northeast-1", "AWS_EC2_METADATA_DISABLED": "true"]
    }
}
