import AWSKit
import IDCSyncCore
import SystemKit
import IDCSyncEngine
import IDCSyncRendering
import OktaKit

/// `regions add` and `regions remove`: plan, show, lock, confirm, execute, report.
enum RegionChangeRunner {
    static func run(_ action: RegionChangePlan.Action, global: GlobalOptions, target name: String?, aws awsOptions: AWSOptions, change: RegionChangeOptions,
                    write: WriteOptions) async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, target) = try console.loadTarget(name)
            let aws = console.engineContext.aws(target)
            let okta = target.okta == nil ? nil
                : try OktaWorkflow.client(config: config, target: target, console: console, access: change.dryRun ? .read : .readWrite)
            let region = change.parsedRegion
            let plan = try await RegionsWorkflow.plan(action, region: region, config: config, target: target, aws: aws, okta: okta,
                                                      context: console.engineContext, wait: !change.noWait)
            console.report(plan.diagnostics)
            let heading = "regions \(action.rawValue) \(region.name): instance \(plan.world.instanceArn.instanceId), primary Region \(plan.world.primaryRegion.name)"
            if global.output == .text {
                console.write(heading + "\n" + RegionsRenderer.steps(plan.steps, style: console.out))
            }

            func finish(_ outcome: String, steps: [RegionStep], status: Outcome) async -> Outcome {
                let awsRequests = await aws.requestsSent
                let oktaRequests = await okta?.requestsSent ?? 0
                if global.output == .json {
                    console.writeJSON(RegionsRenderer.changeDocument(
                        action: action.rawValue, region: region.name, instanceArn: plan.world.instanceArn.value, outcome: outcome, steps: steps,
                        awsRequests: awsRequests, oktaRequests: oktaRequests, diagnostics: config.diagnostics + plan.diagnostics))
                } else if !global.quiet {
                    console.writeError("Requests: \(awsRequests) to AWS, \(oktaRequests) to Okta.")
                }
                return status
            }

            guard plan.hasWork else {
                if global.output == .text { console.write("Nothing to do: \(region.name) is \(action == .add ? "added" : "removed") and everything around it is in place.\n") }
                return await finish("nothing-to-do", steps: plan.steps, status: .ok)
            }
            if change.dryRun { return await finish("dry-run", steps: plan.steps, status: .changes) }

            let lock = try InstanceLock(directory: Paths.resolve(".idcsync-locks", relativeTo: config.source),
                                        instanceId: plan.world.instanceArn.instanceId)
            let pending = plan.steps.filter { $0.state == .pending }.count
            guard try console.confirm("Run these \(pending) step\(pending == 1 ? "" : "s")?", yes: write.yes) else {
                console.writeError("Nothing was changed.")
                return await finish("declined", steps: plan.steps, status: .failed)
            }
            let progress = Progress(console: console)
            let steps = try await RegionsWorkflow.execute(
                plan, aws: aws, okta: okta,
                options: .init(wait: !change.noWait, timeout: DurationText.parse(change.timeout) ?? .seconds(3600),
                               backupDirectory: OktaSync.backupDirectory(config: config, target: target, override: write.backupDir)),
                configFile: config.source, context: console.engineContext, events: { progress.handle($0) })
            // The lock is held until every step has run (the kernel also drops it if the process dies).
            withExtendedLifetime(lock) {}
            progress.end()
            if global.output == .text {
                console.write("\nDone:\n" + RegionsRenderer.steps(steps, style: console.out))
            }
            return await finish("done", steps: steps, status: .ok)
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
