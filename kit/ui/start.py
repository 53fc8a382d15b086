"""Workbook 00, the start page: come back with a resume code, or restore a downloaded file."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import ipywidgets as widgets

from kit.store import ImportFileError, SQLiteStore, StoreError, import_answers, open_store
from kit.ui.components import EPHEMERAL_NOTICE, Notice, control, hbox, html, style, vbox
from kit.ui.context import ephemeral, query_params

# The workbooks a person's resume code carries into, in the catalogue's order.
WORKBOOKS = (
    ("01_hidden_leader_traits.ipynb", "Continue to the hidden-leader self-assessment →"),
    ("02_focus_and_attitude.ipynb", "Focus and attitude: the four blocks →"),
    ("03_customer_map.ipynb", "The customer map →"),
    ("04_circle_planner.ipynb", "Plan a Customer Circle →"),
    ("05_circle_session.ipynb", "Run a circle session →"),
)


def continue_link(code: str) -> str:
    """Return links into each personal workbook, carrying the resume code."""
    links = [
        f"<a class='kit-continue' href='{name}?resume={quote(code)}'>{escape(text)}</a>"
        for name, text in WORKBOOKS
    ]
    return "<br>" + " · ".join(links)


class StartPage:
    """Resume-code entry and answer-file upload.

    Parameters
    ----------
    store : SQLiteStore or None
        None when the store could not be opened (``problem`` says why).
    problem : str
        A message shown instead of the controls.
    """

    def __init__(self, store: SQLiteStore | None, problem: str = ""):
        self.store = store
        self.code = widgets.Text(
            placeholder="e.g. K7QM-3XTA-9PWD",
            description="Resume code",
            value=query_params().get("resume", ""),
            continuous_update=False,
            style={"description_width": "initial"},
        )
        self.go = control(widgets.Button, description="Find my answers", button_style="primary")
        self.go.on_click(lambda _: self.lookup())
        # Enter (or leaving the box) commits the text, which looks the code up too.
        self.code.observe(lambda change: change["new"].strip() and self.lookup(), "value")
        self.upload = widgets.FileUpload(
            accept=".json,.csv", multiple=False, description="Upload file"
        )
        self.upload.observe(lambda _: self.restore_upload(), "value")
        self.code_notice = Notice()
        self.upload_notice = Notice()
        self.problem = problem

    @classmethod
    def open(cls, store: str = "") -> StartPage:
        """Open the start page on the configured store; never raises."""
        try:
            return cls(open_store(store or None))
        except StoreError as err:
            return cls(None, f"Answers cannot be saved or found on this server: {err}.")

    def lookup(self) -> bool:
        """Check the typed code and offer the link into the workbook."""
        typed = self.code.value.strip()
        if not typed:
            self.code_notice.show(
                "warn", "Type the resume code you were given, then press Find my answers."
            )
            return False
        try:
            participant = self.store.participant_by_code(typed) if self.store else None
        except StoreError as err:
            self.code_notice.show("error", f"Your answers could not be looked up: {err}.")
            return False
        if participant is None:
            self.code_notice.show(
                "error",
                f"No answers were found for '{typed}'. Check the code (it looks like "
                "K7QM-3XTA-9PWD; dashes and case do not matter), or upload your answers file below.",
            )
            return False
        self.code_notice.show("ok", "Found your answers. ", continue_link(participant.resume_code))
        return True

    def restore_upload(self) -> bool:
        """Import the uploaded answers file (all or nothing) and link into the workbook."""
        files = list(self.upload.value)
        if not files or self.store is None:
            return False
        upload = files[-1]
        name = upload["name"]
        try:
            summary = import_answers(self.store, bytes(upload["content"]), name, from_page=True)
        except (ImportFileError, StoreError) as err:
            self.upload_notice.show("error", f"{name}: {err}")
            return False
        except Exception as err:  # noqa: BLE001 - a visitor's file must never show a traceback
            self.upload_notice.show(
                "error", f"{name} could not be read ({type(err).__name__}); nothing was imported."
            )
            return False
        finally:
            # Forget the bytes so a second upload of the same file fires again.
            self.upload.value = ()
        codes = list(summary.resume_codes.values())
        if len(codes) != 1:
            self.upload_notice.show(
                "ok", f"Imported {summary.answers} answers for {len(codes)} people from {name}."
            )
            return True
        self.upload_notice.show(
            "ok",
            f"Restored {summary.answers} answers from {name}. Your resume code is {codes[0]}. ",
            continue_link(codes[0]),
        )
        return True

    def widget(self) -> widgets.Widget:
        """Return the start page's controls."""
        parts: list[widgets.Widget] = [style()]
        if ephemeral():
            parts.append(html(EPHEMERAL_NOTICE))
        if self.problem:
            parts.append(html(f"<div class='kit-error' role='alert'>{escape(self.problem)}</div>"))
            return vbox(parts)
        parts += [
            html("<h3>Coming back?</h3><p>Type your resume code to find your answers.</p>"),
            hbox([self.code, self.go]),
            self.code_notice,
            html(
                "<h3>Have an answers file?</h3><p>If you used <b>Download my answers</b> (for "
                "example on Binder), upload the file here to carry on where you left off.</p>"
            ),
            self.upload,
            self.upload_notice,
        ]
        return vbox(parts)
