import IDCSyncCore

/// The guide as Markdown (for a wiki or a repository).
enum MarkdownGuide {
    static func render(_ model: GuideModel, text: any GuideStrings) -> String {
        var lines: [String] = []
        lines.append("<!-- \(model.marker.line) -->")
        lines.append("# \(text.title)")
        lines.append("")
        lines.append(text.generatedNote(instanceId: model.instanceId))
        lines.append("")
        lines += GuideFacts.items(model, text: text).map { "- **\($0.label):** \($0.value)" }
        lines.append("")
        lines.append("## \(text.whenToUseHeading)")
        lines.append("")
        lines += text.whenToUse(model).map { "- \($0)" }
        lines.append("")
        if let start = model.startURL {
            lines.append("## \(text.startURLHeading)")
            lines.append("")
            lines.append("\(text.openLabel): <\(start)>")
            lines.append("")
            lines.append(text.startURLExplanation(model))
            lines.append("")
        }
        lines.append("## \(text.portalsHeading)")
        if model.startURL != nil {
            lines.append("")
            lines.append(text.fallbackIntro)
        }
        for region in model.regions {
            lines.append("")
            lines.append("### \(text.regionTitle(region.region)) — \(text.role(isPrimary: region.isPrimary))")
            lines.append("")
            if let url = region.recommended?.url {
                lines.append("\(text.openLabel): <\(url)>")
            } else {
                lines.append(text.noWorkingPortal)
            }
            lines.append("")
            lines.append("| \(text.columnURL) | \(text.columnVariant) | \(text.columnStatus) | \(text.columnWhy) |")
            lines.append("| --- | --- | --- | --- |")
            for entry in region.portals {
                // Only URLs that work are links: a dead URL should not be one click away.
                let url = entry.url.map { entry.status == .works ? "<\($0)>" : "`\($0)`" } ?? text.noURL
                let why = text.explanation(entry, isPrimary: region.isPrimary, model: model)
                lines.append("| \(url) | \(Escape.markdownCell(text.variantName(entry.variant))) | \(text.status(entry.status)) | \(Escape.markdownCell(why)) |")
            }
        }
        lines.append("")
        lines.append("## \(text.limitsHeading)")
        lines.append("")
        lines += text.limits(model).map { "- \($0)" }
        lines.append("")
        lines.append("## \(text.cliHeading)")
        for paragraph in text.cliIntro(configFile: Guides.fileName(format: .awsConfig, language: text.language)) {
            lines.append("")
            lines.append(paragraph)
        }
        lines.append("")
        lines.append("```sh")
        lines += GuideFacts.loginCommands(model)
        lines.append("```")
        if let start = text.cliStartURL(model) {
            lines.append("")
            lines.append(start)
        }
        if let outage = text.cliOutage(model) {
            lines.append("")
            lines.append(outage)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Facts every human-readable guide lists first, and the CLI commands it shows.
enum GuideFacts {
    /// Values carry inline marks (`code`).
    static func items(_ model: GuideModel, text: any GuideStrings) -> [(label: String, value: String)] {
        var items: [(String, String)] = [(text.instanceLabel, "`\(model.instanceId)`")]
        if let store = model.identityStoreId { items.append((text.identityStoreLabel, "`\(store)`")) }
        items.append((text.primaryRegionLabel, text.regionTitle(model.primaryRegion)))
        items.append((text.regionsLabel, model.regions.map { text.regionTitle($0.region) }.joined(separator: text.language == .ja ? "、" : ", ")))
        if let start = model.startURL { items.append((text.startURLLabel, "<\(start)>")) }
        return items
    }

    static func loginCommands(_ model: GuideModel) -> [String] {
        (model.startURL == nil ? [] : ["aws sso login --sso-session \(GuideModel.startURLSessionName)"]) + model.regions.filter { $0.recommended != nil }.map { "aws sso login --sso-session \($0.sessionName)" }
    }
}
