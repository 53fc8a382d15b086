"""Time one customer-map edit as the page pays for it: analyse, lay out, draw the PNG.

Prints medians beside the redraw after one answer in workbook 01 (scores and bar
chart), measured in the same run, for the example map and larger made-up maps.
"""

from __future__ import annotations

import argparse
import statistics
import time

from kit.charts import to_png
from kit.instruments.charts import trait_bars
from kit.instruments.content import get_instrument
from kit.instruments.scoring import results
from kit.maps import logic as cm
from kit.maps.files import example_map
from kit.maps.model import CustomerMap
from kit.maps.pages import CustomerMapApp


def made_up(elements: int) -> CustomerMap:
    """A map of one team, ``elements`` internal units in chains, and a few customers."""
    cmap = cm.add_element(CustomerMap(), "Team", "own team")
    for n in range(1, 6):
        cmap = cm.add_element(cmap, f"Customer {n}", "external customer")
    for n in range(1, elements - 5):
        cmap = cm.add_element(cmap, f"Unit {n}", "internal customer")
        cmap = cm.add_connection(cmap, "Team" if n % 3 == 1 else f"Unit {n - 1}", f"Unit {n}")
        if n % 4 == 0:
            cmap = cm.add_connection(cmap, f"Unit {n}", f"Customer {n % 5 + 1}")
    return cmap


def timed(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    hl = get_instrument("hidden_leader")
    answers = {item.id: "3" for item in hl.items}

    def answer_redraw() -> None:
        summary = results(hl, answers)
        to_png(trait_bars(summary.scores, hl.scale))

    base = timed(answer_redraw, args.runs)
    print(f"one edit's redraw, median of {args.runs}")
    print(f"{'case':44} {'median s':>9} {'ratio':>6}")
    print(f"{'baseline: one answer in workbook 01':44} {base:9.3f} {1:6.2f}")
    cases = [("example map (12 elements)", example_map())]
    cases += [(f"made-up map ({n} elements)", made_up(n)) for n in (40, 120)]
    for label, cmap in cases:
        app = CustomerMapApp(None, cmap=cmap)
        # A structural edit: analysis and a full redraw (not the page's cached PNG).
        median = timed(lambda app=app: (cm.analyse(app.cmap), to_png(app.diagram())), args.runs)
        print(f"{label:44} {median:9.3f} {median / base:6.2f}")


if __name__ == "__main__":
    main()
