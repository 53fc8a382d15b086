"""The one list of workbooks: every page, link list, report and command reads it.

A new workbook is one entry here (plus its notebook and its page code). The
start page's links, the banner's links, a team session's list, the team
picture's progress rows, the reports and ``kit serve``'s addresses all come
from this tuple, so no second list can fall out of step.

>>> [w.file for w in team_workbooks()]
['01_hidden_leader_traits.ipynb', '02_focus_and_attitude.ipynb', '06_openness_pulse.ipynb']
>>> workbook("customer_map").label
'3. Customer map'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Workbook:
    """One notebook of the kit.

    ``kind`` is ``personal`` (one person's answers under their resume code),
    ``start`` (the landing page), ``coach`` (the dashboard) or ``facilitator``
    (the circle's projector view, opened from workbook 5). ``team`` marks
    the personal workbooks a team session asks of its members, in its order.
    """

    key: str
    file: str
    title: str
    kind: str = "personal"
    number: int | None = None
    minutes: int | None = None
    instrument: str = ""
    team: bool = False
    onward: str = ""  # the start page's link to it, once the person is known
    purpose: str = ""  # what it is for, in the start page's list
    time: str = ""  # how long it takes, when ``minutes`` cannot say it ("60–90 min")

    @property
    def duration(self) -> str:
        """How long it takes, for the start page's list ("15 min"; "" when it varies)."""
        return self.time or (f"{self.minutes} min" if self.minutes else "")

    @property
    def label(self) -> str:
        """The short name in link lists, with its number ("3. Customer map")."""
        return f"{self.number}. {self.title}" if self.number else self.title


WORKBOOKS: tuple[Workbook, ...] = (
    Workbook("start", "00_start_here.ipynb", "Start here", kind="start"),
    Workbook(
        "hidden_leader",
        "01_hidden_leader_traits.ipynb",
        "Hidden-leader traits",
        number=1,
        minutes=15,
        instrument="hidden_leader",
        team=True,
        onward="Continue to the hidden-leader self-assessment →",
        purpose="Rate five customer-centred habits, see the two worth growing, and reflect on who your paying customer is",
    ),
    Workbook(
        "focus_attitude",
        "02_focus_and_attitude.ipynb",
        "Focus and attitude",
        number=2,
        minutes=5,
        instrument="focus_attitude",
        team=True,
        onward="Focus and attitude: the four blocks →",
        purpose="Place yourself among Risk Avoider, Problem Solver, Empire Builder and Customer Value Creator",
    ),
    Workbook(
        "customer_map",
        "03_customer_map.ipynb",
        "Customer map",
        number=3,
        minutes=20,
        onward="The customer map →",
        purpose="Map who receives each of your team's outputs, up the chain to the customer who pays, and find the work nobody outside values",
    ),
    Workbook(
        "circle_planner",
        "04_circle_planner.ipynb",
        "Circle planner",
        number=4,
        onward="Plan a Customer Circle →",
        purpose="Plan a Customer Circle: who comes, when it meets, the agenda; send a calendar file and the agenda",
        minutes=20,
    ),
    Workbook(
        "circle_session",
        "05_circle_session.ipynb",
        "Circle session",
        number=5,
        onward="Run a circle session →",
        purpose="Run the circle: unhappy and happy customer stories, causes, Do-Not-Annoy list, delight factors, owned actions",
        time="60–90 min",
    ),
    Workbook(
        "openness_pulse",
        "06_openness_pulse.ipynb",
        "Openness pulse",
        number=6,
        minutes=3,
        instrument="openness_pulse",
        team=True,
        onward="The openness pulse →",
        purpose="A short anonymous check of openness and accountability in the team, repeated in rounds",
    ),
    Workbook(
        "value_chain",
        "07_value_chain.ipynb",
        "Value-chain check",
        number=7,
        minutes=40,
        onward="The value-chain check and the value promise →",
        purpose="For managers of one organisation: where customer focus stops on its way down, "
        "the three largest gaps, and the value promise cascaded to every level with a plan to say it",
    ),
    Workbook(
        "circle_projector",
        "circle_projector.ipynb",
        "Circle projector",
        kind="facilitator",
        purpose="For facilitators, on the room's wall during a circle: the agenda's countdown, "
        "a join QR code, the stories and ideas as they come in",
    ),
    Workbook(
        "dashboard",
        "coach_dashboard.ipynb",
        "Coach dashboard",
        kind="coach",
        purpose="For coaches: start a team session, watch the team's anonymous results live",
    ),
)


def workbook(key: str) -> Workbook:
    """The workbook called ``key`` ("hidden_leader", "start", "dashboard", ...).

    Raises
    ------
    KeyError
        For a key no workbook has.
    """
    for entry in WORKBOOKS:
        if entry.key == key:
            return entry
    raise KeyError(f"no workbook '{key}': the kit has {', '.join(w.key for w in WORKBOOKS)}")


def personal_workbooks() -> tuple[Workbook, ...]:
    """The workbooks a resume code opens, in their numbered order."""
    return tuple(w for w in WORKBOOKS if w.kind == "personal")


def team_workbooks() -> tuple[Workbook, ...]:
    """What a team session asks of its members, in order."""
    return tuple(w for w in WORKBOOKS if w.team)


START = workbook("start").file
DASHBOARD = workbook("dashboard").file
