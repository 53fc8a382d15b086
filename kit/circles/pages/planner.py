"""Workbook 04, the Customer Circle planner: members, cadence, agenda, and the files to share.

The notebook makes one :class:`CirclePlannerApp` and calls one method per
section. Every change is checked (:mod:`kit.circles`) and saved at once; with
``report=True`` the plan is static HTML, so the same notebook is the report.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache
from html import escape
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML

from kit.circles import planning as cc
from kit.circles.content import agenda_template
from kit.circles.controllers import PlannerController, PlanState
from kit.circles.exports import agenda_html, agenda_markdown, agenda_page
from kit.circles.ical import circle_series
from kit.circles.model import FRONT_LINE, ROLE_GROUPS, Cadence, Circle
from kit.content import ContentError
from kit.database import PageStore
from kit.model import Participant
from kit.store.errors import StoreError
from kit.ui.components import (
    control,
    download_link,
    empty,
    hbox,
    html,
    vbox,
)
from kit.ui.live import after_this_cell, later_failed
from kit.ui.page import Problems, WorkbookPage, open_for
from kit.workbooks import workbook

WORKBOOK = workbook("circle_planner").file
FILES = "The calendar and agenda files"  # what the put-off part makes, for its message
EVERY = (("every month", 1), ("every two months", 2))


def local_timezone() -> str:
    """The server's time-zone name (from TZ or /etc/timezone), else UTC."""
    import os

    name = os.environ.get("TZ", "")
    if not name:
        try:
            name = Path("/etc/timezone").read_text().strip()
        except OSError:
            name = ""
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(name)
        return name
    except Exception:  # noqa: BLE001 - any unusable name falls back to UTC
        return "UTC"


