"""The circles' controllers, the planner's and the live session's: frozen state replaced by each action. No widgets.

:class:`SessionController` holds what the page shows as a :class:`SessionState`
(frozen; every action replaces it with ``dataclasses.replace`` or a fresh read
of the store) and offers the session's actions as methods. Each action writes
once, reads the session back, and says what happened in ``state.message``;
it never raises. The page (:mod:`kit.circles.pages.session`) draws its
sections from the state and calls the actions; tests call them directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from kit.circles import backlog as bl
from kit.circles import planning as plan_rules
from kit.circles.model import (
    DEFAULT_VOTES,
    Action,
    Cadence,
    Change,
    Circle,
    Entry,
    Factor,
    Idea,
    Story,
)
from kit.circles.programme import Programme, programme
from kit.circles.similar import Suggestion, suggest_merges
from kit.controller import Controller, Message
from kit.model import Participant, TeamSession
from kit.store.clock import now
from kit.store.errors import MapChangedError, StoreError

if TYPE_CHECKING:
    from kit.database import PageStore


@dataclass(frozen=True)
class SessionState:
    """What the session page shows: the circle's latest session, its entries and the backlog."""

    circle: Circle | None
    sessions: tuple[tuple[int, int, str, int], ...] = ()  # (id, number, held on, votes each)
    stories: tuple[Story, ...] = ()
    factors: tuple[Factor, ...] = ()
    ideas: tuple[Idea, ...] = ()
    actions: tuple[Action, ...] = ()
    entries: tuple[Entry, ...] = ()  # the circle's running lists, over every session
    revealed: bool = False  # the latest session's vote counts are shown
    changes: tuple[Change, ...] = ()
    present: tuple[str, ...] = ()  # who is at the latest session
    confirm_start: bool = False  # a second session today waits for a second press
    message: Message | None = None

    @property
    def people(self) -> tuple[str, ...]:
        """The names offered for told-by, voter and owner: the members, then anyone named since.

        People who joined from a phone in a named session are matched to a
        member by name (case aside), or added after the members.
        """
        names: list[str] = [m.name for m in self.circle.members] if self.circle else []
        seen = {n.casefold() for n in names}
        for name in (
            [s.teller for s in self.stories] + [i.by for i in self.ideas] + list(self.present)
        ):
            if name and not name.startswith("#") and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        return tuple(names)

    @property
    def votes_cast(self) -> int:
        """All votes cast in the latest session."""
        return sum(i.total for i in self.ideas)

    def suggestions(self) -> list[Suggestion]:
        """Pairs of running-list entries that may say the same thing (for the facilitator)."""
        return suggest_merges(self.entries)

    @property
    def session_id(self) -> int | None:
        """The latest session's id, or None before the first session."""
        return self.sessions[-1][0] if self.sessions else None

    @property
    def number(self) -> int:
        """The latest session's number (0 before the first)."""
        return self.sessions[-1][1] if self.sessions else 0

    @property
    def held_on(self) -> str:
        """The day the latest session started (ISO), or ''."""
        return self.sessions[-1][2] if self.sessions else ""

    @property
    def votes_each(self) -> int:
        """Dot votes per person in the latest session."""
        return self.sessions[-1][3] if self.sessions else DEFAULT_VOTES

    @property
    def open_actions(self) -> tuple[Action, ...]:
        """The actions still open, oldest first."""
        return tuple(a for a in self.actions if a.status == "open")

    def fingerprint(self) -> tuple[object, ...]:
        """What another device may have changed: compared by :meth:`SessionController.follow`."""
        return (
            self.session_id,
            tuple((t.id, t.text, t.act, t.where, t.prevention) for t in self.stories),
            len(self.factors),
            tuple((e.id, e.text, e.status, len(e.raised)) for e in self.entries),
            tuple((i.id, i.text, i.votes, i.chosen) for i in self.ideas),
            tuple((a.id, a.status, a.text, a.owner, a.due) for a in self.actions),
            self.revealed,
            len(self.changes),
            self.present,
        )


