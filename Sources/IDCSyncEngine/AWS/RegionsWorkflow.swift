import AWSKit
import Foundation
import HTTPKit
import IDCSyncCore
import Logging
import OktaKit

public struct RegionChangePlan: Sendable {
    public typealias Action = RegionStepPlanner.Action

    public var action: Action
    public var region: Region
    public var world: AWSWorld
    public var target: Target
    public var keyPolicy: GeneratedPolicy
    public var replica: KMSKey?
    public var okta: OktaPlanReport?
    /// The tiles' plan when `okta.tiles` is enabled.
    public var tiles: TilesReport?
    public var steps: [RegionStep]
    public var diagnostics: [Diagnostic]
    /// For the bookmark step (`bookmarks:` section and the config file's folder).
    public var config: Config

    public var hasWork: Bool { steps.contains { $0.state == .pending } }
    /// Every part the pending steps write, for the ownership decision.
    public var ownedParts: [OwnedPart] {
        var tileRegions: [String] = []
        for step in tiles?.plan.steps ?? [] {
            let region: String
            switch step {
            case .create(let tile, _, _): region = tile.key
            case .update(_, let name, _), .activate(_, let name), .assign(_, let name, _), .unassign(_, let name, _), .remove(_, let name, _, _): region = name
            }
            if !tileRegions.contains(region) { tileRegions.append(region) }
        }
        return Ownership.regionChangeParts(steps, action: action, region: region.name, replicaArn: replica?.arn ?? (action == .add ? replicaArn : nil),
                                           oktaAppId: okta?.world.app.id, tileRegions: tileRegions)
    }

    public var replicaArn: String {
        "arn:\(world.key.partition.arnPrefix):kms:\(region.name):\(world.key.account.value):key/\(world.key.keyId)"
    }
}

/// What the workflow reports while it runs (the CLI draws a progress line on a terminal).
public enum WorkflowEvent: Sendable {
    case started(RegionStep)
    case finished(RegionStep, String)
    case waiting(region: String, status: String, elapsed: Double)
}

public enum RegionsWorkflow {
    public static let replicaDescription = "IAM Identity Center key replica (managed by idcsync)"

    public struct Options: Sendable {
        public var wait: Bool
        public var timeout: Duration
        public var backupDirectory: String
        public init(wait: Bool = true, timeout: Duration = .seconds(3600), backupDirectory: String) {
            self.wait = wait
            self.timeout = timeout
            self.backupDirectory = backupDirectory
        }
    }

    // MARK: Planning

