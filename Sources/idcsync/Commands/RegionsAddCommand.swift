import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct RegionsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a Region to IAM Identity Center, with its key replica and Okta ACS URLs.",
        discussion: """
        Steps, each skipped when the world already has it: preflight (Region valid, not the primary, no other addition or removal running, quota, customer managed multi-Region key, Okta reachable and the new ACS URLs fit), the key's replica with the IAM Identity Center key policy (or the policy fixed), wait for the replica, AddRegion in the primary Region, wait for ACTIVE, the Okta ACS URL slots, and the bookmark guides (rewritten in bookmarks.out when it is set, else skipped). A lock keeps two runs on one instance apart. Run it again after any failure to finish. When a part it would write is owned by Terraform (instance.owner, kms.owner, okta.owner: terraform), it writes nothing, lists every such part and exits 64 (with --dry-run too).

        Examples:
          idcsync regions add ap-northeast-3 --dry-run
          idcsync regions add ap-northeast-3
          idcsync regions add eu-central-1 --yes --timeout 2h
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var awsOptions: AWSOptions
    @OptionGroup var change: RegionChangeOptions
    @OptionGroup var writeOptions: WriteOptions

    func validate() throws {
        try global.requireOutput([.text, .json], command: "regions add")
    }

    func run() async throws {
        try await RegionChangeRunner.run(.add, global: global, target: targetOptions.target, aws: awsOptions, change: change, write: writeOptions)
    }
}
