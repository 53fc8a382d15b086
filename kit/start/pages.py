"""Workbook 00, the start page: come back with a resume code, or restore a downloaded file."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import ipywidgets as widgets

from kit.database import Store, open_store
from kit.exchange import import_answers
from kit.model import Participant, TeamSession
from kit.store.attempts import JOINS, WRONG_CODES
from kit.store.errors import StoreError
from kit.store.records import ImportFileError, size_problem
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
from kit.ui.person import TOO_MANY_CODES, member_code
from kit.workbooks import personal_workbooks, team_workbooks, workbook


def team_links(code: str, team: TeamSession) -> str:
    """Return the team's workbooks as links carrying the person's resume code."""
    items = [
        (w.file, f"{n}. {w.title} ({w.minutes} min)")
        for n, w in enumerate(team_workbooks(), start=1)
    ]
    if team.circle:
        items.append((workbook("circle_session").file, "The circle: add stories and ideas, vote"))
    links = "".join(
        f"<li><a class='kit-team-link' href='{name}?resume={quote(code)}'>{escape(text)}</a></li>"
        for name, text in items
    )
    return f"<ol class='kit-team-links'>{links}</ol>" + outside_voila_note(code)


def continue_link(code: str) -> str:
    """Return links into each personal workbook, carrying the resume code."""
    links = [
        f"<a class='kit-continue' href='{name}?resume={quote(code)}'>{escape(text)}</a>"
        for name, text in ((w.file, w.onward) for w in personal_workbooks())
    ]
    return "<br>" + " · ".join(links) + outside_voila_note(code)


class StartPage:
    """Resume-code entry and answer-file upload.

    Parameters
    ----------
    store : Store or None
        None when the store could not be opened (``problem`` says why).
    problem : str
        A message shown instead of the controls.
    """

    def __init__(self, store: Store | None, problem: str = ""):
        self.store = store
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
        self.upload.observe(lambda _: self.restore_upload(), "value")
        self.code_notice = Notice()
        self.upload_notice = Notice()
        self.problem = problem
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
        self.team_session: TeamSession | None = None
        self.member: Participant | None = None  # who joined on this page
        self._someone_else = False
        # Its own layout: shown only when the device joined before.
        self.someone_else = control(
            widgets.Button,
            description="I am someone else",
            layout=widgets.Layout(display="none"),
        )
        self.someone_else.on_click(lambda _: self.join_as_someone_else())
        self._team_shown = False

    @classmethod
    def open(cls, store: str = "") -> StartPage:
        """Open the start page on the configured store; never raises."""
        try:
            return cls(open_store(store or None))
        except StoreError as err:
            return cls(None, f"Answers cannot be saved or found on this server: {err}.")

    def check_join_code(self) -> TeamSession | None:
        """Look the typed join code up; say what the session is, or what is wrong."""
        typed = self.join_code.value.strip()
        self.team_session = None
        if not typed or self.store is None:
            self.join_notice.clear()
            return None
        try:
            team = self.store.team_session(typed)
        except StoreError as err:
            self.join_notice.show("error", f"The session could not be looked up: {err}.")
            return None
        if team is None:
            self.join_notice.show(
                "error",
                f"There is no team session '{typed}' on this server. Check the code with your "
                "coach: it has six letters and digits, like K7R-M3X (case and dashes do not "
                "matter).",
            )
            return None
        if team.closed:
            self.join_notice.show(
                "warn", f"The team session '{team.title}' is closed: ask your coach."
            )
            return None
        self.team_session = team
        self.join_name.layout.display = None if not team.anonymous else "none"
        kind = (
            "It is anonymous: only the team's totals are ever shown."
            if team.anonymous
            else "It is a named session: type your name, then press Join."
        )
        self.join_notice.show("note", f"Team session: {team.title}. {kind}")
        return team

    def returning(self, team: TeamSession) -> Participant | None:
        """Return the person who joined ``team`` on this device before (the page's cookie)."""
        code = query_params().get("resume") or member_code(team.code)
        if not code or self.store is None:
            return None
        try:
            person = self.store.participant_by_code(code)
        except StoreError:
            return None
        return person if person is not None and person.session == team.code else None

    def _joined(self, person: Participant, team: TeamSession, again: bool) -> None:
        self.member = person
        self.join_button.disabled = True
        self.someone_else.layout.display = None if again else "none"
        lead = (
            f"Welcome back: you joined {team.title} on this device before, so you carry on as "
            "the same person. (Not you? Use the button below.)"
            if again
            else f"You have joined {team.title}."
        )
        self.join_notice.show(
            "ok",
            f"{lead} Your resume code is {person.resume_code}: note it to come back later, on "
            "this or another device. Now open, in order:",
            team_links(person.resume_code, team)
            + person_marker(person.resume_code, team.code, joined=True),
        )

    def join_as_someone_else(self) -> bool:
        """On a device someone joined from before, join as a new person."""
        self.member = None
        self._someone_else = True
        self.join_button.disabled = False
        return self.join()

    def join(self) -> bool:
        """Join the session: a new resume code, and links into the team's workbooks.

        A device that joined this session before carries on as that person:
        a second tap, or the join link opened again, makes no second person.
        """
        team = self.team_session or self.check_join_code()
        if team is None or self.store is None:
            return False
        before = self.member
        if before is None and not self._someone_else:
            before = self.returning(team)
        if before is not None:
            self._joined(before, team, again=True)
            return True
        name = " ".join(self.join_name.value.split())[:60]
        if not team.anonymous and not name:
            self.join_notice.show("warn", "Type your name first: this session is named.")
            return False
        client = client_address()
        try:
            if self.store.too_many(client, JOINS):
                self.join_notice.show(
                    "error",
                    "Too many people joined from this network address in the last few minutes. "
                    "If you joined before, open your resume code instead; otherwise ask your "
                    "coach.",
                )
                return False
            self.store.note_attempt(client, JOINS)
            person = self.store.create_participant(
                session=team.code, display_name="" if team.anonymous else name, client=client
            )
        except StoreError as err:
            self.join_notice.show("error", f"You could not join just now: {err}. Try again.")
            return False
        self._joined(person, team, again=False)
        return True

    def lookup(self) -> bool:
        """Check the typed code and offer the link into the workbook."""
        typed = self.code.value.strip()
        if not typed:
            self.code_notice.show(
                "warn", "Type the resume code you were given, then press Find my answers."
            )
            return False
        client = client_address()
        try:
            if self.store is not None and self.store.too_many(client, WRONG_CODES):
                self.code_notice.show("error", TOO_MANY_CODES)
                return False
            participant = self.store.participant_by_code(typed) if self.store else None
            if participant is None and self.store is not None:
                self.store.note_attempt(client, WRONG_CODES)
        except StoreError as err:
            self.code_notice.show("error", f"Your answers could not be looked up: {err}.")
            return False
        if participant is None:
            self.code_notice.show(
                "error",
                f"No answers were found for '{typed}'. Check the code (it looks like "
                "K7QM-3XTA-9PWD-H4RN; dashes and case do not matter), or upload your answers file further down.",
            )
            return False
        self.code_notice.show(
            "ok",
            "Found your answers. ",
            continue_link(participant.resume_code)
            + person_marker(participant.resume_code, participant.session),
        )
        return True

    def restore_upload(self) -> bool:
        """Import the uploaded answers file (all or nothing) and link into the workbook."""
        files = list(self.upload.value)
        if not files or self.store is None:
            return False
        upload = files[-1]
        name = upload["name"]
        too_big = size_problem([(name, len(upload["content"]))])
        if too_big:
            self.upload.value = ()
            self.upload_notice.show("error", too_big)
            return False
        try:
            summary = import_answers(self.store, bytes(upload["content"]), name, from_page=True)
        except (ImportFileError, StoreError) as err:
            self.upload_notice.show("error", f"{name}: {err}")
            return False
        except Exception as err:  # noqa: BLE001 - a visitor's file must never show a traceback
            self.upload_notice.show(
                "error", f"{name} could not be read ({type(err).__name__}); nothing was imported."
            )
            return False
        finally:
            # Forget the bytes so a second upload of the same file fires again.
            self.upload.value = ()
        codes = list(summary.resume_codes.values())
        if len(codes) != 1:
            self.upload_notice.show(
                "ok", f"Imported {summary.answers} answers for {len(codes)} people from {name}."
            )
            return True
        if summary.answers == 0 and summary.updated_participants == 1:
            self.upload_notice.show(
                "ok",
                f"The answers in {name} are already on this server (nothing in the file is "
                f"newer). Your resume code is {codes[0]}. ",
                continue_link(codes[0]),
            )
            return True
        self.upload_notice.show(
            "ok",
            f"Restored {summary.answers} answers from {name}. Your resume code is {codes[0]}. ",
            continue_link(codes[0]),
        )
        return True

    def _join_parts(self) -> list[widgets.Widget]:
        team = self.check_join_code()
        before = self.returning(team) if team is not None else None
        if team is not None and before is not None:
            self._joined(before, team, again=True)
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
