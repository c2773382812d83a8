import IDCSyncCore

/// The guide as one JSON document, for scripts and portals. Stable: keys are added, never renamed or
/// removed, without bumping `schemaVersion`.
///
/// ```
/// schemaVersion            1
/// generatedFrom            {tool: "idcsync bookmarks", instanceId, regions: [sorted Region names]}
/// language                 "en" | "ja" (the language of every text field)
/// instance                 {instanceId, identityStoreId|null, partition, primaryRegion, customAlias|null}
/// startUrl                 null (instance.startUrl not set), or the company start URL, to open first:
///   url                    "https://aws.example.com": redirects to a healthy Region's portal
///   explanation            a sentence
///   cli                    {ssoSession, ssoStartUrl, ssoRegion, login, minimumCliVersion}: the AWS CLI v2
///                          follows the redirect from minimumCliVersion on and rewrites ssoRegion after login
/// regions[]                primary first, then by name:
///   region, name, role     "ap-northeast-3", "Osaka", "primary" | "additional"
///   recommendedUrl         the URL to open in this Region (a fallback when startUrl is set), or null
///   portals[]              {variant, variantName, url|null, status: works|does-not-work|unknown, reason|null, explanation}
///   cli                    {ssoSession, ssoStartUrl, ssoRegion, login} or null (no portal URL known)
/// whenToUse[]              sentences (inline marks removed)
/// notAvailableWhilePrimaryIsDown[]  sentences
/// ```
enum JSONGuide {
    static func render(_ model: GuideModel, text: any GuideStrings) -> String {
        let marker = model.marker
        let regions: [JSONValue] = model.regions.map { region in
            let portals: [JSONValue] = region.portals.map { entry in
                .object([
                    "variant": .string(entry.variant.rawValue),
                    "variantName": .string(text.variantName(entry.variant)),
                    "url": entry.url.map(JSONValue.string) ?? .null,
                    "status": .string(entry.status.rawValue),
                    "reason": entry.reason.map { .string($0.rawValue) } ?? .null,
                    "explanation": .string(text.explanation(entry, isPrimary: region.isPrimary, model: model)),
                ])
            }
            let cli: JSONValue = region.recommended?.url.map { url in
                .object([
                    "ssoSession": .string(region.sessionName),
                    "ssoStartUrl": .string(url),
                    "ssoRegion": .string(region.region.name),
                    "login": .string("aws sso login --sso-session \(region.sessionName)"),
                ])
            } ?? .null
            return .object([
                "region": .string(region.region.name),
                "name": .string(text.regionName(region.region)),
                "role": .string(region.isPrimary ? "primary" : "additional"),
                "recommendedUrl": region.recommended?.url.map(JSONValue.string) ?? .null,
                "portals": .array(portals),
                "cli": cli,
            ])
        }
        let startURL: JSONValue = model.startURL.map { url in
            .object([
                "url": .string(url),
                "explanation": .string(Inline.plain(text.startURLExplanation(model))),
                "cli": .object([
                    "ssoSession": .string(GuideModel.startURLSessionName),
                    "ssoStartUrl": .string(url),
                    "ssoRegion": .string(model.primaryRegion.name),
                    "login": .string("aws sso login --sso-session \(GuideModel.startURLSessionName)"),
                    "minimumCliVersion": .string(model.startURLMinimumCLIVersion),
                ]),
            ])
        } ?? .null
        let document: JSONValue = .object([
            "schemaVersion": .int(marker.schemaVersion),
            "generatedFrom": .object([
                "tool": .string("idcsync bookmarks"),
                "instanceId": .string(marker.instanceId),
                "regions": .strings(marker.regions),
            ]),
            "language": .string(text.language.rawValue),
            "instance": .object([
                "instanceId": .string(model.instanceId),
                "identityStoreId": model.identityStoreId.map(JSONValue.string) ?? .null,
                "partition": .string(model.partition.rawValue),
                "primaryRegion": .string(model.primaryRegion.name),
                "customAlias": model.customAlias.map(JSONValue.string) ?? .null,
            ]),
            "startUrl": startURL,
            "regions": .array(regions),
            "whenToUse": .strings(text.whenToUse(model).map(Inline.plain)),
            "notAvailableWhilePrimaryIsDown": .strings(text.limits(model).map(Inline.plain)),
        ])
        return JSONWriter.pretty(document)
    }
}
