"""A planned circle as an agenda page (HTML) and as Markdown, both with the facilitator's guide.

Every text a person typed is escaped for the format it lands in.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape

from kit.circles.model import Circle
from kit.circles.planning import cadence_words

# What starts formatting inside a line. Line-start marks (#, -, +, "1.") need
# no escape: a typed text never begins a line here (see the callers), and
# escaping every bracket and dot made "\(Europe/London\)" of a time zone.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]~])")


def md(text: str) -> str:
    """Escape text for Markdown: no formatting, links or raw HTML from what was typed.

    Examples
    --------
    >>> md("<b>*Fix* [this](x)</b>")
    '&lt;b&gt;\\\\*Fix\\\\* \\\\[this\\\\](x)&lt;/b&gt;'
    >>> md("Tuesday 18:00 (Europe/London), room 2.1 - bring a customer story!")
    'Tuesday 18:00 (Europe/London), room 2.1 - bring a customer story!'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def agenda_markdown(circle: Circle, dates: list[date]) -> str:
    """Return the circle's plan as Markdown: when, who, and the agenda with its guide.

    Examples
    --------
    >>> from kit.circles.content import agenda_template
    >>> from kit.circles.planning import new_circle
    >>> circle = new_circle(agenda_template(), today=date(2026, 12, 1))
    >>> lines = agenda_markdown(circle, [date(2026, 12, 8), date(2027, 1, 12)]).splitlines()
    >>> print(*lines[4:8], sep="\\n")
    ## Next meetings
    <BLANKLINE>
    - Tuesday 08 December 2026
    - Tuesday 12 January 2027
    """
    lines = [f"# {md(circle.title)}", "", f"Meets {md(cadence_words(circle.cadence))}."]
    if circle.cadence.place:
        lines.append(f"Place or call link: {md(circle.cadence.place)}")
    lines += ["", "## Next meetings", ""] + [f"- {d:%A %d %B %Y}" for d in dates]
    lines += ["", "## Members", ""] + [f"- {md(m.name)} ({md(m.group)})" for m in circle.members]
    lines += ["", "## Agenda", ""]
    for number, block in enumerate(circle.agenda, start=1):
        lines += [
            f"{number}. **{md(block.title)}** ({block.minutes} min)  ",
            f"   {md(block.guide)}",
        ]
    return "\n".join(lines) + "\n"


def agenda_html(circle: Circle, dates: list[date]) -> str:
    """Return the plan as HTML fragments (for the app and the report).

    Examples
    --------
    >>> from kit.circles.content import agenda_template
    >>> from kit.circles.planning import new_circle
    >>> circle = new_circle(agenda_template(), today=date(2026, 12, 1))
    >>> html = agenda_html(circle, [date(2026, 12, 8)])
    >>> html.startswith("<h3>Customer Circle</h3>"), "Tue 08 Dec 2026" in html
    (True, True)
    """
    place = (
        f"<p>Place or call link: {escape(circle.cadence.place)}</p>" if circle.cadence.place else ""
    )
    rows = "".join(
        f"<tr><td class='kit-num'>{b.minutes}</td><td><b>{escape(b.title)}</b>"
        f"<br><span class='kit-muted'>{escape(b.guide)}</span></td></tr>"
        for b in circle.agenda
    )
    members = ", ".join(f"{escape(m.name)} ({escape(m.group)})" for m in circle.members)
    return (
        f"<h3>{escape(circle.title)}</h3><p>Meets {escape(cadence_words(circle.cadence))}.</p>"
        f"{place}<p><b>Next meetings:</b> "
        + ", ".join(f"{d:%a %d %b %Y}" for d in dates)
        + f"</p><p><b>Members:</b> {members or 'none yet'}</p>"
        "<table class='kit-table'><caption>Agenda and facilitator's guide</caption>"
        f"<thead><tr><th>Min</th><th>Block</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def agenda_page(circle: Circle, dates: list[date]) -> str:
    """Return a self-contained HTML page of the plan, to print or send.

    Examples
    --------
    >>> from kit.circles.content import agenda_template
    >>> from kit.circles.planning import new_circle
    >>> circle = new_circle(agenda_template(), today=date(2026, 12, 1))
    >>> page = agenda_page(circle, [date(2026, 12, 8)])
    >>> page.startswith("<!doctype html>"), "<title>Customer Circle</title>" in page
    (True, True)
    """
    from kit.style import STYLE

    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(circle.title)}</title>{STYLE}</head>"
        f"<body style='font-family: sans-serif; max-width: 50em; margin: 2em auto'>"
        f"{agenda_html(circle, dates)}</body></html>"
    )


