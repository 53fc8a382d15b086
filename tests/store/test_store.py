"""The SQLite store: answers kept the moment they are given, found again, moved in and out."""

import json
import sqlite3
from pathlib import Path

import pytest

from kit.database import open_store
from kit.exchange import import_answers, my_answers_file
from kit.store import codes as codes_module
from kit.store.errors import StoreError
from kit.store.records import ImportFileError, to_csv
from tests.conftest import answers_for

HL = "hidden_leader"


def test_store_file_is_sqlite_in_wal_mode_with_the_tidy_schema(tmp_path: Path):
    store = open_store(str(tmp_path / "sub" / "kit.sqlite3"))
    assert Path(store.location).is_file()
    db = sqlite3.connect(store.location)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sessions", "participants", "answers"} <= tables


def test_each_answer_is_on_disk_as_soon_as_it_is_saved(store):
    person = store.create_participant()
    store.save_answer(person.id, HL, "urgency.1", "4")
    # A second connection, as another kernel would have, sees it at once.
    other = open_store(store.location)
    assert other.answers(person.id, HL) == {"urgency.1": "4"}
    other.close()
    store.save_answer(person.id, HL, "urgency.1", "2")
    store.save_answer(person.id, HL, "urgency.2", None)
    assert store.answers(person.id, HL) == {"urgency.1": "2"}


def test_resume_code_finds_the_person_however_it_is_typed(store):
    person = store.create_participant()
    store.save_answer(person.id, HL, "ownership.1", "5")
    typed = person.resume_code.lower().replace("-", " ")
    found = store.participant_by_code(f"  {typed} ")
    assert found == person
    assert store.answers(found.id, HL) == {"ownership.1": "5"}


def test_wrong_or_malformed_codes_find_nobody(store):
    store.create_participant()
    assert store.participant_by_code("AAAA-BBBB-CCCC") is None
    assert store.participant_by_code("'; DROP TABLE answers; --") is None
    assert store.participant_by_code("") is None


def test_codes_are_long_random_and_distinct(store):
    codes = {store.create_participant().resume_code for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c.replace("-", "")) == 16 for c in codes)
    # At least 64 bits each, from an alphabet with no look-alikes.
    assert len(codes_module.ALPHABET) ** 16 >= 2**64
    assert set("".join(codes).replace("-", "")) <= set(codes_module.ALPHABET)


def test_a_code_issued_before_codes_had_four_groups_still_opens_the_answers(store):
    person = store.create_participant()
    store._db.execute(
        "UPDATE participants SET resume_code = 'K7QM-3XTA-9PWD' WHERE id = ?", (person.id,)
    )
    assert store.participant_by_code("k7qm 3xta 9pwd").id == person.id


def test_export_then_import_into_another_store_round_trips(store, tmp_path, hidden_leader):
    person = store.create_participant(session="TEAM1")
    for item, value in answers_for(hidden_leader, {"urgency": 5}).items():
        store.save_answer(person.id, HL, item, value)
    store.save_answer(person.id, HL, "reflection.paying_customer", "=SUM(A1) the hospital")
    rows = store.rows()
    other = open_store(str(tmp_path / "other.sqlite3"))
    summary = import_answers(other, to_csv(rows), "export.csv")
    assert (summary.answers, summary.new_participants) == (21, 1)
    assert other.rows() == rows
    assert other.team_session("TEAM1") is not None


def test_my_answers_file_restores_the_person_under_a_fresh_code(store, tmp_path):
    person = store.create_participant()
    store.save_answer(person.id, HL, "urgency.3", "3")
    document = my_answers_file(store, person)
    assert json.loads(document)["resume_codes"] == {person.public_id: person.resume_code}
    laptop = open_store(str(tmp_path / "laptop.sqlite3"))
    summary = import_answers(laptop, document, "mine.json", from_page=True)
    # An uploaded file never chooses its resume code: the page shows the new one.
    (code,) = summary.resume_codes.values()
    assert code != person.resume_code and laptop.participant_by_code(person.resume_code) is None
    restored = laptop.participant_by_code(code)
    assert laptop.answers(restored.id, HL) == {"urgency.3": "3"}
    # Uploading the same file again is the same person, refused with a plain reason.
    with pytest.raises(StoreError, match="open the workbook with your own code"):
        import_answers(laptop, document, "mine.json", from_page=True)


