import HeraldCore

/// The console's HTML: escaping, the page frame, tables and small SVG
/// charts. Server-rendered and self-contained (no CDN, no inline script or
/// style: the Content-Security-Policy allows only the console's own assets).
enum ConsoleHTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// The sections of the console, in the navigation's order.
    enum Section: String, CaseIterable {
        case campaigns, channels, messages, events

        var title: String {
            switch self {
            case .campaigns: "Campaigns"
            case .channels: "Channels & providers"
            case .messages: "Messages"
            case .events: "Event subscriptions"
            }
        }
    }

    /// A whole page: navigation, who is logged in (with a logout form), and
    /// `body` in a `main` that the console's script refreshes every few
    /// seconds when `live`.
    static func page(title: String, section: Section?, user: String?, csrf: String?, live: Bool, body: String) -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Herald</title>
            <link rel="stylesheet" href="/console/assets/console.css">
            <script src="/console/assets/console.js" defer></script>
            </head><body><header><a class="brand" href="/console">Herald</a>
            """
        if let user, let csrf {
            html += "<nav>"
            for item in Section.allCases {
                let current = item == section ? " aria-current=\"page\"" : ""
                html += "<a href=\"/console/\(item.rawValue)\"\(current)>\(item.title)</a>"
            }
            html += "</nav><form class=\"logout\" method=\"post\" action=\"/console/logout\">"
                + hiddenCSRF(csrf) + "<span>\(escape(user))</span> <button type=\"submit\">Log out</button></form>"
        }
        html += "</header><main\(live ? " data-live=\"5\"" : "")><h1>\(escape(title))</h1>\(body)</main></body></html>"
        return html
    }

    static func hiddenCSRF(_ token: String) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(token))\">"
    }

    /// A table; `rows` are cells already in HTML.
    static func table(_ headers: [String], _ rows: [[String]], id: String? = nil) -> String {
        var html = "<table" + (id.map { " id=\"\(escape($0))\"" } ?? "") + "><thead><tr>"
        for header in headers { html += "<th>\(escape(header))</th>" }
        html += "</tr></thead><tbody>"
        if rows.isEmpty { html += "<tr><td colspan=\"\(headers.count)\" class=\"empty\">Nothing yet.</td></tr>" }
        for row in rows { html += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>" }
        return html + "</tbody></table>"
    }

    /// A horizontal bar per step, widths relative to the largest: a funnel.
    static func funnel(_ steps: [(label: String, value: Int)], id: String) -> String {
        let top = max(steps.map(\.value).max() ?? 0, 1)
        let rowHeight = 26, width = 520, labelWidth = 110
        var svg = "<svg id=\"\(id)\" class=\"chart\" role=\"img\" aria-label=\"funnel\" viewBox=\"0 0 \(width + 90) \(steps.count * rowHeight)\" width=\"\(width + 90)\" height=\"\(steps.count * rowHeight)\">"
        for (index, step) in steps.enumerated() {
            let y = index * rowHeight
            let bar = Int(Double(width - labelWidth) * Double(step.value) / Double(top))
            svg += "<text x=\"0\" y=\"\(y + 17)\" class=\"label\">\(escape(step.label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(max(bar, 1))\" height=\"18\" class=\"bar\"></rect>"
            svg += "<text x=\"\(labelWidth + max(bar, 1) + 6)\" y=\"\(y + 17)\" class=\"value\" data-step=\"\(escape(step.label))\">\(step.value)</text>"
        }
        return svg + "</svg>"
    }

    /// A progress bar: `done` of `total`.
    static func progress(done: Int, total: Int) -> String {
        let share = total > 0 ? Double(done) / Double(total) : 0
        let width = 400
        return "<svg class=\"chart\" role=\"img\" aria-label=\"progress\" viewBox=\"0 0 \(width) 16\" width=\"\(width)\" height=\"16\">"
            + "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"16\" class=\"track\"></rect>"
            + "<rect x=\"0\" y=\"0\" width=\"\(Int(Double(width) * share))\" height=\"16\" class=\"bar\"></rect></svg>"
            + " <span class=\"muted\">\(done) of \(total) (\(Int((share * 100).rounded())) %)</span>"
    }

    /// A line over `values` (oldest first), scaled to its own maximum.
    static func sparkline(_ values: [Int], label: String) -> String {
        let width = 180, height = 32
        let top = max(values.max() ?? 0, 1)
        let step = values.count > 1 ? Double(width) / Double(values.count - 1) : 0
        let points = values.enumerated().map { index, value in
            "\(Int(Double(index) * step)),\(height - 2 - Int(Double(height - 4) * Double(value) / Double(top)))"
        }.joined(separator: " ")
        return "<svg class=\"spark\" role=\"img\" aria-label=\"\(escape(label))\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">"
            + "<polyline points=\"\(points)\" class=\"line\"></polyline></svg>"
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: "%.1f %%", value * 100)
    }
}
