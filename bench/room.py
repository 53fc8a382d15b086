"""A room opens the join link at once: how soon each person reaches their first question.

One `kit serve` with an open team session. Twelve browser contexts (half of
them phones: a 360 px viewport with touch) open the coach's join link at the
same moment and do what a person does, with no pause to read: the start page
shows the session and its Join button, they press it, and follow the link to
the first workbook until its first question is on screen. Each step's time
is taken from the moment the link was opened.

The same room runs twice in one run: on a server with warm kernels for the
room (`kit serve --room N`, the default way) and on one without
(`--no-warm-kernels`, how every page started before). Before each room, one
person alone takes the same path: the single-page figure the target is set
against (p95 within 3 s, or within twice one person's time if larger).
Prints p50 and p95 of each step, the server's memory (the server and its
kernels, resident) at its peak and once the room is in, and the CPU the room
took: the browser's (all twelve devices share this machine's two cores with
the server, which phones in a room do not), the server's and its kernels'.

``--phones-apart`` runs the browser at the lowest CPU priority (nice 19):
the server and its kernels then get the cores first, as they do when the
twelve browsers are twelve phones, and the figures show what the server can
do for a room rather than what twelve browsers on its two cores cost.

``--wifi-mbit M`` gives each device an even share of a room's Wi-Fi of M
Mbit/s (Chromium's network emulation, 5 ms latency; what the browser takes
from its own cache is not slowed), to see what the pages' bytes cost where
the network, not the loopback, carries them.

    python bench/room.py [--people 12] [--wifi-mbit 20]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import threading
import time
from pathlib import Path

from _common import cpu_seconds, p95, rss_mib, team_server, wait_warm

from tests.serving import CHROMIUM, CHROMIUM_ARGS

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
LOAD = 120_000
STEPS = ("join box", "joined", "first question")


async def person(
    browser, link: str, phone: bool, go: asyncio.Event, bytes_per_second: float = 0
) -> dict[str, float]:
    """One person: open the join link, join, open the first workbook; seconds to each step."""
    context = await browser.new_context(**(PHONE if phone else DESKTOP))
    page = await context.new_page()
    if bytes_per_second:
        cdp = await context.new_cdp_session(page)
        await cdp.send("Network.enable")
        await cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 5,
                "downloadThroughput": bytes_per_second,
                "uploadThroughput": bytes_per_second,
            },
        )
    await go.wait()
    start = time.perf_counter()
    times: dict[str, float] = {}
    try:
        await steps(page, link, phone, start, times)
    except Exception as err:  # noqa: BLE001 - a person who never got there is a figure too
        times["failed"] = 1.0
        print(f"  a person never reached {STEPS[len(times) - 1]}: {type(err).__name__}")
    await page.close(run_before_unload=True)
    await context.close()
    return times


async def steps(page, link: str, phone: bool, start: float, times: dict[str, float]) -> None:
    """The person's path from the join link to the first question, timed from ``start``."""
    await page.goto(link, wait_until="commit")
    join = page.get_by_role("button", name="Join")
    await join.wait_for(timeout=LOAD)
    times["join box"] = time.perf_counter() - start
    await (join.tap() if phone else join.click())
    first = page.locator(".kit-ok a.kit-team-link").first
    await first.wait_for(timeout=LOAD)
    times["joined"] = time.perf_counter() - start
    await (first.tap() if phone else first.click())
    await page.locator(".kit-item").first.wait_for(state="visible", timeout=LOAD)
    times["first question"] = time.perf_counter() - start


