/// The Terraform resource addresses of what idcsync manages, in one place: `export terraform` writes
/// resources under these names, and when the config gives an object to Terraform (`owner: terraform`)
/// the drift reports name the same address for `terraform apply` to change.
public enum TerraformAddress {
    /// The multi-Region primary key (`aws_kms_key`, in the primary Region's provider).
    public static let primaryKey = "aws_kms_key.idcsync"
    /// The IAM Identity Center app's settings in Okta (`okta_app_saml_app_settings`).
    public static let oktaAppSettings = "okta_app_saml_app_settings.idcsync"

    /// The replica of the primary key in an additional Region (`aws_kms_replica_key`).
    public static func replicaKey(_ region: Region) -> String { "aws_kms_replica_key.\(label(region))" }
    /// An additional Region of the instance (`aws_ssoadmin_region`).
    public static func instanceRegion(_ region: Region) -> String { "aws_ssoadmin_region.\(label(region))" }
    /// The Okta tile (Bookmark app) opening a Region's access portal (`okta_app_bookmark`).
    public static func tile(_ region: Region) -> String { "okta_app_bookmark.portal_\(label(region))" }
    /// That tile's group assignments (`okta_app_group_assignments`).
    public static func tileGroups(_ region: Region) -> String { "okta_app_group_assignments.portal_\(label(region))" }
    /// The Okta tile opening the company start URL (`okta.tiles.portal: start-url`).
    public static let startURLTile = "okta_app_bookmark.start_url"
    /// That tile's group assignments.
    public static let startURLTileGroups = "okta_app_group_assignments.start_url"
    /// The tile of a tile marker's key (a Region's name or `TileMarker.startURLKey`); nil for neither.
    public static func tile(key: String) -> String? {
        key == TileMarker.startURLKey ? startURLTile : (try? Region.parse(key).get()).map(tile)
    }
    /// The group assignments of a tile marker's key.
    public static func tileGroups(key: String) -> String? {
        key == TileMarker.startURLKey ? startURLTileGroups : (try? Region.parse(key).get()).map(tileGroups)
    }
    /// The AWS provider configuration for a Region: `aws.ap_northeast_3`.
    public static func awsProvider(_ region: Region) -> String { "aws.\(label(region))" }

    /// A Region as a Terraform name: `ap-northeast-3` → `ap_northeast_3`.
    public static func label(_ region: Region) -> String { String(region.name.map { $0 == "-" ? "_" : $0 }) }
}
