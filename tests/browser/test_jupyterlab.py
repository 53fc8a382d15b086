"""A Jupyter user's habits: workbook 01 run in JupyterLab, then their own plot beside it."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.test_hidden_leader_app import (
    HL,
    LOAD_TIMEOUT,
    choose,
    tap_every_statement,
    wait_for,
)
from tests.conftest import ROOT
from tests.serving import free_port, stop_process, wait_until_up

pytestmark = pytest.mark.browser
TOKEN = "lab-test"


@dataclass
class Lab:
    url: str
    store: Path
    process: subprocess.Popen
    root: Path

    def open(self, name: str) -> str:
        # ?reset: a fresh workspace, so the tab of an earlier test's notebook does
        # not come back behind this one (its toolbar would match the locators too).
        return f"{self.url}/lab/tree/{name}?reset&token={TOKEN}"


def wait_until_idle(page) -> None:
    """Wait until the open notebook's kernel says Idle.

    Only the shown notebook's indicator counts: a notebook left open in another
    tab has one too, hidden.
    """
    page.locator(
        ".jp-Notebook-ExecutionIndicator[data-status='idle'] >> visible=true"
    ).first.wait_for(timeout=LOAD_TIMEOUT)


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "notebooks"
    shutil.copytree(ROOT / "workbooks", root)
    store = tmp / "kit.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIT_", "VOILA_"))}
    env.update(KIT_STORE=str(store), HOME=str(tmp))  # a user's own machine, fresh settings
    port = free_port()
    log = tmp / "lab.log"
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}"]
    command += [f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}"]
    command += [
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    process = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/api/status?token={TOKEN}", process, log, "jupyter lab", 90)
    yield Lab(url, store, process, root)
    stop_process(process, 20)


def stored(store: Path) -> dict[str, str]:
    if not store.exists():
        return {}
    with sqlite3.connect(store) as db:
        return dict(db.execute("SELECT item, value FROM answers").fetchall())


def _accept_dialog(page) -> None:
    """Answer a dialog Lab opens on its own as a person would, with its default button.

    Lab's Select Kernel dialog can show seconds after the notebook, on a busy
    machine; what it said is printed, so a failed run's output names it.
    """
    # Lab can stack a second dialog behind the first: answer each in turn.
    for _ in range(5):
        dialog = page.locator(".jp-Dialog >> visible=true")
        if not dialog.count():
            return
        before = page.locator(".jp-Dialog").count()
        print("Lab's dialog:", dialog.first.inner_text().replace("\n", " | "))
        accept = dialog.first.locator(".jp-mod-accept")
        if accept.count():
            accept.first.click()
        else:
            page.keyboard.press("Escape")
        with contextlib.suppress(PlaywrightTimeoutError):  # still there: try again
            page.wait_for_function(
                "n => document.querySelectorAll('.jp-Dialog').length < n",
                arg=before,
                timeout=10_000,
            )


def run_all_cells(page, shown: str = ".kit-questionnaire") -> None:
    """Run All Cells from Lab's menu, until the questionnaire shows.

    A click on the menu while Lab is still settling can be lost (the kernel
    is idle and no cell runs, as the server's log shows); running the cells
    again is what a person would do, and it is harmless: the page reopens.
    """
    for _ in range(4):
        _accept_dialog(page)
        try:
            # Short waits: a dialog Lab opens late covers the menu, and is answered
            # on the next round.
            page.get_by_role("menuitem", name="Run", exact=True).click(timeout=5_000)
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click(timeout=5_000)
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")  # close a half-open menu
            continue
        try:
            page.locator(shown).first.wait_for(state="visible", timeout=40_000)
            return
        except PlaywrightTimeoutError:
            continue
    page.locator(shown).first.wait_for(state="visible", timeout=LOAD_TIMEOUT)


def test_workbook_01_runs_in_lab_saves_an_answer_and_leaves_the_users_plots_alone(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(lab.open("01_hidden_leader_traits.ipynb"))
    page.locator(".jp-Notebook").wait_for(timeout=LOAD_TIMEOUT)
    # The kernel is ready when the status says Idle.
    wait_until_idle(page)
    run_all_cells(page)
    first = HL.traits[0].items[0]
    choose(page, first.text, HL.scale.label(4))
    wait_for(lambda: stored(lab.store).get(first.id) == "4", timeout=30)
    tap_every_statement(page, lambda trait_index: [2, 5, 4, 1, 3][trait_index])
    # Lab sends widget messages to a kernel subshell, on a thread of its own:
    # every answer after the first page used to fail to save there.
    wait_for(lambda: len(stored(lab.store)) == len(HL.items), timeout=30)
    assert page.locator(".kit-error:visible").count() == 0
    page.get_by_role("button", name="See my results").click()
    # The kit's own chart is drawn: it used to switch the user's plots off.
    page.locator(".kit-cards").wait_for(timeout=30_000)
    # Lab drops a link's ?resume=: the banner says how to resume here instead.
    note = page.locator(".kit-lab-resume").first
    note.wait_for(timeout=30_000)
    assert 'resume = "' in note.inner_text()

    # The user's own cell, below the workbook's: their plot still shows.
    page.locator(".jp-Cell").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.type("import matplotlib.pyplot as plt\nplt.plot([1, 3, 2]); plt.show()")
    page.keyboard.press("Shift+Enter")
    plot = page.locator(".jp-Cell").nth(-2).locator(".jp-OutputArea-output img")
    plot.wait_for(timeout=60_000)
    assert plot.get_attribute("src").startswith("data:image/png")
    context.close()


def test_workbook_07_runs_in_lab_and_saves_what_is_typed(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(lab.open("07_value_chain.ipynb"))
    page.locator(".jp-Notebook").wait_for(timeout=LOAD_TIMEOUT)
    wait_until_idle(page)
    run_all_cells(page, "input[placeholder='How many in all']")
    box = page.get_by_placeholder("How many in all")
    box.fill("7")
    box.press("Enter")

    def seniors() -> int | None:
        if not lab.store.exists():
            return None
        with sqlite3.connect(lab.store) as db:
            row = db.execute("SELECT body FROM value_chain_checks").fetchone()
        return json.loads(row[0])["leaders"]["seniors"] if row else None

    wait_for(lambda: seniors() == 7, timeout=30)
    # A second box saves too: Lab runs widget callbacks on a thread of their own.
    promise = page.get_by_placeholder(
        "What the organisation promises that customer, in one sentence"
    )
    promise.fill("Lifts that run")
    promise.blur()
    page.locator(".kit-chain-picture").first.wait_for(timeout=30_000)
    assert page.locator(".kit-error:visible").count() == 0
    context.close()
