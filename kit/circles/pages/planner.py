"""Workbook 04, the Customer Circle planner: members, cadence, agenda, and the files to share.

The notebook makes one :class:`CirclePlannerApp` and calls one method per
section. Every change is checked (:mod:`kit.circles`) and saved at once; with
``report=True`` the plan is static HTML, so the same notebook is the report.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from html import escape
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML

from kit.circles import planning as cc
from kit.circles.content import agenda_template
from kit.circles.exports import agenda_html, agenda_markdown, agenda_page
from kit.circles.ical import circle_series
from kit.circles.model import FRONT_LINE, ROLE_GROUPS, Cadence, Circle
from kit.content import ContentError
from kit.database import Store, open_store
from kit.store.errors import MapChangedError, StoreError
from kit.style import STYLE
from kit.ui.components import (
    Notice,
    control,
    download_link,
    empty,
    hbox,
    html,
    page_top,
    resume_banner,
    vbox,
)
from kit.ui.components import messages as show_messages
from kit.ui.context import client_address
from kit.ui.live import after_this_cell, later_failed
from kit.ui.person import from_link, look_up
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


class CirclePlannerApp:
    """One coach's circle plan: the editor, the checks and the downloads.

    Use :meth:`open`, which never raises: every problem becomes a message.
    """

    def __init__(
        self,
        store: Store | None,
        circle: Circle | None,
        participant=None,
        version: int = 0,
        report: bool = False,
        problems: tuple[tuple[str, str], ...] = (),
        session: str | None = None,
    ):
        self.store = store
        self.circle = circle
        self.participant = participant
        self.version = version
        self.report = report
        self.problems = list(problems)
        self.session = session
        self.notice = Notice()
        self.banner = html(
            resume_banner(participant.resume_code, participant.session) if participant else ""
        )
        self._filling = False

    @classmethod
    def open(cls, resume: str = "", store: str = "", report: bool = False) -> CirclePlannerApp:
        """Open the planner for the person the link or parameters name (their first circle)."""
        resume, session = from_link(resume, report)
        try:
            template = agenda_template()
        except ContentError as err:
            return cls(None, None, problems=(("error", f"The agenda template is broken: {err}"),))
        try:
            the_store = open_store(store or None)
            visitor = look_up(the_store, resume, session)
            planned = the_store.circles(visitor.participant.id) if visitor.participant else []
        except StoreError as err:
            return cls(
                None, None, report=report, problems=(("error", f"Plans cannot be read: {err}."),)
            )
        circle, version = planned[0] if planned else (cc.new_circle(template, local_timezone()), 0)
        return cls(
            the_store,
            circle,
            participant=visitor.participant,
            version=version,
            report=report,
            problems=visitor.problems,
            session=visitor.session,
        )

    # -- saving ----------------------------------------------------------------------

    def change(self, new: Circle, done: str = "Saved.") -> bool:
        """Check and save a changed plan; a refused change only shows why."""
        try:
            cc.check_cadence(new.cadence)
        except cc.CircleError as err:
            self.notice.show("error", str(err))
            return False
        if self.store is None:
            self.notice.show("error", "This page cannot save plans (see the message at the top).")
            return False
        try:
            if self.participant is None:
                self.participant = self.store.create_participant(
                    session=self.session, client=client_address()
                )
                self.banner.value = resume_banner(
                    self.participant.resume_code, self.participant.session
                )
            self.version = self.store.save_circle(self.participant.id, new, self.version)
        except MapChangedError as err:
            self.notice.show("error", f"Not saved: {err}.")
            return False
        except Exception as err:  # noqa: BLE001 - the page must never show a traceback
            self.notice.show("error", f"The plan could not be saved ({type(err).__name__}: {err}).")
            return False
        self.circle = new
        self.notice.show("ok", done)
        self._refresh()
        return True

    # -- sections --------------------------------------------------------------------

    def intro(self) -> widgets.Widget | HTML:
        """Messages, the resume code and the circle's title."""
        messages = show_messages(self.problems)
        if self.report:
            return HTML(STYLE + messages)
        parts = page_top(messages)
        parts.append(self.banner)
        if self.circle is not None:
            self.title = control(
                widgets.Text,
                value=self.circle.title,
                description="Circle name",
                continuous_update=False,
            )
            self.title.observe(
                lambda c: self._set(title=" ".join(c["new"].split()) or "Customer Circle"), "value"
            )
            parts += [self.title, self.notice]
        return vbox(parts)

    def members(self) -> widgets.Widget | HTML:
        """Add and remove members; the mix check says what is missing."""
        if self.circle is None:
            return empty(self.report)
        if self.report:
            return HTML(self._mix_html())
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
        self._refresh()
        return vbox(
            [
                hbox([self.m_name, self.m_group, self.m_add]),
                hbox([self.m_list, self.m_remove]),
                self.mix,
            ]
        )

    def cadence(self) -> widgets.Widget | HTML:
        """When the circle meets, with the next six dates."""
        if self.circle is None:
            return empty(self.report)
        if self.report:
            return HTML("")
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
        self.first = control(
            widgets.DatePicker, value=date.fromisoformat(c.first), description="From"
        )
        self.zone = control(
            widgets.Text, value=c.timezone, description="Time zone", continuous_update=False
        )
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
        self._refresh()
        return vbox(
            [
                hbox([self.every, self.ordinal, self.weekday]),
                hbox([self.start, self.minutes, self.first]),
                hbox([self.zone, self.place]),
                self.preview,
            ]
        )

    def agenda(self) -> widgets.Widget | HTML:
        """The agenda's blocks in the method's order, minutes editable, with the guide."""
        if self.circle is None:
            return empty(self.report)
        if self.report:
            return HTML(agenda_html(self.circle, self._dates()))
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
            box.observe(lambda c, i=index: self._minutes_changed(i, c["new"]), "value")
            title = control(widgets.Text, value=block.title, continuous_update=False)
            title.observe(lambda c, i=index: self._title_changed(i, c["new"]), "value")
            self.block_minutes.append(box)
            self.block_titles.append(title)
            guide = html(f"<span class='kit-muted'>{escape(block.guide)}</span>")
            rows += [hbox([box, title]), guide]  # flat: fewer models for the page to load
        self.fit = control(widgets.Button, description="Fit to the meeting's length")
        self.fit.on_click(lambda _: self.fit_agenda())
        self.agenda_total = html()
        self._refresh()
        return vbox([*rows, hbox([self.fit, self.agenda_total])])

    def downloads(self) -> widgets.Widget | HTML:
        """The calendar file, the agenda page and the Markdown."""
        if self.report or self.circle is None:
            return empty(self.report)
        self.files = html("<p class='kit-muted'>Preparing the files…</p>")
        # The calendar file needs icalendar (some 50 ms to import): built just
        # after the page's cells run, it no longer holds up the page's first view.
        after_this_cell(self._refresh_files, self._files_failed, FILES)
        return vbox(
            [
                html(
                    "<p>Import the calendar file into Outlook, Google Calendar or any calendar app; send the agenda with the invitation.</p>"
                ),
                self.files,
            ]
        )

    # -- actions ---------------------------------------------------------------------

    def add_member(self) -> bool:
        """Add the typed member (checked)."""
        try:
            member = cc.check_member(self.circle.members, self.m_name.value, self.m_group.value)
        except cc.CircleError as err:
            self.notice.show("error", str(err))
            return False
        if self._set(members=(*self.circle.members, member), done=f"Added {member.name}."):
            self.m_name.value = ""
            return True
        return False

    def remove_member(self) -> bool:
        """Remove the member selected in the list."""
        index = self.m_list.value
        if index is None:
            self.notice.show("warn", "Choose a member in the list first.")
            return False
        gone = self.circle.members[index]
        members = self.circle.members[:index] + self.circle.members[index + 1 :]
        return self._set(members=members, done=f"Removed {gone.name}.")

    def fit_agenda(self) -> bool:
        """Scale the agenda's minutes to the meeting's length."""
        blocks = cc.fit_agenda(self.circle.agenda, self.circle.cadence.minutes)
        return self._set(agenda=blocks, done="The agenda now fills the meeting exactly.")

    # -- reactions -------------------------------------------------------------------

    def _set(self, done: str = "Saved.", **fields) -> bool:
        if self._filling:
            return False
        return self.change(replace(self.circle, **fields), done)

    def _cadence_changed(self) -> None:
        if self._filling:
            return
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
        self._set(cadence=cadence)

    def _minutes_changed(self, index: int, value: int) -> None:
        blocks = list(self.circle.agenda)
        blocks[index] = replace(blocks[index], minutes=int(value or 1))
        self._set(agenda=tuple(blocks))

    def _title_changed(self, index: int, value: str) -> None:
        title = " ".join(value.split())
        if not title or len(title) > 120:
            self.notice.show("error", "Give the block a title of up to 120 characters.")
            return
        blocks = list(self.circle.agenda)
        blocks[index] = replace(blocks[index], title=title)
        self._set(agenda=tuple(blocks), done=f"Block {index + 1} is now called {title}.")

    def _dates(self) -> list[date]:
        try:
            return cc.meeting_days(self.circle.cadence, 6, since=date.today())
        except cc.CircleError:
            return []

    def _mix_html(self) -> str:
        problems = cc.check_mix(self.circle.members)
        if not problems:
            return "<div class='kit-ok' role='status'>The mix fits the method: mostly front line, some support staff, a size for one conversation.</div>"
        return "".join(
            f"<div class='kit-warn kit-mix' role='status'>{escape(p)}</div>" for p in problems
        )

    def _refresh(self) -> None:
        circle = self.circle
        if circle is None:
            return
        if hasattr(self, "m_list"):
            self.m_list.options = [
                (f"{m.name} · {m.group}", i) for i, m in enumerate(circle.members)
            ]
            self.mix.value = self._mix_html()
        if hasattr(self, "preview"):
            dates = self._dates()
            self.preview.value = (
                f"<p class='kit-cadence'>Meets {escape(cc.cadence_words(circle.cadence))}.</p>"
                + (
                    f"<div class='kit-warn'>{escape(cc.cadence_warning(circle.cadence))}</div>"
                    if cc.cadence_warning(circle.cadence)
                    else ""
                )
                + "<p><b>Next six meetings:</b></p><ol class='kit-dates'>"
                + "".join(f"<li>{d:%A %d %B %Y}</li>" for d in dates)
                + "</ol>"
            )
        if hasattr(self, "agenda_total"):
            total = sum(b.minutes for b in circle.agenda)
            length = circle.cadence.minutes
            kind = "ok" if total == length else "warn"
            self.agenda_total.value = (
                f"<div class='kit-{kind} kit-agenda-total'>The agenda takes {total} of the "
                f"meeting's {length} minutes.</div>"
            )
        if hasattr(self, "files"):
            self._refresh_files()

    def _refresh_files(self) -> None:
        try:
            self.files.value = self._files_html()
        except Exception as err:  # noqa: BLE001 - said beside the files, the plan is saved
            self._files_failed(later_failed(FILES, err))

    def _files_failed(self, message: str) -> None:
        self.files.value = message

    def _files_html(self) -> str:
        circle = self.circle
        dates = self._dates()
        stamp = f"{date.today():%Y-%m-%d}"
        total = sum(b.minutes for b in circle.agenda)
        if total != circle.cadence.minutes:
            return (
                f"<div class='kit-warn'>The agenda takes {total} minutes and the meeting "
                f'{circle.cadence.minutes}: press "Fit to the meeting\'s length" or change '
                "the minutes, and the files appear here.</div>"
            )
        try:
            ics = circle_series(
                circle.code, circle.title, circle.cadence, circle.agenda, sequence=self.version
            )
        except cc.CircleError:
            return "<p class='kit-muted'>Fix the meeting settings above to get the files.</p>"
        links = [
            download_link(ics, "customer-circle.ics", "text/calendar", "Calendar file (.ics)"),
            download_link(
                agenda_page(circle, dates),
                f"circle-agenda-{stamp}.html",
                "text/html",
                "Agenda (HTML)",
            ),
            download_link(
                agenda_markdown(circle, dates),
                f"circle-agenda-{stamp}.md",
                "text/markdown",
                "Agenda (Markdown)",
            ),
        ]
        return "<p>" + " · ".join(links) + "</p>"
