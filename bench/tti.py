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

Streamlit's one-button hello app is the second baseline, served by Streamlit
on this machine in the same run and loaded beside each page too (its button
visible). The issue's target: each workbook within 1.0x Streamlit's median and
never above 1.05x the one-button notebook.

With --warm the server keeps warm kernels as `kit serve` does while a team
session is open (a room of one): the pages a session's participants open
(start page, 01, 02, 06) come from a warm kernel, the others start one; each
load waits until the pools are full again. Without it every page starts its
own kernel, as on a server with no open session.

To see whether a change slowed a page, use bench/tti_compare.py: it serves the
page from two commits at once and loads them in pairs.

    python bench/tti.py [--runs 5] [--warm] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import random
import time

from _common import (
    BASELINE,
    STREAMLIT_WIDGET,
    chromium,
    median,
    page_url,
    pages,
    served,
    streamlit_served,
)

STREAMLIT = "streamlit_one_button (Streamlit)"


def measure(browser, url: str, server=None, widget: str = ".jupyter-widgets") -> float:
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
    page.wait_for_selector(widget, state="visible", timeout=120_000)
    elapsed = time.perf_counter() - start
    page.close(run_before_unload=True)
    context.close()
    if server is not None:
        quiet(server)
    return elapsed


def quiet(server, timeout: float = 60.0) -> None:
    """Wait until the server is at rest: no page's kernel left, every warm pool full again."""
    deadline = time.monotonic() + timeout
    if server.warm:
        while time.monotonic() < deadline:
            status = server.pools()
            full = all(status["warm"].get(p, 0) >= n for p, n in status["targets"].items())
            if full and not status["open_pages"] and not status["starting"]:
                break
            time.sleep(0.2)
    else:
        while server.kernel_pids() and time.monotonic() < deadline:
            time.sleep(0.1)
    time.sleep(0.2)  # the server finishes its own bookkeeping of the shutdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only", nargs="*", default=[], help="workbooks to measure (all by default)"
    )
    parser.add_argument("--warm", action="store_true", help="serve with warm kernels (kit.pools)")
    args = parser.parse_args()
    names = [n for n in pages() if not args.only or n == BASELINE or n in args.only]
    times: dict[str, list[float]] = {n: [] for n in [*names, STREAMLIT]}
    paired: dict[str, list[float]] = {n: [] for n in names if n != BASELINE}
    by_streamlit: dict[str, list[float]] = {n: [] for n in names if n != BASELINE}
    with (
        served(warm=args.warm) as (url, server),
        streamlit_served() as hello,
        chromium() as browser,
    ):
        for name in names:  # warm-up: first loads fill disk caches
            measure(browser, page_url(url, name), server)
        measure(browser, hello, widget=STREAMLIT_WIDGET)
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
                other = measure(browser, hello, widget=STREAMLIT_WIDGET)
                page = measure(browser, page_url(url, name), server)
                times[BASELINE].append(base)
                times[STREAMLIT].append(other)
                times[name].append(page)
                paired[name].append(page / base)
                by_streamlit[name].append(page / other)
    base = median(times[BASELINE])
    other = median(times[STREAMLIT])
    kernels = "warm kernels for a session's pages" if args.warm else "no warm kernels"
    print(
        f"time to first visible widget, {args.runs} fresh pages each, {kernels}; "
        "both baselines before each page"
    )
    print(
        f"{'page':38} {'median s':>9} {'/voila':>7} {'paired':>7} {'/strml':>7} {'paired':>7}"
        "   all runs (s)"
    )
    for name in [BASELINE, STREAMLIT, *names[1:]]:
        m = median(times[name])
        pair = median(paired[name]) if name in paired else m / base
        pair_s = median(by_streamlit[name]) if name in by_streamlit else m / other
        runs = " ".join(f"{t:.2f}" for t in times[name])
        print(
            f"{name:38} {m:9.2f} {m / base:7.2f} {pair:7.2f} {m / other:7.2f} {pair_s:7.2f}   {runs}"
        )


if __name__ == "__main__":
    main()