    public static func plan(_ action: RegionChangePlan.Action, region: Region, config: Config, target: Target, aws: AWSClient,
                            okta: OktaClient?, context: EngineContext, wait: Bool) async throws(IDCSyncError) -> RegionChangePlan {
        let home = try AWSSession.homeRegion(target: target, environment: context.environment, configFile: config.source)
        let world = try await Discovery.discover(target: target, client: aws, homeRegion: home, configFile: config.source, logger: context.logger)
        var diagnostics: [Diagnostic] = []
        let primary = world.primaryRegion
        guard region.partition == primary.partition else {
            throw .config("usage.partition", "\(region.name) is in partition \(region.partition.rawValue), but the instance is in \(primary.partition.rawValue)")
        }
        guard region != primary else {
            throw .config("usage.primary", "\(region.name) is the primary Region of the instance; \(action == .add ? "it is always enabled" : "the primary Region cannot be removed")")
        }
        var regions = world.enabledRegions
        var facts = RegionStepPlanner.Facts(action: action, region: region.name, primaryRegion: primary.name,
                                            regions: world.regions.map { ($0.name, $0.status) }, keyId: world.key.keyId,
                                            replicaArn: nil, replicaState: nil, replicaPolicy: nil, okta: nil, wait: wait)
        if let refusal = RegionStepPlanner.refusal(facts) { throw Self.refused(refusal) }
        switch action {
        case .add: if !regions.contains(region) { regions.append(region) }
        case .remove: regions.removeAll { $0 == region }
        }
        let effective = world.effectiveTarget(target, regions: regions)
        let keyPolicy = try PolicyGeneration.keyPolicy(target: effective, pinned: false, configFile: config.source)
        diagnostics += keyPolicy.diagnostics

        let replica = try await replicaKey(world: world, region: region, aws: aws)
        facts.replicaArn = replica?.arn
        facts.replicaState = replica?.state
        if let refusal = RegionStepPlanner.refusal(facts) { throw Self.refused(refusal) }
        if let replica, action == .add {
            let text: String
            do { text = try await aws.keyPolicy(replica.arn, region: region.name) } catch { throw .aws(error) }
            facts.replicaPolicy = PolicyComparison.compare(actual: text, expected: keyPolicy.keyPolicy.document)
        }

        var oktaPlan: OktaPlanReport?
        if let okta {
            let app = try await OktaSync.locateApp(effective.okta ?? OktaConfig(), client: okta)
            let oktaWorld = try OktaSync.world(app: app, target: effective, configFile: config.source)
            oktaPlan = try OktaSync.plan(world: oktaWorld, target: effective, configFile: config.source)
        } else {
            diagnostics.append(Diagnostic(.warning, code: "regions.no-okta",
                "the config has no okta section: the ACS URLs of \(region.name) must be added to the identity provider by hand (see `idcsync urls --region \(region.name)`)"))
        }

        facts.okta = oktaPlan.map { ($0.world.app.id, $0.plan.changes.count) }
        var tiles: TilesReport?
        if let okta, OktaTiles.enabled(effective) {
            tiles = try await OktaTiles.plan(config: config, target: effective, client: okta)
            diagnostics += tiles?.diagnostics ?? []
            facts.tileSteps = tiles?.plan.steps.count
        }
        if let out = BookmarkGuides.configuredOutDirectory(config) {
            let status = GuideFiles.status(outDir: out, expectedRegions: regions, instanceId: world.instanceArn.instanceId,
                                           startURL: effective.instance.startUrl?.value,
                                           formats: config.bookmarks.formats, languages: config.bookmarks.languages)
            facts.guides = (out, status == .current)
        }
        let steps = RegionStepPlanner.steps(facts)
        if action == .remove, let replica {
            diagnostics.append(Diagnostic(.note, code: "regions.replica-left",
                "the replica key \(replica.arn) stays in \(region.name) (idcsync never deletes keys); once nothing needs it: aws kms schedule-key-deletion --key-id \(replica.arn) --region \(region.name) --pending-window-in-days 30"))
        }
        return RegionChangePlan(action: action, region: region, world: world, target: effective, keyPolicy: keyPolicy.keyPolicy,
                                replica: replica, okta: oktaPlan, tiles: tiles, steps: steps, diagnostics: diagnostics, config: config)
    }

    /// The replica of the instance's key in `region`, from the primary's multi-Region configuration.
    static func replicaKey(world: AWSWorld, region: Region, aws: AWSClient) async throws(IDCSyncError) -> KMSKey? {
        guard let listed = world.primaryKey.replicas.first(where: { $0.region == region.name }) else { return nil }
        do { return try await aws.describeKey(listed.arn, region: region.name) } catch { throw .aws(error) }
    }

    // MARK: Execution

    /// Runs the pending steps in order. Each step re-checks the world where it matters (AddRegion
    /// after a ConflictException, ReplicateKey after AlreadyExistsException, Okta re-read before writing).
    public static func execute(_ plan: RegionChangePlan, aws: AWSClient, okta: OktaClient?, options: Options, configFile: String,
                               context: EngineContext, events: @Sendable (WorkflowEvent) -> Void) async throws(IDCSyncError) -> [RegionStep] {
        var finished: [RegionStep] = []
        var ran: [String] = []
        for (index, var step) in plan.steps.enumerated() {
            guard step.state == .pending else {
                finished.append(step)
                continue
            }
            events(.started(step))
            let outcome: String
            do throws(IDCSyncError) {
                outcome = try await run(step, plan: plan, aws: aws, okta: okta, options: options, configFile: configFile, context: context, events: events)
            } catch {
                throw partial(error, plan: plan, ran: ran, remaining: Array(plan.steps[index...]))
            }
            step.state = .done(outcome)
            events(.finished(step, outcome))
            finished.append(step)
            ran.append(step.title)
        }
        return finished
    }

