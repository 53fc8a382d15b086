"""What every feature shares: people, team sessions and the anonymity floor.

Frozen dataclasses with no I/O, no widgets and no plotting; each feature keeps
its own model beside its logic (``kit/<feature>/model.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_GROUP_DEFAULT = 5


MIN_GROUP_FLOOR = 3  # below three, a team figure gives away what one person answered


# The openness pulse: answered afresh in rounds, and anonymous in every session,
# named ones too (its answers carry a respondent id of their own per round).
PULSE = "openness_pulse"
FOCUS = "focus_attitude"  # focus and attitude: the four blocks, asked again in rounds


@dataclass(frozen=True)
class TeamSession:
    """A coach's team session: people join with ``code``; ``coach_key`` opens the dashboard.

    ``anonymous`` sessions keep no names, and nobody (the coach included) sees
    one person's answers. Team figures show only once ``min_group`` people
    have answered. ``revealed`` lets participants' pages show the team's
    results. ``pulse_round`` is the openness pulse's current round and
    ``focus_round`` that of focus and attitude (asked again to see who moved
    between the blocks). ``cvc_target`` is the coach's target share of
    Customer Value Creators, in percent (0: none set).
    ``circle`` is the circle whose session the team can add to from their own
    devices ('' when none). A ``closed`` session takes no one new.
    """

    code: str
    title: str
    coach_key: str
    anonymous: bool = True
    min_group: int = MIN_GROUP_DEFAULT
    revealed: bool = False
    pulse_round: int = 1
    circle: str = ""
    closed: bool = False
    demo: bool = False
    created_at: str = ""
    focus_round: int = 1
    cvc_target: int = 0

    def round_of(self, instrument: str) -> int:
        """The round ``instrument`` is answered in now (1 for the workbooks not asked again).

        Examples
        --------
        >>> team = TeamSession("K7R-M3X", "Desk", "key", pulse_round=3, focus_round=2)
        >>> team.round_of(PULSE), team.round_of("focus_attitude"), team.round_of("hidden_leader")
        (3, 2, 1)
        """
        return {PULSE: self.pulse_round, FOCUS: self.focus_round}.get(instrument, 1)


@dataclass(frozen=True)
class SessionNote:
    """A note kept with a team session: a coaching action between rounds, or a guardrail.

    ``kind`` is ``action`` (``category``: training, incentives, coaching or
    other; ``round``: the round of focus and attitude it followed) or
    ``guardrail`` (a rule the team agreed for its Customer Value Creators).
    """

    id: int
    kind: str
    text: str
    category: str = ""
    round: int = 1
    at: str = ""


@dataclass(frozen=True)
class Participant:
    """A person answering, identified in exports by ``public_id`` only.

    ``resume_code`` gives access to the answers and never leaves the person's
    own screen or own download.
    """

    id: int
    public_id: str
    resume_code: str
    session: str | None = None
    display_name: str = ""
    demo: bool = False
