import IDCSyncCore

/// Probes one URL with no credentials: DNS, TCP, TLS and an HTTP HEAD (GET on 405/501), no redirect
/// followed. Returns by `timeout` whatever happens on the network.
public protocol StatusProber: Sendable {
    func observe(_ url: String, timeout: Duration) async -> ProbeObservation
}

public struct StatusOptions: Sendable, Equatable {
    public var timeout: Duration
    /// An answer slower than this makes its Region degraded.
    public var slowAfter: Duration

    public init(timeout: Duration = .seconds(5), slowAfter: Duration = .seconds(2)) {
        self.timeout = timeout
        self.slowAfter = slowAfter
    }
}

/// `idcsync status`: every probe at once, each bounded by the timeout, then the assessment.
public enum StatusRun {
    /// What status needs from the config: the instance id (its portal hosts), the primary Region and the
    /// Regions. `regionsInConfigOrder` is `instance.regions` as written (primary first), or the
    /// discovered list (primary first, then by name).
    public static func run(target: Target, configFile: String, prober: any StatusProber, options: StatusOptions,
                           context: EngineContext, diagnostics: [Diagnostic] = []) async throws(IDCSyncError) -> StatusReport {
        let instance = target.instance
        guard let primary = instance.primaryRegion, let partition = target.partition else {
            throw .config("config.missing", "instance.primaryRegion is not set; status needs it to tell the primary Region from the others (set it in the config so status works when AWS does not)",
                          field: "instance.primaryRegion", file: configFile)
        }
        guard let arn = instance.arn else {
            throw .config("config.missing", "instance.arn is not set; status needs the instance id, which every Regional portal host starts with (set it in the config so status works when AWS does not)",
                          field: "instance.arn", file: configFile)
        }
        let regions = StatusPlanner.order(primary: primary, regions: instance.regions ?? [primary])
        var notes = diagnostics
        if instance.regions == nil {
            notes.append(Diagnostic(.warning, code: "status.regions-unknown",
                "instance.regions is not set and was not discovered; only the primary Region is probed (set it in the config so status works when AWS does not)",
                field: "instance.regions"))
        }
        if instance.startUrl == nil {
            notes.append(Diagnostic(.note, code: "status.no-start-url",
                "instance.startUrl is not set: one company URL can send people to a healthy Region (AWS Security Blog, \"Regional routing for AWS access portals: Implementing custom vanity domains for IAM Identity Center\")",
                field: "instance.startUrl"))
        }
        var input = URLCatalogInput(instance: instance, partition: partition, primaryRegion: primary)
        // The tenant id only shapes the ACS path; status probes the ACS hosts at their root, so a
        // stand-in keeps the hosts known without it.
        input.tenantId = input.tenantId ?? "-"
        let catalog = URLCatalog.urls(for: regions, enabledRegions: regions, input: input)
        let probes = StatusPlanner.probes(catalog: catalog, startURL: instance.startUrl)
        for region in catalog where !region.entries.contains(where: { $0.variant.kind == .acs && $0.status == .works }) {
            notes.append(Diagnostic(.note, code: "status.no-acs-host",
                "no sign-in (ACS) host is known in \(region.region.name) (partition \(partition.rawValue)); only its portal is probed. Give the hosts in instance.urlTemplates"))
        }
        let observations = await observeAll(probes, prober: prober, timeout: options.timeout, time: context)
        return StatusPlanner.assess(instanceId: arn.instanceId, primary: primary, regions: regions, probes: probes,
                                    observations: observations, timeout: options.timeout, slowAfter: options.slowAfter,
                                    diagnostics: notes)
    }

    /// All probes at once. The prober bounds each one; as a second guard this returns at the timeout
    /// plus half a second with what has arrived, without waiting for a probe stuck in the system (a
    /// hung resolver), whose result is then "no answer".
    static func observeAll(_ probes: [StatusProbe], prober: any StatusProber, timeout: Duration,
                           time: EngineContext) async -> [StatusProbe: ProbeObservation] {
        enum Event: Sendable { case observed(StatusProbe, ProbeObservation), deadline }
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self)
        var tasks: [Task<Void, Never>] = []
        for probe in Set(probes) {
            tasks.append(Task {
                continuation.yield(.observed(probe, await prober.observe(probe.url, timeout: timeout)))
            })
        }
        let guardTask = Task {
            try? await time.time.sleep(for: timeout + .milliseconds(500))
            continuation.yield(.deadline)
        }
        var observations: [StatusProbe: ProbeObservation] = [:]
        let expected = Set(probes).count
        for await event in stream {
            switch event {
            case .observed(let probe, let observation): observations[probe] = observation
            case .deadline: break
            }
            if case .deadline = event { break }
            if observations.count == expected { break }
        }
        guardTask.cancel()
        for task in tasks { task.cancel() }
        for probe in probes where observations[probe] == nil {
            observations[probe] = ProbeObservation(failure: .timeout, reason: "no answer in \(StatusPlanner.seconds(timeout))", latency: timeout)
        }
        return observations
    }
}
