"""The links `kit demo` and `kit session` print carry the port `kit serve` really chose."""

import subprocess
import sys

from tests.serving import start_server, stop_server


def kit(*args: str, cwd) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "kit", *args], capture_output=True, text=True, cwd=cwd, check=True
    )
    return done.stdout


def test_demo_and_session_links_use_the_running_servers_port(tmp_path):
    store = tmp_path / "team.sqlite3"
    kit("session", "new", "--name", "Desk", "--store", str(store), cwd=tmp_path)
    before = kit(
        "demo", "--participants", "2", "--session", "WORKSHOP", "--store", str(store), cwd=tmp_path
    )
    server = start_server(tmp_path, store=store)
    try:
        port = server.url.rsplit(":", 1)[1]
        assert port != "8866"
        printed = kit(
            "demo",
            "--participants",
            "2",
            "--session",
            "WORKSHOP",
            "--store",
            str(store),
            cwd=tmp_path,
        )
        assert f"for the kit serve running at http://localhost:{port}" in printed
        assert f"http://localhost:{port}/voila/render/00_start_here.ipynb?session=" in printed
        assert ":8866/" not in printed
        listed = kit("session", "list", "--store", str(store), cwd=tmp_path)
        assert f"http://localhost:{port}/voila/render/coach_dashboard.ipynb?key=" in listed
        # Another store's commands do not borrow this server's address.
        other = kit(
            "session", "list", "--all", "--store", str(tmp_path / "other.sqlite3"), cwd=tmp_path
        )
        assert f":{port}/" not in other
    finally:
        stop_server(server)
    # Before the server ran, the links said which address they assume.
    assert "if it chose another port" in before
    after = kit("session", "list", "--store", str(store), cwd=tmp_path)
    assert f":{port}/" not in after  # the server has gone, and its note with it
