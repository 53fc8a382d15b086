"""The questionnaire: one trait per page, progress, back and next, missing answers marked.

Built once for every instrument in the kit; it knows nothing of the store.
It reports each answer through ``on_answer`` the moment it is given, and calls
``on_finish`` when the person asks for results with every item answered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape

import ipywidgets as widgets

from kit.model import Instrument, Item
from kit.scoring import progress, rating, unanswered
from kit.ui.components import Notice


class Questionnaire:
    """Rate an instrument's items, one trait per page.

    Parameters
    ----------
    instrument : Instrument
    answers : mapping
        Answers already given (restored from the store), by item id.
    on_answer : callable
        ``on_answer(item_id, value)`` with ``value`` an int, on every change.
    on_finish : callable, optional
        Called when "See my results" is pressed and nothing is missing.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What to display.
    """

    def __init__(
        self,
        instrument: Instrument,
        answers: Mapping[str, object],
        on_answer: Callable[[str, int | None], None],
        on_finish: Callable[[], None] | None = None,
    ):
        self.instrument = instrument
        self._on_answer = on_answer
        self._on_finish = on_finish
        self._restoring = False
        self.radios: dict[str, widgets.RadioButtons] = {}
        self._boxes: dict[str, widgets.VBox] = {}
        self._flags: dict[str, widgets.HTML] = {}
        self._page_of: dict[str, int] = {}

        pages = []
        for number, trait in enumerate(instrument.traits):
            rows = [
                widgets.HTML(
                    f"<h3>{escape(trait.name)}</h3><p class='kit-muted'>{escape(trait.definition)}</p>"
                )
            ]
            rows += [self._item_row(item, number) for item in trait.items]
            pages.append(widgets.VBox(rows))
        self.pages = widgets.Stack(pages, selected_index=0)
        self.progress = widgets.HTML()
        self.back = widgets.Button(description="Back", tooltip="Previous trait")
        self.next = widgets.Button(description="Next", button_style="primary", tooltip="Next trait")
        self.finish = widgets.Button(description="See my results", button_style="success")
        self.notice = Notice()
        for button, handler in (
            (self.back, lambda _: self.go(self.page - 1)),
            (self.next, lambda _: self.go(self.page + 1)),
            (self.finish, lambda _: self.try_finish()),
        ):
            button.on_click(handler)
        nav = widgets.HBox([self.back, self.next, self.finish])
        self.widget = widgets.VBox([self.progress, self.pages, nav, self.notice])
        self.widget.add_class("kit-questionnaire")
        self.restore(answers)
        self.go(0)

    def _item_row(self, item: Item, page: int) -> widgets.VBox:
        scale = self.instrument.scale
        radio = widgets.RadioButtons(
            options=[(label, value) for value, label in enumerate(scale.labels, start=1)],
            value=None,
            layout=widgets.Layout(width="auto"),
        )
        radio.add_class("kit-scale")
        radio.observe(
            lambda change, item_id=item.id: self._changed(item_id, change["new"]), "value"
        )
        flag = widgets.HTML("")
        text = widgets.HTML(f"<div class='kit-item-text'>{escape(item.text)}</div>")
        box = widgets.VBox([text, radio, flag])
        box.add_class("kit-item")
        self.radios[item.id] = radio
        self._boxes[item.id] = box
        self._flags[item.id] = flag
        self._page_of[item.id] = page
        return box

    # -- state -----------------------------------------------------------------

    @property
    def page(self) -> int:
        """The index of the trait page shown."""
        return self.pages.selected_index or 0

    @property
    def answers(self) -> dict[str, int]:
        """The ratings given so far, by item id."""
        return {k: r.value for k, r in self.radios.items() if r.value is not None}

    def restore(self, answers: Mapping[str, object]) -> None:
        """Show stored answers without reporting them back as new ones."""
        self._restoring = True
        try:
            for item_id, radio in self.radios.items():
                radio.value = rating(answers.get(item_id), self.instrument.scale.points)
        finally:
            self._restoring = False
        self._refresh()

    def _changed(self, item_id: str, value: int | None) -> None:
        if value is not None:
            self._mark(item_id, missing=False)
        self._refresh()
        if not self._restoring:
            self._on_answer(item_id, value)

    # -- navigation ------------------------------------------------------------

    def go(self, page: int) -> None:
        """Show trait page ``page`` (clamped to the valid range)."""
        last = len(self.instrument.traits) - 1
        self.pages.selected_index = max(0, min(page, last))
        self.back.disabled = self.page == 0
        self.next.disabled = self.page == last
        self._refresh()

    def try_finish(self) -> bool:
        """Mark every unanswered item; finish if there are none.

        Returns
        -------
        bool
            True when everything was answered and ``on_finish`` ran.
        """
        missing = unanswered(self.instrument, self.answers)
        for item_id in self.radios:
            self._mark(item_id, missing=item_id in missing)
        if missing:
            self.go(self._page_of[missing[0]])
            n = len(missing)
            self.notice.show(
                "warn",
                f"{n} statement{'' if n == 1 else 's'} still need{'s' if n == 1 else ''} an "
                "answer: they are marked in red. This page shows the first of them.",
            )
            return False
        self.notice.clear()
        if self._on_finish is not None:
            self._on_finish()
        return True

    def _mark(self, item_id: str, missing: bool) -> None:
        box = self._boxes[item_id]
        if missing:
            box.add_class("kit-missing")
            self._flags[item_id].value = "<span class='kit-missing-flag'>Not answered yet</span>"
        else:
            box.remove_class("kit-missing")
            self._flags[item_id].value = ""

    def _refresh(self) -> None:
        if not hasattr(self, "progress"):
            return
        done, total = progress(self.instrument, self.answers)
        self.progress.value = (
            f"<div class='kit-progress' aria-live='polite'>Trait {self.page + 1} of "
            f"{len(self.instrument.traits)} · {done} of {total} answered</div>"
        )
        if done == total and self.notice.value and "kit-warn" in self.notice.value:
            self.notice.clear()
