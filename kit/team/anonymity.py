"""The anonymity model: what each team figure shows, to whom, at which group size.

Every figure a team page, a report or an export shows is decided here, by
:func:`disclose`, and nowhere else. The rules, in plain words (the README's
coach section says the same):

- Nothing shows until the session's minimum group ``m`` (5 by default, never
  under 3) has finished; "hidden to protect anonymity" is said instead, which
  differs from "no answers yet".
- Figures move in whole steps of ``m``: each covers the first people of each
  group to finish (the people who joined through the session, and each upload
  batch the coach confirmed), and that number only rises, by ``m`` at least.
  So two figures never differ by one person, and no one can difference their
  way to one person's answer, whatever the coach does to the minimum group
  (it only rises once anyone has answered) or however many files are uploaded
  (uploads count only as confirmed batches of at least ``m``).
- Participants see means only: never a spread, never a count per block,
  never a list of texts. With a mean and a spread of three people, any one of
  them can work out the other two's answers.
- The coach sees means and block counts from ``m``, spreads from ``2m``
  (and at least 5), and the pulse's free text as a sorted list that changes
  only when ``m`` people's texts have changed.
- The openness pulse is never shown per person, in named sessions too, and
  its answers carry a respondent id of their own per round in every export.
- One person's own results are shown to the coach only in a named session,
  and never their pulse.
- An export of an anonymous session (one row per answer, under ids that no
  one can link to a name) gives the day of each answer, not the second, and
  is refused while the session has fewer people than its minimum group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from kit.model import PULSE, TeamSession

HIDDEN = "hidden to protect anonymity"
NO_ANSWERS = "no answers yet"


class Audience(Enum):
    """Who looks at a figure."""

    COACH = "coach"
    TEAM = "team"  # participants' pages once the coach reveals the results


class Figure(Enum):
    """The kinds of team figure the kit shows."""

    MEANS = "means"
    SPREAD = "spread"
    BLOCK_COUNTS = "block counts"
    TEXTS = "texts"


@dataclass(frozen=True)
class Gate:
    """How many people a figure rests on, and whether that is enough to show it.

    ``finished`` people answered every item; the figure covers ``covered`` of
    them (whole steps of the minimum group, see
    :meth:`kit.instruments.trait_scores.TraitScores.instrument_summary`).
    ``started`` tells "no answers yet" apart from "hidden".
    """

    finished: int
    min_group: int
    started: int = 0
    covered: int = 0

    @property
    def shown(self) -> bool:
        """True when at least the minimum group size is covered."""
        return self.covered >= self.min_group

    def message(self) -> str:
        """What to say instead of the figure ('' when it is shown).

        Examples
        --------
        >>> Gate(0, 5).message(), Gate(4, 5, 6).message(), Gate(5, 5, 5, 5).message()
        ('no answers yet', 'hidden to protect anonymity (4 of at least 5 have finished)', '')
        """
        if not self.shown and max(self.started, self.finished) == 0:
            return NO_ANSWERS
        if not self.shown:
            return f"{HIDDEN} ({self.finished} of at least {self.min_group} have finished)"
        return ""

    def covering(self) -> str:
        """Say how many people the figure covers, and why not always everyone.

        Examples
        --------
        >>> Gate(7, 3, 8, 6).covering()
        '6 people (7 have finished: the figures move in steps of 3, so that no change gives one person away)'
        """
        if self.covered == self.finished:
            return f"{self.covered} people"
        return (
            f"{self.covered} people ({self.finished} have finished: the figures move in steps of "
            f"{self.min_group}, so that no change gives one person away)"
        )


def disclose(figure: Figure, gate: Gate, audience: Audience) -> bool:
    """Return True when ``figure`` may be shown to ``audience`` for a group behind ``gate``.

    The one place that decides; every view asks it.

    Parameters
    ----------
    figure : Figure
    gate : Gate
    audience : Audience

    Examples
    --------
    >>> five = Gate(5, 5, 5, 5)
    >>> disclose(Figure.MEANS, five, Audience.TEAM), disclose(Figure.SPREAD, five, Audience.TEAM)
    (True, False)
    >>> disclose(Figure.SPREAD, five, Audience.COACH), disclose(Figure.SPREAD, Gate(10, 5, 10, 10), Audience.COACH)
    (False, True)
    >>> disclose(Figure.MEANS, Gate(4, 5, 4, 0), Audience.COACH)
    False
    """
    if not gate.shown:
        return False
    if audience is Audience.TEAM:
        return figure is Figure.MEANS
    if figure is Figure.SPREAD:
        return gate.covered >= max(5, 2 * gate.min_group)
    return True


def rows_allowed(session: TeamSession, members: int) -> bool:
    """True when a session's answers may be exported one row per answer.

    Examples
    --------
    >>> team = TeamSession("K7R-M3X", "Desk", "key", anonymous=True, min_group=5)
    >>> rows_allowed(team, 4), rows_allowed(team, 5)
    (False, True)

    Simulated people (``kit demo``) have nothing to hide.
    """
    return session.demo or not session.anonymous or members >= session.min_group


# -- what may leave the store, row by row (kit export, kit.data, kit report) ----------


class DataError(ValueError):
    """What was asked for cannot be given; the message says why and what to do."""


@dataclass
class SharedRows:
    """Answer rows that may leave the store, and what was held back, in words."""

    rows: list[dict]
    session: TeamSession | None = None
    held_back: list[str] = field(default_factory=list)
    hidden: list[TeamSession] = field(default_factory=list)  # sessions nothing may leave from


def find_session(store, code: str) -> TeamSession:
    """The team session a typed code names; a wrong code names the open ones.

    Raises
    ------
    DataError
        When the store has no such session.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import open_store
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3"))
    >>> team = store.create_session("Desk", code="K7R-M3X")
    >>> find_session(store, " k7r m3x ").title
    'Desk'
    >>> try:
    ...     find_session(store, "NOPE")
    ... except DataError as err:
    ...     print(err)
    there is no team session 'NOPE' in this store; open sessions: K7R-M3X
    >>> store.close()
    """
    team = store.team_session(code)
    if team is None:
        open_ones = [s.code for s in store.team_sessions() if not s.closed]
        known = f"; open sessions: {', '.join(open_ones)}" if open_ones else "; there are none"
        raise DataError(f"there is no team session '{code}' in this store{known}")
    return team


def sessions_held_back(
    store, session: str | None = None
) -> tuple[TeamSession | None, list[TeamSession]]:
    """The session asked for (None for all) and the sessions whose records may not leave.

    A person's own records (answers, a customer map, a circle's actions)
    may leave the store only from sessions :func:`rows_allowed` passes;
    every export and frame leaves the others out.

    Raises
    ------
    DataError
        For a wrong code, or when the session asked for is held back.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import open_store
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3"))
    >>> team = store.create_session("Desk", min_group=3, code="K7R-M3X")
    >>> _ = store.create_participant(session=team.code)
    >>> sessions_held_back(store) == (None, [team])  # anonymous, and 1 of at least 3 people
    True
    >>> sessions_held_back(store, "K7R-M3X")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kit.team.anonymity.DataError: session K7R-M3X is anonymous and has 1 of at least 3 people: ...
    >>> store.close()
    """
    team = find_session(store, session) if session else None
    sessions = [team] if team else store.team_sessions()
    hidden = [s for s in sessions if not rows_allowed(s, store.member_count(s.code))]
    if team is not None and hidden:
        raise DataError(
            f"session {team.code} is anonymous and has {store.member_count(team.code)} of at "
            f"least {team.min_group} people: one row per answer would show what each of them "
            "answered. Use the team report, or export once the group is large enough"
        )
    return team, hidden


def shared_rows(store, session: str | None = None) -> SharedRows:
    """The answer rows ``kit export`` and :func:`answers` give, behind the anonymity gates.

    Parameters
    ----------
    store : Store
    session : str, optional
        A team session's code (typed loosely); every answer when None.

    Raises
    ------
    DataError
        For a wrong code, or an anonymous session with fewer people than its
        minimum group (one row per answer would show what each one said).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import open_store
    >>> from kit.demo import simulate
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3"))
    >>> _ = simulate(store, 3, session="W4N-7HX", seed=1)
    >>> small = store.create_session("Desk", min_group=3, code="K7R-M3X")
    >>> _ = store.create_participant(session=small.code)
    >>> shared = shared_rows(store)
    >>> {row["session"] for row in shared.rows}, shared.held_back[0].endswith(": K7R-M3X.")
    ({'W4N-7HX'}, True)
    >>> store.close()
    """
    team, hidden = sessions_held_back(store, session)
    rows = store.rows(session=team.code if team else None)
    shared = SharedRows(rows, team, hidden=hidden)
    small = _small_pulse_rounds(store, rows)
    if small:
        shared.held_back.append(
            "Left out pulse rounds with fewer people than their session's minimum group: "
            + ", ".join(f"{code} round {r}" for code, r in sorted(small))
            + "."
        )
        rows = [
            r
            for r in rows
            if not (r["instrument"] == PULSE and (r["session"], str(r["round"])) in small)
        ]
    if hidden:
        left_out = {s.code for s in hidden}
        rows = [r for r in rows if r["session"] not in left_out]
        shared.held_back.append(
            "Left out anonymous sessions with fewer people than their minimum group "
            f"(answers, maps and circles): {', '.join(sorted(left_out))}."
        )
    shared.rows = rows
    return shared


def _small_pulse_rounds(store, rows: list[dict]) -> set[tuple[str, str]]:
    # The pulse is anonymous in every session: a round two people answered,
    # row by row, would show what each of them said.
    sessions = {s.code: s for s in store.team_sessions()}
    people: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        if row["instrument"] == PULSE and row["session"]:
            people.setdefault((row["session"], str(row["round"])), set()).add(row["participant"])
    return {
        key
        for key, who in people.items()
        if key[0] in sessions
        and not sessions[key[0]].demo
        and len(who) < sessions[key[0]].min_group
    }
