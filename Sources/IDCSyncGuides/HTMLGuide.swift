import IDCSyncCore

/// The guide as one self-contained, printable HTML page: inline style, no scripts, images, fonts or
/// other external resources; the only links are the portal URLs that work.
enum HTMLGuide {
    static func render(_ model: GuideModel, text: any GuideStrings) -> String {
        var out: [String] = []
        out.append("<!DOCTYPE html>")
        out.append("<!-- \(model.marker.line) -->")
        out.append("<html lang=\"\(text.language.rawValue)\">")
        out.append("<head>")
        out.append("<meta charset=\"utf-8\">")
        out.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        out.append("<title>\(Escape.html(text.title))</title>")
        out.append("<style>")
        out += style
        out.append("</style>")
        out.append("</head>")
        out.append("<body>")
        out.append("<h1>\(Escape.html(text.title))</h1>")
        out.append("<p class=\"note\">\(Inline.html(text.generatedNote(instanceId: model.instanceId)))</p>")
        out.append("<dl class=\"facts\">")
        for item in GuideFacts.items(model, text: text) {
            out.append("<dt>\(Escape.html(item.label))</dt><dd>\(Inline.html(item.value))</dd>")
        }
        out.append("</dl>")
        out.append("<h2>\(Escape.html(text.whenToUseHeading))</h2>")
        out += list(text.whenToUse(model))
        if let start = model.startURL {
            out.append("<h2>\(Escape.html(text.startURLHeading))</h2>")
            out.append("<p class=\"open\">\(Escape.html(text.openLabel)): \(Inline.html("<\(start)>"))</p>")
            out.append("<p>\(Inline.html(text.startURLExplanation(model)))</p>")
        }
        out.append("<h2>\(Escape.html(text.portalsHeading))</h2>")
        if model.startURL != nil {
            out.append("<p>\(Inline.html(text.fallbackIntro))</p>")
        }
        for region in model.regions {
            out.append("<section class=\"region\">")
            out.append("<h3>\(Escape.html(text.regionTitle(region.region))) — \(Escape.html(text.role(isPrimary: region.isPrimary)))</h3>")
            if let url = region.recommended?.url {
                out.append("<p class=\"open\">\(Escape.html(text.openLabel)): \(Inline.html("<\(url)>"))</p>")
            } else {
                out.append("<p class=\"open\">\(Escape.html(text.noWorkingPortal))</p>")
            }
            out.append("<table>")
            out.append("<thead><tr><th>\(Escape.html(text.columnURL))</th><th>\(Escape.html(text.columnVariant))</th><th>\(Escape.html(text.columnStatus))</th><th>\(Escape.html(text.columnWhy))</th></tr></thead>")
            out.append("<tbody>")
            for entry in region.portals {
                let url = entry.url.map { entry.status == .works ? Inline.html("<\($0)>") : "<code>\(Escape.html($0))</code>" } ?? Escape.html(text.noURL)
                let status = "<span class=\"\(entry.status.rawValue)\">\(Escape.html(text.status(entry.status)))</span>"
                let why = Escape.html(text.explanation(entry, isPrimary: region.isPrimary, model: model))
                out.append("<tr><td class=\"url\">\(url)</td><td>\(Escape.html(text.variantName(entry.variant)))</td><td>\(status)</td><td>\(why)</td></tr>")
            }
            out.append("</tbody>")
            out.append("</table>")
            out.append("</section>")
        }
        out.append("<h2>\(Escape.html(text.limitsHeading))</h2>")
        out += list(text.limits(model))
        out.append("<h2>\(Escape.html(text.cliHeading))</h2>")
        for paragraph in text.cliIntro(configFile: Guides.fileName(format: .awsConfig, language: text.language)) {
            out.append("<p>\(Inline.html(paragraph))</p>")
        }
        out.append("<pre><code>\(GuideFacts.loginCommands(model).map(Escape.html).joined(separator: "\n"))</code></pre>")
        if let start = text.cliStartURL(model) {
            out.append("<p>\(Inline.html(start))</p>")
        }
        if let outage = text.cliOutage(model) {
            out.append("<p>\(Inline.html(outage))</p>")
        }
        out.append("</body>")
        out.append("</html>")
        return out.joined(separator: "\n") + "\n"
    }

    private static func list(_ items: [String]) -> [String] {
        ["<ul>"] + items.map { "<li>\(Inline.html($0))</li>" } + ["</ul>"]
    }

    /// System fonts only (no web fonts): the page must render offline and on paper.
    private static let style = [
        "body { font-family: system-ui, -apple-system, \"Segoe UI\", \"Hiragino Sans\", \"Yu Gothic\", \"Noto Sans CJK JP\", sans-serif; line-height: 1.6; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }",
        "h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ccc; } h3 { font-size: 1.1rem; }",
        ".note { color: #555; font-size: 0.9rem; }",
        ".facts { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; } .facts dt { font-weight: bold; } .facts dd { margin: 0; }",
        "table { border-collapse: collapse; width: 100%; font-size: 0.9rem; } th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }",
        "td.url { word-break: break-all; } code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; }",
        ".works { color: #176b2c; font-weight: bold; } .does-not-work { color: #a4262c; } .unknown { color: #8a6d00; }",
        "pre { background: #f4f4f4; padding: 0.6rem; overflow-x: auto; }",
        "@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } section.region { break-inside: avoid; } pre { white-space: pre-wrap; } }",
    ]
}
