"""The value-chain check's controller: the check as frozen state, each edit checked and saved whole. No widgets.

:class:`ChainController` holds a :class:`ChainState` (the check, the version
saved, its picture, what one Undo brings back, and what the last action
said) and replaces it on every action. The page (:mod:`kit.organisation.pages`)
draws its sections from the state and passes what was typed to the
actions; tests call them directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from kit.controller import Controller, Message
from kit.maps.model import CustomerMap, name_key
from kit.model import Participant
from kit.organisation import logic
from kit.organisation.files import check_to_dict
from kit.organisation.model import ChainContent, Segment, ValueChainCheck
from kit.store.errors import MapChangedError

if TYPE_CHECKING:
    from kit.database import PageStore


@dataclass(frozen=True)
class ChainState:
    """What the check's page shows."""

    check: ValueChainCheck
    picture: logic.ChainPicture
    version: int = 0
    undo: tuple[str, str, int, Any] | None = None  # (what, list, where it was, the row deleted)
    message: Message | None = None


class ChainController(Controller):
    """One manager's value-chain check and cascade: edits, undo, each saved whole.

    Parameters
    ----------
    store : PageStore or None
        Where the check is saved; None when the page cannot save.
    check : ValueChainCheck
        The check the page opened.
    version : int
        Its version in the store (0 for none yet).
    person : callable
        Returns the person saving, creating them on their first edit.
    content : ChainContent
    cmap : CustomerMap, optional
        The person's customer map: its paying customers and teams are offered.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import Store
    >>> from kit.organisation.content import chain_content
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
    >>> me = store.create_participant()
    >>> page = ChainController(store, ValueChainCheck(), 0, lambda: me, chain_content())
    >>> page.edit(logic.set_leaders, "Saved.", seniors="ten")
    False
    >>> page.state.message
    ('error', "The number of senior people is a whole number, such as 3; not 'ten'.")
    >>> page.edit(logic.set_leaders, "Saved.", seniors="10"), page.state.version
    (True, 1)
    >>> store.close()
    """

    def __init__(
        self,
        store: PageStore | None,
        check: ValueChainCheck,
        version: int,
        person: Callable[[], Participant],
        content: ChainContent,
        cmap: CustomerMap | None = None,
    ):
        self.store = store
        self._person = person
        self.content = content
        self.cmap = cmap or CustomerMap()
        self.state = ChainState(check, logic.picture(check, content, self.cmap), version)

    def edit(
        self, change: Callable[..., ValueChainCheck], done: str, *args: Any, **values: Any
    ) -> bool:
        """Make one edit (a function of :mod:`kit.organisation.logic`) and save the check.

        ``change`` is called with the check and the content (where it takes
        them), then ``args`` and ``values``; a refused edit only says why.
        """
        try:
            if change is logic.set_text or change is logic.set_step:
                new = change(self.state.check, *args, **values)
            else:
                new = change(self.state.check, self.content, *args, **values)
        except logic.CheckEditError as err:
            return self._say("error", str(err))
        if new == self.state.check:
            return True  # a box set to what it holds: nothing to save
        return self._commit(new, done, self.state.undo)

    def delete_row(self, part: str, index: int) -> bool:
        """Delete one row of a list; Undo brings it back."""
        try:
            new, gone = logic.delete_row(self.state.check, part, index)
        except logic.CheckEditError as err:
            return self._say("error", str(err))
        label = logic._row_label(gone)
        return self._commit(new, f"Deleted '{label}'.", (f"'{label}'", part, index, gone))

    def undo_last(self) -> bool:
        """Bring back the row the last delete removed, into the check as it is now.

        Only that row comes back: whatever was saved since the delete stays.
        """
        undo = self.state.undo
        if undo is None:
            return self._say("warn", "There is nothing to undo.")
        label, part, index, row = undo
        try:
            new = logic.restore_row(self.state.check, part, index, row)
        except logic.CheckEditError as err:
            return self._say("error", str(err))
        return self._commit(new, f"Brought back {label}.", None)

    def fill_from_map(self) -> bool:
        """Add the customer map's paying customers as segments, with the level the map gives."""
        have = {name_key(s.name) for s in self.state.check.segments}
        new = [
            Segment(name, offers=level)
            for name, level in logic.paying_customers(self.cmap)
            if name_key(name) not in have
        ]
        if not logic.paying_customers(self.cmap):
            return self._say(
                "warn",
                "Your customer map (workbook 3) has no paying customers yet: add segments here "
                "by hand, or add the customers to your map first.",
            )
        if not new:
            return self._say("note", "Every paying customer on your map is already listed.")
        check = replace(self.state.check, segments=(*self.state.check.segments, *new))
        if len(check.segments) > logic.MAX_ROWS:
            return self._say("error", f"The list holds at most {logic.MAX_ROWS} segments.")
        names = ", ".join(s.name for s in new)
        return self._commit(check, f"Added from your map: {names}.", self.state.undo)

    # -- the one way every change is saved ---------------------------------------------

    def _commit(
        self, new: ValueChainCheck, done: str, undo: tuple[str, str, int, Any] | None
    ) -> bool:
        # The check stays on screen even when it cannot be saved: the person
        # sees their edit and the message says what to do.
        self.state = replace(
            self.state,
            check=new,
            picture=logic.picture(new, self.content, self.cmap),
            undo=undo,
        )
        if self.store is None:
            return self._say("error", "This page cannot save (see the message at the top).")
        try:
            version = self.store.save_value_chain(
                self._person().id, check_to_dict(new), self.state.version
            )
        except MapChangedError as err:
            return self._say("error", f"Not saved: {err}.")
        except Exception as err:  # noqa: BLE001 - the page must never show a traceback
            return self._say(
                "error",
                f"The check could not be saved ({type(err).__name__}: {err}). It is still on "
                "screen; try again in a moment.",
            )
        self.state = replace(self.state, version=version, message=("ok", done))
        return True
