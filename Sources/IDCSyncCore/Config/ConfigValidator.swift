/// Where a target's sections were written: `""` for the top level, `targets[2].` for a target's own.
struct SectionOrigins {
    var prefixes: [String: String] = [:]
    func field(_ section: String, _ key: String) -> String { "\(prefixes[section] ?? "")\(section).\(key)" }
}

/// Rules that relate fields to each other (partition, primary Region, key account). Field-level rules
/// are applied while reading; these run once the whole file is read.
enum ConfigValidator {
    /// The instance's Region quota (primary included); adjustable, so exceeding it is a warning.
    static let regionQuota = RegionQuota.default

    static func validate(_ config: Config, origins: [SectionOrigins], reader: YAMLReader) {
        let targets = [config.defaultTarget] + config.targets
        var reported = Set<String>()
        for (target, origin) in zip(targets, origins) {
            validate(target, origin: origin, reader: reader, reported: &reported)
        }
    }

    /// `reported` keeps a section inherited by several targets from being reported once per target.
    private static func validate(_ target: Target, origin: SectionOrigins, reader: YAMLReader, reported: inout Set<String>) {
        func report(_ severity: Diagnostic.Severity, _ code: String, _ message: String, field: String) {
            guard reported.insert("\(field)|\(code)|\(message)").inserted else { return }
            reader.report(severity, code, message, field: field)
        }
        let instance = target.instance
        let kms = target.kms

        // The instance's partition and where it was learned.
        let partitionSource: (partition: Partition, field: String)?
        if let arn = instance.arn {
            partitionSource = (arn.partition, origin.field("instance", "arn"))
        } else if let primary = instance.primaryRegion {
            partitionSource = (primary.partition, origin.field("instance", "primaryRegion"))
        } else if let key = kms.keyArn {
            partitionSource = (key.partition, origin.field("kms", "keyArn"))
        } else {
            partitionSource = nil
        }

        if let (partition, source) = partitionSource {
            func check(_ other: Partition, _ what: String, field: String) {
                guard other != partition else { return }
                report(.error, "partition",
                       "\(what) is in partition \(other.rawValue), but the instance is in \(partition.rawValue) (from \(source)); an instance, its Regions, its key and its administrators are all in one partition",
                       field: field)
            }
            if let primary = instance.primaryRegion { check(primary.partition, "Region \(primary.name)", field: origin.field("instance", "primaryRegion")) }
            for (index, region) in (instance.regions ?? []).enumerated() {
                check(region.partition, "Region \(region.name)", field: origin.field("instance", "regions") + "[\(index)]")
            }
            if let key = kms.keyArn { check(key.partition, "the key \(key.value)", field: origin.field("kms", "keyArn")) }
            for (index, admin) in kms.keyAdministrators.enumerated() {
                check(admin.partition, admin.value, field: origin.field("kms", "keyAdministrators") + "[\(index)]")
            }
            for (index, role) in kms.customWorkflowRoles.enumerated() {
                check(role.partition, role.value, field: origin.field("kms", "customWorkflowRoles") + "[\(index)]")
            }
            for (index, role) in kms.adminRoles.enumerated() {
                check(role.partition, role.value, field: origin.field("kms", "adminRoles") + "[\(index)]")
            }
            if let region = target.aws.region { check(region.partition, "Region \(region.name)", field: origin.field("aws", "region")) }

            let documented = URLCatalog.documentedTemplates(in: partition)
            for variant in instance.urlTemplates.keys.sorted() {
                if let form = documented[variant] {
                    report(.error, "documented-url",
                           "AWS documents this URL in partition \(partition.rawValue) (\(form)) and idcsync uses that; remove the template",
                           field: origin.field("instance", "urlTemplates") + ".\(variant.rawValue)")
                }
            }
        }

        if let primary = instance.primaryRegion, let regions = instance.regions, !regions.contains(primary) {
            report(.error, "primary-not-listed",
                   "the list does not include the primary Region \(primary.name) (instance.primaryRegion); list every enabled Region, primary included",
                   field: origin.field("instance", "regions"))
        }
        if instance.effectiveRegions.count > regionQuota {
            report(.warning, "region-quota",
                   "\(instance.effectiveRegions.count) Regions are listed; an instance may have \(regionQuota) (primary included) unless the quota was raised",
                   field: origin.field("instance", "regions"))
        }

        if let key = kms.keyArn {
            let keyField = origin.field("kms", "keyArn")
            if let account = instance.accountId, account != key.account {
                report(.error, "key-account",
                       "the key is in account \(key.account) but instance.accountId is \(account); the key must be in the management account that owns the instance",
                       field: keyField)
            }
            if let primary = instance.primaryRegion, key.region != primary {
                report(.warning, "key-region",
                       "the key ARN names \(key.region.name) but the primary Region is \(primary.name); IAM Identity Center uses the key in its primary Region",
                       field: keyField)
            }
            if !key.isMultiRegion {
                report(.warning, "single-region-key",
                       "this is a single-Region key (its id does not start with mrk-); it cannot be replicated. Move the instance to a multi-Region key (sso-admin UpdateInstance) before adding Regions",
                       field: keyField)
            }
        }

        let management = target.managementAccount
        if case .accounts(let delegated) = kms.delegatedAdministrators, let management, delegated.contains(management) {
            report(.warning, "delegated-is-management",
                   "\(management) is the management account, which is always an administrator account; it is not a delegated administrator",
                   field: origin.field("kms", "delegatedAdministrators"))
        }
        if let management {
            for (index, role) in kms.adminRoles.enumerated() where role.account != management {
                if case .accounts(let delegated) = kms.delegatedAdministrators, !delegated.contains(role.account) {
                    report(.error, "admin-role-account",
                           "the role is in account \(role.account), which is neither the management account (\(management)) nor in kms.delegatedAdministrators; the key policy only admits administrator accounts",
                           field: origin.field("kms", "adminRoles") + "[\(index)]")
                }
            }
        }
        if target.okta?.tiles?.portal == .startURL && instance.startUrl == nil {
            report(.error, "start-url-missing",
                   "tiles that open the company start URL need instance.startUrl (e.g. https://aws.example.com); set it, or choose portal: alternate-ipv4 or dualstack",
                   field: origin.field("okta", "tiles") + ".portal")
        }
        if kms.organizationId != nil && !kms.managedApplications {
            report(.warning, "unused", "only used with kms.managedApplications: true", field: origin.field("kms", "organizationId"))
        }
    }
}
