"""The store's PostgreSQL server restarts in the middle of a session: nothing typed is lost.

Real parts only: a PostgreSQL server of its own (tests/postgres.py), `kit
serve` on it, and a browser answering workbook 1. The server is stopped
while the person goes on tapping, then started again.
"""

from __future__ import annotations

import os

import pytest

from kit.database import open_store
from kit.instruments.content import get_instrument
from tests.browser.conftest import watched_page
from tests.browser.test_hidden_leader_app import LOAD_TIMEOUT, WORKBOOK, choose, progress_says
from tests.postgres import start_cluster
from tests.serving import start_server, stop_server

pytestmark = pytest.mark.browser
HL = get_instrument("hidden_leader")


@pytest.fixture
def restartable(tmp_path):
    cluster = start_cluster()
    # The password reaches kit serve only in its --store URL, as a deployment's
    # KIT_STORE: not from PGPASSWORD.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KIT_STORE", "PGPASSWORD", "KIT_STORE_PASSWORD_FILE")
    }
    server = start_server(tmp_path, store=cluster.url(), env=env)
    yield cluster, server
    stop_server(server)
    cluster.remove()


def stored(url: str, code: str) -> list[tuple[str, str]]:
    store = open_store(url)
    person = store.participant_by_code(code)
    rows = [
        (r["item"], r["value"])
        for r in store.rows()
        if person and r["participant"] == person.public_id
    ]
    store.close()
    return sorted(rows)


@pytest.fixture
def page(browser, restartable):
    yield from watched_page(browser, restartable[1].url)


def test_answers_given_while_postgresql_restarts_are_all_kept_once(page, restartable):
    cluster, server = restartable
    page.goto(server.page(WORKBOOK))
    page.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    first, second = HL.traits[0].items, HL.traits[1].items
    for item in first:
        choose(page, item.text, HL.scale.label(4))
    progress_says(page, f"{len(first)} of 20 answered")
    code = page.locator("[data-testid=resume-code]").first.inner_text(timeout=20_000).strip()
    assert len(stored(cluster.url(), code)) == len(first)

    cluster.stop()
    page.get_by_role("button", name="Next").click()
    for item in second[:2]:
        choose(page, item.text, HL.scale.label(2))
    # A plain word of what is happening, beside the answers: no traceback.
    page.get_by_text("Reconnecting to the store").first.wait_for(timeout=20_000)
    assert "Traceback" not in page.content()

    cluster.start()
    # Saved by itself once the server is back: the person taps nothing again.
    page.get_by_text("Saved: the store answers again").first.wait_for(timeout=30_000)
    for item in second[2:]:
        choose(page, item.text, HL.scale.label(3))
    progress_says(page, f"{len(first) + len(second)} of 20 answered")

    expected = sorted(
        [(i.id, "4") for i in first]
        + [(i.id, "2") for i in second[:2]]
        + [(i.id, "3") for i in second[2:]]
    )
    assert stored(cluster.url(), code) == expected  # every answer, none lost
    assert "kit-test-pw" not in server.log.read_text()
