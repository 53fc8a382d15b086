"""Time to interactive of workbook pages at two commits, served side by side in one run.

`bench/tti` sets each page beside a one-button notebook. That baseline's
loads fall on levels about 0.4 s apart, so a page's ratio can move by 0.1
between runs with nothing changed, and a change's effect on one page is lost
in it. This asks "did my change slow this page?" directly: it serves the
workbooks of BASE (a git worktree, made for the run and removed after) and
of this checkout on two `kit serve`s at once, and loads each page from both
in pairs, in random order, one fresh page at a time. It prints each median
and the median of the paired ratios (this checkout over BASE). Include
`baseline_one_button.ipynb` to see the two servers' own difference (about 1.0).

    python bench/tti_compare.py BASE [--runs 11] [--only 02_focus_and_attitude.ipynb ...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent


def serve(root: Path) -> None:
    """Child process: `kit serve` of ``root`` (its kit, its workbooks) until stdin closes.

    Prints the server's address and queries, then answers each "quiet" line
    once the server has no kernel left (the last page's kernel has gone).
    """
    sys.path[:0] = [str(root / "bench"), str(root)]
    import _common  # the checkout's own, so BASE serves its own workbooks
    from tti import quiet

    with _common.served() as (url, server):
        print(json.dumps({"url": url, "queries": _common._QUERIES}), flush=True)
        for line in sys.stdin:
            if line.strip() == "quiet":
                quiet(server)
                print("ok", flush=True)


class Served:
    """A `kit serve` of one checkout, in a child process running with its kit."""

    def __init__(self, root: Path):
        env = dict(os.environ, PYTHONPATH=str(root))
        self.process = subprocess.Popen(
            [sys.executable, str(HERE), "--serve", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
            env=env,
        )
        started = json.loads(self.process.stdout.readline())  # type: ignore[union-attr]
        self.url, self.queries = started["url"], started["queries"]

    def page(self, name: str) -> str:
        query = self.queries.get(name, "")
        return f"{self.url}/voila/render/{name}" + (f"?{query}" if query else "")

    def quiet(self) -> None:
        self.process.stdin.write("quiet\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        self.process.stdout.readline()  # type: ignore[union-attr]

    def stop(self) -> None:
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.wait(timeout=120)


def measure(browser, served: Served, name: str) -> float:
    """Seconds from navigation to the first visible widget on a fresh page."""
    context = browser.new_context()
    page = context.new_page()
    start = time.perf_counter()
    page.goto(served.page(name), wait_until="commit")
    page.wait_for_selector(".jupyter-widgets", state="visible", timeout=120_000)
    elapsed = time.perf_counter() - start
    page.close(run_before_unload=True)
    context.close()
    served.quiet()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the commit to compare with (e.g. main~3)")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--only", nargs="*", default=[], help="pages (every workbook by default)")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent))
    from _common import chromium, median, pages

    names = args.only or [n for n in pages()]
    tree = Path(tempfile.mkdtemp(prefix="kit-compare-")) / "base"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.base],
        check=True,
        capture_output=True,
    )
    servers: dict[str, Served] = {}
    try:
        servers = {"base": Served(tree), "this": Served(ROOT)}
        times: dict[tuple[str, str], list[float]] = {(w, n): [] for w in servers for n in names}
        paired: dict[str, list[float]] = {n: [] for n in names}
        with chromium() as browser:
            for which in servers.values():  # warm-up: first loads fill disk caches
                for name in names:
                    measure(browser, which, name)
            shuffle = random.Random(0).shuffle
            for _ in range(args.runs):
                for name in names:
                    order = list(servers)
                    shuffle(order)  # neither always goes first
                    got = {w: measure(browser, servers[w], name) for w in order}
                    for w, t in got.items():
                        times[(w, name)].append(t)
                    paired[name].append(got["this"] / got["base"])
        print(f"time to first visible widget, {args.runs} pairs each, {args.base} against this")
        print(f"{'page':38} {'base s':>7} {'this s':>7} {'ratio':>6} {'paired':>7}")
        for name in names:
            b, t = median(times[("base", name)]), median(times[("this", name)])
            print(f"{name:38} {b:7.2f} {t:7.2f} {t / b:6.2f} {median(paired[name]):7.2f}")
    finally:
        for which in servers.values():
            which.stop()
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
            check=False,
            capture_output=True,
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(Path(sys.argv[2]))
    else:
        main()
