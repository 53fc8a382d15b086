"""The SQLite store: one file, WAL mode, one transaction per save.

Voilà gives every page its own kernel, so everything shared between pages
(a person's answers, a team session) goes through this file, never through
Python globals.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from kit.model import PULSE, Circle, CustomerMap, MapConnection, MapElement, Participant
from kit.store.attempts import Attempts
from kit.store.circle_files import circle_from_dict, circle_to_dict
from kit.store.circle_sessions import SCHEMA as SESSIONS_SCHEMA
from kit.store.circle_sessions import CircleSessions
from kit.store.clock import now
from kit.store.codes import (
    RESPONDENT_PREFIX,
    new_coach_key,
    new_public_id,
    new_respondent_id,
    new_resume_code,
    normalise_code,
)
from kit.store.errors import MapChangedError, StoreError, guarded
from kit.store.records import AnswerFile
from kit.store.team_sessions import TeamSessions, origin_of
from kit.store.trait_scores import SCHEMA as SCORES_SCHEMA
from kit.store.trait_scores import TraitScores

P = ParamSpec("P")
R = TypeVar("R")
SCHEMA_VERSION = 6
# Version 4 gave sessions their settings and answers a round (the openness
# pulse is answered again each round); version 5 added the kept trait scores
# (new tables only); version 6 the anonymity gate's tables (upload batches,
# published levels and texts, pulse respondent ids, look-up attempts) and the
# participants' batch. Older files are brought up to date when opened.
_TO_V4 = """
ALTER TABLE sessions ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN min_group INTEGER NOT NULL DEFAULT 5 CHECK (min_group >= 3);
ALTER TABLE sessions ADD COLUMN coach_key TEXT;
ALTER TABLE sessions ADD COLUMN revealed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN pulse_round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN circle TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX sessions_by_key ON sessions(coach_key);
CREATE TABLE answers_v4 (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    item TEXT NOT NULL,
    value TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    round INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (participant_id, instrument, item, round)
);
INSERT INTO answers_v4 SELECT participant_id, instrument, item, value, answered_at, 1 FROM answers;
DROP TABLE answers;
ALTER TABLE answers_v4 RENAME TO answers;
"""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    code TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    anonymous INTEGER NOT NULL DEFAULT 1,
    min_group INTEGER NOT NULL DEFAULT 5 CHECK (min_group >= 3),
    coach_key TEXT UNIQUE,
    revealed INTEGER NOT NULL DEFAULT 0,
    pulse_round INTEGER NOT NULL DEFAULT 1,
    circle TEXT NOT NULL DEFAULT '',
    closed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS participants (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    resume_code TEXT NOT NULL UNIQUE,
    session TEXT REFERENCES sessions(code),
    display_name TEXT NOT NULL DEFAULT '',
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    batch INTEGER REFERENCES upload_batches(id),
    origin TEXT
);
CREATE TABLE IF NOT EXISTS upload_batches (
    id INTEGER PRIMARY KEY,
    session TEXT NOT NULL REFERENCES sessions(code),
    kind TEXT NOT NULL,
    files TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    confirmed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS pulse_respondents (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    round INTEGER NOT NULL,
    respondent_id TEXT NOT NULL UNIQUE,
    PRIMARY KEY (participant_id, round)
);
CREATE TABLE IF NOT EXISTS attempts (
    client TEXT NOT NULL,
    kind TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_client ON attempts(client, kind, at);
CREATE TABLE IF NOT EXISTS answers (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    item TEXT NOT NULL,
    value TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    round INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (participant_id, instrument, item, round)
);
CREATE INDEX IF NOT EXISTS participants_by_session ON participants(session);
CREATE TABLE IF NOT EXISTS maps (
    participant_id INTEGER PRIMARY KEY REFERENCES participants(id) ON DELETE CASCADE,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS map_elements (
    participant_id INTEGER NOT NULL REFERENCES maps(participant_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    bridge INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (participant_id, position)
);
CREATE TABLE IF NOT EXISTS circles (
    code TEXT PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    settings TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS circles_by_owner ON circles(participant_id);
CREATE TABLE IF NOT EXISTS map_connections (
    participant_id INTEGER NOT NULL REFERENCES maps(participant_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    handover TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT '',
    promise TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (participant_id, position)
);
"""


