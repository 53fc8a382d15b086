"""Warm kernels (Voilà's preheated pools, kit.pools): `kit serve` as it runs by default.

A warm kernel has run a page's first cells before anyone opened it, so these
tests check what a person would notice if it went wrong: someone else's
answers, a join link that forgets its session, a source cell or a traceback on
the page, a pool that never refills or never lets go.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from kit.database import open_store
from tests.browser.test_hidden_leader_app import LOAD_TIMEOUT, resume_code
from tests.browser.test_team_session import answer_02, clean, join, open_person
from tests.serving import Server, start_server, stop_server

pytestmark = pytest.mark.browser
START = "00_start_here.ipynb"
FA = "02_focus_and_attitude.ipynb"
TEAM_PAGES = ("01_hidden_leader_traits.ipynb", FA, "06_openness_pulse.ipynb")


@pytest.fixture(scope="module")
def warm_server(tmp_path_factory) -> Iterator[tuple[Server, str]]:
    # One server for both tests (the second closes the session), with a room
    # of one: a warm kernel per page, refilled after each use.
    tmp_path = tmp_path_factory.mktemp("warm")
    store = open_store(str(tmp_path / "kit.sqlite3"))
    code = store.create_session("Workshop", min_group=3).code
    store.close()
    running = start_server(tmp_path, "--room", "1", store=tmp_path / "kit.sqlite3", warm=True)
    yield running, code
    stop_server(running)


def wait_pools(server: Server, ok: Callable[[dict], bool], what: str, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        status = server.pools()
        if ok(status):
            return status
        if time.monotonic() > deadline:
            raise AssertionError(f"the pools never got to {what}: {status}")
        time.sleep(0.5)


def warm(status: dict, page: str) -> int:
    return status["warm"].get(page, 0)


def handed_over(server: Server) -> int:
    return server.log.read_text().count("Using pre-heated kernel")


def test_warm_pages_are_each_visitors_own(browser, warm_server):
    server, code = warm_server
    wait_pools(server, lambda s: warm(s, START) == 1 and warm(s, FA) == 1, "warm kernels")

    # The join link lands in its session, on a warm kernel, with the kit's page
    # settings: the CSP header, no source code, no traceback.
    first = open_person(browser, server)
    before = handed_over(server)
    response = first.goto(server.page(START, f"session={code}"))
    assert "default-src 'self'" in response.headers["content-security-policy"]
    first.locator(".kit-note", has_text="Team session: Workshop").wait_for(timeout=LOAD_TIMEOUT)
    assert handed_over(server) == before + 1
    html = first.content()
    assert "StartPage.open" not in html and "Traceback" not in html

    # Two people join; each then opens workbook 2 from a warm kernel, and
    # each page is theirs: the one who answered sees their answers, the other
    # an empty questionnaire, each under their own resume code.
    second = open_person(browser, server)
    one = join(first, server, code)
    wait_pools(server, lambda s: warm(s, START) == 1, "a warm start page again")
    two = join(second, server, code)
    assert one != two
    answer_02(first, server, one, high=True)
    wait_pools(server, lambda s: warm(s, FA) >= 1, "a warm kernel for workbook 2 again")
    before = handed_over(server)
    first.goto(server.page(FA, f"resume={one}"))
    first.locator(".kit-progress", has_text="8 of 8 answered").wait_for(timeout=LOAD_TIMEOUT)
    wait_pools(server, lambda s: warm(s, FA) >= 1, "a warm kernel for workbook 2 again")
    second.goto(server.page(FA, f"resume={two}"))
    second.locator(".kit-progress", has_text="0 of 8 answered").wait_for(timeout=LOAD_TIMEOUT)
    assert handed_over(server) == before + 2
    assert resume_code(first) == one and resume_code(second) == two
    for page in (first, second):
        clean(page)
        page.goto("about:blank")
        page.context.close()


def test_pools_refill_after_use_and_let_go_when_the_session_closes(browser, warm_server):
    server, code = warm_server
    status = wait_pools(
        server,
        lambda s: not s["open_pages"] and all(warm(s, p) == 1 for p in (START, *TEAM_PAGES)),
        "a warm kernel per page of the session",
    )
    assert status["targets"][START] == 1
    used = set(status["warm_pids"])

    # A person opens workbook 1: their page takes the warm kernel, and, once
    # no one else has arrived for a few seconds, a new one is ready for the next.
    person = open_person(browser, server)
    person.goto(server.page(TEAM_PAGES[0]), wait_until="commit")
    # The page's first bytes are here, so its warm kernel has been handed
    # over. While people arrive, no kernel starts: a start takes a second of
    # CPU that the arriving pages need (kit.server.PoolKeeper's quiet time).
    sent = time.monotonic()
    while time.monotonic() - sent < 1.5:
        status = server.pools()
        assert status["starting"] == 0 and warm(status, TEAM_PAGES[0]) == 0, status
        time.sleep(0.1)
    person.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    status = wait_pools(
        server,
        lambda s: s["open_pages"].get(TEAM_PAGES[0]) == 1 and warm(s, TEAM_PAGES[0]) == 1,
        "one page open and one warm kernel for workbook 1",
    )
    assert len(server.kernel_pids()) == len(status["warm_pids"]) + 1
    assert set(status["warm_pids"]) != used  # the page's kernel left the pool

    # The person leaves: their kernel goes, the warm one stays.
    person.close(run_before_unload=True)
    person.context.close()
    status = wait_pools(
        server,
        lambda s: not s["open_pages"] and warm(s, TEAM_PAGES[0]) == 1,
        "a warm kernel for workbook 1 once the page is gone",
    )

    # The coach closes the session: its pools go, and one warm start page stays.
    store = open_store(str(server.store))
    store.update_session(code, closed=True)
    store.close()
    status = wait_pools(
        server,
        lambda s: warm(s, START) == 1 and not any(warm(s, p) for p in TEAM_PAGES),
        "the closed session's pools released",
        seconds=30,
    )
    deadline = time.monotonic() + 20
    while len(server.kernel_pids()) != 1 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert server.kernel_pids() == status["warm_pids"]
