"""How long the programme view takes for a long-running circle: 24 sessions and 500 entries.

Builds a throw-away store with one circle of 24 monthly sessions, 500 running-list
entries raised about 1,500 times, 10 stories and 6 ideas a session and 60 actions,
then times (median of N) reading the programme from the store, drawing its tables,
drawing its two charts, and the whole facilitator page built headless (every
section, as Voilà runs the notebook). The target: the view under 1 s.

    python bench/programme.py [--runs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from kit.circles.content import agenda_template
from kit.circles.model import Member, Story
from kit.circles.planning import new_circle
from kit.database import Store


def build(path: Path, rng: random.Random) -> tuple[str, str]:
    """Write the long circle; return its code and the owner's resume code."""
    store = Store(path)
    owner = store.create_participant()
    members = tuple(Member(f"Member {n}", "front line") for n in range(12))
    circle = dataclasses.replace(new_circle(agenda_template()), members=members)
    store.save_circle(owner.id, circle)
    entries: list[tuple[int, str]] = []  # (id, list)
    day = date(2025, 1, 14)
    for number in range(1, 25):
        session, _ = store.start_session(
            circle.code, (day + timedelta(days=28 * number)).isoformat()
        )
        store.mark_present(session, [m.name for m in rng.sample(members, 8)])
        stories = [
            store.add_story(
                session,
                Story(
                    0,
                    session,
                    rng.choice(["unhappy", "happy"]),
                    f"Story {number}.{n}",
                    act=rng.choice(["omission", "commission", ""]),
                    where=rng.choice(["front line", "support", ""]),
                ),
            )
            for n in range(10)
        ]
        for n in range(60):
            kind = "do not annoy" if n % 3 else "delight"
            same = [e for e, k in entries if k == kind]
            if len(entries) < 500 and (n < 21 or number > 20):
                words = f"Entry {len(entries)} {kind}"
                entries.append((store.add_factor(session, kind, words, rng.choice(stories)), kind))
            elif same:
                store.add_factor(session, kind, "", rng.choice(stories), rng.choice(same))
        for n in range(6):
            idea = store.add_idea(session, f"Idea {number}.{n}", rng.choice(members).name)
            store.vote(idea, members[n].name)
        store.reveal_votes(session)
        for n in range(2 if number < 24 else 4):
            store.open_action(
                circle.code,
                number,
                f"Action {number}.{n}",
                "Member 1",
                (day + timedelta(days=28 * number + 30)).isoformat(),
                None,
                "t",
            )
    store.close()
    return circle.code, owner.resume_code


def timed(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "kit.sqlite3"
    code, resume = build(path, random.Random(7))
    from kit.charts import to_png
    from kit.circles.charts import cause_mix, lists_trend
    from kit.circles.controllers import SessionController
    from kit.circles.pages.session import CircleSessionApp
    from kit.circles.programme import programme_html

    store = Store(path)
    controller = SessionController(store, store.circle(code))
    entries = len(controller.state.entries)
    raised = sum(len(e.raised) for e in controller.state.entries)
    print(f"circle: 24 sessions, {entries} entries raised {raised} times")
    read = timed(controller.programme, args.runs)
    figures = controller.programme()
    tables = timed(lambda: programme_html(figures), args.runs)
    charts = timed(lambda: (to_png(cause_mix(figures)), to_png(lists_trend(figures))), args.runs)

    def page() -> None:
        app = CircleSessionApp.open(resume=resume, store=str(path))
        for name in CircleSessionApp.SECTIONS:
            getattr(app, name)()

    whole = timed(page, args.runs)
    view = read + tables + charts
    print(f"read the programme from the store: median {read * 1000:.0f} ms")
    print(f"draw its tables:                   median {tables * 1000:.0f} ms")
    print(f"draw its two charts:               median {charts * 1000:.0f} ms")
    print(f"the programme view, all three:     {view * 1000:.0f} ms (target: under 1000 ms)")
    print(f"the whole facilitator page, headless (every section): median {whole * 1000:.0f} ms")


if __name__ == "__main__":
    main()
