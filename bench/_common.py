"""Shared by the benchmarks: a real `kit serve` over the workbooks plus a baseline page."""

from __future__ import annotations

import json
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


@contextmanager
def served():
    """Yield (base_url, server) for `kit serve` over the workbooks and the baseline."""
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
    )
    store = Store(server.store)
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


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no RSS for {pid}")


def median(values: list[float]) -> float:
    return statistics.median(values)
