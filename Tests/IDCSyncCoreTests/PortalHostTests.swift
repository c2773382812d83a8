import IDCSyncCore
import Testing

@Suite("access-portal hosts and the company start URL")
struct PortalHostTests {
    /// Every form the AWS CLI's resolver (`_REGION_PATTERNS`) knows, with the Region it derives.
    @Test(arguments: [
        ("ssoins-1234567890abcdef.us-east-1.portal.amazonaws.com", "us-east-1", PortalHostForm.awsIPv4),
        ("ssoins-1234567890abcdef.portal.us-east-1.app.aws", "us-east-1", .awsDualStack),
        ("ssoins-1234567890abcdef.cn-north-1.portal.amazonaws.com.cn", "cn-north-1", .chinaIPv4),
        ("ssoins-1234567890abcdef.portal.cn-northwest-1.app.amazonwebservices.com.cn", "cn-northwest-1", .chinaDualStack),
        ("ssoins-1234567890abcdef.eusc-de-east-1.portal.amazonaws.eu", "eusc-de-east-1", .euscIPv4),
        ("ssoins-1234567890abcdef.portal.eusc-de-east-1.api.amazonwebservices.eu", "eusc-de-east-1", .euscDualStack),
        ("ssoins-1234567890abcdef.us-gov-west-1.portal.amazonaws.com", "us-gov-west-1", .awsIPv4),
        ("SSOINS-1234567890ABCDEF.Portal.Us-East-1.App.AWS.", "us-east-1", .awsDualStack),
    ])
    func regionalForms(host: String, region: String, form: PortalHostForm) {
        #expect(PortalHost.classify(host) == .regional(instanceId: host.lowercased().split(separator: ".").first.map(String.init)!, region: region, form: form))
        #expect(PortalHost.isAWSOwned(host))
    }

    @Test func otherAWSAndForeignHosts() {
        #expect(PortalHost.classify("d-9067a1b2c3.awsapps.com") == .otherAWS("d-9067a1b2c3.awsapps.com"))
        #expect(PortalHost.classify("identitycenter.amazonaws.com") == .otherAWS("identitycenter.amazonaws.com"))
        #expect(PortalHost.classify("portal.amazonaws.com") == .otherAWS("portal.amazonaws.com"))
        // One label too many or too few is not a Regional portal.
        #expect(PortalHost.classify("a.b.us-east-1.portal.amazonaws.com") == .otherAWS("a.b.us-east-1.portal.amazonaws.com"))
        #expect(PortalHost.classify("aws.example.com") == .notAWS("aws.example.com"))
        #expect(PortalHost.classify("portal.amazonaws.com.evil.example") == .notAWS("portal.amazonaws.com.evil.example"))
        #expect(!PortalHost.isAWSOwned("example.app.aws.example.com"))
    }

    @Test func templatesExpandToTheFormsTheyAreClassifiedAs() {
        for form in PortalHostForm.allCases {
            let host = form.template.replacing("https://", with: "").replacing("{instanceId}", with: "ssoins-1234567890abcdef")
                .replacing("{region}", with: "xx-test-1")
            #expect(PortalHost.classify(host) == .regional(instanceId: "ssoins-1234567890abcdef", region: "xx-test-1", form: form))
        }
    }

    @Test func startURLsThatAreAccepted() throws {
        let plain = try StartURL.parse("https://AWS.Example.com/").get()
        #expect(plain.value == "https://aws.example.com")
        #expect(plain.host == "aws.example.com")
        #expect(try StartURL.parse("https://aws.example.com:443/start").get().value == "https://aws.example.com/start")
        #expect(try StartURL.parse("https://sso.example.co.jp:8443").get().port == 8443)
    }

    @Test(arguments: [
        ("http://aws.example.com", "\"http://aws.example.com\" is not an https URL; give the company start URL, e.g. https://aws.example.com; the AWS CLI refuses a start URL that is not https"),
        ("aws.example.com", "\"aws.example.com\" is not an https URL; give the company start URL, e.g. https://aws.example.com"),
        ("https://user:pw@aws.example.com", "\"https://user:pw@aws.example.com\" carries a user name or password; give the plain URL, e.g. https://aws.example.com"),
        ("https://aws.example.com/#x", "\"https://aws.example.com/#x\" has a fragment (#...); give the URL people open, without it"),
        ("https://aws.example.com:0", "\"https://aws.example.com:0\" has no valid port after \":\"; give a port from 1 to 65535, or none for 443"),
        ("https://localhost", "\"https://localhost\" has no valid host name; give the company's own host, e.g. https://aws.example.com"),
        ("https://aws_example.com", "\"https://aws_example.com\" has no valid host name; give the company's own host, e.g. https://aws.example.com"),
        ("https://ssoins-1234567890abcdef.portal.us-east-1.app.aws",
         "\"https://ssoins-1234567890abcdef.portal.us-east-1.app.aws\" is an AWS Regional access portal, not a company start URL; the Regional portals are listed by `idcsync urls`, and instance.startUrl is the company's own domain that redirects to one of them (e.g. https://aws.example.com)"),
        ("https://d-9067a1b2c3.awsapps.com/start",
         "\"https://d-9067a1b2c3.awsapps.com/start\" is an AWS-owned host, not a company start URL; instance.startUrl is the company's own domain that redirects to a healthy Region's portal (e.g. https://aws.example.com)"),
    ])
    func startURLsThatAreRefused(text: String, message: String) {
        #expect(throws: IdentifierError(message)) { try StartURL.parse(text).get() }
    }

    @Test func chinaRegionalPortalsComeFromTheResolverAndTemplatesWin() {
        let beijing = Region(name: "cn-north-1", partition: .awsCN)
        let ningxia = Region(name: "cn-northwest-1", partition: .awsCN)
        func entries(_ templates: [URLVariant: String]) -> [URLVariant: URLEntry] {
            let input = URLCatalogInput(partition: .awsCN, primaryRegion: beijing, instanceId: "ssoins-1234567890abcdef", templates: templates)
            let urls = URLCatalog.urls(for: [ningxia], enabledRegions: [beijing, ningxia], input: input)[0]
            return Dictionary(uniqueKeysWithValues: urls.entries.map { ($0.variant, $0) })
        }
        let known = entries([:])
        #expect(known[.portalAlternateIPv4]?.url == "https://ssoins-1234567890abcdef.cn-northwest-1.portal.amazonaws.com.cn")
        #expect(known[.portalDualStack]?.url == "https://ssoins-1234567890abcdef.portal.cn-northwest-1.app.amazonwebservices.com.cn")
        #expect(known[.portalDualStack]?.source == .awsCLI)
        #expect(known[.portalDualStack]?.status == .works)
        #expect(known[.portalDualStack]?.explanation.contains("host form from the AWS CLI's start URL resolver (AWS documents none in aws-cn)") == true)
        // ACS hosts stay the operator's to give.
        #expect(known[.acsIPv4]?.reason == .undocumentedInPartition)
        let given = entries([.portalDualStack: "https://{instanceId}.portal.{region}.example.cn"])
        #expect(given[.portalDualStack]?.url == "https://ssoins-1234567890abcdef.portal.cn-northwest-1.example.cn")
        #expect(given[.portalDualStack]?.source == .config)
    }
}
