import HTTPKit
import IDCSyncCore

// IAM SAML providers for Client VPN federated authentication. IAM is a global Query service: any
// Region of the partition goes to its one endpoint (iam.amazonaws.com, signed for us-east-1, ...).

/// A SAML provider as ListSAMLProviders lists it.
public struct IAMSAMLProviderSummary: Sendable, Equatable {
    public var arn: String
    /// Seconds since 1970.
    public var validUntil: Double?
    public var createDate: Double?
}

/// A SAML provider as GetSAMLProvider returns it.
public struct IAMSAMLProvider: Sendable, Equatable {
    public var metadataDocument: String
    /// Seconds since 1970.
    public var validUntil: Double?
    public var createDate: Double?
}

extension AWSClient {
    /// Every SAML provider of the account (`region` picks the partition).
    public func listSAMLProviders(region: String) async throws(AWSError) -> [IAMSAMLProviderSummary] {
        let response = try await iam(.listSAMLProviders, region: region, parameters: QueryParameters(for: .iam))
        return response.list("SAMLProviderList").map { item in
            IAMSAMLProviderSummary(arn: item.string("Arn") ?? "", validUntil: item.string("ValidUntil").flatMap(Timestamp.parseISO8601),
                                   createDate: item.string("CreateDate").flatMap(Timestamp.parseISO8601))
        }
    }

    public func getSAMLProvider(arn: String, region: String) async throws(AWSError) -> IAMSAMLProvider {
        var parameters = QueryParameters(for: .iam)
        parameters.set("SAMLProviderArn", arn)
        let response = try await iam(.getSAMLProvider, region: region, parameters: parameters)
        return IAMSAMLProvider(
            metadataDocument: try Self.required(response.string("SAMLMetadataDocument"), "SAMLMetadataDocument", .getSAMLProvider),
            validUntil: response.string("ValidUntil").flatMap(Timestamp.parseISO8601),
            createDate: response.string("CreateDate").flatMap(Timestamp.parseISO8601))
    }

    /// CreateSAMLProvider; returns the new provider's ARN. Tags need `iam:TagSAMLProvider` too.
    public func createSAMLProvider(name: String, metadataDocument: String, tags: [AWSTag] = [], region: String) async throws(AWSError) -> String {
        var parameters = QueryParameters(for: .iam)
        parameters.set("SAMLMetadataDocument", metadataDocument)
        parameters.set("Name", name)
        if !tags.isEmpty { parameters.tags("Tags", tags) }
        let response = try await iam(.createSAMLProvider, region: region, parameters: parameters)
        return try Self.required(response.string("SAMLProviderArn"), "SAMLProviderArn", .createSAMLProvider)
    }

    /// UpdateSAMLProvider: replaces the metadata document; returns the provider's ARN.
    @discardableResult
    public func updateSAMLProvider(arn: String, metadataDocument: String, region: String) async throws(AWSError) -> String {
        var parameters = QueryParameters(for: .iam)
        parameters.set("SAMLMetadataDocument", metadataDocument)
        parameters.set("SAMLProviderArn", arn)
        let response = try await iam(.updateSAMLProvider, region: region, parameters: parameters)
        return response.string("SAMLProviderArn") ?? arn
    }

    /// One IAM call; the `<XxxResult>` element of the response.
    private func iam(_ operation: AWSOperation, region: String, parameters: QueryParameters) async throws(AWSError) -> XMLNode {
        let xml = try await query(operation, service: .iam, region: region, parameters: parameters)
        let name = AWSClient.operationName(operation)
        guard let document = xml.document else { throw .invalidResponse("the body is not XML", operation: operation.rawValue) }
        return document.child("\(name)Result") ?? document
    }
}
