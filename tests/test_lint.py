"""ruff runs as part of the test command, so style breaks fail CI like any test."""

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff(args):
    ruff = shutil.which("ruff") or [sys.executable, "-m", "ruff"]
    command = [ruff, *args, "."] if isinstance(ruff, str) else [*ruff, *args, "."]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
