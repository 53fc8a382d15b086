"""The customer map's controller: the map as frozen state, each edit checked and saved in one write. No widgets.

:class:`MapController` holds a :class:`MapState` (the map, the version saved,
what one Undo brings back, and what the last action said) and replaces it on
every action. The page (:mod:`kit.maps.pages`) draws its sections from the
state and passes what was typed to the actions; tests call them directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kit.controller import Controller, Message
from kit.maps import logic as cm
from kit.maps.files import MapFileError, example_map, map_file_kind, parse_map
from kit.maps.model import CustomerMap
from kit.model import Participant
from kit.store.errors import MapChangedError

if TYPE_CHECKING:
    from kit.database import PageStore


@dataclass(frozen=True)
class Undo:
    """What one press of Undo brings back.

    ``restore`` takes the map as it is and returns (the map brought back, how
    many links could not come back). ``lasting`` is False for a replaced map
    (an import), which can only be brought back before the next edit.
    """

    label: str
    restore: Callable[[CustomerMap], tuple[CustomerMap, int]]
    lasting: bool = True


@dataclass(frozen=True)
class MapState:
    """What the map page shows."""

    cmap: CustomerMap = CustomerMap()
    version: int = 0  # the stored map's version this page last read or wrote
    undo: Undo | None = None
    message: Message | None = None


class MapController(Controller):
    """One manager's map: edits, undo, the example and CSV imports, each saved whole.

    Parameters
    ----------
    store : PageStore or None
        Where the map is saved; None when the page cannot save.
    cmap : CustomerMap
        The map the page opened.
    version : int
        Its version in the store, so an edit made in another window is never
        silently overwritten.
    person : callable
        Returns the person saving, creating them on their first edit.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import Store
    >>> from kit.maps import logic as cm
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
    >>> me = store.create_participant()
    >>> editor = MapController(store, CustomerMap(), 0, lambda: me)
    >>> editor.apply(lambda m: cm.add_element(m, "Field service", "own team"), "Added.")
    True
    >>> editor.apply(lambda m: cm.add_element(m, "field  service", "own team"), "Added.")
    False
    >>> editor.state.message[0], editor.state.version
    ('error', 1)
    >>> store.close()
    """

    def __init__(
        self,
        store: PageStore | None,
        cmap: CustomerMap,
        version: int,
        person: Callable[[], Participant],
    ):
        self.store = store
        self._person = person
        self.state = MapState(cmap, version)

    def apply(
        self,
        edit: Callable[[CustomerMap], CustomerMap | tuple[CustomerMap, cm.Deleted]],
        done: str,
    ) -> bool:
        """Make one edit and save the map; a refused edit only says why.

        Parameters
        ----------
        edit : callable
            Takes the map and returns the new map, or (new map, what was deleted).
        done : str
            What to say when it worked.
        """
        try:
            result = edit(self.state.cmap)
        except cm.MapEditError as err:
            return self._say("error", str(err))
        undo = self.state.undo
        if isinstance(result, tuple):
            new, deleted = result
            undo = Undo(deleted.describe(), lambda m: cm.undo(m, deleted))
        else:
            new = result
            if undo is not None and not undo.lasting:
                undo = None  # a replaced map can only be brought back straight away
        return self._commit(new, done, undo)

    def undo_last(self) -> bool:
        """Undo the last delete (or the last replacement of the whole map)."""
        undo = self.state.undo
        if undo is None:
            return self._say("warn", "There is nothing to undo.")
        try:
            new, skipped = undo.restore(self.state.cmap)
        except cm.MapEditError as err:
            return self._say("error", str(err))
        tail = ""
        if skipped:
            tail = (
                f" {skipped} link{'s' if skipped != 1 else ''} could not come back: "
                "an element was renamed or deleted, or the link was added again, since."
            )
        return self._commit(new, f"Brought back {undo.label}.{tail}", None)

    def load_example(self) -> bool:
        """Fill an empty map with the example company's map."""
        if self.state.cmap.elements:
            return self._say(
                "warn",
                "The example only loads into an empty map. To look at it without losing yours, "
                "open this workbook without a resume code.",
            )
        try:
            example = example_map()
        except MapFileError as err:
            return self._say("error", f"The example map cannot be loaded: {err}")
        return self._commit(
            example, "Loaded the example map of Harbour Lift Services.", self.state.undo
        )

    def import_files(self, files: list[tuple[str, bytes]]) -> bool:
        """Replace the map with uploaded elements and connections CSV files (all or nothing)."""
        kinds: dict[str, tuple[str, bytes]] = {}
        for name, data in files:
            kind = map_file_kind(data)
            if kind is None:
                return self._say(
                    "error",
                    f"{name} is neither an elements file (first row Label, Type, …) nor a "
                    "connections file (first row From, To, …); nothing was imported.",
                )
            if kind in kinds:
                return self._say(
                    "error",
                    f"{kinds[kind][0]} and {name} are both {kind} files: upload one elements "
                    "file and one connections file; nothing was imported.",
                )
            kinds[kind] = (name, data)
        if "elements" not in kinds:
            return self._say(
                "error",
                "No elements file found: upload the elements CSV (first row Label, Type, …) "
                "together with the connections CSV (first row From, To, …).",
            )
        e_name, e_data = kinds["elements"]
        c_name, c_data = kinds.get("connections", ("connections.csv", b""))
        try:
            new = parse_map(e_data, c_data, e_name, c_name)
        except MapFileError as err:
            return self._say("error", str(err))
        previous = self.state.cmap
        undo = self.state.undo
        if previous.elements:
            undo = Undo("the map as it was before the import", lambda _: (previous, 0), False)
        count = f"{len(new.elements)} elements and {len(new.connections)} links"
        return self._commit(new, f"Imported {count} from {e_name}.", undo)

    # -- the one way every change is saved ---------------------------------------------

    def _commit(self, new: CustomerMap, done: str, undo: Undo | None) -> bool:
        """Show the new map and save it in one write; say what happened."""
        # The map stays on screen even when it cannot be saved, as before: the
        # person sees their edit and the message says what to do.
        self.state = replace(self.state, cmap=new, undo=undo)
        if self.store is None:
            return self._say("error", "This page cannot save the map (see the message at the top).")
        try:
            version = self.store.save_map(self._person().id, new, self.state.version)
        except MapChangedError as err:
            return self._say("error", f"Not saved: {err}.")
        except Exception as err:  # noqa: BLE001 - the page must never show a traceback
            return self._say(
                "error",
                f"The map could not be saved ({type(err).__name__}: {err}). It is still on "
                "screen; try again in a moment, or download the CSV files.",
            )
        self.state = replace(self.state, version=version, message=("ok", done))
        return True
