"""Corrections to a circle's records, kept: edit, delete, merge and undo, each one logged.

A typo in a story or two Do-Not-Annoy entries that say the same thing can be
put right, but the programme's history stays honest: every change is a row
of ``changes`` with what the fields were before and after, deleting only
marks a row, and a merge remembers which raisings it moved. Undo puts the
fields back, and is itself logged; it is refused when the thing has changed
again since, so an undo never overwrites a later correction.
"""

from __future__ import annotations

import json

from kit.circles.model import ACTS, ENTRY_STATUSES, STORY_KINDS, WHERE, Change
from kit.store.clock import now
from kit.store.codes import inserted_id
from kit.store.core import StoreCore
from kit.store.engine import Db
from kit.store.errors import StoreError, guarded

# What can be corrected, its table, the fields that can change (as the model
# names them) and their columns, and how to find the thing's circle.
_THINGS: dict[str, tuple[str, dict[str, str], str]] = {
    "story": (
        "stories",
        {
            "kind": "kind",
            "text": "text",
            "teller": "teller",
            "act": "act",
            "where": "place",
            "prevention": "prevention",
        },
        "(SELECT circle FROM circle_sessions WHERE id = stories.session_id)",
    ),
    "idea": (
        "ideas",
        {"text": "text"},
        "(SELECT circle FROM circle_sessions WHERE id = ideas.session_id)",
    ),
    "entry": ("entries", {"text": "text", "status": "status"}, "circle"),
    "action": ("actions", {"text": "text", "owner": "owner", "due": "due"}, "circle"),
}

# The choices a field must keep; free text is checked by the controller.
_CHOICES = {
    ("story", "kind"): STORY_KINDS,
    ("story", "act"): ("", *ACTS),
    ("story", "where"): ("", *WHERE),
    ("entry", "status"): ENTRY_STATUSES,
}


class ChangedSince(StoreError):
    """The thing was changed again after the change to undo."""


