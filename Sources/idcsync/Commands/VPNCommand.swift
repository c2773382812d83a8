import ArgumentParser

struct VPNCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vpn",
        abstract: "AWS Client VPN with Okta SAML: plan, apply, and the client configuration for federated sign-in.",
        discussion: """
        The endpoint authenticates through an IAM SAML provider built from the Okta "AWS Client VPN" app (aws_clientvpn, port 35001). Only the AWS provided client can do SAML sign-in, and it needs the client configuration to say so. See runbooks/client-vpn-okta.md.

        Examples:
          idcsync vpn plan
          idcsync vpn apply --yes
          idcsync vpn ovpn downloaded.ovpn --out okta-vpn.ovpn
        """,
        subcommands: [VPNPlanCommand.self, VPNApplyCommand.self, VPNOvpnCommand.self]
    )
}
