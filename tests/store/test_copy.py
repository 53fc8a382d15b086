"""`kit store copy`: a coach's SQLite file to PostgreSQL and back, with nothing lost or changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kit.cli import main
from kit.database import open_store
from kit.store.copy import contents
from tests.conftest import fresh_postgres_url

FIXTURES = Path(__file__).with_name("fixtures")


def _exports(location: str, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """What a person can take out of a store: answers as CSV and JSON, and every circle's record."""
    found = {}
    for fmt in ("csv", "json"):
        assert main(["export", "--format", fmt, "--store", location]) == 0
        found[fmt] = capsys.readouterr().out
    store = open_store(location)
    found["circles"] = json.dumps(store.circle_records(), sort_keys=True)
    store.close()
    return found


def test_a_store_goes_to_postgresql_and_back_with_identical_exports(tmp_path, postgres, capsys):
    first = str(tmp_path / "coach.sqlite3")
    assert main(["demo", "--participants", "12", "--session", "K7R-M3X", "--seed", "3",
                 "--store", first]) == 0  # fmt: skip
    store = open_store(first)
    circle = store.circle_codes()[0][1]
    assert store.changes(circle) and store.actions(circle)  # a circle with its history
    store.close()
    capsys.readouterr()
    before = _exports(first, capsys)

    url = fresh_postgres_url(postgres)
    assert main(["store", "copy", first, url]) == 0
    said = capsys.readouterr().out
    assert "12 people" in said and "Counts and content hash are the same" in said
    assert "kit-test-pw" not in said and ":***@" in said

    back = str(tmp_path / "back.sqlite3")
    assert main(["store", "copy", url, back]) == 0
    capsys.readouterr()
    assert _exports(url, capsys) == before
    assert _exports(back, capsys) == before  # byte for byte, through both engines

    # The copy is a working store: new people and circle records take fresh ids.
    there = open_store(url)
    person = there.create_participant(session="K7R-M3X")
    assert person.id == 13
    earlier = [i.id for sid, *_ in there.sessions(circle) for i in there.ideas(sid)]
    session_id, _ = there.start_session(circle, "2026-12-08")
    assert session_id > max(sid for sid, *_ in there.sessions(circle) if sid != session_id)
    assert there.add_idea(session_id, "Call back within a day") > max(earlier)
    there.close()


def test_a_copy_goes_only_into_an_empty_store_and_changes_nothing_else(tmp_path, postgres, capsys):
    first, second = str(tmp_path / "a.sqlite3"), str(tmp_path / "b.sqlite3")
    for path, n in ((first, 3), (second, 2)):
        assert main(["demo", "--participants", str(n), "--store", path]) == 0
    store = open_store(second)
    kept = contents(store._db)
    store.close()
    capsys.readouterr()
    assert main(["store", "copy", first, second]) == 1
    assert "already holds records" in capsys.readouterr().err
    store = open_store(second)
    assert contents(store._db) == kept
    store.close()
    assert main(["store", "copy", first, first]) == 1
    assert "another store" in capsys.readouterr().err
    assert main(["store", "copy", str(tmp_path / "none.sqlite3"), second]) == 1
    assert "no store at" in capsys.readouterr().err


def test_an_older_file_is_upgraded_before_it_is_copied(tmp_path, postgres, capsys):
    old = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "kit-0.2.0.sqlite3", old)
    url = fresh_postgres_url(postgres)
    assert main(["store", "copy", str(old), url]) == 1
    assert f"run 'kit store upgrade --store {old}' first" in capsys.readouterr().err
    assert main(["store", "upgrade", "--store", str(old)]) == 0
    assert main(["store", "copy", str(old), url]) == 0
    people = open_store(str(old)).rows()
    assert open_store(url).rows() == people and people
