import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct RegionsRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a Region from IAM Identity Center and its ACS URLs from Okta.",
        discussion: """
        RemoveRegion is sent to the primary Region; then the Region's ACS URLs leave the Okta slots, and the bookmark guides are rewritten in bookmarks.out when it is set. The replica key stays (idcsync never deletes keys) and is reported. The primary Region cannot be removed. When a part it would write is owned by Terraform (instance.owner, kms.owner, okta.owner: terraform), it writes nothing, lists every such part and exits 64 (with --dry-run too).

        Examples:
          idcsync regions remove ap-northeast-3 --dry-run
          idcsync regions remove ap-northeast-3 --yes
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var awsOptions: AWSOptions
    @OptionGroup var change: RegionChangeOptions
    @OptionGroup var writeOptions: WriteOptions

    func validate() throws {
        try global.requireOutput([.text, .json], command: "regions remove")
    }

    func run() async throws {
        try await RegionChangeRunner.run(.remove, global: global, target: targetOptions.target, aws: awsOptions, change: change, write: writeOptions)
    }
}
