/// `idcsync export terraform`: what idcsync would make true, as Terraform (1.5+) with an `import`
/// block for every object that already exists. Pure: the engine gathers the facts, this writes the
/// files.
public struct TerraformExportInput: Sendable, Equatable {
    public struct Key: Sendable, Equatable {
        public var arn: String
        public var keyId: String
        /// From DescribeKey (`KeySpec`, `KeyUsage`); nil when KMS did not say.
        public var keySpec: String?
        public var usage: String?
        public init(arn: String, keyId: String, keySpec: String?, usage: String?) {
            self.arn = arn
            self.keyId = keyId
            self.keySpec = keySpec
            self.usage = usage
        }
    }

    public struct AdditionalRegion: Sendable, Equatable {
        public var region: Region
        /// Whether IAM Identity Center already has the Region (ListRegions: ACTIVE or ADDING).
        public var regionExists: Bool
        /// Whether the key already has a replica there (DescribeKey's ReplicaKeys).
        public var replicaExists: Bool
        public init(region: Region, regionExists: Bool, replicaExists: Bool) {
            self.region = region
            self.regionExists = regionExists
            self.replicaExists = replicaExists
        }
    }

    public struct OktaApp: Sendable, Equatable {
        public var appId: String
        /// The complete `settings.app` with the slots as planned, every other key as read.
        public var settingsApp: JSONObject
        public init(appId: String, settingsApp: JSONObject) {
            self.appId = appId
            self.settingsApp = settingsApp
        }
    }

    public struct Tile: Sendable, Equatable {
        /// The Region whose portal the tile opens; nil for the tile opening the start URL.
        public var region: Region?
        public var label: String
        public var url: String
        public var enduserNote: String?
        /// The admin note carrying idcsync's marker.
        public var adminNote: String
        /// The Bookmark app's id when the tile exists.
        public var appId: String?
        public var groups: [String]
        public init(region: Region?, label: String, url: String, enduserNote: String?, adminNote: String, appId: String?, groups: [String]) {
            self.region = region
            self.label = label
            self.url = url
            self.enduserNote = enduserNote
            self.adminNote = adminNote
            self.appId = appId
            self.groups = groups
        }
    }

    public var instanceArn: String
    public var primaryRegion: Region
    public var key: Key
    /// Exactly what `idcsync policy kms` prints.
    public var keyPolicy: String
    public var regions: [AdditionalRegion]
    public var okta: OktaApp?
    public var tiles: [Tile]

    public init(instanceArn: String, primaryRegion: Region, key: Key, keyPolicy: String, regions: [AdditionalRegion],
                okta: OktaApp?, tiles: [Tile]) {
        self.instanceArn = instanceArn
        self.primaryRegion = primaryRegion
        self.key = key
        self.keyPolicy = keyPolicy
        self.regions = regions
        self.okta = okta
        self.tiles = tiles
    }
}

public struct TerraformExport: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var name: String
        public var contents: String
    }

    public struct Resource: Sendable, Equatable {
        public var address: String
        public var type: String
        /// `aws.ap_northeast_3` when the resource uses an aliased provider.
        public var provider: String?
        /// The id of the `import` block, nil when the object does not exist yet.
        public var importId: String?
        /// The provider's documentation of the resource, which gives the import id form.
        public var docURL: String
    }

    public var files: [File]
    public var resources: [Resource]
    /// Facts the export could not establish, said in the files' comments too.
    public var warnings: [String]
}

public enum TerraformExporter {
    public static let terraformVersion = ">= 1.5.0"
    /// `aws_ssoadmin_region` was added by hashicorp/terraform-provider-aws PR #48126; its resource
    /// page documents the per-resource `region` argument of provider 6.0. The first release that has
    /// the resource could not be read from the changelog, so 6.0.0 is a lower bound only.
    public static let awsProviderVersion = ">= 6.0.0"
    /// okta/okta 4.0.0 moved the docs to the generated registry pages cited here.
    public static let oktaProviderVersion = ">= 4.0.0"

