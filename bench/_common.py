"""Shared by the benchmarks: a real `kit serve` over the workbooks plus a baseline page."""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "baseline_one_button.ipynb"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
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


@contextmanager
def served():
    """Yield (base_url, server_pid) for `kit serve` over the workbooks and the baseline."""
    tmp = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    root = tmp / "workbooks"
    shutil.copytree(ROOT / "workbooks", root)
    (root / BASELINE).write_text(json.dumps(BASELINE_NOTEBOOK))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kit",
            "serve",
            "--no-browser",
            "--port",
            str(port),
            "--store",
            str(tmp / "bench.sqlite3"),
            "--workbooks",
            str(root),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/voila/", timeout=5)
                break
            except OSError:
                time.sleep(0.3)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def kernel_pids(server_pid: int) -> set[int]:
    """Page kernels the server started."""
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text()
                cmd = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == server_pid and b"ipykernel" in cmd:
                found.add(int(proc.name))
    return found


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no RSS for {pid}")


def median(values: list[float]) -> float:
    return statistics.median(values)
