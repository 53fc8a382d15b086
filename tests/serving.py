"""Start a real `kit serve` for tests, benchmarks and screenshots, and find its kernels."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = os.environ.get("KIT_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium phones home at start-up; this machine has no internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """Return a TCP port free on the loopback address."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running `kit serve`."""

    url: str
    store: Path
    process: subprocess.Popen
    log: Path
    warm: bool = False  # keeps warm kernels (kit.pools)

    def page(self, name: str, query: str = "") -> str:
        return f"{self.url}/voila/render/{name}" + (f"?{query}" if query else "")

    def pools(self) -> dict:
        """The server's warm kernels: targets, warm counts and pids, pages in use (/kit/pools)."""
        import json

        with urllib.request.urlopen(self.url + "/kit/pools", timeout=10) as answer:
            return json.loads(answer.read())

    def kernel_pids(self) -> list[int]:
        """Process ids of the page kernels this server started."""
        return [pid for pid, cmd in children(self.process.pid) if b"ipykernel" in cmd]


def processes() -> Iterator[tuple[int, int, bytes]]:
    """(pid, parent pid, command line) of every process this machine runs now."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (proc / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue  # gone while read
        yield int(proc.name), parent, cmdline


def children(pid: int) -> list[tuple[int, bytes]]:
    """(pid, command line) of each process whose parent is ``pid``."""
    return [(child, cmd) for child, parent, cmd in processes() if parent == pid]


def start_server(
    tmp: Path,
    *extra: str,
    env: dict[str, str] | None = None,
    store: Path | None = None,
    warm: bool = False,
) -> Server:
    """Start `kit serve` on a free port, log in ``tmp``, and wait until it answers.

    Parameters
    ----------
    tmp : Path
        Working folder for the server, its log and (by default) its store.
    *extra : str
        More `kit serve` arguments.
    env : dict, optional
        The server's environment (for an installed wheel, say); by default
        this one without ``KIT_STORE``.
    store : Path, optional
        The store; ``tmp/kit.sqlite3`` by default.
    warm : bool
        Keep warm kernels, as `kit serve` does by default. Off unless asked:
        tests that count a page's kernels would count the pools' too, and
        tests/browser/test_warm_kernels.py tests the pools on a server of its own.
    """
    port = free_port()
    store = store or tmp / "kit.sqlite3"
    log = tmp / "serve.log"
    if env is None:
        env = {k: v for k, v in os.environ.items() if k != "KIT_STORE"}
    command = [sys.executable, "-m", "kit", "serve", "--no-browser", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--store", str(store), *(() if warm else ("--no-warm-kernels",)), *extra],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp,
    )
    url = f"http://127.0.0.1:{port}"
    # The file tree, not a notebook: opening a notebook would start a kernel.
    wait_until_up(url + "/", process, log, "kit serve", 60)
    return Server(url, store, process, log, warm)


def wait_until_up(
    url: str, process: subprocess.Popen, log: Path, what: str, seconds: float
) -> None:
    """Wait until ``url`` answers; raise with the server's log if it exits or never does."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=30).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"{what} did not answer within {seconds:.0f} s:\n{log.read_text()}"
                ) from None
            time.sleep(0.3)


def stop_process(process: subprocess.Popen, seconds: float = 15) -> None:
    """Stop a server (Ctrl+C's polite cousin), killing it if it hangs."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()


def stop_server(server: Server) -> None:
    """Stop a `kit serve`."""
    stop_process(server.process)