    public enum Doc {
        public static let awsChangelog = "https://github.com/hashicorp/terraform-provider-aws/pull/48126"
        public static let oktaChangelog = "https://github.com/okta/terraform-provider-okta/blob/main/CHANGELOG.md#400-april-28-2023"
        public static let kmsKeySource = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/kms/key.go"
        public static let kmsKey = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key#import"
        public static let kmsReplicaKey = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_replica_key#import"
        public static let ssoadminRegion = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ssoadmin_region#import"
        public static let appSettings = "https://registry.terraform.io/providers/okta/okta/latest/docs/resources/app_saml_app_settings#import"
        public static let bookmark = "https://registry.terraform.io/providers/okta/okta/latest/docs/resources/app_bookmark#import"
        public static let groupAssignments = "https://registry.terraform.io/providers/okta/okta/latest/docs/resources/app_group_assignments#import"
    }

    public static let policyFile = "key-policy.json"

    public static func export(_ input: TerraformExportInput) -> TerraformExport {
        var resources: [TerraformExport.Resource] = []
        var warnings: [String] = []
        let aws = awsFile(input, resources: &resources, warnings: &warnings)
        var files = [TerraformExport.File(name: "aws.tf", contents: aws)]
        if input.okta != nil || !input.tiles.isEmpty {
            files.append(.init(name: "okta.tf", contents: oktaFile(input, resources: &resources, warnings: &warnings)))
        }
        let policy = input.keyPolicy.hasSuffix("\n") ? input.keyPolicy : input.keyPolicy + "\n"
        files.append(.init(name: policyFile, contents: policy))
        return TerraformExport(files: files, resources: resources, warnings: warnings)
    }

    // MARK: aws.tf

