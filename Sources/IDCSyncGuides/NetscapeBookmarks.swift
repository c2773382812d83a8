import IDCSyncCore

/// A bookmark file in the Netscape format that Chrome, Edge, Firefox and Safari import: one folder
/// with the company start URL first (when set), then every portal URL that works, primary Region
/// first. Chrome's importer reads it line by line, so each `<DT>` entry stays on one line. No
/// ADD_DATE: the file must be the same on every run.
enum NetscapeBookmarks {
    static func render(_ model: GuideModel, text: any GuideStrings) -> String {
        var lines = [
            "<!DOCTYPE NETSCAPE-Bookmark-file-1>",
            "<!-- This is an automatically generated file.",
            "     It will be read and overwritten.",
            "     DO NOT EDIT! -->",
            "<!-- \(model.marker.line) -->",
            "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">",
            "<TITLE>Bookmarks</TITLE>",
            "<H1>Bookmarks</H1>",
            "<DL><p>",
            "    <DT><H3>\(Escape.html(text.bookmarkFolder))</H3>",
            "    <DL><p>",
        ]
        if let start = model.startURL {
            lines.append("        <DT><A HREF=\"\(Escape.html(start))\">\(Escape.html(text.startURLBookmarkTitle))</A>")
        }
        for region in model.regions {
            // The recommended URL first, so it is the first one people see for the Region.
            let ordered = region.recommended.map { recommended in [recommended] + region.working.filter { $0 != recommended } } ?? region.working
            for entry in ordered {
                guard let url = entry.url else { continue }
                lines.append("        <DT><A HREF=\"\(Escape.html(url))\">\(Escape.html(text.bookmarkTitle(entry, region: region)))</A>")
            }
        }
        lines.append("    </DL><p>")
        lines.append("</DL><p>")
        return lines.joined(separator: "\n") + "\n"
    }
}
