"""The customer map's queries: a person's map, saved whole in one transaction.

A mixin of :class:`kit.database.Store`; the tables are in ``kit/store/tables.py``.
"""

from __future__ import annotations

from kit.maps.model import CustomerMap, MapConnection, MapElement
from kit.store.clock import now
from kit.store.core import StoreCore, where_people
from kit.store.engine import Db
from kit.store.errors import MapChangedError, guarded


class MapQueries(StoreCore):
    """Store methods for customer maps."""

    # -- customer maps ----------------------------------------------------------

    @guarded
    def save_map(
        self, participant_id: int, cmap: CustomerMap, expected_version: int | None = None
    ) -> int:
        """Replace a participant's customer map in one transaction.

        A map is small (tens of elements), so writing it whole keeps every save
        simple and atomic: a reload never finds half an edit.

        Parameters
        ----------
        participant_id : int
        cmap : CustomerMap
        expected_version : int, optional
            The version the editor started from (0 for no map yet). When the
            stored map has moved on (another window saved it), nothing is
            written and :class:`MapChangedError` is raised, so one window
            never silently overwrites another's edits.

        Returns
        -------
        int
            The map's new version.
        """
        with self._write() as db:
            current = self._version(db, participant_id)
            if expected_version is not None and current != expected_version:
                raise MapChangedError(
                    "this map was changed in another window or tab since this page opened it; "
                    "reload the page to see the latest map (your last change was not saved)"
                )
            return self._put_map(db, participant_id, cmap, now())

    @staticmethod
    def _version(db: Db, participant_id: int) -> int:
        row = db.execute(
            "SELECT version FROM maps WHERE participant_id = ?", (participant_id,)
        ).fetchone()
        return row["version"] if row else 0

    @guarded
    def map_version(self, participant_id: int) -> int:
        """Return the version of a participant's map (0 when they have none)."""
        return self._version(self._db, participant_id)

    def _put_map(self, db: Db, participant_id: int, cmap: CustomerMap, stamp: str) -> int:
        version = self._version(db, participant_id) + 1
        db.execute("DELETE FROM maps WHERE participant_id = ?", (participant_id,))
        db.execute(
            "INSERT INTO maps (participant_id, updated_at, version) VALUES (?, ?, ?)",
            (participant_id, stamp, version),
        )
        db.executemany(
            "INSERT INTO map_elements (participant_id, position, name, kind, notes, bridge)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (participant_id, n, e.name, e.kind, e.notes, int(e.bridge))
                for n, e in enumerate(cmap.elements)
            ],
        )
        db.executemany(
            "INSERT INTO map_connections (participant_id, position, source, target, handover,"
            " level, promise) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (participant_id, n, c.source, c.target, c.handover, c.level, c.promise)
                for n, c in enumerate(cmap.connections)
            ],
        )
        return version

    @guarded
    def customer_map(self, participant_id: int) -> CustomerMap:
        """Return a participant's customer map (empty when they have none)."""
        return self._map(participant_id)

    def _map(self, participant_id: int) -> CustomerMap:
        elements = self._db.execute(
            "SELECT name, kind, notes, bridge FROM map_elements WHERE participant_id = ?"
            " ORDER BY position",
            (participant_id,),
        )
        connections = self._db.execute(
            "SELECT source, target, handover, level, promise FROM map_connections"
            " WHERE participant_id = ? ORDER BY position",
            (participant_id,),
        )
        return CustomerMap(
            tuple(
                MapElement(r["name"], r["kind"], r["notes"], bool(r["bridge"])) for r in elements
            ),
            tuple(MapConnection(*r) for r in connections),
        )

    @guarded
    def maps(
        self, session: str | None = None, participant_id: int | None = None
    ) -> dict[str, tuple[str, CustomerMap]]:
        """Return customer maps by participant public id, with when each was saved."""
        query = (
            "SELECT p.id, p.public_id, m.updated_at FROM maps m"
            " JOIN participants p ON p.id = m.participant_id"
        )
        where, args = where_people(session, participant_id)
        rows = self._db.execute(query + where + " ORDER BY p.id", args).fetchall()
        return {r["public_id"]: (r["updated_at"], self._map(r["id"])) for r in rows}
