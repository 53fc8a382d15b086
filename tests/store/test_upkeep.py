"""`kit store backup` and `kit store upgrade`, and the store URLs the kit refuses, as a user runs them."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from kit.cli import main
from kit.database import Store, open_store
from kit.store.core import SCHEMA_VERSION
from kit.store.upkeep import schema_version, table_counts
from tests.conftest import fresh_postgres_url
from tests.postgres import PASSWORD

FIXTURES = Path(__file__).with_name("fixtures")


def counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        return table_counts(db)
    finally:
        db.close()


def test_a_backup_taken_while_pages_save_is_whole_and_the_saving_goes_on(tmp_path, capsys):
    path = tmp_path / "kit.sqlite3"
    store = Store(path)
    code = store.create_session("Workshop").code
    store.close()
    stop = threading.Event()
    saved: list[int] = []

    def page_saving() -> None:
        # Another kernel, as a page's: a new person and an answer, over and over.
        page = Store(path)
        while not stop.is_set():
            person = page.create_participant(session=code)
            page.save_answer(person.id, "hidden_leader", "q01", "4")
            saved.append(person.id)
        page.close()

    writer = threading.Thread(target=page_saving)
    writer.start()
    try:
        while len(saved) < 20:
            time.sleep(0.01)
        dest = tmp_path / "backups" / "monday.sqlite3"
        assert main(["store", "backup", str(dest), "--store", str(path)]) == 0
        during = len(saved)
        time.sleep(0.2)
    finally:
        stop.set()
        writer.join()
    out = capsys.readouterr().out
    assert f"Backed up {path}" in out and str(dest) in out
    kept = counts(dest)
    # A snapshot of one moment, between two saves (a new person, then their
    # answer, are two): at most the last person is still without one. The
    # writer went on saving after it.
    assert kept["participants"] - kept["answers"] in (0, 1)
    assert 20 <= kept["participants"] <= during + 1
    assert counts(path)["participants"] == len(saved) > kept["participants"]
    assert f"{kept['participants']} people, {kept['answers']} answers" in out
    again = open_store(str(dest))
    assert len(again.rows()) == kept["answers"]
    again.close()
    assert [p.name for p in dest.parent.iterdir()] == ["monday.sqlite3"]


def test_a_backup_never_overwrites_a_file_or_the_store_itself(tmp_path, capsys):
    path = tmp_path / "kit.sqlite3"
    store = Store(path)
    store.create_participant()
    store.close()
    there = tmp_path / "there.sqlite3"
    there.write_text("a coach's other file")
    assert main(["store", "backup", str(there), "--store", str(path)]) == 1
    assert "exists already" in capsys.readouterr().err
    assert there.read_text() == "a coach's other file"
    assert main(["store", "backup", str(path), "--store", str(path)]) == 1
    assert "another file than the store" in capsys.readouterr().err
    assert main(["store", "backup", "--store", str(tmp_path / "none.sqlite3")]) == 1
    assert "there is no store at" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite3").exists()
    # With no file named, the backup goes beside the store, dated.
    assert main(["store", "backup", "--store", str(path)]) == 0
    [dated] = tmp_path.glob("kit-backup-*.sqlite3")
    assert counts(dated)["participants"] == 1
    names = {p.name for p in tmp_path.iterdir()} - {"kit.sqlite3-wal", "kit.sqlite3-shm"}
    assert names == {"kit.sqlite3", "there.sqlite3", dated.name}  # nothing half-written


def test_upgrade_brings_an_old_store_to_this_schema_and_keeps_the_file_as_it_was(tmp_path, capsys):
    path = tmp_path / "kit.sqlite3"
    shutil.copy(FIXTURES / "kit-0.2.0.sqlite3", path)
    old = schema_version(path)
    before = counts(path)
    assert 0 < old < SCHEMA_VERSION
    assert main(["store", "upgrade", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"from schema {old} to {SCHEMA_VERSION}" in out
    [kept] = tmp_path.glob("kit-backup-*.sqlite3")
    assert str(kept) in out
    assert schema_version(path) == SCHEMA_VERSION and schema_version(kept) == old
    assert counts(kept) == before
    after = counts(path)
    assert all(after[table] == n for table, n in before.items() if table != "pulse_respondents")
    assert main(["store", "upgrade", "--store", str(path)]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert len(list(tmp_path.glob("kit-backup-*.sqlite3"))) == 1


def test_a_backup_is_as_private_as_the_store(tmp_path, capsys):
    path = tmp_path / "kit.sqlite3"
    Store(path).close()
    path.chmod(0o600)
    assert main(["store", "backup", str(tmp_path / "copy.sqlite3"), "--store", str(path)]) == 0
    assert (tmp_path / "copy.sqlite3").stat().st_mode & 0o777 == 0o600


def test_upgrade_keeps_a_copy_of_a_file_that_held_no_kit_schema(tmp_path, capsys):
    path = tmp_path / "other.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.execute("INSERT INTO notes VALUES ('a coach''s own notes')")
    db.commit()
    db.close()
    assert main(["store", "upgrade", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert "which had no kit schema" in out and "Created" not in out
    [kept] = tmp_path.glob("other-backup-*.sqlite3")
    assert counts(kept) == {"notes": 1}


def test_upgrade_leaves_a_newer_kits_store_alone(tmp_path, capsys):
    path = tmp_path / "kit.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    assert main(["store", "upgrade", "--store", str(path)]) == 1
    assert "newer kit" in capsys.readouterr().err
    assert schema_version(path) == SCHEMA_VERSION + 1
    assert not list(tmp_path.glob("kit-backup-*"))


@pytest.mark.parametrize("password", ["s3cret-pw", "s3cret/pw?#x", "s3cret@pw"])
def test_a_database_out_of_reach_is_said_without_printing_its_password(tmp_path, capsys, password):
    # Port 1 of this machine: nothing listens, so the connection is refused at once.
    url = f"postgresql://kit:{password}@127.0.0.1:1/kit"
    for command in (["export"], ["store", "upgrade"], ["serve", "--no-browser"]):
        assert main([*command, "--store", url]) == 1
        err = capsys.readouterr().err
        assert "cannot use postgresql://kit:***@127.0.0.1:1/kit" in err, err
        assert "s3cret" not in err
    assert main(["store", "backup", "--store", url]) == 1
    err = capsys.readouterr().err
    assert "pg_dump" in err and "postgresql://kit@127.0.0.1:1/kit" in err and "s3cret" not in err


def test_options_after_a_question_mark_are_refused_not_made_into_a_file_name(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path}/kit.db?mode=ro"
    assert main(["export", "--store", url]) == 1
    err = capsys.readouterr().err
    assert "options after '?'" in err and f"sqlite:///{tmp_path}/kit.db" in err
    assert list(tmp_path.iterdir()) == []


def test_a_deployment_gives_the_password_in_a_file_and_never_prints_it(
    postgres, monkeypatch, capsys, tmp_path
):
    # As deploy/compose.yaml does: KIT_STORE without a password, the password in a file.
    url = fresh_postgres_url(postgres)
    bare = url.replace(f":{PASSWORD}@", "@")
    secret = tmp_path / "db_password"
    secret.write_text(PASSWORD)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("KIT_STORE", bare)
    monkeypatch.setenv("KIT_STORE_PASSWORD_FILE", str(secret))
    assert main(["store", "upgrade"]) == 0
    assert main(["demo", "--participants", "3", "--session", "K7R-M3X"]) == 0
    assert main(["export"]) == 0
    said = capsys.readouterr()
    assert PASSWORD not in said.out + said.err and "Created the kit's tables" in said.out
    store = open_store()
    assert store.location == bare and len(store.members("K7R-M3X")) == 3
    store.close()
    monkeypatch.setenv("KIT_STORE_PASSWORD_FILE", str(tmp_path / "missing"))
    assert main(["export"]) == 1
    assert (
        "cannot read the database password from KIT_STORE_PASSWORD_FILE" in capsys.readouterr().err
    )
