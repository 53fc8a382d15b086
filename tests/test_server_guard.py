"""The server's guards without a server: frame checks and the kernel bookkeeping."""

from __future__ import annotations

import struct

from jupyter_server.services.kernels.connection.base import (
    serialize_binary_message,
    serialize_msg_to_ws_v1,
)

from kit.server import MAX_FRAME_PARTS, KernelGuard, frame_problem, outgoing_header


def v1(parts: list[bytes]) -> bytes:
    return serialize_msg_to_ws_v1(parts, "shell")


def test_well_formed_frames_pass_in_both_protocols():
    assert frame_problem(v1([b"{}", b"{}", b"{}", b"{}", b"buffer"]), v1=True) is None
    legacy = serialize_binary_message(
        {"header": {}, "parent_header": {}, "metadata": {}, "content": {}, "buffers": [b"x"]}
    )
    assert frame_problem(legacy, v1=False) is None


def test_frames_that_lie_about_their_parts_are_refused():
    good = v1([b"{}", b"{}", b"{}", b"{}"])
    assert "claims" in frame_problem(b"\xff" * 8, v1=True)
    assert "claims" in frame_problem((MAX_FRAME_PARTS + 1).to_bytes(8, "little"), v1=True)
    assert "past its end" in frame_problem(good[:-3], v1=True)
    assert "out of order" in frame_problem(
        good[:8] + (10**6).to_bytes(8, "little") + good[16:], v1=True
    )
    assert "too short" in frame_problem(b"\x01", v1=True)
    # The older protocol: a 4-byte big-endian count.
    assert "claims" in frame_problem(struct.pack("!I", 2**31) + b"\0" * 8, v1=False)


def test_an_outgoing_frame_of_the_older_protocol_is_never_read_as_v1():
    legacy = serialize_binary_message(
        {
            "header": {"msg_type": "comm_msg"},
            "parent_header": {},
            "metadata": {},
            "content": {},
            "buffers": [b"x"],
        }
    )
    assert int.from_bytes(legacy[:8], "little") > 10**15  # what Voilà's reader trusted
    assert outgoing_header(legacy, v1=False) is None
    frame = v1([b'{"msg_type": "execute_input"}', b"{}", b"{}", b"{}"])
    assert outgoing_header(frame, v1=True) == {"msg_type": "execute_input"}


def test_the_guard_caps_kernels_per_server_and_per_client():
    guard = KernelGuard(max_kernels=3, max_per_client=2, unconnected_seconds=60)
    alive: set[str] = set()
    assert guard.reserve("a", alive) and guard.reserve("a", alive)
    assert not guard.reserve("a", alive)  # two places held by a's page loads
    guard.record("k1", "a")
    guard.release("a")
    alive.add("k1")
    assert guard.reserve("b", alive)
    assert not guard.reserve("c", alive)  # 1 kernel and 2 places: the server is full
    guard.release("a")
    guard.release("b")
    assert guard.reserve("c", alive)


def test_the_guard_knows_pages_that_never_connected_and_pages_that_left():
    guard = KernelGuard(
        max_kernels=10, max_per_client=2, unconnected_seconds=60, abandoned_seconds=2
    )
    guard.record("scripted", "a")
    guard.record("left", "a")
    guard.opened("left")
    # The clock starts once the page has been sent, not while its cells run.
    assert guard.unconnected(guard.started["scripted"] + 3600) == []
    guard.rendered("scripted")
    now = guard.rendered_at["scripted"]
    assert guard.unconnected(now + 30) == [] and guard.unconnected(now + 61) == ["scripted"]
    assert guard.abandoned("a") is None  # its page is still connected
    guard.closed("left")
    assert guard.abandoned("a", guard.left_at["left"] + 1) is None  # a phone locked a moment
    assert guard.abandoned("a", guard.left_at["left"] + 3) == "left"
    assert guard.abandoned("b", guard.left_at["left"] + 3) is None
    guard.forget({"left"})
    assert "scripted" not in guard.clients


def test_a_page_load_counts_once_while_its_kernel_starts():
    guard = KernelGuard(max_kernels=2, max_per_client=2, unconnected_seconds=60)
    assert guard.reserve("a", set())
    guard.record("k1", "a")  # the kernel started: the handler gives its place back
    guard.release("a")
    assert guard.reserve("b", {"k1"})  # one kernel, one place: the second page fits
    assert not guard.reserve("c", {"k1"})


def test_warm_kernels_in_a_pool_take_no_page_place():
    # A pool's kernels are alive but nobody's: a room of 3 places still holds 3 pages.
    guard = KernelGuard(max_kernels=3, max_per_client=3, unconnected_seconds=60)
    alive = {"warm1", "warm2", "warm3"}
    for n in range(3):
        assert guard.reserve("a", alive)
        guard.record(f"k{n}", "a", "01_hidden_leader_traits.ipynb")
        guard.release("a")
        alive.add(f"k{n}")
    assert not guard.reserve("a", alive)
    assert guard.open_pages() == {"01_hidden_leader_traits.ipynb": 3}


def test_a_warm_kernel_reads_its_visitor_from_the_kit_header(monkeypatch):
    from kit.ui import context

    # Voilà's VOILA_REQUEST_URL in a warm kernel is the request before's.
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("VOILA_REQUEST_URL", "http://h/voila/render/00_start_here.ipynb?resume=X")
    monkeypatch.setenv("HTTP_X_KIT_URL", "http://h/voila/render/coach_dashboard.ipynb?key=k")
    assert context.page_url().endswith("coach_dashboard.ipynb?key=k")
