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
    ``start`` (the landing page) or ``coach`` (the dashboard). ``team`` marks
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
    ),
    Workbook(
        "customer_map",
        "03_customer_map.ipynb",
        "Customer map",
        number=3,
        minutes=20,
        onward="The customer map →",
    ),
    Workbook(
        "circle_planner",
        "04_circle_planner.ipynb",
        "Circle planner",
        number=4,
        onward="Plan a Customer Circle →",
    ),
    Workbook(
        "circle_session",
        "05_circle_session.ipynb",
        "Circle session",
        number=5,
        onward="Run a circle session →",
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
    ),
    Workbook("dashboard", "coach_dashboard.ipynb", "Coach dashboard", kind="coach"),
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