def actions_csv(actions) -> str:
    """Return the circle's actions as CSV, formulas neutralised.

    Examples
    --------
    A text that a spreadsheet would run as a formula gets a leading apostrophe:

    >>> from kit.circles.model import Action, ActionEvent
    >>> opened = (ActionEvent(1, "open", "Call the bank", ""),)
    >>> a = Action(1, "=SUM(A1)", "Ana", "2027-01-12", 1, history=opened)
    >>> print(actions_csv([a]), end="")
    action,owner,due,opened_in_session,status,last_note
    '=SUM(A1),Ana,2027-01-12,1,open,Call the bank
    """
    import csv
    import io

    from kit.store.records import neutralise

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["action", "owner", "due", "opened_in_session", "status", "last_note"])
    for a in actions:
        note = a.history[-1].note if a.history else ""
        row = [a.text, a.owner, a.due, str(a.opened), a.status, note]
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def entries_csv(entries) -> str:
    """Return the running lists as CSV: one row per entry, formulas neutralised.

    Examples
    --------
    >>> from kit.circles.model import Entry, Raised
    >>> print(entries_csv([Entry(1, "delight", "=1+1", raised=(Raised(2, 5),))]), end="")
    list,entry,status,first_session,last_session,times_raised,stories,raised_per_session
    delight,'=1+1,new,2,2,1,1,2:1
    """
    import csv
    import io

    from kit.store.records import neutralise

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "list",
            "entry",
            "status",
            "first_session",
            "last_session",
            "times_raised",
            "stories",
            "raised_per_session",
        ]
    )
    for e in entries:
        per = " ".join(f"{n}:{c}" for n, c in sorted(e.per_session().items()))
        row = [e.kind, e.text, e.status, str(e.first or ""), str(e.last or "")]
        row += [str(len(e.raised)), str(e.stories), per]
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def stories_html(stories, named: bool = True) -> str:
    """Return the unhappy and happy stories, each unhappy one with its cause.

    With ``named=False`` (what the summary and files shared beyond the circle
    use, unless the circle chose to be named) nobody is named beside an
    unhappy story: telling one must stay safe.

    Examples
    --------
    >>> from kit.circles.model import Story
    >>> s = Story(1, 1, "unhappy", "Waited an hour", "Ana", act="omission", where="support")
    >>> html = stories_html([s])
    >>> "Cause: omission at support." in html  # the cause follows the unhappy story
    True
    >>> "<h4>Happy customers</h4><ul class='kit-stories'><li>none yet" in html
    True
    >>> "Ana" in html, "Ana" in stories_html([s], named=False)
    (True, False)
    """

    def story(s) -> str:
        cause = ""
        if s.kind == "unhappy" and (s.act or s.where or s.prevention):
            cause = (
                f"<br><span class='kit-muted'>Cause: {escape(s.act or '?')} at "
                f"{escape(s.where or '?')}. Would have prevented it: "
                f"{escape(s.prevention or '—')}</span>"
            )
        shown = s.teller and (named or s.kind != "unhappy")
        teller = f" <span class='kit-muted'>({escape(s.teller)})</span>" if shown else ""
        return f"<li>{escape(s.text)}{teller}{cause}</li>"

    parts = []
    for kind, title in (("unhappy", "Unhappy customers"), ("happy", "Happy customers")):
        items = "".join(story(s) for s in stories if s.kind == kind)
        parts.append(f"<h4>{title}</h4><ul class='kit-stories'>{items or '<li>none yet</li>'}</ul>")
    return "".join(parts)


def entries_html(entries, session: int | None = None) -> str:
    """Return the running Do-Not-Annoy list and delight factors, each entry with its record.

    Each entry says its status, the sessions that raised it (first and last),
    and the stories behind it. With ``session`` the entries that session
    raised are marked.

    Examples
    --------
    >>> from kit.circles.model import Entry, Raised
    >>> e = Entry(1, "do not annoy", "Say <when> you arrive", "new",
    ...           (Raised(1, 4, "Waited"), Raised(3, None)))
    >>> html = entries_html([e], session=3)
    >>> "Say &lt;when&gt; you arrive" in html, "raised in sessions 1 and 3" in html
    (True, True)
    >>> "1 story" in html, "raised today" in html
    (True, True)
    >>> "no story linked yet" in entries_html([Entry(2, "delight", "Smile", raised=(Raised(1),))])
    True
    """
    parts = []
    for kind, title in (("do not annoy", "Do-Not-Annoy list"), ("delight", "Delight factors")):
        items = "".join(_entry_item(e, session) for e in entries if e.kind == kind)
        parts.append(
            f"<h4>{title}</h4><ul class='kit-factors'>"
            f"{items or '<li class=kit-muted>none yet</li>'}</ul>"
        )
    return "".join(parts)