def niced_chromium() -> str:
    """A Chromium that runs at the lowest CPU priority (its renderers inherit it)."""
    import tempfile

    wrapper = Path(tempfile.mkdtemp(prefix="kit-room-")) / "chromium"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n 19 {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


async def people(
    link: str, count: int, wifi_mbit: float = 0, apart: bool = False
) -> list[dict[str, float]]:
    """``count`` people at once, every other one on a phone, sharing ``wifi_mbit`` if given."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        executable = niced_chromium() if apart else CHROMIUM
        browser = await p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        go = asyncio.Event()
        share = wifi_mbit * 1e6 / 8 / count
        tasks = [
            asyncio.create_task(person(browser, link, n % 2 == 1, go, share)) for n in range(count)
        ]
        await asyncio.sleep(1.0)  # every context made: they open the link together
        go.set()
        results = await asyncio.gather(*tasks)
        await browser.close()
        return list(results)


class MemoryWatch:
    """Samples the server's memory (its own and its kernels') and their CPU while a room runs."""

    def __init__(self, server):
        self.server = server
        self.peak = 0.0
        self.cpu: dict[int, float] = {}  # pid -> CPU seconds last seen (kernels that exit keep it)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def look(self) -> None:
        for pid in [self.server.process.pid, *self.server.kernel_pids()]:
            try:
                self.cpu[pid] = cpu_seconds(pid)
            except (OSError, IndexError):
                continue

    def now(self) -> tuple[float, float, int]:
        """(server MiB, kernels MiB, kernels) now."""
        kernels = 0.0
        pids = self.server.kernel_pids()
        for pid in pids:
            try:
                kernels += rss_mib(pid)
            except (OSError, RuntimeError):
                continue  # a kernel that just went
        return rss_mib(self.server.process.pid), kernels, len(pids)

    def _run(self) -> None:
        while not self.stop.is_set():
            self.look()
            own, kernels, _ = self.now()
            self.peak = max(self.peak, own + kernels)
            time.sleep(0.2)

    def __enter__(self) -> MemoryWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def run_room(count: int, warm: bool, wifi_mbit: float = 0, apart: bool = False) -> None:
    # Every context comes from this machine's one address: lift the per-device cap.
    caps = ("--max-kernels", "100", "--max-kernels-per-client", "100")
    extra = ("--room", str(count), *caps) if warm else caps
    label = f"warm kernels (--room {count})" if warm else "no warm kernels"
    with team_server(*extra, warm=warm) as (server, code):
        link = server.page("00_start_here.ipynb", f"session={code}")
        if warm:
            print(f"{label}: pools filled in {wait_warm(server):.1f} s")
        # One person alone, the page's own time (on the Wi-Fi, with all of it).
        alone = asyncio.run(people(link, 1, wifi_mbit, apart))[0]
        if warm:
            wait_warm(server)
        else:
            time.sleep(3)  # the lone person's kernels have gone
        browser_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with MemoryWatch(server) as watch:
            before = sum(watch.now()[:2])
            watch.look()
            cpu_before = dict(watch.cpu)
            room = asyncio.run(people(link, count, wifi_mbit, apart))
            own, kernels, n = watch.now()
            watch.look()
        browser_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        browser_cpu = sum(
            getattr(browser_after, f) - getattr(browser_before, f) for f in ("ru_utime", "ru_stime")
        )
        pid = server.process.pid
        server_cpu = watch.cpu[pid] - cpu_before.get(pid, 0.0)
        kernel_cpu = sum(v - cpu_before.get(k, 0.0) for k, v in watch.cpu.items() if k != pid)
        print(f"{label}:")
        print(f"  {'step':16} {'alone s':>8} {'p50 s':>7} {'p95 s':>7}   all ({count} people, s)")
        failed = sum(1 for r in room if "failed" in r)
        room = [r for r in room if "failed" not in r] or [{s: float("nan") for s in STEPS}]
        if failed:
            print(f"  {failed} of {count} people never reached their first question")
        for step in STEPS:
            values = [r[step] for r in room]
            runs = " ".join(f"{v:.1f}" for v in sorted(values))
            print(
                f"  {step:16} {alone[step]:8.2f} {statistics.median(values):7.2f} "
                f"{p95(values):7.2f}   {runs}"
            )
        worst = p95([r["first question"] for r in room])
        target = max(3.0, 2 * alone["first question"])
        print(
            f"  p95 to the first question {worst:.2f} s against a target of {target:.2f} s "
            f"({'met' if worst <= target else 'missed'})"
        )
        print(
            f"  server memory: {before:.0f} MiB before the room, peak {watch.peak:.0f} MiB, "
            f"{own + kernels:.0f} MiB after (server {own:.0f} MiB, {n} kernels {kernels:.0f} MiB)"
        )
        print(
            f"  CPU for the room: browser {browser_cpu:.1f} s, server {server_cpu:.1f} s, "
            f"kernels {kernel_cpu:.1f} s (this machine has 2 cores)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=12)
    parser.add_argument("--wifi-mbit", type=float, default=0, help="a room's Wi-Fi, shared evenly")
    parser.add_argument(
        "--only-warm", action="store_true", help="skip the room without warm kernels"
    )
    parser.add_argument(
        "--phones-apart", action="store_true", help="the browser at nice 19, behind the server"
    )
    args = parser.parse_args()
    wifi = f", sharing {args.wifi_mbit:g} Mbit/s" if args.wifi_mbit else ""
    apart = ", the browser at nice 19" if args.phones_apart else ""
    print(
        f"{args.people} people open the join link at once (every other one on a phone){wifi}{apart}"
    )
    run_room(args.people, True, args.wifi_mbit, args.phones_apart)
    if not args.only_warm:
        run_room(args.people, False, args.wifi_mbit, args.phones_apart)


if __name__ == "__main__":
    main()