class CirclePlannerApp(WorkbookPage):
    """One coach's circle plan: the editor, the checks and the downloads.

    Use :meth:`open`, which never raises: every problem becomes a message. The
    plan lives in a :class:`~kit.circles.controllers.PlannerController`
    (frozen state, one write per change); the sections draw from its state.
    """

    def __init__(
        self,
        store: PageStore | None,
        circle: Circle | None,
        participant: Participant | None = None,
        version: int = 0,
        report: bool = False,
        problems: Problems = (),
        session: str | None = None,
    ):
        super().__init__(store, participant, session, report, problems)
        self.controller = (
            PlannerController(store, circle, version, self.person) if circle is not None else None
        )

    @property
    def state(self) -> PlanState | None:
        """The plan as saved (None when the page could not open one)."""
        return self.controller.state if self.controller is not None else None

    @property
    def circle(self) -> Circle | None:
        """The circle being planned."""
        return self.state.circle if self.state is not None else None

    @property
    def version(self) -> int:
        """The plan's version in the store (0 before its first save)."""
        return self.state.version if self.state is not None else 0

    @classmethod
    def open(cls, resume: str = "", store: str = "", report: bool = False) -> CirclePlannerApp:
        """Open the planner for the person the link or parameters name (their first circle)."""
        try:
            template = agenda_template()
        except ContentError as err:
            return cls(None, None, problems=(("error", f"The agenda template is broken: {err}"),))
        opening = open_for(resume, store, report, what="Plans")
        if opening.store is None:
            return cls(None, None, report=report, problems=opening.problems)
        try:
            person = opening.participant
            planned = opening.store.circles(person.id) if person else []
        except StoreError as err:
            return cls(
                None, None, report=report, problems=(("error", f"Plans cannot be read: {err}."),)
            )
        circle, version = planned[0] if planned else (cc.new_circle(template, local_timezone()), 0)
        return cls(
            opening.store,
            circle,
            participant=opening.participant,
            version=version,
            report=report,
            problems=opening.problems,
            session=opening.session,
        )

    # -- acting through the controller -------------------------------------------------

    def change(self, new: Circle, done: str = "Saved.") -> bool:
        """Check and save a changed plan; a refused change only shows why."""
        assert self.controller is not None
        return self.acted(self.controller.change(new, done), notice=self.notice_at("title"))

    def add_member(self) -> bool:
        """Add the typed member (checked)."""
        assert self.controller is not None
        done = self.controller.add_member(self.m_name.value, self.m_group.value)
        if done:
            self.m_name.value = ""
        return self.acted(done, notice=self.notice_at("members"))

    def remove_member(self) -> bool:
        """Remove the member selected in the list."""
        assert self.controller is not None
        return self.acted(
            self.controller.remove_member(self.m_list.value), notice=self.notice_at("members")
        )

    def fit_agenda(self) -> bool:
        """Scale the agenda's minutes to the meeting's length."""
        assert self.controller is not None
        return self.acted(self.controller.fit_agenda(), notice=self.notice_at("agenda"))

    # -- sections --------------------------------------------------------------------

    @property
    def _plan(self) -> PlannerController:
        assert self.controller is not None, "the sections need a plan"
        return self.controller

    def intro(self) -> widgets.Widget | HTML:
        """Messages, the resume code and the circle's title."""
        if self.report:
            return self.report_top()
        parts = self.top()
        if self.circle is not None:
            self.title = control(
                widgets.Text,
                value=self.circle.title,
                description="Circle name",
                continuous_update=False,
            )
            self.title.observe(
                lambda c: self.acted(self._plan.rename(c["new"]), notice=self.notice_at("title")),
                "value",
            )
            parts += [self.title, self.notice_at("title"), self.notice]
        return vbox(parts)

    def members(self) -> widgets.Widget | HTML:
        """Add and remove members; the mix check says what is missing."""
        if self.circle is None:
            return empty(self.report)
        if self.report:
            return HTML(_mix_html(self.circle))
        self.m_name = control(widgets.Text, placeholder="Name", description="Member")
        self.m_group = control(
            widgets.Dropdown, options=ROLE_GROUPS, value=FRONT_LINE, description="Role"
        )
        self.m_add = control(widgets.Button, description="Add member", button_style="primary")
        self.m_add.on_click(lambda _: self.add_member())
        self.m_list = control(widgets.Select, description="Members", rows=6)
        self.m_remove = control(widgets.Button, description="Remove member")
        self.m_remove.on_click(lambda _: self.remove_member())
        self.mix = html()
        # Off by default: who told an unhappy story stays in the room unless the circle agrees.
        self.m_named = widgets.Checkbox(
            value=self.circle.name_tellers,
            description="Name who told each unhappy story in summaries and files",
            indent=False,
        )
        self.m_named.observe(
            lambda c: self.acted(
                self._plan.change(
                    replace(self._plan.state.circle, name_tellers=c["new"]),
                    "Summaries now name who told each unhappy story."
                    if c["new"]
                    else "Summaries name nobody beside an unhappy story.",
                ),
                notice=self.notice_at("named"),
            ),
            "value",
        )
        self.drawn_by(self._draw_members)
        return vbox(
            [
                hbox([self.m_name, self.m_group, self.m_add]),
                self.notice_at("members"),
                hbox([self.m_list, self.m_remove]),
                self.mix,
                self.m_named,
                self.notice_at("named"),
            ]
        )

    def _draw_members(self, s: PlanState) -> None:
        self.m_list.options = [(f"{m.name} · {m.group}", i) for i, m in enumerate(s.circle.members)]
        self.mix.value = _mix_html(s.circle)

    def cadence(self) -> widgets.Widget | HTML:
        """When the circle meets, with the next six dates."""
        if self.circle is None or self.report:
            return empty(self.report)
        c = self.circle.cadence
        self.every = control(widgets.Dropdown, options=EVERY, value=c.months, description="Meets")
        self.ordinal = control(
            widgets.Dropdown,
            options=[(w, n) for w, n in cc.ORDINALS.items()],
            value=c.ordinal,
            description="On the",
        )
        self.weekday = control(
            widgets.Dropdown,
            options=[(d, n) for n, d in enumerate(cc.WEEKDAYS)],
            value=c.weekday,
            description="Day",
        )
        self.start = control(
            widgets.Text, value=c.start, description="Starts at", continuous_update=False
        )
        self.minutes = control(
            widgets.BoundedIntText, value=c.minutes, min=15, max=240, step=15, description="Minutes"
        )
        self.minutes.add_class("kit-meeting-minutes")
        self.first = control(
            widgets.DatePicker, value=date.fromisoformat(c.first), description="From"
        )
        # A chooser with search (the browser filters the list as one types), still
        # free text underneath: a name it does not know gets a message, not a silent reset.
        self.zone = control(
            widgets.Combobox,
            value=c.timezone,
            options=time_zones(),
            ensure_option=False,
            description="Time zone",
            placeholder="Type to search, e.g. Europe/Amsterdam",
            continuous_update=False,
        )
        self.zone.add_class("kit-time-zone")
        self.place = control(
            widgets.Text,
            value=c.place,
            placeholder="Room or call link",
            description="Place",
            continuous_update=False,
        )
        for box in (
            self.every,
            self.ordinal,
            self.weekday,
            self.start,
            self.minutes,
            self.first,
            self.zone,
            self.place,
        ):
            box.observe(lambda _: self._cadence_changed(), "value")
        self.preview = html()
        self.drawn_by(lambda s: setattr(self.preview, "value", _cadence_html(s.circle)))
        return vbox(
            [
                hbox([self.every, self.ordinal, self.weekday]),
                hbox([self.start, self.minutes, self.first]),
                hbox([self.zone, self.place]),
                self.notice_at("cadence"),
                self.preview,
            ]
        )

    def _cadence_changed(self) -> None:
        first = self.first.value.isoformat() if self.first.value else ""
        cadence = Cadence(
            self.every.value,
            self.ordinal.value,
            self.weekday.value,
            self.start.value.strip(),
            int(self.minutes.value or 0),
            first,
            self.zone.value.strip(),
            self.place.value.strip(),
        )
        self.acted(self._plan.set_cadence(cadence), notice=self.notice_at("cadence"))

    def agenda(self) -> widgets.Widget | HTML:
        """The agenda's blocks in the method's order, minutes editable, with the guide."""
        if self.circle is None:
            return empty(self.report)
        if self.report:
            return HTML(agenda_html(self.circle, _dates(self.circle)))
        self.block_minutes = []
        self.block_titles = []
        rows = []
        for index, block in enumerate(self.circle.agenda):
            box = control(
                widgets.BoundedIntText,
                value=block.minutes,
                min=1,
                max=240,
                description=f"{index + 1}.",
            )
            box.add_class("kit-agenda-block")
            box.observe(
                lambda c, i=index: self.acted(
                    self._plan.set_block_minutes(i, c["new"]), notice=self.notice_at("agenda")
                ),
                "value",
            )
            title = control(widgets.Text, value=block.title, continuous_update=False)
            title.observe(
                lambda c, i=index: self.acted(
                    self._plan.set_block_title(i, c["new"]), notice=self.notice_at("agenda")
                ),
                "value",
            )
            self.block_minutes.append(box)
            self.block_titles.append(title)
            guide = html(f"<span class='kit-muted'>{escape(block.guide)}</span>")
            rows += [hbox([box, title]), guide]  # flat: fewer models for the page to load
        self.fit = control(widgets.Button, description="Fit to the meeting's length")
        self.fit.on_click(lambda _: self.fit_agenda())
        self.agenda_total = html()
        self.drawn_by(self._draw_agenda)
        return vbox([*rows, hbox([self.fit, self.agenda_total]), self.notice_at("agenda")])

    def _draw_agenda(self, s: PlanState) -> None:
        # The boxes show the saved minutes (after "Fit to the meeting's length"
        # too); setting a box to the value it has is no change to the plan.
        for box, block in zip(self.block_minutes, s.circle.agenda, strict=True):
            box.value = block.minutes
        length = s.circle.cadence.minutes
        kind = "ok" if s.agenda_minutes == length else "warn"
        self.agenda_total.value = (
            f"<div class='kit-{kind} kit-agenda-total'>The agenda takes {s.agenda_minutes} of "
            f"the meeting's {length} minutes.</div>"
        )

    def downloads(self) -> widgets.Widget | HTML:
        """The calendar file, the agenda page and the Markdown."""
        if self.report or self.circle is None:
            return empty(self.report)
        self.files = html("<p class='kit-muted'>Preparing the files…</p>")
        # The calendar file needs icalendar (some 50 ms to import): built just
        # after the page's cells run, it no longer holds up the page's first view.
        self.drawn_by(self._draw_files, now=False)
        after_this_cell(lambda: self._draw_files(self._plan.state), self._files_failed, FILES)
        return vbox(
            [
                html(
                    "<p>Import the calendar file into Outlook, Google Calendar or any calendar app; send the agenda with the invitation.</p>"
                ),
                self.files,
            ]
        )

    def _draw_files(self, s: PlanState) -> None:
        try:
            self.files.value = _files_html(s)
        except Exception as err:  # noqa: BLE001 - said beside the files, the plan is saved
            self._files_failed(later_failed(FILES, err))

    def _files_failed(self, message: str) -> None:
        self.files.value = message


