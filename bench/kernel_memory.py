"""Memory of the kernel behind each workbook page after it has loaded.

RSS of the page's kernel process, beside a one-button ipywidgets notebook's
kernel on the same server in the same run. Prints medians of N loads and the
ratio to the baseline (target <= 1.5).

Then the warm pools: `kit serve --room N` with an open team session, once
every pool is full. Prints how many warm kernels it keeps, their resident
and proportional (shared pages split between processes) memory, each and in
all, beside the budget's own figure for them (kit.pools: 60 MiB a kernel).

    python bench/kernel_memory.py [--runs 3] [--room 4]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _common import (
    BASELINE,
    chromium,
    median,
    page_url,
    pages,
    rss_mib,
    served,
    team_server,
    wait_warm,
)


def measure(browser, url: str, server) -> float:
    before = set(server.kernel_pids())
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(".jupyter-widgets", state="visible", timeout=120_000)
    time.sleep(1.0)  # let the kernel settle after the last cell
    (pid,) = set(server.kernel_pids()) - before
    rss = rss_mib(pid)
    context.close()
    return rss


def pss_mib(pid: int) -> float:
    """Proportional memory: the process's own pages, and its share of pages shared with others."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no PSS for {pid}")


def pools(room: int) -> None:
    """The warm pools' memory for a room, once they are full."""
    from kit.pools import KERNEL_MIB, Budget

    with team_server("--room", str(room)) as (server, _):
        filled = wait_warm(server)
        time.sleep(2.0)
        pids = server.pools()["warm_pids"]
        rss = [rss_mib(p) for p in pids]
        pss = [pss_mib(p) for p in pids]
        own = rss_mib(server.process.pid)
        print(f"warm pools for a room of {room} with one open session, full in {filled:.1f} s:")
        print(
            f"  {len(pids)} warm kernels: RSS median {median(rss):.1f} MiB, {sum(rss):.0f} MiB "
            f"in all; PSS median {median(pss):.1f} MiB, {sum(pss):.0f} MiB in all"
        )
        print(
            f"  the budget counts {KERNEL_MIB} MiB a kernel: {len(pids) * KERNEL_MIB} MiB; "
            f"server {own:.0f} MiB; budget {Budget(room=room).total_mib} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--room", type=int, default=4)
    args = parser.parse_args()
    names = pages()
    rss: dict[str, list[float]] = {n: [] for n in names}
    with served() as (url, server), chromium() as browser:
        for _ in range(args.runs):
            for name in names:
                rss[name].append(measure(browser, page_url(url, name), server))
    base = median(rss[BASELINE])
    print(f"kernel RSS after the page loaded, median of {args.runs} loads")
    print(f"{'page':38} {'MiB':>7} {'ratio':>6}")
    for name in names:
        m = median(rss[name])
        print(f"{name:38} {m:7.1f} {m / base:6.2f}")
    pools(args.room)


if __name__ == "__main__":
    main()
