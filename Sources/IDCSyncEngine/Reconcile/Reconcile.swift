import AWSKit
import Foundation
import IDCSyncCore
import Logging
import OktaKit

/// `reconcile`: for every target, the key policy of the primary key and of every replica against
/// the generated one, and the Okta ACS URL slots against the slot plan; with `apply`, both put
/// right (PutKeyPolicy read back; Okta through the guarded write). Never adds or removes Regions or
/// keys. Targets run in parallel up to a bound; one target's failure does not stop the others.
public enum Reconcile {
    public struct Options: Sendable {
        public var apply: Bool
        /// How many targets run at once.
        public var parallel: Int
        /// Only the targets of this shard (`--shard K/N`); `nil`: all of them.
        public var shard: Shard?

        public init(apply: Bool, parallel: Int = 8, shard: Shard? = nil) {
            self.apply = apply
            self.parallel = max(1, parallel)
            self.shard = shard
        }
    }

    /// The targets a run covers: the one `--target` names; else every `targets:` entry; else the
    /// top-level sections as the target "default".
    public static func targets(config: Config, named name: String?) throws(IDCSyncError) -> [Target] {
        if name != nil || config.targets.isEmpty { return [try config.selectTarget(name)] }
        return config.targets
    }

    /// The reconcile lock's file name: one per config, or per shard of it so shards run side by side.
    public static func lockName(shard: Shard?) -> String {
        guard let shard else { return "idcsync-reconcile.lock" }
        return "idcsync-reconcile-shard-\(shard.index)-of-\(shard.count).lock"
    }

    /// Runs every target (of `options.shard`, when set) under the config's reconcile lock (one run per
    /// config, or per shard, at a time: a second one fails at once with a conflict and does nothing).
    /// The lock is released when the run ends.
    public static func run(config: Config, targets all: [Target], options: Options, context: EngineContext) async throws(IDCSyncError) -> ReconcileReport {
        let targets = options.shard.map { ShardAssignment.targets(all, in: $0) } ?? all
        let what = options.shard.map { "shard \($0) of this config" } ?? "this config"
        let lock = try InstanceLock(directory: context.folders.lockDirectory(config: config), name: lockName(shard: options.shard)) { holder, path in
            "another idcsync reconcile is running with \(what) (\(holder), lock \(path)); this run did nothing. If runs overlap often, schedule them further apart or lower the work per run."
        }
        defer { withExtendedLifetime(lock) {} }
        if let shard = options.shard {
            context.logger.debug("shard", metadata: ["shard": "\(shard)", "targets": "\(targets.count)", "of": "\(all.count)",
                                                     "names": "\(targets.map { $0.name ?? "default" })"])
        }
        let started = context.now
        let instances = InstanceChecks(config: config, apply: options.apply, context: context)
        var reports = [ReconcileTargetReport?](repeating: nil, count: targets.count)
        // Started one org after the other in turn; reported in the config's order.
        let order = ShardAssignment.startOrder(targets)
        await withTaskGroup(of: (Int, ReconcileTargetReport).self) { group in
            var next = 0
            func startNext() {
                guard next < order.count else { return }
                let index = order[next]
                let target = targets[index]
                next += 1
                group.addTask {
                    (index, await reconcile(target: target, config: config, instances: instances, options: options, context: context))
                }
            }
            for _ in 0..<min(options.parallel, targets.count) { startNext() }
            for await (index, report) in group {
                reports[index] = report
                startNext()
            }
        }
        let finished = reports.compactMap { $0 }
        return ReconcileReport(apply: options.apply, targets: finished, startedAt: started,
                               durationSeconds: context.now - started, awsRequests: await instances.requestsSent(),
                               oktaRequests: finished.reduce(0) { $0 + $1.oktaRequests },
                               shard: options.shard.map { ShardSelection(shard: $0, targets: targets.count, configTargets: all.count) })
    }

