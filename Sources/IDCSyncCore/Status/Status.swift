/// `idcsync status`: which Region's access portal and sign-in answer now, from probes that need no
/// credentials, and the one URL to give people. Pure: the engine runs the probes and hands in what
/// each one saw.

/// One URL to probe.
public struct StatusProbe: Sendable, Hashable {
    public enum Role: String, Sendable {
        /// An access-portal URL people open.
        case portal
        /// A sign-in (ACS) host that Okta posts SAML responses to; probed at its root.
        case signIn = "sign-in"
        /// The company start URL (`instance.startUrl`); its redirect is checked.
        case startURL = "start-url"
    }

    public var role: Role
    /// `nil` for the start URL.
    public var region: Region?
    /// `nil` for the start URL.
    public var variant: URLVariant?
    public var url: String

    public init(role: Role, region: Region?, variant: URLVariant?, url: String) {
        self.role = role
        self.region = region
        self.variant = variant
        self.url = url
    }
}

/// What one probe saw (the engine's translation of the network layer's outcome).
public struct ProbeObservation: Sendable, Equatable {
    public enum Failure: String, Sendable {
        case dns, connect, tls, timeout
        /// The server answered, but not with an HTTP response head.
        case http
    }

    public var failure: Failure?
    /// The failure in words: "connection refused", "certificate is not valid for HOST", "no answer in 5 s during tls".
    public var reason: String?
    public var method: String?
    public var status: Int?
    public var location: String?
    /// From the first byte sent to the answer (or the failure).
    public var latency: Duration
    /// Phase times in milliseconds, for JSON (`dns`, `connect`, `tls`, `http`), when measured.
    public var phases: [String: Double]
    public var addresses: [String]

    public init(failure: Failure? = nil, reason: String? = nil, method: String? = nil, status: Int? = nil, location: String? = nil,
                latency: Duration, phases: [String: Double] = [:], addresses: [String] = []) {
        self.failure = failure
        self.reason = reason
        self.method = method
        self.status = status
        self.location = location
        self.latency = latency
        self.phases = phases
        self.addresses = addresses
    }
}

/// Ordered: a worse health compares greater.
public enum Health: String, Sendable, Comparable {
    case up, degraded, down

    public static func < (lhs: Health, rhs: Health) -> Bool {
        let order: [Health] = [.up, .degraded, .down]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

public struct ProbeResult: Sendable, Equatable {
    public var probe: StatusProbe
    public var observation: ProbeObservation
    public var health: Health
    /// Why it is degraded or down (nil when up).
    public var reason: String?
}

/// Where the start URL's redirect lands.
public struct StartURLCheck: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        /// Redirects to this instance's portal in an enabled Region.
        case lands(Region, url: String)
        /// The start URL itself did not answer (DNS, connect, TLS, timeout, 5xx).
        case unreachable(String)
        /// It answered without redirecting (the AWS CLI would take the start URL itself as the portal).
        case noRedirect(status: Int)
        /// A redirect without a usable Location.
        case badLocation(String)
        /// To a host that is not an AWS access-portal host.
        case notAWS(host: String)
        /// To an AWS host that is not a Regional access portal (classic `awsapps.com` page, ...).
        case notRegionalPortal(host: String)
        /// To another instance's portal.
        case otherInstance(host: String, instanceId: String)
        /// To this instance's portal in a Region that is not one of its Regions.
        case regionNotEnabled(host: String, region: String)
    }

    public var url: String
    public var verdict: Verdict

    public var landing: Region? {
        if case .lands(let region, _) = verdict { return region }
        return nil
    }

    /// One sentence: where it goes, or what is wrong and what to do.
    public var explanation: String {
        switch verdict {
        case .lands(let region, let target): "redirects to \(target) (\(region.name))"
        case .unreachable(let reason): "does not answer: \(reason)"
        case .noRedirect(let status):
            "answered \(status) without a redirect; it must redirect to a Regional access portal (the AWS CLI follows one redirect)"
        case .badLocation(let location): "redirects to \"\(location)\", which is not an https URL"
        case .notAWS(let host):
            "redirects to \(host), which is not an AWS access-portal host; point it at a Regional portal of this instance (idcsync urls)"
        case .notRegionalPortal(let host):
            "redirects to \(host), which is not a Regional access portal; the classic and alias portals serve only the primary Region, so failover needs a Regional portal (idcsync urls)"
        case .otherInstance(let host, let instanceId):
            "redirects to \(host), the portal of another instance (\(instanceId)); point it at this instance's portals (idcsync urls)"
        case .regionNotEnabled(let host, let region):
            "redirects to \(host), in \(region), which is not one of the instance's Regions; point it at an enabled Region, or add \(region) first"
        }
    }

