/// The page's style sheet, with no web fonts or images: the page must render with no network.
enum HTMLPageStyle {
    static let css = #"""
        :root { --ink: #1d2330; --muted: #6b7385; --line: #d5d9e2; --leader: #1f5fbf; --candidate: #d07a00;
          --follower: #8a93a6; --down: #c4c8d0; --vote: #7a3fb0; --append: #1e8a4c; --bad: #c62828; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fafbfc; }
        header { padding: 12px 20px; border-bottom: 1px solid var(--line); background: #fff; }
        h1 { font-size: 18px; margin: 0 0 4px; }
        h1 .file { font-weight: normal; color: var(--muted); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 14px; }
        h2 { font-size: 15px; margin: 14px 0 6px; }
        .about { margin: 2px 0; color: var(--muted); }
        .verdict { margin: 8px 0 0; padding: 8px 10px; border-radius: 6px; }
        .verdict.violation { background: #fde8e8; border: 1px solid #f3b4b4; }
        .verdict.ok { background: #e6f4ea; border: 1px solid #a8d5b5; }
        .verdict.diverged { background: #fff3e0; border: 1px solid #ffcc80; }
        .verdict .rule { color: var(--muted); }
        main { display: flex; align-items: flex-start; gap: 0; }
        #diagram { flex: 1 1 auto; overflow: auto; padding: 8px 12px; min-width: 0; }
        .hint { color: var(--muted); margin: 0 0 6px; }
        #details { flex: 0 0 480px; position: sticky; top: 0; max-height: 100vh; overflow: auto; padding: 8px 16px;
          background: #fff; border-left: 1px solid var(--line); }
        #script-errors { background: #fde8e8; color: var(--bad); margin: 0; padding: 8px 20px; }
        svg text { font: 12px ui-monospace, Menlo, Consolas, monospace; fill: var(--ink); }
        svg .lane-name { font-weight: bold; font-size: 13px; }
        svg .step-number { fill: var(--muted); }
        svg .cause { fill: var(--ink); }
        svg .elided { fill: var(--muted); font-style: italic; }
        svg .seg { stroke-width: 2; }
        svg .seg.follower { stroke: var(--follower); }
        svg .seg.candidate { stroke: var(--candidate); stroke-width: 3; stroke-dasharray: 5 3; }
        svg .seg.leader { stroke: var(--leader); stroke-width: 6; }
        svg .seg.down { stroke: var(--down); stroke-dasharray: 1 4; }
        svg .badge rect { rx: 3; }
        svg .badge.leader rect { fill: var(--leader); }
        svg .badge.candidate rect { fill: var(--candidate); }
        svg .badge.term rect { fill: #eef0f4; stroke: var(--line); }
        svg .badge text { font-size: 11px; }
        svg .badge.leader text, svg .badge.candidate text { fill: #fff; }
        svg .arrow { fill: none; stroke-width: 1.6; }
        svg .arrow.RequestVote, svg .arrow.RequestVoteResponse { stroke: var(--vote); }
        svg .arrow.AppendEntries, svg .arrow.AppendEntriesResponse { stroke: var(--append); }
        svg .arrow.dropped, svg .arrow.cut { stroke-dasharray: 4 3; opacity: 0.8; }
        svg .arrow.in-flight { stroke-dasharray: 2 3; opacity: 0.55; }
        svg .arrow.copy { stroke-dasharray: 7 2 1 2; }
        svg .mark.crash line { stroke: var(--bad); stroke-width: 3; }
        svg .mark.dropped line, svg .mark.cut line { stroke: var(--bad); stroke-width: 2; }
        svg .mark.restart circle { fill: #e6f4ea; stroke: var(--append); stroke-width: 2; }
        svg .mark.restart text { font-size: 10px; fill: var(--append); }
        svg .mark.timeout circle { fill: #fff; stroke: var(--candidate); stroke-width: 2; }
        svg .mark.heartbeat circle { fill: var(--leader); }
        svg .mark.client path { fill: var(--ink); }
        svg .mark.duplicate text { fill: var(--vote); font-weight: bold; }
        svg .partition-band { fill: #ffe9d6; opacity: 0.6; }
        svg .partition-side { fill: #ffb74d; opacity: 0.25; }
        svg .partition-label { fill: #a35200; }
        svg .violation-band { fill: #ffcdd2; }
        svg .violation-ring { fill: none; stroke: var(--bad); stroke-width: 3; }
        svg .violation-label { fill: var(--bad); font-weight: bold; }
        svg .row-hit { fill: transparent; cursor: pointer; }
        svg .row-hit:hover { fill: rgba(31, 95, 191, 0.06); }
        svg .selection { fill: rgba(255, 214, 64, 0.3); stroke: #d4a000; stroke-width: 1.5; }
        #details table { border-collapse: collapse; width: 100%; margin-bottom: 10px; }
        #details th, #details td { text-align: left; vertical-align: top; padding: 2px 6px; border-bottom: 1px solid #eef0f4; }
        #details th { color: var(--muted); font-weight: normal; width: 120px; }
        #details .server h3 { margin: 12px 0 4px; font-size: 14px; }
        #details .server.leader h3 { color: var(--leader); }
        #details .server.candidate h3 { color: var(--candidate); }
        #details .server.down h3 { color: var(--muted); }
        #details .involved { outline: 2px solid var(--bad); outline-offset: 2px; border-radius: 4px; }
        #details code, .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
        #details .entry { display: inline-block; margin: 1px 2px; padding: 0 4px; border-radius: 3px; background: #eef0f4; }
        #details .entry.committed { background: #d7efdf; }
        #details .events { color: var(--leader); }
        #details .violation-note { color: var(--bad); font-weight: bold; }
        #step-list { margin: 12px 20px 24px; }
        #step-list li { cursor: pointer; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
        #step-list li.violating { color: var(--bad); font-weight: bold; }
        #step-list li.elided { color: var(--muted); font-style: italic; }
        #step-list .text-rendering { overflow: auto; font-size: 11px; background: #fff; border: 1px solid var(--line); padding: 8px; }
        """#
}
