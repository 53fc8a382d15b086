"""The deployment recipe in deploy/ stays the one `kit serve --workers` runs, and HAProxy takes it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kit.serve_workers import find_haproxy, haproxy_config

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def uncommented(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("#")]


def test_the_haproxy_recipe_is_what_kit_serve_workers_writes():
    recipe = (DEPLOY / "haproxy.cfg").read_text()
    written = haproxy_config("0.0.0.0", 8866, [9001, 9002, 9003])
    assert uncommented(recipe) == uncommented(written)
    readme = (DEPLOY / "README.md").read_text()
    assert all("--port $port" in readme and str(p) in readme for p in (9001, 9002, 9003))


def test_haproxy_accepts_the_recipe():
    haproxy = find_haproxy()
    if haproxy is None:
        pytest.fail("HAProxy is not installed: `apt-get install -y haproxy` (scripts/test does)")
    checked = subprocess.run(
        [haproxy, "-c", "-f", str(DEPLOY / "haproxy.cfg")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
