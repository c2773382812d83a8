import ArgumentParser

struct OktaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "okta",
        abstract: "Keep every Region's ACS URLs in the Okta app's \"AWS SSO ACS URL1..17\" slots.",
        discussion: """
        SAML configuration can only be changed in the primary Region, so the ACS URLs of every Region must be in the Okta app before an outage. idcsync changes only those slots: the default ACS URL, the issuer and everything else in the app go back exactly as read.

        Authentication: an API token in OKTA_API_TOKEN (or OKTA_CLIENT_TOKEN, or okta.auth.tokenFile), or an OAuth 2.0 service app (okta.auth.mode: privateKey) with the okta.apps.read and okta.apps.manage scopes; DPoP is handled.

        Examples:
          idcsync okta plan
          idcsync okta apply
          idcsync okta restore idcsync-backups/okta-app-0oa1...-20261121T100000.000Z.json
          idcsync okta tiles plan
        """,
        subcommands: [OktaPlanCommand.self, OktaApplyCommand.self, OktaRestoreCommand.self, OktaTilesCommand.self]
    )
}