def test_import_with_one_bad_row_imports_nothing_and_names_the_row(store, hidden_leader):
    person = store.create_participant()
    store.save_answer(person.id, HL, "urgency.1", "4")
    rows = store.rows()
    rows += [
        dict(rows[0], participant="p-new", item=i.id, value="3") for i in hidden_leader.items[:5]
    ]
    rows[3]["value"] = "7"
    before = store.rows()
    with pytest.raises(ImportFileError) as caught:
        import_answers(store, to_csv(rows), "team.csv")
    assert "row 4: item 'enthusiasm.3' needs a value from 1 to 5, not 7" in str(caught.value)
    assert str(caught.value).startswith("nothing was imported")
    assert store.rows() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "is empty"),
        ("not,a,kit,file\n1,2,3,4\n", "lacks the column(s) session, participant"),
        ('{"rows": []}', "not a kit answer file"),
        ("{broken", "not valid JSON (line 1"),
        (b"\xff\xfe\x00", "not a text file"),
    ],
)
def test_unreadable_files_get_a_plain_message(store, content, expected):
    with pytest.raises(ImportFileError) as caught:
        import_answers(store, content, "upload")
    assert expected in str(caught.value)


def test_unknown_instrument_and_item_and_bad_date_are_each_named(store):
    rows = [
        {
            "session": "",
            "participant": "p-1",
            "instrument": "nope",
            "item": "x",
            "value": "1",
            "answered_at": "2026-01-01T00:00:00+00:00",
        },
        {
            "session": "",
            "participant": "p-1",
            "instrument": HL,
            "item": "urgency.9",
            "value": "1",
            "answered_at": "2026-01-01T00:00:00+00:00",
        },
        {
            "session": "",
            "participant": "p-1",
            "instrument": HL,
            "item": "urgency.1",
            "value": "1",
            "answered_at": "yesterday",
        },
    ]
    with pytest.raises(ImportFileError) as caught:
        import_answers(store, to_csv(rows), "f.csv")
    text = str(caught.value)
    assert (
        "row 1: unknown instrument 'nope' (known: focus_attitude, hidden_leader, openness_pulse)"
        in text
    )
    assert "row 2: 'urgency.9' is not an item of instrument 'hidden_leader'" in text
    assert "row 3: answered_at 'yesterday' is not a date and time" in text


def test_upload_cannot_overwrite_someone_elses_answers(store):
    victim = store.create_participant()
    store.save_answer(victim.id, HL, "urgency.1", "5")
    forged = [dict(r, value="1") for r in store.rows()]
    with pytest.raises(StoreError, match="another resume code"):
        import_answers(store, to_csv(forged), "forged.csv", from_page=True)
    assert store.answers(victim.id, HL) == {"urgency.1": "5"}


def test_an_older_file_never_undoes_a_newer_answer(store):
    person = store.create_participant()
    store.save_answer(person.id, HL, "urgency.1", "5")
    old = [dict(r, value="1", answered_at="2020-01-01T00:00:00+00:00") for r in store.rows()]
    import_answers(store, to_csv(old), "old.csv")
    assert store.answers(person.id, HL) == {"urgency.1": "5"}


def test_csv_export_neutralises_formulas_and_reads_back_unchanged(store):
    person = store.create_participant()
    for text in ("=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)"):
        store.save_answer(person.id, HL, "reflection.value_promise", text)
        csv_text = to_csv(store.rows())
        assert f"'{text}" in csv_text.replace('""', '"')
        import_answers(store, csv_text, "x.csv")
        assert store.answers(person.id, HL)["reflection.value_promise"] == text


def test_unsupported_engine_and_unusable_file_get_clear_messages(tmp_path):
    with pytest.raises(StoreError, match="'mysql', which the kit does not support"):
        open_store("mysql://db/kit")
    # Port 1 of this machine: nothing listens, so the connection is refused at once.
    with pytest.raises(StoreError, match=r"cannot use postgresql://kit:\*\*\*@127.0.0.1:1/kit"):
        open_store("postgresql://kit:pw@127.0.0.1:1/kit")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot use .* choose another with --store"):
        open_store(str(junk))


