"""The planner's queries: a circle's plan, saved whole, and whole circles for files.

A mixin of :class:`kit.database.Store` (with :class:`kit.circles.sessions.CircleSessions`,
the live session's queries, and :class:`kit.circles.history.CircleHistory`, corrections); the tables are in ``kit/store/tables.py``.
"""

from __future__ import annotations

import json

from kit.circles.files import circle_from_dict, circle_to_dict
from kit.circles.history import CircleHistory
from kit.circles.model import Circle
from kit.circles.sessions import CircleSessions
from kit.store.clock import now
from kit.store.core import where_people
from kit.store.errors import MapChangedError, StoreError, guarded


class CircleQueries(CircleHistory, CircleSessions):
    """Store methods for planned circles."""

    # -- customer circles --------------------------------------------------------

    @guarded
    def save_circle(
        self, participant_id: int, circle: Circle, expected_version: int | None = None
    ) -> int:
        """Create or replace a planned circle in one transaction; return its new version.

        Raises
        ------
        MapChangedError
            When ``expected_version`` is given and another window saved the
            circle since (nothing is written).
        """
        settings = json.dumps(circle_to_dict(circle), ensure_ascii=False)
        with self._write() as db:
            row = db.execute(
                "SELECT participant_id, version FROM circles WHERE code = ?", (circle.code,)
            ).fetchone()
            if row is not None and row["participant_id"] != participant_id:
                raise StoreError(f"circle {circle.code} belongs to someone else")
            current = row["version"] if row else 0
            if expected_version is not None and current != expected_version:
                raise MapChangedError(
                    "this circle was changed in another window or tab since this page opened "
                    "it; reload the page to see the latest plan (your last change was not saved)"
                )
            db.execute(
                "INSERT INTO circles (code, participant_id, settings, updated_at, version)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET"
                " settings = excluded.settings, updated_at = excluded.updated_at,"
                " version = excluded.version",
                (circle.code, participant_id, settings, now(), current + 1),
            )
        return current + 1

    @guarded
    def circles(self, participant_id: int) -> list[tuple[Circle, int]]:
        """Return a person's circles with their versions, oldest first."""
        rows = self._db.execute(
            "SELECT settings, version FROM circles WHERE participant_id = ? ORDER BY rowid",
            (participant_id,),
        )
        return [(circle_from_dict(json.loads(r["settings"])), r["version"]) for r in rows]

    @guarded
    def circle(self, code: str) -> Circle | None:
        """Return the planned circle ``code``, or None."""
        row = self._db.execute("SELECT settings FROM circles WHERE code = ?", (code,)).fetchone()
        return circle_from_dict(json.loads(row["settings"])) if row else None

    @guarded
    def circle_codes(
        self, session: str | None = None, participant_id: int | None = None
    ) -> list[tuple[str, str]]:
        """Return (owner's public id, circle code) of every planned circle, oldest first."""
        where, args = where_people(session, participant_id)
        rows = self._db.execute(
            "SELECT p.public_id, c.code FROM circles c JOIN participants p"
            " ON p.id = c.participant_id" + where + " ORDER BY c.rowid",
            args,
        ).fetchall()
        return [(r["public_id"], r["code"]) for r in rows]

    @guarded
    def circle_records(
        self, session: str | None = None, participant_id: int | None = None
    ) -> dict[str, list[dict]]:
        """Return whole circles (sessions and actions included) by owner's public id."""
        records: dict[str, list[dict]] = {}
        for owner, code in self.circle_codes(session, participant_id):
            records.setdefault(owner, []).append(self.circle_record(code))
        return records