    static func awsFile(_ input: TerraformExportInput, resources: inout [TerraformExport.Resource], warnings: inout [String]) -> String {
        var items: [HCL.Item] = [
            .comment("Written by `idcsync export terraform`: what idcsync makes true for instance \(input.instanceArn).\n"
                     + "aws_ssoadmin_region is in hashicorp/aws from \(Doc.awsChangelog); the first release with it\n"
                     + "was not verified, 6.0.0 (per-resource `region`) is a lower bound: raise it if `terraform init` fails."),
            .block(.init("terraform", [], [
                .attribute("required_version", HCL.string(terraformVersion)),
                .block(.init("required_providers", [], [
                    .attribute("aws", HCL.object([("source", HCL.string("hashicorp/aws")), ("version", HCL.string(awsProviderVersion))])),
                ])),
            ])),
            .block(.init("provider", ["aws"], [.attribute("region", HCL.string(input.primaryRegion.name))])),
        ]
        let regions = input.regions.sorted { $0.region.name < $1.region.name }
        for entry in regions {
            items.append(.block(.init("provider", ["aws"], [
                .attribute("alias", HCL.string(TerraformAddress.label(entry.region))),
                .attribute("region", HCL.string(entry.region.name)),
            ])))
        }

        // The key exists: idcsync works only with an instance encrypted by it.
        var keyItems: [HCL.Item] = [
            .attribute("multi_region", "true"),
            .attribute("policy", "file(\"${path.module}/\(policyFile)\")"),
        ]
        var open: [String] = []
        if let usage = input.key.usage { keyItems.append(.attribute("key_usage", HCL.string(usage))) } else { open.append("key_usage") }
        if let spec = input.key.keySpec {
            keyItems.append(.attribute("customer_master_key_spec", HCL.string(spec)))
        } else {
            open.append("customer_master_key_spec")
        }
        warnings.append("idcsync does not read the key's rotation: if it is on, set enable_key_rotation = true on aws_kms_key.idcsync, or `terraform plan` turns it off")
        if !open.isEmpty {
            warnings.append("KMS did not say the key's \(open.joined(separator: " and ")); set \(open.count == 1 ? "it" : "them") in aws.tf to the key's before `terraform plan`, or Terraform may plan to replace the key")
        }
        var keyComment = "The attributes that force a new key (ForceNew in \(Doc.kmsKeySource):\n"
            + "multi_region, key_usage, customer_master_key_spec, custom_key_store_id, xks_key_id) are set to what\n"
            + "DescribeKey says, so the import adopts the key instead of replacing it."
        if !open.isEmpty { keyComment += "\nOPEN: DescribeKey did not give \(open.joined(separator: ", ")): set them to the key's." }
        keyComment += "\nAssumed: the key is in the AWS KMS key store (no custom_key_store_id, no xks_key_id)."
            + "\nOPEN: idcsync does not read key rotation; if it is on, set enable_key_rotation = true (else an in-place change)."
        items.append(.comment(keyComment))
        items.append(.block(.init("resource", ["aws_kms_key", "idcsync"], keyItems)))
        items.append(.comment("Import id: the key id (\(Doc.kmsKey))"))
        items.append(.block(.init("import", [], [
            .attribute("to", TerraformAddress.primaryKey),
            .attribute("id", HCL.string(input.key.keyId)),
        ])))
        resources.append(.init(address: TerraformAddress.primaryKey, type: "aws_kms_key", provider: nil, importId: input.key.keyId, docURL: Doc.kmsKey))

        for entry in regions {
            let provider = TerraformAddress.awsProvider(entry.region)
            let replica = TerraformAddress.replicaKey(entry.region)
            items.append(.comment("KMS does not copy key policies to replicas: each replica gets the same policy."))
            items.append(.block(.init("resource", ["aws_kms_replica_key", TerraformAddress.label(entry.region)], [
                .attribute("provider", provider),
                .attribute("primary_key_arn", "aws_kms_key.idcsync.arn"),
                .attribute("policy", "file(\"${path.module}/\(policyFile)\")"),
            ])))
            if entry.replicaExists {
                items.append(.comment("Import id: the replica's key id, the same as the primary's, read in its Region (\(Doc.kmsReplicaKey))"))
                items.append(.block(.init("import", [], [
                    .attribute("provider", provider),
                    .attribute("to", replica),
                    .attribute("id", HCL.string(input.key.keyId)),
                ])))
            }
            resources.append(.init(address: replica, type: "aws_kms_replica_key", provider: provider,
                                   importId: entry.replicaExists ? input.key.keyId : nil, docURL: Doc.kmsReplicaKey))
        }
        for entry in regions {
            let address = TerraformAddress.instanceRegion(entry.region)
            items.append(.block(.init("resource", ["aws_ssoadmin_region", TerraformAddress.label(entry.region)], [
                .attribute("instance_arn", HCL.string(input.instanceArn)),
                .attribute("region_name", HCL.string(entry.region.name)),
            ])))
            let id = "\(input.instanceArn),\(entry.region.name)"
            if entry.regionExists {
                items.append(.comment("Import id: instance_arn,region_name (\(Doc.ssoadminRegion))"))
                items.append(.block(.init("import", [], [
                    .attribute("to", address),
                    .attribute("id", HCL.string(id)),
                ])))
            }
            resources.append(.init(address: address, type: "aws_ssoadmin_region", provider: nil,
                                   importId: entry.regionExists ? id : nil, docURL: Doc.ssoadminRegion))
        }
        return HCL.render(items)
    }

    // MARK: okta.tf

