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

from dataclasses import dataclass
from enum import Enum

from kit.model import TeamSession

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
    :meth:`kit.store.trait_scores.TraitScores.instrument_summary`).
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
