"""The coach dashboard's controller: frozen state replaced by each action. No widgets.

:class:`DashboardController` holds what the dashboard shows as a
:class:`DashboardState`: the session as stored, the team's anonymous picture,
the upload batches, the circle open to the team, the people of a named
session and the one person the coach opened. Each action writes once, reads
back what it changed, and says what happened in ``state.message``; it never
raises. The page (:mod:`kit.team.pages`) draws its sections from the state;
tests call the actions directly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kit.content import ContentError
from kit.controller import Controller, Message
from kit.exchange import upload_team_files
from kit.instruments.model import Instrument
from kit.model import TeamSession
from kit.store.errors import StoreError
from kit.store.records import ImportFileError, size_problem
from kit.store.sessions import UploadBatch
from kit.team.picture import TeamPicture, team_picture

if TYPE_CHECKING:
    from kit.database import PageStore

# The workbooks whose scores a named session's coach may open for one person. The pulse
# promises everyone that only team totals are shown: never one person's.
PERSONAL_RESULTS = ("hidden_leader", "focus_attitude")


@dataclass(frozen=True)
class OnePerson:
    """One person of a named session, as the coach opened them: their answers per workbook."""

    id: int
    name: str
    answers: tuple[tuple[str, dict[str, str]], ...] = ()  # (instrument id, answers)


@dataclass(frozen=True)
class DashboardState:
    """What the dashboard shows: the session, its picture, its uploads, and the last message."""

    session: TeamSession | None
    picture: TeamPicture | None = None
    fingerprint: int | None = None  # the picture's, to tell a change from a new read
    batches: tuple[UploadBatch, ...] = ()
    circle_title: str = ""  # the circle open to the team, if any
    members: tuple[tuple[int, str], ...] = ()  # named sessions: (participant id, name)
    person: OnePerson | None = None
    read_problem: str = ""  # why the store could not be read just now ('' when it could)
    created: TeamSession | None = None  # the session the form below just made
    removed_note: int | None = None  # the note the last Remove took away (Undo brings it back)
    message: Message | None = None


class DashboardController(Controller):
    """The actions of the coach dashboard of one team session.

    Parameters
    ----------
    store : PageStore or None
        Where the session lives; None when the store could not be opened.
    session : TeamSession or None
        The session the coach key opened; None shows the form for a new one.
    catalogue : dict, optional
        The questionnaires by id, for the team's figures.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import Store
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
    >>> team = store.create_session("Desk", min_group=3)
    >>> dash = DashboardController(store, team)
    >>> dash.refresh(), dash.state.picture.joined
    (True, 0)
    >>> dash.set_min_group(2), dash.state.message[0]
    (False, 'error')
    >>> dash.set_revealed(True), dash.state.session.revealed
    (True, True)
    >>> store.close()
    """

    def __init__(
        self,
        store: PageStore | None,
        session: TeamSession | None,
        catalogue: dict[str, Instrument] | None = None,
    ):
        self.store = store
        self.catalogue = catalogue or {}
        self.state = DashboardState(session)

    # -- following the store ------------------------------------------------------------

    def refresh(self) -> bool:
        """Read the session, its picture and its uploads again; True when anything shown changed."""
        s = self.state
        if s.session is None or self.store is None:
            return False
        try:
            session = self.store.team_session(s.session.code) or s.session
            picture = team_picture(self.store, session, self.catalogue or None)
            batches = tuple(self.store.upload_batches(session.code))
            # The circle's title is read again only when another circle is opened: the
            # dashboard follows the store every few seconds, and this read is not needed then.
            known = s.session.circle == session.circle and bool(s.circle_title)
            circle_title = (
                s.circle_title if known else self._circle_title(self.store, session.circle)
            )
        except (StoreError, ContentError) as err:
            problem = f"The team's answers could not be read just now: {err}."
            changed = problem != s.read_problem
            self.state = replace(s, read_problem=problem)
            return changed
        fingerprint = picture.fingerprint()
        after = replace(
            s,
            session=session,
            batches=batches,
            circle_title=circle_title,
            read_problem="",
        )
        if fingerprint != s.fingerprint:
            after = replace(after, picture=picture, fingerprint=fingerprint)
        if after == s:
            return False
        self.state = after
        return True

    @staticmethod
    def _circle_title(store: PageStore, code: str) -> str:
        circle = store.circle(code) if code else None
        return circle.title if circle else ""

    def _reread(self, level: str, text: str) -> bool:
        """After a write: read everything again, and say ``text``."""
        self.state = replace(self.state, fingerprint=None)  # redraw even an unchanged picture
        self.refresh()
        self._say(level, text)
        return True

    # -- what the coach decides -----------------------------------------------------------

    def _change(self, done: str, **changes: object) -> bool:
        s = self.state
        if s.session is None or self.store is None:
            return self._say("error", "No session is open on this page.")
        try:
            self.state = replace(s, session=self.store.update_session(s.session.code, **changes))
        except StoreError as err:
            return self._say("error", f"Not changed: {err}.")
        return self._reread("ok", done)

    def set_revealed(self, revealed: bool) -> bool:
        """Let participants' pages show the team's results (or hide them again)."""
        if self.state.session is not None and revealed == self.state.session.revealed:
            return False
        done = (
            "Participants' pages now show the team's results."
            if revealed
            else "The team's results are hidden from participants again."
        )
        return self._change(done, revealed=revealed)

    def set_min_group(self, value: int) -> bool:
        """Change the minimum group size (never below 3, and only up once anyone answered)."""
        if self.state.session is not None and value == self.state.session.min_group:
            return False  # the box showing the stored value is not the coach choosing it
        return self._change(f"Figures now show once {value} people have answered.", min_group=value)

    def set_closed(self, closed: bool) -> bool:
        """Close the session to newcomers (or reopen it)."""
        if self.state.session is not None and closed == self.state.session.closed:
            return False
        done = "Closed: nobody new can join." if closed else "Reopened: people can join again."
        return self._change(done, closed=closed)

    def next_round(self) -> bool:
        """Start the openness pulse's next round: people answer it afresh."""
        s = self.state
        if s.session is None or self.store is None:
            return self._say("error", "No session is open on this page.")
        try:
            after = self.store.open_next_round(s.session.code, s.session.pulse_round)
        except StoreError as err:
            return self._say("error", f"No new round was started: {err}.")
        return self._reread(
            "ok",
            f"Round {after} of the pulse has started: participants' pulse pages now ask afresh, "
            "and earlier rounds stay for the trend.",
        )

    # -- conversion: the Customer Value Creators' target, rounds of workbook 2, notes -----

    def set_target(self, percent: int) -> bool:
        """Set the target share of Customer Value Creators (0 clears it)."""
        if self.state.session is not None and percent == self.state.session.cvc_target:
            return False
        done = (
            f"The target is now {percent}% Customer Value Creators."
            if percent
            else "No target is set now."
        )
        return self._change(done, cvc_target=percent)

    def next_focus_round(self) -> bool:
        """Start the next round of focus and attitude: people place themselves afresh."""
        s = self.state
        if s.session is None or self.store is None:
            return self._say("error", "No session is open on this page.")
        try:
            after = self.store.open_next_round(s.session.code, s.session.focus_round, "focus")
        except StoreError as err:
            return self._say("error", f"No new round was started: {err}.")
        return self._reread(
            "ok",
            f"Round {after} of focus and attitude has started: participants' workbook 2 now "
            "asks afresh, and the conversion table compares it with the round before once "
            "enough people have answered both.",
        )

    def add_note(self, kind: str, text: str, category: str = "") -> bool:
        """Keep a coaching action (between this round and the next) or a guardrail."""
        s = self.state
        if s.session is None or self.store is None:
            return self._say("error", "No session is open on this page.")
        try:
            self.store.add_session_note(
                s.session.code, kind, text, category, round_=s.session.focus_round
            )
        except StoreError as err:
            return self._say("error", f"Not kept: {err}.")
        done = (
            f"Kept: {category} after round {s.session.focus_round}."
            if kind == "action"
            else "Kept the guardrail."
        )
        return self._reread("ok", done)

    def remove_note(self, note_id: int | None) -> bool:
        """Take a coaching action or guardrail off the lists (Undo brings it back)."""
        s = self.state
        if s.session is None or self.store is None or note_id is None:
            return self._say("warn", "Choose the note to remove first.")
        try:
            self.store.delete_session_note(s.session.code, note_id)
        except StoreError as err:
            return self._say("error", f"Not removed: {err}.")
        self.state = replace(self.state, removed_note=note_id)
        return self._reread("ok", "Removed. Undo brings it back.")

    def restore_note(self) -> bool:
        """Bring back the note the last Remove took away."""
        s = self.state
        if s.session is None or self.store is None or s.removed_note is None:
            return self._say("warn", "There is nothing to bring back.")
        try:
            self.store.delete_session_note(s.session.code, s.removed_note, deleted=False)
        except StoreError as err:
            return self._say("error", f"Not brought back: {err}.")
        self.state = replace(self.state, removed_note=None)
        return self._reread("ok", "Brought it back.")

    def open_circle(self, resume: str) -> bool:
        """Open the circle planned under ``resume`` to the team ('' closes it again)."""
        if self.state.session is None or self.store is None:
            return self._say("error", "No session is open on this page.")
        if not resume.strip():
            return self._change("No circle is open to the team now.", circle="")
        try:
            owner = self.store.participant_by_code(resume)
            planned = self.store.circles(owner.id) if owner else []
        except StoreError as err:
            return self._say("error", f"The circle could not be looked up: {err}.")
        if owner is None:
            return self._say(
                "error",
                f"No one has the resume code '{resume.strip()}'. Use the code shown on your "
                "circle planner (workbook 4).",
            )
        if not planned:
            return self._say(
                "error", "That resume code has no planned circle yet: plan one in workbook 4."
            )
        circle = planned[0][0]
        return self._change(f"'{circle.title}' is open to the team.", circle=circle.code)

    # -- named sessions: one person's results ---------------------------------------------

    def load_people(self) -> bool:
        """Read who has joined (named sessions only): ``state.members``."""
        s = self.state
        if s.session is None or self.store is None or s.session.anonymous:
            return False
        try:
            members = tuple(self.store.members(s.session.code))
        except StoreError as err:
            return self._say("error", f"The list of people could not be read: {err}.")
        self.state = replace(s, members=members)
        return True

    def open_person(self, participant_id: int | None) -> bool:
        """Open one person's answers (named sessions only, people of this session only)."""
        s = self.state
        if participant_id is None or s.session is None or s.session.anonymous:
            self.state = replace(s, person=None)
            return False
        assert self.store is not None
        try:
            members = dict(self.store.members(s.session.code))
            if participant_id not in members:
                self.state = replace(s, person=None)  # never someone outside this session
                return False
            answers = tuple(
                (instrument_id, self.store.answers(participant_id, instrument_id))
                for instrument_id in PERSONAL_RESULTS
                if instrument_id in self.catalogue
            )
        except StoreError as err:
            self.state = replace(s, person=None)
            return self._say("error", f"Their answers could not be read: {err}.")
        self.state = replace(s, person=OnePerson(participant_id, members[participant_id], answers))
        return True

    # -- files ------------------------------------------------------------------------------

    def upload_files(self, files: list[tuple[str, bytes]]) -> bool:
        """Import participants' answer files into the session, all or nothing."""
        s = self.state
        if s.session is None or self.store is None:
            return self._say("error", "No session is open on this page.")
        if not files:
            return False
        too_big = size_problem([(name, len(data)) for name, data in files])
        if too_big:
            return self._say("error", too_big)
        try:
            done = upload_team_files(self.store, s.session, files)
        except (ImportFileError, StoreError) as err:
            return self._say("error", str(err))
        except Exception as err:  # noqa: BLE001 - a file must never show a traceback
            return self._say(
                "error",
                f"The files could not be read ({type(err).__name__}); nothing was imported.",
            )
        again = ""
        if done.uploaded_before:
            again = (
                f" Already uploaded before: {', '.join(done.uploaded_before)} (only answers newer "
                "than the stored ones were taken)."
            )
        return self._reread(
            "ok",
            f"Imported {done.answers} answers from {done.files} file"
            f"{'s' if done.files != 1 else ''} ({done.people} people).{again} New people count "
            "in the figures once you count their batch below.",
        )

    def confirm_batch(self, batch: int) -> bool:
        """Count an upload batch in the team's figures (at least the minimum group)."""
        s = self.state
        if s.session is None or self.store is None:
            return self._say("error", "No session is open on this page.")
        try:
            done = self.store.confirm_batch(s.session.code, batch)
        except StoreError as err:
            return self._say("error", f"Not counted: {err}.")
        one = done.people == 1
        return self._reread(
            "ok",
            f"The {done.people} {'person' if one else 'people'} now count{'s' if one else ''}.",
        )

    def remove_batch(self, batch: int) -> bool:
        """Remove an upload batch, its people and their answers."""
        s = self.state
        if s.session is None or self.store is None:
            return self._say("error", "No session is open on this page.")
        try:
            people = self.store.remove_batch(s.session.code, batch)
        except StoreError as err:
            return self._say("error", f"Not removed: {err}.")
        return self._reread(
            "ok", f"Removed {people} uploaded {'person' if people == 1 else 'people'}."
        )

    # -- a new session ------------------------------------------------------------------------

    def create_session(self, title: str, anonymous: bool, min_group: int) -> bool:
        """Create a team session (from the page opened without a key): ``state.created``."""
        if self.store is None:
            return self._say("error", "The store cannot be opened, so no session can be made.")
        try:
            made = self.store.create_session(title, anonymous=anonymous, min_group=min_group)
        except StoreError as err:
            return self._say("error", f"The session was not created: {err}.")
        self.state = replace(self.state, created=made)
        self._say(
            "ok",
            f"Created '{made.title}' with join code {made.code}. Keep your coach link to "
            "yourself: it opens the team's results.",
        )
        return True
