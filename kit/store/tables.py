"""The store's schema, one declaration for every engine (SQLAlchemy Core ``MetaData``).

A new store, on SQLite or PostgreSQL, is created from these tables. A SQLite
file written by an older kit first takes the numbered SQL steps it lacks
(``kit/store/migrations/``), then whatever tables and indexes it has not got
from here. Flags are whole numbers (0 or 1) on both engines, as SQLite keeps
them; names people type (votes, attendance) compare without case on both.

Examples
--------
>>> sorted(METADATA.tables)[:3]
['action_events', 'actions', 'answers']
>>> [c.name for c in METADATA.tables["votes"].primary_key]
['idea_id', 'voter']
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    text,
)

METADATA = MetaData()

# Tables whose rows are read in the order they were written, by SQLite's
# implicit ``rowid``. On PostgreSQL the dialect layer gives each of them a
# ``rowid`` identity column (last, so a positional INSERT leaves it to its
# default), so the same queries run on both engines.
ROWID_TABLES = ("sessions", "circles", "attendance", "completions")

# SQLite's NOCASE; on PostgreSQL the dialect layer creates a collation of that
# name that ignores case (kit/store/engine.py).
NOCASE = "nocase"


def _int(name: str, default: int | None = None, check: str = "", **kw: object) -> Column[int]:
    """A whole-number column, NOT NULL with a default when one is given."""
    if default is not None:
        kw.setdefault("nullable", False)
        kw["server_default"] = text(str(default))
    checks = [CheckConstraint(check)] if check else []
    return Column(name, Integer, *checks, **kw)  # type: ignore[arg-type]


def _text(name: str, default: str | None = None, **kw: object) -> Column[str]:
    """A text column, NOT NULL with a default when one is given."""
    if default is not None:
        kw.setdefault("nullable", False)
        kw["server_default"] = text(f"'{default}'")
    return Column(name, Text, **kw)  # type: ignore[arg-type]


def _ref(target: str, on_delete: str | None = "CASCADE") -> ForeignKey:
    return ForeignKey(target, ondelete=on_delete)


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


# -- people and team sessions (kit/store) ---------------------------------------

Table(
    "sessions",
    METADATA,
    Column("code", Text, primary_key=True),
    _text("title", ""),
    _int("demo", 0),
    _text("created_at", nullable=False),
    _int("anonymous", 1),
    # Column checks, as the numbered steps added them, so SQLite can drop a column.
    _int("min_group", 5, check="min_group >= 3"),
    _text("coach_key", unique=True),
    _int("revealed", 0),
    _int("pulse_round", 1),
    _text("circle", ""),
    _int("closed", 0),
    _int("focus_round", 1),
    _int("cvc_target", 0, check="cvc_target BETWEEN 0 AND 100"),
)
Table(
    "upload_batches",
    METADATA,
    _id(),
    _text("session", nullable=False),
    _text("kind", nullable=False),
    _text("files", ""),
    _text("created_at", nullable=False),
    _int("confirmed", 0),
)
METADATA.tables["upload_batches"].c.session.append_foreign_key(_ref("sessions.code", None))
Table(
    "participants",
    METADATA,
    _id(),
    _text("public_id", nullable=False, unique=True),
    _text("resume_code", nullable=False, unique=True),
    Column("session", Text, _ref("sessions.code", None)),
    _text("display_name", ""),
    _int("demo", 0),
    _text("created_at", nullable=False),
    Column("batch", Integer, _ref("upload_batches.id", None)),
    _text("origin"),
    Index("participants_by_session", "session"),
)
Table(
    "pulse_respondents",
    METADATA,
    Column("participant_id", Integer, _ref("participants.id"), primary_key=True),
    Column("round", Integer, primary_key=True),
    _text("respondent_id", nullable=False, unique=True),
)
Table(
    "attempts",
    METADATA,
    _text("client", nullable=False),
    _text("kind", nullable=False),
    Column("at", Float, nullable=False),
    Index("attempts_by_client", "client", "kind", "at"),
)
Table(
    "answers",
    METADATA,
    Column("participant_id", Integer, _ref("participants.id"), primary_key=True),
    Column("instrument", Text, primary_key=True),
    Column("item", Text, primary_key=True),
    _text("value", nullable=False),
    _text("answered_at", nullable=False),
    Column("round", Integer, primary_key=True, server_default=text("1")),
)

# -- customer maps (kit/maps/storage.py) -----------------------------------------

Table(
    "maps",
    METADATA,
    Column(
        "participant_id", Integer, _ref("participants.id"), primary_key=True, autoincrement=False
    ),
    _text("updated_at", nullable=False),
    _int("version", 0),
)


def _map_part(name: str, *more: Column[Any]) -> Table:
    """A table of a map's numbered rows (its elements, its connections)."""
    return Table(
        name,
        METADATA,
        Column("participant_id", Integer, _ref("maps.participant_id"), primary_key=True),
        Column("position", Integer, primary_key=True),
        *more,
    )


