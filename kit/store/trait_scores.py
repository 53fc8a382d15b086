"""Each person's score per trait, kept up to date as answers are saved.

A coach's dashboard redraws every few seconds; grouping every answer of a
large session each time would cost seconds. So the store keeps one row per
person, instrument, round and trait (the total and how many items are
answered), rewritten in the same transaction as the answer that changes it,
and the dashboard reads those rows already summed.

Which trait an item belongs to comes from the content files. When they change
(an item moves or is renamed), the store notices the new mapping and sums
everyone again once.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from kit.store.errors import guarded

SCHEMA = """
CREATE TABLE IF NOT EXISTS trait_scores (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    round INTEGER NOT NULL,
    trait TEXT NOT NULL,
    total REAL NOT NULL,
    answered INTEGER NOT NULL,
    PRIMARY KEY (participant_id, instrument, round, trait)
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
_SUM = (
    "INSERT INTO trait_scores SELECT a.participant_id, a.instrument, a.round, t.trait,"
    " total(CAST(a.value AS REAL)), count(*) FROM answers a"
    " JOIN temp.item_traits t ON t.instrument = a.instrument AND t.item = a.item"
)
_GROUP = " GROUP BY a.participant_id, a.instrument, a.round, t.trait"
# A session's people on one instrument and round: each one's trait means, and
# whether they answered every item (``done``). Parameters: session, instrument,
# round, number of traits.
_MINE = (
    "WITH mine AS MATERIALIZED (SELECT s.participant_id AS pid, s.trait AS trait,"
    " s.total / s.answered AS m, s.answered = z.items AS whole"
    " FROM participants p JOIN trait_scores s ON s.participant_id = p.id"
    " JOIN temp.trait_sizes z ON z.instrument = s.instrument AND z.trait = s.trait"
    " WHERE p.session = ? AND s.instrument = ? AND s.round = ?),"
    " per AS MATERIALIZED (SELECT pid, sum(whole) = ? AS done FROM mine GROUP BY pid)"
)


@dataclass(frozen=True)
class TraitSummary:
    """Completed people's mean and spread on one trait."""

    trait: str
    people: int
    mean: float
    spread: float


@dataclass(frozen=True)
class InstrumentSummary:
    """One instrument (in one round) across a session: who started, who finished, and how."""

    started: int
    completed: int
    traits: tuple[TraitSummary, ...]


def item_traits_from_content() -> dict[tuple[str, str], str]:
    """Return ``{(instrument, item): trait}`` for every rated item in the content files.

    Empty when the content cannot be read (``kit check`` says why); scores
    are then simply not kept.
    """
    from kit.content import ContentError, instruments

    try:
        catalogue = instruments()
    except ContentError:
        return {}
    return {
        (i.id, item.id): trait.id
        for i in catalogue.values()
        for trait in i.traits
        for item in trait.items
    }


class TraitScores:
    """Store methods that keep and read trait scores; mixed into :class:`kit.store.SQLiteStore`."""

    _db: sqlite3.Connection
    _write: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _item_traits: dict[tuple[str, str], str] | None = None
    _scores_checked = False

    def _mapping(self) -> dict[tuple[str, str], str]:
        if self._item_traits is None:
            self._item_traits = item_traits_from_content()
        return self._item_traits

    def _prepare_scores(self, db: sqlite3.Connection) -> None:
        """Load the item-to-trait mapping into this connection; re-sum all if it changed.

        Call inside a write transaction.
        """
        if self._scores_checked:
            return
        mapping = self._mapping()
        # A temporary table belongs to this connection (this page's kernel) alone.
        db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS item_traits"
            " (instrument TEXT, item TEXT, trait TEXT, PRIMARY KEY (instrument, item))"
        )
        db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS trait_sizes"
            " (instrument TEXT, trait TEXT, items INTEGER, PRIMARY KEY (instrument, trait))"
        )
        db.execute("DELETE FROM temp.item_traits")
        db.execute("DELETE FROM temp.trait_sizes")
        db.executemany(
            "INSERT INTO temp.item_traits VALUES (?, ?, ?)",
            [(i, item, t) for (i, item), t in mapping.items()],
        )
        sizes: dict[tuple[str, str], int] = {}
        for (instrument, _), trait in mapping.items():
            sizes[instrument, trait] = sizes.get((instrument, trait), 0) + 1
        db.executemany(
            "INSERT INTO temp.trait_sizes VALUES (?, ?, ?)",
            [(i, t, n) for (i, t), n in sizes.items()],
        )
        fingerprint = hashlib.sha256(repr(sorted(mapping.items())).encode()).hexdigest()
        row = db.execute("SELECT value FROM meta WHERE key = 'trait_map'").fetchone()
        if row is None or row[0] != fingerprint:
            db.execute("DELETE FROM trait_scores")
            db.execute(_SUM + _GROUP)
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('trait_map', ?)", (fingerprint,)
            )
        self._scores_checked = True

    def _rescore(
        self, db: sqlite3.Connection, participant_id: int, instrument: str, item: str, round_: int
    ) -> None:
        """Sum one person's trait again after an answer to ``item`` changed (in its transaction)."""
        self._prepare_scores(db)
        trait = self._mapping().get((instrument, item))
        if trait is None:
            return  # free text, a commitment, or an item of unknown content
        key = (participant_id, instrument, round_, trait)
        db.execute(
            "DELETE FROM trait_scores WHERE participant_id = ? AND instrument = ? AND round = ?"
            " AND trait = ?",
            key,
        )
        db.execute(
            _SUM + " WHERE a.participant_id = ? AND a.instrument = ? AND a.round = ?"
            " AND t.trait = ?" + _GROUP,
            key,
        )

    def _rescore_people(self, db: sqlite3.Connection, participant_ids: Iterable[int]) -> None:
        """Sum everything of these people again (after an import), in its transaction."""
        self._prepare_scores(db)
        for pid in set(participant_ids):
            db.execute("DELETE FROM trait_scores WHERE participant_id = ?", (pid,))
            db.execute(_SUM + " WHERE a.participant_id = ?" + _GROUP, (pid,))

    @guarded
    def instrument_summary(self, code: str, instrument: str, round_: int = 1) -> InstrumentSummary:
        """Sum up one instrument (one round) across a team session.

        ``traits`` covers only the people who answered every item, so a team
        figure never mixes finished and half-finished answers.
        """
        self._ready()
        traits = [t for (i, t) in self._sizes() if i == instrument]
        # MATERIALIZED: each person's rows are gathered once, then read twice.
        rows = self._db.execute(
            _MINE + " SELECT m.trait, count(*), avg(m.m), avg(m.m * m.m),"
            " (SELECT count(*) FROM per), (SELECT total(done) FROM per)"
            " FROM mine m JOIN per ON per.pid = m.pid WHERE per.done GROUP BY m.trait",
            (code, instrument, round_, len(traits)),
        ).fetchall()
        if not rows:  # nobody has finished: still say how many started
            started = self._db.execute(
                _MINE + " SELECT count(*) FROM per", (code, instrument, round_, len(traits))
            ).fetchone()[0]
            return InstrumentSummary(started, 0, ())
        started, completed = rows[0][4], int(rows[0][5])
        summaries = tuple(
            TraitSummary(trait, n, mean, max(0.0, squares - mean * mean) ** 0.5)
            for trait, n, mean, squares, _, _ in rows
        )
        return InstrumentSummary(started, completed, summaries)

    @guarded
    def points(self, code: str, instrument: str, x: str, y: str) -> list[tuple[float, float, int]]:
        """Return (x mean, y mean, people) for the completed people of a two-axis instrument.

        Points are grouped, so placing them costs one call per distinct point,
        not one per person.
        """
        self._ready()
        traits = [t for (i, t) in self._sizes() if i == instrument]
        rows = self._db.execute(
            _MINE + ", xy AS (SELECT max(CASE WHEN m.trait = ? THEN m.m END) AS x,"
            " max(CASE WHEN m.trait = ? THEN m.m END) AS y FROM mine m"
            " JOIN per ON per.pid = m.pid WHERE per.done GROUP BY m.pid)"
            " SELECT round(x, 2), round(y, 2), count(*) FROM xy GROUP BY 1, 2",
            (code, instrument, 1, len(traits), x, y),
        ).fetchall()
        return [(float(a), float(b), int(n)) for a, b, n in rows]

    def _ready(self) -> None:
        if not self._scores_checked:
            with self._write() as db:
                self._prepare_scores(db)

    def _sizes(self) -> list[tuple[str, str]]:
        return list(self._db.execute("SELECT instrument, trait FROM temp.trait_sizes"))
