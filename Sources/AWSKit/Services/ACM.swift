import IDCSyncCore

// ACM: the Client VPN server certificate (ISSUED, RSA 1024/2048, in the endpoint's Region).

public struct ACMCertificate: Sendable, Equatable {
    public var certificateArn: String
    public var domainName: String
    public var status: CertificateStatus
    public var keyAlgorithm: CertificateKeyAlgorithm?
    /// Seconds since 1970.
    public var notAfter: Double?
    /// IMPORTED, AMAZON_ISSUED, PRIVATE.
    public var type: String?
    /// ARNs of the resources that use the certificate.
    public var inUseBy: [String]
}

public struct ACMCertificateSummary: Sendable, Equatable {
    public var certificateArn: String
    public var domainName: String
    public var status: CertificateStatus?
    public var keyAlgorithm: CertificateKeyAlgorithm?
}

extension AWSClient {
    public func describeCertificate(arn: String, region: String) async throws(AWSError) -> ACMCertificate {
        let response = try await json(.describeCertificate, service: .acm, region: region, body: .object(["CertificateArn": .string(arn)]))
        guard let certificate = response["Certificate"] else {
            throw .invalidResponse("DescribeCertificate returned no Certificate", operation: AWSOperation.describeCertificate.rawValue)
        }
        return ACMCertificate(
            certificateArn: certificate["CertificateArn"]?.stringValue ?? arn, domainName: certificate["DomainName"]?.stringValue ?? "",
            status: CertificateStatus(parsing: certificate["Status"]?.stringValue ?? "UNKNOWN"), keyAlgorithm: certificate["KeyAlgorithm"]?.stringValue.map(CertificateKeyAlgorithm.init(responseText:)),
            notAfter: certificate["NotAfter"].flatMap(number), type: certificate["Type"]?.stringValue,
            inUseBy: (certificate["InUseBy"]?.arrayValue ?? []).compactMap(\.stringValue))
    }

    /// ListCertificates, every page. ACM lists only RSA_2048 certificates unless `keyTypes` says
    /// otherwise (Client VPN takes RSA_1024 and RSA_2048); `statuses` empty: every status.
    public func listCertificates(statuses: [CertificateStatus] = [], keyTypes: [CertificateKeyAlgorithm] = [], region: String) async throws(AWSError) -> [ACMCertificateSummary] {
        var certificates: [ACMCertificateSummary] = []
        var token: String?
        repeat {
            var body: JSONObject = [:]
            if !statuses.isEmpty { body["CertificateStatuses"] = .strings(statuses.map(\.rawValue)) }
            if !keyTypes.isEmpty { body["Includes"] = .object(["keyTypes": .strings(keyTypes.map(\.rawValue))]) }
            body["MaxItems"] = .int(1000)
            if let token { body["NextToken"] = .string(token) }
            let response = try await json(.listCertificates, service: .acm, region: region, body: .object(body))
            certificates += (response["CertificateSummaryList"]?.arrayValue ?? []).map { item in
                ACMCertificateSummary(certificateArn: item["CertificateArn"]?.stringValue ?? "", domainName: item["DomainName"]?.stringValue ?? "",
                                      status: item["Status"]?.stringValue.map(CertificateStatus.init(parsing:)), keyAlgorithm: item["KeyAlgorithm"]?.stringValue.map(CertificateKeyAlgorithm.init(responseText:)))
            }
            token = response["NextToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return certificates
    }
}
