import ArgumentParser

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export what idcsync manages in a form other tools own (Terraform).",
        discussion: """
        Examples:
          idcsync export terraform --out infra/idcsync
          idcsync export terraform --output json | jq '.imports'
        """,
        subcommands: [ExportTerraformCommand.self]
    )
}
