"""Small widgets every workbook uses: messages, download links, the resume banner."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import cache
from html import escape
from typing import TypeVar

import ipywidgets as widgets
from IPython.display import HTML
from ipywidgets.widgets.widget_string import HTMLStyle

from kit.style import STYLE
from kit.ui.context import css_in_page, ephemeral, in_voila
from kit.ui.readable import Row, Section, Text
from kit.workbooks import personal_workbooks


@cache
def shared_layout() -> widgets.Layout:
    """One default layout for every widget that never changes its own.

    Each widget model costs the browser time at page load; sharing the
    default layout and style removes most of them.
    """
    return widgets.Layout()


@cache
def shared_html_style() -> HTMLStyle:
    """One default style for every HTML widget."""
    return HTMLStyle()


@cache
def _shared_style(kind: type) -> widgets.Widget:
    return kind()


@cache
def sized_layout(width: str) -> widgets.Layout:
    """One layout per width, shared by every widget of that width that never changes it.

    Never toggle ``display`` on it: every widget of that width would hide. A
    widget that is shown and hidden gets a layout of its own.

    Examples
    --------
    >>> sized_layout("auto") is sized_layout("auto")
    True
    """
    return widgets.Layout(width=width)


@cache
def label_style(kind: type[widgets.DOMWidget], width: str) -> widgets.Widget:
    """One style per kind of widget and label width (``"initial"``: as wide as its label).

    Examples
    --------
    >>> label_style(widgets.Text, "9em").description_width
    '9em'
    """
    return kind.class_traits()["style"].klass(description_width=width)


W = TypeVar("W", bound=widgets.DOMWidget)


def control(kind: type[W], **kwargs: object) -> W:
    """Make a widget that shares the default layout and style of its kind.

    Give ``layout`` or ``style`` to have its own. Pages with many controls
    (the customer map's editor) load faster with fewer models to create.
    """
    kwargs.setdefault("layout", shared_layout())
    trait = kind.class_traits().get("style")
    if trait is not None and "style" not in kwargs:
        kwargs["style"] = _shared_style(trait.klass)
    return kind(**kwargs)


def html(value: str = "") -> widgets.HTML:
    """Return an HTML widget with the shared layout and style."""
    return Text(value, layout=shared_layout(), style=shared_html_style())


def empty(report: bool) -> widgets.Widget | HTML:
    """Nothing to show: static for a report, an empty widget on a page (its place kept)."""
    return HTML("") if report else html("")


def vbox(children: Sequence[widgets.Widget] = ()) -> widgets.VBox:
    """Return a VBox with the shared layout."""
    return Section(list(children), layout=shared_layout())


@cache
def row_layout() -> widgets.Layout:
    """One layout for every row of controls: it wraps when the screen is narrow.

    A phone is 360 px wide; a row that does not wrap there is cut off.
    """
    return widgets.Layout(flex_flow="row wrap")


def hbox(children: Sequence[widgets.Widget] = ()) -> widgets.HBox:
    """Return an HBox that wraps its children on a narrow screen."""
    return Row(list(children), layout=row_layout())


def style() -> widgets.HTML:
    """Return the kit's stylesheet as a widget to show once per page."""
    return widgets.HTML(STYLE, layout=widgets.Layout(height="0px", overflow="hidden"))


def stylesheet() -> list[widgets.Widget]:
    """The stylesheet widget, or nothing where the page's template carries the stylesheet."""
    return [] if css_in_page() else [style()]


class Notice(widgets.HTML):
    """A one-line message box; ``show(kind, text)`` escapes the text.

    ``kind`` is one of ``note``, ``ok``, ``warn``, ``error``.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("layout", shared_layout())
        kwargs.setdefault("style", shared_html_style())
        super().__init__(**kwargs)

    def show(self, kind: str, text: str, html_tail: str = "") -> None:
        """Show ``text`` (escaped) followed by trusted ``html_tail``."""
        self.value = f"<div class='kit-{kind}' role='status'>{escape(text)}{html_tail}</div>"

    def clear(self) -> None:
        """Hide the message."""
        self.value = ""


def download_link(data: str | bytes, filename: str, mime: str, label: str) -> str:
    """Return an ``<a download>`` link carrying ``data`` inline.

    A data link needs no server route and works the same in Voilà, JupyterLab
    and Binder, and offline.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    payload = base64.b64encode(raw).decode("ascii")
    return (
        f"<a class='kit-download' download='{escape(filename)}' "
        f"href='data:{mime};base64,{payload}'>{escape(label)}</a>"
    )


def page_top(messages_html: str = "") -> list[widgets.Widget]:
    """Return what opens every workbook page: the stylesheet, the Binder notice, messages."""
    parts = stylesheet()
    if ephemeral():
        parts.append(html(EPHEMERAL_NOTICE))
    if messages_html:
        parts.append(html(messages_html))
    return parts


def messages(problems: Sequence[tuple[str, str]]) -> str:
    """Return (kind, text) problems as message boxes, the text escaped."""
    return "".join(
        f"<div class='kit-{kind}' role='alert'>{escape(text)}</div>" for kind, text in problems
    )


def person_marker(code: str, session: str | None = None, joined: bool = False) -> str:
    """Return the hidden mark that tells the page's script who the page is for.

    The kit's page template reads it to keep the person on every link they
    follow (each link gets their resume code). ``joined`` marks the moment a
    person joins ``session`` on this device: only then does the script
    remember them (a cookie for that session), so the join link opened again
    resumes them rather than making a second person, and a coach who opens
    someone's resume link on their laptop is not taken for them.
    """
    team = f" data-session='{escape(session)}'" if session else ""
    mark = " data-joined='1'" if joined and session else ""
    return f"<span class='kit-person' hidden data-code='{escape(code)}'{team}{mark}></span>"


def resume_banner(code: str, session: str | None = None) -> str:
    """Return the HTML that shows a person their resume code and link."""
    safe = escape(code)
    return (
        person_marker(code, session)
        + "<div class='kit-ok' role='status'>Your answers are saved as you go. "
        f"Your resume code is <span class='kit-code' data-testid='resume-code'>{safe}</span>. "
        f"Keep it, or bookmark <a href='?resume={safe}'>this link</a>, to come back later. "
        "The same code opens your other workbooks: "
        + " · ".join(
            f"<a href='{w.file}?resume={safe}'>{escape(w.label)}</a>" for w in personal_workbooks()
        )
        + ".</div>"
        + outside_voila_note(code)
    )


def outside_voila_note(code: str) -> str:
    """How to resume in JupyterLab, where a link cannot carry the code ('' in Voilà).

    JupyterLab opens a notebook from a link but drops its ``?resume=``; the
    parameters cell is Lab's way in.

    >>> import os; os.environ["VOILA_PREHEAT"] = "False"
    >>> outside_voila_note("K7QM-3XTA-9PWD-H4RN")
    ''
    >>> del os.environ["VOILA_PREHEAT"]
    >>> "resume = &quot;K7QM-3XTA-9PWD-H4RN&quot;" in outside_voila_note("K7QM-3XTA-9PWD-H4RN")
    True
    """
    if in_voila():
        return ""
    line = escape(f'resume = "{code}"')
    return (
        "<div class='kit-note kit-lab-resume' role='note'>In JupyterLab a link opens the "
        "workbook but cannot carry your code. To open your answers there, put "
        f"<code>{line}</code> in the workbook's first code cell and run all cells "
        "(Run → Run All Cells).</div>"
    )


EPHEMERAL_NOTICE = (
    "<div class='kit-warn' role='status'><b>Nothing is kept on this server.</b> "
    "This copy (for example on Binder) forgets everything when you close it. "
    "Before you leave, use <b>Download my answers</b>; next time, upload that file "
    "on the start page to carry on.</div>"
)
