"""Participants answering workbook 1 through the real pages: one process against `--workers 4`.

Each simulated participant is a browser context that opens workbook 1 with
their resume code and taps all twenty statements, as a person does. Each tap
is timed until the page says it is saved (the progress line counts it,
which happens once the page's kernel has written the answer to the store).
People come in waves of ``--batch`` at once, ``--waves`` times, so the
wave size is the number of people working at the same moment.

The same waves run against one `kit serve` on a SQLite file and against
`kit serve --workers 4` (HAProxy in front) on PostgreSQL (Debian's, started
for the run in a temp folder with fsync on; ``--engine sqlite`` puts the
workers on a SQLite file instead), in the same run. Prints, per server and
wave size: answers per second, the median and p95 from tap to saved and from
link to the first question, errors, answers lost (a tap the page said was
saved that the store does not hold), the CPU each kind of process took (the
browser, the servers, HAProxy, the kernels, PostgreSQL), and the memory:
each server process's RSS and the median kernel's.

Every context shares this machine's two cores with the servers and their
kernels, so the figures show where this machine's ceiling is, not a server's.

    python bench/load.py [--batch 10,20] [--waves 2] [--workers 4] [--engine postgresql|sqlite]
                         [--servers both|one|workers]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import resource
import statistics
import tempfile
import threading
import time
from pathlib import Path

from _common import cpu_seconds, p95, rss_mib

from kit.database import open_store
from kit.instruments.content import get_instrument
from tests.postgres import PASSWORD, Cluster, start_cluster
from tests.serving import CHROMIUM, CHROMIUM_ARGS, processes, start_server, stop_server

HL = get_instrument("hidden_leader")
LOAD = 180_000
CAPS = ("--max-kernels", "1000", "--max-kernels-per-client", "1000", "--no-warm-kernels")


async def participant(browser, url: str, code: str, go: asyncio.Event) -> dict:
    """One person answers every statement; their timings, and the taps the page confirmed."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    result: dict = {"code": code, "taps": [], "confirmed": 0, "open": None, "error": ""}
    await go.wait()
    start = time.perf_counter()
    try:
        await page.goto(f"{url}?resume={code}", wait_until="commit")
        await page.locator(".kit-questionnaire").wait_for(state="visible", timeout=LOAD)
        result["open"] = time.perf_counter() - start
        done = 0
        for index, trait in enumerate(HL.traits):
            for item in trait.items:
                value = (index + len(item.id)) % 5 + 1
                choice = page.locator(".kit-item", has_text=item.text).locator(
                    "label", has_text=HL.scale.label(value)
                )
                tapped = time.perf_counter()
                await choice.click(timeout=LOAD)
                done += 1
                await page.locator(".kit-progress", has_text=f"{done} of 20 answered").wait_for(
                    timeout=LOAD
                )
                result["taps"].append(time.perf_counter() - tapped)
                result["confirmed"] = done
            if index < len(HL.traits) - 1:
                await page.get_by_role("button", name="Next").click(timeout=LOAD)
    except Exception as err:  # noqa: BLE001 - a person who did not finish is a figure
        step = "opening" if result["open"] is None else f"tap {result['confirmed'] + 1}"
        result["error"] = f"{type(err).__name__} at {step}"
    await page.close(run_before_unload=True)
    await context.close()
    return result


async def wave(url: str, codes: list[str]) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        go = asyncio.Event()
        tasks = [asyncio.create_task(participant(browser, url, c, go)) for c in codes]
        await asyncio.sleep(0.5)
        go.set()
        results = await asyncio.gather(*tasks)
        await browser.close()
        return list(results)


def tree(pid: int) -> list[tuple[int, str]]:
    """(pid, what it is) of ``pid`` and every process below it: kernel, worker, haproxy, kit serve."""
    parents: dict[int, list[int]] = {}
    kinds: dict[int, str] = {}
    for child, parent, cmd in processes():
        parents.setdefault(parent, []).append(child)
        kinds[child] = (
            "kernel"
            if b"ipykernel" in cmd
            else "worker"
            if b"kit.serve_workers" in cmd
            else "haproxy"
            if b"haproxy" in cmd
            else "postgres"
            if cmd.startswith(b"postgres") or b"/bin/postgres" in cmd
            else "kit serve"
        )
    found, todo = [], [pid]
    while todo:
        here = todo.pop()
        found.append((here, kinds.get(here, "kit serve")))
        todo.extend(parents.get(here, []))
    return found


