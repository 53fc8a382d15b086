"""Keep committed notebooks clean and in nbformat's own layout.

``python scripts/clean_notebooks.py`` rewrites every workbook (and any notebook
under ``docs/``) the way JupyterLab saves it, without outputs, execution
counts or saved widget state. ``--check`` changes nothing and exits 1, naming
each file that would change: the pre-commit hook and the tests run that.
Files named on the command line are the only ones looked at.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def clean(text: str) -> str:
    """Return the notebook ``text`` without outputs, in nbformat's own layout."""
    notebook = nbformat.reads(text, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.get("metadata", {}).pop("execution", None)
    notebook.metadata.pop("widgets", None)
    notebook.metadata.pop("papermill", None)
    # nbformat.write adds the final newline; writes() alone does not.
    return nbformat.writes(notebook) + "\n"


def notebooks() -> list[Path]:
    """Every notebook the project commits: the workbooks and the docs' examples."""
    return sorted((ROOT / "workbooks").glob("*.ipynb")) + sorted((ROOT / "docs").glob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any would")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    dirty = []
    for path in args.files or notebooks():
        text = path.read_text(encoding="utf-8")
        tidy = clean(text)
        if tidy != text:
            dirty.append(path)
            if not args.check:
                path.write_text(tidy, encoding="utf-8")
    for path in dirty:
        verb = "needs cleaning" if args.check else "cleaned"
        print(f"{path}: {verb} (python scripts/clean_notebooks.py)", file=sys.stderr)
    return 1 if dirty and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