    /// One pending step, carried out; what it did, for the report.
    static func run(_ step: RegionStep, plan: RegionChangePlan, aws: AWSClient, okta: OktaClient?, options: Options, configFile: String,
                    context: EngineContext, events: @Sendable (WorkflowEvent) -> Void) async throws(IDCSyncError) -> String {
        let time = context.time
        let region = plan.region
        let primary = plan.world.primaryRegion
        let outcome: String
        switch step.kind {
        case .replicateKey:
            outcome = try await replicate(plan, aws: aws)
        case .fixReplicaPolicy:
            do { try await aws.putKeyPolicy(plan.replicaArn, policy: plan.keyPolicy.text, region: region.name) } catch { throw .aws(error) }
            outcome = "key policy put on \(plan.replicaArn)"
        case .waitForReplica:
            outcome = try await waitForReplica(plan, aws: aws, time: time)
        case .addRegion:
            outcome = try await addRegion(plan, aws: aws)
        case .waitForActive:
            outcome = try await waitFor(plan, until: .active, aws: aws, time: time, timeout: options.timeout, events: events)
        case .removeRegion:
            do {
                outcome = "RemoveRegion answered " + (try await aws.removeRegion(instance: plan.world.instanceArn.value, name: region.name, primaryRegion: primary.name)).rawValue
            } catch {
                throw .aws(error, hint: error.code == "ConflictException" ? "another Region addition or removal is in progress; wait for it, then run again" : nil)
            }
        case .waitForRemoval:
            outcome = try await waitFor(plan, until: nil, aws: aws, time: time, timeout: options.timeout, events: events)
        case .oktaApply:
            outcome = try await oktaApply(plan, okta: okta, options: options, configFile: configFile, context: context)
        case .oktaTiles:
            guard let okta, let tiles = plan.tiles else { outcome = "skipped"; break }
            let done = try await OktaTiles.apply(tiles, client: okta, backupDirectory: options.backupDirectory, now: context.date, logger: context.logger)
            outcome = done.joined(separator: "; ")
        case .bookmarks:
            outcome = try BookmarkGuides.regenerate(config: plan.config, target: plan.target)
        }
        return outcome
    }

    /// A step failed after others ran in this run: a partial change, saying what was done, what
    /// remains, and that a rerun continues (the plan reads the world again and skips what is done).
    /// A failure before any write, or a cancellation, stays what it was.
    static func partial(_ error: IDCSyncError, plan: RegionChangePlan, ran done: [String], remaining: [RegionStep]) -> IDCSyncError {
        guard !done.isEmpty, error.kind != .cancelled else { return error }
        let left = remaining.filter { $0.state == .pending }.map(\.title)
        let command = "idcsync regions \(plan.action.rawValue) \(plan.region.name)"
        return IDCSyncError(.partial(done: done, remaining: left), error.diagnostics + [Diagnostic(.error, code: "regions.partial",
            "done in this run: \(done.joined(separator: "; ")). Not done: \(left.joined(separator: "; ")). Put right what the error above says, then run `\(command)` again: it continues from the first step not done")])
    }

    static func replicate(_ plan: RegionChangePlan, aws: AWSClient) async throws(IDCSyncError) -> String {
        do {
            let replica = try await aws.replicateKey(plan.world.key.value, to: plan.region.name, policy: plan.keyPolicy.text,
                                                     description: replicaDescription, primaryRegion: plan.world.key.region.name)
            return "created \(replica.arn) with the IAM Identity Center key policy"
        } catch where error.code == "AlreadyExistsException" {
            // Created since the plan (another run, or a console user): make sure its policy is right.
            let text: String
            do { text = try await aws.keyPolicy(plan.replicaArn, region: plan.region.name) } catch { throw .aws(error) }
            if PolicyComparison.compare(actual: text, expected: plan.keyPolicy.document)?.matches == true {
                return "the replica already exists with the IAM Identity Center key policy"
            }
            do { try await aws.putKeyPolicy(plan.replicaArn, policy: plan.keyPolicy.text, region: plan.region.name) } catch { throw .aws(error) }
            return "the replica already existed; its key policy was replaced with the IAM Identity Center key policy"
        } catch {
            throw .aws(error)
        }
    }

