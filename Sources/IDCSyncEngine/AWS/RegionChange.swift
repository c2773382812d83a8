import IDCSyncCore
import OktaKit

/// What `regions add` and `regions remove` were asked to do.
public struct RegionChangeRequest: Sendable {
    public var action: RegionChangePlan.Action
    public var region: Region
    /// Plan and show, write nothing.
    public var dryRun: Bool
    /// Wait for IAM Identity Center (and the replica key) to finish; without it, a rerun continues.
    public var wait: Bool
    public var timeout: Duration

    public init(action: RegionChangePlan.Action, region: Region, dryRun: Bool = false, wait: Bool = true, timeout: Duration = .seconds(3600)) {
        self.action = action
        self.region = region
        self.dryRun = dryRun
        self.wait = wait
        self.timeout = timeout
    }
}

/// How a run ended, with everything the report shows.
public struct RegionChangeResult: Sendable {
    public enum Ending: String, Sendable {
        case nothingToDo = "nothing-to-do"
        case dryRun = "dry-run"
        case declined
        case done
    }

    public var plan: RegionChangePlan
    public var ending: Ending
    /// The plan's steps, or after a run the steps as they ended.
    public var steps: [RegionStep]
    public var awsRequests: Int
    public var oktaRequests: Int

    /// Done or nothing to do: ok; a dry run with work: changes; declined: failed (nothing was written).
    public var outcome: Outcome {
        switch ending {
        case .nothingToDo, .done: .ok
        case .dryRun: .changes
        case .declined: .failed
        }
    }
}

/// How a workflow that writes talks to whoever runs it: it shows the plan once it is made, asks
/// before the first write, and reports each step as it runs. The executable answers from the
/// terminal (or `--yes`); tests answer directly.
public struct Interaction: Sendable {
    public var show: @Sendable (RegionChangePlan) -> Void
    public var confirm: Confirmation
    public var events: @Sendable (WorkflowEvent) -> Void

    public init(show: @escaping @Sendable (RegionChangePlan) -> Void = { _ in },
                confirm: @escaping Confirmation,
                events: @escaping @Sendable (WorkflowEvent) -> Void = { _ in }) {
        self.show = show
        self.confirm = confirm
        self.events = events
    }
}

extension RegionsWorkflow {
    /// `regions add` / `regions remove` from start to end: plan (reading AWS and Okta), show, then,
    /// unless there is nothing to do or it is a dry run, take the instance's lock (a second run on the
    /// same instance fails at once with a conflict), ask, and run the pending steps. The lock is
    /// held until the last step has ended, and released however the run ends.
    public static func change(_ request: RegionChangeRequest, config: Config, target: Target, context: EngineContext,
                              interaction: Interaction) async throws(IDCSyncError) -> RegionChangeResult {
        let aws = context.aws(target)
        let okta = target.okta == nil ? nil : try context.okta(target, configFile: config.source, access: request.dryRun ? .read : .readWrite)
        let plan = try await plan(request.action, region: request.region, config: config, target: target, aws: aws, okta: okta,
                                  context: context, wait: request.wait)
        interaction.show(plan)

        func result(_ ending: RegionChangeResult.Ending, _ steps: [RegionStep]) async -> RegionChangeResult {
            RegionChangeResult(plan: plan, ending: ending, steps: steps, awsRequests: await aws.requestsSent,
                               oktaRequests: await okta?.requestsSent ?? 0)
        }

        guard plan.hasWork else { return await result(.nothingToDo, plan.steps) }
        // Refused before any write, dry run or not, when Terraform owns any part the steps write.
        try WriteGate.requireOwned(plan.ownedParts, target: target, configFile: config.source)
        if request.dryRun { return await result(.dryRun, plan.steps) }

        let lock = try InstanceLock(directory: context.folders.lockDirectory(config: config), instanceId: plan.world.instanceArn.instanceId)
        defer { withExtendedLifetime(lock) {} }
        let pending = plan.steps.filter { $0.state == .pending }.count
        guard try interaction.confirm("Run these \(pending) step\(pending == 1 ? "" : "s")?") else { return await result(.declined, plan.steps) }
        let steps = try await execute(plan, aws: aws, okta: okta,
                                      options: .init(wait: request.wait, timeout: request.timeout,
                                                     backupDirectory: context.folders.backupDirectory(config: config, target: target)),
                                      configFile: config.source, context: context, events: interaction.events)
        return await result(.done, steps)
    }
}
