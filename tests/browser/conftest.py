"""A real `kit serve` on a free port and Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.serving import CHROMIUM, CHROMIUM_ARGS, Server, start_server, stop_server


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    # Playwright closes a context without its pages' close request (a person's
    # closed tab sends one), and plain GETs never connect, so these tests leave
    # kernels waiting for the culls: the caps are tested on servers of their
    # own (test_abuse), and this one is roomy.
    running = start_server(
        tmp_path_factory.mktemp("serve"),
        "--max-kernels",
        "150",
        "--max-kernels-per-client",
        "150",
    )
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


def watched_page(browser, url: str) -> Iterator:
    """A page in a fresh context, failing the test on any request that leaves ``url``'s host."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    the_page = context.new_page()
    watch = Watch(urlparse(url).netloc)
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


@pytest.fixture
def page(browser, server):
    yield from watched_page(browser, server.url)
