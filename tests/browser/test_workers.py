"""`kit serve --workers 3`: a coach and four people on three server processes behind HAProxy.

Real parts only: three kit servers, Debian's HAProxy in front of them on one
address, a SQLite store they share, and a browser context per person.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from kit.database import Store
from kit.serve_workers import find_haproxy
from tests.browser.test_hidden_leader_app import LOAD_TIMEOUT
from tests.browser.test_team_session import LIVE, answer_02, join, open_person
from tests.serving import start_server, stop_server

pytestmark = pytest.mark.browser
WORKERS = 3


def children(pid: int) -> list[tuple[int, bytes]]:
    """(pid, command line) of each process whose parent is ``pid``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (proc / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append((int(proc.name), cmdline))
    return found


def kernels_by_worker(server) -> dict[int, int]:
    """Each worker process's page kernels, by the worker's pid."""
    workers = [p for p, cmd in children(server.process.pid) if b"kit.serve_workers" in cmd]
    assert len(workers) == WORKERS, children(server.process.pid)
    return {w: sum(1 for _, cmd in children(w) if b"ipykernel" in cmd) for w in workers}


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    if find_haproxy() is None:
        pytest.fail(
            "HAProxy is not installed: `apt-get install -y haproxy` (scripts/test installs it); "
            "`kit serve --workers` puts its workers behind it."
        )
    tmp = tmp_path_factory.mktemp("workers")
    store = Store(tmp / "kit.sqlite3")
    session = store.create_session("Workshop", min_group=3)
    store.close()
    server = start_server(tmp, "--workers", str(WORKERS))
    yield server, session
    stop_server(server)


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


def test_stopping_kit_serve_stops_its_workers_and_haproxy(tmp_path):
    if find_haproxy() is None:
        pytest.fail("HAProxy is not installed: `apt-get install -y haproxy`")
    server = start_server(tmp_path, "--workers", "2")
    started = [pid for pid, _ in children(server.process.pid)]
    assert len(started) == 3  # two workers and HAProxy
    os.kill(server.process.pid, signal.SIGTERM)
    server.process.wait(timeout=30)
    deadline = time.monotonic() + 20
    while any(Path(f"/proc/{pid}").exists() for pid in started) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in started if Path(f"/proc/{pid}").exists()]
    assert left == [], "a worker or HAProxy outlived kit serve"
    stop_server(server)
