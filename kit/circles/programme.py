"""A circle over all its sessions: the programme's figures and its one-page summary, as pure functions.

Attendance, stories and their cause mix per session, the running lists'
trend, ideas per person, the backlog (opened, done, dropped, overdue with
age) and the median days to done; and the summary for management, made to
print on one page. No I/O, no widgets, no plotting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape
from statistics import median

from kit.circles.backlog import days_to_done, overdue_days
from kit.circles.model import Action, Circle, Entry, Idea, Story

# The cause mix's parts, in the method's terms, and the part for stories not classified yet.
CAUSES = (
    ("omission", "front line"),
    ("omission", "support"),
    ("commission", "front line"),
    ("commission", "support"),
)
UNCLASSIFIED = "not classified yet"


def cause_label(act: str, where: str) -> str:
    """The name of a cause in the mix.

    Examples
    --------
    >>> cause_label("omission", "support"), cause_label("", "support")
    ('omission · support', 'not classified yet')
    """
    return f"{act} · {where}" if (act, where) in CAUSES else UNCLASSIFIED


@dataclass(frozen=True)
class SessionRow:
    """One session in the programme."""

    number: int
    held_on: str
    present: int
    unhappy: int
    happy: int
    causes: dict[str, int]  # unhappy stories by cause label
    ideas: int
    opened: int  # actions opened in this session


@dataclass(frozen=True)
class Trend:
    """An entry of a running list across the sessions: times raised in each, and its direction."""

    entry: Entry
    counts: tuple[int, ...]  # one per session, in order

    @property
    def direction(self) -> str:
        """'rising', 'falling' or 'steady': the last two sessions against the ones before.

        Examples
        --------
        >>> e = Entry(1, "do not annoy", "x")
        >>> Trend(e, (2, 2, 0, 0)).direction, Trend(e, (0, 0, 1, 2)).direction
        ('falling', 'rising')
        >>> Trend(e, (1,)).direction
        'steady'
        """
        if len(self.counts) < 3:
            return "steady"
        recent = sum(self.counts[-2:]) / 2
        before = sum(self.counts[:-2]) / len(self.counts[:-2])
        if recent > before:
            return "rising"
        if recent < before:
            return "falling"
        return "steady"


@dataclass(frozen=True)
class Programme:
    """Everything the programme view and the management summary show."""

    circle: Circle
    sessions: tuple[SessionRow, ...]
    trends: tuple[Trend, ...]
    ideas_by_person: dict[str, int]
    actions: tuple[Action, ...]
    overdue: tuple[tuple[Action, int], ...]  # open actions past due, with days late
    median_days_to_done: float | None
    support_needs: tuple[Story, ...] = field(default=())  # unhappy stories caused in support

    @property
    def done(self) -> int:
        """Actions done."""
        return sum(a.status == "done" for a in self.actions)

    @property
    def dropped(self) -> int:
        """Actions dropped."""
        return sum(a.status == "dropped" for a in self.actions)

    @property
    def still_open(self) -> int:
        """Actions still open."""
        return sum(a.status == "open" for a in self.actions)

    def cause_totals(self) -> dict[str, int]:
        """Unhappy stories by cause over the whole programme."""
        totals: dict[str, int] = {}
        for row in self.sessions:
            for label, n in row.causes.items():
                totals[label] = totals.get(label, 0) + n
        return totals


def programme(
    circle: Circle,
    sessions: list[tuple[int, int, str, int]],
    stories: list[tuple[int, Story]],
    ideas: dict[int, list[Idea]],
    entries: list[Entry],
    actions: list[Action],
    attendance: dict[int, list[str]],
    today: date,
) -> Programme:
    """Put the programme's figures together from what the store holds.

    Parameters
    ----------
    sessions : list of (id, number, held_on, votes per person)
    stories : list of (session number, Story)
    ideas : dict
        Each session's ideas, by session number.
    attendance : dict
        Who was present, by session number.

    Examples
    --------
    >>> from kit.circles.model import Cadence, Raised
    >>> c = Circle("c-1", "Desk", Cadence(1, 2, 1, "09:30", 90, "2027-01-01"))
    >>> s = [(10, 1, "2027-01-12", 3), (11, 2, "2027-02-09", 3)]
    >>> told = [(1, Story(1, 10, "unhappy", "Late", act="omission", where="support")),
    ...         (2, Story(2, 11, "happy", "Quick"))]
    >>> late = Action(1, "Text the time", "Bo", "2027-02-01", 1)
    >>> p = programme(c, s, told, {1: [Idea(1, 10, "Text", by="Bo")]}, [], [late],
    ...               {1: ["Ana", "Bo"]}, date(2027, 2, 11))
    >>> [(r.number, r.present, r.unhappy, r.causes) for r in p.sessions]
    [(1, 2, 1, {'omission · support': 1}), (2, 0, 0, {})]
    >>> p.overdue[0][1], p.ideas_by_person, [t.text for t in p.support_needs]
    (10, {'Bo': 1}, ['Late'])
    """
    rows = []
    numbers = [number for _, number, _, _ in sessions]
    for _, number, held_on, _ in sessions:
        told = [s for n, s in stories if n == number]
        causes: dict[str, int] = {}
        for s in told:
            if s.kind == "unhappy":
                label = cause_label(s.act, s.where)
                causes[label] = causes.get(label, 0) + 1
        rows.append(
            SessionRow(
                number,
                held_on,
                len(attendance.get(number, [])),
                sum(s.kind == "unhappy" for s in told),
                sum(s.kind == "happy" for s in told),
                causes,
                len(ideas.get(number, [])),
                sum(a.opened == number for a in actions),
            )
        )
    trends = tuple(
        Trend(e, tuple(e.per_session().get(n, 0) for n in numbers))
        for e in sorted(entries, key=lambda e: (-len(e.raised), e.id))
    )
    by_person: dict[str, int] = {}
    for session_ideas in ideas.values():
        for idea in session_ideas:
            who = idea.by or "not named"
            by_person[who] = by_person.get(who, 0) + 1
    held = {number: day for _, number, day, _ in sessions}
    spans = [d for a in actions if (d := days_to_done(a, held)) is not None]
    overdue = tuple((a, late) for a in actions if (late := overdue_days(a, today)) is not None)
    return Programme(
        circle,
        tuple(rows),
        trends,
        dict(sorted(by_person.items(), key=lambda kv: (-kv[1], kv[0]))),
        tuple(actions),
        tuple(sorted(overdue, key=lambda x: -x[1])),
        median(spans) if spans else None,
        tuple(s for _, s in stories if s.kind == "unhappy" and s.where == "support"),
    )


def programme_html(p: Programme) -> str:
    """The programme view's tables: sessions, the running lists' trend, ideas, the backlog.

    Examples
    --------
    >>> from kit.circles.model import Cadence
    >>> c = Circle("c-1", "Desk <1>", Cadence(1, 2, 1, "09:30", 90, "2027-01-01"))
    >>> html = programme_html(programme(c, [], [], {}, [], [], {}, date(2027, 1, 1)))
    >>> "No session has been held yet." in html
    True
    """
    if not p.sessions:
        return "<p class='kit-muted'>No session has been held yet.</p>"
    head = "".join(f"<th class='kit-num'>#{r.number}</th>" for r in p.sessions)
    mix_rows = "".join(
        f"<tr><td>{escape(label)}</td>"
        + "".join(f"<td class='kit-num'>{r.causes.get(label, 0)}</td>" for r in p.sessions)
        + "</tr>"
        for label in [cause_label(*c) for c in CAUSES] + [UNCLASSIFIED]
    )
    sessions = (
        "<table class='kit-table kit-programme'><caption>Sessions</caption>"
        f"<thead><tr><th></th>{head}</tr></thead><tbody>"
        + _row("held on", [escape(r.held_on) for r in p.sessions])
        + _row("present", [str(r.present) for r in p.sessions])
        + _row("unhappy stories", [str(r.unhappy) for r in p.sessions])
        + _row("happy stories", [str(r.happy) for r in p.sessions])
        + mix_rows
        + _row("ideas", [str(r.ideas) for r in p.sessions])
        + _row("actions opened", [str(r.opened) for r in p.sessions])
        + "</tbody></table>"
    )
    lists = []
    for kind, title in (("do not annoy", "Do-Not-Annoy list"), ("delight", "Delight factors")):
        rows = "".join(
            f"<tr><td>{escape(t.entry.text)}</td><td>{escape(t.entry.status)}</td>"
            + "".join(f"<td class='kit-num'>{n or ''}</td>" for n in t.counts)
            + f"<td>{t.direction}</td></tr>"
            for t in p.trends
            if t.entry.kind == kind
        )
        lists.append(
            f"<table class='kit-table kit-trend'><caption>{title}: times raised per session"
            f"</caption><thead><tr><th>Entry</th><th>Status</th>{head}<th>Trend</th></tr></thead>"
            f"<tbody>{rows or f'<tr><td colspan={len(p.sessions) + 3}>none yet</td></tr>'}"
            "</tbody></table>"
        )
    ideas = ", ".join(f"{escape(who)}: {n}" for who, n in p.ideas_by_person.items())
    late = "".join(
        f"<li>{escape(a.text)} · {escape(a.owner)} · due {escape(a.due)} · "
        f"<span class='kit-overdue'>overdue {days} day{'' if days == 1 else 's'}</span></li>"
        for a, days in p.overdue
    )
    done = (
        f"{p.median_days_to_done:g} days" if p.median_days_to_done is not None else "none done yet"
    )
    backlog = (
        f"<p><b>Actions:</b> {len(p.actions)} opened, {p.done} done, {p.dropped} dropped, "
        f"{p.still_open} open, of which {len(p.overdue)} overdue. "
        f"<b>Median time to done:</b> {done}.</p>"
        + (f"<ul class='kit-overdue-list'>{late}</ul>" if late else "")
    )
    return (
        sessions
        + "".join(lists)
        + f"<p><b>Ideas per person:</b> {ideas or 'none yet'}</p>"
        + backlog
    )


def _row(label: str, cells: list[str]) -> str:
    return (
        f"<tr><th scope='row'>{label}</th>"
        + "".join(f"<td class='kit-num'>{c}</td>" for c in cells)
        + "</tr>"
    )


def management_summary(p: Programme, style: str = "", charts: str = "") -> str:
    """A one-page summary for management: what the circle learnt, what changed, what it needs.

    Self-contained HTML with print CSS (A4, one page); names nobody beside
    an unhappy story and no one's ideas.

    Examples
    --------
    >>> from kit.circles.model import Cadence
    >>> c = Circle("c-1", "Desk", Cadence(1, 2, 1, "09:30", 90, "2027-01-01"))
    >>> page = management_summary(programme(c, [], [], {}, [], [], {}, date(2027, 1, 1)))
    >>> page.startswith("<!doctype html>"), "@page" in page
    (True, True)
    """
    learnt = "".join(
        f"<li>{escape(t.entry.text)} <span class='kit-muted'>· raised {len(t.entry.raised)} "
        f"time{'' if len(t.entry.raised) == 1 else 's'}, {escape(t.entry.status)}, "
        f"{t.direction}</span></li>"
        for t in p.trends[:5]
    )
    changed = "".join(
        f"<li>{escape(a.text)}"
        + (
            f" <span class='kit-muted'>· {escape(a.history[-1].note)}</span>"
            if a.history and a.history[-1].note
            else ""
        )
        + "</li>"
        for a in p.actions
        if a.status == "done"
    )
    needs = "".join(
        f"<li>{escape(s.text)}"
        + (
            f" <span class='kit-muted'>· would have been prevented by: {escape(s.prevention)}</span>"
            if s.prevention
            else ""
        )
        + "</li>"
        for s in p.support_needs
    )
    mix = ", ".join(f"{escape(k)} {v}" for k, v in sorted(p.cause_totals().items()))
    first = p.sessions[0].held_on if p.sessions else ""
    last = p.sessions[-1].held_on if p.sessions else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(p.circle.title)}: programme summary</title>{style}"
        "<style>@page {size: A4; margin: 14mm} @media print {body {font-size: 11pt}"
        " .kit-chart img {max-height: 60mm}} body {max-width: 50em; margin: 2em auto;"
        " font-family: sans-serif}</style></head><body>"
        f"<h1>{escape(p.circle.title)}</h1>"
        f"<p>{len(p.sessions)} sessions"
        + (f", {escape(first)} to {escape(last)}" if first else "")
        + f". Unhappy stories by cause: {mix or 'none yet'}.</p>"
        f"<h2>What the circle learnt</h2><ul>{learnt or '<li>No entries yet.</li>'}</ul>"
        f"<h2>What changed</h2><p>{p.done} of {len(p.actions)} actions done, "
        f"{len(p.overdue)} overdue.</p><ul>{changed or '<li>Nothing done yet.</li>'}</ul>"
        "<h2>What it needs from support functions</h2>"
        f"<ul>{needs or '<li>No unhappy story was caused in support.</li>'}</ul>"
        f"<div class='kit-chart'>{charts}</div></body></html>"
    )


def programme_csv(p: Programme) -> str:
    """The programme's sessions as CSV, one row per session, formulas neutralised.

    Examples
    --------
    >>> from kit.circles.model import Cadence
    >>> c = Circle("c-1", "Desk", Cadence(1, 2, 1, "09:30", 90, "2027-01-01"))
    >>> print(programme_csv(programme(c, [(1, 1, "2027-01-12", 3)], [], {}, [], [], {},
    ...                               date(2027, 1, 13))), end="")
    session,held_on,present,unhappy,happy,omission · front line,omission · support,commission · front line,commission · support,not classified yet,ideas,actions_opened
    1,2027-01-12,0,0,0,0,0,0,0,0,0,0
    """
    import csv
    import io

    from kit.store.records import neutralise

    labels = [cause_label(*c) for c in CAUSES] + [UNCLASSIFIED]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["session", "held_on", "present", "unhappy", "happy", *labels, "ideas", "actions_opened"]
    )
    for r in p.sessions:
        row = [r.number, r.held_on, r.present, r.unhappy, r.happy]
        row += [r.causes.get(label, 0) for label in labels] + [r.ideas, r.opened]
        writer.writerow([neutralise(str(cell)) for cell in row])
    return out.getvalue()
