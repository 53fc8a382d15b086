"""The pre-commit hooks (ruff, ruff-format, clean notebooks) run as part of the test command.

CI runs exactly what a contributor's commit runs, so a style break or a
notebook saved with outputs fails like any test.
"""

import os
import re
import subprocess
import sys

from tests.conftest import ROOT


def test_pre_commit_hooks_pass_on_every_file(tmp_path):
    env = dict(os.environ)
    env["KIT_HOOK_PYTHON"] = sys.executable  # the hooks' tools, from this environment
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit")
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = dict(re.findall(r"^(.*?)\.{3,}(\w+)$", done.stdout, re.M))
    names = ("ruff (lint)", "ruff (format)", "notebooks clean, in nbformat's layout")
    assert {name: results.get(name) for name in names} == dict.fromkeys(names, "Passed")
