"""Time to interactive: navigation to the first visible widget, per workbook.

Median of N fresh pages each, beside a one-button ipywidgets notebook served by
the same server in the same run and loaded just before each page. Prints each
median and its ratio to the baseline's median (the target: at most 1.1), and
the median of the paired ratios (page over the baseline loaded seconds before
it), which the machine's drift over minutes does not move.

Single loads come in levels about 0.4 s apart (here 1.7, 2.1 and 2.7 s), for
every page the baseline included. The page's websocket frames put the spread in
the browser, between its scripts loading and the first widget drawn: the server
and the kernel answer within 0.15 s of the socket opening at every level. The
baseline lands on the quickest level in about a quarter of its loads (only
seen after a workbook page), the workbooks almost never, so a pair whose
baseline got it reads 1.2 or more: with few runs the paired median can jump
where the ratio of medians does not. Read the two together, and use more runs
(9 take about ten minutes).

To see whether a change slowed a page, use bench/tti_compare.py: it serves the
page from two commits at once and loads them in pairs.

    python bench/tti.py [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import time

from _common import BASELINE, chromium, median, page_url, pages, served


def measure(browser, url: str, server=None) -> float:
    """Seconds from navigation to the first visible widget on a fresh page.

    With ``server``, the page is closed as a person closes a tab (Voilà then
    shuts its kernel down), and the next load waits until no kernel is left:
    a kernel still stopping or starting slows whatever loads beside it, and
    made the same page's times swing by a second between loads.
    """
    context = browser.new_context()
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(".jupyter-widgets", state="visible", timeout=120_000)
    elapsed = time.perf_counter() - start
    page.close(run_before_unload=True)
    context.close()
    if server is not None:
        quiet(server)
    return elapsed


def quiet(server, timeout: float = 30.0) -> None:
    """Wait until the server has no kernel running (closed pages' kernels are gone)."""
    deadline = time.monotonic() + timeout
    while server.kernel_pids() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.2)  # the server finishes its own bookkeeping of the shutdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only", nargs="*", default=[], help="workbooks to measure (all by default)"
    )
    args = parser.parse_args()
    names = [n for n in pages() if not args.only or n == BASELINE or n in args.only]
    times: dict[str, list[float]] = {n: [] for n in names}
    paired: dict[str, list[float]] = {n: [] for n in names if n != BASELINE}
    with served() as (url, server), chromium() as browser:
        for name in names:  # warm-up: first loads fill disk caches
            measure(browser, page_url(url, name), server)
        shuffle = random.Random(0).shuffle
        for _ in range(args.runs):
            # A new order each round, so no page always follows the same one
            # (a kernel still starting up slows the next page's load), and the
            # baseline loaded just before each page: the machine's speed drifts
            # over minutes, and a pair taken seconds apart shares it.
            order = [n for n in names if n != BASELINE]
            shuffle(order)
            for name in order:
                base = measure(browser, page_url(url, BASELINE), server)
                page = measure(browser, page_url(url, name), server)
                times[BASELINE].append(base)
                times[name].append(page)
                paired[name].append(page / base)
    base = median(times[BASELINE])
    print(f"time to first visible widget, {args.runs} fresh pages each, baseline before each")
    print(f"{'page':38} {'median s':>9} {'ratio':>6} {'paired':>7}   all runs (s)")
    for name in names:
        m = median(times[name])
        pair = median(paired[name]) if name in paired else 1.0
        runs = " ".join(f"{t:.2f}" for t in times[name])
        print(f"{name:38} {m:9.2f} {m / base:6.2f} {pair:7.2f}   {runs}")


if __name__ == "__main__":
    main()
