"""A page that cannot start says so, with a way to try again, instead of spinning forever."""

from __future__ import annotations

import itertools
import json
import os
import re
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


# -- a page whose widgets came up as "model not found" -----------------------------


def _v1_parts(frame: bytes) -> list[bytes]:
    """The parts of a kernel websocket frame in Jupyter's v1 protocol (channel, header, ...)."""
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    return [frame[a:b] for a, b in itertools.pairwise(offsets)]


def _v1_frame(parts: list[bytes]) -> bytes:
    offsets = [8 * (len(parts) + 2)]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + b"".join(parts)


def _without_widget_states(message: str | bytes) -> tuple[str | bytes, bool]:
    """The kernel's answer to the page's request for every widget, with the widgets taken out.

    That is what the page sees when the widget manager misses its models:
    it has finished loading and every view draws "model not found".
    """
    if not isinstance(message, bytes):
        return message, False
    parts = _v1_parts(message)
    if len(parts) < 5 or parts[0] != b"iopub":
        return message, False
    header, content = json.loads(parts[1]), json.loads(parts[4])
    data = content.get("data", {})
    if header.get("msg_type") != "comm_msg" or data.get("method") != "update_states":
        return message, False
    data["states"], data["buffer_paths"] = {}, []
    parts[4] = json.dumps(content).encode()
    return _v1_frame(parts[:5]), True


def _drop_widget_states(page, connections: int) -> list[int]:
    """Route the page's kernel websockets; the first ``connections`` lose their widget states."""
    dropped: list[int] = []
    opened: list[int] = []

    def route(ws) -> None:
        opened.append(1)
        tamper = len(opened) <= connections
        server = ws.connect_to_server()

        def from_kernel(message) -> None:
            if tamper:
                message, changed = _without_widget_states(message)
                if changed:
                    dropped.append(len(opened))
            ws.send(message)

        server.on_message(from_kernel)

    page.route_web_socket(re.compile(r"/api/kernels/[^/]+/channels"), route)
    return dropped


def _open_losing_widget_states(browser, server, connections: int):
    """Workbook 1 in a new page whose first kernel connections lose their widget states.

    Returns the page, the connections that lost them, and the page's loads.
    """
    page = browser.new_page()
    dropped = _drop_widget_states(page, connections)
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    page.goto(server.page("01_hidden_leader_traits.ipynb"))
    return page, dropped, loads


def test_a_page_whose_widgets_lost_their_models_reloads_itself_whole(browser, server):
    """One page in twelve of a room came up with 'model not found' for every widget."""
    page, dropped, loads = _open_losing_widget_states(browser, server, connections=1)
    page.locator(".kit-item").first.wait_for(state="visible", timeout=90_000)
    assert dropped == [1], "the first connection's widgets were taken out"
    assert len(loads) == 2, f"the page reloaded once: {loads}"
    assert "model not found" not in page.locator("#rendered_cells").inner_text()
    assert page.locator(".kit-not-started").count() == 0
    page.close()


def test_a_page_whose_widgets_keep_failing_stops_reloading_and_says_so(browser, server):
    page, dropped, loads = _open_losing_widget_states(browser, server, connections=99)
    note = page.locator(".kit-not-started")
    note.wait_for(timeout=120_000)
    assert "did not finish starting" in note.inner_text()
    assert "Your answers so far are saved" in note.inner_text()
    page.wait_for_timeout(3000)  # no further reload once it has said so
    assert len(loads) == 3 and len(dropped) == 3, (loads, dropped)
    assert note.is_visible()
    page.close()
