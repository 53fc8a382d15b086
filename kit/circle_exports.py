"""A planned circle as an agenda page (HTML) and as Markdown, both with the facilitator's guide.

Every text a person typed is escaped for the format it lands in.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape

from kit.circles import cadence_words
from kit.model import Circle

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def md(text: str) -> str:
    """Escape text for Markdown: no formatting, links or raw HTML from what was typed.

    Examples
    --------
    >>> md("<b>*Fix* [this](x)</b>")
    '&lt;b&gt;\\\\*Fix\\\\* \\\\[this\\\\]\\\\(x\\\\)&lt;/b&gt;'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def agenda_markdown(circle: Circle, dates: list[date]) -> str:
    """Return the circle's plan as Markdown: when, who, and the agenda with its guide."""
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
    """Return the plan as HTML fragments (for the app and the report)."""
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
    """Return a self-contained HTML page of the plan, to print or send."""
    from kit.views import STYLE

    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(circle.title)}</title>{STYLE}</head>"
        f"<body style='font-family: sans-serif; max-width: 50em; margin: 2em auto'>"
        f"{agenda_html(circle, dates)}</body></html>"
    )