class SessionController(Controller):
    """The actions of one circle's session, on the coach's screen or a member's phone.

    Parameters
    ----------
    store : PageStore or None
        Where entries go; None when the page cannot save (nothing is read either).
    circle : Circle or None
        The circle; None when none is planned yet.
    team : TeamSession, optional
        Set when a team member adds to the coach's circle from their own
        device (a *contributor*): they add stories and ideas and vote; running
        the session stays with the coach.
    person : callable, optional
        Returns the person contributing, creating them on their first entry
        (the page base's first save); None on the coach's page.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.circles.content import agenda_template
    >>> from kit.circles.planning import new_circle
    >>> from kit.database import Store
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
    >>> owner = store.create_participant()
    >>> circle = new_circle(agenda_template())
    >>> _ = store.save_circle(owner.id, circle)
    >>> session = SessionController(store, circle)
    >>> session.start_next(today="2026-12-01"), session.state.number
    (True, 1)
    >>> session.add_idea("Call back within the hour")
    True
    >>> session.vote(session.state.ideas[0].id, "Ana"), session.state.message
    (True, ('ok', 'Vote counted: 2 votes left for Ana.'))
    >>> store.close()
    """

    def __init__(
        self,
        store: PageStore | None,
        circle: Circle | None,
        team: TeamSession | None = None,
        person: Callable[[], Participant] | None = None,
    ):
        self.store = store
        self.team = team
        self.contributor = team is not None
        self._person = person
        self.state = SessionState(circle)
        self._seen: int | None = None  # the store's data version at the last look
        self.load()

    # -- reading ---------------------------------------------------------------------

    def load(self) -> SessionState:
        """Read the circle's latest session and its backlog from the store again."""
        circle = self.state.circle
        if self.store is None or circle is None:
            return self.state
        try:
            sessions = tuple(self.store.sessions(circle.code))
            # A press waiting for its second press still waits after a re-read (the page
            # follows the store every few seconds), unless another session started meanwhile.
            waiting = self.state.confirm_start and sessions == self.state.sessions
            found = SessionState(
                circle, sessions, confirm_start=waiting, message=self.state.message
            )
            if sessions:
                latest, number = sessions[-1][0], sessions[-1][1]
                found = replace(
                    found,
                    stories=tuple(self.store.stories(latest)),
                    factors=tuple(self.store.factors(latest)),
                    ideas=tuple(self.store.ideas(latest)),
                    revealed=self.store.revealed(latest),
                    present=tuple(self.store.attendance(circle.code).get(number, ())),
                )
            self.state = replace(
                found,
                actions=tuple(self.store.actions(circle.code)),
                entries=tuple(self.store.entries(circle.code)),
                changes=tuple(self.store.changes(circle.code)),
            )
        except StoreError as err:
            self._say("error", f"The session could not be read: {err}.")
        return self.state

    def follow(self) -> bool:
        """Read the session again; True when anyone added, voted or started a session since.

        Nothing is read when no other page has written to the store since the
        last look, so a room's phones can look twice a second.
        """
        if self.store is None or self.state.circle is None:
            return False
        try:
            version = self.store.data_version()
        except StoreError:
            version = None  # read anyway: load() says what is wrong
        if version is not None and version == self._seen:
            return False
        self._seen = version
        before = self.state
        after = self.load()
        if after.fingerprint() == before.fingerprint():
            return False
        if self.contributor and before.session_id is None and after.session_id is not None:
            self._say("ok", f"Session {after.number} has started: add your stories below.")
        return True

    # -- actions ---------------------------------------------------------------------

    def start_next(self, today: str | None = None) -> bool:
        """Start the circle's next session (the open actions come along).

        A second session on the same day needs a second call, so a double
        click or a stray press does not split the team's entries in two.
        """
        today = today or date.today().isoformat()
        s = self.state
        if s.held_on == today and not s.confirm_start:
            self.state = replace(s, confirm_start=True)
            self._say(
                "warn",
                f"Session {s.number} was started today already. Press the button again to "
                "start another one; to keep adding to this one, just carry on below.",
            )
            return False
        self.state = replace(s, confirm_start=False)
        circle = self._circle()
        return self._do(
            lambda store: store.start_session(circle.code, today, s.votes_each, s.number),
            f"Session {s.number + 1} has started: go through the open actions first.",
        )

    def update_action(self, action_id: int | None, status: str, note: str) -> bool:
        """Record an open action's status and note in this session."""

        def work(store: PageStore) -> None:
            self._need_session()
            if action_id is None:
                raise bl.EntryError("Choose an open action first.")
            text = bl.clean_entry("note", note, required=status == "dropped")
            store.update_action(action_id, self.state.number, status, text, now())

        return self._do(work, "Action updated.")

    def add_story(
        self,
        kind: str,
        text: str,
        teller: str = "",
        act: str = "",
        where: str = "",
        prevention: str = "",
    ) -> bool:
        """Add a story; an unhappy one keeps its cause, where it happened and its prevention.

        A contributor's story carries only its kind, its text and (in a named
        session) their own name.
        """
        unhappy = kind == "unhappy"

        def work(store: PageStore) -> None:
            session = self._need_session()
            story_text = bl.clean_entry("story", text)
            if self.contributor:
                self._contributing()
                me = self._contributing().public_id
                store.add_story(
                    session, Story(0, session, kind, story_text, self.my_name(), added_by=me)
                )
                return
            story = Story(
                0,
                session,
                kind,
                story_text,
                bl.clean_entry("teller's name", teller, required=False, limit=80),
                act if unhappy else "",
                where if unhappy else "",
                bl.clean_entry("prevention", prevention, required=False) if unhappy else "",
            )
            store.add_story(session, story)

        return self._do(work, f"Added the story of a{'n' if unhappy else ''} {kind} customer.")

    def add_factor(self, kind: str, text: str, story: int | None, entry: int | None = None) -> bool:
        """Raise an entry of the running list: an existing one again (``entry``), or a new one."""

        def work(store: PageStore) -> None:
            session = self._need_session()
            words = "" if entry is not None else bl.clean_entry("entry", text)
            store.add_factor(session, kind, words, story, entry)

        where = "Do-Not-Annoy list" if kind == "do not annoy" else "delight factors"
        done = "Raised again on the" if entry is not None else "Added to the"
        return self._do(work, f"{done} {where}.")

    def set_entry_status(self, entry: int | None, status: str) -> bool:
        """Set a running-list entry's status: new, being worked on, solved or retired."""
        return self.correct("entry", entry, {"status": status}, f"The entry is now {status}.")

    def correct(
        self, thing: str, thing_id: int | None, fields: dict[str, str], done: str = ""
    ) -> bool:
        """Edit a story, idea, entry or action (kept in the history, with undo).

        The facilitator may correct anything; a person on their own phone
        only the stories and ideas they sent in the session still running.
        """

        def work(store: PageStore) -> None:
            session = self._need_session()
            self._may_correct(thing, thing_id)
            assert thing_id is not None
            cleaned = {k: _cleaned(k, v) for k, v in fields.items()}
            if not store.edit(thing, thing_id, cleaned, self._who(), self.state.number or session):
                raise bl.EntryError(f"Nothing to change: the {thing} already says that.")

        return self._do(work, done or f"The {thing} is corrected (undo is beside it).")

    def delete(self, thing: str, thing_id: int | None) -> bool:
        """Delete a story, idea, entry or action; it is kept in the history and can be undone."""

        def work(store: PageStore) -> None:
            self._need_session()
            self._may_correct(thing, thing_id)
            assert thing_id is not None
            store.delete(thing, thing_id, self._who(), self.state.number)

        return self._do(work, f"The {thing} is deleted (undo brings it back).")

    def merge(self, source: int | None, target: int | None) -> bool:
        """Merge running-list entry ``source`` into ``target``, keeping all their stories."""

        def work(store: PageStore) -> None:
            self._need_session()
            if self.contributor:
                raise bl.EntryError("The facilitator merges the lists' entries.")
            if source is None or target is None:
                raise bl.EntryError("Choose the two entries to merge.")
            store.merge_entries(source, target, self._who(), self.state.number)

        return self._do(work, "Merged: the entry keeps the stories of both (undo separates them).")

    def undo(
        self,
        things: tuple[str, ...] = ("story", "idea", "entry", "action"),
        changes: tuple[str, ...] = ("edit", "delete", "merge"),
    ) -> bool:
        """Undo the last change this page made to those things (of those kinds), not undone yet.

        Each Undo on the page undoes what its own group changed: the stories'
        Undo never takes back a merge made in the lists.
        """
        mine = [
            c
            for c in self.state.changes
            if c.who == self._who() and c.thing in things and c.change in changes and not c.undone
        ]

        def work(store: PageStore) -> None:
            self._need_session()
            if not mine:
                raise bl.EntryError("There is nothing of yours to undo.")
            store.undo(mine[-1].id, self._who(), self.state.number)

        if not mine:
            return self._do(work, "")
        last = mine[-1]
        return self._do(
            work,
            f"Undone: {last.described}.",
        )

    def reveal(self, shown: bool = True) -> bool:
        """Show the session's votes to everyone (or hide them again)."""

        def work(store: PageStore) -> None:
            session = self._need_session()
            if self.contributor:
                raise bl.EntryError("The facilitator reveals the votes.")
            store.reveal_votes(session, shown)

        return self._do(work, "The votes are shown." if shown else "The votes are hidden again.")

    def unvote(self, idea: int | None, voter: str = "") -> bool:
        """Take back one vote from an idea (one's own on a phone)."""

        def work(store: PageStore) -> None:
            self._need_session()
            name = self.voter() if self.contributor else bl.clean_entry("voter's name", voter)
            if idea is None or not store.unvote(idea, name):
                raise bl.EntryError("There is no vote of yours on that idea to take back.")

        return self._do(work, "Vote taken back.")

    def mark_present(self, names: list[str]) -> bool:
        """Record who is at this session."""

        def work(store: PageStore) -> None:
            store.mark_present(self._need_session(), names)

        return self._do(work, f"{len(names)} present.")

    def add_idea(self, text: str) -> bool:
        """Add an idea the team could carry out."""

        def work(store: PageStore) -> None:
            session = self._need_session()
            idea = bl.clean_entry("idea", text)
            me = self._contributing().public_id if self.contributor else ""
            store.add_idea(session, idea, self.my_name(), me)

        return self._do(work, "Idea added.")

    def vote(self, idea: int | None, voter: str = "") -> bool:
        """Give one vote to an idea: from ``voter`` on the coach's screen, from oneself on a phone."""
        left: list[int] = []

        def work(store: PageStore) -> None:
            self._need_session()
            name = bl.clean_entry(
                "voter's name", self.voter() if self.contributor else voter, limit=80
            )
            if idea is None:
                raise bl.EntryError("Choose an idea to vote for.")
            left.append(store.vote(idea, name))

        if not self._do(work, "Vote counted."):
            return False
        who = "you" if self.contributor else voter.strip()
        self._say(
            "ok", f"Vote counted: {left[0]} vote{'' if left[0] == 1 else 's'} left for {who}."
        )
        return True

    def set_votes_each(self, votes: int) -> bool:
        """Set how many dot votes each person has in this session."""
        if votes == self.state.votes_each:
            return False  # the box was only set to what the store holds
        return self._do(
            lambda store: store.set_votes_per_person(self._need_session(), int(votes)),
            f"Each person now has {votes} vote{'' if votes == 1 else 's'}.",
        )

    def make_action(
        self, idea: int | None, owner: str, due: date | None, entry: int | None = None
    ) -> bool:
        """Turn the idea the team picked into an action with one owner and a due date.

        ``entry`` is the running list's entry the action addresses, if any.
        """

        def work(store: PageStore) -> None:
            self._need_session()
            if idea is None:
                raise bl.EntryError("Choose the idea the team picked.")
            name = bl.clean_entry("owner", owner, limit=80)
            if due is None:
                raise bl.EntryError("Give the action a due date.")
            text = next(i.text for i in self.state.ideas if i.id == idea)
            store.open_action(
                self._circle().code,
                self.state.number,
                text,
                name,
                due.isoformat(),
                idea,
                now(),
                entry,
            )

        return self._do(work, "The idea is now an action: it opens the next session's review.")

    def programme(self, today: date | None = None) -> Programme | None:
        """The circle over all its sessions (None when it cannot be read)."""
        s = self.state
        if self.store is None or s.circle is None:
            return None
        try:
            ideas = {number: self.store.ideas(sid) for sid, number, _, _ in s.sessions}
            return programme(
                s.circle,
                list(s.sessions),
                self.store.circle_stories(s.circle.code),
                ideas,
                list(s.entries),
                list(s.actions),
                self.store.attendance(s.circle.code),
                today or date.today(),
            )
        except StoreError as err:
            self._say("error", f"The programme could not be read: {err}.")
            return None

    # -- who is acting ---------------------------------------------------------------

    def my_name(self) -> str:
        """The name a contributor's stories and votes carry: their own in a named session.

        In an anonymous session a story carries no name and votes are counted
        under an id nobody sees, so each person still has their own votes.
        """
        if self.team is None or self.team.anonymous or self._person is None:
            return ""
        return self._contributing().display_name

    def voter(self) -> str:
        """The name a contributor's votes are counted under."""
        return self.my_name() or f"#{self._contributing().public_id}"

    def my_votes(self, idea: Idea) -> int:
        """How many of this phone's votes an idea has (0 on the facilitator's page)."""
        if not self.contributor or self._person is None:
            return 0
        me = self.voter().casefold()
        return sum(n for v, n in idea.votes if v.casefold() == me)

    def mine(self, thing: str, thing_id: int) -> bool:
        """Whether this phone sent the story or idea (what a participant may correct)."""
        if not self.contributor or self._person is None:
            return False
        found = self.state.stories if thing == "story" else self.state.ideas
        me = self._contributing().public_id
        return any(t.id == thing_id and t.added_by == me for t in found)

    def _who(self) -> str:
        return f"#{self._contributing().public_id}" if self.contributor else "facilitator"

    def _may_correct(self, thing: str, thing_id: int | None) -> None:
        if thing_id is None:
            raise bl.EntryError(f"Choose the {thing} first.")
        if self.contributor and not (thing in ("story", "idea") and self.mine(thing, thing_id)):
            raise bl.EntryError(
                "From your phone you can correct only the stories and ideas you sent in this "
                "session; ask the facilitator for anything else."
            )

    def _contributing(self) -> Participant:
        # Someone who opened the circle straight from the session link gets a
        # resume code with their first contribution, as in every workbook.
        if self._person is None:
            raise StoreError("this page cannot save (see the message at the top)")
        return self._person()

    # -- the one way every action runs -------------------------------------------------

    def _do(self, work: Callable[[PageStore], object], done: str) -> bool:
        """Run one store write, read the session back and say what happened. Never raises."""
        try:
            if self.store is None:
                raise StoreError("this page cannot save (see the message at the top)")
            if self.contributor:
                self._check_still_open(self.store)
            work(self.store)
        except (bl.EntryError, StoreError) as err:
            self._say("error", str(err))
            return False
        except Exception as err:  # noqa: BLE001 - the page must never show a traceback
            self._say("error", f"That could not be saved ({type(err).__name__}: {err}).")
            return False
        self.load()
        self._say("ok", done)
        return True

    def _circle(self) -> Circle:
        if self.state.circle is None:
            raise bl.EntryError("There is no circle here yet: plan one in workbook 4.")
        return self.state.circle

    def _need_session(self) -> int:
        session = self.state.session_id
        if session is None:
            if self.contributor:
                raise bl.EntryError(
                    "Your coach has not started the session yet: this page shows it when they do."
                )
            raise bl.EntryError("Start the session first (the button at the top).")
        return session

    def _check_still_open(self, store: PageStore) -> None:
        # The coach may have closed the circle to the team since this page opened.
        assert self.team is not None
        team = store.team_session(self.team.code)
        if team is None or team.circle != self._circle().code or team.closed:
            raise bl.EntryError(
                "Your coach has closed this circle to the team, so nothing more can be added "
                "from here."
            )


