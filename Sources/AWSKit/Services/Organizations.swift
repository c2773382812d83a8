import IDCSyncCore

extension AWSClient {
    /// The management account of the organization (DescribeOrganization).
    public func managementAccount(region: String) async throws(AWSError) -> String? {
        let response = try await json(.describeOrganization, service: .organizations, region: region, body: .object([:]))
        return response["Organization"]?["MasterAccountId"]?.stringValue ?? response["Organization"]?["ManagementAccountId"]?.stringValue
    }

    /// The accounts registered as delegated administrators of IAM Identity Center.
    public func delegatedAdministrators(region: String) async throws(AWSError) -> [String] {
        var accounts: [String] = []
        var token: String?
        repeat {
            var body: JSONObject = ["ServicePrincipal": "sso.amazonaws.com", "MaxResults": .int(20)]
            if let token { body["NextToken"] = .string(token) }
            let response = try await json(.listDelegatedAdministrators, service: .organizations, region: region, body: .object(body))
            accounts += (response["DelegatedAdministrators"]?.arrayValue ?? []).compactMap { $0["Id"]?.stringValue }
            token = response["NextToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return accounts
    }
}