    static func reconcile(target: Target, config: Config, instances: InstanceChecks, options: Options,
                          context: EngineContext) async -> ReconcileTargetReport {
        let started = context.now
        let name = target.name ?? "default"
        var targetLogger = context.logger
        targetLogger[metadataKey: "target"] = "\(name)"
        var report = ReconcileTargetReport(name: name)
        var oktaClient: OktaClient?
        do {
            let instance = try await instances.check(target).get()
            report.instanceArn = instance.world.instanceArn.value
            report.keyPolicies = instance.keyPolicies
            report.diagnostics = instance.diagnostics
            if let okta = target.okta {
                let effective = instance.world.effectiveTarget(target)
                let client = try context.okta(effective, configFile: config.source, access: options.apply ? .readWrite : .read, logger: targetLogger)
                oktaClient = client
                let (slots, slotNotes) = try await reconcileOkta(okta, target: effective, client: client, config: config, options: options,
                                                                 context: context.with(logger: targetLogger))
                report.okta = slots
                report.diagnostics += slotNotes
                if OktaTiles.enabled(effective) {
                    let (tiles, tileNotes) = try await reconcileTiles(target: effective, client: client, config: config, options: options,
                                                                      context: context.with(logger: targetLogger))
                    report.tiles = tiles
                    report.diagnostics += tileNotes
                }
            }
            report.refused = options.apply && report.terraformDrift
            if let okta = report.okta, okta.owner == .terraform, okta.state == .drift, options.apply {
                report.diagnostics.append(Ownership.refusal(.oktaAppSettings(appId: okta.appId), configFile: config.source))
            }
            if report.tiles?.owner == .terraform, report.tiles?.state == .drift, options.apply {
                report.diagnostics.append(Ownership.refusal(.tile(region: nil), configFile: config.source))
            }
        } catch {
            report.failure = error.outcome
            report.diagnostics += error.diagnostics
        }
        if let oktaClient { report.oktaRequests = await oktaClient.requestsSent }
        report.durationSeconds = context.now - started
        targetLogger.debug("reconciled", metadata: ["state": "\(report.state.rawValue)"])
        return report
    }

    static func reconcileOkta(_ okta: OktaConfig, target: Target, client: OktaClient, config: Config, options: Options,
                              context: EngineContext) async throws(IDCSyncError) -> (OktaSlotsCheck, [Diagnostic]) {
        let app = try await OktaSync.locateApp(okta, client: client)
        let world = try OktaSync.world(app: app, target: target, configFile: config.source)
        let plan = try OktaSync.plan(world: world, target: target, configFile: config.source)
        var check = OktaSlotsCheck(appId: app.id, appLabel: app.label, state: .inSync, changes: plan.plan.changes, foreign: plan.plan.foreign,
                                   owner: okta.owner)
        guard plan.plan.hasChanges else { return (check, []) }
        // A Terraform-owned app is never written: its drift is reported with the Terraform change.
        guard options.apply, okta.owner == .idcsync else {
            check.state = .drift
            return (check, plan.diagnostics.filter { $0.code == Ownership.driftCode })
        }
        let directory = context.folders.backupDirectory(config: config, target: target)
        check.backup = try await OktaSync.write(plan, client: client, options: .init(backupDirectory: directory, now: context.date), logger: context.logger)
        check.state = .fixed
        return (check, [])
    }
}

extension Reconcile {
    static func reconcileTiles(target: Target, client: OktaClient, config: Config, options: Options,
                               context: EngineContext) async throws(IDCSyncError) -> (TilesCheck, [Diagnostic]) {
        let report = try await OktaTiles.plan(config: config, target: target, client: client)
        let steps = report.plan.steps.map(\.description)
        let owner = target.okta?.owner ?? .idcsync
        guard report.plan.hasChanges else { return (TilesCheck(state: .inSync, steps: [], owner: owner), []) }
        guard options.apply, owner == .idcsync else {
            return (TilesCheck(state: .drift, steps: steps, owner: owner), report.diagnostics.filter { $0.code == Ownership.driftCode })
        }
        let directory = context.folders.backupDirectory(config: config, target: target)
        _ = try await OktaTiles.apply(report, client: client, backupDirectory: directory, now: context.date, logger: context.logger)
        return (TilesCheck(state: .fixed, steps: steps, owner: owner), [])
    }
}

/// What one IAM Identity Center instance looks like: discovered and its key policies checked (and
/// fixed) once per run, however many targets share it.
struct InstanceState: Sendable {
    var world: AWSWorld
    var keyPolicies: [KeyPolicyCheck]
    var diagnostics: [Diagnostic]
}