def _cleaned(field: str, value: str) -> str:
    """A corrected field, tidied and checked (a refusal says what to write)."""
    if field in ("text", "prevention"):
        return bl.clean_entry(field, value, required=field == "text")
    if field == "owner":
        return bl.clean_entry("owner", value, limit=80)
    if field == "due":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise bl.EntryError("Give the action a due date.") from None
    return value


@dataclass(frozen=True)
class PlanState:
    """What the planner shows: the circle's plan, the version saved, and what the last change said."""

    circle: Circle
    version: int = 0  # 0: not saved yet
    message: Message | None = None

    @property
    def agenda_minutes(self) -> int:
        """The agenda's blocks added up."""
        return sum(b.minutes for b in self.circle.agenda)


class PlannerController(Controller):
    """The actions of the circle planner: every change is checked, then saved whole.

    Parameters
    ----------
    store : PageStore or None
        Where the plan is saved; None when the page cannot save.
    circle : Circle
        The plan the page opened (a first draft when the person has none).
    version : int
        The version saved in the store (0 when none), so a change made in
        another window is never silently overwritten.
    person : callable
        Returns the person saving, creating them on their first change (the
        page base's first save).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.circles.content import agenda_template
    >>> from kit.circles.planning import new_circle
    >>> from kit.database import Store
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
    >>> owner = store.create_participant()
    >>> plan = PlannerController(store, new_circle(agenda_template()), 0, lambda: owner)
    >>> plan.add_member("Ana", "front line"), plan.state.version
    (True, 1)
    >>> plan.add_member("ana ", "IT"), plan.state.message[0]
    (False, 'error')
    >>> store.close()
    """

    def __init__(
        self,
        store: PageStore | None,
        circle: Circle,
        version: int,
        person: Callable[[], Participant],
    ):
        self.store = store
        self._person = person
        self.state = PlanState(circle, version)

    def rename(self, title: str) -> bool:
        """Give the circle a name (blank means "Customer Circle")."""
        name = " ".join(title.split()) or "Customer Circle"
        return self.change(replace(self.state.circle, title=name))

    def add_member(self, name: str, group: str) -> bool:
        """Add a member (a name new to the circle, in a role group)."""
        try:
            member = plan_rules.check_member(self.state.circle.members, name, group)
        except plan_rules.CircleError as err:
            return self._say("error", str(err))
        members = (*self.state.circle.members, member)
        return self.change(replace(self.state.circle, members=members), f"Added {member.name}.")

    def remove_member(self, index: int | None) -> bool:
        """Remove the member at ``index`` in the list."""
        members = self.state.circle.members
        if index is None or not 0 <= index < len(members):
            return self._say("warn", "Choose a member in the list first.")
        rest = members[:index] + members[index + 1 :]
        return self.change(
            replace(self.state.circle, members=rest), f"Removed {members[index].name}."
        )

    def set_cadence(self, cadence: Cadence) -> bool:
        """Change when the circle meets (checked: a refused cadence only says why)."""
        return self.change(replace(self.state.circle, cadence=cadence))

    def set_block_minutes(self, index: int, minutes: int) -> bool:
        """Give one agenda block its minutes."""
        blocks = list(self.state.circle.agenda)
        blocks[index] = replace(blocks[index], minutes=int(minutes or 1))
        return self.change(replace(self.state.circle, agenda=tuple(blocks)))

    def set_block_title(self, index: int, title: str) -> bool:
        """Rename one agenda block (up to 120 characters)."""
        name = " ".join(title.split())
        if not name or len(name) > 120:
            return self._say("error", "Give the block a title of up to 120 characters.")
        blocks = list(self.state.circle.agenda)
        blocks[index] = replace(blocks[index], title=name)
        return self.change(
            replace(self.state.circle, agenda=tuple(blocks)),
            f"Block {index + 1} is now called {name}.",
        )

    def fit_agenda(self) -> bool:
        """Scale the agenda's minutes to the meeting's length."""
        circle = self.state.circle
        blocks = plan_rules.fit_agenda(circle.agenda, circle.cadence.minutes)
        return self.change(
            replace(circle, agenda=blocks), "The agenda now fills the meeting exactly."
        )

    def change(self, new: Circle, done: str = "Saved.") -> bool:
        """Check and save a changed plan in one write; a refused change only says why.

        A change to what the plan already is (a box set to its own value) is
        no change: nothing is written.
        """
        if new == self.state.circle:
            return False
        try:
            plan_rules.check_cadence(new.cadence)
        except plan_rules.CircleError as err:
            return self._say("error", str(err))
        if self.store is None:
            return self._say("error", "This page cannot save plans (see the message at the top).")
        try:
            version = self.store.save_circle(self._person().id, new, self.state.version)
        except MapChangedError as err:
            return self._say("error", f"Not saved: {err}.")
        except Exception as err:  # noqa: BLE001 - the page must never show a traceback
            return self._say("error", f"The plan could not be saved ({type(err).__name__}: {err}).")
        self.state = PlanState(new, version, ("ok", done))
        return True


