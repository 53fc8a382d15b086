"""A page that cannot start says so, with a way to try again, instead of spinning forever."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import nbformat
import pytest

from tests.serving import start_server, stop_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def troubled(tmp_path_factory):
    """A `kit serve` of three pages that go wrong: a cell that never ends, one that fails,
    and a kernel that cannot start."""
    root = tmp_path_factory.mktemp("troubled")
    for name, source, kernel in (
        ("slow", "import time\ntime.sleep(60)", "python3"),
        ("broken", "raise RuntimeError('not today')", "python3"),
        ("no_kernel", "print(1)", "broken"),
    ):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
        nbformat.write(nb, root / f"{name}.ipynb")
    spec = root / "share" / "kernels" / "broken"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": ["/nonexistent/python", "{connection_file}"],
                "display_name": "x",
                "language": "python",
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if k != "KIT_STORE"}
    env["JUPYTER_PATH"] = str(root / "share")
    running = start_server(root, "--workbooks", str(root), env=env)
    yield running
    stop_server(running)


def test_a_kernel_that_cannot_start_gets_a_plain_page_with_try_again(troubled):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(troubled.page("no_kernel.ipynb"), timeout=60)
    assert err.value.code == 503
    body = err.value.read().decode()
    assert "This page could not start" in body and "Try again" in body
    assert "Traceback" not in body and "nonexistent" not in body


def test_a_page_whose_cell_fails_says_so_with_try_again(browser, troubled):
    page = browser.new_page()
    page.goto(troubled.page("broken.ipynb"))
    note = page.locator(".kit-not-started")
    note.wait_for(timeout=60_000)
    assert "did not finish starting" in note.inner_text()
    assert page.get_by_role("button", name="Try again").is_visible()
    page.close()


def test_a_page_that_never_finishes_says_so_and_try_again_reloads(browser, troubled):
    page = browser.new_page()
    page.add_init_script("window.KIT_STARTING_SECONDS = 3")
    page.goto(troubled.page("slow.ipynb"), wait_until="commit")
    note = page.locator(".kit-not-started")
    note.wait_for(timeout=30_000)
    assert "has not finished starting" in note.inner_text()
    with page.expect_navigation(wait_until="commit"):
        page.get_by_role("button", name="Try again").click()
    page.close()
