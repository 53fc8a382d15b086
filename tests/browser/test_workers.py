"""`kit serve --workers 3`: a coach and four people on three server processes behind HAProxy.

Real parts only: three kit servers, Debian's HAProxy in front of them on one
address, the store they share (a SQLite file, then a PostgreSQL database),
and a browser context per person.
"""

from __future__ import annotations

import os
import signal
import time
import urllib.request
from pathlib import Path

import pytest

from kit.database import open_store
from kit.serve_workers import find_haproxy
from tests.browser.test_circle_programme import circle_programme, ok
from tests.browser.test_hidden_leader_app import LOAD_TIMEOUT
from tests.browser.test_team_session import LIVE, PHONE, answer_02, join, open_person
from tests.conftest import fresh_postgres_url
from tests.serving import children, start_server, stop_server

pytestmark = pytest.mark.browser
WORKERS = 3


def kernels_by_worker(server) -> dict[int, int]:
    """Each worker process's page kernels, by the worker's pid."""
    workers = [p for p, cmd in children(server.process.pid) if b"kit.serve_workers" in cmd]
    assert len(workers) == WORKERS, children(server.process.pid)
    return {w: sum(1 for _, cmd in children(w) if b"ipykernel" in cmd) for w in workers}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def workers(request, tmp_path_factory):
    if find_haproxy() is None:
        pytest.fail(
            "HAProxy is not installed: `apt-get install -y haproxy` (scripts/test installs it); "
            "`kit serve --workers` puts its workers behind it."
        )
    tmp = tmp_path_factory.mktemp("workers")
    env = {k: v for k, v in os.environ.items() if k != "KIT_STORE"}
    if request.param == "sqlite":
        location = str(tmp / "kit.sqlite3")
    else:
        location = fresh_postgres_url(request.getfixturevalue("postgres"))
        for name in ("PGPASSWORD", "KIT_STORE_PASSWORD_FILE"):
            env.pop(name, None)  # the password comes in --store's URL alone
    store = open_store(location)
    session = store.create_session("Workshop", min_group=3)
    store.close()
    server = start_server(tmp, "--workers", str(WORKERS), store=location, env=env)
    yield server, session
    stop_server(server)
    assert "kit-test-pw" not in server.log.read_text()


def worker_of(page) -> str:
    [cookie] = [c for c in page.context.cookies() if c["name"] == "KIT_WORKER"]
    return cookie["value"]


def test_a_room_spread_over_three_processes_is_one_session(browser, workers):
    server, session = workers
    coach = open_person(browser, server, viewport={"width": 1200, "height": 900})
    coach.goto(server.page("coach_dashboard.ipynb", f"key={session.coach_key}"))
    picture = coach.get_by_test_id("team-picture")
    picture.get_by_text("no answers yet").first.wait_for(timeout=LOAD_TIMEOUT)

    people = [open_person(browser, server) for _ in range(4)]
    codes = [join(person, server, session.code) for person in people]
    places = {worker_of(p) for p in (coach, *people)}
    assert places == {f"w{n}" for n in range(1, WORKERS + 1)}, places
    # The pages' kernels really run in three processes, not behind one.
    assert all(n >= 1 for n in kernels_by_worker(server).values()), kernels_by_worker(server)

    # Joined from one address (this machine, as a venue's router): the coach
    # counts the later ones in, on whichever process the dashboard runs.
    waiting = coach.get_by_test_id("upload-batch").filter(has_text="3 people, joined from")
    waiting.wait_for(timeout=LIVE)
    coach.get_by_role("button", name="Count them").click()
    coach.get_by_text("The 3 people now count").wait_for(timeout=20_000)

    for person, code, high in zip(people[:3], codes[:3], (True, True, False), strict=True):
        answer_02(person, server, code, high=high)
    elsewhere = [p for p in people[:3] if worker_of(p) != worker_of(coach)]
    assert elsewhere, "some of the answers come from another process than the dashboard's"
    # The dashboard follows the store: the answers given on the other
    # processes show without a reload.
    creators = picture.locator(".kit-block-cell", has_text="Customer Value Creator")
    creators.locator(".kit-block-count", has_text="2").wait_for(timeout=LIVE)
    for page in (coach, *people):
        page.context.close()


def test_a_vote_from_a_phone_on_another_process_shows_on_the_facilitators_page(browser, workers):
    server, _ = workers
    owner, phone_codes = circle_programme(server.store)
    coach = open_person(browser, server, viewport={"width": 1280, "height": 900})
    coach.goto(server.page("05_circle_session.ipynb", f"resume={owner}"))
    coach.get_by_role("button", name="Start session 2").click(timeout=LOAD_TIMEOUT)
    ok(coach, "Session 2 has started")
    phones = [open_person(browser, server, **PHONE) for _ in phone_codes]
    for phone, code in zip(phones, phone_codes, strict=True):
        phone.goto(server.page("05_circle_session.ipynb", f"resume={code}"))
        phone.get_by_placeholder("An idea the team could carry out").wait_for(timeout=LOAD_TIMEOUT)
    away = [p for p in phones if worker_of(p) != worker_of(coach)]
    assert len(away) >= 2, [worker_of(p) for p in (coach, *phones)]
    first, second = away[:2]
    first.get_by_placeholder("An idea the team could carry out").fill("Text the arrival time")
    first.get_by_role("button", name="Add idea").tap()
    ok(first, "Idea added.")
    # The idea reaches the phone on the third process, which votes for it.
    row = second.locator(".kit-vote-row", has_text="Text the arrival time")
    row.get_by_role("button", name="+1 vote").tap(timeout=LIVE)
    ok(second, "Vote counted: 2 votes left for you.")
    coach.locator(".kit-hidden-votes", has_text="1 vote cast so far").wait_for(timeout=LIVE)
    for page in (coach, *phones):
        page.context.close()


def test_a_visitor_cannot_claim_another_address_through_the_proxy(workers):
    """tornado takes X-Real-Ip over X-Forwarded-For: HAProxy drops what a visitor sends there."""
    server, _ = workers
    # /kit/pools answers this machine only: a claimed outside address that
    # reached a worker would get a 404.
    request = urllib.request.Request(server.url + "/kit/pools", headers={"X-Real-Ip": "10.1.2.3"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 200


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_stopping_kit_serve_stops_its_workers_and_haproxy(tmp_path, how):
    """SIGTERM (a service manager's stop) stops them in order; SIGKILL leaves them to the kernel."""
    if find_haproxy() is None:
        pytest.fail("HAProxy is not installed: `apt-get install -y haproxy`")
    server = start_server(tmp_path, "--workers", "2")
    started = [pid for pid, _ in children(server.process.pid)]
    assert len(started) == 3  # two workers and HAProxy
    os.kill(server.process.pid, how)
    server.process.wait(timeout=30)
    deadline = time.monotonic() + 20
    while any(Path(f"/proc/{pid}").exists() for pid in started) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in started if Path(f"/proc/{pid}").exists()]
    assert left == [], "a worker or HAProxy outlived kit serve"
    stop_server(server)
