"""The questionnaire: one trait per page, progress, back and next, missing answers marked.

Built once for every instrument in the kit; it knows nothing of the store and
keeps no answers of its own: it reads them from its owner (``answers``, a
callable returning the page's one copy), reports each answer through
``on_answer`` the moment it is given, and calls ``on_finish`` when the person
asks for results with every item answered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle

from kit.instruments.model import Instrument, Item
from kit.instruments.scoring import progress, rating, unanswered
from kit.ui.components import Notice, control, hbox, html, vbox


class Questionnaire:
    """Rate an instrument's items, one trait per page.

    Parameters
    ----------
    instrument : Instrument
    answers : callable
        Returns the answers given so far, by item id (the page's one copy).
    on_answer : callable
        ``on_answer(item_id, value)`` with ``value`` an int, on every change.
    on_finish : callable, optional
        Called when "See my results" is pressed and nothing is missing.
    section : str, default "Trait"
        What one page is called in the progress line ("Trait 2 of 5").

    Attributes
    ----------
    widget : ipywidgets.VBox
        What to display.
    """

    def __init__(
        self,
        instrument: Instrument,
        answers: Callable[[], Mapping[str, object]],
        on_answer: Callable[[str, int | None], None],
        on_finish: Callable[[], None] | None = None,
        section: str = "Trait",
    ):
        self.instrument = instrument
        self.section = section
        self._on_answer = on_answer
        self._on_finish = on_finish
        self._restoring = False
        self._given = answers
        self._missing: set[str] = set()
        self.radios: dict[str, widgets.RadioButtons] = {}
        self._boxes: dict[str, widgets.VBox] = {}
        self._texts: dict[str, widgets.HTML] = {}
        self._item_text = {item.id: item.text for item in instrument.items}
        self._page_of = {
            item.id: number
            for number, trait in enumerate(instrument.traits)
            for item in trait.items
        }
        self._built: dict[int, widgets.VBox] = {}
        self._moves = 0  # page turns: each marks the progress line for kit.js to focus
        # Shared by all items, like the components' defaults (see shared_layout).
        self._radio_layout = widgets.Layout(width="auto")
        self._radio_style = DescriptionStyle(description_width="0px")

        self.page_box = vbox()
        self.progress = html()
        self.back = control(widgets.Button, description="Back", tooltip="Previous page")
        self.next = control(
            widgets.Button, description="Next", button_style="primary", tooltip="Next page"
        )
        self.finish = control(widgets.Button, description="See my results", button_style="success")
        self.notice = Notice()
        for button, handler in (
            (self.back, lambda _: self.go(self.page - 1)),
            (self.next, lambda _: self.go(self.page + 1)),
            (self.finish, lambda _: self.try_finish()),
        ):
            button.on_click(handler)
        nav = hbox([self.back, self.next, self.finish])
        self.widget = vbox([self.progress, self.page_box, nav, self.notice])
        self.widget.add_class("kit-questionnaire")
        self._page = 0
        self.go(0)

    def _build_page(self, number: int) -> widgets.VBox:
        # Pages are built when first shown, so the page loads with one trait's
        # widgets rather than all of them.
        if number not in self._built:
            trait = self.instrument.traits[number]
            rows = [
                html(
                    f"<h3>{escape(trait.name)}</h3><p class='kit-muted'>{escape(trait.definition)}</p>",
                )
            ]
            rows += [self._item_row(item) for item in trait.items]
            self._built[number] = vbox(rows)
        return self._built[number]

    def _item_row(self, item: Item) -> widgets.VBox:
        scale = self.instrument.scale
        radio = widgets.RadioButtons(
            options=[(label, value) for value, label in enumerate(scale.labels, start=1)],
            value=self.answers.get(item.id),
            layout=self._radio_layout,
            style=self._radio_style,
        )
        radio.add_class("kit-scale")
        radio.observe(
            lambda change, item_id=item.id: self._changed(item_id, change["new"]), "value"
        )
        text = html()
        box = vbox([text, radio])
        box.add_class("kit-item")
        self.radios[item.id] = radio
        self._boxes[item.id] = box
        self._texts[item.id] = text
        self._mark(item.id, item.id in self._missing)
        return box

    # -- state -----------------------------------------------------------------

    @property
    def page(self) -> int:
        """The index of the trait page shown."""
        return self._page

    @property
    def answers(self) -> dict[str, int]:
        """The ratings given so far, by item id (read from the owner's answers)."""
        points = self.instrument.scale.points
        given = self._given()
        return {
            item.id: value
            for item in self.instrument.items
            if (value := rating(given.get(item.id), points)) is not None
        }

    def radio(self, item_id: str) -> widgets.RadioButtons:
        """Return an item's radio buttons, building its page if need be."""
        self._build_page(self._page_of[item_id])
        return self.radios[item_id]

    def restore(self) -> None:
        """Show the owner's answers (changed elsewhere) without reporting them back as new ones."""
        ratings = self.answers
        self._restoring = True
        try:
            for item_id, radio in self.radios.items():
                radio.value = ratings.get(item_id)
        finally:
            self._restoring = False
        self._refresh()

    def _changed(self, item_id: str, value: int | None) -> None:
        if self._restoring:
            return
        if value is not None:
            self._mark(item_id, missing=False)
        self._on_answer(item_id, value)  # the owner keeps it; this page reads it back
        self._refresh()

    # -- navigation ------------------------------------------------------------

    def go(self, page: int) -> None:
        """Show trait page ``page`` (clamped to the valid range)."""
        last = len(self.instrument.traits) - 1
        turned = max(0, min(page, last)) != self._page
        self._page = max(0, min(page, last))
        if turned:
            # The page script (kit.js) moves focus and the view to the top of the new
            # page, so a keyboard's next Tab is its first statement, not the old page's end.
            self._moves += 1
        self.page_box.children = (self._build_page(self._page),)
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
        for item in self.instrument.items:
            self._mark(item.id, missing=item.id in missing)
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
        if missing:
            self._missing.add(item_id)
        else:
            self._missing.discard(item_id)
        if item_id not in self._boxes:
            return  # its page is not built yet; the mark is applied when it is
        box = self._boxes[item_id]
        flag = "<div class='kit-missing-flag'>Not answered yet</div>" if missing else ""
        text = self._item_text[item_id]
        self._texts[item_id].value = f"<div class='kit-item-text'>{escape(text)}</div>{flag}"
        if missing:
            box.add_class("kit-missing")
        else:
            box.remove_class("kit-missing")

    def _refresh(self) -> None:
        done, total = progress(self.instrument, self.answers)
        mark = f" tabindex='-1' data-kit-go='page-{self._moves}'" if self._moves else ""
        self.progress.value = (
            f"<div class='kit-progress' aria-live='polite'{mark}>{self.section} {self.page + 1} "
            f"of {len(self.instrument.traits)} · {done} of {total} answered</div>"
        )
        if done == total and self.notice.value and "kit-warn" in self.notice.value:
            self.notice.clear()
