/// An IAM or KMS policy document as typed values, written in AWS's customary key order
/// (Version, Statement; Sid, Effect, Principal, Action, Resource, Condition).
public struct PolicyDocument: Sendable, Equatable {
    public static let version = "2012-10-17"
    public var statements: [PolicyStatement]

    public init(statements: [PolicyStatement]) { self.statements = statements }

    public var json: JSONValue {
        .object(["Version": .string(Self.version), "Statement": .array(statements.map(\.json))])
    }

    /// The document as idcsync prints and sends it.
    public var text: String { JSONWriter.pretty(json) }

    public func statement(sid: String) -> PolicyStatement? { statements.first { $0.sid == sid } }
}

public struct PolicyStatement: Sendable, Equatable {
    public enum Principal: Sendable, Equatable {
        /// `"Principal": "*"`: anyone, narrowed by conditions.
        case any
        case aws([String])
        case service([String])

        var json: JSONValue {
            switch self {
            case .any: .string("*")
            case .aws(let arns): .object(["AWS": .stringOrList(arns)])
            case .service(let names): .object(["Service": .stringOrList(names)])
            }
        }
    }

    /// One condition operator with its keys, e.g. `StringLike: {kms:ViaService: sso.*.amazonaws.com}`.
    public struct Condition: Sendable, Equatable {
        public var op: String
        public var entries: [(key: String, values: [String])]

        public init(_ op: String, _ entries: [(key: String, values: [String])]) {
            self.op = op
            self.entries = entries
        }

        public static func == (lhs: Condition, rhs: Condition) -> Bool {
            lhs.op == rhs.op && lhs.entries.elementsEqual(rhs.entries) { $0.key == $1.key && $0.values == $1.values }
        }
    }

    public var sid: String
    public var principal: Principal?
    public var actions: [String]
    public var resources: [String]
    public var conditions: [Condition]

    public init(sid: String, principal: Principal? = nil, actions: [String], resources: [String] = ["*"], conditions: [Condition] = []) {
        self.sid = sid
        self.principal = principal
        self.actions = actions
        self.resources = resources
        self.conditions = conditions
    }

    public var json: JSONValue {
        var object: JSONObject = ["Sid": .string(sid), "Effect": "Allow"]
        if let principal { object["Principal"] = principal.json }
        object["Action"] = .stringOrList(actions)
        object["Resource"] = .stringOrList(resources)
        if !conditions.isEmpty {
            var block = JSONObject()
            for condition in conditions {
                var entries = JSONObject()
                for entry in condition.entries { entries[entry.key] = .stringOrList(entry.values) }
                block[condition.op] = .object(entries)
            }
            object["Condition"] = .object(block)
        }
        return .object(object)
    }
}
