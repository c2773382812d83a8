import ArgumentParser

@main
struct IDCSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idcsync",
        abstract: "Make multi-Region AWS IAM Identity Center failover real for organisations that sign in through Okta.",
        discussion: """
        idcsync keeps the KMS key policy, the Regions of IAM Identity Center and the Okta app's ACS URL slots consistent, from one config file (idcsync.yaml). It plans before it writes.

        Exit codes: 0 done or in sync; 1 error; 2 changes or drift found; 64 usage or configuration error.

        Examples:
          idcsync init                         # write a starter idcsync.yaml
          idcsync urls                         # every ACS and portal URL
          idcsync policy kms > key.json        # the KMS key policy
          idcsync policy iam --for reconcile   # what the runner needs
          idcsync regions add ap-northeast-3   # replica key, Region, Okta, guides
          idcsync reconcile --apply            # fix key-policy and Okta drift
          idcsync doctor                       # failover readiness
          idcsync bookmarks --out docs/portal  # the portal guides for people
        """,
        version: IDCSyncVersion.current,
        subcommands: [InitCommand.self, URLsCommand.self, PolicyCommand.self, OktaCommand.self, RegionsCommand.self, ReconcileCommand.self, DoctorCommand.self, BookmarksCommand.self, VPNCommand.self]
    )
}

enum IDCSyncVersion {
    static let current = "0.1.0"
}
