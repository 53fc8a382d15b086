"""Warm kernels for the pages a room is about to open, within a memory budget.

`kit serve` keeps started kernels ready for the pages people open together
(Voilà's preheated kernel pools): a page served from one skips the kernel's
start and the page's imports. Each kernel holds some 60 MiB, so the pools are
sized from what is going on, never from a fixed number per page:

- with no open team session, one warm kernel for the start page (someone
  opening the app);
- with open team sessions, up to ``room`` warm kernels for each page their
  participants open (the start page a join link lands on, the team's
  workbooks, the circle page when the session adds to a circle), less the
  pages already open there: a person on a page needs no second kernel;
- pages earlier in the journey first, and never more than the memory budget
  leaves once the open pages are counted, so warm kernels make way as a room
  fills up.

This module is plain arithmetic; ``kit.server`` applies it every few seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kit.model import TeamSession
from kit.workbooks import START, team_workbooks, workbook

# One page's kernel after its page has loaded (bench/kernel_memory: 55-59 MiB).
KERNEL_MIB = 60
# The server itself: Voilà, its handlers and the templates.
SERVER_MIB = 200
# What a laptop serving a room may use in all.
MEMORY_BUDGET_MIB = 4096
# A room when `kit serve --room` is not given: a small team around a table.
DEFAULT_ROOM = 4
# Kernels starting at once: a start is CPU-bound (about a second of one core),
# and a room's burst of starts would slow the pages people already have open.
MAX_STARTING = 2


def session_pages(sessions: Iterable[TeamSession]) -> list[str]:
    """The pages participants of ``sessions`` open, in the order they reach them.

    Examples
    --------
    >>> session_pages([TeamSession("K7R-M3X", "Desk", "key")])
    ['00_start_here.ipynb', '01_hidden_leader_traits.ipynb', '02_focus_and_attitude.ipynb', '06_openness_pulse.ipynb']
    >>> session_pages([])
    []
    """
    sessions = list(sessions)
    if not sessions:
        return []
    pages = [START, *(w.file for w in team_workbooks())]
    if any(s.circle for s in sessions):
        pages.append(workbook("circle_session").file)
    return pages


@dataclass(frozen=True)
class Budget:
    """How much memory the pages and warm kernels of one server may take.

    Examples
    --------
    >>> b = Budget(room=30)
    >>> b.warm_cap(open_pages=0), b.warm_cap(open_pages=30), b.warm_cap(open_pages=70)
    (64, 34, 0)
    """

    room: int = DEFAULT_ROOM
    total_mib: int = MEMORY_BUDGET_MIB
    kernel_mib: int = KERNEL_MIB
    server_mib: int = SERVER_MIB

    def warm_cap(self, open_pages: int) -> int:
        """Warm kernels that fit beside ``open_pages`` pages in use."""
        spare = self.total_mib - self.server_mib - open_pages * self.kernel_mib
        return max(0, spare // self.kernel_mib)

    def lines(self, pages: int = 5) -> list[str]:
        """What `kit serve` prints at start: the budget and how it is spent.

        ``pages`` is how many pages a session's participants open (the start
        page, the team's workbooks, the circle page).

        Examples
        --------
        >>> print("\\n".join(Budget(room=30).lines()))
          Memory budget 4.0 GiB, for a room of 30 (--room): 30 open pages ~1.8 GiB, up to 64 warm kernels ~3.8 GiB before anyone arrives, 34 once 30 pages are open; this server ~0.2 GiB.
            Warm kernels run only while a team session is open, ~60 MiB each, and make way as pages open.
        """
        gib = 1024
        first = min(self.warm_cap(0), self.room * pages)
        full = min(self.warm_cap(self.room), self.room * pages)
        return [
            f"  Memory budget {self.total_mib / gib:.1f} GiB, for a room of {self.room} (--room): "
            f"{self.room} open pages ~{self.room * self.kernel_mib / gib:.1f} GiB, "
            f"up to {first} warm kernels ~{first * self.kernel_mib / gib:.1f} GiB before anyone "
            f"arrives, {full} once {self.room} pages are open; "
            f"this server ~{self.server_mib / gib:.1f} GiB.",
            f"    Warm kernels run only while a team session is open, ~{self.kernel_mib} MiB "
            "each, and make way as pages open.",
        ]


def pool_targets(
    sessions: Iterable[TeamSession], budget: Budget, open_pages: Mapping[str, int]
) -> dict[str, int]:
    """Warm kernels to keep for each page, given the open sessions and the pages in use.

    Parameters
    ----------
    sessions : iterable of TeamSession
        The open team sessions (not closed, not demo).
    budget : Budget
        The room and the memory budget.
    open_pages : mapping
        Pages in use now, by notebook file.

    Examples
    --------
    >>> pool_targets([], Budget(room=30), {})
    {'00_start_here.ipynb': 1}
    >>> team = [TeamSession("K7R-M3X", "Desk", "key")]
    >>> pool_targets(team, Budget(room=4), {"00_start_here.ipynb": 3})
    {'00_start_here.ipynb': 1, '01_hidden_leader_traits.ipynb': 4, '02_focus_and_attitude.ipynb': 4, '06_openness_pulse.ipynb': 4}

    A room of 30 on a 4 GiB budget: the start page first, then the first
    workbook, and the rest as the room moves on.

    >>> pool_targets(team, Budget(room=30), {})
    {'00_start_here.ipynb': 30, '01_hidden_leader_traits.ipynb': 30, '02_focus_and_attitude.ipynb': 4, '06_openness_pulse.ipynb': 0}
    >>> pool_targets(team, Budget(room=30), {"00_start_here.ipynb": 30})
    {'00_start_here.ipynb': 1, '01_hidden_leader_traits.ipynb': 30, '02_focus_and_attitude.ipynb': 3, '06_openness_pulse.ipynb': 0}
    """
    pages = session_pages(sessions)
    if not pages:
        return {START: min(1, budget.warm_cap(sum(open_pages.values())))}
    left = budget.warm_cap(sum(open_pages.values()))
    targets: dict[str, int] = {}
    for page in pages:
        wanted = max(1, budget.room - open_pages.get(page, 0))
        targets[page] = min(wanted, left)
        left -= targets[page]
    return targets