_map_part(
    "map_elements",
    _text("name", nullable=False),
    _text("kind", nullable=False),
    _text("notes", ""),
    _int("bridge", 0),
)
_map_part(
    "map_connections",
    _text("source", nullable=False),
    _text("target", nullable=False),
    _text("handover", ""),
    _text("level", ""),
    _text("promise", ""),
)

# -- circles and their owners (kit/circles/storage.py) ----------------------------

Table(
    "circles",
    METADATA,
    Column("code", Text, primary_key=True),
    _int("participant_id", nullable=False),
    _text("settings", nullable=False),
    _text("updated_at", nullable=False),
    _int("version", 1),
    Index("circles_by_owner", "participant_id"),
)
METADATA.tables["circles"].c.participant_id.append_foreign_key(_ref("participants.id"))

# -- the organisation's value-chain check and the session's notes -----------------

Table(
    "value_chain_checks",
    METADATA,
    Column(
        "participant_id", Integer, _ref("participants.id"), primary_key=True, autoincrement=False
    ),
    _text("body", nullable=False),
    _text("created_at", nullable=False),
    _text("updated_at", nullable=False),
    _int("version", 1),
)
Table(
    "session_notes",
    METADATA,
    _id(),
    Column("session", Text, _ref("sessions.code"), nullable=False),
    _text("kind", nullable=False),
    _text("category", ""),
    _text("text", nullable=False),
    _int("round", 1),
    _text("at", nullable=False),
    _int("deleted", 0),
    CheckConstraint("kind IN ('action', 'guardrail')", name="session_notes_kind"),
    Index("session_notes_by_session", "session"),
)
# A team figure kept between changes: taken again only when the minimum group
# of its people differ.
Table(
    "kept_figures",
    METADATA,
    Column("session", Text, primary_key=True),
    Column("figure", Text, primary_key=True),
    _int("level", nullable=False),
    _text("people", nullable=False),
    _text("body", nullable=False),
)

# -- Customer Circle sessions (kit/circles/sessions.py) ----------------------------

