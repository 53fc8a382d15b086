"""Reports: a workbook's own cells run in report mode, turned into HTML with no code.

Running the real notebook (rather than a separate template) keeps the report
and the app showing the same thing. Two ways, one result:

- :func:`render_workbook` runs the cells here, in this process, and joins
  their outputs into a page: what a page's "Download report" button and
  ``kit report`` use (no kernel to start);
- :func:`run_workbook` + :func:`notebook_to_html` run them with papermill in
  a kernel of their own, for headless runs that want the executed notebook.
"""

from __future__ import annotations

import ast
import re
import tempfile
from html import escape
from pathlib import Path

from kit.paths import workbooks_dir
from kit.workbooks import DASHBOARD, workbook

HIDDEN_LEADER = workbook("hidden_leader").file
FOCUS_ATTITUDE = workbook("focus_attitude").file
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


PARAMETERS = "parameters"
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933;
  line-height: 1.5; max-width: 52em; margin: 2em auto; padding: 0 1.2em; font-size: 15px; }}
h1 {{ font-size: 1.6em; }} h2 {{ font-size: 1.3em; margin-top: 1.6em; }}
table {{ border-collapse: collapse; }} td, th {{ padding: .25em .6em; text-align: left; }}
img {{ max-width: 100%; height: auto; }}
@media print {{ body {{ margin: 0; max-width: none; }} }}
</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


def _as_html(value: object) -> str:
    """The richest static form of a cell's result, as a notebook would show it."""
    if value is None:
        return ""
    from IPython.core.formatters import DisplayFormatter

    data, _ = DisplayFormatter().format(value)
    if "text/html" in data:
        return str(data["text/html"])
    if "image/png" in data:
        return f"<img alt='' src='data:image/png;base64,{data['image/png']}'>"
    return f"<pre>{escape(str(data.get('text/plain', '')))}</pre>"


def render_workbook(name: str, parameters: dict[str, object], title: str) -> str:
    """Run a workbook's cells here in report mode and return the page they make.

    Cells tagged ``app-only`` are left out, as in the papermill report; the
    ``parameters`` cell runs first and ``parameters`` then replace its values
    (``report`` is always True: the sections give static HTML). Each code
    cell shows the value of its last expression, as in a notebook. The few
    widgets an app makes on opening (its banner, a notice) are closed again,
    so a page that makes reports does not gather them.

    Parameters
    ----------
    name : str
        File name in the workbooks folder.
    parameters : dict
        Values for the names the ``parameters`` cell sets.
    title : str
        The page title.

    Returns
    -------
    str
        A self-contained HTML page with no code and no script.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = str(pathlib.Path(tempfile.mkdtemp()) / "k.db")
    >>> page = render_workbook(HIDDEN_LEADER, {"store": store}, "My results")
    >>> page.startswith("<!DOCTYPE html>") and "Hidden-leader traits" in page
    True
    >>> "HiddenLeaderApp" in page or "<script" in page
    False
    """
    from ipywidgets import DOMWidget
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    namespace: dict[str, object] = {"__name__": "__kit_report__"}
    try:
        return _render(name, parameters, title, namespace)
    finally:
        # Layouts and styles are shared, cached ones the page itself uses: kept.
        for key in set(_instances) - before:
            widget = _instances.get(key)
            if isinstance(widget, DOMWidget):
                widget.close()
        for value in namespace.values():
            close = getattr(getattr(value, "store", None), "close", None)
            if callable(close):
                close()


def _render(name: str, parameters: dict[str, object], title: str, namespace: dict) -> str:
    import json

    import mistune

    # Plain JSON and mistune, not nbformat and nbconvert: those take over a
    # second to import in a page's kernel, longer than the report itself.
    notebook = json.loads((workbooks_dir() / name).read_text(encoding="utf-8"))
    parts = []
    for cell in notebook["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if APP_ONLY in tags:
            continue
        if cell["cell_type"] == "markdown":
            parts.append(str(mistune.html(source)))
            continue
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(source)
        last: ast.Expr | None = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = tree.body.pop()  # type: ignore[assignment]  # an Expr, just checked
        exec(compile(tree, f"<{name}>", "exec"), namespace)  # noqa: S102 - the kit's own workbook
        if PARAMETERS in tags:
            namespace.update(parameters)
            namespace["report"] = True
        if last is not None:
            value = eval(compile(ast.Expression(last.value), f"<{name}>", "eval"), namespace)  # noqa: S307
            parts.append(f"<div class='kit-output'>{_as_html(value)}</div>")
    page = _PAGE.format(title=escape(title), body="\n".join(p for p in parts if p))
    return _REMOTE.sub("", page)


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
    params: dict[str, object] = {"resume": resume, "store": store}
    if answers_file:
        params["answers_file"] = answers_file
    return render_workbook(workbook, params, title)


COACH_DASHBOARD = DASHBOARD


def team_report(key: str, store: str = "") -> str:
    """Return a team session's report (the dashboard's figures) as an HTML page.

    Parameters
    ----------
    key : str
        The session's coach key.
    store : str
        The store's path or URL; empty for ``KIT_STORE`` or the default.
    """
    return render_workbook(COACH_DASHBOARD, {"key": key, "store": store}, "Team report")


def papermill_report(workbook: str, parameters: dict[str, object], title: str) -> str:
    """The same report made the headless way: papermill in a kernel, then nbconvert."""
    with tempfile.TemporaryDirectory(prefix="kit-report-") as tmp:
        executed = run_workbook(workbook, {**parameters, "report": True}, Path(tmp))
        return notebook_to_html(executed, title)