    /// Judges a start URL from its probe. The redirect target must be an access-portal host of this
    /// instance (its `ssoins-` id) in one of its Regions.
    public static func judge(url: String, observation: ProbeObservation, instanceId: String, regions: [Region],
                             probeHealth: Health, probeReason: String?) -> StartURLCheck {
        func make(_ verdict: Verdict) -> StartURLCheck { StartURLCheck(url: url, verdict: verdict) }
        if observation.failure != nil || probeHealth == .down {
            return make(.unreachable(probeReason ?? observation.reason ?? "no answer"))
        }
        guard let status = observation.status else { return make(.unreachable(probeReason ?? "no answer")) }
        guard [301, 302, 303, 307, 308].contains(status) else {
            return status >= 500 ? make(.unreachable("answers \(status)")) : make(.noRedirect(status: status))
        }
        guard let location = observation.location, let target = absolute(location, base: url), let host = host(of: target) else {
            return make(.badLocation(observation.location ?? ""))
        }
        switch PortalHost.classify(host) {
        case .notAWS(let host): return make(.notAWS(host: host))
        case .otherAWS(let host): return make(.notRegionalPortal(host: host))
        case .regional(let id, let regionName, _):
            guard id == instanceId.lowercased() else { return make(.otherInstance(host: host.lowercased(), instanceId: id)) }
            guard let region = regions.first(where: { $0.name == regionName }) else {
                return make(.regionNotEnabled(host: host.lowercased(), region: regionName))
            }
            return make(.lands(region, url: target))
        }
    }

    /// An https URL from a Location header (absolute, or relative to the start URL); nil otherwise.
    static func absolute(_ location: String, base: String) -> String? {
        let text = location.trimmingWhitespace()
        if text.lowercased().hasPrefix("https://") { return text }
        if text.hasPrefix("//") { return "https:" + text }
        if text.hasPrefix("/") {
            // A path on the start URL's own host: not a portal, but judged as what it is.
            guard let host = host(of: base) else { return nil }
            return "https://\(host)\(text)"
        }
        return nil
    }

    static func host(of url: String) -> String? {
        guard url.lowercased().hasPrefix("https://") else { return nil }
        let authority = url.dropFirst("https://".count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let withoutUser = authority.split(separator: "@").last.map(String.init) ?? ""
        let host = withoutUser.prefix { $0 != ":" }
        return host.isEmpty ? nil : String(host)
    }
}

public struct RegionStatus: Sendable, Equatable {
    public var region: Region
    public var isPrimary: Bool
    public var health: Health
    /// Why the Region is not up (the worst probe's reason).
    public var reason: String?
    /// The slowest probe that decided the health, for the table.
    public var latency: Duration?
    /// The portal URL to open in this Region (the best-answering one, in the guides' order).
    public var portalURL: String?
    public var probes: [ProbeResult]
}

public struct StatusReport: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        /// The primary Region is up.
        case primaryUp = "primary-up"
        /// Only additional Regions are up: fail over.
        case failover
        /// No Region is up.
        case noneUp = "none-up"
    }

    public var regions: [RegionStatus]
    public var startURL: StartURLCheck?
    /// The start URL's own probe.
    public var startURLProbe: ProbeResult?
    /// The one URL to give people now, if any Region answers.
    public var recommendedURL: String?
    /// Why that URL (or why none).
    public var recommendation: String
    public var verdict: Verdict
    public var timeout: Duration
    public var slowAfter: Duration
    public var diagnostics: [Diagnostic]

    /// 0 when the primary is up, 2 when only additional Regions are (fail over), 1 when none is.
    public var outcome: Outcome {
        switch verdict {
        case .primaryUp: .ok
        case .failover: .changes
        case .noneUp: .failed
        }
    }
}

public enum StatusPlanner {
    /// The Regions in the order they are offered: primary first, then the configured order.
    public static func order(primary: Region, regions: [Region]) -> [Region] {
        [primary] + regions.filter { $0 != primary }.uniqued()
    }

    /// What to probe: each Region's portal URLs that work there, the hosts of its ACS URLs (at their
    /// root: the ACS path only takes POSTs), and the start URL. Unknown URLs (no host form in this
    /// partition, a missing alias) are not probed.
    public static func probes(catalog: [RegionURLs], startURL: StartURL?) -> [StatusProbe] {
        var probes: [StatusProbe] = []
        for region in catalog {
            for entry in region.entries where entry.variant.kind == .portal && entry.status == .works {
                guard let url = entry.url else { continue }
                probes.append(StatusProbe(role: .portal, region: region.region, variant: entry.variant, url: url))
            }
            var hosts = Set<String>()
            for entry in region.entries where entry.variant.kind == .acs && entry.status == .works {
                guard let url = entry.url, let host = StartURLCheck.host(of: url), hosts.insert(host).inserted else { continue }
                probes.append(StatusProbe(role: .signIn, region: region.region, variant: entry.variant, url: "https://\(host)/"))
            }
        }
        if let startURL {
            probes.append(StatusProbe(role: .startURL, region: nil, variant: nil, url: startURL.value))
        }
        return probes
    }

    /// Health of one probe: down when it got no HTTP answer; degraded on 5xx or when slower than
    /// `slowAfter`; otherwise up (any answer below 500, a redirect or a 403 included, means the host serves).
    public static func health(of observation: ProbeObservation, slowAfter: Duration) -> (Health, String?) {
        if let failure = observation.failure {
            let words = observation.reason ?? failure.rawValue
            return (.down, failure == .timeout ? words : "\(failure.rawValue): \(words)")
        }
        guard let status = observation.status else { return (.down, "no answer") }
        if status >= 500 { return (.degraded, "answers \(status)") }
        if observation.latency > slowAfter { return (.degraded, "slow: answered in \(seconds(observation.latency))") }
        return (.up, nil)
    }

