"""The circle's improvement backlog and its session's lists, as pure functions.

The words old list rows are matched by, tallying votes, the backlog's figures
over sessions (completion rate, age of open actions), overdue actions and
the checks on what was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from statistics import median

from kit.circles.model import Action, Idea

_WORDS = re.compile(r"[^\w]+")


def factor_key(text: str) -> str:
    """Return the form under which similar entries are grouped: case, spacing and punctuation ignored.

    Examples
    --------
    >>> factor_key("Never ask twice for the address!") == factor_key("never ask twice for the address")
    True
    """
    return " ".join(_WORDS.sub(" ", text.casefold()).split())


def ranked(ideas: list[Idea] | tuple[Idea, ...]) -> list[Idea]:
    """Ideas by votes, most first; ties keep the order they were proposed in.

    Examples
    --------
    >>> ideas = [Idea(1, 1, "Text a reminder", votes=(("Ana", 1),)),
    ...          Idea(2, 1, "Open at 8", votes=(("Ana", 2), ("Bo", 1))),
    ...          Idea(3, 1, "Free coffee", votes=(("Bo", 1),))]
    >>> [i.text for i in ranked(ideas)]
    ['Open at 8', 'Text a reminder', 'Free coffee']
    """
    return sorted(ideas, key=lambda i: -i.total)


@dataclass(frozen=True)
class SessionFigures:
    """The backlog as it stood at the end of one session."""

    session: int
    held_on: str
    opened: int
    closed: int  # done or dropped, all time up to this session
    done: int
    open_ages: tuple[int, ...]  # in days, of actions still open

    @property
    def completion(self) -> float | None:
        """Done as a share of all actions opened so far (None before the first)."""
        return self.done / self.opened if self.opened else None

    @property
    def median_age(self) -> float | None:
        """Median age in days of the actions still open (None when none are)."""
        return median(self.open_ages) if self.open_ages else None


def backlog_figures(actions: list[Action], sessions: list[tuple[int, str]]) -> list[SessionFigures]:
    """Replay the actions' histories to the end of each session.

    Parameters
    ----------
    actions : list of Action
        With their full histories.
    sessions : list of (number, held_on ISO date)
        The circle's sessions, in order.

    Examples
    --------
    >>> from kit.circles.model import ActionEvent
    >>> a = Action(1, "Fix", "Ana", "2027-02-01", 1, "done",
    ...            (ActionEvent(1, "open", "", ""), ActionEvent(2, "done", "", "")))
    >>> [(f.opened, f.done, f.open_ages) for f in backlog_figures([a], [(1, "2027-01-12"), (2, "2027-02-09")])]
    [(1, 0, (0,)), (1, 1, ())]
    """
    held = {number: day for number, day in sessions}
    figures = []
    for number, day in sessions:
        opened = done = closed = 0
        ages = []
        for action in actions:
            if action.opened > number:
                continue
            opened += 1
            status = "open"
            for event in action.history:
                if event.session <= number:
                    status = event.status
            if status == "done":
                done += 1
            if status in ("done", "dropped"):
                closed += 1
            else:
                start = date.fromisoformat(held.get(action.opened, day))
                ages.append((date.fromisoformat(day) - start).days)
        figures.append(SessionFigures(number, day, opened, closed, done, tuple(ages)))
    return figures


def overdue_days(action: Action, today: date) -> int | None:
    """Days an open action is past its due date; None when it is not overdue.

    Done and dropped actions are never overdue; an action due today is not yet.

    Examples
    --------
    >>> a = Action(1, "Fix", "Ana", "2027-02-01", 1)
    >>> overdue_days(a, date(2027, 2, 1)), overdue_days(a, date(2027, 2, 13))
    (None, 12)
    >>> from dataclasses import replace
    >>> overdue_days(replace(a, status="done"), date(2027, 3, 1)) is None
    True
    """
    if action.status != "open":
        return None
    late = (today - date.fromisoformat(action.due)).days
    return late if late > 0 else None


def days_to_done(action: Action, held: dict[int, str]) -> int | None:
    """Days from the session that opened an action to the session that marked it done.

    ``held`` gives each session number's date (ISO). None when it is not done.

    Examples
    --------
    >>> from kit.circles.model import ActionEvent
    >>> a = Action(1, "Fix", "Ana", "2027-02-01", 1, "done",
    ...            (ActionEvent(1, "open", "", ""), ActionEvent(3, "done", "", "")))
    >>> days_to_done(a, {1: "2027-01-12", 3: "2027-03-09"})
    56
    """
    done = [e.session for e in action.history if e.status == "done"]
    if action.status != "done" or not done or action.opened not in held or done[-1] not in held:
        return None
    return (date.fromisoformat(held[done[-1]]) - date.fromisoformat(held[action.opened])).days


class EntryError(ValueError):
    """An entry cannot be added; the message says what to write."""


def clean_entry(label: str, text: str, required: bool = True, limit: int = 1000) -> str:
    """Return typed text tidied, or raise :class:`EntryError` saying what is wrong.

    Examples
    --------
    >>> clean_entry("story", "  Came   late ")
    'Came late'
    """
    text = " ".join(str(text).split())
    if required and not text:
        raise EntryError(f"Write the {label} first.")
    if len(text) > limit:
        raise EntryError(f"Keep the {label} to {limit} characters; it has {len(text)}.")
    return text
