/// One part of a config's targets for `reconcile --shard K/N` (or a Kubernetes Indexed Job's
/// `JOB_COMPLETION_INDEX` / `JOB_COMPLETIONS`), so several processes share a fleet.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based, as users type it: 1...count.
    public let index: Int
    public let count: Int

    /// More shards than this is a typo, not a fleet.
    public static let maximumCount = 1000

    public init?(index: Int, count: Int) {
        guard (1...Shard.maximumCount).contains(count), (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `2/4`.
    public var description: String { "\(index)/\(count)" }

    public struct Problem: Error, Equatable, Sendable {
        public let message: String
    }

    /// `K/N` as given to `--shard`; a problem's message starts with the flag and the value.
    public static func parse(_ text: String) -> Result<Shard, Problem> {
        let prefix = "--shard \(text)"
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return .failure(Problem(message: "\(prefix): expected K/N, e.g. 1/4 (this process runs part K of N; all N parts together cover every target once)"))
        }
        guard (1...maximumCount).contains(count) else {
            return .failure(Problem(message: "\(prefix): N must be between 1 and \(maximumCount)"))
        }
        guard let shard = Shard(index: index, count: count) else {
            return .failure(Problem(message: "\(prefix): K must be between 1 and N (\(count))"))
        }
        return .success(shard)
    }

    public static let indexVariable = "JOB_COMPLETION_INDEX"
    public static let countVariable = "JOB_COMPLETIONS"

    /// The shard of a Kubernetes Indexed Job (or a CI matrix that sets the same variables): the
    /// 0-based `JOB_COMPLETION_INDEX` plus one, of `JOB_COMPLETIONS`. `nil` when neither is set;
    /// one without the other, or a value that is not a whole number in range, is a problem naming
    /// the variable and its value.
    public static func fromEnvironment(index: String?, count: String?) -> Result<Shard?, Problem> {
        let hint = "an Indexed Job sets both; set both (or neither), or give --shard K/N, which wins over them"
        switch (index, count) {
        case (nil, nil):
            return .success(nil)
        case (let index?, nil):
            return .failure(Problem(message: "\(indexVariable) is set (\"\(index)\") but \(countVariable) is not: \(hint)"))
        case (nil, let count?):
            return .failure(Problem(message: "\(countVariable) is set (\"\(count)\") but \(indexVariable) is not: \(hint)"))
        case (let indexText?, let countText?):
            guard let count = wholeNumber(countText), (1...maximumCount).contains(count) else {
                return .failure(Problem(message: "\(countVariable) \"\(countText)\": expected the number of shards, a whole number from 1 to \(maximumCount)"))
            }
            guard let index = wholeNumber(indexText) else {
                return .failure(Problem(message: "\(indexVariable) \"\(indexText)\": expected a whole number from 0 to \(count - 1) (it is 0-based)"))
            }
            guard let shard = Shard(index: index + 1, count: count) else {
                return .failure(Problem(message: "\(indexVariable) \"\(indexText)\": must be below \(countVariable) (\(count)); it is 0-based, from 0 to \(count - 1)"))
            }
            return .success(shard)
        }
    }

    private static func wholeNumber(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}

/// Which shard each target belongs to. A target goes where its Okta org's key hashes to, so all
/// the targets of one org run in one process (the org's rate-limit budget is shared only inside a
/// process), and a target never moves because others were added or removed.
public enum ShardAssignment {
    /// The org a target talks to: the host of `okta.orgUrl` (lowercased, with its port when it has
    /// one), as loaded (an org URL from `OKTA_CLIENT_ORGURL` is every target's). A target without an
    /// Okta org is keyed by its name.
    public static func key(of target: Target) -> String {
        if let url = target.okta?.orgUrl, let host = orgHost(url) { return "okta:" + host }
        return "target:" + (target.name ?? "default")
    }

    /// The 1-based shard of a key among `count`: FNV-1a (64 bits) of its UTF-8 bytes, modulo `count`.
    /// Not Swift's `Hasher`, which is seeded per process: every process and release must agree.
    public static func shard(ofKey key: String, count: Int) -> Int {
        Int(fnv1a64(key) % UInt64(max(1, count))) + 1
    }

    public static func shard(of target: Target, count: Int) -> Int {
        shard(ofKey: key(of: target), count: count)
    }

    /// The targets of `shard`, in the config's order.
    public static func targets(_ targets: [Target], in shard: Shard) -> [Target] {
        targets.filter { self.shard(of: $0, count: shard.count) == shard.index }
    }

    /// The order to start targets in: one of each org in turn (orgs in order of first appearance),
    /// then the next of each. A target waiting for its org's rate-limit reset holds one of the run's
    /// `--parallel` slots, so a config that lists one org's targets together would otherwise fill
    /// every slot with that org's waiters while the other orgs' budgets sit unused.
    public static func startOrder(_ targets: [Target]) -> [Int] {
        var queues: [[Int]] = []
        var queueOf: [String: Int] = [:]
        for (index, target) in targets.enumerated() {
            let key = key(of: target)
            if let queue = queueOf[key] {
                queues[queue].append(index)
            } else {
                queueOf[key] = queues.count
                queues.append([index])
            }
        }
        var order: [Int] = []
        order.reserveCapacity(targets.count)
        var round = 0
        while order.count < targets.count {
            for queue in queues where round < queue.count { order.append(queue[round]) }
            round += 1
        }
        return order
    }

    static func orgHost(_ url: String) -> String? {
        guard let scheme = url.firstRange(of: "://") else { return nil }
        var authority = url[scheme.upperBound...].prefix { !"/?#".contains($0) }.lowercased()
        if url.lowercased().hasPrefix("https://"), authority.hasSuffix(":443") { authority.removeLast(4) }
        return authority.isEmpty ? nil : authority
    }

    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