# Every pulse answer's person and round gets a respondent id (answers that came
# from files or older stores included); randomblob, so it owes nothing to any id.
_RESPONDENTS = (
    "INSERT OR IGNORE INTO pulse_respondents SELECT DISTINCT participant_id, round,"
    f" 'r-' || lower(hex(randomblob(6))) FROM answers WHERE instrument = '{PULSE}'"
)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    answers: int
    new_participants: int
    updated_participants: int
    resume_codes: dict[str, str]
    maps: int = 0
    circles: int = 0


class SQLiteStore(CircleSessions, TeamSessions, TraitScores, Attempts):
    """Answers, participants and sessions in one SQLite file.

    Parameters
    ----------
    path : str or Path
        The database file; its folder is created when missing.
    """

    def __init__(self, path: str | Path):
        # Absolute, because every page's kernel runs in its notebook's folder:
        # a relative path would name a different file there.
        self.path = Path(path).expanduser().resolve()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Any thread may use the connection (JupyterLab calls widget
            # callbacks on a subshell's thread); `guarded` lets one at a time.
            self._lock = threading.RLock()
            self._db = sqlite3.connect(
                self.path, isolation_level=None, timeout=10, check_same_thread=False
            )
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=10000")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer kit (schema {version}); upgrade the kit"
                )
            if version < SCHEMA_VERSION:
                self._upgrade()
        except sqlite3.DatabaseError as err:
            raise StoreError(
                f"cannot use {self.path} as the kit's store ({err}); "
                "choose another file with --store or KIT_STORE"
            ) from None
        except OSError as err:
            raise StoreError(f"cannot create the store at {self.path} ({err.strerror})") from None

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    def _upgrade(self) -> None:
        # Only a new (or older) file takes the write lock here: every page
        # load opens the store, and most find it ready. executescript commits
        # on its own, so each script carries its transaction, and the version
        # is read again under the lock in case another kernel got there first.
        self._db.executescript("BEGIN IMMEDIATE;")
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if 0 < version < 4:
                for statement in _TO_V4.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
            if 0 < version < 6:
                self._db.execute(
                    "ALTER TABLE participants ADD COLUMN batch INTEGER REFERENCES upload_batches(id)"
                )
                self._db.execute("ALTER TABLE participants ADD COLUMN origin TEXT")
            if version < SCHEMA_VERSION:
                for statement in (_SCHEMA + SESSIONS_SCHEMA + SCORES_SCHEMA).split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(_RESPONDENTS)
                for (code,) in self._db.execute(
                    "SELECT code FROM sessions WHERE coach_key IS NULL"
                ).fetchall():
                    self._db.execute(
                        "UPDATE sessions SET coach_key = ? WHERE code = ?", (new_coach_key(), code)
                    )
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @property
    def location(self) -> str:
        """Where the data is kept, for people to read."""
        return str(self.path)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock up front, so two kernels saving
        # at once wait for each other instead of failing half-way.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

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
                "SELECT * FROM participants WHERE id = ?", (cursor.lastrowid,)
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

    @guarded
    def ensure_session(self, code: str, demo: bool = False) -> None:
        """Create team session ``code`` when it does not exist yet."""
        with self._write() as db:
            self._ensure_session(db, code, demo)

    @staticmethod
    def _ensure_session(db: sqlite3.Connection, code: str, demo: bool) -> None:
        # Sessions made on the way (kit demo, kit import) get a coach key too,
        # so `kit session list` can open their dashboard.
        db.execute(
            "INSERT OR IGNORE INTO sessions (code, title, demo, created_at, coach_key)"
            " VALUES (?, ?, ?, ?, ?)",
            (code, code, int(demo), now(), new_coach_key()),
        )

    # -- answers --------------------------------------------------------------

    @guarded
    def save_answer(
        self,
        participant_id: int,
        instrument: str,
        item: str,
        value: str | None,
        round: int = 1,  # noqa: A002 - the column's name
    ) -> str:
        """Save one answer at once (``None`` or empty text removes it).

        ``round`` counts the times a team answers the same instrument (the
        openness pulse); every other instrument is answered in round 1.

        Returns
        -------
        str
            The time stamp stored with the answer.
        """
        stamp = now()
        with self._write() as db:
            if value is None or value == "":
                db.execute(
                    "DELETE FROM answers WHERE participant_id = ? AND instrument = ? AND item = ?"
                    " AND round = ?",
                    (participant_id, instrument, item, round),
                )
            else:
                db.execute(
                    "INSERT INTO answers (participant_id, instrument, item, value, answered_at,"
                    " round) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (participant_id, instrument, item, round)"
                    " DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at",
                    (participant_id, instrument, item, str(value), stamp, round),
                )
            if instrument == PULSE:
                # The pulse's answers get their own id per round, so no export
                # can join them to the same person's other answers.
                db.execute(
                    "INSERT OR IGNORE INTO pulse_respondents VALUES (?, ?, ?)",
                    (participant_id, round, new_respondent_id()),
                )
            self._rescore(db, participant_id, instrument, item, round)
        return stamp

    @guarded
    def answers(
        self,
        participant_id: int,
        instrument: str,
        round: int = 1,  # noqa: A002 - the column's name
    ) -> dict[str, str]:
        """Return a participant's answers to one instrument (in one round), by item."""
        rows = self._db.execute(
            "SELECT item, value FROM answers WHERE participant_id = ? AND instrument = ?"
            " AND round = ?",
            (participant_id, instrument, round),
        )
        return {r["item"]: r["value"] for r in rows}

    @guarded
    def answer_with_time(
        self, participant_id: int, instrument: str, item: str, round_: int = 1
    ) -> tuple[str, str] | None:
        """Return (value, answered_at) of one stored answer, or None."""
        row = self._db.execute(
            "SELECT value, answered_at FROM answers WHERE participant_id = ? AND instrument = ?"
            " AND item = ? AND round = ?",
            (participant_id, instrument, item, round_),
        ).fetchone()
        return (row["value"], row["answered_at"]) if row else None

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
    def _version(db: sqlite3.Connection, participant_id: int) -> int:
        row = db.execute(
            "SELECT version FROM maps WHERE participant_id = ?", (participant_id,)
        ).fetchone()
        return row["version"] if row else 0

    @guarded
    def map_version(self, participant_id: int) -> int:
        """Return the version of a participant's map (0 when they have none)."""
        return self._version(self._db, participant_id)

    def _put_map(
        self, db: sqlite3.Connection, participant_id: int, cmap: CustomerMap, stamp: str
    ) -> int:
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
        where, args = _filter(session, participant_id)
        rows = self._db.execute(query + where + " ORDER BY p.id", args).fetchall()
        return {r["public_id"]: (r["updated_at"], self._map(r["id"])) for r in rows}

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
        where, args = _filter(session, participant_id)
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

    # -- export and import ----------------------------------------------------

    @guarded
    def rows(
        self, session: str | None = None, participant_id: int | None = None, own: bool = False
    ) -> list[dict]:
        """Return tidy export rows, optionally for one session or one participant.

        The openness pulse's rows name their respondent id of that round, not
        the participant, come after every other row in the order of those
        random ids, and carry the day they were answered, not the second: no
        row's id, place or time joins a pulse answer to the same person's other
        answers. Answers in anonymous sessions carry the day too. Only a
        person's own file (``own``) keeps ids and times, so it can be uploaded
        again as one person.
        """
        pulse = f"a.instrument = '{PULSE}'" if not own else "a.instrument = ''"
        # In an anonymous session the second an answer came could match it to
        # whoever was seen tapping then: the day is all an export says.
        anonymous = "coalesce(s.anonymous, 0) = 1" if not own else "0 = 1"
        query = (
            "SELECT coalesce(p.session, '') AS session,"
            f" CASE WHEN {pulse} THEN coalesce(r.respondent_id, 'r-unknown')"
            " ELSE p.public_id END AS participant,"
            f" a.instrument, a.item, a.value, CASE WHEN {pulse} OR {anonymous}"
            " THEN substr(a.answered_at, 1, 10) || 'T00:00:00+00:00' ELSE a.answered_at END"
            " AS answered_at, p.demo, a.round"
            " FROM answers a JOIN participants p ON p.id = a.participant_id"
            " LEFT JOIN pulse_respondents r ON r.participant_id = p.id AND r.round = a.round"
            " LEFT JOIN sessions s ON s.code = p.session"
        )
        where, args = _filter(session, participant_id)
        query += (
            where + f" ORDER BY {pulse}, CASE WHEN {pulse} THEN r.respondent_id END,"
            " p.id, a.instrument, a.round, a.item"
        )
        return [dict(r) for r in self._db.execute(query, args)]

    @guarded
    def import_rows(
        self,
        answer_file: AnswerFile,
        from_page: bool = False,
        into_session: str | None = None,
        files: str = "",
    ) -> ImportSummary:
        """Import validated rows in one transaction: all of them or none.

        A participant already in the store is matched by its public id; a file
        that carries a resume code for them must carry their own.

        Parameters
        ----------
        answer_file : AnswerFile
        from_page : bool
            The file was uploaded on a page anyone can open. It must then hold
            one person with their resume code, and it may join only a team
            session that exists, so nobody can overwrite someone else's answers
            or pad a team with invented people.
        into_session : str, optional
            Put everyone in this team session (a coach's upload on the
            dashboard); someone already in another session is refused.
        files : str
            The uploaded files' names, kept with the upload batch.

        People new to a session through an upload (a coach's, or a file
        uploaded on the start page) form an upload batch: they count in the
        team's figures only once the coach confirms the batch (see
        :meth:`confirm_batch`). Uploaded files never choose resume codes:
        anyone new gets a fresh one.

        Raises
        ------
        StoreError
            When the file breaks those rules; nothing is imported.
        """
        by_participant: dict[str, list[dict[str, str]]] = {}
        for row in answer_file.rows:
            by_participant.setdefault(row["participant"], []).append(row)
        for public_id in (*answer_file.maps, *answer_file.circles):
            by_participant.setdefault(public_id, [])
        if from_page and len(by_participant) != 1:
            # A team export's pulse rows carry respondent ids: they are no more people.
            people = [p for p in by_participant if not p.startswith(RESPONDENT_PREFIX)]
            raise StoreError(
                f"this file holds {len(people) or len(by_participant)} people; upload your own file from "
                "'Download my answers' (a coach imports team files with kit import)"
            )
        codes_out: dict[str, str] = {}
        new = updated = count = maps = circles = 0
        touched: list[int] = []
        uploaded = from_page or into_session is not None
        batches: dict[str, int] = {}

        def batch_for(db: sqlite3.Connection, session: str) -> int:
            if session not in batches:
                batches[session] = self._open_batch(
                    db, session, "coach" if into_session else "page", files
                )
            return batches[session]

        with self._write() as db:
            for public_id, rows in by_participant.items():
                file_code = normalise_code(answer_file.resume_codes.get(public_id, "")) or None
                existing = db.execute(
                    "SELECT * FROM participants WHERE public_id = ?", (public_id,)
                ).fetchone()
                if public_id.startswith(RESPONDENT_PREFIX) and any(
                    row["instrument"] != PULSE for row in rows
                ):
                    # A respondent id stands for one round of the pulse, nothing
                    # else: other answers under it could be joined to the person.
                    raise StoreError(
                        f"{public_id} is a pulse respondent id: a file may hold only pulse "
                        "answers under it"
                    )
                if existing is None and public_id.startswith(RESPONDENT_PREFIX):
                    # Pulse rows of an export, back in the store they came from.
                    existing = db.execute(
                        "SELECT p.* FROM pulse_respondents r JOIN participants p"
                        " ON p.id = r.participant_id WHERE r.respondent_id = ?",
                        (public_id,),
                    ).fetchone()
                first = rows[0] if rows else {}
                demo = first.get("demo", "") in ("1", "true", "True")
                session = first.get("session") or None
                if into_session is not None:
                    session = into_session
                    if existing is not None and (
                        existing["session"] == into_session and existing["batch"] is None
                    ):
                        # Their answers are here already, from their own pages: a file
                        # must not change them (nor show which person a change moves).
                        raise StoreError(
                            f"participant {public_id} joined this session through its link: "
                            "their answers are already here, so their file is not needed"
                        )
                    if existing is not None and existing["session"] not in (None, into_session):
                        raise StoreError(
                            f"participant {public_id} already belongs to session "
                            f"{existing['session']}; their file cannot join this one too"
                        )
                    if existing is not None and existing["session"] is None:
                        db.execute(
                            "UPDATE participants SET session = ?, batch = ? WHERE id = ?",
                            (into_session, batch_for(db, into_session), existing["id"]),
                        )
                elif session and from_page:
                    # A closed session takes no one new, by link or by file.
                    known = db.execute(
                        "SELECT 1 FROM sessions WHERE code = ? AND NOT closed", (session,)
                    )
                    session = session if known.fetchone() else None
                elif session:
                    self._ensure_session(db, session, demo)
                again = (
                    into_session is not None
                    and existing is not None
                    and existing["session"] == into_session
                    and existing["batch"] is not None
                )
                if existing is not None:
                    # A coach's second upload of a file finds the person the
                    # first one made (under a fresh code, so the file's differs).
                    if (
                        (from_page or file_code)
                        and not again
                        and existing["resume_code"] != file_code
                    ):
                        raise StoreError(
                            f"participant {public_id} is already in the store with another "
                            "resume code: open the workbook with your own code instead"
                        )
                    pid = existing["id"]
                    updated += 1
                    codes_out[public_id] = existing["resume_code"]
                else:
                    if from_page and not file_code:
                        raise StoreError(
                            "this file has no resume code in it: use the file from "
                            "'Download my answers'"
                        )
                    # An uploaded file never chooses a resume code: one it
                    # could choose, someone could guess. kit import (the
                    # server's owner) keeps a file's code when it is free.
                    code = None if uploaded else file_code
                    taken = (
                        code
                        and db.execute(
                            "SELECT 1 FROM participants WHERE resume_code = ?", (code,)
                        ).fetchone()
                    )
                    if not code or taken:
                        code = new_resume_code()
                    cursor = db.execute(
                        "INSERT INTO participants (public_id, resume_code, session, display_name,"
                        " demo, created_at, batch) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            public_id,
                            code,
                            session,
                            str(answer_file.display_names.get(public_id, "")),
                            int(demo),
                            now(),
                            batch_for(db, session) if (uploaded and session) else None,
                        ),
                    )
                    pid = cursor.lastrowid
                    if public_id.startswith(RESPONDENT_PREFIX):
                        # An export's pulse respondent keeps its id in this store too.
                        db.executemany(
                            "INSERT OR IGNORE INTO pulse_respondents VALUES (?, ?, ?)",
                            [(pid, r, public_id) for r in {int(x.get("round") or 1) for x in rows}],
                        )
                    new += 1
                    codes_out[public_id] = code
                for row in rows:
                    # The newer answer wins, so importing an older file never
                    # undoes what a person changed since.
                    cursor = db.execute(
                        "INSERT INTO answers (participant_id, instrument, item, value, answered_at,"
                        " round) VALUES (?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (participant_id, instrument, item, round)"
                        " DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at"
                        " WHERE excluded.answered_at > answers.answered_at"
                        " OR (excluded.answered_at = answers.answered_at"
                        " AND excluded.value <> answers.value)",
                        (
                            pid,
                            row["instrument"],
                            row["item"],
                            row["value"],
                            row["answered_at"],
                            int(row.get("round") or 1),
                        ),
                    )
                    count += cursor.rowcount  # rows older than the stored answer are skipped
                touched.append(pid)
                if public_id in answer_file.maps:
                    stamp, cmap = answer_file.maps[public_id]
                    stored = db.execute(
                        "SELECT updated_at FROM maps WHERE participant_id = ?", (pid,)
                    ).fetchone()
                    # As with answers, the newer map wins.
                    if stored is None or stamp >= stored["updated_at"]:
                        self._put_map(db, pid, cmap, stamp)
                        maps += 1
                for record in answer_file.circles.get(public_id, []):
                    code = record["circle"]["code"]
                    stored = db.execute(
                        "SELECT participant_id, updated_at FROM circles WHERE code = ?", (code,)
                    ).fetchone()
                    if stored is not None and stored["participant_id"] != pid:
                        raise StoreError(
                            f"circle {code} in this file belongs to someone else in the store"
                        )
                    # As with answers and maps, the newer circle wins.
                    if stored is None or record["updated_at"] >= stored["updated_at"]:
                        self._put_circle_record(db, pid, record)
                        circles += 1
            db.execute(_RESPONDENTS)
            self._rescore_people(db, touched)
        return ImportSummary(count, new, updated, codes_out, maps, circles)


def _filter(session: str | None, participant_id: int | None) -> tuple[str, list[object]]:
    """Return a WHERE clause (on participants ``p``) and its arguments."""
    where, args = [], []
    if session is not None:
        where.append("p.session = ?")
        args.append(session)
    if participant_id is not None:
        where.append("p.id = ?")
        args.append(participant_id)
    return (" WHERE " + " AND ".join(where) if where else ""), args


def _participant(row: sqlite3.Row) -> Participant:
    return Participant(
        id=row["id"],
        public_id=row["public_id"],
        resume_code=row["resume_code"],
        session=row["session"],
        display_name=row["display_name"],
        demo=bool(row["demo"]),
    )
