"""Layers point one way: the model, scoring, content and store never pull in UI or plotting."""

import subprocess
import sys

import pytest

LOWER_LAYERS = [
    "kit.model",
    "kit.scoring",
    "kit.customer_map",
    "kit.circles",
    "kit.ical",
    "kit.backlog",
    "kit.circle_exports",
    "kit.content",
    "kit.store",
    "kit.views",
    "kit.anonymity",
    "kit.team",
    "kit.team_views",
    "kit.cli",
    "kit.cohort",
    "kit.workbooks",
]
FORBIDDEN = ["ipywidgets", "IPython", "matplotlib", "pandas", "voila"]


@pytest.mark.parametrize("module", LOWER_LAYERS)
def test_lower_layer_imports_no_ui_or_plotting(module):
    code = f"import sys, {module}\nprint(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"{module} imports {done.stdout.strip()}"


def test_opening_a_workbook_page_does_not_load_matplotlib_or_pandas():
    # The kernel behind every page pays for what the page imports, at every load.
    code = (
        "import sys\n"
        "from kit.ui.hidden_leader import HiddenLeaderApp\n"
        "from kit.ui.focus_attitude import FocusAttitudeApp\n"
        "from kit.ui.customer_map import CustomerMapApp\n"
        "from kit.ui.start import StartPage\n"
        "from kit.ui.openness_pulse import OpennessPulseApp\n"
        "from kit.ui.dashboard import CoachDashboard\n"
        "print(','.join(m for m in ('matplotlib', 'pandas', 'papermill') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
