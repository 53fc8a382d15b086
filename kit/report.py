"""Reports: a workbook run headless with papermill, then turned into HTML with no code.

Running the real notebook (rather than a separate template) keeps the report
and the app showing the same thing.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from kit.paths import workbooks_dir

HIDDEN_LEADER = "01_hidden_leader_traits.ipynb"
APP_ONLY = "app-only"
_REMOTE = re.compile(r"<(script|link)\b[^>]*\b(src|href)=[\"']https?://[^>]*>(\s*</script>)?", re.I)


def run_workbook(name: str, parameters: dict[str, object], out_dir: Path) -> Path:
    """Execute a workbook with papermill and return the executed notebook's path.

    Parameters
    ----------
    name : str
        File name in the workbooks folder.
    parameters : dict
        Values for the cell tagged ``parameters``.
    out_dir : Path
        Where to write the executed notebook.
    """
    import papermill

    out = out_dir / name
    papermill.execute_notebook(
        str(workbooks_dir() / name),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(out_dir),
    )
    return out


def notebook_to_html(path: Path, title: str) -> str:
    """Convert an executed notebook to self-contained HTML without inputs or prompts."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    # Cells tagged app-only (such as the downloads section) mean nothing on paper.
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={APP_ONLY}, enabled=True), enabled=True
    )
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["title"] = title
    # Widgets made during the run save their state (a resume code in a banner,
    # say) in the notebook; a report is shown to others, so it carries none.
    notebook.metadata.pop("widgets", None)
    body, _ = exporter.from_notebook_node(notebook)
    # A report is opened anywhere, often offline: it loads nothing from elsewhere.
    return _REMOTE.sub("", body)


def workbook_report(
    workbook: str, title: str, resume: str = "", store: str = "", answers_file: str = ""
) -> str:
    """Return one person's report from a workbook as an HTML page.

    Parameters
    ----------
    workbook : str
        The workbook's file name; it must take ``resume``, ``store``,
        ``answers_file`` and ``report`` parameters.
    title : str
        The page title.
    resume : str
        The person's resume code (read from ``store``).
    store : str
        The store's path or URL; empty for ``KIT_STORE`` or the default.
    answers_file : str
        A kit answer file to report on instead of the store.
    """
    with tempfile.TemporaryDirectory(prefix="kit-report-") as tmp:
        params: dict[str, object] = {"resume": resume, "store": store, "report": True}
        if answers_file:
            params["answers_file"] = answers_file
        executed = run_workbook(workbook, params, Path(tmp))
        return notebook_to_html(executed, title)


def hidden_leader_report(resume: str = "", store: str = "", answers_file: str = "") -> str:
    """Return the hidden-leader report (workbook 01) for one person as an HTML page."""
    return workbook_report(
        HIDDEN_LEADER,
        "Hidden-leader traits: my results",
        resume=resume,
        store=store,
        answers_file=answers_file,
    )


COACH_DASHBOARD = "coach_dashboard.ipynb"


def team_report(key: str, store: str = "") -> str:
    """Return a team session's report (the dashboard's figures) as an HTML page.

    Parameters
    ----------
    key : str
        The session's coach key.
    store : str
        The store's path or URL; empty for ``KIT_STORE`` or the default.
    """
    with tempfile.TemporaryDirectory(prefix="kit-report-") as tmp:
        params: dict[str, object] = {"key": key, "store": store, "report": True}
        executed = run_workbook(COACH_DASHBOARD, params, Path(tmp))
        return notebook_to_html(executed, "Team report")
