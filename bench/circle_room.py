"""A room of 12 phones in a circle session: how soon each tap shows on the facilitator's screen.

One `kit serve`, one facilitator page (desktop) and 12 phone pages (separate
browser contexts, a phone's viewport), all open at once. Each phone sends a
story, then each taps a dot vote. The facilitator's page notes (in the
browser, with a MutationObserver) when each story's words and each new vote
count appear; the time of a tap is taken in the phone's page just before it.
Prints the median and the 95th percentile from tap to the facilitator's
screen, for stories and for votes, beside the same room with the page
following the store every 3 s (the other live pages' pace, set through
``KIT_CIRCLE_LIVE_SECONDS``) in the same run. The target: a median within 1 s.

    python bench/circle_room.py [--phones 12]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics

from _common import chromium, p95

from kit.circles.content import agenda_template
from kit.circles.model import Member
from kit.circles.planning import new_circle
from kit.database import Store

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
LOAD = 120_000
WATCH = """(markers) => {
  window.kitSeen = {};
  const look = () => {
    const text = document.body.innerText;
    for (const m of markers) if (!(m in window.kitSeen) && text.includes(m)) window.kitSeen[m] = Date.now();
    // Votes show as a count: two landing between two looks move it by two, so the
    // k-th vote is seen when the count first reaches k.
    const cast = /(\\d+) votes? cast so far/.exec(text);
    for (let k = 1; cast && k <= Number(cast[1]); k++)
      if (!(('vote ' + k) in window.kitSeen)) window.kitSeen['vote ' + k] = Date.now();
  };
  new MutationObserver(look).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def room(phones: int) -> tuple[list[float], list[float]]:
    """Run one room; return (story delays, vote delays) in seconds."""
    import tempfile
    from pathlib import Path

    from tests.serving import start_server, stop_server

    tmp = Path(tempfile.mkdtemp(prefix="kit-room-"))
    server = start_server(tmp, "--max-kernels", "100", "--max-kernels-per-client", "100")
    try:
        store = Store(server.store)
        owner = store.create_participant()
        names = [f"Person {n}" for n in range(phones)]
        circle = dataclasses.replace(
            new_circle(agenda_template()), members=tuple(Member(n, "front line") for n in names)
        )
        store.save_circle(owner.id, circle)
        session, _ = store.start_session(circle.code, "2026-11-10", votes_per_person=3)
        store.add_idea(session, "Text the arrival time")
        team = store.create_session("Room", anonymous=False, min_group=3)
        store.update_session(team.code, circle=circle.code)
        codes = [
            store.create_participant(session=team.code, display_name=n).resume_code for n in names
        ]
        store.close()
        with chromium() as browser:
            coach = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            coach.goto(server.page("05_circle_session.ipynb", f"resume={owner.resume_code}"))
            coach.locator(".kit-ideas").first.wait_for(timeout=LOAD)
            pages = []
            for code in codes:
                page = browser.new_context(**PHONE).new_page()
                page.goto(server.page("05_circle_session.ipynb", f"resume={code}"))
                page.get_by_placeholder("What happened, as the customer would tell it").wait_for(
                    timeout=LOAD
                )
                pages.append(page)
            stories = [f"Story marker {n:02d}" for n in range(phones)]
            votes = [f"vote {k}" for k in range(1, phones + 1)]
            coach.evaluate(WATCH, stories)
            story_at = []
            for page, text in zip(pages, stories, strict=True):
                page.get_by_placeholder("What happened, as the customer would tell it").fill(text)
                story_at.append(page.evaluate("Date.now()"))
                page.get_by_role("button", name="Add story").tap(no_wait_after=True)
            vote_at = []
            for page in pages:
                button = page.locator(".kit-vote-row").first.get_by_role("button", name="+1 vote")
                button.wait_for(timeout=LOAD)
                vote_at.append(page.evaluate("Date.now()"))
                button.tap(no_wait_after=True)
            try:
                coach.wait_for_function(
                    "(ms) => ms.every(m => m in window.kitSeen)", arg=stories + votes, timeout=LOAD
                )
            except Exception:
                missing = coach.evaluate(
                    "(ms) => ms.filter(m => !(m in window.kitSeen))", stories + votes
                )
                raise SystemExit(f"never shown on the facilitator's page: {missing}") from None
            seen = coach.evaluate("window.kitSeen")
            for page in [coach, *pages]:
                page.goto("about:blank")
                page.context.close()
        story_delays = [(seen[m] - t) / 1000 for m, t in zip(stories, story_at, strict=True)]
        # The k-th count appears once k votes are in: it is the k-th tap's delay.
        vote_delays = [(seen[m] - t) / 1000 for m, t in zip(votes, sorted(vote_at), strict=True)]
        return story_delays, vote_delays
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=12)
    args = parser.parse_args()
    print(f"{args.phones} phones and one facilitator against one kit serve")
    for label, seconds in (
        ("the circle page's pace, 0.5 s", "0.5"),
        ("the other live pages' pace, 3 s", "3"),
    ):
        os.environ["KIT_CIRCLE_LIVE_SECONDS"] = seconds
        stories, votes = room(args.phones)
        print(f"following at {label}:")
        print(
            f"  story to the facilitator: median {statistics.median(stories):.2f} s, p95 {p95(stories):.2f} s"
        )
        print(
            f"  vote to the facilitator:  median {statistics.median(votes):.2f} s, p95 {p95(votes):.2f} s"
        )


if __name__ == "__main__":
    main()
