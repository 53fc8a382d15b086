"""The kit behaves in a Jupyter user's own session: their plots, their diffs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from scripts.clean_notebooks import clean, notebooks
from tests.conftest import ROOT

HIDDEN_LEADER = "01_hidden_leader_traits.ipynb"


def test_kit_charts_leave_the_users_backend_and_figures_alone():
    # In JupyterLab the user's backend is the inline one; a kit chart used to
    # switch it to Agg, and the user's next plt.show() showed nothing.
    code = textwrap.dedent(
        """
        import matplotlib
        import matplotlib.pyplot as plt
        plt.figure()  # the user's own figure, drawn before the kit's chart
        before = matplotlib.get_backend()
        from kit.charts import to_png
        from kit.instruments.charts import trait_bars
        from kit.instruments.content import get_instrument
        from kit.instruments.scoring import trait_scores
        inst = get_instrument("hidden_leader")
        answers = {item.id: 4 for trait in inst.traits for item in trait.items}
        png = to_png(trait_bars(trait_scores(inst, answers), inst.scale))
        assert png.startswith(b"\\x89PNG"), png[:8]
        print(before, matplotlib.get_backend(), plt.get_fignums())
        """
    )
    env = {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    before, after, figures = done.stdout.split(" ", 2)
    assert before == after == "module://matplotlib_inline.backend_inline"
    assert figures.strip() == "[1]"  # the user's figure, and none of the kit's


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_notebooks_are_committed_clean_in_nbformats_own_layout(path):
    # JupyterLab saves in nbformat's layout (what nbformat.write gives); a
    # file in any other rewrites itself on the first save and floods the diff.
    import nbformat

    text = path.read_text(encoding="utf-8")
    assert clean(text) == text, f"{path.name}: run python scripts/clean_notebooks.py"
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    assert all(not c.get("outputs") for c in notebook.cells)


def test_the_cleaner_puts_a_saved_notebook_back_in_layout():
    import nbformat

    text = (ROOT / "workbooks" / "01_hidden_leader_traits.ipynb").read_text()
    run = nbformat.reads(text, as_version=4)
    code = next(cell for cell in run.cells if cell.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", text="hello")]
    code.execution_count = 3
    run.metadata["widgets"] = {"state": {}}
    import json

    squashed = json.dumps(run)  # one line: not nbformat's layout, with outputs
    assert clean(squashed) == text


def test_a_papermill_run_with_default_parameters_leaves_readable_output(tmp_path, monkeypatch):
    # Before, every output was only a reference to a widget that is gone.
    import nbformat

    from kit.instruments.content import get_instrument
    from kit.report import run_workbook

    monkeypatch.setenv("KIT_STORE", str(tmp_path / "kit.sqlite3"))
    executed = nbformat.read(run_workbook(HIDDEN_LEADER, {}, tmp_path), as_version=4)
    shown = "".join(
        str(output.get("data", {}).get("text/html", ""))
        for cell in executed.cells
        for output in cell.get("outputs", [])
    )
    statement = get_instrument("hidden_leader").items[0].text
    assert statement in shown
    assert "Take a copy with you" in shown  # the downloads section, read as text
    widget_views = [
        output
        for cell in executed.cells
        for output in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    assert widget_views and all("text/html" in o["data"] for o in widget_views)