Table(
    "circle_sessions",
    METADATA,
    _id(),
    Column("circle", Text, _ref("circles.code"), nullable=False),
    _int("number", nullable=False),
    _text("held_on", nullable=False),
    _int("votes_per_person", 3),
    _int("revealed", 0),
    _int("block", 0),
    _text("block_started", ""),
    UniqueConstraint("circle", "number"),
)
Table(
    "stories",
    METADATA,
    _id(),
    Column("session_id", Integer, _ref("circle_sessions.id"), nullable=False),
    _text("kind", nullable=False),
    _text("text", nullable=False),
    _text("teller", ""),
    _text("act", ""),
    _text("place", ""),
    _text("prevention", ""),
    _text("added_by", ""),
    _int("deleted", 0),
)
# The circle's running lists: an entry outlives the session that raised it;
# each raising is a row of factors.
Table(
    "entries",
    METADATA,
    _id(),
    Column("circle", Text, _ref("circles.code"), nullable=False),
    _text("kind", nullable=False),
    _text("text", nullable=False),
    _text("status", "new"),
    Column("merged_into", Integer, _ref("entries.id", "SET NULL")),
    _int("deleted", 0),
    Index("entries_by_circle", "circle"),
)
Table(
    "factors",
    METADATA,
    _id(),
    Column("session_id", Integer, _ref("circle_sessions.id"), nullable=False),
    _text("kind", nullable=False),
    _text("text", nullable=False),
    Column("story_id", Integer, _ref("stories.id", "SET NULL")),
    Column("entry_id", Integer, _ref("entries.id")),
    Index("factors_by_entry", "entry_id"),
)
# Every edit, merge, delete and undo, kept so the programme's history stays honest.
Table(
    "changes",
    METADATA,
    _id(),
    Column("circle", Text, _ref("circles.code"), nullable=False),
    _int("session", nullable=False),
    _text("at", nullable=False),
    _text("who", nullable=False),
    _text("thing", nullable=False),
    _int("thing_id", nullable=False),
    _text("change", nullable=False),
    _text("before", nullable=False),
    _text("after", nullable=False),
    _int("undone", 0),
    Index("changes_by_circle", "circle"),
)
Table(
    "attendance",
    METADATA,
    Column("session_id", Integer, _ref("circle_sessions.id"), primary_key=True),
    Column("name", Text(collation=NOCASE), primary_key=True),
)
Table(
    "ideas",
    METADATA,
    _id(),
    Column("session_id", Integer, _ref("circle_sessions.id"), nullable=False),
    _text("text", nullable=False),
    _text("by", ""),
    _text("added_by", ""),
    _int("deleted", 0),
)
Table(
    "votes",
    METADATA,
    Column("idea_id", Integer, _ref("ideas.id"), primary_key=True),
    Column("voter", Text(collation=NOCASE), primary_key=True),
    _int("count", nullable=False),
)
Table(
    "actions",
    METADATA,
    _id(),
    Column("circle", Text, _ref("circles.code"), nullable=False),
    Column("idea_id", Integer, _ref("ideas.id", "SET NULL")),
    _text("text", nullable=False),
    _text("owner", nullable=False),
    _text("due", nullable=False),
    _int("opened", nullable=False),
    _text("status", "open"),
    Column("entry_id", Integer, _ref("entries.id", "SET NULL")),
    _int("deleted", 0),
)
Table(
    "action_events",
    METADATA,
    _id(),
    Column("action_id", Integer, _ref("actions.id"), nullable=False),
    _int("session", nullable=False),
    _text("status", nullable=False),
    _text("note", ""),
    _text("at", nullable=False),
)

# -- kept trait scores and the anonymity gate's figures (kit/instruments/trait_scores.py)


def _per_person_round(name: str, *more: Column[Any]) -> Table:
    return Table(
        name,
        METADATA,
        Column("participant_id", Integer, _ref("participants.id"), primary_key=True),
        Column("instrument", Text, primary_key=True),
        Column("round", Integer, primary_key=True),
        *more,
    )


_per_person_round(
    "trait_scores",
    Column("trait", Text, primary_key=True),
    Column("total", Float, nullable=False),
    _int("answered", nullable=False),
)
_per_person_round("completions")
_per_person_round("score_changes")
Table(
    "meta",
    METADATA,
    Column("key", Text, primary_key=True),
    _text("value", nullable=False),
)
Table(
    "published_levels",
    METADATA,
    Column("session", Text, primary_key=True),
    Column("instrument", Text, primary_key=True),
    Column("round", Integer, primary_key=True),
    Column("grp", Integer, primary_key=True),
    _int("level", nullable=False),
)
Table(
    "published_scores",
    METADATA,
    Column("session", Text, primary_key=True),
    Column("instrument", Text, primary_key=True),
    Column("round", Integer, primary_key=True),
    _int("grp", nullable=False),
    Column("participant_id", Integer, _ref("participants.id"), primary_key=True),
    Column("trait", Text, primary_key=True),
    Column("mean", Float, nullable=False),
)
Table(
    "published_texts",
    METADATA,
    Column("session", Text, primary_key=True),
    Column("instrument", Text, primary_key=True),
    Column("item", Text, primary_key=True),
    Column("round", Integer, primary_key=True),
    _int("grp", nullable=False),
    Column("participant_id", Integer, _ref("participants.id"), primary_key=True),
    _text("text", nullable=False),
)
