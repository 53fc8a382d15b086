"""What one visitor might do on purpose to a real `kit serve`, and the server still serving.

Each test is bounded in time and count and talks to localhost only. The
server here runs with small caps (3 kernels per client, kernels culled after
4 s without a page) so the tests stay quick.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from websockets.sync.client import connect

from kit.database import open_store
from kit.paths import jupyter_share_dir
from kit.store.records import MAX_FILE_BYTES, MAX_UPLOAD_BYTES
from tests.serving import start_server, stop_server

pytestmark = pytest.mark.browser
PER_CLIENT = 3
CULL_SECONDS = 4


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(
        tmp_path_factory.mktemp("abuse"),
        "--max-kernels-per-client",
        str(PER_CLIENT),
        "--cull-unconnected",
        str(CULL_SECONDS),
        "--cull-idle",
        str(CULL_SECONDS),
    )
    yield running
    stop_server(running)


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def answers_within(url: str, seconds: float) -> bool:
    started = time.monotonic()
    urllib.request.urlopen(url, timeout=seconds).read()
    return time.monotonic() - started < seconds


def wait_for_no_kernels(server, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while server.kernel_pids() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert server.kernel_pids() == []


def kernel_socket(server, page: str, v1: bool):
    html = urllib.request.urlopen(server.page(page), timeout=60).read().decode()
    config = re.search(
        r'id="jupyter-config-data" type="application/json">\s*(.*?)\s*</script>', html, re.S
    )
    kernel = json.loads(config.group(1))["kernelId"]
    url = server.url.replace("http", "ws") + f"/api/kernels/{kernel}/channels?session_id=x"
    protocols = ["v1.kernel.websocket.jupyter.org"] if v1 else None
    return connect(url, subprotocols=protocols, max_size=None, open_timeout=10)


def message(kind: str, content: dict, metadata: dict | None = None) -> str:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": kind,
        "username": "",
        "session": "x",
        "date": "2026-01-01T00:00:00Z",
        "version": "5.3",
    }
    return json.dumps(
        {
            "header": header,
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "buffers": [],
            "channel": "shell",
        }
    )


def test_an_eight_byte_frame_of_ff_closes_that_socket_and_nothing_else(server):
    before = rss_mb(server.process.pid)
    with kernel_socket(server, "06_openness_pulse.ipynb", v1=True) as ws:
        ws.send(b"\xff" * 8)  # "18446744073709551615 parts follow"
        with pytest.raises(Exception, match="1003"):
            for _ in range(50):
                ws.recv(timeout=5)
    assert answers_within(server.url + "/", 1.0)
    assert rss_mb(server.process.pid) - before < 50
    wait_for_no_kernels(server)


def test_an_old_protocol_socket_asking_for_widget_states_gets_them(server):
    # Voilà read every frame it sends as v1: on this older protocol the first
    # eight bytes of a frame with buffers made a count of some 8.6e17.
    before = rss_mb(server.process.pid)
    binary = []
    with kernel_socket(server, "03_customer_map.ipynb", v1=False) as ws:
        comm = uuid.uuid4().hex
        control = {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}}
        ws.send(message("comm_open", control, {"version": "1.0.0"}))
        time.sleep(0.5)
        ws.send(message("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}))
        deadline = time.monotonic() + 10
        while not binary and time.monotonic() < deadline:
            try:
                frame = ws.recv(timeout=1)
            except TimeoutError:
                continue
            if isinstance(frame, bytes):
                binary.append(frame)
    assert binary, "the page's widget states never came"
    assert int.from_bytes(binary[0][:8], "little") > 10**15  # what Voilà used to trust
    assert answers_within(server.url + "/", 1.0)
    assert rss_mb(server.process.pid) - before < 50
    wait_for_no_kernels(server)


def test_a_hundred_plain_gets_are_capped_shown_the_full_page_and_culled(server):
    def get(_):
        try:
            with urllib.request.urlopen(server.page("06_openness_pulse.ipynb"), timeout=60) as r:
                return r.status, ""
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    most = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(get, n) for n in range(100)]
        while not all(f.done() for f in futures):
            most = max(most, len(server.kernel_pids()))
            time.sleep(0.05)
    results = [f.result() for f in futures]
    full = [body for status, body in results if status == 503]
    assert len(full) >= 100 - 3 * PER_CLIENT
    assert "The room is full" in full[0] and "Try again" in full[0]
    assert most <= PER_CLIENT
    wait_for_no_kernels(server, CULL_SECONDS + 30)  # no page ever connected: culled
    assert answers_within(server.url + "/", 1.0)


def test_unknown_paths_are_404_not_500(server):
    for path in (
        "/logout",
        "/login",
        "/voila/templates/lab/static/../../../../etc/passwd",
        "/voila/templates/nothing",
        "/no/such/page",
    ):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server.url + path, timeout=10)
        assert err.value.code == 404, path


def test_two_hundred_wrong_codes_from_one_device_are_rate_limited(server, browser):
    page = browser.new_page()
    page.goto(server.page("00_start_here.ipynb"))
    box = page.get_by_placeholder("e.g. K7QM-3XTA-9PWD-H4RN")
    box.wait_for(timeout=90_000)
    started = time.monotonic()
    for n in range(200):
        box.fill(f"WRNG-{n + 2000:04d}-CCCC-DDDD")
        box.press("Enter")
    page.locator(".kit-error", has_text="Too many wrong codes").wait_for(timeout=20_000)
    assert time.monotonic() - started < 120
    page.close()
    store = open_store(str(server.store))
    tried = store._db.execute(
        "SELECT count(*) FROM attempts WHERE kind = 'wrong code' AND client = '127.0.0.1'"
    ).fetchone()[0]
    assert tried == 10  # the other 190 were never looked up


def test_the_page_script_checks_the_same_sizes_as_the_kernel():
    script = (jupyter_share_dir() / "voila/templates/kit/kit.js").read_text()
    sizes = {name: eval(value) for name, value in re.findall(r"var (MAX_\w+) = ([\d *]+);", script)}
    assert sizes == {"MAX_FILE": MAX_FILE_BYTES, "MAX_TOTAL": MAX_UPLOAD_BYTES}


def test_a_device_at_its_cap_gets_room_from_pages_it_left_without_saying(tmp_path):
    # A crashed tab or a phone that dropped the page never sends its close
    # request; its kernel waits for the idle cull. The same device opening
    # another page gets that room back, not "the room is full".
    running = start_server(tmp_path, "--max-kernels-per-client", "2", "--abandoned-after", "2")
    try:
        for _ in range(2):
            with kernel_socket(running, "06_openness_pulse.ipynb", v1=True) as ws:
                ws.recv(timeout=10)
        assert len(running.kernel_pids()) == 2
        time.sleep(2.5)
        with urllib.request.urlopen(running.page("06_openness_pulse.ipynb"), timeout=60) as r:
            assert r.status == 200
        assert len(running.kernel_pids()) == 2
        assert "makes room: its page is gone" in running.log.read_text()
    finally:
        stop_server(running)


def test_behind_a_trusted_proxy_each_visitor_is_counted_by_their_own_address(tmp_path):
    running = start_server(tmp_path, "--trust-proxy", "--max-kernels-per-client", "1")

    def get(address: str) -> int:
        request = urllib.request.Request(
            running.page("06_openness_pulse.ipynb"), headers={"X-Forwarded-For": address}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return r.status
        except urllib.error.HTTPError as err:
            return err.code

    try:
        assert [get("203.0.113.5"), get("203.0.113.6"), get("203.0.113.5")] == [200, 200, 503]
    finally:
        stop_server(running)
