"""``kit report --session``: every participant's report and the team report, in one command.

A trainer with a room of 30 used to run papermill 30 times, one after
another, with nothing to show how far it had got. Here each report is made
in-process from the workbook's own cells (:func:`kit.report.render_workbook`),
spread over ``jobs`` worker processes, with a progress bar on stderr.

Anonymity holds: a person's report shows their own answers, so in an
anonymous session only the team report is written, behind the same
minimum-group gate as the dashboard.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from kit.report import COACH_DASHBOARD, render_workbook
from kit.team.anonymity import find_session
from kit.workbooks import workbook

# The workbooks a person's report can be made of, by instrument.
PERSONAL = {w.instrument: w for w in (workbook("hidden_leader"), workbook("focus_attitude"))}


@dataclass(frozen=True)
class Job:
    """One report to write: which workbook, for whom, into which file."""

    workbook: str
    parameters: dict[str, object]
    title: str
    path: Path


@dataclass
class CohortResult:
    """What ``kit report --session`` wrote and whom it left out, with why."""

    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def slug(name: str) -> str:
    """A file-name part from a person's name.

    >>> slug("Ana María O'Neil")
    'ana-maria-o-neil'
    >>> slug("   ")
    'person'
    """
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "person"


def plan(
    store, code: str, out: Path, instrument: str = "hidden_leader"
) -> tuple[list[Job], CohortResult]:
    """Work out the reports of team session ``code``, without making any.

    Raises
    ------
    ValueError
        For a session this store does not have (naming the open ones), or an
        instrument with no personal report.
    """
    team = find_session(store, code)
    if instrument not in PERSONAL:
        raise ValueError(f"no personal report for '{instrument}': choose {', '.join(PERSONAL)}")
    chosen = PERSONAL[instrument]
    title = chosen.title
    result = CohortResult()
    jobs = [
        Job(
            COACH_DASHBOARD,
            {"key": team.coach_key, "store": store.location},
            f"Team report: {team.title}",
            out / "team-report.html",
        )
    ]
    if team.anonymous:
        result.notes.append(
            f"Session {team.code} is anonymous: only the team report is written "
            "(a person's own report would show the coach what they answered)."
        )
        return jobs, result
    members = store.members(team.code)
    width = len(str(len(members)))
    for number, (participant_id, name) in enumerate(members, start=1):
        person = store.participant_by_id(participant_id)
        label = name or f"participant {number}"
        if person is None or not store.answers(participant_id, instrument):
            result.skipped.append(f"{label}: no answers to {title}")
            continue
        jobs.append(
            Job(
                chosen.file,
                {"resume": person.resume_code, "store": store.location},
                f"{title}: {label}",
                out / f"{number:0{width}d}-{slug(label)}-{slug(title)}.html",
            )
        )
    return jobs, result


def write_one(job: Job) -> Path:
    """Make one report and write it; runs in a worker process."""
    page = render_workbook(job.workbook, job.parameters, job.title)
    job.path.write_text(page, encoding="utf-8")
    return job.path


def _warm() -> None:
    # Each worker imports what every report needs once, before its first job.
    import kit.charts  # noqa: F401
    import kit.instruments.pages.hidden_leader  # noqa: F401
    import kit.team.pages  # noqa: F401


def run(
    jobs: list[Job],
    result: CohortResult,
    workers: int = 1,
    progress: bool = True,
    write: Callable[[Job], Path] = write_one,
) -> CohortResult:
    """Make every report of ``jobs``, ``workers`` at a time, with a tqdm bar on stderr."""
    from tqdm import tqdm

    if not jobs:
        return result
    jobs[0].path.parent.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=len(jobs), unit="report", file=sys.stderr, disable=not progress)
    try:
        if workers <= 1:
            for job in jobs:
                result.written.append(write(job))
                bar.update()
        else:
            # spawn, not fork: a forked copy of this process's threads and
            # open store connections is not safe to use.
            with ProcessPoolExecutor(
                max_workers=min(workers, len(jobs)),
                mp_context=get_context("spawn"),
                initializer=_warm,
            ) as pool:
                for path in pool.map(write, jobs):
                    result.written.append(path)
                    bar.update()
    finally:
        bar.close()
    return result