actor InstanceChecks {
    private let config: Config
    private let apply: Bool
    private let context: EngineContext
    private var checks: [String: Task<Result<InstanceState, IDCSyncError>, Never>] = [:]
    private var clients: [AWSClient] = []

    init(config: Config, apply: Bool, context: EngineContext) {
        self.config = config
        self.apply = apply
        self.context = context
    }

    /// The instance a target names, checked by the first target that asks; the others wait for it.
    func check(_ target: Target) async -> Result<InstanceState, IDCSyncError> {
        // The sections that decide the instance, the credentials and the generated policy.
        let key = "\(target.aws)|\(target.instance)|\(target.kms)"
        if let existing = checks[key] { return await existing.value }
        let client = context.aws(target)
        clients.append(client)
        let (config, apply, context) = (config, apply, context)
        let task = Task { () -> Result<InstanceState, IDCSyncError> in
            do throws(IDCSyncError) {
                return .success(try await InstanceChecks.inspect(target: target, client: client, config: config, apply: apply, context: context))
            } catch {
                return .failure(error)
            }
        }
        checks[key] = task
        return await task.value
    }

    func requestsSent() async -> Int {
        var total = 0
        for client in clients { total += await client.requestsSent }
        return total
    }

    static func inspect(target: Target, client: AWSClient, config: Config, apply: Bool, context: EngineContext) async throws(IDCSyncError) -> InstanceState {
        let home = try AWSSession.homeRegion(target: target, environment: context.environment, configFile: config.source)
        let world = try await Discovery.discover(target: target, client: client, homeRegion: home, configFile: config.source, logger: context.logger)
        let generated = try PolicyGeneration.keyPolicy(target: world.effectiveTarget(target), pinned: false, configFile: config.source)
        // The policy notes of generation stay out of the report; ownership notes are added below.
        var diagnostics = generated.diagnostics.filter { $0.severity != .note }

        var names = [world.primaryRegion.name]
        for name in world.enabledRegions.map(\.name) + world.primaryKey.replicas.map(\.region) where !names.contains(name) {
            names.append(name)
        }
        var checks: [KeyPolicyCheck] = []
        for name in names {
            let isPrimary = name == world.primaryRegion.name
            let owner = target.kms.owner
            guard let arn = isPrimary ? world.primaryKey.arn : world.primaryKey.replicas.first(where: { $0.region == name })?.arn else {
                let fix = owner == .terraform ? Ownership.missingReplicaFix(region: name) : "run `idcsync regions add \(name)` to create it with the key policy"
                diagnostics.append(Diagnostic(.warning, code: "reconcile.missing-replica",
                    "\(name) is enabled in IAM Identity Center but the key \(world.key.keyId) has no replica there; reconcile never creates keys: \(fix)"))
                checks.append(KeyPolicyCheck(region: name, isPrimary: false, keyArn: nil, state: .missingReplica, owner: owner))
                continue
            }
            let difference = try await compare(arn, region: name, expected: generated.keyPolicy.document, client: client)
            guard !difference.matches else {
                checks.append(KeyPolicyCheck(region: name, isPrimary: isPrimary, keyArn: arn, state: .matches, owner: owner))
                continue
            }
            // A Terraform-owned policy is never written: reported with the Terraform change (and refused under --apply).
            guard apply, owner == .idcsync else {
                if owner == .terraform {
                    diagnostics.append(Diagnostic(.note, code: Ownership.driftCode,
                                                  Ownership.keyPolicyFix(region: name, isPrimary: isPrimary, difference: difference), field: "kms.owner"))
                    if apply {
                        let part: OwnedPart = isPrimary ? .primaryKeyPolicy(keyArn: arn) : .replicaKey(region: name, keyArn: arn)
                        diagnostics.append(Ownership.refusal(part, configFile: config.source))
                    }
                }
                checks.append(KeyPolicyCheck(region: name, isPrimary: isPrimary, keyArn: arn, state: .drift, difference: difference, owner: owner))
                continue
            }
            context.logger.info("putting the generated key policy back", metadata: ["region": "\(name)", "key": "\(arn)", "drift": "\(difference.summary)"])
            do { try await client.putKeyPolicy(arn, policy: generated.keyPolicy.text, region: name) } catch {
                throw .aws(error, hint: "the key policy of \(arn) in \(name) was not changed")
            }
            let after = try await compare(arn, region: name, expected: generated.keyPolicy.document, client: client)
            guard after.matches else {
                throw IDCSyncError(.failure, [Diagnostic(.error, code: "reconcile.not-persisted",
                    "KMS accepted the key policy of \(arn) in \(name) but reading it back still shows: \(after.summary)")])
            }
            checks.append(KeyPolicyCheck(region: name, isPrimary: isPrimary, keyArn: arn, state: .fixed, difference: difference, owner: owner))
        }
        return InstanceState(world: world, keyPolicies: checks, diagnostics: diagnostics)
    }

    private static func compare(_ arn: String, region: String, expected: PolicyDocument, client: AWSClient) async throws(IDCSyncError) -> PolicyComparison {
        let text: String
        do { text = try await client.keyPolicy(arn, region: region) } catch { throw .aws(error) }
        return PolicyComparison.compare(actual: text, expected: expected)
            ?? PolicyComparison(missing: [], extra: [], different: ["(the policy is not valid JSON)"])
    }
}