    static func waitForReplica(_ plan: RegionChangePlan, aws: AWSClient, time: any TimeSource) async throws(IDCSyncError) -> String {
        let outcome = try await poll(time: time, timeout: .seconds(300), interval: .seconds(1),
                                     cancelled: cancelledWait(plan, for: "the replica key in \(plan.region.name) to be Enabled")) { () async throws(IDCSyncError) -> KMSKeyState in
            let key: KMSKey
            do throws(AWSError) { key = try await aws.describeKey(plan.replicaArn, region: plan.region.name) } catch { throw .aws(error) }
            guard key.state.isUsableOrBecomingSo else {
                throw IDCSyncError(.failure, [Diagnostic(.error, code: "regions.replica-state",
                    "the replica key in \(plan.region.name) is \(key.state), not Enabled; enable it, then run again")])
            }
            return key.state
        } until: { $0 == .enabled }
        guard case .reached(_, let elapsed) = outcome else {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "regions.replica-timeout",
                "the replica key in \(plan.region.name) is still Creating after 5 minutes; run again later")])
        }
        return "Enabled after \(Int(elapsed)) s"
    }

    static func addRegion(_ plan: RegionChangePlan, aws: AWSClient) async throws(IDCSyncError) -> String {
        let arn = plan.world.instanceArn.value
        do {
            return "AddRegion answered " + (try await aws.addRegion(instance: arn, name: plan.region.name, primaryRegion: plan.world.primaryRegion.name)).rawValue
        } catch where error.code == "ConflictException" {
            // A rerun may find its own earlier AddRegion in progress: that is fine; anything else is not.
            // The read only decides which message to give, so its failure falls through to the conflict,
            // except a cancellation, which stays one.
            do throws(AWSError) {
                let now = try await aws.describeRegion(instance: arn, name: plan.region.name, region: plan.world.primaryRegion.name)
                if now.status == .adding || now.status == .active { return "already \(now.status)" }
            } catch {
                if case .cancelled = error { throw .aws(error) }
            }
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "regions.conflict",
                "AWS refused to add \(plan.region.name): \(error.description). IAM Identity Center runs one Region addition or removal at a time; wait for the other one to finish (idcsync regions list), then run again")])
        } catch {
            throw .aws(error)
        }
    }

    /// Polls DescribeRegion until the Region has `status` (or is gone when `status` is nil).
    static func waitFor(_ plan: RegionChangePlan, until status: IdentityCenterRegionStatus?, aws: AWSClient, time: any TimeSource, timeout: Duration,
                        events: @Sendable (WorkflowEvent) -> Void) async throws(IDCSyncError) -> String {
        let outcome = try await poll(time: time, timeout: timeout, interval: .seconds(1), growth: 1.5, maximumInterval: .seconds(15),
                                     cancelled: cancelledWait(plan, for: "\(plan.region.name) to be \(status?.rawValue ?? "removed")")) { () async throws(IDCSyncError) -> IdentityCenterRegionStatus? in
            do throws(AWSError) {
                return try await aws.describeRegion(instance: plan.world.instanceArn.value, name: plan.region.name, region: plan.world.primaryRegion.name).status
            } catch where error.code == "ResourceNotFoundException" {
                return nil
            } catch {
                throw .aws(error)
            }
        } until: { $0 == status } progress: { current, elapsed in
            events(.waiting(region: plan.region.name, status: current?.rawValue ?? "removed", elapsed: elapsed))
        }
        switch outcome {
        case .reached(_, let elapsed):
            return status.map { "\($0) after \(format(elapsed))" } ?? "removed after \(format(elapsed))"
        case .timedOut(let current, let elapsed):
            let verb = plan.action == .add ? "add" : "remove"
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "regions.timeout",
                "\(plan.region.name) is still \(current?.rawValue ?? "present") after \(format(elapsed)); AWS carries on by itself. Run `idcsync regions \(verb) \(plan.region.name)` again later to finish the remaining steps")])
        }
    }

    /// The task was cancelled during a wait: what AWS started goes on without idcsync.
    static func cancelledWait(_ plan: RegionChangePlan, for what: String) -> IDCSyncError {
        let verb = plan.action == .add ? "add" : "remove"
        return IDCSyncError(.cancelled, [Diagnostic(.error, code: "regions.cancelled",
            "cancelled while waiting for \(what); AWS carries on by itself. Run `idcsync regions \(verb) \(plan.region.name)` again to finish the remaining steps")])
    }

    static func oktaApply(_ plan: RegionChangePlan, okta: OktaClient?, options: Options, configFile: String,
                          context: EngineContext) async throws(IDCSyncError) -> String {
        guard let okta else { return "skipped" }
        // Read the app again: the Region may have taken minutes, and the write is guarded from this read.
        let app = try await OktaSync.locateApp(plan.target.okta ?? OktaConfig(), client: okta)
        let world = try OktaSync.world(app: app, target: plan.target, configFile: configFile)
        let report = try OktaSync.plan(world: world, target: plan.target, configFile: configFile)
        guard report.plan.hasChanges else { return "the slots are already in sync" }
        let backup = try await OktaSync.write(report, client: okta, options: .init(backupDirectory: options.backupDirectory, now: context.date), logger: context.logger)
        return "\(report.plan.changes.count) slot change\(report.plan.changes.count == 1 ? "" : "s") written and read back (backup \(backup))"
    }

    static func format(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total < 60 ? "\(total) s" : "\(total / 60) min \(total % 60) s"
    }
}

extension RegionsWorkflow {
    /// A Region being added or removed is another workflow at work (a conflict); any other refusal
    /// is the world's state.
    static func refused(_ refusal: Diagnostic) -> IDCSyncError {
        IDCSyncError(["regions.in-progress", "regions.removing", "regions.adding"].contains(refusal.code) ? .conflict : .failure, [refusal])
    }
}
