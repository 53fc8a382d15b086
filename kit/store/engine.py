"""The dialect layer: the store's one connection, through SQLAlchemy Core, and what engines do differently.

The features' queries are portable SQL with ``?`` placeholders. They run
through :class:`Db`, which hands them to the engine's driver by SQLAlchemy
Core's ``exec_driver_sql``: SQLite's driver takes them as written. Everything
one engine does differently from another (placeholders, how a write takes
the lock, how a page learns that someone else committed) lives here and
nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.pool import NullPool

Params = Sequence[Any] | Mapping[str, Any]


class Record:
    """One row of a result, read by column name or by position.

    Examples
    --------
    >>> row = Record(("ab", 3), {"code": 0, "n": 1})
    >>> row["code"], row[1], tuple(row)
    ('ab', 3, ('ab', 3))
    """

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: Mapping[str, int]):
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: str | int) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        """The column names, in order (so ``dict(row)`` works)."""
        return list(self._index)

    def __repr__(self) -> str:
        return f"Record({dict(zip(self._index, self._values, strict=True))!r})"


class Rows:
    """What one statement gave back: its rows, how many rows it changed, the id it wrote."""

    def __init__(self, result: CursorResult[Any] | None):
        self.rowcount: int = result.rowcount if result is not None else 0
        self._result = result
        self._index = (
            {name: n for n, name in enumerate(result.keys())}
            if result is not None and result.returns_rows
            else {}
        )

    @property
    def lastrowid(self) -> int | None:
        """The id the INSERT gave its row (SQLite's rowid)."""
        return None if self._result is None else self._result.lastrowid

    def fetchone(self) -> Any:
        """The next :class:`Record`, or None when there is none.

        Typed ``Any``, as the drivers' own ``fetchone``: a query that always
        gives a row (``count(*)``) is indexed at once.
        """
        if self._result is None or not self._index:
            return None
        row = self._result.fetchone()
        return None if row is None else Record(row, self._index)

    def fetchall(self) -> list[Any]:
        """Every row left, as :class:`Record` (typed as the drivers' own)."""
        if self._result is None or not self._index:
            return []
        return [Record(row, self._index) for row in self._result.fetchall()]

    def __iter__(self) -> Iterator[Record]:
        return iter(self.fetchall())


def sqlite_engine(path: str) -> sqlalchemy.Engine:
    """An engine for one SQLite file, with the settings every connection to it needs.

    SQLAlchemy's AUTOCOMMIT hands the transactions to the store (it issues
    ``BEGIN IMMEDIATE`` itself); one connection per store, never pooled,
    because each page's kernel opens its own store.
    """
    engine = sqlalchemy.create_engine(
        "sqlite://",
        creator=lambda: _sqlite_connect(path),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )
    return engine


def _sqlite_connect(path: str) -> Any:
    import sqlite3

    connection = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA busy_timeout=10000")
    return connection


class Db:
    """The store's one connection: statements, write transactions and the change counter.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        From :func:`sqlite_engine`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> db = Db(sqlite_engine(str(pathlib.Path(tempfile.mkdtemp()) / "x.sqlite3")))
    >>> with db.write() as w:
    ...     _ = w.execute("CREATE TABLE t (x TEXT)")
    ...     _ = w.execute("INSERT INTO t VALUES (?)", ("a",))
    >>> db.execute("SELECT x FROM t").fetchone()["x"]
    'a'
    >>> db.close()
    """

    def __init__(self, engine: sqlalchemy.Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self._connection: Connection = engine.connect()

    def execute(self, sql: str, params: Params = ()) -> Rows:
        """Run one statement with its arguments (``?`` in order, or ``:name`` from a mapping)."""
        return Rows(self._connection.exec_driver_sql(sql, _driver_params(params)))

    def executemany(self, sql: str, rows: Sequence[Params]) -> Rows:
        """Run one statement once for each set of arguments."""
        if not rows:
            return Rows(None)
        return Rows(self._connection.exec_driver_sql(sql, [_driver_params(r) for r in rows]))

    @contextmanager
    def write(self) -> Iterator[Db]:
        """One transaction that holds the write lock from its first statement.

        BEGIN IMMEDIATE takes the write lock up front, so two kernels saving
        at once wait for each other instead of failing half-way.
        """
        self._connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self._connection.exec_driver_sql("ROLLBACK")
            raise
        else:
            self._connection.exec_driver_sql("COMMIT")

    def create_tables(self, metadata: sqlalchemy.MetaData) -> None:
        """Create every table and index of ``metadata`` the database lacks, in this transaction.

        An index is created on its own as well, so a table an older kit made
        without it gets it too.
        """
        metadata.create_all(self._connection, checkfirst=True)
        for table in metadata.sorted_tables:
            for index in table.indexes:
                index.create(self._connection, checkfirst=True)

    def data_version(self) -> int:
        """A number that moves whenever anyone commits: another connection or this one.

        SQLite's ``data_version`` moves with other connections' commits only,
        so this connection's own count of changes is added in.
        """
        others = int(self.execute("PRAGMA data_version").fetchone()[0])
        return (others << 32) + self.driver_connection.total_changes

    @property
    def driver_connection(self) -> Any:
        """The driver's own connection (SQLite's online backup needs it)."""
        return self._connection.connection.dbapi_connection

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()
        self.engine.dispose()


def _driver_params(params: Params) -> Any:
    if isinstance(params, Mapping):
        return dict(params)
    return tuple(params)
