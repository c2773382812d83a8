import IDCSyncCore

public struct CallerIdentity: Sendable, Equatable {
    public var account: String
    public var arn: String
    public var userId: String
}

extension AWSClient {
    /// STS GetCallerIdentity (needs no permission; tells the account and who is calling).
    public func callerIdentity(region: String) async throws(AWSError) -> CallerIdentity {
        let xml = try await query(.getCallerIdentity, service: .sts, region: region, parameters: [])
        guard let account = xml.value("Account"), let arn = xml.value("Arn") else {
            throw .invalidResponse("GetCallerIdentity returned no Account or Arn", operation: AWSOperation.getCallerIdentity.rawValue)
        }
        return CallerIdentity(account: account, arn: arn, userId: xml.value("UserId") ?? "")
    }
}
