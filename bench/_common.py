"""Shared by the benchmarks: a real `kit serve` over the workbooks plus a baseline page."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

BASELINE = "baseline_one_button.ipynb"
# The smallest ipywidgets page: what any widget page costs on this server.
BASELINE_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "b0",
            "metadata": {},
            "outputs": [],
            "source": 'import ipywidgets as widgets\n\nwidgets.Button(description="Click me")',
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def pages() -> list[str]:
    """The baseline first, then every workbook."""
    return [BASELINE] + sorted(p.name for p in (ROOT / "workbooks").glob("*.ipynb"))


# A team of twelve demo people, as a coach's dashboard would show in a workshop.
DEMO_TEAM = 12
_QUERIES: dict[str, str] = {}


def page_url(base: str, name: str) -> str:
    """The page's address, with the coach key for the dashboard (else it shows only a form)."""
    query = _QUERIES.get(name, "")
    return f"{base}/voila/render/{name}" + (f"?{query}" if query else "")


# The smallest Streamlit app, the other baseline: what a page of a widely used
# app framework costs on this machine (a test extra, pinned in pyproject.toml).
STREAMLIT_APP = 'import streamlit as st\n\nst.button("Click me")\n'
# Its first widget, as bench/tti waits for the kit's pages' first widget.
STREAMLIT_WIDGET = "[data-testid='stButton'] button"


@contextmanager
def streamlit_served():
    """Yield the address of Streamlit serving its one-button hello app, on this machine only."""
    import subprocess

    from tests.serving import free_port, wait_until_up

    tmp = Path(tempfile.mkdtemp(prefix="kit-bench-streamlit-"))
    app = tmp / "hello.py"
    app.write_text(STREAMLIT_APP)
    port = free_port()
    log = tmp / "streamlit.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--global.developmentMode",
            "false",
        ],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        cwd=tmp,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url + "_stcore/health", process, log, "streamlit", 60)
        yield url
    finally:
        from tests.serving import stop_process

        stop_process(process)
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def served(warm: bool = False):
    """Yield (base_url, server) for `kit serve` over the workbooks and the baseline.

    With ``warm``, the server keeps warm kernels as for a room of one with an
    open team session: one for each page its participants open (kit.pools).
    """
    from kit.database import Store
    from kit.demo import simulate

    tmp = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    root = tmp / "workbooks"
    shutil.copytree(ROOT / "workbooks", root)
    (root / BASELINE).write_text(json.dumps(BASELINE_NOTEBOOK))
    # A page closed without its leaving request (a dropped browser context, as in
    # kernel_memory) keeps its kernel until culled: after a few idle seconds here,
    # since a bench opens hundreds of pages in minutes, and with the usual
    # 10-minute cull their idle kernels would crowd the machine and slow every
    # later load (heavier pages most).
    # The page loads of a bench all come from this machine's one address.
    server = start_server(
        tmp,
        "--workbooks",
        str(root),
        "--cull-idle",
        "4",
        "--max-kernels",
        "200",
        "--max-kernels-per-client",
        "200",
        *(("--room", "1") if warm else ()),
        warm=warm,
    )
    store = Store(server.store)
    if warm:
        store.create_session("Room", min_group=3)
    store.create_session("Bench", min_group=3, demo=True, code="BENCH")
    simulate(store, DEMO_TEAM, session="BENCH", seed=1)
    team = store.update_session("BENCH", revealed=True)
    _QUERIES["coach_dashboard.ipynb"] = f"key={team.coach_key}"
    store.close()
    try:
        yield server.url, server
    finally:
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank (0 for no values)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no RSS for {pid}")


def median(values: list[float]) -> float:
    return statistics.median(values)


@contextmanager
def team_server(*extra: str, warm: bool = True):
    """Yield (server, session code): `kit serve` with one open team session, as a coach runs it."""
    from kit.database import Store

    tmp = Path(tempfile.mkdtemp(prefix="kit-room-"))
    store = Store(tmp / "kit.sqlite3")
    code = store.create_session("Workshop", min_group=3).code
    store.close()
    server = start_server(tmp, *extra, store=tmp / "kit.sqlite3", warm=warm)
    try:
        yield server, code
    finally:
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


def wait_warm(server, seconds: float = 300) -> float:
    """Wait until every pool holds its target of warm kernels; return the seconds it took."""
    import time

    start = time.monotonic()
    while time.monotonic() - start < seconds:
        status = server.pools()
        targets = status.get("targets", {})
        if targets and all(status["warm"].get(p, 0) >= n for p, n in targets.items()):
            return time.monotonic() - start
        time.sleep(0.5)
    raise SystemExit(f"the pools never filled: {server.pools()}")
