"""Memory of the kernel behind each workbook page after it has loaded.

RSS of the page's kernel process, beside a one-button ipywidgets notebook's
kernel on the same server in the same run. Prints medians of N loads and the
ratio to the baseline (target <= 1.5).

    python bench/kernel_memory.py [--runs 3]
"""

from __future__ import annotations

import argparse
import time

from _common import BASELINE, chromium, median, page_url, pages, rss_mib, served


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
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


if __name__ == "__main__":
    main()
