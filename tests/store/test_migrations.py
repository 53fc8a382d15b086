"""Stores written by earlier kits open, migrate once, and keep every record."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from kit.database import Store
from kit.store import core
from kit.store.errors import StoreError

FIXTURES = Path(__file__).with_name("fixtures")
TABLES = (
    "sessions",
    "participants",
    "answers",
    "maps",
    "map_elements",
    "map_connections",
    "circles",
    "circle_sessions",
    "stories",
    "factors",
    "ideas",
    "votes",
    "actions",
    "action_events",
    "pulse_respondents",
)


def counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        db.close()


def test_a_store_written_by_kit_0_2_0_opens_with_every_record(tmp_path):
    # kit-0.2.0.sqlite3: `kit demo --participants 6 --session WORKSHOP --seed 1`
    # run by the kit before the store was split into a core and features' queries.
    path = tmp_path / "kit.sqlite3"
    shutil.copy(FIXTURES / "kit-0.2.0.sqlite3", path)
    before = counts(path)
    assert before["answers"] > 200 and before["circle_sessions"] == 3 and before["map_elements"]
    store = Store(path)
    person = store.participant_by_public_id(store.rows()[0]["participant"])
    assert person is not None
    assert len(store.rows()) == before["answers"]
    [(owner, cmap)] = [(p, m) for p, (_, m) in store.maps().items()]
    assert len(cmap.elements) == before["map_elements"]
    [circle] = store.circle_records()[owner]
    assert len(circle["sessions"]) == 3
    store.close()
    assert counts(path) == before


def test_a_schema_3_store_takes_the_numbered_steps_and_keeps_its_answers(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE sessions (code TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '',
            demo INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
        CREATE TABLE participants (id INTEGER PRIMARY KEY, public_id TEXT NOT NULL UNIQUE,
            resume_code TEXT NOT NULL UNIQUE, session TEXT REFERENCES sessions(code),
            display_name TEXT NOT NULL DEFAULT '', demo INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL);
        CREATE TABLE answers (participant_id INTEGER NOT NULL REFERENCES participants(id),
            instrument TEXT NOT NULL, item TEXT NOT NULL, value TEXT NOT NULL,
            answered_at TEXT NOT NULL, PRIMARY KEY (participant_id, instrument, item));
        INSERT INTO sessions VALUES ('WS', 'Workshop', 0, '2026-01-05T09:00:00+00:00');
        INSERT INTO participants VALUES (1, 'p-1', 'AAAA-BBBB-CCCC-DDDD', 'WS', '', 0,
            '2026-01-05T09:00:00+00:00');
        INSERT INTO answers VALUES (1, 'openness_pulse', 'openness.1', '4',
            '2026-01-05T09:01:00+00:00');
        INSERT INTO answers VALUES (1, 'hidden_leader', 'urgency.1', '5',
            '2026-01-05T09:02:00+00:00');
        PRAGMA user_version = 3;
        """
    )
    db.close()
    store = Store(path)
    person = store.participant_by_code("AAAA-BBBB-CCCC-DDDD")
    assert store.answers(person.id, "hidden_leader") == {"urgency.1": "5"}
    assert store.answers(person.id, "openness_pulse", 1) == {"openness.1": "4"}
    team = store.team_session("WS")
    assert team is not None and team.coach_key and team.min_group == 5 and team.anonymous
    # The pulse answer got a respondent id: exports never show the person behind it.
    pulse = [r for r in store.rows() if r["instrument"] == "openness_pulse"]
    assert pulse and pulse[0]["participant"].startswith("r-")
    assert len(team.coach_key) >= 32
    store.save_answer(person.id, "openness_pulse", "openness.1", "3", 2)  # rounds came later
    assert [r["value"] for r in store.rows() if r["round"] == 2] == ["3"]
    store.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == core.SCHEMA_VERSION


def test_the_migration_files_are_numbered_and_split_where_sqlite_says(tmp_path):
    assert [number for number, _ in core.steps()] == [4, 6, 7, 8]
    assert max(number for number, _ in core.steps()) == core.SCHEMA_VERSION
    statements = core.statements("0007_running_lists.sql")
    assert all(sqlite3.complete_statement(s) for s in statements)
    text = (core.MIGRATIONS / "0007_running_lists.sql").read_text()
    assert len(statements) == text.count("ALTER TABLE")
    # A semicolon inside a string or a trigger does not cut a statement in two.
    sql = (
        "-- a comment; with a semicolon\n"
        "CREATE TABLE t (x TEXT DEFAULT 'a;b');\n"
        "CREATE TRIGGER t_x AFTER INSERT ON t BEGIN\n  UPDATE t SET x = 'c;d';\nEND;\n"
    )
    assert len(core.split_statements(sql)) == 2
    with pytest.raises(StoreError, match="middle of a statement"):
        core.split_statements("CREATE TABLE t (x TEXT")


def test_a_store_from_a_newer_kit_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="newer kit"):
        Store(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 99


def test_a_schema_7_store_gets_the_organisations_side_and_keeps_its_sessions(tmp_path):
    path = tmp_path / "seven.sqlite3"
    store = Store(path)
    team = store.create_session("Leaders", min_group=3, code="K7R-M3X")
    person = store.create_participant(session=team.code)
    store.save_answer(person.id, "focus_attitude", "focus.1", "4")
    store.close()
    db = sqlite3.connect(path)
    db.executescript(
        """
        ALTER TABLE sessions DROP COLUMN focus_round;
        ALTER TABLE sessions DROP COLUMN cvc_target;
        DROP TABLE value_chain_checks;
        DROP TABLE session_notes;
        PRAGMA user_version = 7;
        """
    )
    db.close()
    store = Store(path)
    again = store.team_session("K7R-M3X")
    assert again.focus_round == 1 and again.cvc_target == 0 and again.min_group == 3
    assert store.answers(person.id, "focus_attitude") == {"focus.1": "4"}
    store.save_value_chain(person.id, {"promise": "On time"})
    store.add_session_note(team.code, "guardrail", "Tell the owner first")
    assert store.update_session(team.code, cvc_target=50).cvc_target == 50
    store.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == core.SCHEMA_VERSION


def test_every_store_carries_alembics_revision_and_the_kits_number_is_the_newest(store, tmp_path):
    # A new store, on either engine, is marked with the newest revision at once.
    [(revision,)] = store._db.execute("SELECT version_num FROM alembic_version").fetchall()
    revisions = sorted(p.name.split("_")[0] for p in (core.REVISIONS / "versions").glob("0*.py"))
    assert revision == revisions[-1] == f"{core.SCHEMA_VERSION:04d}"
    # A file of kit 0.2.0 takes the numbered steps, then starts Alembic's history.
    old = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "kit-0.2.0.sqlite3", old)
    Store(old).close()
    db = sqlite3.connect(old)
    assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(revision,)]
