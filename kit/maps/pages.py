"""Workbook 03, the customer map: who receives each output, up the chain to the paying customer.

The notebook makes one :class:`CustomerMapApp` and calls one method per
section. Every edit goes through :mod:`kit.maps.logic` (which validates it
and returns a new map) and is saved at once; with ``report=True`` each
section returns static HTML, so the same notebook is the report.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML

from kit.database import Store, open_store
from kit.exchange import my_answers_file
from kit.maps import logic as cm
from kit.maps import views
from kit.maps.files import (
    MapFileError,
    connections_csv,
    elements_csv,
    example_map,
    map_file_kind,
    parse_map,
)
from kit.maps.model import ELEMENT_KINDS, EXTERNAL, INTERNAL, OWN_TEAM, CustomerMap, name_key
from kit.store.errors import MapChangedError, StoreError
from kit.style import STYLE, png_img
from kit.ui.components import (
    Notice,
    control,
    download_link,
    hbox,
    html,
    page_top,
    resume_banner,
    shared_layout,
    vbox,
)
from kit.ui.components import messages as show_messages
from kit.ui.context import client_address
from kit.ui.person import from_link, look_up
from kit.workbooks import workbook

WORKBOOK = workbook("customer_map").file
REPORT_TITLE = "Customer map: line of sight to the paying customer"
INTRO = (
    "<p>List what your team hands over and who receives it: a team or department inside "
    "the organisation (an internal customer), or a customer who pays. Then follow each "
    "internal customer's own outputs onward. The map shows which outputs have a line of "
    "sight to a paying customer, which never reach one, where a sentence on the value "
    "promise is missing, and which chains have nobody who bridges operations and the "
    "customer-facing side.</p>"
)
_NO_LEVEL = "(relationship: not set)"


class CustomerMapApp:
    """One manager's customer map: the editor, the analysis and the downloads.

    Use :meth:`open`, which never raises: every problem becomes a message.
    """

    def __init__(
        self,
        store: Store | None,
        participant=None,
        cmap: CustomerMap | None = None,
        session: str | None = None,
        report: bool = False,
        problems: tuple[tuple[str, str], ...] = (),
        make_report: Callable[[str, str], str] | None = None,
    ):
        self.store = store
        self.participant = participant
        self.session = session
        self.report = report
        self.problems = list(problems)
        self._make_report = make_report
        self.cmap = cmap or CustomerMap()
        self.version = 0  # the stored map's version this page last read or wrote
        self._filling = False  # True while the edit fields show a selection
        self._drawn: tuple[tuple, bytes] | None = None  # the last diagram and what it showed
        # (what it brings back, how, whether later edits may happen in between)
        self._undo: tuple[str, Callable[[CustomerMap], tuple[CustomerMap, int]], bool] | None = None
        self.banner = html(
            resume_banner(participant.resume_code, participant.session) if participant else ""
        )
        self.notice = Notice()
        self._built = False
        self._results: dict[str, widgets.Widget] = {}
        self._downloads: dict[str, widgets.Widget] = {}

    # -- construction ------------------------------------------------------------

    @classmethod
    def open(
        cls,
        resume: str = "",
        elements_csv: str = "",
        connections_csv: str = "",
        store: str = "",
        report: bool = False,
    ) -> CustomerMapApp:
        """Open the map of the person the link or parameters name.

        Parameters
        ----------
        resume : str
            A resume code; in the app, ``?resume=`` in the link takes precedence.
        elements_csv, connections_csv : str
            Paths of a map's CSV files to read instead of the store (headless runs).
        store : str
            The store's path or URL; empty for ``KIT_STORE`` or the default.
        report : bool
            Build static HTML (papermill runs and the downloadable report).
        """
        resume, session = from_link(resume, report)
        if elements_csv:
            try:
                cmap = parse_map(
                    Path(elements_csv).read_bytes(),
                    Path(connections_csv).read_bytes() if connections_csv else "",
                    Path(elements_csv).name,
                    Path(connections_csv).name if connections_csv else "connections.csv",
                )
            except OSError as err:
                return cls(None, report=report, problems=(("error", f"{err}"),))
            except MapFileError as err:
                return cls(None, report=report, problems=(("error", str(err)),))
            return cls(None, cmap=cmap, report=report)
        try:
            the_store = open_store(store or None)
        except StoreError as err:
            return cls(None, report=report, problems=(("error", f"Maps cannot be saved: {err}."),))
        cmap = CustomerMap()
        version = 0
        try:
            visitor = look_up(the_store, resume, session)
            if visitor.participant is not None:
                cmap = the_store.customer_map(visitor.participant.id)
                version = the_store.map_version(visitor.participant.id)
        except StoreError as err:
            # Editing a map that could not be read would save an empty one over it.
            return cls(
                None,
                report=report,
                problems=(
                    ("error", f"Your map could not be read: {err}. Reload the page to try again."),
                ),
            )
        participant, session, problems = visitor.participant, visitor.session, visitor.problems
        app = cls(
            the_store,
            participant=participant,
            cmap=cmap,
            session=session,
            report=report,
            problems=problems,
        )
        app.version = version
        return app

    # -- editing -------------------------------------------------------------------

    def apply(
        self,
        edit: Callable[[CustomerMap], CustomerMap | tuple[CustomerMap, cm.Deleted]],
        done: str,
    ) -> bool:
        """Make one edit, save the map, and redraw; a refused edit only shows why.

        Parameters
        ----------
        edit : callable
            Takes the map and returns the new map, or (new map, what was deleted).
        done : str
            What to say when it worked.

        Returns
        -------
        bool
            True when the edit was made and saved.
        """
        try:
            result = edit(self.cmap)
        except cm.MapEditError as err:
            self.notice.show("error", str(err))
            return False
        if isinstance(result, tuple):
            new, deleted = result
            self._undo = (deleted.describe(), lambda m: cm.undo(m, deleted), True)
        else:
            new = result
            if self._undo is not None and not self._undo[2]:
                self._undo = None  # a replaced map can only be brought back straight away
        return self._commit(new, done)

    def _commit(self, new: CustomerMap, done: str) -> bool:
        self.cmap = new
        saved = self._save()
        self._refresh()
        if saved:
            self.notice.show("ok", done)
        return saved

    def _save(self) -> bool:
        if self.store is None:
            self.notice.show("error", "This page cannot save the map (see the message at the top).")
            return False
        try:
            if self.participant is None:
                self.participant = self.store.create_participant(
                    session=self.session, client=client_address()
                )
                self.banner.value = resume_banner(
                    self.participant.resume_code, self.participant.session
                )
            self.version = self.store.save_map(self.participant.id, self.cmap, self.version)
        except MapChangedError as err:
            self.notice.show("error", f"Not saved: {err}.")
            return False
        except Exception as err:  # noqa: BLE001 - the page must never show a traceback
            self.notice.show(
                "error",
                f"The map could not be saved ({type(err).__name__}: {err}). It is still on "
                "screen; try again in a moment, or download the CSV files.",
            )
            return False
        return True

    def undo_last(self) -> bool:
        """Undo the last delete (or the last replacement of the whole map)."""
        if self._undo is None:
            self.notice.show("warn", "There is nothing to undo.")
            return False
        label, restore, _ = self._undo
        try:
            new, skipped = restore(self.cmap)
        except cm.MapEditError as err:
            self.notice.show("error", str(err))
            return False
        self._undo = None
        tail = ""
        if skipped:
            tail = (
                f" {skipped} link{'s' if skipped != 1 else ''} could not come back: "
                "an element was renamed or deleted, or the link was added again, since."
            )
        return self._commit(new, f"Brought back {label}.{tail}")

    def load_example(self) -> bool:
        """Fill an empty map with the example company's map."""
        if self.cmap.elements:
            self.notice.show(
                "warn",
                "The example only loads into an empty map. To look at it without losing yours, "
                "open this workbook without a resume code.",
            )
            return False
        try:
            example = example_map()
        except MapFileError as err:
            self.notice.show("error", f"The example map cannot be loaded: {err}")
            return False
        return self._commit(example, "Loaded the example map of Harbour Lift Services.")

    def import_files(self, files: list[tuple[str, bytes]]) -> bool:
        """Replace the map with uploaded elements and connections CSV files (all or nothing)."""
        kinds: dict[str, tuple[str, bytes]] = {}
        for name, data in files:
            kind = map_file_kind(data)
            if kind is None:
                self.notice.show(
                    "error",
                    f"{name} is neither an elements file (first row Label, Type, …) nor a "
                    "connections file (first row From, To, …); nothing was imported.",
                )
                return False
            if kind in kinds:
                self.notice.show(
                    "error",
                    f"{kinds[kind][0]} and {name} are both {kind} files: upload one elements "
                    "file and one connections file; nothing was imported.",
                )
                return False
            kinds[kind] = (name, data)
        if "elements" not in kinds:
            self.notice.show(
                "error",
                "No elements file found: upload the elements CSV (first row Label, Type, …) "
                "together with the connections CSV (first row From, To, …).",
            )
            return False
        e_name, e_data = kinds["elements"]
        c_name, c_data = kinds.get("connections", ("connections.csv", b""))
        try:
            new = parse_map(e_data, c_data, e_name, c_name)
        except MapFileError as err:
            self.notice.show("error", str(err))
            return False
        previous = self.cmap
        if previous.elements:
            self._undo = ("the map as it was before the import", lambda _: (previous, 0), False)
        count = f"{len(new.elements)} elements and {len(new.connections)} links"
        return self._commit(new, f"Imported {count} from {e_name}.")

    # -- sections --------------------------------------------------------------------

    def intro(self) -> widgets.Widget | HTML:
        """Messages, the resume code, the introduction and the example button."""
        messages = show_messages(self.problems)
        if self.report:
            heading = f"<p class='kit-muted'>Report made on {date.today():%d %B %Y}.</p>"
            return HTML(STYLE + messages + heading)
        parts = page_top(messages)
        self._example = widgets.Button(description="Load the example map", icon="")
        self._example.on_click(lambda _: self.load_example())
        parts += [self.banner, html(INTRO), self._example]
        return vbox(parts)

    def editor(self) -> widgets.Widget | HTML:
        """Add, change and delete elements and links; undo the last delete; import CSV."""
        if self.report:
            return HTML(views.map_tables(self.cmap))
        if self.store is None:
            return html("")
        wide = widgets.Layout(width="98%")  # 100% plus a description overflows the page
        self.name = control(widgets.Text, placeholder="Name, e.g. Billing", description="Name")
        self.kind = control(
            widgets.Dropdown, options=ELEMENT_KINDS, value=INTERNAL, description="Kind"
        )
        self.bridge = control(
            widgets.Checkbox, description="Bridges operations and customers", indent=False
        )
        self.notes = control(widgets.Text, placeholder="Notes (optional)", layout=wide)
        self.add_element = control(
            widgets.Button, description="Add element", button_style="primary"
        )
        self.add_element.on_click(lambda _: self._add_element())

        self.elements = control(widgets.Select, rows=7, description="Elements", layout=wide)
        self.elements.observe(lambda _: self._show_element(), "value")
        self.e_name = control(widgets.Text, description="Name", continuous_update=False)
        self.e_kind = control(widgets.Dropdown, options=ELEMENT_KINDS, description="Kind")
        self.e_bridge = control(widgets.Checkbox, description="Bridge", indent=False)
        self.e_notes = control(
            widgets.Text, description="Notes", layout=wide, continuous_update=False
        )
        self.e_save = control(widgets.Button, description="Save changes")
        self.e_save.on_click(lambda _: self._save_element())
        self.e_delete = control(widgets.Button, description="Delete element", button_style="danger")
        self.e_delete.on_click(lambda _: self._delete_element())

        self.source = control(widgets.Dropdown, description="From")
        self.target = control(widgets.Dropdown, description="To")
        self.target.observe(lambda _: self._target_changed(), "value")
        self.handover = control(
            widgets.Text, placeholder="What is handed over", description="Output"
        )
        self.level = control(
            widgets.Dropdown,
            options=[_NO_LEVEL, *cm.RELATIONSHIP_LEVELS],
            description="Relationship",
        )
        self.promise = control(
            widgets.Text,
            placeholder="How it serves the promise to the paying customer (one sentence)",
            description="Promise",
            layout=wide,
        )
        self.add_link = control(widgets.Button, description="Add link", button_style="primary")
        self.add_link.on_click(lambda _: self._add_connection())

        self.links = control(widgets.Select, rows=7, description="Links", layout=wide)
        self.links.observe(lambda _: self._show_connection(), "value")
        self.l_handover = control(widgets.Text, description="Output", continuous_update=False)
        self.l_level = control(
            widgets.Dropdown,
            options=[_NO_LEVEL, *cm.RELATIONSHIP_LEVELS],
            description="Relationship",
        )
        self.l_promise = control(
            widgets.Text, description="Promise", layout=wide, continuous_update=False
        )
        self.l_save = control(widgets.Button, description="Save changes")
        self.l_save.on_click(lambda _: self._save_connection())
        self.l_delete = control(widgets.Button, description="Delete link", button_style="danger")
        self.l_delete.on_click(lambda _: self._delete_connection())

        self._hidden = widgets.Layout(display="none")  # one model, reused on every redraw
        # Changes in the edit fields save themselves (on Enter or leaving the box),
        # like everything else here; the Save buttons are for people who look for one.
        for box in (self.e_name, self.e_kind, self.e_bridge, self.e_notes):
            box.observe(lambda _: self._filling or self._save_element(auto=True), "value")
        for box in (self.l_handover, self.l_level, self.l_promise):
            box.observe(lambda _: self._filling or self._save_connection(auto=True), "value")
        self.undo = control(widgets.Button, description="Undo", icon="")
        self.undo.on_click(lambda _: self.undo_last())
        self.upload = control(
            widgets.FileUpload, accept=".csv", multiple=True, description="Import CSV"
        )
        self.upload.observe(lambda _: self._uploaded(), "value")
        self._built = True
        self._refresh()
        editor = vbox(
            [
                self.notice,
                hbox([self.undo]),
                html("<h3>Elements: your team, internal customers, paying customers</h3>"),
                hbox([self.name, self.kind]),
                hbox([self.bridge, self.add_element]),
                self.notes,
                self.elements,
                html(
                    "<p class='kit-muted'>Choose an element in the list to rename, change or "
                    "delete it.</p>"
                ),
                hbox([self.e_name, self.e_kind, self.e_bridge]),
                self.e_notes,
                hbox([self.e_save, self.e_delete]),
                html(
                    "<h3>Outputs: who receives what</h3><p class='kit-muted'>One link per "
                    "pair: from the element that hands something over to the one that "
                    "receives it. The relationship level applies to a paying customer.</p>"
                ),
                hbox([self.source, self.target]),
                hbox([self.handover, self.level]),
                self.promise,
                self.add_link,
                self.links,
                html("<p class='kit-muted'>Choose a link in the list to change or delete it.</p>"),
                hbox([self.l_handover, self.l_level]),
                self.l_promise,
                hbox([self.l_save, self.l_delete]),
                html(
                    "<h3>Import</h3><p class='kit-muted'>Upload an elements CSV (Label, Type, "
                    "Description, Bridge) and a connections CSV (From, To, Label, Level, "
                    "Promise), as Kumu and spreadsheets write them. The upload replaces the "
                    "map; Undo brings the old one back.</p>"
                ),
                self.upload,
            ]
        )
        editor.add_class("kit-map-editor")
        return editor

    def results(self) -> widgets.Widget | HTML:
        """The diagram and what the map says."""
        if self.report:
            diagram = ""
            if self.cmap.elements:
                diagram = png_img(self._diagram_png(), "Diagram of the customer map")
            summary = views.map_summary(cm.analyse(self.cmap))
            return HTML(diagram + views.MAP_LEGEND + summary)
        chart = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        chart.add_class("kit-chart")
        self._results = {"chart": chart, "summary": html(), "legend": html(views.MAP_LEGEND)}
        self._refresh()
        return vbox([chart, self._results["legend"], self._results["summary"]])

    def downloads(self) -> widgets.Widget | HTML:
        """The map as CSV files and in the answers file, and the report."""
        if self.report:
            return HTML("")
        report_button = widgets.Button(description="Download report")
        report_button.on_click(lambda _: self.prepare_report())
        self._downloads = {
            "links": html(),
            "report_button": report_button,
            "report_link": html(),
            "notice": Notice(),
        }
        self._refresh()
        return vbox(
            [
                html(
                    "<p>The CSV files open in a spreadsheet or a mapping tool such as Kumu, and "
                    "load back here. The answers file carries the map and your other answers "
                    "to the start page of any copy of the kit.</p>"
                ),
                self._downloads["links"],
                hbox([report_button, self._downloads["report_link"]]),
                self._downloads["notice"],
            ]
        )

    def prepare_report(self) -> bool:
        """Build the HTML report and offer it as a link."""
        notice: Notice = self._downloads["notice"]
        if self.participant is None or self.store is None:
            notice.show("warn", "Add an element first: the report shows your map.")
            return False
        button: widgets.Button = self._downloads["report_button"]
        button.disabled = True
        notice.show("note", "Preparing your report: this takes a few seconds…")
        try:
            make = self._make_report or _default_report
            page = make(self.participant.resume_code, self.store.location)
        except Exception as err:  # noqa: BLE001 - shown to the person, not raised
            notice.show("error", f"The report could not be made ({type(err).__name__}: {err}).")
            return False
        finally:
            button.disabled = False
        self._downloads["report_link"].value = download_link(
            page,
            f"customer-map-report-{date.today():%Y-%m-%d}.html",
            "text/html",
            "Save the report (HTML)",
        )
        notice.show("ok", "Your report is ready: use the link beside the button.")
        return True

    # -- reactions -------------------------------------------------------------------

    def _add_element(self) -> None:
        name = self.name.value
        if self.apply(
            lambda m: cm.add_element(m, name, self.kind.value, self.notes.value, self.bridge.value),
            f"Added '{cm.clean(name)}'.",
        ):
            self.name.value = self.notes.value = ""
            self.bridge.value = False

    def _selected(self) -> str | None:
        return self.elements.value

    def _show_element(self) -> None:
        element = self.cmap.element(self._selected() or "")
        if element is None:
            return
        self._filling = True
        try:
            self.e_name.value, self.e_kind.value = element.name, element.kind
            self.e_bridge.value, self.e_notes.value = element.bridge, element.notes
        finally:
            self._filling = False

    def _save_element(self, auto: bool = False) -> None:
        name = self._selected()
        if name is None:
            if not auto:
                self.notice.show("warn", "Choose an element in the list first.")
            return
        new_name, kind = self.e_name.value, self.e_kind.value
        notes, bridge = self.e_notes.value, self.e_bridge.value
        old = self.cmap.element(name)
        if (
            auto
            and old is not None
            and (cm.clean(new_name), kind, notes.strip(), bridge)
            == (
                old.name,
                old.kind,
                old.notes,
                old.bridge,
            )
        ):
            return
        done = self.apply(
            lambda m: cm.update_element(m, name, new_name, kind, notes, bridge),
            f"Saved '{cm.clean(new_name)}'.",
        )
        # Keep the renamed element selected; after a refused rename, keep what was typed.
        if done:
            self.elements.value = self.cmap.element(new_name).name

    def _delete_element(self) -> None:
        name = self._selected()
        if name is None:
            self.notice.show("warn", "Choose an element in the list first.")
            return
        self.apply(lambda m: cm.delete_element(m, name), f"Deleted '{name}'. Undo brings it back.")

    def _add_connection(self) -> None:
        source, target = self.source.value, self.target.value
        if not source or not target:
            self.notice.show("warn", "Add at least two elements, then choose From and To.")
            return
        level = "" if self.level.value == _NO_LEVEL else self.level.value
        handover, promise = self.handover.value, self.promise.value
        if self.apply(
            lambda m: cm.add_connection(m, source, target, handover, level, promise),
            f"Linked '{source}' to '{target}'.",
        ):
            self.handover.value = self.promise.value = ""
            self.level.value = _NO_LEVEL

    def _show_connection(self) -> None:
        index = self.links.value
        if index is None or index >= len(self.cmap.connections):
            return
        c = self.cmap.connections[index]
        target = self.cmap.element(c.target)
        self._filling = True
        try:
            self.l_handover.value, self.l_promise.value = c.handover, c.promise
            self.l_level.value = c.level or _NO_LEVEL
            self.l_level.disabled = target is None or target.kind != EXTERNAL
        finally:
            self._filling = False

    def _save_connection(self, auto: bool = False) -> None:
        index = self.links.value
        if index is None or index >= len(self.cmap.connections):
            if not auto:
                self.notice.show("warn", "Choose a link in the list first.")
            return
        level = "" if self.l_level.value == _NO_LEVEL else self.l_level.value
        fields = {
            "handover": self.l_handover.value,
            "promise": self.l_promise.value,
            "level": level,
        }
        c = self.cmap.connections[index]
        if auto and (c.handover, c.promise, c.level) == (
            fields["handover"].strip(),
            fields["promise"].strip(),
            level,
        ):
            return
        if self.apply(lambda m: cm.update_connection(m, index, **fields), "Saved the link."):
            self.links.value = index

    def _delete_connection(self) -> None:
        index = self.links.value
        if index is None:
            self.notice.show("warn", "Choose a link in the list first.")
            return
        self.apply(
            lambda m: cm.delete_connection(m, index), "Deleted the link. Undo brings it back."
        )

    def _uploaded(self) -> None:
        files = [(f["name"], bytes(f["content"])) for f in self.upload.value]
        if not files:
            return
        try:
            self.import_files(files)
        finally:
            self.upload.value = ()  # so the same files can be uploaded again

    def _target_changed(self) -> None:
        # A relationship level belongs to a paying customer only.
        target = self.cmap.element(self.target.value or "")
        external = target is not None and target.kind == EXTERNAL
        self.level.disabled = not external
        if not external:
            self.level.value = _NO_LEVEL

    # -- redrawing -------------------------------------------------------------------

    def _refresh(self) -> None:
        cmap = self.cmap
        if self._built:
            names = [e.name for e in cmap.elements]
            keep = self.elements.value if self.elements.value in names else None
            self.elements.options = names
            self.elements.value = keep
            for box in (self.source, self.target):
                current = box.value
                box.options = names
                box.value = current if current in names else None
            team = [e.name for e in cmap.elements if e.kind == OWN_TEAM]
            if self.source.value is None and team:
                self.source.value = team[0]
            self._target_changed()
            labels = [
                (f"{c.source} → {c.target}" + (f": {c.handover}" if c.handover else ""), i)
                for i, c in enumerate(cmap.connections)
            ]
            self.links.options = labels
            self.links.value = None
            self.undo.description = f"Undo: bring back {self._undo[0]}" if self._undo else "Undo"
            self.undo.disabled = self._undo is None
            self.undo.layout = shared_layout() if self._undo else self._hidden
        if hasattr(self, "_example"):
            self._example.layout.display = "none" if cmap.elements else None
        if self._results:
            chart = self._results["chart"]
            if cmap.elements:
                chart.value = self._diagram_png()
                chart.layout.display = None
            else:
                chart.layout.display = "none"
            self._results["summary"].value = views.map_summary(cm.analyse(cmap))
        if self._downloads:
            self._refresh_downloads()

    def _diagram_png(self) -> bytes:
        from kit.charts import to_png

        # The diagram shows elements and who hands to whom, not the outputs' words
        # or promise sentences, so typing those does not redraw it (a redraw of a
        # 40-element map takes most of a second).
        key = (self.cmap.elements, tuple((c.source, c.target) for c in self.cmap.connections))
        if self._drawn is None or self._drawn[0] != key:
            self._drawn = (key, to_png(self.diagram()))
        return self._drawn[1]

    def diagram(self):
        """Draw the map with its findings marked; returns the matplotlib Axes."""
        # matplotlib loads on first use, so opening the page does not pay for it.
        from kit.maps.charts import customer_map

        summary = cm.analyse(self.cmap)
        loops = {
            (name_key(a), name_key(b))
            for loop in summary.loops
            for a, b in zip(loop, loop[1:], strict=False)
        }
        unbridged = {
            (name_key(a), name_key(b))
            for sight in summary.unbridged
            for a, b in zip(sight.path, sight.path[1:], strict=False)
        }
        positions = cm.layout(self.cmap)
        return customer_map(self.cmap, positions, cm.unsighted(self.cmap), loops, unbridged)

    def _refresh_downloads(self) -> None:
        links = self._downloads["links"]
        if not self.cmap.elements:
            links.value = "<p class='kit-muted'>Downloads appear once the map has an element.</p>"
            return
        stamp = f"{date.today():%Y-%m-%d}"
        parts = [
            download_link(
                elements_csv(self.cmap), f"map-elements-{stamp}.csv", "text/csv", "Elements (CSV)"
            ),
            download_link(
                connections_csv(self.cmap),
                f"map-connections-{stamp}.csv",
                "text/csv",
                "Connections (CSV)",
            ),
        ]
        if self.participant is not None and self.store is not None:
            with contextlib.suppress(StoreError):  # the CSV links still carry the map
                parts.append(
                    download_link(
                        my_answers_file(self.store, self.participant),
                        f"my-answers-{stamp}.json",
                        "application/json",
                        "Download my answers (with the map)",
                    )
                )
        links.value = "<p>" + " · ".join(parts) + "</p>"


def _default_report(resume: str, store: str) -> str:
    from kit.report import workbook_report

    return workbook_report(WORKBOOK, REPORT_TITLE, resume=resume, store=store)
