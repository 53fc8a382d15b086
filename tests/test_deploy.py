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


def test_the_compose_file_runs_the_kit_on_postgresql_with_the_password_from_a_secret():
    # No Docker daemon here: this checks what Compose would be given, piece by piece,
    # against the kit's own command line and URL rules.
    import json
    import re

    import yaml

    from kit.cli import _parser
    from kit.store.engine import is_postgres
    from kit.store.upkeep import without_password

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    db, kit = compose["services"]["db"], compose["services"]["kit"]
    command = kit["command"]
    args = _parser().parse_args(command[1:])
    assert command[0] == "kit" and args.command == "serve" and args.workers == 4
    assert args.host == "0.0.0.0" and f"{args.port}:{args.port}" in kit["ports"]
    url = kit["environment"]["KIT_STORE"]
    assert is_postgres(url) and without_password(url) == url  # no password in the file
    user, host, database = re.fullmatch(r"postgresql://(\w+)@(\w+):5432/(\w+)", url).groups()
    assert host == "db" and user == db["environment"]["POSTGRES_USER"]
    assert database == db["environment"]["POSTGRES_DB"]
    secret = kit["environment"]["KIT_STORE_PASSWORD_FILE"]
    assert secret == db["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"
    assert kit["secrets"] == db["secrets"] == ["db_password"]
    assert kit["depends_on"]["db"]["condition"] == "service_healthy"
    # The image's own command is the same one, for `docker run` without Compose.
    cmd = next(
        line for line in (DEPLOY / "Dockerfile").read_text().splitlines() if line.startswith("CMD")
    )
    assert json.loads(cmd.removeprefix("CMD ")) == command
    ignored = (DEPLOY.parent / ".gitignore").read_text().splitlines()
    assert "deploy/" + compose["secrets"]["db_password"]["file"].removeprefix("./") in ignored
