import ArgumentParser
import BuildStamp

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
        subcommands: [InitCommand.self, URLsCommand.self, PolicyCommand.self, OktaCommand.self, RegionsCommand.self, ReconcileCommand.self, DoctorCommand.self, StatusCommand.self, BookmarksCommand.self, VPNCommand.self, ExportCommand.self]
    )
}

enum IDCSyncVersion {
    /// The version of this source tree; a release may stamp its own (scripts/release VERSION).
    static let source = "0.1.0"

    /// What `--version` prints: the version and the git commit scripts/build-release stamped into the
    /// binary ("0.1.0 (commit 0123abc..., modified)" when built from a tree with uncommitted changes).
    static var current: String { describe(stamp: String(cString: idcsync_build_stamp())) }

    static func describe(stamp: String) -> String {
        let words = stamp.split(separator: " ").map(String.init)
        guard words.count >= 2 else { return "\(source) (development build: no commit recorded; scripts/build-release records it)" }
        let commit = words[1].hasSuffix("-dirty") ? "\(words[1].dropLast(6)), modified" : words[1]
        return "\(words[0]) (commit \(commit))"
    }
}
