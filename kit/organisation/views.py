"""The value-chain check as HTML: the one-page picture, the cascade, the plan, the team's picture.

Plain HTML, escaped wherever a person typed the text, so the same markup
serves the page, the downloadable report (made for a leadership meeting)
and the coach dashboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from kit.organisation.logic import ChainPicture, TeamChain, gap_label
from kit.organisation.model import ChainContent, ValueChainCheck
from kit.team.anonymity import NO_ANSWERS, Audience, Figure, disclose

SEVERITY = {3: "a large gap", 2: "a medium gap", 1: "a small gap"}


def stations_html(p: ChainPicture) -> str:
    """The role families from the top down, each marked reached, weakened or stopped.

    Examples
    --------
    >>> from kit.organisation.logic import Station
    >>> p = ChainPicture((Station("managers", "Managers", True, ("no <metric>",)),), (), (), (), ())
    >>> "no &lt;metric&gt;" in stations_html(p)
    True
    """
    rows = []
    stop = p.stops_at
    for s in p.stations:
        if not s.answered:
            mark, cls, said = "…", "kit-muted", "not answered yet"
        elif s.stops:
            mark, cls, said = "✕", "kit-chain-stop", "; ".join(s.breaks)
        elif s.weak:
            mark, cls, said = "!", "kit-chain-weak", "; ".join(s.weak)
        else:
            mark, cls, said = "✓", "kit-chain-ok", "customer focus reaches them"
        here = " <strong>← focus stops here</strong>" if stop is not None and s is stop else ""
        rows.append(
            f"<li class='{cls}'><span aria-hidden='true'>{mark}</span> "
            f"<strong>{escape(s.name)}</strong>: {escape(said)}{here}</li>"
        )
    return (
        f"<ol class='kit-chain' aria-label='Customer focus, from the top down'>{''.join(rows)}</ol>"
    )


def gaps_html(p: ChainPicture, limit: int = 3) -> str:
    """The largest gaps, each with its next step."""
    if not p.gaps:
        return "<p class='kit-muted'>No gaps found in what is answered so far.</p>"
    items = "".join(
        f"<li><strong>{escape(g.title)}</strong> <span class='kit-muted'>({SEVERITY[g.severity]})"
        f"</span><br>Next step{' (yours)' if g.own else ''}: {escape(g.step)}</li>"
        for g in p.gaps[:limit]
    )
    more = len(p.gaps) - limit
    tail = (
        f"<p class='kit-muted'>{more} smaller gap{'s' if more != 1 else ''} below.</p>"
        if more > 0
        else ""
    )
    return f"<ol class='kit-gaps'>{items}</ol>{tail}"


def picture_html(check: ValueChainCheck, p: ChainPicture, content: ChainContent) -> str:
    """The one-page picture: where focus stops, the three largest gaps, the mismatches.

    Examples
    --------
    >>> from kit.organisation.content import chain_content
    >>> from kit.organisation.logic import picture
    >>> check = ValueChainCheck(promise="<b>Fast</b>")
    >>> page = picture_html(check, picture(check, chain_content()), chain_content())
    >>> "&lt;b&gt;Fast&lt;/b&gt;" in page and "<b>Fast</b>" not in page
    True
    """
    parts = [
        "<div class='kit-chain-picture'>",
        f"<p class='kit-lead'>{escape(p.sentence())}</p>",
    ]
    if check.customer or check.promise:
        parts.append(
            "<p>"
            + (
                f"<strong>Paying customer:</strong> {escape(check.customer)}<br>"
                if check.customer
                else ""
            )
            + (f"<strong>Value promise:</strong> {escape(check.promise)}" if check.promise else "")
            + "</p>"
        )
    parts += [
        "<h4>Customer focus on its way down</h4>",
        stations_html(p),
        "<h4>The three largest gaps, and a next step for each</h4>",
        gaps_html(p),
    ]
    if p.mismatches:
        parts.append("<h4>Relationship levels that do not match</h4><ul>")
        parts += [f"<li>{escape(m.sentence())}</li>" for m in p.mismatches]
        parts.append("</ul>")
    if p.internal_named:
        parts.append(
            f"<p class='kit-warn'>'{escape(p.internal_named)}' is a team inside the organisation: "
            "a link in the chain to the paying customer, not the one who pays.</p>"
        )
    if p.unanswered:
        parts.append(
            f"<p class='kit-muted'>Not answered yet: {escape(', '.join(p.unanswered))}.</p>"
        )
    parts.append("</div>")
    return "".join(parts)


def all_gaps_html(p: ChainPicture) -> str:
    """Every gap, largest first (for the report and the page's last section)."""
    if not p.gaps:
        return "<p class='kit-muted'>No gaps found.</p>"
    rows = "".join(
        f"<tr><td>{escape(g.title)}</td><td>{SEVERITY[g.severity]}</td><td>{escape(g.step)}</td></tr>"
        for g in p.gaps
    )
    return (
        "<table class='kit-table'><thead><tr><th scope='col'>Gap</th><th scope='col'>How large</th>"
        f"<th scope='col'>Next step</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def chains_html(p: ChainPicture) -> str:
    """The map's chains to the paying customer: internal customers as links, the payer at the end."""
    if not p.chains:
        return (
            "<p class='kit-muted'>With a customer map (workbook 3), its chains to the paying "
            "customer show here.</p>"
        )
    items = []
    for path in p.chains[:12]:
        *links, payer = path
        items.append(
            "<li>"
            + " → ".join(f"<span class='kit-link'>{escape(x)}</span>" for x in links)
            + f" → <strong>{escape(payer)}</strong> <span class='kit-muted'>(pays)</span></li>"
        )
    return (
        "<p class='kit-muted'>Every team and internal customer is a link on the way to the one "
        f"who pays, not the goal.</p><ul>{''.join(items)}</ul>"
    )


def plan_html(check: ValueChainCheck, p: ChainPicture, content: ChainContent) -> str:
    """The communication plan by level: the messages each level hears, in date order."""
    rows = []
    for level in p.plan:
        said = [check.messages[i] for i in level.messages]
        if said:
            cell = "<br>".join(
                f"{escape(m.on or 'no date')}: {escape(m.text)}"
                + (f" <span class='kit-muted'>({escape(m.medium)})</span>" if m.medium else "")
                for m in said
            )
        else:
            cell = "<span class='kit-warn'>no message reaches this level</span>"
        rows.append(f"<tr><th scope='row'>{escape(level.name)}</th><td>{cell}</td></tr>")
    issues = [g for g in p.gaps if g.key in ("contradiction", "early", "one_medium", "no_message")]
    flagged = "".join(f"<li>{escape(g.title)}</li>" for g in issues)
    return f"<table class='kit-table'><tbody>{''.join(rows)}</tbody></table>" + (
        f"<p><strong>What the plan still needs</strong></p><ul>{flagged}</ul>" if flagged else ""
    )


def report_html(check: ValueChainCheck, p: ChainPicture, content: ChainContent) -> str:
    """The picture and every gap, for the downloadable report (the plan has its own section)."""
    return picture_html(check, p, content) + "<h4>Every gap</h4>" + all_gaps_html(p)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    if not rows:
        return "<p class='kit-muted'>Not answered.</p>"
    th = "".join(f"<th scope='col'>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(c) or '—'}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table class='kit-table'><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def part_html(check: ValueChainCheck, content: ChainContent, part: str) -> str:
    """What one part of the check says, as the report shows it (every typed text escaped).

    Examples
    --------
    >>> from kit.organisation.content import chain_content
    >>> from kit.organisation.model import Leaders
    >>> check = ValueChainCheck(leaders=Leaders(seniors=6, complaints=0, voice_note="<b>x</b>"))
    >>> print(part_html(check, chain_content(), "leaders"))
    <p>6 senior people; 0 handled a customer complaint personally last month; listening in on calls: not answered.</p><p>The customer's voice in leadership meetings: &lt;b&gt;x&lt;/b&gt;.</p>
    """
    if part == "leaders":
        lead = check.leaders

        def said(n: int | None) -> str:
            return "not answered" if n is None else str(n)

        voices = [o.label for o in content.voices if o.id in lead.voice]
        if lead.voice_note:
            voices.append(lead.voice_note)
        return (
            f"<p>{said(lead.seniors)} senior people; {said(lead.complaints)} handled a customer "
            f"complaint personally last month; listening in on calls: {said(lead.calls)}.</p>"
            f"<p>The customer's voice in leadership meetings: "
            f"{escape('; '.join(voices) or 'not answered')}.</p>"
        )
    if part == "metrics":
        rows = [
            (content.role_name(m.role), m.metrics, m.used, m.verified, m.gain) for m in check.roles
        ]
        t = check.transition
        extra = ""
        if t.active or t.metrics or t.stakes:
            extra += (
                f"<p>During the change-over: {escape(t.metrics or 'no adoption metrics')}"
                f"{'; stakes: ' + escape(t.stakes) if t.stakes else ''}.</p>"
            )
        if check.merit:
            extra += f"<p>Merit for customer results: {escape(check.merit)}.</p>"
        return (
            _table(("Role", "Customer metrics", "Used", "Checked by", "What they gain"), rows)
            + extra
        )
    if part == "skills":
        return _table(
            ("Role", "Skill", "Gap", "Next step"),
            [
                (content.role_name(k.role), k.skill, gap_label(content, k.gap), k.step)
                for k in check.skills
            ],
        )
    if part == "segments":
        return _table(
            ("Segment", "Wants", "Offered", "Note"),
            [(g.name, g.wants, g.offers, g.note) for g in check.segments],
        )
    if part == "bridges":
        return _table(
            ("Person", "Role", "Chain", "Found by", "Grown by", "Way up", "Rewarded"),
            [
                (b.name, b.role, b.chain, b.identified, b.cultivated, b.promoted, b.rewarded)
                for b in check.bridges
            ],
        )
    if part == "cascade":
        names = {r.id: r.name for r in content.roles}
        lines = [
            (
                names.get(c.where, c.where) + (" (team)" if c.kind == "team" else ""),
                c.meaning,
                c.behaviour,
            )
            for c in check.cascade
            if c.meaning or c.behaviour
        ]
        return (
            f"<p><strong>Paying customer:</strong> {escape(check.customer or 'not named yet')}<br>"
            f"<strong>Value promise:</strong> {escape(check.promise or 'not written yet')}</p>"
            + _table(
                ("Level or team", "What the promise means", "A behaviour that shows it"), lines
            )
        )
    raise KeyError(part)


def team_chain_html(team: TeamChain, anonymous: bool) -> str:
    """The managers' checks counted together, for the coach (behind the gate).

    Examples
    --------
    >>> from kit.team.anonymity import Gate
    >>> "hidden to protect anonymity" in team_chain_html(TeamChain(Gate(2, 5, 2)), True)
    True
    >>> shown = team_chain_html(TeamChain(Gate(5, 5, 5, 5), (("Managers", 5),),
    ...                                    (("<x>", 4, 3),)), True)
    >>> "5 of 5 managers" in shown and "&lt;x&gt;" in shown
    True
    """
    head = "<h4>The value-chain check (workbook 7): the managers together</h4>"
    gate = team.gate
    if anonymous and not disclose(Figure.BLOCK_COUNTS, gate, Audience.COACH):
        message = gate.message()
        cls = "kit-muted kit-empty" if message == NO_ANSWERS else "kit-note kit-hidden"
        return head + f"<div class='{cls}' role='status'>{escape(message)}</div>"
    if not gate.finished:
        return head + f"<div class='kit-muted kit-empty' role='status'>{NO_ANSWERS}</div>"
    n = gate.covered
    parts = [head, f"<p class='kit-muted'>{escape(gate.covering())} have saved a check.</p>"]
    parts.append("<p><strong>Where customer focus stops</strong></p><ul>")
    parts += [f"<li>{escape(where)}: {k} of {n} managers</li>" for where, k in team.stops]
    parts.append("</ul><p><strong>The gaps most managers name</strong></p><ol>")
    parts += [
        f"<li>{escape(title)}: {k} of {n} managers ({SEVERITY[sev]})</li>"
        for title, k, sev in team.gaps[:5]
    ]
    parts.append("</ol>")
    if team.mismatches:
        parts.append("<p><strong>Relationship mismatches</strong></p><ul>")
        parts += [f"<li>{escape(s)}: {k} of {n} managers</li>" for s, k in team.mismatches[:5]]
        parts.append("</ul>")
    if team.people:
        rows = "".join(
            f"<tr><td>{escape(name)}</td><td>{escape(stop)}</td><td>{escape(top)}</td></tr>"
            for name, stop, top in team.people
        )
        parts.append(
            "<table class='kit-table'><thead><tr><th scope='col'>Manager</th>"
            "<th scope='col'>Focus stops at</th><th scope='col'>Largest gap</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    return "".join(parts)
