"""The store's core: one database (a SQLite file or PostgreSQL), one transaction per save, upgrades.

Voilà gives every page its own kernel, so everything shared between pages
(a person's answers, a team session) goes through the database, never
through Python globals. The core owns the connection (through the dialect
layer, :mod:`kit.store.engine`), transactions, the schema's upgrades (older
SQLite files' steps in ``kit/store/migrations/``, Alembic's revisions in
``kit/store/revisions/``), people and team sessions; each feature keeps its
own queries beside it (``kit/<feature>/storage.py``) as a mixin of
:class:`kit.database.Store`, which every page opens.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from contextlib import AbstractContextManager
from functools import cache
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from kit.model import PULSE, Participant
from kit.store.attempts import Attempts
from kit.store.clock import now
from kit.store.codes import (
    inserted_id,
    new_coach_key,
    new_public_id,
    new_respondent_id,
    new_resume_code,
    normalise_code,
)
from kit.store.engine import Db, Record, is_postgres, postgres_engine, sqlite_engine
from kit.store.errors import StoreError, driver_message, guarded
from kit.store.sessions import TeamSessions, origin_of
from kit.store.tables import METADATA
from kit.store.upkeep import redacted, with_known_password, without_password

SCHEMA_VERSION = 8
# The schema the numbered SQL steps (MIGRATIONS) lead to, where Alembic's revisions begin.
BASELINE = 8
MIGRATIONS = Path(__file__).with_name("migrations")
REVISIONS = Path(__file__).with_name("revisions")
_STEP = re.compile(r"(\d{4})_[\w]+\.sql")


def split_statements(text: str) -> tuple[str, ...]:
    r"""Split SQL into statements where SQLite says each one ends.

    ``sqlite3.complete_statement`` knows about quotes, comments and triggers,
    so a semicolon inside a string or a trigger body never cuts a statement.
    Lines of comments alone are no statement.

    Examples
    --------
    >>> split_statements("-- two steps\nCREATE TABLE t (x TEXT DEFAULT ';');\nDROP TABLE t;\n")
    ("-- two steps\nCREATE TABLE t (x TEXT DEFAULT ';');", 'DROP TABLE t;')
    """
    found: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            found.append(current.strip())
            current = ""
    if any(line.strip() and not line.strip().startswith("--") for line in current.splitlines()):
        raise StoreError(f"the SQL ends in the middle of a statement: {current.strip()[:60]}")
    return tuple(found)


@cache
def statements(name: str) -> tuple[str, ...]:
    """The statements of one file in ``kit/store/migrations/``."""
    return split_statements((MIGRATIONS / name).read_text(encoding="utf-8"))


def steps() -> list[tuple[int, str]]:
    """Return the numbered migration files as (version they bring a file to, file name), in order.

    Examples
    --------
    >>> [version for version, _ in steps()]
    [4, 6, 7, 8]
    """
    found = [
        (int(m.group(1)), m.group(0))
        for p in MIGRATIONS.iterdir()
        if (m := _STEP.fullmatch(p.name))
    ]
    return sorted(found)


_ADD_COLUMN = re.compile(r"ALTER TABLE (\w+) ADD COLUMN", re.IGNORECASE)


def run_file(db: Db, name: str) -> None:
    """Run every statement of one migration file inside the caller's transaction.

    A step that adds a column to a table the file does not have yet is
    skipped: :mod:`kit.store.tables` then creates the table whole, with the column.
    """
    for statement in statements(name):
        if (added := _ADD_COLUMN.search(statement)) and not db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (added.group(1),)
        ).fetchone():
            continue
        db.execute(statement)


def number_respondents(db: Db) -> None:
    """Give every pulse answer's person and round a respondent id, then mend old lists (``after.sql``).

    Answers that came from files or older stores included; the ids are
    random, so they owe nothing to any other id.
    """
    missing = db.execute(
        "SELECT DISTINCT a.participant_id, a.round FROM answers a LEFT JOIN pulse_respondents r"
        " ON r.participant_id = a.participant_id AND r.round = a.round"
        " WHERE a.instrument = ? AND r.participant_id IS NULL",
        (PULSE,),
    ).fetchall()
    db.executemany(
        "INSERT INTO pulse_respondents VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [(person, round_, new_respondent_id()) for person, round_ in missing],
    )
    run_file(db, "after.sql")


def upgrade(db: Db) -> None:
    """Bring the file to :data:`SCHEMA_VERSION` in one transaction (the caller holds the write lock).

    A new file (version 0) gets :mod:`kit.store.tables` whole. An older one
    first takes each numbered step above its version, then the tables and
    indexes it lacks.
    """
    version = db.schema_version()
    if version >= SCHEMA_VERSION:
        return  # another kernel upgraded it while this one waited for the lock
    for number, name in steps():
        if 0 < version < number:
            run_file(db, name)
    if version < BASELINE:
        db.create_tables(METADATA)
    if 0 < version < BASELINE:  # a file written by an older kit (always SQLite): mend its records
        number_respondents(db)
        # Sessions from before version 4 get a coach key, so their dashboard opens.
        for (code,) in db.execute("SELECT code FROM sessions WHERE coach_key IS NULL").fetchall():
            db.execute("UPDATE sessions SET coach_key = ? WHERE code = ?", (new_coach_key(), code))
    migrate(db, new=version == 0)
    db.set_schema_version(SCHEMA_VERSION)


def migrate(db: Db, new: bool) -> None:
    """Bring the store to the newest Alembic revision (``kit/store/revisions``), in the caller's transaction.

    A new store already has the newest schema (:mod:`kit.store.tables`), so
    it is only marked with it. Any other starts from revision ``0008``, the
    schema the numbered SQL steps lead to, and takes every revision after it.
    From schema 8 on, a change to the schema is a revision there (named by its
    schema number), :data:`SCHEMA_VERSION` is that number, and
    :mod:`kit.store.tables` shows the result.
    """
    # Imported here: Alembic is needed only when a store is created or upgraded,
    # never as a page opens a store that is ready.
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(REVISIONS))
    config.attributes["connection"] = db.sqlalchemy_connection
    if new:
        command.stamp(config, "head")
        return
    if not db.has_table("alembic_version"):
        command.stamp(config, f"{BASELINE:04d}")
    command.upgrade(config, "head")


def where_people(session: str | None, participant_id: int | None) -> tuple[str, list[object]]:
    """Return a WHERE clause (on participants ``p``) and its arguments."""
    where: list[str] = []
    args: list[object] = []
    if session is not None:
        where.append("p.session = ?")
        args.append(session)
    if participant_id is not None:
        where.append("p.id = ?")
        args.append(participant_id)
    return (" WHERE " + " AND ".join(where) if where else ""), args


class StoreCore(TeamSessions, Attempts):
    """The connection, its transactions and migrations, people and team sessions.

    Parameters
    ----------
    path : str or Path
        The database file, its folder created when missing; or a PostgreSQL
        URL (``postgresql://user@host/database``).
    """

    def __init__(self, path: str | Path):
        self.url = with_known_password(str(path)) if is_postgres(str(path)) else ""
        # Absolute, because every page's kernel runs in its notebook's folder:
        # a relative path would name a different file there.
        self.path = None if self.url else Path(path).expanduser().resolve()
        shown = redacted(self.url) if self.url else str(self.path)
        # Any thread may use the connection (JupyterLab calls widget
        # callbacks on a subshell's thread); `guarded` lets one at a time.
        self._lock = threading.RLock()
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            engine = postgres_engine(self.url) if self.url else sqlite_engine(str(self.path))
            self._db = Db(engine)
            version = self._db.schema_version()
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{shown} was written by a newer kit (schema {version}); upgrade the kit"
                )
            if version < SCHEMA_VERSION:
                self._upgrade()
        except (sqlite3.DatabaseError, DBAPIError) as err:
            raise StoreError(
                f"cannot use {shown} as the kit's store ({driver_message(err)}); "
                "choose another with --store or KIT_STORE"
            ) from None
        except OSError as err:
            raise StoreError(f"cannot create the store at {shown} ({err.strerror})") from None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"

    def _upgrade(self) -> None:
        # Only a new (or older) file takes the write lock here: every page
        # load opens the store, and most find it ready. The version is read
        # again under the lock in case another kernel got there first.
        with self._write() as db:
            upgrade(db)

    @guarded
    def data_version(self) -> int:
        """A number that changes whenever anyone commits to the store: another page's kernel or this one.

        Live pages ask it every half second and read their data again only
        when it moved: one cheap question instead of a dozen queries.
        """
        return self._db.data_version()

    @property
    def location(self) -> str:
        """Where the data is kept, as :func:`kit.database.open_store` takes it, with no password.

        A report's kernel opens the store again from here; a PostgreSQL
        password comes to it from the environment (``KIT_STORE``,
        ``PGPASSWORD``) or the password file, never from this text.
        """
        return without_password(self.url) if self.url else str(self.path)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def _write(self) -> AbstractContextManager[Db]:
        # One transaction per save, holding the write lock from its start (Db.write).
        return self._db.write()

    # -- participants ---------------------------------------------------------

    @guarded
    def create_participant(
        self,
        session: str | None = None,
        display_name: str = "",
        demo: bool = False,
        client: str = "",
    ) -> Participant:
        """Create a participant with a fresh resume code and anonymous public id.

        ``client`` is the address the person joins a session from. The first
        person from an address counts in the team's figures at once; later
        ones from the same address (the same device joining again in a private
        window, or another device on the same network) wait in an upload-like
        batch that the coach counts, so one device cannot pad the team.
        """
        with self._write() as db:
            if session:
                self._ensure_session(db, session, demo)
            origin = origin_of(session, client)
            batch = None
            if (
                origin
                and db.execute(
                    "SELECT 1 FROM participants WHERE session = ? AND origin = ? LIMIT 1",
                    (session, origin),
                ).fetchone()
            ):
                batch = self._open_batch(db, str(session), "address", "")
            cursor = db.execute(
                "INSERT INTO participants (public_id, resume_code, session, display_name, demo,"
                " created_at, batch, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new_public_id(),
                    new_resume_code(),
                    session,
                    display_name,
                    int(demo),
                    now(),
                    batch,
                    origin,
                ),
            )
            row = db.execute(
                "SELECT * FROM participants WHERE id = ?", (inserted_id(cursor),)
            ).fetchone()
        return _participant(row)

    @guarded
    def participant_by_code(self, code: str) -> Participant | None:
        """Return the participant with resume code ``code`` (typed loosely), or None."""
        normal = normalise_code(code)
        if normal is None:
            return None
        return self._participant_where("resume_code", normal)

    @guarded
    def participant_by_id(self, participant_id: int) -> Participant | None:
        """Return the participant with the store's own id ``participant_id``, or None."""
        return self._participant_where("id", participant_id)

    @guarded
    def participant_by_public_id(self, public_id: str) -> Participant | None:
        """Return the participant with the anonymous id ``public_id``, or None."""
        return self._participant_where("public_id", public_id)

    def _participant_where(self, column: str, value: object) -> Participant | None:
        # column is one of the three above, never a caller's text.
        row = self._db.execute(
            f"SELECT * FROM participants WHERE {column} = ?", (value,)
        ).fetchone()
        return _participant(row) if row else None

    @staticmethod
    def _ensure_session(db: Db, code: str, demo: bool) -> None:
        # Sessions made on the way (kit demo, kit import) get a coach key too,
        # so `kit session list` can open their dashboard.
        db.execute(
            "INSERT INTO sessions (code, title, demo, created_at, coach_key)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (code, code, int(demo), now(), new_coach_key()),
        )


def _participant(row: Record) -> Participant:
    return Participant(
        id=row["id"],
        public_id=row["public_id"],
        resume_code=row["resume_code"],
        session=row["session"],
        display_name=row["display_name"],
        demo=bool(row["demo"]),
    )
