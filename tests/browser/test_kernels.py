"""A page left goes with its kernel; kernels of pages closed unseen are culled; open pages' never are."""

from __future__ import annotations

import time

import pytest

from tests.browser.test_hidden_leader_app import (
    HL,
    WORKBOOK,
    choose,
    open_workbook,
    resume_code,
    stored_answers,
    wait_for,
)
from tests.serving import start_server, stop_server

pytestmark = pytest.mark.browser
IDLE = 3  # seconds; the real default is 10 minutes


@pytest.fixture
def usual_server(tmp_path):
    running = start_server(tmp_path)  # the usual 10-minute cull: only a page's leaving frees it
    yield running
    stop_server(running)


@pytest.fixture
def quick_culling_server(tmp_path):
    running = start_server(tmp_path, "--cull-idle", str(IDLE))
    yield running
    stop_server(running)


def open_the_only_page(browser, server):
    """Open workbook 01 in a new context; return the context, the page and its one kernel."""
    context = browser.new_context()
    page = context.new_page()
    open_workbook(page, server.page(WORKBOOK))
    kernels = wait_for(server.kernel_pids)
    assert len(kernels) == 1
    return context, page, kernels


def test_open_page_survives_a_long_think_and_closed_page_is_culled(browser, quick_culling_server):
    server = quick_culling_server
    context, page, kernels = open_the_only_page(browser, server)

    time.sleep(IDLE * 4)  # the reader thinks for four idle timeouts
    assert server.kernel_pids() == kernels
    choose(page, HL.items[0].text, "Most of the time")
    code = resume_code(page)
    wait_for(lambda: stored_answers(server.store, code) == {HL.items[0].id: "4"})

    context.close()
    wait_for(lambda: server.kernel_pids() == [], timeout=IDLE * 10)


def test_leaving_a_page_shuts_its_kernel_down_at_once(browser, usual_server):
    # A room of people moving between workbooks would otherwise leave a kernel
    # (some 55 MiB) behind at every page for ten minutes.
    server = usual_server
    context, page, first = open_the_only_page(browser, server)

    page.goto(server.page("00_start_here.ipynb"))  # as a person following a link
    page.wait_for_selector(".jupyter-widgets", state="visible")
    wait_for(lambda: len(server.kernel_pids()) == 1 and server.kernel_pids() != first, timeout=10)

    page.close(run_before_unload=True)  # as a person closing the tab
    wait_for(lambda: server.kernel_pids() == [], timeout=10)
    context.close()