@dataclass(frozen=True)
class ProjectorState:
    """What the projector shows: the session, the agenda block running, and how to join."""

    session: SessionState
    block: int = 0  # the agenda block's index
    started: str = ""  # when it started (ISO); '' before the facilitator starts it
    team: TeamSession | None = None  # the open team session the circle is shared in
    message: Message | None = None

    @property
    def agenda(self) -> tuple:
        """The circle's agenda blocks."""
        return self.session.circle.agenda if self.session.circle else ()

    def fingerprint(self) -> tuple[object, ...]:
        """What another screen may have changed."""
        return (self.session.fingerprint(), self.block, self.started, self.team)


class ProjectorController(Controller):
    """The projector's actions: step through the agenda's blocks, each with its countdown.

    It reads the same session as the facilitator's page (stories, ideas, the
    votes once revealed) and never writes an entry; the block it is on is
    kept in the store, so a reloaded projector carries on where it was.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.circles.content import agenda_template
    >>> from kit.circles.planning import new_circle
    >>> from kit.database import Store
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
    >>> circle = new_circle(agenda_template())
    >>> _ = store.save_circle(store.create_participant().id, circle)
    >>> _ = store.start_session(circle.code, "2027-01-12")
    >>> projector = ProjectorController(store, circle)
    >>> projector.step(1), projector.state.block, bool(projector.state.started)
    (True, 1, True)
    >>> store.close()
    """

    def __init__(self, store: PageStore | None, circle: Circle | None):
        self.store = store
        self.sessions = SessionController(store, circle)
        self.state = ProjectorState(self.sessions.state)
        self.load()

    def load(self) -> ProjectorState:
        """Read the session, the block it is on and the open team session again."""
        session = self.sessions.load()
        if self.store is None or session.session_id is None or session.circle is None:
            self.state = replace(self.state, session=session)
            return self.state
        try:
            block, started = self.store.block(session.session_id)
            shared = [
                t
                for t in self.store.team_sessions()
                if t.circle == session.circle.code and not t.closed
            ]
        except StoreError as err:
            self._say("error", f"The session could not be read: {err}.")
            return self.state
        self.state = replace(
            self.state,
            session=session,
            block=min(block, max(len(session.circle.agenda) - 1, 0)),
            started=started,
            team=shared[0] if shared else None,
        )
        return self.state

    def follow(self) -> bool:
        """Read again; True when anything shown changed."""
        before = self.state.fingerprint()
        return self.load().fingerprint() != before

    def step(self, by: int) -> bool:
        """Go ``by`` blocks on (or back) and start that block's countdown; 0 restarts this one."""
        s = self.state
        if s.session.session_id is None or self.store is None:
            return self._say("warn", "Start the session on the facilitator's page first.")
        block = s.block + by
        if not 0 <= block < len(s.agenda):
            return self._say(
                "warn", "That is the agenda's " + ("last" if by > 0 else "first") + " block."
            )
        try:
            self.store.set_block(s.session.session_id, block, now())
        except StoreError as err:
            return self._say("error", f"The block could not be kept: {err}.")
        self.load()
        self._say("ok", f"Now: {s.agenda[block].title}.")
        return True
