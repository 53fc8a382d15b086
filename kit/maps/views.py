"""HTML fragments for the customer map's findings and tables, shared by the page and the report.

Every name a person typed goes through :func:`html.escape` here.
"""

from __future__ import annotations

from html import escape

from kit.maps.logic import MapSummary
from kit.maps.model import CustomerMap


def _output(c) -> str:
    what = f": {escape(c.handover)}" if c.handover else ""
    return f"<b>{escape(c.source)} → {escape(c.target)}</b>{what}"


def map_summary(summary: MapSummary) -> str:
    """Return what the map says: line of sight, flagged outputs, promises, bridges, loops.

    Every name and text on a map was typed by a person, so all of it is escaped.

    Examples
    --------
    >>> from kit.maps.files import example_map
    >>> from kit.maps.logic import analyse
    >>> shown = map_summary(analyse(example_map()))
    >>> "5 of 7 outputs (71%) reach a paying customer" in shown
    True
    >>> "<li class='kit-flagged'><b>Service planning → Records archive</b>" in shown  # no sight
    True
    """
    parts = []
    if not summary.outputs:
        if summary.has_team:
            return (
                "<div class='kit-note'>Your team has no outputs linked yet: link each thing "
                "it hands over to whoever receives it, and the line of sight to the paying "
                "customer appears here.</div>"
            )
        return (
            "<div class='kit-note'>Add your team, the people who receive its work and the "
            "paying customer, then link each output to who receives it: the line of sight "
            "to the paying customer appears here.</div>"
        )
    if not summary.has_team:
        parts.append(
            "<div class='kit-warn'>No element is marked as your own team, so every link is "
            'treated as an output. Mark your team as "own team" to focus on its outputs.</div>'
        )
    if not summary.has_customer:
        parts.append(
            "<div class='kit-warn'>The map has no paying (external) customer yet, so no output "
            "can have a line of sight. Add the customer who pays.</div>"
        )
    share = summary.share or 0.0
    kind = "kit-ok" if share == 1 else "kit-warn"
    parts.append(
        f"<div class='{kind} kit-sight' role='status'><b>Line of sight:</b> "
        f"{summary.with_sight} of {len(summary.outputs)} outputs "
        f"({share:.0%}) reach a paying customer.</div>"
    )
    if summary.flagged:
        items = "".join(
            f"<li class='kit-flagged'>{_output(s.connection)}"
            + (
                ""  # the question names the loop
                if s.loop
                else f"<br><span class='kit-muted'>The chain stops at "
                f"{escape(', '.join(s.ends) or s.connection.target)}.</span>"
            )
            + f"<br><i>For the team:</i> {escape(s.question())}</li>"
            for s in summary.flagged
        )
        parts.append(
            "<h4>Outputs with no line of sight to a paying customer</h4>"
            "<p class='kit-muted'>Work nobody outside values, or a missing link: worth a "
            f"conversation either way.</p><ul>{items}</ul>"
        )
    reached = [s for s in summary.outputs if s.reaches]
    if reached:
        rows = "".join(
            f"<tr><td>{_output(s.connection)}</td><td>{escape(' → '.join(s.path))}</td>"
            f"<td>{'yes' if s.bridged else '<b>no bridge</b>'}</td></tr>"
            for s in reached
        )
        parts.append(
            "<table class='kit-table'><caption>Outputs that reach a paying customer</caption>"
            "<thead><tr><th>Output</th><th>Chain to the paying customer</th>"
            f"<th>Bridge on the chain</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    if summary.unbridged:
        items = "".join(f"<li>{_output(s.connection)}</li>" for s in summary.unbridged)
        parts.append(
            "<h4>Chains with no bridge</h4><p class='kit-muted'>Nobody on these chains is marked "
            "as crossing between the operations side and the customer-facing side. Who could "
            f"carry what the customer needs back to the people doing the work?</p><ul>{items}</ul>"
        )
    if summary.missing_promise:
        items = "".join(f"<li>{_output(c)}</li>" for c in summary.missing_promise)
        parts.append(
            "<h4>Outputs with no value-promise sentence yet</h4><p class='kit-muted'>Write one "
            "sentence for each: how does it help keep the promise to the paying customer?</p>"
            f"<ul>{items}</ul>"
        )
    if summary.loops:
        items = "".join(f"<li>{escape(' → '.join(loop))}</li>" for loop in summary.loops)
        parts.append(
            "<h4>Loops</h4><p class='kit-muted'>Allowed, and sometimes real (reviews, rework), "
            f"but work can circle here without reaching a customer.</p><ul>{items}</ul>"
        )
    if summary.unconnected:
        names = ", ".join(summary.unconnected)
        parts.append(f"<p class='kit-muted'>Not linked to anything yet: {escape(names)}.</p>")
    return "".join(parts)


MAP_LEGEND = (
    "<p class='kit-muted kit-legend'>Blue: your team · grey: internal customers · orange: "
    "paying customers · thick border: a bridge between operations and the customer side · "
    "red dashed: no line of sight · orange dotted: a chain to a customer with no bridge · "
    "purple: a loop.</p>"
)


def map_tables(cmap: CustomerMap) -> str:
    """Return the map's elements and links as tables (for the report).

    Examples
    --------
    >>> from kit.maps.files import example_map
    >>> tables = map_tables(example_map())
    >>> tables.count("<tr><td>"), "<td>Hospitals</td><td>emergency call-outs</td>" in tables
    (28, True)
    """
    elements = "".join(
        f"<tr><td>{escape(e.name)}</td><td>{escape(e.kind)}</td>"
        f"<td>{'yes' if e.bridge else ''}</td><td>{escape(e.notes)}</td></tr>"
        for e in cmap.elements
    )
    links = "".join(
        f"<tr><td>{escape(c.source)}</td><td>{escape(c.target)}</td><td>{escape(c.handover)}</td>"
        f"<td>{escape(c.level)}</td><td>{escape(c.promise)}</td></tr>"
        for c in cmap.connections
    )
    return (
        "<table class='kit-table'><caption>Elements</caption><thead><tr><th>Name</th>"
        "<th>Kind</th><th>Bridge</th><th>Notes</th></tr></thead>"
        f"<tbody>{elements}</tbody></table>"
        "<table class='kit-table'><caption>Outputs and who receives them</caption><thead><tr>"
        "<th>From</th><th>To</th><th>Output</th><th>Relationship</th><th>Value promise</th>"
        f"</tr></thead><tbody>{links}</tbody></table>"
    )
