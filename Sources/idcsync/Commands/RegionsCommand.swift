import ArgumentParser

struct RegionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regions",
        abstract: "List, add and remove the Regions of the IAM Identity Center instance.",
        discussion: """
        Adding a Region is four chores done in one run: the key's replica with the IAM Identity Center key policy (KMS never copies key policies), AddRegion and the wait for ACTIVE, every Region's ACS URLs in the Okta app, and the user guides. Every step is skipped when already done, so running the command again after any failure finishes the job.

        Examples:
          idcsync regions list
          idcsync regions add ap-northeast-3
          idcsync regions remove ap-northeast-3 --yes
        """,
        subcommands: [RegionsListCommand.self, RegionsAddCommand.self, RegionsRemoveCommand.self]
    )
}
