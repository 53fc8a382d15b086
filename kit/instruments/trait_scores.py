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
from collections.abc import Iterable
from dataclasses import dataclass

from kit.store.core import StoreCore
from kit.store.engine import Db
from kit.store.errors import guarded

_SUM = (
    "INSERT INTO trait_scores SELECT a.participant_id, a.instrument, a.round, t.trait,"
    " sum(CAST(a.value AS DOUBLE PRECISION)), count(*) FROM answers a"
    " JOIN item_traits t ON t.instrument = a.instrument AND t.item = a.item"
)
_GROUP = " GROUP BY a.participant_id, a.instrument, a.round, t.trait"
# The people eligible for a figure (CTE "shown", with their group): in each
# group of a session (the people who joined through it, group 0, and each
# confirmed upload batch), the first ``level`` to finish an instrument in a
# round, in finishing order. The levels are kept in published_levels and move
# only in whole steps of the minimum group (TraitScores._publish); what the
# figures show is a kept snapshot of these people (TraitScores._snapshot).
# Parameters: session, instrument, round, then session, instrument, round again.
_PUBLISHED = (
    "WITH ranked AS (SELECT c.participant_id AS pid, coalesce(p.batch, 0) AS grp,"
    " row_number() OVER (PARTITION BY coalesce(p.batch, 0) ORDER BY c.rowid) AS rn"
    " FROM completions c JOIN participants p ON p.id = c.participant_id"
    " LEFT JOIN upload_batches b ON b.id = p.batch"
    " WHERE p.session = ? AND c.instrument = ? AND c.round = ?"
    " AND (p.batch IS NULL OR b.confirmed = 1)),"
    " shown AS MATERIALIZED (SELECT r.pid, r.grp FROM ranked r JOIN published_levels l"
    " ON l.session = ? AND l.instrument = ? AND l.round = ? AND l.grp = r.grp"
    " WHERE r.rn <= l.level)"
)
# Who counts in a session's figures: people who joined through it, and people
# of upload batches the coach confirmed (``p`` is participants).
COUNTED = (
    "(p.batch IS NULL OR EXISTS (SELECT 1 FROM upload_batches b WHERE b.id = p.batch"
    " AND b.confirmed = 1))"
)
# Rows of completions that still hold: every trait of the instrument fully answered.
_COMPLETE_ROWS_FULL = (
    "SELECT s.participant_id, s.instrument, s.round FROM trait_scores s"
    " JOIN trait_sizes z ON z.instrument = s.instrument AND z.trait = s.trait"
    " WHERE s.answered = z.items GROUP BY s.participant_id, s.instrument, s.round"
    " HAVING count(*) = (SELECT count(*) FROM trait_sizes t"
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

    Examples
    --------
    >>> traits = item_traits_from_content()
    >>> traits["hidden_leader", "urgency.1"], traits["focus_attitude", "attitude.3"]
    ('urgency', 'attitude')
    >>> ("hidden_leader", "commitment.1") in traits  # free text belongs to no trait
    False
    """
    from kit.content import ContentError
    from kit.instruments.content import instruments

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


class TraitScores(StoreCore):
    """Store methods that keep and read trait scores; mixed into :class:`kit.store.Store`."""

    _item_traits: dict[tuple[str, str], str] | None = None
    # The connection (Db.connection_number) whose temporary tables hold the mapping.
    _scores_checked = -1

    def _mapping(self) -> dict[tuple[str, str], str]:
        if self._item_traits is None:
            self._item_traits = item_traits_from_content()
        return self._item_traits

    def _prepare_scores(self, db: Db) -> None:
        """Load the item-to-trait mapping into this connection; re-sum all if it changed.

        Call inside a write transaction.
        """
        if self._scores_checked == db.connection_number:
            return  # a new connection (the server restarted) has no temporary tables
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
        db.execute("DELETE FROM item_traits")
        db.execute("DELETE FROM trait_sizes")
        db.executemany(
            "INSERT INTO item_traits VALUES (?, ?, ?)",
            [(i, item, t) for (i, item), t in mapping.items()],
        )
        sizes: dict[tuple[str, str], int] = {}
        for (instrument, _), trait in mapping.items():
            sizes[instrument, trait] = sizes.get((instrument, trait), 0) + 1
        db.executemany(
            "INSERT INTO trait_sizes VALUES (?, ?, ?)",
            [(i, t, n) for (i, t), n in sizes.items()],
        )
        fingerprint = hashlib.sha256(repr(sorted(mapping.items())).encode()).hexdigest()
        row = db.execute("SELECT value FROM meta WHERE key = 'trait_map'").fetchone()
        if row is None or row[0] != fingerprint:
            db.execute("DELETE FROM trait_scores")
            db.execute(_SUM + _GROUP)
            db.execute("DELETE FROM completions WHERE rowid NOT IN (" + _COMPLETE_ROWS + ")")
            db.execute("INSERT INTO completions " + _COMPLETE_ROWS_FULL + " ON CONFLICT DO NOTHING")
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('trait_map', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (fingerprint,),
            )
        self._scores_checked = db.connection_number

    def _rescore(
        self, db: Db, participant_id: int, instrument: str, item: str, round_: int
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
        # Who changed since their group's snapshot was taken (TraitScores._snapshot).
        db.execute(
            "INSERT INTO score_changes VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (participant_id, instrument, round_),
        )

    def _mark_completion(self, db: Db, participant_id: int, instrument: str, round_: int) -> None:
        whole, traits = db.execute(
            "SELECT (SELECT count(*) FROM trait_scores s JOIN trait_sizes z"
            " ON z.instrument = s.instrument AND z.trait = s.trait WHERE s.participant_id = ?"
            " AND s.instrument = ? AND s.round = ? AND s.answered = z.items),"
            " (SELECT count(*) FROM trait_sizes WHERE instrument = ?)",
            (participant_id, instrument, round_, instrument),
        ).fetchone()
        key = (participant_id, instrument, round_)
        if traits and whole == traits:
            # DO NOTHING: a person who changes an answer keeps their place in the order.
            db.execute("INSERT INTO completions VALUES (?, ?, ?) ON CONFLICT DO NOTHING", key)
        else:
            db.execute(
                "DELETE FROM completions WHERE participant_id = ? AND instrument = ? AND round = ?",
                key,
            )

    def _rescore_people(self, db: Db, participant_ids: Iterable[int]) -> None:
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
                db.execute(
                    "INSERT INTO score_changes VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (pid, instrument, round_),
                )

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
            The session's minimum group. The figures are worked out from a
            kept snapshot of people's scores, taken again for a group only
            when at least ``step`` of its people differ from it (new people
            who finished, edits, someone who took an answer back): so two
            figures always differ by ``step`` people or more, never by one
            (see :meth:`_publish` and :meth:`_snapshot`).
        """
        self._ready()
        started = self._db.execute(
            "SELECT count(DISTINCT s.participant_id) FROM participants p JOIN trait_scores s"
            " ON s.participant_id = p.id WHERE p.session = ? AND s.instrument = ? AND s.round = ?"
            " AND " + COUNTED,
            (code, instrument, round_),
        ).fetchone()[0]
        completed = self._completed(code, instrument, round_)
        self._publish(code, instrument, round_, step)
        self._snapshot(code, instrument, round_, step)
        key = (code, instrument, round_)
        published = self._db.execute(
            "SELECT count(DISTINCT participant_id) FROM published_scores WHERE session = ?"
            " AND instrument = ? AND round = ?",
            key,
        ).fetchone()[0]
        if not published:
            return InstrumentSummary(started, completed, (), 0)
        rows = self._db.execute(
            "SELECT trait, count(*), avg(mean), avg(mean * mean) FROM published_scores"
            " WHERE session = ? AND instrument = ? AND round = ? GROUP BY trait",
            key,
        ).fetchall()
        summaries = tuple(
            TraitSummary(trait, n, mean, max(0.0, squares - mean * mean) ** 0.5)
            for trait, n, mean, squares in rows
        )
        return InstrumentSummary(started, completed, summaries, published)

    def _publish(self, code: str, instrument: str, round_: int, step: int) -> None:
        """Move each group's published level by whole steps.

        A level is kept, not worked out afresh from the minimum group: were
        it ``finished // step * step``, a coach who raised the minimum group
        from 5 to 6 to 7 with ten people finished would see figures over the
        first 10, 6 and 7 people, and the last two differ by one person. Kept
        levels rise only when ``step`` more people of the same group have
        finished since the last rise, whatever the minimum group was then.
        """
        finished = dict(
            self._db.execute(
                "SELECT coalesce(p.batch, 0), count(*) FROM completions c"
                " JOIN participants p ON p.id = c.participant_id WHERE p.session = ?"
                " AND c.instrument = ? AND c.round = ? AND " + COUNTED + " GROUP BY 1",
                (code, instrument, round_),
            ).fetchall()
        )
        levels = dict(
            self._db.execute(
                "SELECT grp, level FROM published_levels WHERE session = ? AND instrument = ?"
                " AND round = ?",
                (code, instrument, round_),
            ).fetchall()
        )
        moves = {}
        for grp, level in {**dict.fromkeys(finished, 0), **levels}.items():
            done = finished.get(grp, 0)
            if done - level >= step:
                moves[grp] = level + (done - level) // step * step
            elif done < level:
                steps_down = -(-(level - done) // step)  # rounded up
                moves[grp] = max(0, level - steps_down * step)
        if moves:
            with self._write() as db:
                db.executemany(
                    "INSERT INTO published_levels VALUES (?, ?, ?, ?, ?) ON CONFLICT"
                    " (session, instrument, round, grp) DO UPDATE SET level = excluded.level",
                    [(code, instrument, round_, grp, level) for grp, level in moves.items()],
                )

    def _snapshot(self, code: str, instrument: str, round_: int, step: int) -> None:
        """Take each group's snapshot of scores again when ``step`` of its people differ from it.

        Without a kept snapshot, a person who takes one answer back (or
        edits one) would move the figure by exactly their own change, or
        swap places with the next person to finish; with it, the figure
        moves only when as many people as the minimum group have changed.
        Each group is taken on its own, so a coach who uploads a batch of
        invented people cannot force the real group's snapshot to be taken.
        """
        keys = _keys(code, instrument, round_)
        groups = {
            grp
            for (grp,) in self._db.execute(
                _PUBLISHED + " SELECT DISTINCT grp FROM shown UNION SELECT DISTINCT grp"
                " FROM published_scores WHERE session = ? AND instrument = ? AND round = ?",
                (*keys, code, instrument, round_),
            ).fetchall()
        }
        retake = []
        for grp in groups:
            # People who came or went, plus people in both whose scores changed
            # since (score_changes): counting people, not comparing every score,
            # keeps a dashboard of thousands quick.
            changed = self._db.execute(
                _PUBLISHED + ", now AS (SELECT pid FROM shown WHERE grp = ?),"
                " kept AS (SELECT DISTINCT participant_id AS pid FROM published_scores"
                " WHERE session = ? AND instrument = ? AND round = ? AND grp = ?)"
                " SELECT (SELECT count(*) FROM (SELECT pid FROM now EXCEPT SELECT pid FROM kept) AS gone)"
                " + (SELECT count(*) FROM (SELECT pid FROM kept EXCEPT SELECT pid FROM now) AS came)"
                " + (SELECT count(*) FROM score_changes c WHERE c.instrument = ? AND c.round = ?"
                " AND c.participant_id IN (SELECT pid FROM now INTERSECT SELECT pid FROM kept))",
                (*keys, grp, code, instrument, round_, grp, instrument, round_),
            ).fetchone()[0]
            if changed >= step:
                retake.append(grp)
        if not retake:
            return
        with self._write() as db:
            for grp in retake:
                db.execute(
                    "DELETE FROM published_scores WHERE session = ? AND instrument = ?"
                    " AND round = ? AND grp = ?",
                    (code, instrument, round_, grp),
                )
                db.execute(
                    _PUBLISHED + " INSERT INTO published_scores SELECT ?, ?, ?, shown.grp,"
                    " s.participant_id, s.trait, s.total / s.answered FROM trait_scores s"
                    " JOIN shown ON shown.pid = s.participant_id WHERE shown.grp = ?"
                    " AND s.instrument = ? AND s.round = ?",
                    (*keys, code, instrument, round_, grp, instrument, round_),
                )
                db.execute(
                    "DELETE FROM score_changes WHERE instrument = ? AND round = ?"
                    " AND participant_id IN (SELECT participant_id FROM published_scores"
                    " WHERE session = ? AND instrument = ? AND round = ? AND grp = ?)",
                    (instrument, round_, code, instrument, round_, grp),
                )

    def _completed(self, code: str, instrument: str, round_: int) -> int:
        return self._db.execute(
            "SELECT count(*) FROM completions c JOIN participants p ON p.id = c.participant_id"
            " WHERE p.session = ? AND c.instrument = ? AND c.round = ? AND " + COUNTED,
            (code, instrument, round_),
        ).fetchone()[0]

    @guarded
    def points(
        self, code: str, instrument: str, x: str, y: str, published: int, round_: int = 1
    ) -> list[tuple[float, float, int]]:
        """Return (x mean, y mean, people) for the people the published figures cover.

        Points are grouped, so placing them costs one call per distinct point,
        not one per person. ``published`` is the count from
        :meth:`instrument_summary`, whose snapshot they come from (nothing when 0).
        """
        if not published:
            return []
        rows = self._db.execute(
            "WITH xy AS (SELECT max(CASE WHEN trait = ? THEN mean END) AS x,"
            " max(CASE WHEN trait = ? THEN mean END) AS y FROM published_scores"
            " WHERE session = ? AND instrument = ? AND round = ? GROUP BY participant_id)"
            " SELECT round(CAST(x AS NUMERIC), 2), round(CAST(y AS NUMERIC), 2), count(*)"
            " FROM xy GROUP BY 1, 2",
            (x, y, code, instrument, round_),
        ).fetchall()
        return [(float(a), float(b), int(n)) for a, b, n in rows if a is not None and b is not None]

    @guarded
    def finished_both(self, code: str, instrument: str, first: int, second: int) -> int:
        """How many counted people of a session finished ``instrument`` in both rounds."""
        return self._db.execute(
            "SELECT count(*) FROM completions a JOIN completions b"
            " ON b.participant_id = a.participant_id AND b.instrument = a.instrument"
            " JOIN participants p ON p.id = a.participant_id"
            " WHERE p.session = ? AND a.instrument = ? AND a.round = ? AND b.round = ? AND "
            + COUNTED,
            (code, instrument, first, second),
        ).fetchone()[0]

    @guarded
    def published_people(
        self, code: str, instrument: str, x: str, y: str, round_: int
    ) -> list[tuple[int, float, float]]:
        """Return (participant id, x mean, y mean) of the people a round's figures cover.

        In the order they finished that round, so a figure over "the first
        people of both rounds" keeps the same people as more finish. Only for
        figures that stay inside the store's gate (the transition table):
        the ids never leave the store.
        """
        rows = self._db.execute(
            "SELECT s.participant_id, max(CASE WHEN s.trait = ? THEN s.mean END),"
            " max(CASE WHEN s.trait = ? THEN s.mean END) FROM published_scores s"
            " LEFT JOIN completions c ON c.participant_id = s.participant_id"
            " AND c.instrument = s.instrument AND c.round = s.round"
            " WHERE s.session = ? AND s.instrument = ? AND s.round = ?"
            " GROUP BY s.participant_id ORDER BY min(c.rowid) IS NULL, min(c.rowid),"
            " s.participant_id",
            (x, y, code, instrument, round_),
        ).fetchall()
        return [(int(p), float(a), float(b)) for p, a, b in rows if a is not None and b is not None]

    @guarded
    def published_texts(
        self, code: str, instrument: str, item: str, round_: int, published: int, step: int = 1
    ) -> list[str]:
        """Free-text answers of the people the figures cover, sorted by text.

        Sorted by text, not by who or when, so the order gives nobody away.
        The list shown is a kept snapshot per group, taken again only when the
        texts of at least ``step`` of the group's people differ from it (new
        people, edits): a line that appeared or changed the moment one person
        put their phone down would point at that person.
        """
        if not published:
            return []
        key = (code, instrument, round_)
        text_key = (code, instrument, item, round_)
        now = (
            "SELECT p.participant_id AS pid, p.grp, coalesce(a.value, '') AS text FROM"
            " (SELECT DISTINCT participant_id, grp FROM published_scores WHERE session = ?"
            " AND instrument = ? AND round = ?) p LEFT JOIN answers a ON a.participant_id ="
            " p.participant_id AND a.instrument = ? AND a.item = ? AND a.round = ?"
        )
        now_args = (*key, instrument, item, round_)
        retake = []
        for (grp,) in self._db.execute(
            "SELECT DISTINCT grp FROM published_scores WHERE session = ? AND instrument = ?"
            " AND round = ? UNION SELECT DISTINCT grp FROM published_texts WHERE session = ?"
            " AND instrument = ? AND item = ? AND round = ?",
            (*key, *text_key),
        ).fetchall():
            changed = self._db.execute(
                f"WITH cur AS (SELECT pid, text FROM ({now}) AS shown_now"
                " WHERE grp = ? AND text <> ''),"
                " kept AS (SELECT participant_id AS pid, text FROM published_texts WHERE"
                " session = ? AND instrument = ? AND item = ? AND round = ? AND grp = ?),"
                " a AS (SELECT * FROM cur EXCEPT SELECT * FROM kept),"
                " b AS (SELECT * FROM kept EXCEPT SELECT * FROM cur)"
                " SELECT count(*) FROM (SELECT pid FROM a UNION SELECT pid FROM b) AS either",
                (*now_args, grp, *text_key, grp),
            ).fetchone()[0]
            if changed >= step:
                retake.append(grp)
        if retake:
            with self._write() as db:
                for grp in retake:
                    db.execute(
                        "DELETE FROM published_texts WHERE session = ? AND instrument = ?"
                        " AND item = ? AND round = ? AND grp = ?",
                        (*text_key, grp),
                    )
                    db.execute(
                        f"INSERT INTO published_texts SELECT ?, ?, ?, ?, grp, pid, text FROM"
                        f" ({now}) AS shown_now WHERE grp = ? AND text <> ''",
                        (*text_key, *now_args, grp),
                    )
        rows = self._db.execute(
            "SELECT text FROM published_texts WHERE session = ? AND instrument = ? AND item = ?"
            " AND round = ? ORDER BY text",
            text_key,
        ).fetchall()
        return [r[0] for r in rows]

    def _ready(self) -> None:
        if self._scores_checked != self._db.connection_number:
            with self._write() as db:
                self._prepare_scores(db)


def _keys(code: str, instrument: str, round_: int) -> tuple[object, ...]:
    """The six parameters of :data:`_PUBLISHED`."""
    return (code, instrument, round_, code, instrument, round_)