class Memory:
    """Peak RSS of each server process (the kit servers, HAProxy) and the kernels, and their CPU."""

    def __init__(self, pid: int, database: int | None = None):
        self.pid = pid
        self.database = database  # the PostgreSQL server's pid: its CPU is counted too
        self.servers: dict[tuple[str, int], float] = {}
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (kind, CPU seconds last seen)
        self.kernels: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            time.sleep(0.5)

    def sample(self) -> None:
        for pid, kind in tree(self.pid):
            try:
                mib = rss_mib(pid)
                self.cpu[pid] = (kind, cpu_seconds(pid))
            except (OSError, RuntimeError, ValueError, IndexError):
                continue
            if kind == "kernel":
                self.kernels.append(mib)
            else:
                self.servers[kind, pid] = max(self.servers.get((kind, pid), 0.0), mib)
        for pid, _ in tree(self.database) if self.database else ():
            try:
                self.cpu[pid] = ("postgres", cpu_seconds(pid))
            except (OSError, RuntimeError, ValueError, IndexError):
                continue

    def cpu_by_kind(self) -> dict[str, float]:
        """CPU seconds so far of every process seen, summed by kind (kernels that ended included)."""
        sums: dict[str, float] = {}
        for kind, seconds in self.cpu.values():
            sums[kind] = sums.get(kind, 0.0) + seconds
        return sums

    def __enter__(self) -> Memory:
        self.sample()  # the CPU the servers took to start is not the load's
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def browser_cpu() -> float:
    """CPU seconds of the browsers this process has run and waited for (Chromium and its driver)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def stored(location: str, codes: list[str]) -> dict[str, int]:
    store = open_store(location)
    try:
        rows = store._db.execute(
            "SELECT p.resume_code, COUNT(a.item) FROM participants p"
            " LEFT JOIN answers a ON a.participant_id = p.id GROUP BY p.id"
        ).fetchall()
    finally:
        store.close()
    return {code: n for code, n in rows if code in set(codes)}


def run(
    label: str, workers: int, batches: list[int], waves: int, cluster: Cluster | None = None
) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="kit-load-"))
    path = cluster.create_database("load") if cluster else str(tmp / "kit.sqlite3")
    store = open_store(path)
    session = store.create_session("Roll-out", min_group=3)
    people = sum(batches) * waves
    codes = [store.create_participant(session=session.code).resume_code for _ in range(people)]
    store.close()
    extra = ("--workers", str(workers)) if workers > 1 else ()
    server = start_server(tmp, *CAPS, *extra, store=path)
    url = server.page("01_hidden_leader_traits.ipynb").split("?")[0]
    print(f"{label}:")
    print(
        f"  {'at once':>7} {'people':>6} {'answers/s':>9} {'tap p50':>8} {'tap p95':>8}"
        f" {'open p50':>8} {'open p95':>8} {'errors':>6} {'lost':>4}"
    )
    try:
        database = None
        if cluster is not None:
            database = int((cluster.data / "postmaster.pid").read_text().split()[0])
        with Memory(server.process.pid, database) as memory:
            for size in batches:
                results: list[dict] = []
                started = time.perf_counter()
                cpu_before = memory.cpu_by_kind()
                browser_before = browser_cpu()
                for _ in range(waves):
                    group, codes = codes[:size], codes[size:]
                    results += asyncio.run(wave(url, group))
                took = time.perf_counter() - started
                time.sleep(0.6)  # one more sample of the servers' and kernels' CPU
                cpu = {
                    kind: seconds - cpu_before.get(kind, 0.0)
                    for kind, seconds in memory.cpu_by_kind().items()
                }
                cpu["browser"] = browser_cpu() - browser_before
                time.sleep(2)  # the last typed answers and closes reach the store
                held = stored(path, [r["code"] for r in results])
                lost = sum(max(0, r["confirmed"] - held.get(r["code"], 0)) for r in results)
                taps = [t for r in results for t in r["taps"]]
                opens = [r["open"] for r in results if r["open"] is not None]
                errors = sum(1 for r in results if r["error"])
                answers = sum(held.values())
                print(
                    f"  {size:7d} {len(results):6d} {answers / took:9.1f}"
                    f" {statistics.median(taps) * 1000 if taps else 0:6.0f}ms"
                    f" {p95(taps) * 1000:6.0f}ms"
                    f" {statistics.median(opens) if opens else 0:7.1f}s {p95(opens):7.1f}s"
                    f" {errors:6d} {lost:4d}",
                    flush=True,
                )
                kinds = collections.Counter(
                    r["error"].split(" at ")[0]
                    + (" opening" if "opening" in r["error"] else " tapping")
                    for r in results
                    if r["error"]
                )
                if kinds:
                    print("          errors: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
                print(
                    f"          CPU over {took:.0f} s of 2 cores' {2 * took:.0f}: "
                    + ", ".join(f"{k} {v:.0f} s" for k, v in sorted(cpu.items()))
                )
        kernel = statistics.median(memory.kernels) if memory.kernels else 0.0
        peaks = ", ".join(f"{kind} {mib:.0f}" for (kind, _), mib in sorted(memory.servers.items()))
        print(f"  peak RSS (MiB): {peaks}; a kernel {kernel:.0f} (median)")
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", default="10,20", help="people at once, e.g. 10,20,40")
    parser.add_argument("--waves", type=int, default=2, help="waves of each size")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--engine",
        choices=("postgresql", "sqlite"),
        default="postgresql",
        help="the workers' store",
    )
    parser.add_argument(
        "--servers",
        choices=("both", "one", "workers"),
        default="both",
        help="run one line only (its figures then have no baseline from the same run)",
    )
    args = parser.parse_args()
    batches = [int(b) for b in args.batch.split(",")]
    print(f"{sum(batches) * args.waves} participants a server, answering workbook 1 (20 taps)")
    if args.servers != "workers":
        run("one process (kit serve), SQLite", 1, batches, args.waves)
    if args.servers == "one":
        return
    cluster = None
    if args.engine == "postgresql":
        cluster = start_cluster(fsync=True)
        os.environ["PGPASSWORD"] = PASSWORD
    try:
        run(
            f"{args.workers} processes (kit serve --workers {args.workers}), "
            + ("PostgreSQL" if cluster else "SQLite"),
            args.workers,
            batches,
            args.waves,
            cluster,
        )
    finally:
        if cluster is not None:
            cluster.remove()


if __name__ == "__main__":
    main()
