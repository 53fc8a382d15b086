"""``kit store copy FROM TO``: every record of one store into a new, empty one, on any engine.

A coach's SQLite file moves to the organisation's PostgreSQL database (and
back) table by table, in the order the foreign keys need, in one transaction
on the target. Each table's rows are then counted and hashed on both sides;
a copy whose figures differ is rolled back and said to have failed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.exc import SQLAlchemyError

from kit.store.engine import DIALECT_META_KEYS, Db
from kit.store.errors import DatabaseUnreachable, StoreError, driver_message
from kit.store.tables import METADATA, ROWID_TABLES

BATCH = 2000  # rows per executemany: a few MB at most, whatever the store's size


@dataclass(frozen=True)
class Copied:
    """What a copy moved: rows per table and the content hash both sides share."""

    rows: dict[str, int]
    digest: str

    def summary(self) -> str:
        """One line for people: how much moved, and the hash that proves it whole.

        Examples
        --------
        >>> Copied({"participants": 12, "answers": 556}, "0123456789abcdef" * 4).summary()
        '568 rows in 2 tables (12 people, 556 answers); content hash 0123456789ab'
        """
        people, answers = self.rows.get("participants", 0), self.rows.get("answers", 0)
        return (
            f"{sum(self.rows.values())} rows in {len(self.rows)} tables "
            f"({people} people, {answers} answers); content hash {self.digest[:12]}"
        )


def _columns(table: Table) -> list[str]:
    return [c.name for c in table.columns]


def _order(table: Table) -> str:
    # Rows go in the order they were written where the kit reads them so
    # (SQLite's rowid, PostgreSQL's rowid column), else by primary key.
    if table.name in ROWID_TABLES:
        return "rowid"
    return ", ".join(c.name for c in (table.primary_key.columns or table.columns))


def _where(table: Table) -> str:
    # The dialect layer's own bookkeeping stays with each database.
    if table.name == "meta":
        keys = ", ".join(f"'{k}'" for k in DIALECT_META_KEYS)
        return f" WHERE key NOT IN ({keys})"
    return ""


def _rows(db: Db, table: Table) -> list[tuple[Any, ...]]:
    names = ", ".join(db.quote(c) for c in _columns(table))
    sql = f"SELECT {names} FROM {table.name}{_where(table)} ORDER BY {_order(table)}"
    return [tuple(r) for r in db.execute(sql).fetchall()]


def _canonical(value: Any) -> str:
    # Both engines give back int, float and str; a float by its repr, so
    # 3.0 and 3 differ as they would in an export.
    return repr(value)


def table_digest(rows: Iterable[tuple[Any, ...]], ordered: bool = False) -> tuple[int, str]:
    """Count and hash one table's rows: in their order when ``ordered``, else in any order.

    Examples
    --------
    >>> table_digest([(1, "a"), (2, "b")]) == table_digest([(2, "b"), (1, "a")])
    True
    >>> table_digest([(1, "a"), (2, "b")], True) == table_digest([(2, "b"), (1, "a")], True)
    False
    >>> table_digest([(1, "a")])[1] == table_digest([(1, "a "),])[1]
    False
    """
    lines = ["\x1f".join(_canonical(v) for v in row) for row in rows]
    if not ordered:
        lines.sort()
    digest = hashlib.sha256("\x1e".join(lines).encode("utf-8")).hexdigest()
    return len(lines), digest


Records = dict[str, list[tuple[Any, ...]]]


def read_records(db: Db) -> Records:
    """Every row of every table, read as one moment of the store (one snapshot)."""
    with db.snapshot():
        return {table.name: _rows(db, table) for table in METADATA.sorted_tables}


def digest_of(records: Records) -> tuple[dict[str, int], str]:
    """Every table's row count, and one hash over every row of every table.

    The tables read in the order they were written (the running order of who
    finished first, say) are hashed in that order, so a copy must keep it.
    """
    counts: dict[str, int] = {}
    whole = hashlib.sha256()
    for name in sorted(records):
        counts[name], digest = table_digest(records[name], ordered=name in ROWID_TABLES)
        whole.update(f"{name}:{digest};".encode())
    return counts, whole.hexdigest()


def contents(db: Db) -> tuple[dict[str, int], str]:
    """Every table's row count, and one hash over the whole store (see :func:`digest_of`)."""
    return digest_of(read_records(db))


def _has_records(db: Db) -> bool:
    return any(
        db.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone()
        for name in ("participants", "sessions", "circles", "answers")
    )


def copy_records(source: Db, target: Db, shown_target: str = "the target") -> Copied:
    """Copy every record from ``source`` into ``target``, which must hold none yet.

    Both must be at the kit's schema (open each as a store first). The source
    is read once, as one moment; rows that point at a later row of their own
    table (an entry merged into a newer one) are written first without that
    link, then linked, so foreign keys hold on both engines throughout.

    Raises
    ------
    StoreError
        When the target holds records, a row cannot be written there, or the
        copy's counts or hash differ from the source's (nothing is kept then).
    """
    if _has_records(target):
        raise StoreError(
            f"{shown_target} already holds records; copy into a new, empty store "
            "(nothing was changed)"
        )
    records = read_records(source)
    expected = digest_of(records)
    name = ""
    try:
        with target.write() as db:
            for table in METADATA.sorted_tables:
                name = table.name
                _insert(db, table, records[name])
            name = ""
            got = digest_of({t.name: _rows(db, t) for t in METADATA.sorted_tables})
            if got != expected:
                differ = sorted(n for n in expected[0] if expected[0][n] != got[0].get(n))
                raise StoreError(
                    "the copy did not match the source "
                    f"({', '.join(differ) or 'the content hash differs'}); nothing was kept"
                )
    except (SQLAlchemyError, DatabaseUnreachable) as err:
        where = f" in {name}" if name else ""
        raise StoreError(
            f"the copy failed{where} ({driver_message(err)}); nothing was kept"
        ) from None
    return Copied(expected[0], expected[1])


def _insert(db: Db, table: Table, rows: list[tuple[Any, ...]]) -> None:
    names = _columns(table)
    # Links within the table (entries.merged_into) are set once every row is in.
    own = [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]
    insert = (
        f"INSERT INTO {table.name} ({', '.join(db.quote(n) for n in names)})"
        f" VALUES ({', '.join('?' for _ in names)})"
    )
    first = [
        tuple(None if n in own else v for n, v in zip(names, row, strict=True)) for row in rows
    ]
    for start in range(0, len(first), BATCH):
        db.executemany(insert, first[start : start + BATCH])
    if own:
        key = [c.name for c in table.primary_key.columns]
        sets = ", ".join(f"{n} = ?" for n in own)
        match = " AND ".join(f"{k} = ?" for k in key)
        updates = [
            tuple(row[names.index(n)] for n in own) + tuple(row[names.index(k)] for k in key)
            for row in rows
            if any(row[names.index(n)] is not None for n in own)
        ]
        if updates:
            db.executemany(f"UPDATE {table.name} SET {sets} WHERE {match}", updates)
    db.restart_ids(table.name)
