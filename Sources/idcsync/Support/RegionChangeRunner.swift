import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

/// `regions add` and `regions remove`: the engine plans, locks, asks and runs; this shows the plan,
/// answers the question from the terminal, draws progress and renders the result.
enum RegionChangeRunner {
    static func run(_ action: RegionChangePlan.Action, global: GlobalOptions, target name: String?, aws awsOptions: AWSOptions, change: RegionChangeOptions,
                    write: WriteOptions) async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, target) = try console.loadTarget(name)
            let progress = Progress(console: console)
            let request = RegionChangeRequest(action: action, region: change.region.region, dryRun: change.dryRun, wait: !change.noWait,
                                              timeout: change.timeout.duration)
            let result = try await RegionsWorkflow.change(request, config: config, target: target, context: console.engineContext(writing: write),
                                                          interaction: Interaction(show: { plan in
                console.report(plan.diagnostics)
                if global.output == .text {
                    console.write("regions \(action.rawValue) \(plan.region.name): instance \(plan.world.instanceArn.instanceId), primary Region \(plan.world.primaryRegion.name)\n"
                                  + RegionsRenderer.steps(plan.steps, style: console.out))
                }
            }, confirm: console.confirmation(yes: write.yes), events: { progress.handle($0) }))
            progress.end()

            if result.ending == .declined { console.writeError("Nothing was changed.") }
            if global.output == .text, result.ending == .nothingToDo {
                console.write("Nothing to do: \(request.region.name) is \(action == .add ? "added" : "removed") and everything around it is in place.\n")
            } else if global.output == .text, result.ending == .done {
                console.write("\nDone:\n" + RegionsRenderer.steps(result.steps, style: console.out))
            }
            if global.output == .json {
                console.writeJSON(RegionsRenderer.changeDocument(
                    action: action.rawValue, region: request.region.name, instanceArn: result.plan.world.instanceArn.value, outcome: result.ending.rawValue,
                    steps: result.steps, awsRequests: result.awsRequests, oktaRequests: result.oktaRequests,
                    diagnostics: config.diagnostics + result.plan.diagnostics))
            } else if !global.quiet {
                console.writeError("Requests: \(result.awsRequests) to AWS, \(result.oktaRequests) to Okta.")
            }
            return result.outcome
        }
    }
}

/// Progress of a running workflow on stderr: a self-updating line on a terminal, a line per step
/// and per status change otherwise. Events arrive one at a time from the workflow's task.
final class Progress: @unchecked Sendable {
    private let console: Console
    private let terminal: Bool
    private var lastStatus: String?
    private var lineOpen = false

    init(console: Console) {
        self.console = console
        terminal = console.err.enabled || console.isStderrTerminal
    }

    func handle(_ event: WorkflowEvent) {
        guard !console.global.quiet else { return }
        switch event {
        case .started(let step):
            end()
            console.writeError("… \(step.title)")
        case .finished(_, let outcome):
            end()
            console.writeError("  ✓ \(outcome)")
        case .waiting(let region, let status, let elapsed):
            let text = "  \(region): \(status) (\(Int(elapsed)) s)"
            if terminal {
                FileDescriptor.standardError.write("\r\u{1B}[2K" + text)
                lineOpen = true
            } else if status != lastStatus {
                console.writeError(text)
            }
            lastStatus = status
        }
    }

    func end() {
        if lineOpen {
            FileDescriptor.standardError.write("\n")
            lineOpen = false
        }
    }
}