# -- drawing from the plan (no widgets) ------------------------------------------------------


@cache
def time_zones() -> list[str]:
    """Every time zone the calendar file can name, sorted (about 600)."""
    from zoneinfo import available_timezones

    return sorted(z for z in available_timezones() if "/" in z or z == "UTC")


def _dates(circle: Circle) -> list[date]:
    try:
        return cc.meeting_days(circle.cadence, 6, since=date.today())
    except cc.CircleError:
        return []


def _mix_html(circle: Circle) -> str:
    problems = cc.check_mix(circle.members)
    if not problems:
        return "<div class='kit-ok' role='status'>The mix fits the method: mostly front line, some support staff, a size for one conversation.</div>"
    return "".join(
        f"<div class='kit-warn kit-mix' role='status'>{escape(p)}</div>" for p in problems
    )


def _cadence_html(circle: Circle) -> str:
    warning = cc.cadence_warning(circle.cadence)
    return (
        f"<p class='kit-cadence'>Meets {escape(cc.cadence_words(circle.cadence))}.</p>"
        + (f"<div class='kit-warn'>{escape(warning)}</div>" if warning else "")
        + "<p><b>Next six meetings:</b></p><ol class='kit-dates'>"
        + "".join(f"<li>{d:%A %d %B %Y}</li>" for d in _dates(circle))
        + "</ol>"
    )


def _files_html(s: PlanState) -> str:
    circle = s.circle
    dates = _dates(circle)
    stamp = f"{date.today():%Y-%m-%d}"
    if s.agenda_minutes != circle.cadence.minutes:
        return (
            f"<div class='kit-warn'>The agenda takes {s.agenda_minutes} minutes and the meeting "
            f'{circle.cadence.minutes}: press "Fit to the meeting\'s length" or change '
            "the minutes, and the files appear here.</div>"
        )
    try:
        ics = circle_series(
            circle.code, circle.title, circle.cadence, circle.agenda, sequence=s.version
        )
    except cc.CircleError:
        return "<p class='kit-muted'>Fix the meeting settings above to get the files.</p>"
    links = [
        download_link(ics, "customer-circle.ics", "text/calendar", "Calendar file (.ics)"),
        download_link(
            agenda_page(circle, dates), f"circle-agenda-{stamp}.html", "text/html", "Agenda (HTML)"
        ),
        download_link(
            agenda_markdown(circle, dates),
            f"circle-agenda-{stamp}.md",
            "text/markdown",
            "Agenda (Markdown)",
        ),
    ]
    return "<p>" + " · ".join(links) + "</p>"
