import RaftCore
import RaftSimulation

/// A run as one self-contained HTML page: a space-time diagram with a lane per server, and every
/// server's full state for the step a person clicks.
///
/// The page needs no network: its style, script and data are inline. The data is the timeline as
/// JSON (`TimelineJSON`), and the script draws the diagram from it as SVG; the step list and the
/// verdict are also written as plain HTML, so the page still carries every step without scripts.
///
/// A long run is laid out in a window (`TimelineWindow`): the page shows its first and last steps,
/// with one row for the elided steps between them, so that its size stays bounded.
///
/// The page is well-formed XML as well as HTML (every element closed, script and style in CDATA
/// sections), so tests can parse it with any XML parser. After drawing, the script records what it
/// drew as `data-` attributes on `<body>` (lanes, arrows, marks, the violation, script errors), so a
/// headless browser can check the rendered page rather than its source.
public enum HTMLRendering {
    /// - Parameter title: what the page is about, usually the trace file's name.
    public static func render(_ timeline: Timeline, title: String) -> String {
        var html: [String] = []
        html.append("<!DOCTYPE html>")
        html.append("<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">")
        html.append("<head>")
        html.append("<meta charset=\"utf-8\"/>")
        html.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
        html.append("<title>raftlab trace: \(escape(title))</title>")
        html.append("<style>/*<![CDATA[*/\n\(HTMLPageStyle.css)\n/*]]>*/</style>")
        html.append("</head>")
        html.append("<body data-render=\"pending\">")
        html.append("<pre id=\"script-errors\" hidden=\"hidden\"></pre>")
        html.append("<script>//<![CDATA[\n\(HTMLPageScript.errorHook)\n//]]></script>")
        html.append("<header>")
        html.append("<h1>raftlab trace <span class=\"file\">\(escape(title))</span></h1>")
        html.append("<p class=\"about\">\(escape(TextRendering.about(timeline)))</p>")
        html.append("<p class=\"about\">bounds: \(escape(timeline.spec.summary))</p>")
        html.append(verdict(timeline))
        html.append("</header>")
        html.append("<main>")
        html.append("<section id=\"diagram\" aria-label=\"space-time diagram\">")
        html.append(
            "<p class=\"hint\">Time runs down, one lane per server. Click a step (or use the arrow keys) "
                + "to see every server's full state.</p>")
        html.append("<svg id=\"spacetime\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"></svg>")
        html.append("</section>")
        html.append("<aside id=\"details\" aria-live=\"polite\"><p>Loading the diagram&#8230;</p></aside>")
        html.append("</main>")
        if let clients = clientHistorySection(timeline) { html.append(clients) }
        html.append(stepList(timeline))
        html.append("<script type=\"application/json\" id=\"timeline-data\">\(embeddedJSON(timeline))</script>")
        html.append("<script>//<![CDATA[\n\(HTMLPageScript.drawing)\n//]]></script>")
        html.append("</body>")
        html.append("</html>")
        return html.joined(separator: "\n") + "\n"
    }

    private static func verdict(_ timeline: Timeline) -> String {
        var parts: [String] = []
        if let divergence = timeline.divergence {
            parts.append("<p class=\"verdict diverged\">\(escape(divergence.description))</p>")
        }
        if let violation = timeline.violation {
            let sentence = ViolationWords.sentence(violation, in: timeline)
            parts.append(
                "<p class=\"verdict violation\" id=\"verdict\" data-step=\"\(violation.step)\"><strong>VIOLATION of "
                    + "\(violation.invariant.rawValue) (\(escape(violation.invariant.title))) at step "
                    + "\(violation.step):</strong> \(escape(sentence))<br/><span class=\"rule\">"
                    + "\(escape(ViolationWords.rule(violation.invariant)))</span></p>")
        } else if let liveness = timeline.liveness {
            parts.append(
                "<p class=\"verdict violation liveness\" id=\"verdict\" data-step=\"\(liveness.step)\"><strong>"
                    + "\(escape(LivenessWords.heading(liveness))):</strong> \(escape(liveness.detail))<br/>"
                    + "<span class=\"rule\">\(escape(LivenessWords.budget(liveness))). "
                    + "\(escape(LivenessWords.rule))</span></p>")
        } else if timeline.divergence == nil {
            parts.append(
                "<p class=\"verdict ok\" id=\"verdict\">ok: no invariant violated in \(timeline.stepCount) steps</p>")
        }
        return parts.joined(separator: "\n")
    }

    /// Every step laid out as a list item, with the same row text as the text rendering; the
    /// elided middle of a long run is one item with its counts.
    private static func stepList(_ timeline: Timeline) -> String {
        let shown =
            timeline.elided.map { "The first \($0.first - 1) and last \(timeline.stepCount - $0.last) of" } ?? "All"
        var lines = ["<details id=\"step-list\"><summary>\(shown) \(timeline.stepCount) steps as text</summary>"]
        lines.append("<ol start=\"0\">")
        lines.append("<li data-step=\"0\">initial state</li>")
        for step in timeline.steps {
            var value = ""
            if let elided = timeline.elided, step.number == elided.last + 1 {
                lines.append("<li class=\"elided\" value=\"\(elided.first)\">\(escape(elided.summary))</li>")
                value = " value=\"\(step.number)\""
            }
            let violating = step.number == timeline.violatingStep ? " class=\"violating\"" : ""
            lines.append(
                "<li data-step=\"\(step.number)\"\(value)\(violating)>\(escape(TextRendering.cause(step)))</li>")
        }
        lines.append("</ol>")
        lines.append(
            "<pre class=\"text-rendering\">\(escape(TextRendering.table(timeline).joined(separator: "\n")))</pre>")
        lines.append("</details>")
        return lines.joined(separator: "\n")
    }

    /// The timeline JSON, made safe to sit inside a `<script>` element and an XML document: the
    /// characters `<`, `>` and `&` occur only inside JSON strings, where `\u` escapes mean the same.
    static func embeddedJSON(_ timeline: Timeline) -> String {
        var safe = ""
        for character in TimelineJSON.encode(timeline).encoded(pretty: false) {
            switch character {
            case "<": safe += "\\u003c"
            case ">": safe += "\\u003e"
            case "&": safe += "\\u0026"
            default: safe.append(character)
            }
        }
        return safe
    }

    /// Escapes text for HTML and XML element content and attribute values.
    static func escape<Text: StringProtocol>(_ text: Text) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
