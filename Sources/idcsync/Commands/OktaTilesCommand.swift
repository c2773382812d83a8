import ArgumentParser

struct OktaTilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiles",
        abstract: "Okta dashboard tiles (Bookmark apps) for each additional Region's access portal.",
        discussion: """
        Okta's IAM Identity Center app opens only the primary Region's portal. With okta.tiles enabled, idcsync keeps one Bookmark app per additional Region (and the primary with primary: true) that opens that Region's portal, labelled from okta.tiles.label, and assigned the IdC app's groups. It recognises its tiles by a marker in the admin note (instance and Region), never by label: apps without the marker are never changed.

        With portal: start-url, it keeps one tile that opens instance.startUrl (the company start URL, which redirects to a healthy Region's portal) instead, and removes the Regions' tiles.

        Config:
          okta:
            tiles: {enabled: true, portal: alternate-ipv4, label: "AWS access portal - {name} ({region})", exactGroups: false}

        Examples:
          idcsync okta tiles plan
          idcsync okta tiles apply --yes
        """,
        subcommands: [OktaTilesPlanCommand.self, OktaTilesApplyCommand.self]
    )
}
