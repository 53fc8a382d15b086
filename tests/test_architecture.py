"""Layers point one way, checked by import-linter's contracts (``[tool.importlinter]`` in pyproject.toml).

The contracts count every import, at a module's top or inside a function:
model, logic and storage import no widgets or plotting; the shared core knows
no feature; nothing below the pages imports the UI or a page; no feature
imports another's pages; features never import the app around them.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout and " kept" in done.stdout


def test_a_page_imported_by_the_logic_breaks_a_contract(tmp_path):
    # The contracts must be able to fail: a copy of the kit whose map logic
    # imports the coach dashboard (inside a function) is refused.
    import shutil

    shutil.copytree(ROOT / "kit", tmp_path / "kit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    logic = tmp_path / "kit" / "maps" / "logic.py"
    logic.write_text(
        logic.read_text() + "\n\ndef _probe():\n    from kit.team.pages import CoachDashboard\n\n"
        "    return CoachDashboard\n"
    )
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint)], capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(tmp_path)}
    )
    assert done.returncode != 0
    assert "kit.maps.logic -> kit.team.pages" in done.stdout


def test_opening_a_workbook_page_does_not_load_matplotlib_or_pandas():
    # The kernel behind every page pays for what the page imports, at every load.
    code = (
        "import sys\n"
        "from kit.instruments.pages.hidden_leader import HiddenLeaderApp\n"
        "from kit.instruments.pages.focus_attitude import FocusAttitudeApp\n"
        "from kit.maps.pages import CustomerMapApp\n"
        "from kit.start.pages import StartPage\n"
        "from kit.instruments.pages.openness_pulse import OpennessPulseApp\n"
        "from kit.team.pages import CoachDashboard\n"
        "print(','.join(m for m in ('matplotlib', 'pandas', 'papermill') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_mypy_finds_no_type_errors_in_the_kit():
    # check_untyped_defs and the packages checked are in [tool.mypy] in pyproject.toml.
    done = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "Success: no issues found" in done.stdout


def test_pages_and_controllers_name_the_store_protocol_never_its_sqlite_class():
    # A second engine (PostgreSQL) must serve every page by offering PageStore's methods.
    import ast

    naming = []
    for path in sorted((ROOT / "kit").rglob("*.py")):
        layer = path.relative_to(ROOT / "kit").as_posix()
        if not ("pages" in layer or "controllers" in layer or layer.startswith("ui/")):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "kit.database":
                naming += [f"{layer}: {a.name}" for a in node.names if a.name == "Store"]
    assert naming == []
    assert "def open_store" in (ROOT / "kit" / "database.py").read_text()
