"""Workbook 03, the customer map: who receives each output, up the chain to the paying customer.

The notebook makes one :class:`CustomerMapApp` and calls one method per
section. Every edit goes through :mod:`kit.maps.logic` (which validates it
and returns a new map) and is saved at once; with ``report=True`` each
section returns static HTML, so the same notebook is the report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML

from kit.database import PageStore
from kit.maps import logic as cm
from kit.maps import views
from kit.maps.controllers import MapController, MapState
from kit.maps.files import (
    MapFileError,
    connections_csv,
    elements_csv,
    parse_map,
)
from kit.maps.model import ELEMENT_KINDS, EXTERNAL, INTERNAL, OWN_TEAM, CustomerMap, name_key
from kit.model import Participant
from kit.store.errors import StoreError
from kit.style import STYLE, png_img
from kit.ui.components import (
    control,
    download_link,
    hbox,
    html,
    messages,
    shared_layout,
    vbox,
)
from kit.ui.page import Problems, WorkbookPage, open_for
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


class CustomerMapApp(WorkbookPage):
    """One manager's customer map: the editor, the analysis and the downloads.

    Use :meth:`open`, which never raises: every problem becomes a message. The
    map lives in a :class:`~kit.maps.controllers.MapController` (frozen state,
    one write per edit); the sections draw from its state.
    """

    WORKBOOK = WORKBOOK
    REPORT_TITLE = REPORT_TITLE
    REPORT_FILE = "customer-map-report"
    NOTHING_TO_REPORT = "Add an element first: the report shows your map."

    def __init__(
        self,
        store: PageStore | None,
        participant: Participant | None = None,
        cmap: CustomerMap | None = None,
        session: str | None = None,
        report: bool = False,
        problems: Problems = (),
        make_report: Callable[[str, str], str] | None = None,
        version: int = 0,
    ):
        super().__init__(store, participant, session, report, problems, make_report=make_report)
        self.controller = MapController(store, cmap or CustomerMap(), version, self.person)
        self._drawn: tuple[tuple, bytes] | None = None  # the last diagram and what it showed

    @property
    def state(self) -> MapState:
        """What the page shows (the controller's frozen state)."""
        return self.controller.state

    @property
    def cmap(self) -> CustomerMap:
        """The map as the page shows it."""
        return self.state.cmap

    @property
    def version(self) -> int:
        """The stored map's version this page last read or wrote."""
        return self.state.version

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
        opening = open_for(resume, store, report, what="Maps")
        if opening.store is None:
            return cls(None, report=report, problems=opening.problems)
        person = opening.participant
        try:
            cmap = opening.store.customer_map(person.id) if person else CustomerMap()
            version = opening.store.map_version(person.id) if person else 0
        except StoreError as err:
            # Editing a map that could not be read would save an empty one over it.
            return cls(
                None,
                report=report,
                problems=(
                    ("error", f"Your map could not be read: {err}. Reload the page to try again."),
                ),
            )
        return cls(
            opening.store,
            participant=person,
            cmap=cmap,
            session=opening.session,
            report=report,
            problems=opening.problems,
            version=version,
        )

    # -- acting through the controller -------------------------------------------------

    def apply(
        self,
        edit: Callable[[CustomerMap], CustomerMap | tuple[CustomerMap, cm.Deleted]],
        done: str,
        then: Callable[[], object] | None = None,
        at: str = "element",
    ) -> bool:
        """Make one edit, save the map, and redraw; a refused edit only shows why.

        ``then`` runs after a saved edit, before the message shows (it clears
        the boxes the edit came from); the message shows under the controls
        named by ``at`` (see :meth:`notice_at`).
        """
        return self.acted(self.controller.apply(edit, done), then, self.notice_at(at))

    def undo_last(self) -> bool:
        """Undo the last delete (or the last replacement of the whole map)."""
        return self.acted(self.controller.undo_last(), notice=self.notice_at("undo"))

    def load_example(self) -> bool:
        """Fill an empty map with the example company's map."""
        return self.acted(self.controller.load_example(), notice=self.notice_at("example"))

    def import_files(self, files: list[tuple[str, bytes]]) -> bool:
        """Replace the map with uploaded elements and connections CSV files (all or nothing)."""
        return self.acted(self.controller.import_files(files), notice=self.notice_at("import"))

    # -- sections --------------------------------------------------------------------

    def intro(self) -> widgets.Widget | HTML:
        """Messages, the resume code, the introduction and the example button."""
        if self.report:
            heading = f"<p class='kit-muted'>Report made on {date.today():%d %B %Y}.</p>"
            return HTML(STYLE + messages(self.problems) + heading)
        self.example = widgets.Button(description="Load the example map", icon="")
        self.example.on_click(lambda _: self.load_example())
        self.drawn_by(
            lambda s: setattr(self.example.layout, "display", "none" if s.cmap.elements else None)
        )
        return vbox([*self.top(), html(INTRO), self.example, self.notice_at("example")])

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
            box.observe(lambda _: self._save_element(auto=True), "value")
        for box in (self.l_handover, self.l_level, self.l_promise):
            box.observe(lambda _: self._save_connection(auto=True), "value")
        self.undo = control(widgets.Button, description="Undo", icon="")
        self.undo.on_click(lambda _: self.undo_last())
        self.upload = control(
            widgets.FileUpload, accept=".csv", multiple=True, description="Import CSV"
        )
        self.upload.observe(lambda _: self._uploaded(), "value")
        self.drawn_by(self._draw_editor)
        editor = vbox(
            [
                self.notice,
                hbox([self.undo]),
                self.notice_at("undo"),
                html("<h3>Elements: your team, internal customers, paying customers</h3>"),
                hbox([self.name, self.kind]),
                hbox([self.bridge, self.add_element]),
                self.notes,
                self.notice_at("add element"),
                self.elements,
                html(
                    "<p class='kit-muted'>Choose an element in the list to rename, change or "
                    "delete it.</p>"
                ),
                hbox([self.e_name, self.e_kind, self.e_bridge]),
                self.e_notes,
                hbox([self.e_save, self.e_delete]),
                self.notice_at("element"),
                html(
                    "<h3>Outputs: who receives what</h3><p class='kit-muted'>One link per "
                    "pair: from the element that hands something over to the one that "
                    "receives it. The relationship level applies to a paying customer.</p>"
                ),
                hbox([self.source, self.target]),
                hbox([self.handover, self.level]),
                self.promise,
                self.add_link,
                self.notice_at("add link"),
                self.links,
                html("<p class='kit-muted'>Choose a link in the list to change or delete it.</p>"),
                hbox([self.l_handover, self.l_level]),
                self.l_promise,
                hbox([self.l_save, self.l_delete]),
                self.notice_at("link"),
                html(
                    "<h3>Import</h3><p class='kit-muted'>Upload an elements CSV (Label, Type, "
                    "Description, Bridge) and a connections CSV (From, To, Label, Level, "
                    "Promise), as Kumu and spreadsheets write them. The upload replaces the "
                    "map; Undo brings the old one back.</p>"
                ),
                self.upload,
                self.notice_at("import"),
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
        chart.add_class("kit-map-diagram")
        self.chart, self.summary = chart, html()
        self.drawn_by(self._draw_results)
        return vbox([chart, html(views.MAP_LEGEND), self.summary])

    def downloads(self) -> widgets.Widget | HTML:
        """The map as CSV files, the answers file with the map, and the report."""
        if self.report:
            return HTML("")
        self.csv_links = html()
        self.drawn_by(lambda s: setattr(self.csv_links, "value", _csv_links(s.cmap)))
        return vbox(
            [
                html(
                    "<p>The CSV files open in a spreadsheet or a mapping tool such as Kumu, and "
                    "load back here. The answers file carries the map and your other answers "
                    "to the start page of any copy of the kit.</p>"
                ),
                self.csv_links,
                self.answers_download("Download my answers (with the map)"),
                self.report_download(),
            ]
        )

    # -- reactions -------------------------------------------------------------------

    def _add_element(self) -> None:
        name = self.name.value

        def clear() -> None:
            self.name.value = self.notes.value = ""
            self.bridge.value = False

        self.apply(
            lambda m: cm.add_element(m, name, self.kind.value, self.notes.value, self.bridge.value),
            f"Added '{cm.clean(name)}'.",
            then=clear,
            at="add element",
        )

    def _selected(self) -> str | None:
        return self.elements.value

    def _show_element(self) -> None:
        element = self.cmap.element(self._selected() or "")
        if element is None:
            return
        with self.quietly():
            self.e_name.value, self.e_kind.value = element.name, element.kind
            self.e_bridge.value, self.e_notes.value = element.bridge, element.notes

    def _save_element(self, auto: bool = False) -> None:
        if auto and self.drawing:
            return  # the page is showing the chosen element, nobody typed
        name = self._selected()
        if name is None:
            if not auto:
                self.say("warn", "Choose an element in the list first.", self.notice_at("element"))
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

        def keep_selected() -> None:
            # Keep the renamed element selected; after a refused rename, keep what was typed.
            renamed = self.cmap.element(new_name)
            if renamed is not None:
                self.elements.value = renamed.name

        self.apply(
            lambda m: cm.update_element(m, name, new_name, kind, notes, bridge),
            f"Saved '{cm.clean(new_name)}'.",
            then=keep_selected,
        )

    def _delete_element(self) -> None:
        name = self._selected()
        if name is None:
            self.say("warn", "Choose an element in the list first.", self.notice_at("element"))
            return
        self.apply(lambda m: cm.delete_element(m, name), f"Deleted '{name}'. Undo brings it back.")

    def _add_connection(self) -> None:
        source, target = self.source.value, self.target.value
        if not source or not target:
            self.say(
                "warn",
                "Add at least two elements, then choose From and To.",
                self.notice_at("add link"),
            )
            return
        level = "" if self.level.value == _NO_LEVEL else self.level.value
        handover, promise = self.handover.value, self.promise.value

        def clear() -> None:
            self.handover.value = self.promise.value = ""
            self.level.value = _NO_LEVEL

        self.apply(
            lambda m: cm.add_connection(m, source, target, handover, level, promise),
            f"Linked '{source}' to '{target}'.",
            then=clear,
            at="add link",
        )

    def _show_connection(self) -> None:
        index = self.links.value
        if index is None or index >= len(self.cmap.connections):
            return
        c = self.cmap.connections[index]
        target = self.cmap.element(c.target)
        with self.quietly():
            self.l_handover.value, self.l_promise.value = c.handover, c.promise
            self.l_level.value = c.level or _NO_LEVEL
            self.l_level.disabled = target is None or target.kind != EXTERNAL

    def _save_connection(self, auto: bool = False) -> None:
        if auto and self.drawing:
            return  # the page is showing the chosen link, nobody typed
        index = self.links.value
        if index is None or index >= len(self.cmap.connections):
            if not auto:
                self.say("warn", "Choose a link in the list first.", self.notice_at("link"))
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
        self.apply(
            lambda m: cm.update_connection(m, index, **fields),
            "Saved the link.",
            then=lambda: setattr(self.links, "value", index),
            at="link",
        )

    def _delete_connection(self) -> None:
        index = self.links.value
        if index is None:
            self.say("warn", "Choose a link in the list first.", self.notice_at("link"))
            return
        self.apply(
            lambda m: cm.delete_connection(m, index),
            "Deleted the link. Undo brings it back.",
            at="link",
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

    def _draw_editor(self, s: MapState) -> None:
        cmap = s.cmap
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
        self.undo.description = f"Undo: bring back {s.undo.label}" if s.undo else "Undo"
        self.undo.disabled = s.undo is None
        self.undo.layout = shared_layout() if s.undo else self._hidden

    def _draw_results(self, s: MapState) -> None:
        if s.cmap.elements:
            self.chart.value = self._diagram_png()
            self.chart.layout.display = None
        else:
            self.chart.layout.display = "none"
        self.summary.value = views.map_summary(cm.analyse(s.cmap))

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


def _csv_links(cmap: CustomerMap) -> str:
    if not cmap.elements:
        return "<p class='kit-muted'>Downloads appear once the map has an element.</p>"
    stamp = f"{date.today():%Y-%m-%d}"
    parts = [
        download_link(
            elements_csv(cmap), f"map-elements-{stamp}.csv", "text/csv", "Elements (CSV)"
        ),
        download_link(
            connections_csv(cmap), f"map-connections-{stamp}.csv", "text/csv", "Connections (CSV)"
        ),
    ]
    return "<p>" + " · ".join(parts) + "</p>"
