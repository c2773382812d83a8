import AWSKit
import Foundation
import HTTPKit
import IDCSyncCore
import Logging

/// Builds the AWS client for a target: the credential chain (environment, profile, SSO, process,
/// container, IMDSv2) with `aws.profile` from the config (AWS_PROFILE wins), and the Region to
/// start discovery in.
public enum AWSSession {
    public static func client(target: Target, environment: [String: String], logger: Logger,
                              transport: any HTTPTransport, time: any TimeSource) -> AWSClient {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let chain = CredentialChain(environment: environment, profile: target.aws.profile, home: home, transport: transport, time: time)
        return AWSClient(configuration: .init(environment: environment), credentials: { () async throws(AWSError) -> AWSCredentials in
            try await chain.resolve()
        }, transport: transport, time: time, logger: logger)
    }

    /// Where to call STS and ListInstances: `aws.region`, AWS_REGION / AWS_DEFAULT_REGION, the
    /// profile's region, else the configured primary Region.
    public static func homeRegion(target: Target, environment: [String: String], configFile: String) throws(IDCSyncError) -> Region {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let name = AWSRegionResolver.region(flag: nil, config: target.aws.region?.name, environment: environment, home: home,
                                            profile: environment["AWS_PROFILE"] ?? target.aws.profile)
            ?? target.instance.primaryRegion?.name
        guard let name else {
            throw .config("config.missing", "no AWS Region to start from: set aws.region or instance.primaryRegion in the config, or AWS_REGION",
                          field: "aws.region", file: configFile)
        }
        switch Region.parse(name) {
        case .success(let region): return region
        case .failure(let error): throw .config("config.region", "the AWS Region \"\(name)\": \(error.message)", field: "aws.region", file: configFile)
        }
    }
}

extension IDCSyncError {
    /// An AWS failure: configuration and credential problems are the user's to fix; the rest are
    /// remote failures naming the operation and, when AWS gave one, the request id.
    static func aws(_ error: AWSError, hint: String? = nil) -> IDCSyncError {
        let message = error.description + (hint.map { "; \($0)" } ?? "")
        let diagnostics = [Diagnostic(.error, code: error.isConfiguration ? "aws.configuration" : "aws.\(error.code ?? "request")", message)]
        switch error {
        case .configuration, .noCredentials, .credentials:
            return IDCSyncError(.configuration, diagnostics)
        case .cancelled:
            return IDCSyncError(.cancelled, diagnostics)
        case .service(_, _, _, let operation, _, let requestId):
            return IDCSyncError(.remote(service: "AWS", operation: operation, requestId: requestId), diagnostics)
        case .transport(_, _, let operation, _), .invalidResponse(_, let operation):
            return IDCSyncError(.remote(service: "AWS", operation: operation, requestId: nil), diagnostics)
        }
    }
}

extension AWSError {
    var isConfiguration: Bool {
        switch self {
        case .configuration, .noCredentials, .credentials: true
        default: false
        }
    }
}
