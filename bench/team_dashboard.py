"""Recompute everything the coach dashboard shows, for a session of 10,000 demo people.

The dashboard redraws every few seconds while it is open, so one recompute
(every count, profile, block and pulse round, and the HTML) must stay well
under that: target 0.5 s for 10,000 people. Printed beside reading the same
session's answers row by row into Python (``kit export``'s query), measured in
the same run, so the figure says what doing the grouping in SQLite saves.

    python bench/team_dashboard.py [--participants 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import median

from kit.database import Store
from kit.demo import simulate
from kit.instruments.content import instruments
from kit.team.picture import team_picture
from kit.team.views import coach_html


def timed(action, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        store = Store(Path(tmp) / "bench.sqlite3")
        start = time.perf_counter()
        simulate(store, args.participants, session="BENCH", seed=1)
        made = time.perf_counter() - start
        team = store.team_session("BENCH")
        catalogue = instruments()
        answers = len(store.rows(session="BENCH"))
        print(f"{args.participants} demo people, {answers} answers (written in {made:.1f} s)")

        def dashboard() -> None:
            coach_html(team_picture(store, team, catalogue))

        def rows() -> None:
            store.rows(session="BENCH")

        dash, base = timed(dashboard, args.runs), timed(rows, args.runs)
        picture = team_picture(store, team, catalogue)
        print(f"{'':34} {'median s':>9}   all runs (s)")
        print(
            f"{'dashboard recompute (target < 0.5)':34} {median(dash):9.3f}   "
            + " ".join(f"{t:.3f}" for t in dash)
        )
        print(
            f"{'baseline: read every answer row':34} {median(base):9.3f}   "
            + " ".join(f"{t:.3f}" for t in base)
        )
        print(f"ratio dashboard / baseline: {median(dash) / median(base):.2f}")
        print(
            f"shown: {picture.joined} joined; profile of {picture.profile.gate.covered}; "
            f"blocks {dict(picture.blocks.counts)}, {picture.blocks.between} between"
        )


if __name__ == "__main__":
    main()
