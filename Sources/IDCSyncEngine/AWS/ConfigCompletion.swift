import AWSKit
import IDCSyncCore
import Logging

/// A target with what the config left out read from AWS, and what was read, said as notes.
public struct CompletedTarget: Sendable, Equatable {
    public var target: Target
    public var diagnostics: [Diagnostic]
}

/// Fills the keys a command needs and the config leaves to discovery, with read-only AWS calls: none
/// when the config has everything, none with `--offline` (then each required key missing is an error),
/// and none without AWS credentials (the same, saying so). A value the config sets is never replaced:
/// AWS's answer is checked against it. The discovered values are the ones `reconcile` uses, through
/// the same `Discovery` helpers, so `policy kms` prints the policy `reconcile` enforces.
public enum ConfigCompletion {
    public static func complete(_ target: Target, command: String, needs: (Target) -> [MissingKey], offline: Bool,
                                configFile: String, context: EngineContext) async throws(IDCSyncError) -> CompletedTarget {
        let initial = needs(target)
        guard !initial.isEmpty else { return CompletedTarget(target: target, diagnostics: []) }
        if offline {
            return try unresolved(target, initial, command: command, reason: "--offline forbids reading it from AWS", notes: [], configFile: configFile)
        }
        let home: Region
        do { home = try AWSSession.homeRegion(target: target, environment: context.environment, configFile: configFile) } catch {
            return try unresolved(target, initial, command: command,
                                  reason: "there is no AWS Region to read it from (set aws.region or AWS_REGION)", notes: [], configFile: configFile)
        }
        let client = context.aws(target)
        var completed = target
        var notes: [Diagnostic] = []
        do {
            try await discover(&completed, needs: needs, client: client, home: home, configFile: configFile, notes: &notes)
        } catch let error as IDCSyncError {
            throw error
        } catch let error as AWSError {
            if case .noCredentials = error {
                let note = Diagnostic(.note, code: "discovery.no-credentials",
                    "no AWS credentials were found, so nothing was read from AWS; \(command) uses the config alone (--offline skips looking)")
                return try unresolved(target, initial, command: command, reason: "no AWS credentials were found to read it from AWS",
                                      notes: [note], configFile: configFile)
            }
            let fields = initial.filter(\.required).map(\.field)
            throw .aws(error, hint: fields.isEmpty ? nil
                : "\(command) reads \(fields.joined(separator: ", ")) from AWS because the config does not set \(fields.count == 1 ? "it" : "them"); set \(fields.count == 1 ? "it" : "them") in \(configFile), or pass --offline to see what is missing without calling AWS")
        } catch {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "discovery.failed", "\(error)")])
        }
        return try unresolved(completed, needs(completed), command: command, reason: "AWS did not return it", notes: notes, configFile: configFile)
    }

    /// Each call only when a key still needs it, in the order that spares the most: Organizations
    /// (needs nothing), then ListInstances, ListRegions and DescribeInstance (which need the instance). Throws `AWSError` as is, so missing credentials can be told apart.
    private static func discover(_ target: inout Target, needs: (Target) -> [MissingKey], client: AWSClient, home: Region,
                                 configFile: String, notes: inout [Diagnostic]) async throws {
        func wanted(_ fact: DiscoverableFact) -> Bool { needs(target).contains { $0.fact == fact } }
        func wanted(_ field: String) -> Bool { needs(target).contains { $0.field == field } }
        var instanceRead = false
        func readInstance() async throws {
            guard !instanceRead else { return }
            instanceRead = true
            let chosen = try Discovery.select(try await client.listInstances(region: home.name), target: target, account: nil,
                                              homeRegion: home, configFile: configFile)
            let owner = chosen.instance.ownerAccountId
            if let owner, let configured = target.instance.accountId, configured.value != owner {
                throw IDCSyncError(.configuration, [Diagnostic(.error, code: "aws.account-mismatch",
                    "instance.accountId is \(configured.value), but the instance belongs to account \(owner)", field: "instance.accountId")])
            }
            let source = DiscoverableFact.instance.source
            let storeWanted = wanted("instance.identityStoreId"), accountWanted = wanted("instance.accountId")
            if target.instance.arn == nil {
                target.instance.arn = chosen.arn
                notes.append(found("instance.arn", chosen.arn.value, source))
            }
            if target.instance.primaryRegion == nil {
                target.instance.primaryRegion = chosen.primary
                notes.append(found("instance.primaryRegion", chosen.primary.name, source))
            }
            if storeWanted, let text = chosen.instance.identityStoreId, case .success(let store) = IdentityStoreID.parse(text) {
                target.instance.identityStoreId = store
                notes.append(found("instance.identityStoreId", store.value, source))
            }
            if accountWanted, let owner, case .success(let account) = AccountID.parse(owner) {
                target.instance.accountId = account
                notes.append(found("instance.accountId", account.value, source))
            }
        }

        if wanted(.delegatedAdministrators) {
            // Organizations has one endpoint per partition; the Region only picks the partition.
            let accounts = try await Discovery.delegatedAdministrators(client: client, region: target.instance.primaryRegion ?? home)
            target.kms.delegatedAdministrators = .accounts(accounts)
            notes.append(found("kms.delegatedAdministrators", accounts.isEmpty ? "none" : accounts.map(\.value).joined(separator: ", "),
                               DiscoverableFact.delegatedAdministrators.source))
        }
        if wanted(.instance) || ((wanted(.regions) || wanted(.key)) && (target.instance.arn == nil || target.instance.primaryRegion == nil)) {
            try await readInstance()
        }
        guard let arn = target.instance.arn, let primary = target.instance.primaryRegion else { return }
        if wanted(.regions) {
            let listed = try await client.listRegions(instance: arn.value, region: primary.name)
            target.instance.regions = listed.filter { $0.status.isEnabledOrBecomingSo }.compactMap { try? Region.parse($0.name).get() }
            notes.append(found("instance.regions", target.instance.effectiveRegions.map(\.name).joined(separator: ", "), DiscoverableFact.regions.source))
        }
        // Without OwnerAccountId the management account is the key's, as in Discovery.discover.
        if wanted(.key) || wanted("instance.accountId") {
            let details = try await client.describeInstance(arn.value, region: primary.name)
            if let key = try Discovery.customerManagedKey(details) {
                target.kms.keyArn = key
                notes.append(found("kms.keyArn", key.value, DiscoverableFact.key.source))
            } else {
                notes.append(Diagnostic(.note, code: "discovery.aws-owned-key",
                    "the instance is encrypted with an AWS owned key, so there is no kms.keyArn to read (sso-admin DescribeInstance)", field: "kms.keyArn"))
            }
        }
    }

    private static func found(_ field: String, _ value: String, _ source: String) -> Diagnostic {
        Diagnostic(.note, code: "discovery.found", "\(value) (discovered from AWS: \(source))", field: field)
    }

    /// The keys still missing: an error for each required one (exit 64: the config must say it), and
    /// nothing for an optional one, whose absence the command's own output explains.
    private static func unresolved(_ target: Target, _ missing: [MissingKey], command: String, reason: String,
                                   notes: [Diagnostic], configFile: String) throws(IDCSyncError) -> CompletedTarget {
        let required = missing.filter(\.required)
        guard required.isEmpty else {
            throw IDCSyncError(.configuration, notes + required.map { key in
                Diagnostic(.error, code: "config.missing",
                    "\(command) needs it for \(key.purpose); the config leaves it to discovery, and \(reason) (\(key.fact.source)). Set it in the config",
                    field: key.field, location: FileLocation(file: configFile))
            })
        }
        return CompletedTarget(target: target, diagnostics: notes)
    }
}
