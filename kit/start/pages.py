"""Workbook 00, the start page: come back with a resume code, or restore a downloaded file."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import ipywidgets as widgets

from kit.database import PageStore, open_store
from kit.model import Participant, TeamSession
from kit.start.controllers import StartController, StartState
from kit.store.errors import StoreError
from kit.ui.components import (
    Notice,
    control,
    hbox,
    html,
    messages,
    outside_voila_note,
    page_top,
    person_marker,
    stylesheet,
    vbox,
)
from kit.ui.context import client_address, query_params
from kit.ui.page import Page
from kit.ui.person import member_code
from kit.workbooks import WORKBOOKS, personal_workbooks, team_workbooks, workbook


def team_links(code: str, team: TeamSession) -> str:
    """Return the team's workbooks as links carrying the person's resume code.

    Examples
    --------
    >>> team = TeamSession("K7R-M3X", "Desk", "key")
    >>> "href='01_hidden_leader_traits.ipynb?resume=K7QM-3XTA'" in team_links("K7QM-3XTA", team)
    True
    """
    # The list numbers them (an <ol>): the text does not again ("1. 1.").
    items = [(w.file, f"{w.title} ({w.minutes} min)") for w in team_workbooks()]
    if team.circle:
        items.append((workbook("circle_session").file, "The circle: add stories and ideas, vote"))
    links = "".join(
        f"<li><a class='kit-team-link' href='{name}?resume={quote(code)}'>{escape(text)}</a></li>"
        for name, text in items
    )
    return f"<ol class='kit-team-links'>{links}</ol>" + outside_voila_note(code)


def continue_link(code: str) -> str:
    """Return links into each personal workbook, carrying the resume code.

    Examples
    --------
    >>> "href='02_focus_and_attitude.ipynb?resume=K7QM-3XTA'" in continue_link("K7QM-3XTA")
    True
    """
    links = [
        f"<a class='kit-continue' href='{name}?resume={quote(code)}'>{escape(text)}</a>"
        for name, text in ((w.file, w.onward) for w in personal_workbooks())
    ]
    return "<br>" + " · ".join(links) + outside_voila_note(code)


class StartPage(Page):
    """Joining a team session, coming back with a resume code, restoring an answers file.

    Sections draw from a :class:`~kit.start.controllers.StartController`.

    Parameters
    ----------
    store : PageStore or None
        None when the store could not be opened (``problem`` says why).
    problem : str
        A message shown instead of the controls.
    """

    def __init__(self, store: PageStore | None, problem: str = ""):
        super().__init__(store, problems=(("error", problem),) if problem else ())
        self.controller = StartController(store)
        self.problem = problem
        self.code = widgets.Text(
            placeholder="e.g. K7QM-3XTA-9PWD-H4RN",
            description="Resume code",
            value=query_params().get("resume", ""),
            continuous_update=False,
            style={"description_width": "initial"},
        )
        self.go = control(widgets.Button, description="Find my answers", button_style="primary")
        self.go.on_click(lambda _: self.lookup())
        # Enter (or leaving the box) commits the text, which looks the code up too.
        self.code.observe(lambda change: change["new"].strip() and self.lookup(), "value")
        self.upload = widgets.FileUpload(
            accept=".json,.csv", multiple=False, description="Upload file"
        )
        self.upload.observe(lambda _: None if self.drawing else self.restore_upload(), "value")
        self.code_notice = Notice()
        self.upload_notice = Notice()
        self.join_code = control(
            widgets.Text,
            placeholder="e.g. K7R-M3X",
            description="Join code",
            value=query_params().get("session", ""),
            continuous_update=False,
        )
        # Its own layout: shown only for a named session (the shared one must not change).
        self.join_name = control(
            widgets.Text,
            description="Your name",
            placeholder="as your coach knows you",
            layout=widgets.Layout(display="none"),
        )
        self.join_button = control(widgets.Button, description="Join", button_style="primary")
        self.join_button.on_click(lambda _: self.join())
        self.join_code.observe(lambda change: self.check_join_code(), "value")
        self.join_notice = Notice()
        # Its own layout: shown only when the device joined before.
        self.someone_else = control(
            widgets.Button,
            description="I am someone else",
            layout=widgets.Layout(display="none"),
        )
        self.someone_else.on_click(lambda _: self.join_as_someone_else())
        self._team_shown = False
        self.drawn_by(self._draw_join)

    @classmethod
    def open(cls, store: str = "") -> StartPage:
        """Open the start page on the configured store; never raises."""
        try:
            return cls(open_store(store or None))
        except StoreError as err:
            return cls(None, f"Answers cannot be saved or found on this server: {err}.")

    @property
    def state(self) -> StartState:
        """What the page shows (the controller's frozen state)."""
        return self.controller.state

    @property
    def team_session(self) -> TeamSession | None:
        """The open session the join code names, once looked up."""
        return self.state.team

    @property
    def member(self) -> Participant | None:
        """Who joined on this page."""
        return self.state.member

    def _draw_join(self, state: StartState) -> None:
        team = state.team
        self.join_name.layout.display = None if (team and not team.anonymous) else "none"
        self.join_button.disabled = state.member is not None  # one press, one person
        self.someone_else.layout.display = None if state.again else "none"

    # -- joining a team session ---------------------------------------------------------

    def check_join_code(self) -> TeamSession | None:
        """Look the typed join code up; say what the session is, or what is wrong."""
        team = self.controller.check_join_code(self.join_code.value)
        self.redraw()
        if self.state.message is None:
            self.join_notice.clear()
        else:
            self.join_notice.show(*self.state.message)
        return team

    def _returning_code(self) -> str:
        team = self.state.team
        return (query_params().get("resume") or member_code(team.code)) if team else ""

    def _join_links(self) -> str:
        person, team = self.state.member, self.state.team
        if person is None or team is None:
            return ""
        return team_links(person.resume_code, team) + person_marker(
            person.resume_code, team.code, joined=True
        )

    def join(self) -> bool:
        """Join the session: a new resume code, and links into the team's workbooks."""
        if self.state.team is None:
            self.check_join_code()
        done = self.controller.join(self.join_name.value, client_address(), self._returning_code())
        return self.acted(done, notice=self.join_notice, tail=self._join_links())

    def join_as_someone_else(self) -> bool:
        """On a device someone joined from before, join as a new person."""
        done = self.controller.someone_else(self.join_name.value, client_address())
        return self.acted(done, notice=self.join_notice, tail=self._join_links())

    # -- coming back ---------------------------------------------------------------------

    def lookup(self) -> bool:
        """Check the typed code and offer the links into the workbooks."""
        done = self.controller.find(self.code.value, client_address())
        found = self.state.found
        links = (
            continue_link(found.resume_code) + person_marker(found.resume_code, found.session)
            if found is not None
            else ""
        )
        return self.acted(done, notice=self.code_notice, tail=links)

    def restore_upload(self) -> bool:
        """Import the uploaded answers file (all or nothing) and link into the workbooks."""
        files = list(self.upload.value)
        if not files:
            return False
        upload = files[-1]
        with self.quietly():
            # Forget the bytes so a second upload of the same file fires again.
            self.upload.value = ()
        done = self.controller.restore(upload["name"], bytes(upload["content"]))
        code = self.state.restored
        return self.acted(done, notice=self.upload_notice, tail=continue_link(code) if code else "")

    def _join_parts(self) -> list[widgets.Widget]:
        team = self.check_join_code()
        before = self.controller.returning(self._returning_code()) if team is not None else None
        if before is not None:
            self.acted(
                self.controller.welcome_back(before),
                notice=self.join_notice,
                tail=self._join_links(),
            )
            return [html("<h3>Your team session</h3>"), self.join_notice, self.someone_else]
        return [
            html(
                "<h3>Joining a team session?</h3><p>Type the code your coach gives you, "
                "or open the link they share.</p>"
            ),
            self.join_code,
            self.join_name,
            self.join_button,
            self.join_notice,
        ]

    def team(self) -> widgets.Widget | None:
        """At the top of the page when the link names a team session: the way to join it.

        People arriving with the coach's join link (often on a phone) see the
        Join button first, not below the list of workbooks. Without one, the
        cell shows nothing at all (None), not an empty widget.
        """
        if self.problem or "session" not in query_params():
            return None
        self._team_shown = True
        return vbox([*stylesheet(), *self._join_parts()])

    def catalogue(self) -> widgets.Widget | None:
        """Every workbook, what it is for and how long it takes, from the registry.

        A person who came with a team session's join link sees none of it:
        the workbooks their coach asks for are listed once they join, and
        the rest (the circle a coach runs, the dashboard) are not theirs.
        """
        if "session" in query_params():
            return None
        rows = "".join(
            f"<tr><td><a href='{escape(w.file, quote=True)}'>{escape(w.label)}</a></td>"
            f"<td>{escape(w.purpose)}</td><td class='kit-num'>{escape(w.duration)}</td></tr>"
            for w in WORKBOOKS
            if w.purpose
        )
        first = workbook("hidden_leader")
        # A widget, not an output: JupyterLab's renderer opens an output's links in new tabs.
        return html(
            "<h2>All the workbooks</h2><p><b>New here?</b> Open "
            f"<a href='{escape(first.file, quote=True)}'>workbook {first.number}</a>: you get a "
            "resume code with your first answer.</p><table class='kit-table kit-catalogue'>"
            "<thead><tr><th>Workbook</th><th>What it is for</th><th>Time</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    def widget(self) -> widgets.Widget:
        """Return the start page's controls."""
        parts = page_top()
        if self.problem:
            parts.append(html(messages((("error", self.problem),))))
            return vbox(parts)
        if not self._team_shown:
            parts += self._join_parts()
        parts += [
            html("<h3>Coming back?</h3><p>Type your resume code to find your answers.</p>"),
            hbox([self.code, self.go]),
            self.code_notice,
            html(
                "<h3>Have an answers file?</h3><p>If you used <b>Download my answers</b> (for "
                "example on Binder), upload the file here to carry on where you left off.</p>"
            ),
            self.upload,
            self.upload_notice,
        ]
        return vbox(parts)