class CircleHistory(StoreCore):
    """Store methods that correct a circle's records and keep every change."""

    @guarded
    def edit(
        self, thing: str, thing_id: int, fields: dict[str, str], who: str, session: int
    ) -> int:
        """Change some fields of a story, idea, entry or action; return the change's id.

        Raises
        ------
        StoreError
            When the thing is not there (or was deleted), a field cannot be
            changed, or a choice is not one of the field's choices.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from kit.circles.content import agenda_template
        >>> from kit.circles.planning import new_circle
        >>> from kit.database import Store
        >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
        >>> circle = new_circle(agenda_template())
        >>> _ = store.save_circle(store.create_participant().id, circle)
        >>> session, number = store.start_session(circle.code, "2027-01-12")
        >>> entry = store.add_factor(session, "do not annoy", "Never leve them waiting", None)
        >>> change = store.edit("entry", entry, {"text": "Never leave them waiting"}, "coach", 1)
        >>> store.entries(circle.code)[0].text
        'Never leave them waiting'
        >>> store.undo(change, "coach", 1) > change, store.entries(circle.code)[0].text
        (True, 'Never leve them waiting')
        >>> store.close()
        """
        table, columns, _ = self._thing(thing)
        for name, value in fields.items():
            if name not in columns:
                raise StoreError(f"a {thing}'s {name} cannot be changed")
            choices = _CHOICES.get((thing, name))
            if choices is not None and value not in choices:
                raise StoreError(f"'{value}' is not a {thing}'s {name}")
        with self._write() as db:
            before = self._fields(db, thing, thing_id, list(fields))
            after = {k: fields[k] for k in fields}
            if before == after:
                return 0  # nothing to change: nothing logged
            sets = ", ".join(f"{columns[k]} = ?" for k in after)
            db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*after.values(), thing_id))
            return self._log(db, thing, thing_id, "edit", before, after, who, session)

    @guarded
    def delete(self, thing: str, thing_id: int, who: str, session: int) -> int:
        """Delete a story, idea, entry or action (kept, marked deleted); return the change's id."""
        table, _, _ = self._thing(thing)
        with self._write() as db:
            self._fields(db, thing, thing_id, [])  # it must be there
            db.execute(f"UPDATE {table} SET deleted = 1 WHERE id = ?", (thing_id,))
            return self._log(
                db, thing, thing_id, "delete", {"deleted": False}, {"deleted": True}, who, session
            )

    @guarded
    def merge_entries(self, source: int, target: int, who: str, session: int) -> int:
        """Merge entry ``source`` into ``target``: every raising and story moves; return the change.

        Raises
        ------
        StoreError
            When they are the same entry, on different lists or circles, or
            one of them is gone.
        """
        if source == target:
            raise StoreError("choose two different entries to merge")
        with self._write() as db:
            rows = {
                r["id"]: r
                for r in db.execute(
                    "SELECT id, circle, kind FROM entries WHERE id IN (?, ?) AND deleted = 0"
                    " AND merged_into IS NULL",
                    (source, target),
                )
            }
            if len(rows) != 2:
                raise StoreError("one of the two entries was deleted or merged in the meantime")
            if (rows[source]["circle"], rows[source]["kind"]) != (
                rows[target]["circle"],
                rows[target]["kind"],
            ):
                raise StoreError("only entries on the same list can be merged")
            moved = [
                r[0] for r in db.execute("SELECT id FROM factors WHERE entry_id = ?", (source,))
            ]
            db.execute("UPDATE factors SET entry_id = ? WHERE entry_id = ?", (target, source))
            db.execute("UPDATE entries SET merged_into = ? WHERE id = ?", (target, source))
            return self._log(
                db, "entry", source, "merge", {"factors": moved}, {"into": target}, who, session
            )

    @guarded
    def undo(self, change_id: int, who: str, session: int) -> int:
        """Undo one change (an edit, a delete or a merge); return the undo's own change id.

        Raises
        ------
        ChangedSince
            When the thing changed again after it (undo the later change first),
            or the change was undone already.
        """
        with self._write() as db:
            row = db.execute("SELECT * FROM changes WHERE id = ?", (change_id,)).fetchone()
            if row is None or row["change"] == "undo":
                raise StoreError("there is no such change to undo")
            if row["undone"]:
                raise ChangedSince("that change was undone already")
            thing, thing_id = row["thing"], row["thing_id"]
            before, after = json.loads(row["before"]), json.loads(row["after"])
            table, columns, _ = self._thing(thing)
            if row["change"] == "edit":
                if self._fields(db, thing, thing_id, list(after)) != after:
                    raise ChangedSince(
                        f"this {thing} was changed again since; undo the later change first"
                    )
                sets = ", ".join(f"{columns[k]} = ?" for k in before)
                db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*before.values(), thing_id))
            elif row["change"] == "delete":
                db.execute(f"UPDATE {table} SET deleted = 0 WHERE id = ?", (thing_id,))
            else:  # merge
                merged = db.execute(
                    "SELECT merged_into FROM entries WHERE id = ?", (thing_id,)
                ).fetchone()
                if merged is None or merged["merged_into"] != after["into"]:
                    raise ChangedSince("those entries were changed again since")
                db.execute("UPDATE entries SET merged_into = NULL WHERE id = ?", (thing_id,))
                db.executemany(
                    "UPDATE factors SET entry_id = ? WHERE id = ?",
                    [(thing_id, f) for f in before["factors"]],
                )
            db.execute("UPDATE changes SET undone = 1 WHERE id = ?", (change_id,))
            return self._log(
                db,
                thing,
                thing_id,
                "undo",
                {"change": change_id},
                {"undid": row["change"]},
                who,
                session,
            )

    @guarded
    def changes(self, circle: str) -> list[Change]:
        """Return every change to the circle's records, oldest first."""
        rows = self._db.execute(
            "SELECT id, session, at, who, thing, thing_id, change, before, after, undone"
            " FROM changes WHERE circle = ? ORDER BY id",
            (circle,),
        )
        return [
            Change(
                r["id"],
                r["session"],
                r["at"],
                r["who"],
                r["thing"],
                r["thing_id"],
                r["change"],
                json.loads(r["before"]),
                json.loads(r["after"]),
                bool(r["undone"]),
            )
            for r in rows
        ]

    # -- helpers ------------------------------------------------------------------------

    @staticmethod
    def _thing(thing: str) -> tuple[str, dict[str, str], str]:
        if thing not in _THINGS:
            raise StoreError(f"a {thing} cannot be corrected")
        return _THINGS[thing]

    def _fields(self, db: Db, thing: str, thing_id: int, names: list[str]) -> dict[str, object]:
        table, columns, _ = self._thing(thing)
        cols = ", ".join(["id", *(columns[n] for n in names)])
        row = db.execute(
            f"SELECT {cols} FROM {table} WHERE id = ? AND deleted = 0", (thing_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"that {thing} was deleted in the meantime")
        return {n: row[columns[n]] for n in names}

    def _log(
        self,
        db: Db,
        thing: str,
        thing_id: int,
        change: str,
        before: dict,
        after: dict,
        who: str,
        session: int,
    ) -> int:
        _, _, circle_of = self._thing(thing)
        table = _THINGS[thing][0]
        circle = db.execute(
            f"SELECT {circle_of} FROM {table} WHERE id = ?", (thing_id,)
        ).fetchone()[0]
        stamp = now()
        cursor = db.execute(
            "INSERT INTO changes (circle, session, at, who, thing, thing_id, change, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                circle,
                session,
                stamp,
                who,
                thing,
                thing_id,
                change,
                json.dumps(before, ensure_ascii=False),
                json.dumps(after, ensure_ascii=False),
            ),
        )
        db.execute("UPDATE circles SET updated_at = ? WHERE code = ?", (stamp, circle))
        return inserted_id(cursor)
