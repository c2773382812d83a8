import ArgumentParser

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Generate the KMS key policy and the IAM policy idcsync itself needs.",
        discussion: """
        Examples:
          idcsync policy kms > key-policy.json
          idcsync policy iam --for reconcile > runner-policy.json
        """,
        subcommands: [PolicyKMSCommand.self, PolicyIAMCommand.self]
    )
}
