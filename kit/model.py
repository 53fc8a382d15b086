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


@dataclass(frozen=True)
class TeamSession:
    """A coach's team session: people join with ``code``; ``coach_key`` opens the dashboard.

    ``anonymous`` sessions keep no names, and nobody (the coach included) sees
    one person's answers. Team figures show only once ``min_group`` people
    have answered. ``revealed`` lets participants' pages show the team's
    results. ``pulse_round`` is the openness pulse's current round.
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