def test_sqlite_url_is_accepted(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/url.sqlite3")
    assert store.location == f"{tmp_path}/url.sqlite3"


def test_a_relative_store_path_means_the_same_file_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = open_store("team.sqlite3")
    assert store.location == str(tmp_path / "team.sqlite3")
    person = store.create_participant()
    store.save_answer(person.id, HL, "urgency.1", "4")
    (tmp_path / "workbooks").mkdir()
    monkeypatch.chdir(tmp_path / "workbooks")  # where a page's kernel runs
    assert open_store(store.location).answers(person.id, HL) == {"urgency.1": "4"}


def test_several_kernels_saving_at_once_lose_nothing(store):
    # Each Voila page is its own process with its own connection to the file.
    import subprocess
    import sys

    people = [store.create_participant() for _ in range(4)]
    script = (
        "import sys\n"
        "from kit.database import open_store\n"
        "store = open_store(sys.argv[1])\n"
        "for round in range(10):\n"
        "    for n in range(1, 5):\n"
        "        store.save_answer(int(sys.argv[2]), 'hidden_leader', f'urgency.{n}', str(round % 5 + 1))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, store.location, str(p.id)]) for p in people
    ]
    assert [proc.wait(timeout=60) for proc in procs] == [0, 0, 0, 0]
    assert len(store.rows()) == 16
    assert {r["value"] for r in store.rows()} == {"5"}


def test_upload_joins_only_a_session_that_exists(store, tmp_path):
    elsewhere = open_store(str(tmp_path / "elsewhere.sqlite3"))
    person = elsewhere.create_participant(session="INVENTED")
    elsewhere.save_answer(person.id, HL, "urgency.1", "4")
    summary = import_answers(store, my_answers_file(elsewhere, person), "mine.json", from_page=True)
    assert store.team_session("INVENTED") is None
    (code,) = summary.resume_codes.values()
    assert store.participant_by_code(code).session is None


def test_times_and_ratings_are_stored_in_one_form(store):
    rows = [
        {
            "session": "",
            "participant": "p-a",
            "instrument": HL,
            "item": "urgency.1",
            "value": "+4",
            "answered_at": "2026-11-23T12:00:00+02:00",
        },
        {
            "session": "",
            "participant": "p-a",
            "instrument": HL,
            "item": "urgency.2",
            "value": " 2",
            "answered_at": "2026-11-23T09:30:00",
        },
    ]
    summary = import_answers(store, to_csv(rows), "f.csv")
    assert summary.answers == 2
    stored = store.rows()
    assert [r["value"] for r in stored] == ["4", "2"]
    assert [r["answered_at"] for r in stored] == [
        "2026-11-23T10:00:00+00:00",
        "2026-11-23T09:30:00+00:00",
    ]
    older = [dict(rows[0], value="1", answered_at="2026-11-23T11:00:00+02:00")]
    assert import_answers(store, to_csv(older), "old.csv").answers == 0
    assert store.rows()[0]["value"] == "4"


def test_text_starting_with_an_apostrophe_survives_csv(store):
    person = store.create_participant()
    store.save_answer(person.id, HL, "commitment.1", "'=x' is what they type")
    import_answers(store, to_csv(store.rows()), "x.csv")
    assert store.answers(person.id, HL)["commitment.1"] == "'=x' is what they type"


def test_last_words_of_a_closing_page_save_free_text_only_and_for_a_real_code(store):
    from kit.instruments.storage import save_last_words

    person = store.create_participant()
    store.save_answer(person.id, "openness_pulse", "reflection.safer", "half a sen")
    entries = [
        ["openness_pulse", 1, "reflection.safer", "half a sentence, now whole"],
        ["openness_pulse", 1, "openness.1", "5"],  # a rating is not typed text
        ["nothing", 1, "x", "y"],
        "junk",
    ]
    assert save_last_words(store, person.resume_code, entries, "10.0.0.9") == 1
    assert store.answers(person.id, "openness_pulse") == {
        "reflection.safer": "half a sentence, now whole"
    }
    assert save_last_words(store, person.resume_code, entries[:1], "10.0.0.9") == 0  # unchanged
    assert save_last_words(store, "AAAA-AAAA-AAAA-AAAA", entries, "10.0.0.9") == 0
    assert store.too_many("10.0.0.9", ("wrong code", 1, 60.0))


def test_last_words_never_overwrite_what_was_saved_after_the_page_sent_them(store):
    from kit.instruments.storage import save_last_words

    person = store.create_participant()
    store.save_answer(person.id, "openness_pulse", "reflection.safer", "newer, from a reload")
    entries = [["openness_pulse", 1, "reflection.safer", "older text from the closed tab"]]
    assert save_last_words(store, person.resume_code, entries, "", "2000-01-01T00:00:00+00:00") == 0
    assert store.answers(person.id, "openness_pulse")["reflection.safer"] == "newer, from a reload"


def test_a_store_opened_in_one_thread_saves_from_another(store):
    # JupyterLab runs a page's cells on the kernel's main thread and its
    # widget callbacks on a subshell's thread: one store, two threads.
    from concurrent.futures import ThreadPoolExecutor

    person = store.create_participant()
    with ThreadPoolExecutor(4) as pool:
        list(
            pool.map(
                lambda n: store.save_answer(person.id, "hidden_leader", f"enthusiasm.{n}", "3"),
                range(1, 5),
            )
        )
    assert store.answers(person.id, "hidden_leader") == {
        f"enthusiasm.{n}": "3" for n in range(1, 5)
    }
