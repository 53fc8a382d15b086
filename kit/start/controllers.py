"""The start page's controller: joining a team session, coming back, restoring a file. No widgets.

:class:`StartController` holds what the start page shows as a
:class:`StartState` and offers its three ways in as actions: join the team
session a join code names, find the answers a resume code names, and restore
a downloaded answers file. Each action says what happened in
``state.message`` and never raises; the page (:mod:`kit.start.pages`)
draws its boxes and links from the state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kit.controller import Controller, Message
from kit.exchange import import_answers
from kit.model import Participant, TeamSession
from kit.store.attempts import JOINS, TOO_MANY_CODES, WRONG_CODES
from kit.store.errors import StoreError
from kit.store.records import ImportFileError, size_problem

if TYPE_CHECKING:
    from kit.database import PageStore

NAME_LIMIT = 60  # characters of a display name kept


@dataclass(frozen=True)
class StartState:
    """What the start page shows; ``message`` is what the last action said."""

    team: TeamSession | None = None  # the open session the join code names
    member: Participant | None = None  # who joined on this page
    again: bool = False  # the member joined on this device before
    someone_else: bool = False  # "I am someone else": the next join makes a new person
    found: Participant | None = None  # the person a resume code named
    restored: str = ""  # the resume code of the one person a restored file held
    message: Message | None = None


class StartController(Controller):
    """The start page's actions.

    Parameters
    ----------
    store : PageStore or None
        None when the store could not be opened: every action then says so.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import Store
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
    >>> team = store.create_session("Desk")
    >>> start = StartController(store)
    >>> start.check_join_code(team.code.lower()).title
    'Desk'
    >>> start.join(), start.state.member.session == team.code
    (True, True)
    >>> start.find("NOPE-NOPE"), start.state.message[0]
    (False, 'error')
    >>> store.close()
    """

    def __init__(self, store: PageStore | None):
        self.store = store
        self.state = StartState()

    # -- joining a team session ---------------------------------------------------------

    def check_join_code(self, typed: str) -> TeamSession | None:
        """Look a join code up: ``state.team`` is the open session it names, or None (and why)."""
        typed = typed.strip()
        self.state = replace(self.state, team=None, message=None)
        if not typed or self.store is None:
            return None
        try:
            team = self.store.team_session(typed)
        except StoreError as err:
            self._say("error", f"The session could not be looked up: {err}.")
            return None
        if team is None:
            self._say(
                "error",
                f"There is no team session '{typed}' on this server. Check the code with your "
                "coach: it has six letters and digits, like K7R-M3X (case and dashes do not "
                "matter).",
            )
            return None
        if team.closed:
            self._say("warn", f"The team session '{team.title}' is closed: ask your coach.")
            return None
        kind = (
            "It is anonymous: only the team's totals are ever shown."
            if team.anonymous
            else "It is a named session: type your name, then press Join."
        )
        self.state = replace(
            self.state, team=team, message=("note", f"Team session: {team.title}. {kind}")
        )
        return team

    def returning(self, code: str) -> Participant | None:
        """The person who joined the current session with ``code`` before (a device's cookie)."""
        team = self.state.team
        if not code or team is None or self.store is None:
            return None
        try:
            person = self.store.participant_by_code(code)
        except StoreError:
            return None
        return person if person is not None and person.session == team.code else None

    def welcome_back(self, person: Participant) -> bool:
        """Carry on as ``person``, who joined this session on this device before."""
        team = self.state.team
        assert team is not None
        self.state = replace(self.state, member=person, again=True)
        return self._joined(
            f"Welcome back: you joined {team.title} on this device before, so you carry on as "
            "the same person. (Not you? Use the button below.)",
            person,
        )

    def _joined(self, lead: str, person: Participant) -> bool:
        self._say(
            "ok",
            f"{lead} Your resume code is {person.resume_code}: note it to come back later, on "
            "this or another device. Now open, in order:",
        )
        return True

    def join(self, name: str = "", client: str = "", returning: str = "") -> bool:
        """Join the session the join code named: a new person with a resume code.

        A device that joined this session before (``returning``, its
        cookie's code) carries on as that person: a second tap, or the join
        link opened again, makes no second person.
        """
        s = self.state
        team = s.team
        if team is None or self.store is None:
            if s.message is not None:
                return False  # what the join code's check said stays
            return self._say("warn", "Type the join code your coach gave you first.")
        before = s.member
        if before is None and not s.someone_else:
            before = self.returning(returning)
        if before is not None:
            return self.welcome_back(before)
        name = " ".join(name.split())[:NAME_LIMIT]
        if not team.anonymous and not name:
            return self._say("warn", "Type your name first: this session is named.")
        try:
            if self.store.too_many(client, JOINS):
                return self._say(
                    "error",
                    "Too many people joined from this network address in the last few minutes. "
                    "If you joined before, open your resume code instead; otherwise ask your "
                    "coach.",
                )
            self.store.note_attempt(client, JOINS)
            person = self.store.create_participant(
                session=team.code, display_name="" if team.anonymous else name, client=client
            )
        except StoreError as err:
            return self._say("error", f"You could not join just now: {err}. Try again.")
        self.state = replace(self.state, member=person, again=False)
        return self._joined(f"You have joined {team.title}.", person)

    def someone_else(self, name: str = "", client: str = "") -> bool:
        """On a device someone joined from before, join as a new person."""
        self.state = replace(self.state, member=None, again=False, someone_else=True)
        return self.join(name, client)

    # -- coming back ---------------------------------------------------------------------

    def find(self, typed: str, client: str = "") -> bool:
        """Find the answers a resume code names: ``state.found``."""
        typed = typed.strip()
        self.state = replace(self.state, found=None)
        if not typed:
            return self._say(
                "warn", "Type the resume code you were given, then press Find my answers."
            )
        if self.store is None:
            return self._say("error", "Answers cannot be found on this server just now.")
        try:
            if self.store.too_many(client, WRONG_CODES):
                return self._say("error", TOO_MANY_CODES)
            person = self.store.participant_by_code(typed)
            if person is None:
                self.store.note_attempt(client, WRONG_CODES)
        except StoreError as err:
            return self._say("error", f"Your answers could not be looked up: {err}.")
        if person is None:
            return self._say(
                "error",
                f"No answers were found for '{typed}'. Check the code (it looks like "
                "K7QM-3XTA-9PWD-H4RN; dashes and case do not matter), or upload your answers "
                "file further down.",
            )
        self.state = replace(self.state, found=person)
        self._say("ok", "Found your answers. ")
        return True

    def restore(self, name: str, data: bytes) -> bool:
        """Import a downloaded answers file (all or nothing); ``state.restored`` is its person's code."""
        self.state = replace(self.state, restored="")
        if self.store is None:
            return self._say("error", "Answers cannot be restored on this server just now.")
        too_big = size_problem([(name, len(data))])
        if too_big:
            return self._say("error", too_big)
        try:
            summary = import_answers(self.store, data, name, from_page=True)
        except (ImportFileError, StoreError) as err:
            return self._say("error", f"{name}: {err}")
        except Exception as err:  # noqa: BLE001 - a visitor's file must never show a traceback
            return self._say(
                "error", f"{name} could not be read ({type(err).__name__}); nothing was imported."
            )
        codes = list(summary.resume_codes.values())
        if len(codes) != 1:
            self._say(
                "ok", f"Imported {summary.answers} answers for {len(codes)} people from {name}."
            )
            return True
        self.state = replace(self.state, restored=codes[0])
        if summary.answers == 0 and summary.updated_participants == 1:
            self._say(
                "ok",
                f"The answers in {name} are already on this server (nothing in the file is "
                f"newer). Your resume code is {codes[0]}. ",
            )
        else:
            self._say(
                "ok",
                f"Restored {summary.answers} answers from {name}. Your resume code is {codes[0]}. ",
            )
        return True
