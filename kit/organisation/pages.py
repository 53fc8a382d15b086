"""Workbook 07, the value-chain check: where customer focus stops on its way down, and the cascaded promise.

The notebook makes one :class:`ValueChainApp` and calls one method per
section. Every edit goes through :mod:`kit.organisation.logic` (which checks
it and returns a new check) and is saved whole: a choice at once, a text box
while the person types (:class:`kit.ui.live.SavedAsTyped`, at each pause and
when the page closes); with ``report=True`` the sections return static HTML, so
the same notebook is the report for a leadership meeting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date
from functools import partial
from html import escape
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML

from kit.content import ContentError
from kit.database import PageStore
from kit.maps.logic import RELATIONSHIP_LEVELS
from kit.maps.model import CustomerMap
from kit.model import Participant
from kit.organisation import logic, views
from kit.organisation.content import chain_content
from kit.organisation.controllers import ChainController, ChainState
from kit.organisation.files import CheckFileError, check_from_dict, plan_csv, plan_ics
from kit.organisation.model import ChainContent, ValueChainCheck
from kit.store.errors import StoreError
from kit.style import STYLE
from kit.ui.components import (
    Notice,
    control,
    download_link,
    hbox,
    html,
    label_style,
    messages,
    sized_layout,
    vbox,
)
from kit.ui.live import SAVING, SavedAsTyped
from kit.ui.page import Problems, WorkbookPage, open_for
from kit.workbooks import workbook

WORKBOOK = workbook("value_chain").file
REPORT_TITLE = "The value-chain check: where customer focus stops"
INTRO = (
    "<p>Customer focus has to travel from the top of the organisation to every job. This "
    "check follows it down, one part at a time: how close the senior people are to "
    "customers, what the metrics and rewards of each role family carry of the customer, "
    "the skills it asks for, the kind of relationship each customer segment wants, and the "
    "people who bridge operations and the customer side. Then you name the paying customer, "
    "cascade the value promise to every level and team, and plan how to say it. The picture "
    "at the end shows where focus stops, the three largest gaps and a next step for each.</p>"
    "<p class='kit-muted'>What you type is saved as you go. Answer in any order; "
    "an empty box is read as not answered yet.</p>"
)
_NONE = ("—", "")
# The lists' fields: (field, label, kind, placeholder). Kinds: text, choice:<name>, levels.
_LISTS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "skills": (
        ("skill", "Skill", "text", "e.g. Selling solutions made of several components"),
        ("role", "Role", "choice:roles", ""),
        ("gap", "Gap", "choice:gaps", ""),
        ("step", "Next step", "text", "How the role will learn it"),
    ),
    "segments": (
        ("name", "Segment", "text", "e.g. Hospitals"),
        ("wants", "Wants", "choice:levels", ""),
        ("offers", "Offered", "choice:levels", ""),
        ("note", "Note", "text", "What they ask for, what you give"),
    ),
    "bridges": (
        ("name", "Name", "text", "Who bridges operations and the customer side"),
        ("role", "Role", "text", "e.g. Project manager"),
        ("chain", "Chain", "text", "The team or chain of your map they bridge"),
        ("identified", "Found by", "text", "How such people are identified"),
        ("cultivated", "Grown by", "text", "How they are developed"),
        ("promoted", "Way up", "text", "How they can be promoted"),
        ("rewarded", "Rewarded", "text", "How bridging is rewarded"),
    ),
    "messages": (
        ("text", "Message", "text", "What the message says about the promise"),
        ("audience", "Reaches", "levels", ""),
        ("medium", "Medium", "choice:media", ""),
        ("on", "Date", "text", "YYYY-MM-DD"),
        ("first", "Puts first", "choice:priorities", ""),
    ),
}
_ADD = {
    "skills": "Add skill",
    "segments": "Add segment",
    "bridges": "Add person",
    "messages": "Add message",
}
_NEW = "(a new one)"
LABEL_WIDTH = "9em"  # room for the labels of this page


class ValueChainApp(WorkbookPage):
    """One manager's value-chain check: the parts, the cascade, the picture and the downloads.

    Use :meth:`open`, which never raises: every problem becomes a message.
    The check lives in a :class:`~kit.organisation.controllers.ChainController`
    (frozen state, one write per edit); the sections draw from its state.
    """

    WORKBOOK = WORKBOOK
    REPORT_TITLE = REPORT_TITLE
    REPORT_FILE = "value-chain-report"
    NOTHING_TO_REPORT = "Answer at least one part first: the report shows your check."

    def __init__(
        self,
        store: PageStore | None,
        participant: Participant | None = None,
        check: ValueChainCheck | None = None,
        session: str | None = None,
        report: bool = False,
        problems: Problems = (),
        make_report: Callable[[str, str], str] | None = None,
        version: int = 0,
        cmap: CustomerMap | None = None,
        content: ChainContent | None = None,
    ):
        super().__init__(store, participant, session, report, problems, make_report=make_report)
        self.content = content or chain_content()
        self.controller = ChainController(
            store, check or ValueChainCheck(), version, self.person, self.content, cmap
        )
        self._boxes: list[tuple[widgets.Widget, Callable[[ChainState], Any]]] = []
        self._typing: dict[int, SavedAsTyped] = {}  # id(box) -> its saver, for every text box
        self._saving_typed = False
        self._lists: dict[str, dict[str, Any]] = {}

    @property
    def state(self) -> ChainState:
        """What the page shows (the controller's frozen state)."""
        return self.controller.state

    @property
    def check(self) -> ValueChainCheck:
        """The check as the page shows it."""
        return self.state.check

    # -- construction ----------------------------------------------------------------

    @classmethod
    def open(cls, resume: str = "", store: str = "", report: bool = False) -> ValueChainApp:
        """Open the check of the person the link or parameters name.

        Parameters
        ----------
        resume : str
            A resume code; in the app, ``?resume=`` in the link takes precedence.
        store : str
            The store's path or URL; empty for ``KIT_STORE`` or the default.
        report : bool
            Build static HTML (papermill runs and the downloadable report).
        """
        try:
            content = chain_content()
        except ContentError as err:
            problem = f"The check's wording in data/ is broken, so nothing can be saved: {err}"
            return cls(None, report=report, problems=(("error", problem),), content=_NO_CONTENT)
        opening = open_for(resume, store, report, what="Your check")
        if opening.store is None:
            return cls(None, report=report, problems=opening.problems, content=content)
        person = opening.participant
        try:
            version, body = opening.store.value_chain(person.id) if person else (0, None)
            check = check_from_dict(body, content) if body else ValueChainCheck()
            cmap = opening.store.customer_map(person.id) if person else CustomerMap()
        except (StoreError, CheckFileError) as err:
            # Editing a check that could not be read would save an empty one over it.
            return cls(
                None,
                report=report,
                content=content,
                problems=(
                    (
                        "error",
                        f"Your check could not be read: {err}. Reload the page to try again.",
                    ),
                ),
            )
        return cls(
            opening.store,
            participant=person,
            check=check,
            session=opening.session,
            report=report,
            problems=opening.problems,
            version=version,
            cmap=cmap,
            content=content,
        )

    # -- acting through the controller -------------------------------------------------

    def edit(
        self,
        change: Callable[..., ValueChainCheck],
        done: str,
        *args: Any,
        at: str = "",
        **values: Any,
    ) -> bool:
        """Make one edit, save the check, redraw; the message shows under the controls ``at``."""
        if self.drawing:
            return False  # the page setting its own boxes is not the person typing
        self._typed_first()
        if not self.controller.edit(change, done, *args, **values):
            # Refused: nothing changed, so nothing is redrawn and what was typed stays
            # in its box for the person to correct; the reason shows beside it.
            level, text = self.state.message or ("error", "Not saved.")
            self.say(level, text, self.notice_at(at))
            return False
        return self.acted(True, notice=self.notice_at(at))

    def delete_row(self, part: str, index: int) -> bool:
        """Delete one row of a list (Undo brings it back)."""
        self._typed_first()
        return self.acted(self.controller.delete_row(part, index), notice=self.notice_at(part))

    def undo_last(self) -> bool:
        """Bring back the last deleted row."""
        self._typed_first()
        return self.acted(self.controller.undo_last(), notice=self.notice_at("undo"))

    def fill_from_map(self) -> bool:
        """Add the customer map's paying customers as segments."""
        self._typed_first()
        return self.acted(self.controller.fill_from_map(), notice=self.notice_at("segments"))

    # -- text saved while typed -----------------------------------------------------------

    def _typed_first(self) -> None:
        """Save every box still waiting for its pause before another edit is made.

        An edit redraws the page from the store; a box whose keys were not saved
        yet would be set back to what the store holds and its keys lost.
        """
        if self._saving_typed:
            return  # a waiting box's own save is an edit too
        self._saving_typed = True
        try:
            for saver in list(self._typing.values()):
                if saver.pending:
                    saver.flush()
        finally:
            self._saving_typed = False

    def _saved_as_typed(
        self, box: widgets.Widget, save: Callable[[str], object], status: Any
    ) -> SavedAsTyped:
        saver = SavedAsTyped(box, lambda text: bool(save(text)), status)
        self._typing[id(box)] = saver
        return saver

    def _show(self, box: widgets.Widget, value: Any) -> None:
        """Set a box from the state, leaving alone the keys a person typed that are not saved."""
        saver = self._typing.get(id(box))
        if saver is None:
            if box.value != value:
                box.value = value
        elif saver.unsaved:
            return  # being saved now, or refused: what was typed stays to be corrected
        elif box.value != value:
            saver.show(value)

    # -- small builders ----------------------------------------------------------------

    def _bound(
        self,
        box: widgets.Widget,
        read: Callable[..., Any],
        save: Callable[..., object],
        at: str = "",
    ) -> widgets.Widget:
        """A box that shows ``read(state)`` on every redraw and calls ``save(value)`` when changed.

        A text box saves while the person types, "Saving…" showing in the notice
        ``at`` until the edit says what happened there.
        """
        self._boxes.append((box, read))
        with self.quietly():
            box.value = read(self.state)  # what is stored, before the person types
        if isinstance(box, widgets.Text | widgets.Textarea):
            self._saved_as_typed(box, save, self.notice_at(at))
        else:
            box.observe(lambda change: None if self.drawing else save(change["new"]), "value")
        return box

    def _draw_boxes(self, state: ChainState) -> None:
        with self.quietly():
            for box, read in self._boxes:
                self._show(box, read(state))

    def _text(
        self, label: str, placeholder: str = "", wide: bool = True, area: bool = False
    ) -> widgets.Widget:
        kind = widgets.Textarea if area else widgets.Text
        layout = sized_layout("98%") if wide else sized_layout("24em")
        return kind(
            description=label,
            placeholder=placeholder,
            layout=layout,
            style=label_style(kind, LABEL_WIDTH),
        )

    def _choices(self, name: str) -> list[tuple[str, str]]:
        c = self.content
        if name == "roles":
            return [(r.name, r.id) for r in c.roles]
        if name == "gaps":
            return [(o.label, o.id) for o in c.gap_levels]
        if name == "levels":
            return [_NONE, *((lvl, lvl) for lvl in RELATIONSHIP_LEVELS)]
        if name == "media":
            return [_NONE, *((m, m) for m in c.media)]
        if name == "priorities":
            return [_NONE, *((p, p) for p in c.priorities)]
        if name == "used":
            return [_NONE, ("Yes, in the regular work", "yes"), ("Partly", "partly"), ("No", "no")]
        raise KeyError(name)

    def _dropdown(self, label: str, name: str) -> widgets.Dropdown:
        return widgets.Dropdown(
            description=label,
            options=self._choices(name),
            layout=sized_layout("auto"),
            style=label_style(widgets.Dropdown, LABEL_WIDTH),
        )

    def _report_part(self, part: str) -> HTML:
        """A part's answers as the report shows them ('' on a page that cannot save)."""
        return HTML(views.part_html(self.check, self.content, part) if self.report else "")

    # -- sections --------------------------------------------------------------------

    def intro(self) -> widgets.Widget | HTML:
        """Messages, the resume code and what the check is for."""
        if self.report:
            heading = f"<p class='kit-muted'>Report made on {date.today():%d %B %Y}.</p>"
            return HTML(STYLE + messages(self.problems) + heading)
        team = ""
        if self.session:
            team = (
                "<p class='kit-note'>You are in a team session: your coach sees the managers' "
                "checks counted together"
                + (
                    " and, as the session names people, your own line."
                    if self.team and not self.team.anonymous
                    else ", never one manager's answers, once enough have saved one."
                )
                + "</p>"
            )
        self.drawn_by(self._draw_boxes, now=False)
        return vbox([*self.top(), html(INTRO + team), self.notice])

    def leaders(self) -> widgets.Widget | HTML:
        """Part 1: how close the senior people are to customers, in numbers."""
        if self.report or self.store is None:
            return self._report_part("leaders")
        c = self.content
        counts = []
        for key, label, hint in (
            ("seniors", "Senior people", "How many in all"),
            (
                "complaints",
                "Handled complaints",
                "Of them, how many handled a complaint personally last month",
            ),
            (
                "calls",
                "Listened in",
                "Of them, how many listened in on live customer calls last month",
            ),
        ):
            box = self._text(label, hint, wide=False)
            counts.append(
                self._bound(
                    box,
                    lambda s, k=key: (
                        ""
                        if getattr(s.check.leaders, k) is None
                        else str(getattr(s.check.leaders, k))
                    ),
                    lambda v, k=key: self.edit(logic.set_leaders, "Saved.", at="leaders", **{k: v}),
                    at="leaders",
                )
            )
        voices = []
        for option in c.voices:
            box = widgets.Checkbox(
                description=option.label, indent=False, layout=sized_layout("auto")
            )
            voices.append(
                self._bound(
                    box,
                    lambda s, o=option.id: o in s.check.leaders.voice,
                    lambda v, o=option.id: self._toggle_voice(o, v),
                )
            )
        note = self._bound(
            self._text("Anything else", "Where else is the customer heard at the top?"),
            lambda s: s.check.leaders.voice_note,
            lambda v: self.edit(logic.set_leaders, "Saved.", at="leaders", voice_note=v),
            at="leaders",
        )
        return vbox(
            [
                html(
                    "<p class='kit-muted'>Numbers, not impressions: count the senior people "
                    "(the leadership team and the level below it) and how many met customers "
                    "first-hand last month.</p>"
                ),
                *counts,
                html(
                    "<p><strong>Where is the customer's voice heard in leadership meetings?</strong></p>"
                ),
                *voices,
                note,
                self.notice_at("leaders"),
            ]
        )

    def _toggle_voice(self, option: str, on: bool) -> bool:
        voice = [v for v in self.check.leaders.voice if v != option]
        if on:
            voice.append(option)
        order = [o.id for o in self.content.voices]
        voice.sort(key=order.index)
        return self.edit(logic.set_leaders, "Saved.", at="leaders", voice=tuple(voice))

    def metrics(self) -> widgets.Widget | HTML:
        """Part 2: each role family's customer metrics, their use and what using them brings."""
        if self.report or self.store is None:
            return self._report_part("metrics")
        rows: list[widgets.Widget] = []
        for role in self.content.roles:
            rows.append(html(f"<h4>{escape(role.name)}</h4>"))
            for key, label, hint in (
                ("metrics", "Metrics", "Which of their metrics carry customer information?"),
                ("used", "Used in the work", ""),
                ("verified", "Checked by", "How do you see that the information is used?"),
                ("gain", "What they gain", "What does using it bring the person?"),
            ):
                box = self._dropdown(label, "used") if key == "used" else self._text(label, hint)
                rows.append(
                    self._bound(
                        box,
                        lambda s, r=role.id, k=key: getattr(s.check.metrics_of(r), k),
                        lambda v, r=role.id, k=key: self.edit(
                            logic.set_role, "Saved.", r, at="metrics", **{k: v}
                        ),
                        at="metrics",
                    )
                )
        active = self._bound(
            widgets.Checkbox(
                description="We are changing over to customer focus now",
                indent=False,
                layout=sized_layout("auto"),
            ),
            lambda s: s.check.transition.active,
            lambda v: self.edit(logic.set_transition, "Saved.", at="metrics", active=v),
        )
        adoption = [
            self._bound(
                self._text(label, hint),
                lambda s, k=key: getattr(s.check.transition, k),
                lambda v, k=key: self.edit(logic.set_transition, "Saved.", at="metrics", **{k: v}),
                at="metrics",
            )
            for key, label, hint in (
                (
                    "metrics",
                    "Adoption metrics",
                    "Temporary metrics that show the new ways are used",
                ),
                ("stakes", "Their stakes", "What people gain or lose on them"),
            )
        ]
        merit = self._bound(
            self._text("Merit", "How are people recognised for customer results?"),
            lambda s: s.check.merit,
            lambda v: self.edit(logic.set_text, "Saved.", "merit", v, at="metrics"),
            at="metrics",
        )
        return vbox(
            [
                *rows,
                html("<h4>During the change-over</h4>"),
                active,
                *adoption,
                merit,
                self.notice_at("metrics"),
            ]
        )

    def _list(
        self, part: str, intro: str, extra: list[widgets.Widget] | None = None
    ) -> widgets.Widget:
        """A list (skills, segments, bridge people, messages): pick a row to change it, or add one."""
        if self.report or self.store is None:
            return self._report_part(part) if part != "messages" else HTML("")
        picker = widgets.Dropdown(
            description="Choose",
            layout=sized_layout("98%"),
            style=label_style(widgets.Dropdown, LABEL_WIDTH),
        )
        boxes: dict[str, Any] = {}
        shown: list[widgets.Widget] = []
        for key, label, kind, hint in _LISTS[part]:
            if kind == "text":
                box: Any = self._text(label, hint)
            elif kind.startswith("choice:"):
                box = self._dropdown(label, kind.split(":")[1])
            else:
                checks = [
                    widgets.Checkbox(
                        description=lvl.name, indent=False, layout=sized_layout("auto")
                    )
                    for lvl in self.content.levels
                ]
                box = checks
                shown.append(
                    hbox([html(f"<span class='kit-muted'>{escape(label)}:</span>"), *checks])
                )
                boxes[key] = box
                for cb in checks:
                    cb.observe(lambda _, k=key: self._list_changed(part, k), "value")
                continue
            boxes[key] = box
            shown.append(box)
            if kind == "text":
                self._saved_as_typed(
                    box,
                    partial(self._list_typed, part, key),
                    _RowNotice(self.notice_at(part), lambda: self._lists[part]["row"] >= 0),
                )
            else:
                box.observe(lambda _, k=key: self._list_changed(part, k), "value")
        # Own layouts: these two are shown and hidden, and the shared one is every widget's.
        add = widgets.Button(
            description=_ADD[part], button_style="primary", layout=widgets.Layout()
        )
        add.on_click(lambda _: self._add_row(part))
        delete = widgets.Button(
            description="Delete", button_style="danger", layout=widgets.Layout()
        )
        delete.on_click(lambda _: self._delete_selected(part))
        undo = control(widgets.Button, description="Undo delete")
        undo.on_click(
            lambda _: self.acted(self.controller.undo_last(), notice=self.notice_at(part))
        )
        self._lists[part] = {
            "picker": picker,
            "boxes": boxes,
            "add": add,
            "delete": delete,
            "row": -1,  # the row the boxes show; a waiting box is saved to it
        }
        picker.observe(lambda _: self._picked(part), "value")
        self.drawn_by(lambda s: self._draw_list(part, s))
        return vbox(
            [
                html(intro),
                *(extra or []),
                picker,
                *shown,
                hbox([add, delete, undo]),
                self.notice_at(part),
            ]
        )

    def _rows(self, part: str, state: ChainState | None = None) -> tuple[Any, ...]:
        return getattr((state or self.state).check, part)

    def _draw_list(self, part: str, state: ChainState) -> None:
        parts = self._lists[part]
        rows = self._rows(part, state)
        options = [(_NEW, -1)] + [
            (f"{n + 1}. {logic._short(logic._row_label(r), 70)}", n) for n, r in enumerate(rows)
        ]
        with self.quietly():
            keep = parts["picker"].value if parts["picker"].value is not None else -1
            parts["picker"].options = options
            parts["picker"].value = keep if -1 <= keep < len(rows) else -1
        self._show_row(part, state)

    def _show_row(self, part: str, state: ChainState | None = None) -> None:
        parts = self._lists[part]
        index = parts["picker"].value
        rows = self._rows(part, state)
        row = rows[index] if index is not None and 0 <= index < len(rows) else None
        shown = index if row is not None else -1
        other_row = shown != parts["row"]
        parts["row"] = shown
        with self.quietly():
            for key, box in parts["boxes"].items():
                value = getattr(row, key) if row is not None else _blank(part, key, self.content)
                if isinstance(box, list):
                    for cb, lvl in zip(box, self.content.levels, strict=True):
                        cb.value = lvl.id in (value or ())
                    continue
                value = (
                    value if not isinstance(value, int) or isinstance(value, bool) else str(value)
                )
                saver = self._typing.get(id(box))
                if saver is not None and other_row:
                    saver.show(str(value))  # another row: what was typed for the last one is done
                else:
                    self._show(box, value)
        parts["add"].layout.display = None if row is None else "none"
        parts["delete"].layout.display = "none" if row is None else None

    def _picked(self, part: str) -> None:
        if not self.drawing:
            self._typed_first()  # saved to the row it was typed for, before another shows
            self._show_row(part)

    def _values(self, part: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, box in self._lists[part]["boxes"].items():
            if isinstance(box, list):
                out[key] = tuple(
                    lvl.id for cb, lvl in zip(box, self.content.levels, strict=True) if cb.value
                )
            else:
                out[key] = box.value
        return out

    def _list_typed(self, part: str, key: str, _text: str) -> bool:
        return self._list_changed(part, key)

    def _list_changed(self, part: str, key: str) -> bool:
        if self.drawing:
            return False
        index = self._lists[part]["row"]
        if index < 0:
            return True  # a new row is saved with its Add button
        return self.edit(
            logic.update_row, "Saved.", part, index, at=part, **{key: self._values(part)[key]}
        )

    def _add_row(self, part: str) -> bool:
        for box in self._lists[part]["boxes"].values():
            saver = self._typing.get(id(box)) if not isinstance(box, list) else None
            if saver is not None:
                saver.show(box.value)  # a new row's keys are saved by this button, not each pause
        done = self.edit(logic.add_row, "Added.", part, at=part, **self._values(part))
        if done:
            with self.quietly():
                self._lists[part]["picker"].value = len(self._rows(part)) - 1
            self._show_row(part)
        return done

    def _delete_selected(self, part: str) -> bool:
        self._typed_first()
        index = self._lists[part]["picker"].value
        if index is None or index < 0:
            return False
        with self.quietly():
            self._lists[part]["picker"].value = -1
        return self.delete_row(part, index)

    def skills(self) -> widgets.Widget | HTML:
        """Part 3: the new skills customer focus asks of each role, the gap and a next step."""
        examples = "; ".join(self.content.skill_examples)
        return self._list(
            "skills",
            f"<p class='kit-muted'>For example: {escape(examples)}.</p>",
        )

    def segments(self) -> widgets.Widget | HTML:
        """Part 4: per customer segment, the relationship wanted and the one offered."""
        fill = control(widgets.Button, description="Add my map's paying customers")
        fill.on_click(lambda _: self.fill_from_map())
        return self._list(
            "segments",
            "<p class='kit-muted'>Some customers want a long-term partnership, others a few "
            "services done well. The question is not whether to have a relationship but which "
            "level fits: when the level wanted and the level offered differ, the picture flags "
            "it.</p>",
            [fill] if logic.paying_customers(self.controller.cmap) else [],
        )

    def bridges(self) -> widgets.Widget | HTML:
        """Part 5: the people who bridge operations and the customer side, and how they are kept."""
        return self._list(
            "bridges",
            "<p class='kit-muted'>People who can turn a customer's need into a technical "
            "procedure, and back, are scarce. Name them, and say how such people are found, "
            "grown, promoted and rewarded; a chain of your map with nobody bridging it is "
            "flagged.</p>",
        )

    def cascade(self) -> widgets.Widget | HTML:
        """The paying customer, the value promise, and what it means for each level and team."""
        if self.report:
            return HTML(
                views.part_html(self.check, self.content, "cascade")
                + views.chains_html(self.state.picture)
            )
        if self.store is None:
            return HTML("")
        customer = self._bound(
            self._text(
                "Paying customer",
                "Who pays for what the organisation does, in one sentence",
                area=True,
            ),
            lambda s: s.check.customer,
            lambda v: self.edit(logic.set_text, "Saved.", "customer", v, at="cascade"),
            at="cascade",
        )
        promise = self._bound(
            self._text(
                "Value promise",
                "What the organisation promises that customer, in one sentence",
                area=True,
            ),
            lambda s: s.check.promise,
            lambda v: self.edit(logic.set_text, "Saved.", "promise", v, at="cascade"),
            at="cascade",
        )
        lines: list[widgets.Widget] = []
        places = [(lvl.id, lvl.name, "level") for lvl in self.content.levels] + [
            (t, t, "team") for t in logic.teams(self.controller.cmap)
        ]
        for where, name, kind in places:
            lines.append(
                html(f"<h4>{escape(name)}{' (team on your map)' if kind == 'team' else ''}</h4>")
            )
            for key, label, hint in (
                ("meaning", "It means", "What the promise means for this job"),
                ("behaviour", "Shown by", "One thing people here do that shows it"),
            ):
                lines.append(
                    self._bound(
                        self._text(label, hint),
                        lambda s, w=where, k=key, t=kind: getattr(s.check.line(w, t), k),
                        lambda v, w=where, k=key, t=kind: self.edit(
                            logic.set_line, "Saved.", w, t, at="cascade", **{k: v}
                        ),
                        at="cascade",
                    )
                )
        self.chains = html(views.chains_html(self.state.picture))
        self.drawn_by(lambda s: setattr(self.chains, "value", views.chains_html(s.picture)))
        return vbox([customer, self.chains, promise, *lines, self.notice_at("cascade")])

    def plan(self) -> widgets.Widget | HTML:
        """The communication plan: messages, media and dates, with its gaps flagged."""
        if self.report:
            return HTML(views.plan_html(self.check, self.state.picture, self.content))
        self.plan_view = html()
        self.drawn_by(
            lambda s: setattr(
                self.plan_view, "value", views.plan_html(s.check, s.picture, self.content)
            )
        )
        return vbox(
            [
                self._list(
                    "messages",
                    "<p class='kit-muted'>Plan messages that support one another: the same "
                    "promise, by more than one medium, each level hearing it from its own "
                    "managers first. Two messages that put different things first to the same "
                    "level are flagged.</p>",
                ),
                self.plan_view,
            ]
        )

    def picture(self) -> widgets.Widget | HTML:
        """The one-page picture: where focus stops, the three largest gaps, a next step for each."""
        if self.report:
            return HTML(views.report_html(self.check, self.state.picture, self.content))
        self.picture_view = html()
        self.step_boxes = [
            self._text(f"My step {n + 1}", "Write your own next step (optional)") for n in range(3)
        ]
        for box in self.step_boxes:
            box.layout = widgets.Layout(width="98%")  # its own: these are shown and hidden
        self._step_ids: list[str] = ["", "", ""]
        for n, box in enumerate(self.step_boxes):
            self._saved_as_typed(box, partial(self._step_typed, n), self.notice_at("picture"))
        self.drawn_by(self._draw_picture)
        return vbox([self.picture_view, *self.step_boxes, self.notice_at("picture")])

    def _draw_picture(self, state: ChainState) -> None:
        self.picture_view.value = views.picture_html(state.check, state.picture, self.content)
        top = state.picture.top
        with self.quietly():
            for n, box in enumerate(self.step_boxes):
                if n < len(top):
                    self._step_ids[n] = top[n].id
                    box.description = f"Step {n + 1}"
                    box.placeholder = f"Your own step for: {logic._short(top[n].title, 60)}"
                    self._show(box, state.check.step(top[n].id))
                    box.layout.display = None
                else:
                    self._step_ids[n] = ""
                    box.layout.display = "none"

    def _step_typed(self, n: int, text: str) -> bool:
        if self.drawing or not self._step_ids[n]:
            return False
        return self.edit(logic.set_step, "Saved your step.", self._step_ids[n], text, at="picture")

    def downloads(self) -> widgets.Widget | HTML:
        """The plan as a calendar file and CSV, the answers file and the report."""
        if self.report:
            return HTML("")
        self.plan_links = html()
        self.drawn_by(lambda s: setattr(self.plan_links, "value", self._plan_links(s)))
        return vbox(
            [
                html(
                    "<p>The calendar file puts each dated message in your calendar; the CSV "
                    "opens in a spreadsheet. The report is one page for a leadership meeting.</p>"
                ),
                self.plan_links,
                self.answers_download("Download my answers (with the check)"),
                self.report_download(),
            ]
        )

    def _plan_links(self, state: ChainState) -> str:
        if not state.check.messages:
            return "<p class='kit-muted'>Add a message to the plan to download it.</p>"
        key = self.participant.public_id if self.participant else "draft"
        return " ".join(
            [
                download_link(
                    plan_ics(state.check, self.content, key),
                    "value-promise-plan.ics",
                    "text/calendar",
                    "Plan as a calendar (.ics)",
                ),
                download_link(
                    plan_csv(state.check, self.content),
                    "value-promise-plan.csv",
                    "text/csv",
                    "Plan as CSV",
                ),
            ]
        )


class _RowNotice:
    """Where a list's text box says "Saving…": the list's notice, for a row that exists.

    A new row's boxes wait for the Add button, so typing there saves nothing
    and says nothing.
    """

    def __init__(self, notice: Notice, saving: Callable[[], bool]):
        self.notice = notice
        self.saving = saving

    @property
    def value(self) -> str:
        return str(self.notice.value)

    @value.setter
    def value(self, text: str) -> None:
        if text != SAVING or self.saving():
            self.notice.value = text


def _blank(part: str, key: str, content: ChainContent) -> Any:
    """What a box of a new row shows."""
    field = next(f for f in fields(logic.ROWS[part]) if f.name == key)
    if key == "gap":
        return "1"
    if key == "role" and part == "skills":
        return content.roles[-1].id if content.roles else ""
    if key == "audience":
        return ()
    return field.default if isinstance(field.default, str) else ""


# What a page opened with a broken content file draws from: nothing to offer.
_NO_CONTENT = ChainContent("", (), (), (), (), (), ())
