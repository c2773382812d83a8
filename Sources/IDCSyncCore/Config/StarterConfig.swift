/// The commented starter `idcsync.yaml` that `idcsync init` writes. Values idcsync already knows are
/// written as live lines; everything else is commented out with an example and what it is for.
public enum StarterConfig {
    public struct Known: Sendable, Equatable {
        public var instanceArn: String?
        public var primaryRegion: String?
        public var identityStoreId: String?
        public var keyArn: String?
        public var oktaOrgURL: String?
        public init(instanceArn: String? = nil, primaryRegion: String? = nil, identityStoreId: String? = nil,
                    keyArn: String? = nil, oktaOrgURL: String? = nil) {
            self.instanceArn = instanceArn
            self.primaryRegion = primaryRegion
            self.identityStoreId = identityStoreId
            self.keyArn = keyArn
            self.oktaOrgURL = oktaOrgURL
        }
    }

    public static func render(_ known: Known = .init()) -> String {
        func line(_ key: String, _ value: String?, example: String, comment: String) -> String {
            if let value { return "  \(key): \(value)\(comment.isEmpty ? "" : "  # \(comment)")" }
            return "  # \(key): \(example)\(comment.isEmpty ? "" : "  # \(comment)")"
        }
        return """
        # idcsync configuration. Everything idcsync can discover from AWS or Okta is optional here;
        # a value you set is used as given. Secrets never go in this file: the Okta token comes from
        # OKTA_API_TOKEN (or OKTA_CLIENT_TOKEN), AWS credentials from the standard AWS chain.
        # Check it with: idcsync urls   and   idcsync policy kms
        # (with AWS credentials they read what this file leaves out from AWS and say so; --offline uses the file alone)

        instance:
        \(line("arn", known.instanceArn, example: "arn:aws:sso:::instance/ssoins-1234567890abcdef", comment: "discovered when the account has one instance"))
        \(line("primaryRegion", known.primaryRegion, example: "ap-northeast-1", comment: "discovered (ListInstances)"))
        \(line("identityStoreId", known.identityStoreId, example: "d-1234567890", comment: "discovered (ListInstances)"))
          # accountId: "111122223333"         # the management account; discovered
          # tenantId: 4455422d-1234-5678-9abc-def012345678   # last path segment of an ACS URL; read from the Okta app
          # customAlias: example               # the access portal alias, if you set one (no API returns it)
          # startUrl: https://aws.example.com  # your start URL that redirects to a healthy Region's portal (idcsync status)
          # regions: [ap-northeast-1, ap-northeast-3]   # offline use only; otherwise ListRegions is the truth
          # enabledBeforeFebruary2026: true    # read from the Okta app's default ACS URL when not set
          # owner: idcsync                     # or terraform: idcsync never adds or removes Regions (aws_ssoadmin_region), only reports

        kms:
        \(line("keyArn", known.keyArn, example: "arn:aws:kms:ap-northeast-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", comment: "discovered (DescribeInstance)"))
          # keyAdministrators: [arn:aws:iam::111122223333:role/KeyAdmin]   # default: the management account root
          # delegatedAdministrators: auto      # or a list of account ids, e.g. ["444455556666"]
          # adminPermissionSets: ["*"]         # permission sets whose AWSReservedSSO_ roles administer IdC
          # adminRoles: [arn:aws:iam::111122223333:role/idcsync]   # other roles that administer IdC
          # pinned: false                      # true: the key works only for this instance and identity store
          # managedApplications: false         # AWS managed applications in the organization
          # controlTower: false                # AWS Control Tower (AWSControlTowerExecution role)
          # customWorkflowRoles: []            # roles that call IdC APIs in custom workflows
          # owner: idcsync                     # or terraform: idcsync never writes key policies or replica keys, only reports

        okta:
        \(line("orgUrl", known.oktaOrgURL, example: "https://example.okta.com", comment: "or OKTA_CLIENT_ORGURL"))
          # appId: 0oa1b2c3d4e5f6g7h8i9        # discovered when exactly one amazon_aws_sso app exists
          # auth: {mode: ssws}                 # or {mode: privateKey, clientId: 0oa..., privateKeyFile: okta.pem, keyId: ...}
          # acsVariants: [ipv4, dualstack]
          # foreignUrls: keep                  # keep URLs in the slots that this instance does not own; or remove
          # slotKeys: auto                     # or the 17 settings.app key names of "ACS URL1..17", in order
          # tiles: {enabled: true, portal: alternate-ipv4}   # Okta dashboard tiles for the additional Regions (idcsync okta tiles)
          # owner: idcsync                     # or terraform: idcsync never writes the Okta apps, only reports (see idcsync export terraform)

        # aws:
        #   profile: management                # a profile of ~/.aws/config; AWS_PROFILE wins
        #   region: ap-northeast-1

        # bookmarks: {out: docs/portal, formats: [markdown, html, netscape, aws-config], languages: [en, ja]}

        """
    }
}