def _entry_item(e, session: int | None) -> str:
    counts = e.per_session()
    numbers = [f"{n} ({counts[n]}×)" if counts[n] > 1 else str(n) for n in sorted(counts)]
    when = (
        f"raised in session {numbers[0]}"
        if len(numbers) == 1
        else "raised in sessions " + ", ".join(numbers[:-1]) + f" and {numbers[-1]}"
        if numbers
        else "not raised yet"
    )
    stories = (
        f"{e.stories} stor{'y' if e.stories == 1 else 'ies'}"
        if e.stories
        else "no story linked yet"
    )
    today = " · <b>raised today</b>" if session is not None and session in counts else ""
    return (
        f"<li><span class='kit-entry'>{escape(e.text)}</span> "
        f"<span class='kit-badge kit-status-{e.status.replace(' ', '-')}'>{escape(e.status)}</span>"
        f" <span class='kit-muted'>· {when} · {stories}</span>{today}</li>"
    )


def session_html(
    number, held_on, stories, entries, ideas, actions, named: bool = False, today=None
) -> str:
    """Return one session's record as HTML: stories, the running lists, ideas, and the actions.

    Parameters
    ----------
    number : int
        The session's number in the circle.
    held_on : str
        The session's date (ISO).
    stories : list of Story
        Shown with :func:`stories_html`; tellers of unhappy stories only when ``named``.
    entries : list of Entry
        The circle's running lists, shown with :func:`entries_html`.
    ideas : list of Idea
        In the order to show them (usually ranked by votes).
    actions : list of Action
        Shown with :func:`actions_html`, overdue ones flagged against ``today``.

    Examples
    --------
    >>> from kit.circles.model import Idea
    >>> ideas = [Idea(1, 2, "Open at 8", votes=(("Ana", 2),))]
    >>> html = session_html(2, "2027-01-12", [], [], ideas, [])
    >>> html.startswith("<h3>Session 2 · 2027-01-12</h3>")
    True
    >>> "Open at 8 <span class='kit-muted'>· 2 votes" in html
    True
    """
    parts = [
        f"<h3>Session {number} · {escape(held_on)}</h3>",
        stories_html(stories, named),
        entries_html(entries, number),
    ]
    items = "".join(
        f"<li>{escape(i.text)} <span class='kit-muted'>· {i.total} vote"
        f"{'' if i.total == 1 else 's'}</span></li>"
        for i in ideas
    )
    parts.append(f"<h4>Ideas</h4><ul class='kit-ideas'>{items or '<li>none yet</li>'}</ul>")
    parts.append(actions_html(actions, today))
    return "".join(parts)


def actions_html(actions, today: date | None = None) -> str:
    """Return the circle's actions with owner, due date, status and history.

    An open action past its due date (against ``today``, by default the
    computer's date) is flagged overdue, in red, with how many days.

    Examples
    --------
    >>> from kit.circles.model import Action, ActionEvent
    >>> history = (ActionEvent(1, "open", "", ""), ActionEvent(2, "done", "called", ""))
    >>> a = Action(1, "Call back", "Ana", "2027-01-12", 1, "done", history)
    >>> "<td>#1 open; #2 done: called</td>" in actions_html([a])
    True
    >>> "No actions yet." in actions_html([])
    True
    >>> late = Action(2, "Fix the van", "Bo", "2027-01-12", 1)
    >>> "<span class='kit-overdue'>overdue 9 days</span>" in actions_html([late], date(2027, 1, 21))
    True
    """
    from kit.circles.backlog import overdue_days

    today = today or date.today()

    def status(a) -> str:
        late = overdue_days(a, today)
        flag = (
            f"<br><span class='kit-overdue'>overdue {late} day{'' if late == 1 else 's'}</span>"
            if late
            else ""
        )
        return f"{escape(a.status)}{flag}"

    rows = "".join(
        f"<tr><td>{escape(a.text)}</td><td>{escape(a.owner)}</td><td>{escape(a.due)}</td>"
        f"<td>#{a.opened}</td><td class='kit-status'>{status(a)}</td><td>"
        + "; ".join(
            f"#{e.session} {escape(e.status)}" + (f": {escape(e.note)}" if e.note else "")
            for e in a.history
        )
        + "</td></tr>"
        for a in actions
    )
    return (
        "<table class='kit-table kit-actions'><caption>Actions</caption><thead><tr><th>Action</th>"
        "<th>Owner</th><th>Due</th><th>Opened</th><th>Status</th><th>History</th></tr></thead>"
        f"<tbody>{rows or '<tr><td colspan=6>No actions yet.</td></tr>'}</tbody></table>"
    )
