"""The pre-commit hooks (ruff, ruff-format, clean notebooks) run as part of the test command.

CI runs exactly what a contributor's commit runs, so a style break or a
notebook saved with outputs fails like any test.
"""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_pre_commit_hooks_pass_on_every_file(tmp_path):
    env = dict(os.environ)
    # The hooks call ruff and python from the kit's environment.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit")
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for hook in ("ruff (lint)", "ruff (format", "notebooks clean"):
        assert hook in done.stdout and "Passed" in done.stdout
