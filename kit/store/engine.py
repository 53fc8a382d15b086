"""The dialect layer: the store's one connection, through SQLAlchemy Core, and what engines do differently.

The features' queries are portable SQL with ``?`` placeholders. They run
through :class:`Db`, which hands them to the engine's driver by SQLAlchemy
Core's ``exec_driver_sql``: SQLite's driver takes them as written, psycopg's
as ``%s`` (:func:`pg_placeholders`). Everything one engine does differently
from another (placeholders, how a write takes the lock, how a page learns
that someone else committed, where the schema's version is kept) lives here
and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote

import sqlalchemy
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.exc import DBAPIError, PendingRollbackError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from kit.store.errors import DatabaseUnreachable, driver_message
from kit.store.tables import METADATA, ROWID_TABLES

Params = Sequence[Any] | Mapping[str, Any]

# Every kit's writes on PostgreSQL take this one transaction-level lock first:
# saves queue as they do on SQLite (BEGIN IMMEDIATE), so the vote limit and the
# other read-then-write checks hold across processes without retries.
WRITE_LOCK = 0x6B6974  # "kit"
# The case-blind collation SQLite calls NOCASE, made on PostgreSQL with ICU.
PG_NOCASE = (
    "CREATE COLLATION IF NOT EXISTS nocase"
    " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
)
_READING = re.compile(r"\s*(SELECT|WITH|PRAGMA)\b", re.IGNORECASE)


# Keys of the meta table that belong to one database, not to its records
# (kit store copy leaves them behind).
DIALECT_META_KEYS = ("changes", "schema_version")
# The last statement of every write transaction on PostgreSQL (see Db.data_version).
_COUNT_CHANGE = (
    "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'changes'"
)
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%|(?<!:):(\w+)")


@lru_cache(maxsize=1024)
def pg_placeholders(sql: str) -> str:
    """Write SQLite's ``?`` and ``:name`` placeholders as psycopg's ``%s`` and ``%(name)s``.

    Quoted text and names are left alone, and a ``%`` outside them doubled,
    as psycopg reads it.

    Examples
    --------
    >>> pg_placeholders("SELECT x FROM t WHERE a = ? AND b LIKE '50%?' AND c = :c")
    "SELECT x FROM t WHERE a = %s AND b LIKE '50%%?' AND c = %(c)s"
    """

    def swap(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if m.group(1):
            return f"%({m.group(1)})s"
        return token.replace("%", "%%")

    return _TOKENS.sub(swap, sql)


_INSERT = re.compile(r"\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)


@lru_cache(maxsize=256)
def pg_returning(sql: str) -> str:
    """An INSERT into a table with an ``id`` column, asking PostgreSQL for the id it gave.

    SQLite's driver says which row an INSERT wrote (``lastrowid``);
    psycopg does not, so the dialect layer asks with ``RETURNING id``.
    Other statements give ''.

    Examples
    --------
    >>> pg_returning("INSERT INTO ideas (session_id, text) VALUES (?, ?)")
    'INSERT INTO ideas (session_id, text) VALUES (?, ?) RETURNING id'
    >>> pg_returning("INSERT INTO votes (idea_id, voter, count) VALUES (?, ?, 1)")
    ''
    """
    found = _INSERT.match(sql)
    if not found or "RETURNING" in sql.upper():
        return ""
    table = METADATA.tables.get(found.group(1))
    if table is None or "id" not in table.c or not table.c.id.primary_key:
        return ""
    return f"{sql.rstrip().rstrip(';')} RETURNING id"


def is_postgres(location: str) -> bool:
    """True for a PostgreSQL URL (``postgresql://`` or ``postgresql+psycopg://``).

    Examples
    --------
    >>> is_postgres("postgresql://kit@db/kit"), is_postgres("/data/kit.sqlite3")
    (True, False)
    """
    return location.split("://", 1)[0] in ("postgresql", "postgres", "postgresql+psycopg")


def postgres_engine(url: str) -> sqlalchemy.Engine:
    """An engine for a PostgreSQL database through psycopg 3.

    A URL without a password takes it from ``PGPASSWORD`` or the password
    file (``~/.pgpass``, ``PGPASSFILE``), as libpq does.
    """
    return sqlalchemy.create_engine(
        psycopg_url(url),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
        connect_args={
            "connect_timeout": 10,
            "application_name": "customer-value-kit",
            # A save waits for the write lock at most 15 s (SQLite's wait is
            # 10 s), and a transaction left open by a stuck page is ended.
            "options": "-c lock_timeout=15000 -c idle_in_transaction_session_timeout=60000",
        },
    )


def psycopg_url(url: str) -> str:
    """The URL for SQLAlchemy's psycopg dialect, with the user and password quoted.

    The last ``@`` ends the password, as :func:`kit.store.upkeep.redacted`
    reads it, so a password holding ``@``, ``/`` or ``:`` is never taken
    for the host (and so never shown in a message about the host).

    Examples
    --------
    >>> psycopg_url("postgresql://kit:p@ss/w:rd@db:5432/kit")
    'postgresql+psycopg://kit:p%40ss%2Fw%3Ard@db:5432/kit'
    >>> psycopg_url("postgresql://kit@db/kit")
    'postgresql+psycopg://kit@db/kit'
    """
    rest = url.partition("://")[2]
    userinfo, at, host = rest.rpartition("@")
    if not at:
        return f"postgresql+psycopg://{rest}"
    user, colon, password = userinfo.partition(":")
    secret = f":{quote(unquote(password), safe='')}" if colon else ""
    return f"postgresql+psycopg://{quote(unquote(user), safe='')}{secret}@{host}"


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

    def __init__(self, result: CursorResult[Any] | None, returned_id: int | None = None):
        self._returned_id = returned_id
        self.rowcount: int = result.rowcount if result is not None else int(returned_id is not None)
        self._result = result
        self._index = (
            {name: n for n, name in enumerate(result.keys())}
            if result is not None and result.returns_rows
            else {}
        )

    @property
    def lastrowid(self) -> int | None:
        """The id the INSERT gave its row (SQLite's rowid; PostgreSQL's ``RETURNING id``)."""
        if self._returned_id is not None or self._result is None:
            return self._returned_id
        return self._result.lastrowid

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
        self._lost = False  # the server went away: connect again before the next statement
        self._writing = False
        # Counts connections: what a connection holds for itself (temporary tables) is
        # made again on a new one.
        self.connection_number = 0

    def _run(self, sql: str, params: Any, retry: bool = False) -> CursorResult[Any]:
        # A database server that restarted ends every connection. A statement
        # that changes nothing, outside a transaction, runs again on a new
        # connection; anything else says so (DatabaseUnreachable), and the
        # page keeps what it could not save until the store answers again.
        for attempt in (1, 2):
            if self._lost:
                self._reconnect()
            try:
                return self._connection.exec_driver_sql(sql, params)
            except PendingRollbackError as err:  # a connection lost earlier, unnoticed
                self._lost = True
                failed: Exception = err
            except DBAPIError as err:
                if not err.connection_invalidated:
                    raise
                self._lost = True
                failed = err
            if self._writing or not retry or attempt == 2:
                raise DatabaseUnreachable(driver_message(failed)) from failed
        raise AssertionError("unreachable")  # the loop returns or raises

    def _reconnect(self) -> None:
        with suppress(SQLAlchemyError):  # the old connection is gone already
            self._connection.close()
        try:
            self._connection = self.engine.connect()
        except DBAPIError as err:
            self._lost = True
            raise DatabaseUnreachable(driver_message(err)) from err
        self._lost = False
        self.connection_number += 1

    def execute(self, sql: str, params: Params = ()) -> Rows:
        """Run one statement with its arguments (``?`` in order, or ``:name`` from a mapping)."""
        reading = _READING.match(sql) is not None
        if self.dialect != "postgresql":
            return Rows(self._run(sql, _driver_params(params), reading))
        if returning := pg_returning(sql):
            result = self._run(pg_placeholders(returning), _driver_params(params))
            row = result.fetchone()
            return Rows(None, None if row is None else int(row[0]))
        if params:
            sql = pg_placeholders(sql)
        return Rows(self._run(sql, _driver_params(params), reading))

    def executemany(self, sql: str, rows: Sequence[Params]) -> Rows:
        """Run one statement once for each set of arguments."""
        if not rows:
            return Rows(None)
        if self.dialect == "postgresql":
            sql = pg_placeholders(sql)
        return Rows(self._run(sql, [_driver_params(r) for r in rows]))

    @contextmanager
    def write(self) -> Iterator[Db]:
        """One transaction that holds the write lock from its first statement.

        BEGIN IMMEDIATE takes the write lock up front, so two kernels saving
        at once wait for each other instead of failing half-way; PostgreSQL
        takes :data:`WRITE_LOCK` for the same.
        """
        if self.dialect == "postgresql":
            self._run("BEGIN", (), retry=True)
            self._writing = True
            try:
                self._run(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})", ())
            except BaseException:
                self._end("ROLLBACK")
                raise
        else:
            self._run("BEGIN IMMEDIATE", (), retry=True)
            self._writing = True
        try:
            yield self
            if self.dialect == "postgresql":
                self._run(_COUNT_CHANGE, ())
        except BaseException:
            self._end("ROLLBACK")
            raise
        else:
            self._end("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[Db]:
        """Reads that all see one moment of the store, whatever others write meanwhile.

        SQLite in WAL mode holds a read transaction's snapshot from its first
        read; PostgreSQL does so at REPEATABLE READ.
        """
        self._run(
            "BEGIN ISOLATION LEVEL REPEATABLE READ" if self.dialect == "postgresql" else "BEGIN",
            (),
            retry=True,
        )
        self._writing = True  # no statement in it may quietly run on a new connection
        try:
            yield self
        finally:
            self._end("COMMIT")

    def _end(self, how: str) -> None:
        try:
            if not self._lost:  # a lost connection's transaction died with it
                self._run(how, ())
        finally:
            self._writing = False

    def create_tables(self, metadata: sqlalchemy.MetaData) -> None:
        """Create every table and index of ``metadata`` the database lacks, in this transaction.

        An index is created on its own as well, so a table an older kit made
        without it gets it too.
        """
        if self.dialect == "postgresql":
            self._connection.exec_driver_sql(PG_NOCASE)
        metadata.create_all(self._connection, checkfirst=True)
        if self.dialect == "postgresql":
            for name in ROWID_TABLES:
                self._connection.exec_driver_sql(
                    f"ALTER TABLE {name} ADD COLUMN IF NOT EXISTS"
                    " rowid BIGINT GENERATED BY DEFAULT AS IDENTITY"
                )
            self._connection.exec_driver_sql(
                "INSERT INTO meta (key, value) VALUES ('changes', '0') ON CONFLICT DO NOTHING"
            )
        for table in metadata.sorted_tables:
            for index in table.indexes:
                index.create(self._connection, checkfirst=True)

    def data_version(self) -> int:
        """A number that moves whenever anyone commits: another connection or this one.

        SQLite's ``data_version`` moves with other connections' commits only,
        so this connection's own count of changes is added in. On PostgreSQL,
        every write transaction counts itself in the ``meta`` table as it
        commits, seen by others with the changes it made. (The write-ahead
        log's position would move with mere reads too, and redraw pages for
        nothing.)
        """
        if self.dialect == "postgresql":
            row = self.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone()
            return int(row[0]) if row else 0
        others = int(self.execute("PRAGMA data_version").fetchone()[0])
        return (others << 32) + self.driver_connection.total_changes

    @property
    def sqlalchemy_connection(self) -> Connection:
        """SQLAlchemy's connection beneath, for Alembic inside a :meth:`write` transaction."""
        return self._connection

    def has_table(self, name: str) -> bool:
        """True when the database has a table of that name."""
        return bool(sqlalchemy.inspect(self._connection).has_table(name))

    def quote(self, name: str) -> str:
        """A column or table name as this engine wants it written (``"by"`` where needed)."""
        return str(self.engine.dialect.identifier_preparer.quote(name))

    def restart_ids(self, table: str) -> None:
        """After rows came in with their ids, let the next new row take the next free id.

        SQLite picks the highest id plus one by itself; a PostgreSQL serial
        column's sequence is moved past the highest id copied in.
        """
        if self.dialect != "postgresql":
            return
        if not self.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = ? AND column_name = 'id'"
            " AND column_default LIKE 'nextval%'",
            (table,),
        ).fetchone():
            return
        self.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table}"
        )

    def schema_version(self) -> int:
        """The version of the kit's schema this database holds (0 when it holds none).

        SQLite keeps it in the file's ``user_version``; PostgreSQL in the
        ``meta`` table.
        """
        if self.dialect != "postgresql":
            return int(self.execute("PRAGMA user_version").fetchone()[0])
        if not self.execute("SELECT to_regclass('meta')").fetchone()[0]:
            return 0
        row = self.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def set_schema_version(self, version: int) -> None:
        """Record the schema's version (inside the caller's transaction)."""
        if self.dialect != "postgresql":
            self.execute(f"PRAGMA user_version={int(version)}")
            return
        self.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(version),),
        )

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
