"""Each person's score per trait, kept up to date as answers are saved.

A coach's dashboard redraws every few seconds; grouping every answer of a
large session each time would cost seconds. So the store keeps one row per
person, instrument, round and trait (the total and how many items are
answered), rewritten in the same transaction as the answer that changes it,
and the dashboard reads those rows already summed.

Which trait an item belongs to comes from the content files. When they change
(an item moves or is renamed), the store notices the new mapping and sums
everyone again once.

``completions`` lists who has answered every item of an instrument, in the
order they finished (its rowid). Team figures are published in steps of the
session's minimum group, over the first people to finish: a figure that moved
with each new person would give that person's answers away to anyone who
compares two refreshes.
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
CREATE TABLE IF NOT EXISTS completions (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    round INTEGER NOT NULL,
    PRIMARY KEY (participant_id, instrument, round)
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
# The people a figure covers: the first N (parameter 4) of a session
# (parameter 1) to finish an instrument (2) in a round (3), in finishing order.
_PUBLISHED = (
    "WITH shown AS MATERIALIZED (SELECT c.participant_id AS pid FROM completions c"
    " JOIN participants p ON p.id = c.participant_id WHERE p.session = ? AND c.instrument = ?"
    " AND c.round = ? ORDER BY c.rowid LIMIT ?)"
)
# Rows of completions that still hold: every trait of the instrument fully answered.
_COMPLETE_ROWS_FULL = (
    "SELECT s.participant_id, s.instrument, s.round FROM trait_scores s"
    " JOIN temp.trait_sizes z ON z.instrument = s.instrument AND z.trait = s.trait"
    " WHERE s.answered = z.items GROUP BY s.participant_id, s.instrument, s.round"
    " HAVING count(*) = (SELECT count(*) FROM temp.trait_sizes t"
    " WHERE t.instrument = s.instrument) ORDER BY s.participant_id"
)
_COMPLETE_ROWS = (
    "SELECT c.rowid FROM completions c JOIN (" + _COMPLETE_ROWS_FULL + ") k"
    " ON k.participant_id = c.participant_id AND k.instrument = c.instrument"
    " AND k.round = c.round"
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
    published: int = 0  # how many people the figures cover (a multiple of the step)


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
            db.execute("DELETE FROM completions WHERE rowid NOT IN (" + _COMPLETE_ROWS + ")")
            db.execute("INSERT OR IGNORE INTO completions " + _COMPLETE_ROWS_FULL)
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
        self._mark_completion(db, participant_id, instrument, round_)

    def _mark_completion(
        self, db: sqlite3.Connection, participant_id: int, instrument: str, round_: int
    ) -> None:
        whole, traits = db.execute(
            "SELECT (SELECT count(*) FROM trait_scores s JOIN temp.trait_sizes z"
            " ON z.instrument = s.instrument AND z.trait = s.trait WHERE s.participant_id = ?"
            " AND s.instrument = ? AND s.round = ? AND s.answered = z.items),"
            " (SELECT count(*) FROM temp.trait_sizes WHERE instrument = ?)",
            (participant_id, instrument, round_, instrument),
        ).fetchone()
        key = (participant_id, instrument, round_)
        if traits and whole == traits:
            # OR IGNORE: a person who changes an answer keeps their place in the order.
            db.execute("INSERT OR IGNORE INTO completions VALUES (?, ?, ?)", key)
        else:
            db.execute(
                "DELETE FROM completions WHERE participant_id = ? AND instrument = ? AND round = ?",
                key,
            )

    def _rescore_people(self, db: sqlite3.Connection, participant_ids: Iterable[int]) -> None:
        """Sum everything of these people again (after an import), in its transaction."""
        self._prepare_scores(db)
        for pid in sorted(set(participant_ids)):
            db.execute("DELETE FROM trait_scores WHERE participant_id = ?", (pid,))
            db.execute(_SUM + " WHERE a.participant_id = ?" + _GROUP, (pid,))
            for instrument, round_ in db.execute(
                "SELECT DISTINCT instrument, round FROM trait_scores WHERE participant_id = ?"
                " UNION SELECT instrument, round FROM completions WHERE participant_id = ?",
                (pid, pid),
            ).fetchall():
                self._mark_completion(db, pid, instrument, round_)

    @guarded
    def instrument_summary(
        self, code: str, instrument: str, round_: int = 1, step: int = 1
    ) -> InstrumentSummary:
        """Sum up one instrument (one round) across a team session.

        Parameters
        ----------
        code : str
            The session.
        instrument : str
        round_ : int
        step : int
            Publish in steps of this many people (the session's minimum group):
            ``traits`` covers the first ``published`` people to finish, a
            multiple of ``step``, so two figures always differ by ``step``
            people or more, never by one person.
        """
        self._ready()
        started = self._db.execute(
            "SELECT count(DISTINCT s.participant_id) FROM participants p JOIN trait_scores s"
            " ON s.participant_id = p.id WHERE p.session = ? AND s.instrument = ? AND s.round = ?",
            (code, instrument, round_),
        ).fetchone()[0]
        completed = self._completed(code, instrument, round_)
        published = completed // step * step
        if not published:
            return InstrumentSummary(started, completed, (), 0)
        rows = self._db.execute(
            _PUBLISHED + " SELECT s.trait, count(*), avg(s.total / s.answered),"
            " avg((s.total / s.answered) * (s.total / s.answered)) FROM trait_scores s"
            " JOIN shown ON shown.pid = s.participant_id WHERE s.instrument = ? AND s.round = ?"
            " GROUP BY s.trait",
            (code, instrument, round_, published, instrument, round_),
        ).fetchall()
        summaries = tuple(
            TraitSummary(trait, n, mean, max(0.0, squares - mean * mean) ** 0.5)
            for trait, n, mean, squares in rows
        )
        return InstrumentSummary(started, completed, summaries, published)

    def _completed(self, code: str, instrument: str, round_: int) -> int:
        return self._db.execute(
            "SELECT count(*) FROM completions c JOIN participants p ON p.id = c.participant_id"
            " WHERE p.session = ? AND c.instrument = ? AND c.round = ?",
            (code, instrument, round_),
        ).fetchone()[0]

    @guarded
    def points(
        self, code: str, instrument: str, x: str, y: str, published: int
    ) -> list[tuple[float, float, int]]:
        """Return (x mean, y mean, people) for the first ``published`` people to finish.

        Points are grouped, so placing them costs one call per distinct point,
        not one per person.
        """
        self._ready()
        rows = self._db.execute(
            _PUBLISHED + ", xy AS (SELECT max(CASE WHEN s.trait = ? THEN s.total / s.answered END)"
            " AS x, max(CASE WHEN s.trait = ? THEN s.total / s.answered END) AS y"
            " FROM trait_scores s JOIN shown ON shown.pid = s.participant_id"
            " WHERE s.instrument = ? AND s.round = 1 GROUP BY s.participant_id)"
            " SELECT round(x, 2), round(y, 2), count(*) FROM xy GROUP BY 1, 2",
            (code, instrument, 1, published, x, y, instrument),
        ).fetchall()
        return [(float(a), float(b), int(n)) for a, b, n in rows]

    @guarded
    def published_texts(
        self, code: str, instrument: str, item: str, round_: int, published: int
    ) -> list[str]:
        """Free-text answers of the first ``published`` people to finish, sorted by text.

        Sorted by text, not by who or when, so the order gives nobody away;
        and only in the same steps as the figures, so a new line cannot be
        matched to the person who just put their phone down.
        """
        if not published:
            return []
        rows = self._db.execute(
            _PUBLISHED + " SELECT a.value FROM answers a JOIN shown ON shown.pid = a.participant_id"
            " WHERE a.instrument = ? AND a.item = ? AND a.round = ? ORDER BY a.value",
            (code, instrument, round_, published, instrument, item, round_),
        ).fetchall()
        return [r[0] for r in rows]

    def _ready(self) -> None:
        if not self._scores_checked:
            with self._write() as db:
                self._prepare_scores(db)

    def _sizes(self) -> list[tuple[str, str]]:
        return list(self._db.execute("SELECT instrument, trait FROM temp.trait_sizes"))