    /// Puts the probes' observations together.
    ///
    /// A Region's portal is as good as its best-answering portal URL (people are given that one);
    /// its sign-in is as good as its worst ACS host (people cannot choose which one Okta posts to).
    /// The Region is the worse of the two.
    public static func assess(instanceId: String, primary: Region, regions ordered: [Region], probes: [StatusProbe],
                              observations: [StatusProbe: ProbeObservation], timeout: Duration, slowAfter: Duration,
                              diagnostics: [Diagnostic] = []) -> StatusReport {
        let results = probes.map { probe in
            let observation = observations[probe] ?? ProbeObservation(failure: .timeout, reason: "not probed", latency: timeout)
            let (health, reason) = health(of: observation, slowAfter: slowAfter)
            return ProbeResult(probe: probe, observation: observation, health: health, reason: reason)
        }
        var statuses: [RegionStatus] = []
        for region in ordered {
            let mine = results.filter { $0.probe.region == region }
            let portals = mine.filter { $0.probe.role == .portal }
            let signIns = mine.filter { $0.probe.role == .signIn }
            let preference: [URLVariant] = region == primary
                ? [.portalAlias, .portalClassic, .portalAlternateIPv4, .portalDualStack]
                : [.portalAlternateIPv4, .portalDualStack]
            let bestPortal = portals.sorted {
                ($0.health, preference.firstIndex(of: $0.probe.variant!) ?? 9) < ($1.health, preference.firstIndex(of: $1.probe.variant!) ?? 9)
            }.first
            let worstSignIn = signIns.max { $0.health < $1.health }
            let deciding: ProbeResult?
            let health: Health
            if let bestPortal {
                if let worstSignIn, worstSignIn.health > bestPortal.health {
                    deciding = worstSignIn
                    health = worstSignIn.health
                } else {
                    deciding = bestPortal
                    health = bestPortal.health
                }
            } else {
                deciding = nil
                health = .down
            }
            let reason: String? = health == .up ? nil
                : deciding.map { "\($0.probe.role == .portal ? "portal" : "sign-in") \(host($0.probe.url)): \($0.reason ?? "")" }
                ?? "no portal URL of this Region is known (idcsync urls says why)"
            statuses.append(RegionStatus(region: region, isPrimary: region == primary, health: health, reason: reason,
                                         latency: deciding?.observation.latency, portalURL: bestPortal?.probe.url, probes: mine))
        }

        let startProbe = results.first { $0.probe.role == .startURL }
        let startCheck = startProbe.map {
            StartURLCheck.judge(url: $0.probe.url, observation: $0.observation, instanceId: instanceId, regions: ordered,
                                probeHealth: $0.health, probeReason: $0.reason)
        }

        let primaryUp = statuses.first { $0.isPrimary }?.health == .up
        let firstUp = statuses.first { $0.health == .up }
        let verdict: StatusReport.Verdict = primaryUp ? .primaryUp : firstUp != nil ? .failover : .noneUp
        var recommended: String?
        var recommendation: String
        if let startCheck, let startProbe, let landing = startCheck.landing,
           statuses.first(where: { $0.region == landing })?.health == .up, startProbe.health == .up {
            recommended = startCheck.url
            recommendation = "the start URL sends people to \(landing.name), which is up"
        } else if let firstUp {
            recommended = firstUp.portalURL
            recommendation = firstUp.isPrimary ? "the primary Region \(firstUp.region.name) is up"
                : "the primary Region is not up; \(firstUp.region.name) is"
            if let startCheck {
                if let landing = startCheck.landing {
                    let landed = statuses.first { $0.region == landing }
                    recommendation += "; the start URL sends people to \(landing.name), which is \(landed?.health.rawValue ?? "down"): switch its routing to \(firstUp.region.name)"
                } else {
                    recommendation += "; the start URL \(startCheck.explanation)"
                }
            }
        } else if let answering = statuses.first(where: { $0.health == .degraded }) {
            recommended = answering.portalURL
            recommendation = "no Region is fully up; \(answering.region.name) answers, but \(answering.reason ?? "with errors")"
        } else {
            recommendation = "no Region's portal answers"
        }
        return StatusReport(regions: statuses, startURL: startCheck, startURLProbe: startProbe, recommendedURL: recommended,
                            recommendation: recommendation, verdict: verdict, timeout: timeout, slowAfter: slowAfter, diagnostics: diagnostics)
    }

    static func host(_ url: String) -> String { StartURLCheck.host(of: url) ?? url }

    /// A duration in milliseconds, for tables and JSON.
    public static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, atto) = duration.components
        return Double(seconds) * 1000 + Double(atto) / 1e15
    }

    /// "1.2 s" / "340 ms".
    public static func seconds(_ duration: Duration) -> String {
        let milliseconds = Int64(self.milliseconds(duration))
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
