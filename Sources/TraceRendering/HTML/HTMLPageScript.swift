/// The page's scripts: an error hook that runs first, and the drawing of the diagram and the
/// state panel from the embedded timeline JSON.
///
/// The drawing script ends by writing what it drew onto `<body>` as `data-` attributes; the
/// browser check (`.ci/browser-check`) reads them from the rendered DOM. The scripts must not
/// contain the text `]]>` (they sit in CDATA sections) nor `</script`.
enum HTMLPageScript {
    /// Records every uncaught error into `#script-errors` and counts them on `<body>`.
    static let errorHook = #"""
        (function () {
          var count = 0;
          function record(text) {
            count += 1;
            var box = document.getElementById("script-errors");
            if (box) { box.hidden = false; box.textContent += "script error: " + text + "\n"; }
            document.body.setAttribute("data-script-errors", String(count));
          }
          document.body.setAttribute("data-script-errors", "0");
          window.onerror = function (message, source, line, column) {
            record(message + " (line " + line + ":" + column + ")");
          };
          window.addEventListener("unhandledrejection", function (event) { record(String(event.reason)); });
        })();
        """#

    /// Draws the space-time diagram and the state panel, and handles step selection.
    static let drawing = #"""
        (function () {
          "use strict";
          var data = JSON.parse(document.getElementById("timeline-data").textContent);
          var SVG = "http://www.w3.org/2000/svg";
          var svg = document.getElementById("spacetime");
          var servers = data.servers;
          var steps = data.steps;
          var last = steps.length - 1;
          var lastNumber = steps[last].number;
          var violation = data.violation;
          // A long run elides its middle: one row stands for all of the elided steps.
          var elided = data.elided || null;
          function rowOf(number) {
            if (!elided || number < elided.first) { return number; }
            return number <= elided.last ? elided.first : number - elided.steps + 1;
          }
          function stepIndex(number) {
            if (!elided || number < elided.first) { return number; }
            return number <= elided.last ? elided.first : number - elided.steps;
          }

          var gutter = 56, laneLeft = gutter + 48, laneGap = 150, top = 58, rowH = 24;
          var lanesRight = laneLeft + (servers.length - 1) * laneGap + 60;
          var textLeft = lanesRight + 12;
          var longest = 0;
          steps.forEach(function (step) { longest = Math.max(longest, causeText(step).length); });
          if (violation) { longest = Math.max(longest, causeText(steps[Math.min(stepIndex(violation.step), last)]).length + violation.sentence.length + 20); }
          if (elided) { longest = Math.max(longest, elided.summary.length); }
          var width = textLeft + Math.max(360, longest * 7.4 + 20);
          var height = top + (rowOf(lastNumber) + 1) * rowH + 24;
          svg.setAttribute("width", String(width));
          svg.setAttribute("height", String(height));
          svg.setAttribute("viewBox", "0 0 " + width + " " + height);

          function laneX(name) { return laneLeft + servers.indexOf(name) * laneGap; }
          function rowY(number) { return top + rowOf(number) * rowH + rowH / 2; }
          function causeText(step) { return step.action + (step.events.length ? "  => " + step.events.join("; ") : ""); }

          function el(name, attributes, parent, text) {
            var node = document.createElementNS(SVG, name);
            for (var key in attributes) { node.setAttribute(key, String(attributes[key])); }
            if (text !== undefined) { node.textContent = text; }
            (parent || svg).appendChild(node);
            return node;
          }
          function tip(node, text) { el("title", {}, node, text); return node; }

          // Arrow heads, one per message colour.
          var defs = el("defs", {});
          [["vote", "#7a3fb0"], ["append", "#1e8a4c"]].forEach(function (pair) {
            var marker = el("marker", { id: "head-" + pair[0], viewBox: "0 0 10 10", refX: 9, refY: 5,
              markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
            el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: pair[1] }, marker);
          });

          var layers = {};
          ["bands", "selection", "lanes", "arrows", "marks", "labels", "hits"].forEach(function (name) {
            layers[name] = el("g", { "class": "layer-" + name });
          });

          // Partitions: a band over the steps they last, and the isolated side's lanes shaded.
          var partitionStart = null, partitionSide = null, partitions = 0;
          function closePartition(endRow) {
            var y1 = rowY(partitionStart) - rowH / 2, y2 = rowY(endRow) - rowH / 2;
            tip(el("rect", { "class": "partition-band", x: 0, y: y1, width: lanesRight, height: y2 - y1 }, layers.bands),
              "partition: " + partitionSide.join(",") + " cut off from the rest");
            partitionSide.forEach(function (name) {
              el("rect", { "class": "partition-side", x: laneX(name) - 22, y: y1, width: 44, height: y2 - y1 }, layers.bands);
            });
            partitions += 1;
          }
          steps.forEach(function (step) {
            if (elided && step.number === elided.last + 1) {
              // Whether a partition was in force across the elided steps' end, as far as the next step shows.
              var inForce = step.kind === "heal" || (step.partition !== null && step.kind !== "partition");
              if (partitionStart !== null && !inForce) { closePartition(step.number); partitionStart = null; }
              if (partitionStart === null && inForce) { partitionStart = elided.first; partitionSide = step.partition || []; }
            }
            if (step.kind === "partition") { partitionStart = step.number; partitionSide = step.partition || []; }
            if (step.kind === "heal" && partitionStart !== null) { closePartition(step.number); partitionStart = null; }
          });
          if (partitionStart !== null) { closePartition(lastNumber + 1); }

          // The violating step: a red band, the involved servers ringed, and the invariant named.
          var violationDrawn = false;
          if (violation && violation.step <= lastNumber) {
            var vy = rowY(violation.step);
            tip(el("rect", { id: "violation-mark", "class": "violation-band", x: 0, y: vy - rowH / 2, width: width,
              height: rowH }, layers.bands), "VIOLATION of " + violation.invariant + ": " + violation.sentence);
            violation.servers.forEach(function (name) {
              el("circle", { "class": "violation-ring", cx: laneX(name), cy: vy, r: 10 }, layers.marks);
            });
            violationDrawn = true;
          }

          // Selection highlight, moved by select().
          var selection = el("rect", { "class": "selection", x: 0, y: 0, width: width, height: rowH, visibility: "hidden" },
            layers.selection);

          // Lanes: one group per server, a segment per step styled by the server's role after it.
          var lanesDrawn = 0;
          servers.forEach(function (name, index) {
            var lane = el("g", { "class": "lane", "data-server": name }, layers.lanes);
            el("text", { "class": "lane-name", x: laneX(name), y: 20, "text-anchor": "middle" }, lane, name);
            var previous = null;
            steps.forEach(function (step) {
              var state = step.servers[index];
              var y1 = rowY(step.number), y2 = step.number === lastNumber ? y1 + rowH / 2 : rowY(step.number + 1);
              tip(el("line", { "class": "seg " + state.role, x1: laneX(name), y1: y1, x2: laneX(name), y2: y2 }, lane),
                name + " after step " + step.number + ": " + state.role + " term " + state.term);
              var kind = null;
              if (state.role === "leader" && (!previous || previous.role !== "leader" || previous.term !== state.term)) {
                kind = "leader";
              } else if (state.role === "candidate" && (!previous || previous.role !== "candidate" || previous.term !== state.term)) {
                kind = "candidate";
              } else if (previous && previous.term !== state.term) {
                kind = "term";
              }
              if (kind) { badge(lane, laneX(name) + 8, y1, kind, (kind === "term" ? "" : kind === "leader" ? "L " : "C ") + "t" + state.term); }
              previous = state;
            });
            lanesDrawn += 1;
          });
          function badge(parent, x, y, kind, text) {
            var group = el("g", { "class": "badge " + kind }, parent);
            el("rect", { x: x, y: y - 8, width: text.length * 7 + 8, height: 16 }, group);
            el("text", { x: x + 4, y: y + 4 }, group, text);
          }

          // Messages: an arrow from the sending step on the sender's lane to the step that ended it.
          var arrows = 0, marks = 0;
          data.flights.forEach(function (flight, index) {
            var x1 = laneX(flight.from), y1 = rowY(flight.sent), x2 = laneX(flight.to);
            var end = flight.ended === null ? lastNumber + 0.5 : flight.ended;
            var y2 = rowY(end);
            var reach = flight.fate === "delivered" ? 1 : flight.fate === "in-flight" ? 0.5 : 0.65;
            var xEnd = x1 + (x2 - x1) * reach, yEnd = y2;
            var family = flight.type.indexOf("Vote") >= 0 ? "vote" : "append";
            var attributes = { "class": "arrow " + flight.type + " " + flight.fate + (flight.copyOf !== null ? " copy" : ""),
              x1: x1, y1: y1, x2: xEnd, y2: yEnd, "data-flight": index };
            if (flight.fate === "delivered") { attributes["marker-end"] = "url(#head-" + family + ")"; }
            tip(el("line", attributes, layers.arrows), flight.label + " " + flight.from + "->" + flight.to + ", sent at step " +
              flight.sent + (flight.ended === null ? ", still in flight" : ", " + flight.fate + " at step " + flight.ended));
            arrows += 1;
            if (flight.fate === "dropped" || flight.fate === "cut") {
              cross(xEnd, yEnd, flight.fate, (flight.fate === "dropped" ? "dropped: " : "lost to the partition: ") + flight.label);
            }
          });
          function cross(x, y, kind, text) {
            var group = tip(el("g", { "class": "mark " + kind }, layers.marks), text);
            el("line", { x1: x - 5, y1: y - 5, x2: x + 5, y2: y + 5 }, group);
            el("line", { x1: x - 5, y1: y + 5, x2: x + 5, y2: y - 5 }, group);
            marks += 1;
          }

          // Marks for everything that is not a delivery: timers, requests, faults.
          steps.forEach(function (step) {
            if (step.number === 0) { return; }
            var y = rowY(step.number);
            var who = step.actor.length ? step.actor[0] : null;
            var x = who ? laneX(who) : 0;
            var group;
            switch (step.kind) {
              case "crash":
                group = tip(el("g", { "class": "mark crash" }, layers.marks), step.action);
                el("line", { x1: x - 8, y1: y - 8, x2: x + 8, y2: y + 8 }, group);
                el("line", { x1: x - 8, y1: y + 8, x2: x + 8, y2: y - 8 }, group);
                break;
              case "restart":
                group = tip(el("g", { "class": "mark restart" }, layers.marks), step.action);
                el("circle", { cx: x, cy: y, r: 8 }, group);
                el("text", { x: x, y: y + 3.5, "text-anchor": "middle" }, group, "R");
                break;
              case "takeSnapshot":
                group = tip(el("g", { "class": "mark restart" }, layers.marks), step.action);
                el("rect", { x: x - 8, y: y - 8, width: 16, height: 16 }, group);
                el("text", { x: x, y: y + 3.5, "text-anchor": "middle" }, group, "S");
                break;
              case "electionTimeout":
                group = tip(el("g", { "class": "mark timeout" }, layers.marks), step.action);
                el("circle", { cx: x, cy: y, r: 5 }, group);
                break;
              case "heartbeatTimeout":
                group = tip(el("g", { "class": "mark heartbeat" }, layers.marks), step.action);
                el("circle", { cx: x, cy: y, r: 3.5 }, group);
                break;
              case "clientRequest":
                group = tip(el("g", { "class": "mark client" }, layers.marks), step.action);
                el("path", { d: "M " + (x - 20) + " " + (y - 5) + " L " + (x - 8) + " " + y + " L " + (x - 20) + " " + (y + 5) + " z" }, group);
                break;
              case "duplicate":
                var flight = data.flights[step.flight];
                group = tip(el("g", { "class": "mark duplicate" }, layers.marks), step.action);
                el("text", { x: flight ? laneX(flight.from) + 8 : x, y: y + 4 }, group, "x2");
                break;
              case "partition":
                el("text", { "class": "partition-label", x: 4, y: y + 4 }, layers.labels, "cut");
                group = null; marks -= 1;
                break;
              case "heal":
                el("text", { "class": "partition-label", x: 4, y: y + 4 }, layers.labels, "heal");
                group = null; marks -= 1;
                break;
              default:
                marks -= 1;
            }
            marks += 1;
          });

          // Step numbers on the left, the cause of each step on the right.
          var hits = [];
          if (elided) {
            el("text", { "class": "step-number elided", x: gutter - 6, y: rowY(elided.first) + 4, "text-anchor": "end" },
              layers.labels, "...");
            el("text", { "class": "cause elided", x: textLeft, y: rowY(elided.first) + 4 }, layers.labels, elided.summary);
          }
          steps.forEach(function (step, index) {
            var y = rowY(step.number);
            el("text", { "class": "step-number", x: gutter - 6, y: y + 4, "text-anchor": "end" }, layers.labels, String(step.number));
            var cause = el("text", { "class": "cause", x: textLeft, y: y + 4 }, layers.labels, causeText(step));
            if (violation && step.number === violation.step) {
              cause.setAttribute("class", "cause violation-label");
              cause.textContent = "VIOLATION " + violation.invariant + ": " + violation.sentence + "  (" + causeText(step) + ")";
            }
            var hit = el("rect", { "class": "row-hit", x: 0, y: y - rowH / 2, width: width, height: rowH,
              "data-step": step.number }, layers.hits);
            hit.addEventListener("click", function () { select(index); });
            hits.push(hit);
          });
          el("text", { "class": "step-number", x: gutter - 6, y: 40, "text-anchor": "end" }, layers.labels, "step");
          el("text", { "class": "step-number", x: textLeft, y: 40 }, layers.labels, "cause");

          // The state panel: every server's full state after the selected step.
          var details = document.getElementById("details");
          var selected = 0;
          function add(parent, tag, text, className) {
            var node = document.createElement(tag);
            if (text !== undefined && text !== null) { node.textContent = text; }
            if (className) { node.className = className; }
            parent.appendChild(node);
            return node;
          }
          function row(table, label, value) {
            var tr = add(table, "tr");
            add(tr, "th", label);
            var td = add(tr, "td");
            if (typeof value === "string") { td.textContent = value; } else { td.appendChild(value); }
            return tr;
          }
          function entries(list, committedUpTo, base) {
            var span = document.createElement("span");
            base = base || 0;
            if (base > 0) { add(span, "code", "1.." + base + ": snapshot", "entry committed"); }
            if (!list.length && base === 0) { span.textContent = "(empty)"; return span; }
            list.forEach(function (entry, offset) {
              var index = base + offset + 1;
              add(span, "code", index + ": " + entry, "entry" + (index <= committedUpTo ? " committed" : ""));
            });
            return span;
          }
          function names(list) { return list && list.length ? list.join(", ") : "none"; }
          function select(index) {
            selected = Math.max(0, Math.min(last, index));
            var step = steps[selected];
            selection.setAttribute("y", String(rowY(step.number) - rowH / 2));
            selection.setAttribute("visibility", "visible");
            details.textContent = "";
            add(details, "h2", "After step " + step.number);
            add(details, "p", step.action, "mono");
            if (step.events.length) { add(details, "p", step.events.join("; "), "events"); }
            var involved = [];
            if (violation && violation.step === step.number) {
              add(details, "p", "VIOLATION of " + violation.invariant + " (" + violation.title + "): " + violation.sentence,
                "violation-note");
              add(details, "p", violation.rule);
              involved = violation.servers;
            }
            step.servers.forEach(function (state) {
              var box = add(details, "div", null, "server " + state.role + (involved.indexOf(state.name) >= 0 ? " involved" : ""));
              add(box, "h3", state.name + ": " + state.role + (state.up ? "" : " (crashed)") + ", term " + state.term);
              var table = add(box, "table");
              if (state.up) {
                row(table, "voted for", state.votedFor || "nobody");
                row(table, "commit index", String(state.commitIndex));
                row(table, "last applied", String(state.lastApplied));
                if (state.role === "follower") { row(table, "known leader", state.knownLeader || "unknown"); }
                if (state.role === "candidate") { row(table, "votes granted", names(state.votesGranted)); }
                if (state.role === "leader") {
                  row(table, "nextIndex", servers.map(function (n, i) { return n + "=" + state.nextIndex[i]; }).join("  "));
                  row(table, "matchIndex", servers.map(function (n, i) { return n + "=" + state.matchIndex[i]; }).join("  "));
                  if (state.pendingReads) { row(table, "pending reads", state.pendingReads.length ? state.pendingReads.join("; ") : "none"); }
                }
                if (state.snapshot) { row(table, "snapshot", state.snapshot); }
                row(table, "log", entries(state.log, state.commitIndex, state.logBase));
              }
              row(table, "disk", "term " + state.disk.term + ", voted for " + (state.disk.votedFor || "nobody"));
              if (state.disk.snapshot) { row(table, "disk snapshot", state.disk.snapshot); }
              row(table, "disk log", entries(state.disk.log, 0, state.disk.logBase));
              row(table, "state machine", state.stateMachine || "(empty)");
            });
            add(details, "h2", "Network and history");
            var world = add(details, "table");
            row(world, "in flight", step.network.length ? step.network.join("\n") : "nothing").lastChild.style.whiteSpace = "pre-wrap";
            row(world, "partition", step.partition ? step.partition.join(",") + " cut off from the rest" : "none");
            row(world, "leaders", step.leaders.length ? step.leaders.map(function (l) {
              return "term " + l.term + ": " + l.servers.join(",");
            }).join("; ") : "none yet");
            row(world, "committed", step.committed.length ? step.committed.map(function (e, i) {
              return (i + 1) + ": " + e;
            }).join("  ") : "nothing yet");
            var spent = step.spent;
            row(world, "faults spent", "requests " + spent.clientRequests + ", crashes " + spent.crashes + ", drops " +
              spent.drops + ", duplicates " + spent.duplicates + ", partitions " + spent.partitions +
              (spent.snapshots ? ", snapshots " + spent.snapshots : ""));
            document.body.setAttribute("data-selected-step", String(step.number));
          }
          document.querySelectorAll("#step-list li[data-step]").forEach(function (item) {
            item.addEventListener("click", function () { select(stepIndex(Number(item.getAttribute("data-step")))); });
          });
          document.addEventListener("keydown", function (event) {
            var next = event.key === "ArrowDown" || event.key === "j" ? selected + 1
              : event.key === "ArrowUp" || event.key === "k" ? selected - 1 : null;
            if (next === null) { return; }
            select(next);
            hits[selected].scrollIntoView({ block: "nearest" });
            event.preventDefault();
          });
          select(violation && violation.step <= lastNumber ? stepIndex(violation.step) : 0);

          // What was drawn, for the browser check: counted from the rendered SVG, not from the data.
          function drawn(selector) {
            var count = 0;
            svg.querySelectorAll(selector).forEach(function (node) {
              var box = node.getBBox();
              if (box.width > 0 || box.height > 0) { count += 1; }
            });
            return count;
          }
          var body = document.body;
          body.setAttribute("data-servers", String(servers.length));
          body.setAttribute("data-steps", String(lastNumber));
          if (elided) { body.setAttribute("data-elided", String(elided.steps)); }
          body.setAttribute("data-lanes", String(drawn("g.lane")));
          body.setAttribute("data-lanes-expected", String(lanesDrawn));
          body.setAttribute("data-arrows", String(drawn("line.arrow")));
          body.setAttribute("data-flights", String(data.flights.length));
          body.setAttribute("data-marks", String(marks));
          body.setAttribute("data-partitions", String(partitions));
          body.setAttribute("data-violation", violation ? violation.invariant : "none");
          body.setAttribute("data-violation-drawn", violation ? String(violationDrawn && drawn("#violation-mark") === 1) : "none");
          body.setAttribute("data-render", "done");
        })();
        """#
}
