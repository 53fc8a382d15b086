"""A trainer's whole cohort: ``kit report --session`` beside a serial papermill loop.

Both make the hidden-leader report of the same people in one named demo
session, in the same run: the loop runs papermill then nbconvert once per
person, one after another (what a trainer did before the command existed);
the command makes them in-process, ``--jobs`` at a time. Target: at most 0.5
of the serial time for 30 people with ``--jobs 2``.

    python bench/cohort_reports.py [--participants 30] [--jobs 2] [--runs 1]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, median

from kit.database import open_store
from kit.demo import simulate
from kit.report import HIDDEN_LEADER, papermill_report


def papermill_loop(db: str, codes: list[str], out: Path) -> float:
    start = time.perf_counter()
    for n, code in enumerate(codes, start=1):
        page = papermill_report(HIDDEN_LEADER, {"resume": code, "store": db}, "My results")
        (out / f"{n}.html").write_text(page)
    return time.perf_counter() - start


def command(db: str, session: str, out: Path, jobs: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kit", "report", "--session", session, "--out", str(out)]
        + ["--jobs", str(jobs), "--quiet", "--store", db],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kit-bench-cohort-") as tmp:
        db = str(Path(tmp) / "kit.sqlite3")
        store = open_store(db)
        team = store.create_session("Cohort", anonymous=False)
        simulate(store, args.participants, session=team.code, seed=1)
        codes = [store.participant_by_id(pid).resume_code for pid, _ in store.members(team.code)]
        store.close()
        serial, fast = [], []
        for run in range(args.runs):
            loop_out = Path(tmp) / f"loop{run}"
            loop_out.mkdir()
            serial.append(papermill_loop(db, codes, loop_out))
            fast.append(command(db, team.code, Path(tmp) / f"cmd{run}", args.jobs))
            made = len(list((Path(tmp) / f"cmd{run}").glob("*.html")))
            assert made == len(codes) + 1, made  # every person, and the team report
    loop_s, cmd_s = median(serial), median(fast)
    print(f"{args.participants} people, median of {args.runs} run(s), this machine:")
    print(f"  serial papermill loop ({len(codes)} reports):   {loop_s:7.1f} s")
    print(f"  kit report --jobs {args.jobs} ({len(codes) + 1} reports): {cmd_s:7.1f} s")
    print(f"  ratio: {cmd_s / loop_s:.3f} of the serial time (target at most 0.5)")


if __name__ == "__main__":
    main()
