"""The trainer's Binder link, simulated: what repo2docker builds, served as Binder serves it.

repo2docker reads ``binder/`` alone: a Python from ``runtime.txt``, then
``pip install -r requirements.txt`` from the repository, then ``postBuild``;
Binder then starts ``binder/start jupyter server`` (Voilà as a server
extension) in an empty home. This does the same on this machine, in a fresh
virtual environment on the Python that ``runtime.txt`` names, and opens every
workbook in Chromium at ``/voila/render/workbooks/<file>``.

It takes a minute or two (the install), once for the module.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.browser.conftest import watched_page
from tests.browser.test_focus_and_map import dropdown
from tests.browser.test_hidden_leader_app import HL, LOAD_TIMEOUT, choose, wait_for
from tests.conftest import ROOT
from tests.serving import free_port, stop_process, wait_until_up

pytestmark = pytest.mark.browser
TOKEN = "binder-simulation"
WORKBOOKS = sorted(p.name for p in (ROOT / "workbooks").glob("*.ipynb"))


def runtime_python() -> str:
    """The interpreter ``binder/runtime.txt`` asks for, found on this machine."""
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime.startswith("python-"), runtime
    version = runtime.removeprefix("python-")
    candidates = [shutil.which(f"python{version}")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(pyenv.glob(f"{version}*/bin/python{version}"), reverse=True)
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return str(candidate)
    pytest.fail(
        f"binder/runtime.txt asks for Python {version}, which is not on this machine: "
        f"install it (e.g. `pyenv install {version}`) to simulate Binder"
    )


@dataclass
class Binder:
    url: str
    home: Path
    process: subprocess.Popen
    log: Path

    def page(self, name: str, query: str = "") -> str:
        return f"{self.url}/voila/render/workbooks/{name}?token={TOKEN}" + (
            f"&{query}" if query else ""
        )

    def kernels(self) -> list[str]:
        with urllib.request.urlopen(f"{self.url}/api/kernels?token={TOKEN}", timeout=30) as r:
            return [k["id"] for k in json.load(r)]


def _run(command: list[str], **kwargs) -> None:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"


@dataclass
class Built:
    """The image repo2docker would build: the repository copy, its home and environment."""

    repo: Path
    env: dict[str, str]
    tmp: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    tmp = tmp_path_factory.mktemp("binder")
    repo = tmp / "repo"  # what repo2docker copies: the repository, no virtual env
    shutil.copytree(
        ROOT,
        repo,
        ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".*cache"),
    )
    venv = tmp / "venv"
    _run([runtime_python(), "-m", "venv", str(venv)])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIT_", "JUPYTER", "VIRTUAL"))}
    env.pop("PYTHONPATH", None)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    home = tmp / "home"
    home.mkdir()
    env["HOME"] = str(home)  # Binder's home is empty but for what postBuild writes
    _run(["pip", "install", "-q", "-r", "binder/requirements.txt"], cwd=repo, env=env)
    _run(["bash", "binder/postBuild"], cwd=repo, env=env)
    return Built(repo, env, tmp)


def start_binder(built: Built, **extra_env: str) -> Binder:
    port = free_port()
    log = built.tmp / f"jupyter-{port}.log"
    command = ["bash", "binder/start", "jupyter", "server", "--no-browser", f"--port={port}"]
    command += [f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={built.repo}"]
    if os.geteuid() == 0:  # Binder runs as a user; this machine may not
        command.append("--allow-root")
    process = subprocess.Popen(
        command,
        cwd=built.repo,
        env={**built.env, **extra_env},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/api/status?token={TOKEN}", process, log, "jupyter server", 90)
    return Binder(url, Path(built.env["HOME"]), process, log)


def stop_binder(binder: Binder) -> None:
    stop_process(binder.process, 20)


@pytest.fixture(scope="module")
def binder(built) -> Iterator[Binder]:
    running = start_binder(built)
    yield running
    stop_binder(running)


@pytest.fixture
def binder_page(browser, binder):
    yield from watched_page(browser, binder.url)


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_workbook_opens_on_binder_with_nothing_from_elsewhere(binder_page, binder, name):
    response = binder_page.goto(binder.page(name))
    assert response is not None and response.ok
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp, csp
    # The kit's template (its page script), not stock Voilà's.
    binder_page.wait_for_selector("#rendered_cells .jupyter-widgets", timeout=LOAD_TIMEOUT)
    binder_page.locator("#rendered_cells .widget-html:visible").first.wait_for(timeout=LOAD_TIMEOUT)
    scripts = binder_page.locator("script").all_text_contents()
    assert any("kit/last-words" in script for script in scripts)  # the kit's page script
    text = binder_page.locator("#rendered_cells").inner_text()
    assert "Traceback" not in text and "There was an error" not in text
    if name != "coach_dashboard.ipynb":
        assert "Nothing is kept" in text, text[:400]


def test_workbook_01_saves_and_downloads_on_binder(binder_page, binder):
    page = binder_page
    page.goto(binder.page("01_hidden_leader_traits.ipynb"))
    page.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    first = HL.traits[0].items[0]
    choose(page, first.text, HL.scale.label(4))
    page.get_by_role("button", name="Download my answers").click()
    link = page.locator("a.kit-download", has_text="Save my answers (JSON)")
    link.wait_for(timeout=60_000)
    with page.expect_download() as caught:
        link.click()
    document = json.loads(Path(caught.value.path()).read_text())
    assert [r["value"] for r in document["rows"] if r["item"] == first.id] == ["4"]
    page.get_by_role("button", name="Download report").click()
    report_link = page.get_by_text("Save the report (HTML)")
    report_link.wait_for(timeout=120_000)
    with page.expect_download() as caught:
        report_link.click()
    report = Path(caught.value.path()).read_text(encoding="utf-8")
    assert "Hidden-leader traits" in report and '<script src="http' not in report


def test_workbook_04_gives_its_calendar_file_on_binder(binder_page, binder):
    # Binder once lacked icalendar: the files said "Preparing…" for ever.
    page = binder_page
    page.goto(binder.page("04_circle_planner.ipynb"))
    page.wait_for_selector(".kit-cadence", state="visible", timeout=LOAD_TIMEOUT)
    page.get_by_placeholder("Name").fill("Ana")
    dropdown(page, "Role").select_option("front line")
    page.get_by_role("button", name="Add member").click()
    page.locator(".kit-ok", has_text="Added Ana.").wait_for(timeout=30_000)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_text("Calendar file (.ics)").click(timeout=60_000)
    cal = Calendar.from_ical(Path(download.value.path()).read_bytes())
    assert len(cal.walk("VEVENT")) == 1


def test_a_closed_page_on_binder_gives_its_kernel_back_within_seconds(browser, binder):
    context = browser.new_context()
    page = context.new_page()
    before = set(binder.kernels())
    page.goto(binder.page("02_focus_and_attitude.ipynb"))
    page.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    mine = set(binder.kernels()) - before
    assert len(mine) == 1
    page.close(run_before_unload=True)  # as a person closes the tab: the close request goes
    wait_for(lambda: not (mine & set(binder.kernels())), timeout=15)
    context.close()


def test_binder_culls_the_kernel_of_a_page_nobody_has_open(built):
    # A page whose close request never came (a crashed tab, a script's GET)
    # is culled as under kit serve; here the idle time is cut to seconds.
    binder = start_binder(built, KIT_CULL_IDLE_SECONDS="3")
    try:
        assert "the kit's page settings are on" in binder.log.read_text()
        urllib.request.urlopen(binder.page("00_start_here.ipynb"), timeout=90).read()
        (kernel,) = binder.kernels()  # started, and no websocket ever connects to it
        wait_for(lambda: kernel not in binder.kernels(), timeout=30)
    finally:
        stop_binder(binder)
