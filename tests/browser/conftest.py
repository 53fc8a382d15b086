"""A real `kit serve` on a free port and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

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

    def page(self, name: str, query: str = "") -> str:
        return f"{self.url}/voila/render/{name}" + (f"?{query}" if query else "")

    def kernel_pids(self) -> list[int]:
        """Process ids of the page kernels this server started."""
        pids = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                stat = (proc / "stat").read_text()
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and b"ipykernel" in cmdline:
                pids.append(int(proc.name))
        return pids


def start_server(tmp: Path, *extra: str) -> Server:
    port = free_port()
    store = tmp / "kit.sqlite3"
    log = tmp / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "KIT_STORE"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kit",
            "serve",
            "--no-browser",
            "--port",
            str(port),
            "--store",
            str(store),
            *extra,
        ],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kit serve exited early:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url + "/voila/render/00_start_here.ipynb", timeout=30).read()
            return Server(url, store, process, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"kit serve did not answer within 60 s:\n{log.read_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("serve"))
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(or set KIT_CHROMIUM to its path); the browser tests need a real browser."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What a page did that a user would never want: foreign requests, dialogs, errors."""

    allowed_host: str
    foreign: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def console(self, message) -> None:
        # The kit's Content-Security-Policy blocks foreign loads before they are
        # requested; Chromium reports each on the console as "Refused to ...".
        if "Refused to" in message.text:
            self.refused.append(message.text)

    def request(self, request) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme in ("data", "blob", "about"):
            return
        if parsed.netloc != self.allowed_host:
            self.foreign.append(request.url)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    the_page = context.new_page()
    watch = Watch(urlparse(server.url).netloc)
    the_page.on("request", watch.request)
    the_page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
    the_page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
    the_page.on("console", watch.console)
    the_page.watch = watch
    yield the_page
    context.close()
    assert watch.foreign == [], f"requests left the server: {watch.foreign}"
    assert watch.dialogs == [], f"a script ran and opened a dialog: {watch.dialogs}"
    assert watch.refused == [], f"the page tried to load from elsewhere: {watch.refused}"
