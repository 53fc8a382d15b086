"""The value-chain check's queries: one manager's check, saved whole in one transaction.

A mixin of :class:`kit.database.Store`; the table is in ``kit/store/tables.py``.
A check is a page of answers (tens of rows at most), so it is kept as one
JSON object and written whole: a reload never finds half an edit, and its
version tells a save from another window apart.
"""

from __future__ import annotations

import json
from typing import Any

from kit.instruments.trait_scores import COUNTED
from kit.store.clock import now
from kit.store.core import StoreCore, where_people
from kit.store.errors import MapChangedError, guarded


class ChainQueries(StoreCore):
    """Store methods for value-chain checks."""

    @guarded
    def save_value_chain(
        self, participant_id: int, body: dict[str, Any], expected_version: int | None = None
    ) -> int:
        """Replace a participant's check in one transaction; return its new version.

        Raises
        ------
        MapChangedError
            When ``expected_version`` is given and the stored check moved on
            (another window saved it): nothing is written.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from kit.database import Store
        >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
        >>> me = store.create_participant()
        >>> store.save_value_chain(me.id, {"promise": "On time"}, 0)
        1
        >>> store.value_chain(me.id)
        (1, {'promise': 'On time'})
        >>> store.save_value_chain(me.id, {"promise": "Late"}, 0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        kit.store.errors.MapChangedError: this check was changed in another window ...
        >>> store.close()
        """
        text = json.dumps(body, ensure_ascii=False, sort_keys=True)
        stamp = now()
        with self._write() as db:
            row = db.execute(
                "SELECT version FROM value_chain_checks WHERE participant_id = ?",
                (participant_id,),
            ).fetchone()
            current = row["version"] if row else 0
            if expected_version is not None and current != expected_version:
                raise MapChangedError(
                    "this check was changed in another window or tab since this page opened it; "
                    "reload the page to see the latest (your last change was not saved)"
                )
            return self._put_value_chain(db, participant_id, text, stamp, stamp)

    def _put_value_chain(self, db, participant_id: int, text: str, created: str, stamp: str) -> int:
        db.execute(
            "INSERT INTO value_chain_checks (participant_id, body, created_at, updated_at, version)"
            " VALUES (?, ?, ?, ?, 1) ON CONFLICT (participant_id) DO UPDATE SET"
            " body = excluded.body, updated_at = excluded.updated_at,"
            " version = value_chain_checks.version + 1",
            (participant_id, text, created, stamp),
        )
        row = db.execute(
            "SELECT version FROM value_chain_checks WHERE participant_id = ?", (participant_id,)
        ).fetchone()
        return int(row["version"])

    @guarded
    def value_chain(self, participant_id: int) -> tuple[int, dict[str, Any] | None]:
        """Return (version, check as plain data) for a participant; (0, None) when they have none."""
        row = self._db.execute(
            "SELECT version, body FROM value_chain_checks WHERE participant_id = ?",
            (participant_id,),
        ).fetchone()
        return (row["version"], json.loads(row["body"])) if row else (0, None)

    @guarded
    def value_chains(
        self,
        session: str | None = None,
        participant_id: int | None = None,
        counted: bool = False,
    ) -> list[tuple[str, str, str, dict[str, Any]]]:
        """Return checks as (public id, display name, updated at, plain data), first saved first.

        The order is when each check was first saved, so a combined picture
        that covers the first people in whole steps always covers the same ones.
        ``counted`` leaves out people of upload batches the coach has not
        confirmed (as every team figure does).
        """
        where, args = where_people(session, participant_id)
        if counted:
            where = (where + " AND " if where else " WHERE ") + COUNTED
        rows = self._db.execute(
            "SELECT p.public_id, p.display_name, v.updated_at, v.body FROM value_chain_checks v"
            " JOIN participants p ON p.id = v.participant_id"
            + where
            + " ORDER BY v.created_at, p.id",
            args,
        ).fetchall()
        return [
            (r["public_id"], r["display_name"], r["updated_at"], json.loads(r["body"]))
            for r in rows
        ]
