"""The store every page opens: the core plus each feature's queries, and how to choose it.

The store is chosen by ``--store PATH_OR_URL``, else ``KIT_STORE``, else a
SQLite file in the user's data folder. ``postgresql://user@host/database``
puts it on PostgreSQL (the dialect layer, :mod:`kit.store.engine`, keeps the
queries the same on both).

:class:`Store` is assembled here, above the features, because one person's
answers file crosses them all; the core (:mod:`kit.store.core`) knows none
of them, and each feature's queries live in its own folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Protocol

from kit.circles.model import DEFAULT_VOTES, Action, Change, Circle, Entry, Factor, Idea, Story
from kit.exchange import ExchangeQueries, ImportSummary
from kit.instruments.trait_scores import InstrumentSummary
from kit.maps.model import CustomerMap
from kit.model import MIN_GROUP_DEFAULT, Participant, SessionNote, TeamSession
from kit.paths import default_store_path
from kit.store.engine import is_postgres
from kit.store.records import AnswerFile
from kit.store.sessions import UploadBatch
from kit.store.upkeep import sqlite_path


class PageStore(Protocol):
    """What pages, their controllers and the files they offer may ask of a store.

    Pages and controllers are typed against this protocol, never against
    :class:`Store`, its implementation on SQLite and PostgreSQL: anything
    else serves the pages by offering the same methods (mypy checks that
    :class:`Store` does, wherever :func:`open_store`'s store reaches a page). Each method's
    full description is on the feature's queries (``kit/<feature>/storage.py``)
    or the core (:mod:`kit.store`).
    """

    @property
    def location(self) -> str:
        """Where the store is, as :func:`open_store` takes it (for a report made from it)."""
        ...

    def actions(self, circle: str) -> list[Action]:
        """Return the circle's actions with their histories, oldest first."""

    def add_factor(
        self,
        session_id: int,
        kind: str,
        text: str,
        story: int | None,
        entry: int | None = None,
    ) -> int:
        """Raise an entry of the circle's running list in a session; return the entry's id."""

    def add_idea(self, session_id: int, text: str, by: str = "", added_by: str = "") -> int:
        """Add an idea (``added_by``: the phone's person, by public id); return its id."""

    def attendance(self, circle: str) -> dict[int, list[str]]:
        """Return who was at each session, by session number."""

    def changes(self, circle: str) -> list[Change]:
        """Return every change to the circle's records, oldest first."""

    def data_version(self) -> int:
        """A number that changes whenever anyone commits to the store (any page's kernel)."""

    def delete(self, thing: str, thing_id: int, who: str, session: int) -> int:
        """Delete a story, idea, entry or action (kept, marked deleted); return the change's id."""

    def edit(
        self, thing: str, thing_id: int, fields: dict[str, str], who: str, session: int
    ) -> int:
        """Change some fields of a story, idea, entry or action; return the change's id."""

    def entries(self, circle: str) -> list[Entry]:
        """Return the circle's running lists: every live entry with each time it was raised."""

    def block(self, session_id: int) -> tuple[int, str]:
        """Return the agenda block the session is on and when it started ('' before it did)."""

    def set_block(self, session_id: int, block: int, started: str) -> None:
        """Record which agenda block the session is on and when it started (for the projector)."""

    def team_sessions(self) -> list[TeamSession]:
        """Return every team session, newest first."""

    def mark_present(self, session_id: int, names: list[str]) -> None:
        """Record who is at the session (the names replace the ones recorded before)."""

    def merge_entries(self, source: int, target: int, who: str, session: int) -> int:
        """Merge entry ``source`` into ``target``: every raising and story moves; return the change."""

    def reveal_votes(self, session_id: int, shown: bool = True) -> None:
        """Show (or hide again) the session's vote counts to everyone."""

    def revealed(self, session_id: int) -> bool:
        """Whether the session's vote counts are shown (hidden until the facilitator says)."""

    def undo(self, change_id: int, who: str, session: int) -> int:
        """Undo one change (an edit, a delete or a merge); return the undo's own change id."""

    def unvote(self, idea_id: int, voter: str) -> bool:
        """Take back one of the voter's votes for an idea; False when they gave it none."""

    def add_story(self, session_id: int, story: Story) -> int:
        """Add a story to a session; return its id."""

    def answers(
        self,
        participant_id: int,
        instrument: str,
        round: int = 1,  # noqa: A002 - the column's name
    ) -> dict[str, str]:
        """Return a participant's answers to one instrument (in one round), by item."""

    def circle(self, code: str) -> Circle | None:
        """Return the planned circle ``code``, or None."""

    def circle_records(
        self, session: str | None = None, participant_id: int | None = None
    ) -> dict[str, list[dict]]:
        """Return whole circles (sessions and actions included) by owner's public id."""

    def circles(self, participant_id: int) -> list[tuple[Circle, int]]:
        """Return a person's circles with their versions, oldest first."""

    def circle_stories(self, circle: str) -> list[tuple[int, Story]]:
        """Return every session's stories as (session number, story), in order."""

    def close(self) -> None:
        """Close the connection."""

    def confirm_batch(self, code: str, batch: int) -> UploadBatch:
        """Count an upload batch in the team's figures; it must hold at least the minimum group."""

    def create_participant(
        self,
        session: str | None = None,
        display_name: str = "",
        demo: bool = False,
        client: str = "",
    ) -> Participant:
        """Create a participant with a fresh resume code and anonymous public id."""

    def create_session(
        self,
        title: str,
        anonymous: bool = True,
        min_group: int = MIN_GROUP_DEFAULT,
        demo: bool = False,
        code: str | None = None,
    ) -> TeamSession:
        """Create a team session with a fresh join code and coach key."""

    def customer_map(self, participant_id: int) -> CustomerMap:
        """Return a participant's customer map (empty when they have none)."""

    def factors(self, session_id: int) -> list[Factor]:
        """Return a session's factors in the order they were added."""

    def ideas(self, session_id: int) -> list[Idea]:
        """Return a session's ideas with their votes, in the order they were proposed."""

    def import_rows(
        self,
        answer_file: AnswerFile,
        from_page: bool = False,
        into_session: str | None = None,
        files: str = "",
    ) -> ImportSummary:
        """Import validated rows in one transaction: all of them or none."""

    def instrument_summary(
        self, code: str, instrument: str, round_: int = 1, step: int = 1
    ) -> InstrumentSummary:
        """Sum up one instrument (one round) across a team session."""

    def join_session(
        self, participant_id: int, code: str, display_name: str = "", client: str = ""
    ) -> None:
        """Put a person who answered on their own into team session ``code``."""

    def map_version(self, participant_id: int) -> int:
        """Return the version of a participant's map (0 when they have none)."""

    def maps(
        self, session: str | None = None, participant_id: int | None = None
    ) -> dict[str, tuple[str, CustomerMap]]:
        """Return customer maps by participant public id, with when each was saved."""

    def member_count(self, code: str) -> int:
        """Return how many people have joined the session through it (uploads not counted)."""

    def members(self, code: str) -> list[tuple[int, str]]:
        """Return (participant id, display name) of everyone who joined, in joining order."""

    def note_attempt(self, client: str, rule: tuple[str, int, float]) -> None:
        """Count one attempt of ``rule``'s kind for ``client``."""

    def open_action(
        self,
        circle: str,
        session: int,
        text: str,
        owner: str,
        due: str,
        idea_id: int | None,
        at: str,
        entry: int | None = None,
    ) -> int:
        """Open an action in session number ``session``; its history starts there."""

    def add_session_note(
        self, code: str, kind: str, text: str, category: str = "", round_: int = 1
    ) -> int:
        """Keep a coaching action or a guardrail with the session; return its id."""

    def delete_session_note(self, code: str, note_id: int, deleted: bool = True) -> None:
        """Remove a note from the session's lists (``deleted=False`` brings it back)."""

    def session_notes(self, code: str) -> list[SessionNote]:
        """The session's coaching actions and guardrails, oldest first."""

    def kept_figure(
        self,
        code: str,
        figure: str,
        people: list[tuple[str, str]],
        step: int,
        compute: Callable[[list[str]], object],
    ) -> tuple[int, object]:
        """A team figure over the first of ``people``, kept until ``step`` of them differ."""

    def save_value_chain(
        self, participant_id: int, body: dict[str, Any], expected_version: int | None = None
    ) -> int:
        """Replace a participant's value-chain check in one transaction; return its version."""

    def value_chain(self, participant_id: int) -> tuple[int, dict[str, Any] | None]:
        """Return (version, check as plain data); (0, None) when the person has none."""

    def value_chains(
        self,
        session: str | None = None,
        participant_id: int | None = None,
        counted: bool = False,
    ) -> list[tuple[str, str, str, dict[str, Any]]]:
        """Return checks as (public id, display name, updated at, plain data), first saved first."""

    def open_next_round(self, code: str, expected: int, which: str = "pulse") -> int:
        """Start the pulse's next round, unless another window already did; return the round."""

    def participant_by_code(self, code: str) -> Participant | None:
        """Return the participant with resume code ``code`` (typed loosely), or None."""

    def participant_by_public_id(self, public_id: str) -> Participant | None:
        """Return the participant with the anonymous id ``public_id``, or None."""

    def points(
        self, code: str, instrument: str, x: str, y: str, published: int, round_: int = 1
    ) -> list[tuple[float, float, int]]:
        """Return (x mean, y mean, people) for the people the published figures cover."""

    def finished_both(self, code: str, instrument: str, first: int, second: int) -> int:
        """How many counted people of a session finished ``instrument`` in both rounds."""

    def published_people(
        self, code: str, instrument: str, x: str, y: str, round_: int
    ) -> list[tuple[int, float, float]]:
        """Return (participant id, x mean, y mean) of the people a round's figures cover."""

    def published_texts(
        self, code: str, instrument: str, item: str, round_: int, published: int, step: int = 1
    ) -> list[str]:
        """Free-text answers of the people the figures cover, sorted by text."""

    def remove_batch(self, code: str, batch: int) -> int:
        """Remove an upload batch and everyone in it, with their answers; return how many people."""

    def rows(
        self, session: str | None = None, participant_id: int | None = None, own: bool = False
    ) -> list[dict]:
        """Return tidy export rows, optionally for one session or one participant."""

    def save_answer(
        self,
        participant_id: int,
        instrument: str,
        item: str,
        value: str | None,
        round: int = 1,  # noqa: A002 - the column's name
    ) -> str:
        """Save one answer at once (``None`` or empty text removes it)."""

    def save_circle(
        self, participant_id: int, circle: Circle, expected_version: int | None = None
    ) -> int:
        """Create or replace a planned circle in one transaction; return its new version."""

    def save_map(
        self, participant_id: int, cmap: CustomerMap, expected_version: int | None = None
    ) -> int:
        """Replace a participant's customer map in one transaction."""

    def session_for_key(self, key: str) -> TeamSession | None:
        """Return the session whose coach key is ``key``, or None."""

    def sessions(self, circle: str) -> list[tuple[int, int, str, int]]:
        """Return the circle's sessions as (id, number, held_on, votes per person), in order."""

    def set_display_name(self, participant_id: int, name: str) -> None:
        """Change the name a named session shows for a person."""

    def set_votes_per_person(self, session_id: int, votes: int) -> None:
        """Change how many votes each person has in a session (votes cast stay)."""

    def start_session(
        self,
        circle: str,
        held_on: str,
        votes_per_person: int = DEFAULT_VOTES,
        after: int | None = None,
    ) -> tuple[int, int]:
        """Open the circle's next session; return (session id, session number)."""

    def stories(self, session_id: int) -> list[Story]:
        """Return a session's stories in the order they were told."""

    def team_session(self, code: str) -> TeamSession | None:
        """Return the session a typed join code names (case, spaces and dashes forgiven)."""

    def too_many(self, client: str, rule: tuple[str, int, float]) -> bool:
        """True when ``client`` has already used up ``rule`` (kind, limit, seconds)."""

    def update_action(self, action_id: int, session: int, status: str, note: str, at: str) -> None:
        """Record an action's new status (with a note) in session number ``session``."""

    def update_session(self, code: str, **changes: object) -> TeamSession:
        """Change a session's settings (title, min_group, revealed, the rounds, circle, closed, cvc_target)."""

    def upload_batches(self, code: str) -> list[UploadBatch]:
        """Return the session's upload batches, oldest first."""

    def vote(self, idea_id: int, voter: str) -> int:
        """Give one vote to an idea; return the voter's votes left in the session."""


class Store(ExchangeQueries):
    """Answers, maps, circles, people and sessions in one SQLite file.

    Parameters
    ----------
    path : str or Path
        The database file; its folder is created when missing.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
    >>> person = store.create_participant()
    >>> store.save_answer(person.id, "hidden_leader", "a1", "4") > ""
    True
    >>> store.answers(person.id, "hidden_leader")
    {'a1': '4'}
    >>> store.close()
    """


def store_location(store: str | None = None) -> str:
    """Return the store to use: ``store`` if given, else ``KIT_STORE``, else the default file."""
    return store or os.environ.get("KIT_STORE") or str(default_store_path())


def open_store(store: str | None = None) -> Store:
    """Open the store named by a path or URL (see :func:`store_location`).

    Parameters
    ----------
    store : str, optional
        A file path, ``sqlite:///relative.db``, ``sqlite:////absolute.db``
        or ``postgresql://user@host:5432/database`` (the password from
        ``KIT_STORE``, ``PGPASSWORD`` or the password file).

    Raises
    ------
    StoreError
        For an engine the kit does not support (its password never in the
        message), options after ``?``, or a database it cannot use.
    """
    location = store_location(store)
    if is_postgres(location):
        return Store(location)
    return Store(sqlite_path(location))