    static func oktaFile(_ input: TerraformExportInput, resources: inout [TerraformExport.Resource], warnings: inout [String]) -> String {
        var items: [HCL.Item] = [
            .comment("Written by `idcsync export terraform`. Provider constraint: okta/okta 4.0.0 and later (\(Doc.oktaChangelog))."),
            .block(.init("terraform", [], [
                .attribute("required_version", HCL.string(terraformVersion)),
                .block(.init("required_providers", [], [
                    .attribute("okta", HCL.object([("source", HCL.string("okta/okta")), ("version", HCL.string(oktaProviderVersion))])),
                ])),
            ])),
        ]
        if let okta = input.okta {
            items.append(.comment("The complete settings.app of the IAM Identity Center app: the ACS URL slots as idcsync plans them,\n"
                                  + "every other key as read from Okta. This resource replaces the whole settings object.\n"
                                  + "OPEN: whether the provider compares this JSON by meaning (key order, spacing) is not documented."))
            items.append(.block(.init("resource", ["okta_app_saml_app_settings", "idcsync"], [
                .attribute("app_id", HCL.string(okta.appId)),
                .heredoc("settings", tag: "EOT", body: HCL.escapeTemplates(JSONWriter.pretty(.object(okta.settingsApp)))),
            ])))
            items.append(.comment("Import id: the app id (\(Doc.appSettings))"))
            items.append(.block(.init("import", [], [
                .attribute("to", TerraformAddress.oktaAppSettings),
                .attribute("id", HCL.string(okta.appId)),
            ])))
            resources.append(.init(address: TerraformAddress.oktaAppSettings, type: "okta_app_saml_app_settings", provider: nil,
                                   importId: okta.appId, docURL: Doc.appSettings))
        }
        // The start URL tile first, then the Regions' by name.
        let tiles = input.tiles.sorted { ($0.region?.name ?? "") < ($1.region?.name ?? "") }
        if !tiles.isEmpty {
            warnings.append("okta_app_bookmark attributes idcsync does not manage (hide_ios, hide_web, logo, authentication_policy, …) are left to the provider's defaults; check `terraform plan` for changes to them")
        }
        for tile in tiles {
            let (tileAddress, groupsAddress) = tile.region.map { (TerraformAddress.tile($0), TerraformAddress.tileGroups($0)) }
                ?? (TerraformAddress.startURLTile, TerraformAddress.startURLTileGroups)
            let label = String(tileAddress.dropFirst("okta_app_bookmark.".count))
            var attributes: [HCL.Item] = [
                .attribute("label", HCL.string(tile.label)),
                .attribute("url", HCL.string(tile.url)),
                .attribute("status", HCL.string("ACTIVE")),
                .attribute("admin_note", HCL.string(tile.adminNote)),
            ]
            if let note = tile.enduserNote { attributes.append(.attribute("enduser_note", HCL.string(note))) }
            let opens = tile.region.map { "the access portal of \($0.name)" } ?? "the company start URL (instance.startUrl)"
            items.append(.comment("The dashboard tile opening \(opens). Attributes idcsync does not\n"
                                  + "manage are not set (OPEN: the provider's defaults may differ from the app's)."))
            items.append(.block(.init("resource", ["okta_app_bookmark", label], attributes)))
            let groups: [HCL.Item] = [.attribute("app_id", "okta_app_bookmark.\(label).id")]
                + tile.groups.map { HCL.Item.block(.init("group", [], [.attribute("id", HCL.string($0))])) }
            items.append(.block(.init("resource", ["okta_app_group_assignments", label], groups)))
            if let id = tile.appId {
                items.append(.comment("Import id: the app id (\(Doc.bookmark))"))
                items.append(.block(.init("import", [], [
                    .attribute("to", tileAddress),
                    .attribute("id", HCL.string(id)),
                ])))
                items.append(.comment("Import id: the app id (\(Doc.groupAssignments))"))
                items.append(.block(.init("import", [], [
                    .attribute("to", groupsAddress),
                    .attribute("id", HCL.string(id)),
                ])))
            }
            resources.append(.init(address: tileAddress, type: "okta_app_bookmark", provider: nil,
                                   importId: tile.appId, docURL: Doc.bookmark))
            resources.append(.init(address: groupsAddress, type: "okta_app_group_assignments", provider: nil,
                                   importId: tile.appId, docURL: Doc.groupAssignments))
        }
        return HCL.render(items)
    }
}
