"""The kit command as a coach uses it: demo, export, import, and its error messages."""

import csv
import io
import json
import re
import subprocess
import sys

from kit.cli import main
from kit.database import open_store


def test_demo_then_export_csv_is_tidy_and_marked_demo(tmp_path, capsys):
    db = str(tmp_path / "kit.sqlite3")
    assert (
        main(["demo", "--participants", "4", "--session", "WS1", "--seed", "7", "--store", db]) == 0
    )
    assert "for 4 participants in session WS1" in capsys.readouterr().out
    assert main(["export", "--session", "WS1", "--store", db]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0])[:6] == [
        "session",
        "participant",
        "instrument",
        "item",
        "value",
        "answered_at",
    ]
    assert len({r["participant"] for r in rows if r["instrument"] != "openness_pulse"}) == 4
    # The pulse's rows carry a respondent id of their own, never a participant's.
    pulse = {r["participant"] for r in rows if r["instrument"] == "openness_pulse"}
    assert len(pulse) == 4 and all(p.startswith("r-") for p in pulse)
    assert {r["demo"] for r in rows} == {"1"}
    assert {r["session"] for r in rows} == {"WS1"}


def test_demo_with_a_seed_is_repeatable(tmp_path, capsys):
    values = []
    for name in ("a", "b"):
        db = str(tmp_path / f"{name}.sqlite3")
        main(["demo", "--participants", "2", "--seed", "3", "--store", db])
        rows = open_store(db).rows()
        values.append(sorted((r["instrument"], r["item"], r["value"]) for r in rows))
    assert values[0] and values[0] == values[1]


def test_export_json_to_file_then_import_elsewhere(tmp_path, capsys):
    db, other, out = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "out.json"
    main(["demo", "--participants", "2", "--seed", "1", "--store", str(db)])
    assert main(["export", "--format", "json", "--out", str(out), "--store", str(db)]) == 0
    document = json.loads(out.read_text())
    assert "resume_codes" not in document  # a coach's export never carries access codes
    assert main(["import", str(out), "--store", str(other)]) == 0
    # Two people, and their two pulse respondents, which no row links to them.
    assert (
        "Imported 77 answers and 1 customer map and 1 circle and 1 value-chain check: 4 new"
        in capsys.readouterr().out
    )
    assert open_store(str(other)).rows() == open_store(str(db)).rows()


def test_bad_import_exits_1_with_the_rows_and_imports_nothing(tmp_path, capsys):
    db = tmp_path / "kit.sqlite3"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "session,participant,instrument,item,value,answered_at\n"
        ",p-1,hidden_leader,urgency.1,4,2026-11-01T10:00:00+00:00\n"
        ",p-1,hidden_leader,urgency.2,six,2026-11-01T10:00:00+00:00\n"
    )
    assert main(["import", str(bad), "--store", str(db)]) == 1
    err = capsys.readouterr().err
    assert "nothing was imported" in err and "row 2: item 'urgency.2' needs a whole number" in err
    assert open_store(str(db)).rows() == []


def test_missing_import_file_is_a_message_not_a_traceback(tmp_path, capsys):
    assert main(["import", str(tmp_path / "nope.json"), "--store", str(tmp_path / "k.db")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_kit_store_environment_variable_is_honoured(tmp_path):
    db = tmp_path / "env.sqlite3"
    env = {"KIT_STORE": str(db), "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-m", "kit", "demo", "--participants", "1"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(db) in done.stdout
    assert len(open_store(str(db)).rows()) == 39  # 20 + 2 commitments (01), 8 (02), 8 + 1 (06)


def test_unknown_store_engine_exits_1(tmp_path, capsys):
    assert main(["export", "--store", "mysql://x/y"]) == 1
    assert "'mysql', which the kit does not support" in capsys.readouterr().err


def test_session_new_and_list_print_the_join_and_coach_links(tmp_path, capsys):
    db = str(tmp_path / "kit.sqlite3")
    assert main(["session", "new", "--name", "Desk, March", "--store", db]) == 0
    out = capsys.readouterr().out
    code = out.split("Created team session ")[1].split(":")[0]
    key = open_store(db).team_session(code).coach_key
    assert f"00_start_here.ipynb?session={code}" in out
    assert f"coach_dashboard.ipynb?key={key}" in out
    assert "(anonymous, results from 5 people)" in out
    assert main(["session", "new", "--name", "Named", "--named", "--store", db]) == 0
    assert main(["session", "list", "--store", db, "--url", "http://10.0.0.5:8866"]) == 0
    listed = capsys.readouterr().out
    assert "http://10.0.0.5:8866/voila/render/00_start_here.ipynb?session=" in listed
    assert "Desk, March (anonymous" in listed and "Named (named" in listed


def test_session_new_refuses_a_minimum_group_under_three(tmp_path, capsys):
    db = str(tmp_path / "kit.sqlite3")
    assert main(["session", "new", "--name", "Desk", "--min-group", "2", "--store", db]) == 1
    assert "at least 3" in capsys.readouterr().err
    assert open_store(db).team_sessions() == []


def test_export_of_one_session_holds_only_its_people(tmp_path, capsys):
    db = str(tmp_path / "kit.sqlite3")
    main(["demo", "--participants", "3", "--session", "WS1", "--store", db])
    out = capsys.readouterr().out
    assert "coach_dashboard.ipynb?key=" in out  # the demo session opens on the dashboard
    main(["demo", "--participants", "2", "--store", db])
    capsys.readouterr()
    assert main(["export", "--session", "WS1", "--store", db]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    people = {r["participant"] for r in rows if r["instrument"] != "openness_pulse"}
    assert len(people) == 3 and {r["session"] for r in rows} == {"WS1"}


def test_export_of_a_session_that_does_not_exist_is_an_error_naming_the_open_ones(tmp_path, capsys):
    db = str(tmp_path / "kit.sqlite3")
    main(["session", "new", "--name", "Desk", "--store", db])
    code = open_store(db).team_sessions()[0].code
    capsys.readouterr()
    assert main(["export", "--session", "WRONG", "--store", db]) == 1
    err = capsys.readouterr().err
    assert "no team session 'WRONG'" in err and f"open sessions: {code}" in err


def test_an_anonymous_session_exports_only_once_big_enough_and_only_the_day(tmp_path, capsys):
    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    team = store.create_session("Desk", min_group=3)
    people = [store.create_participant(session=team.code) for _ in range(2)]
    for person in people:
        store.save_answer(person.id, "hidden_leader", "urgency.1", "4")
    assert main(["export", "--session", team.code, "--store", db]) == 1
    assert "has 2 of at least 3 people" in capsys.readouterr().err
    assert main(["export", "--store", db]) == 0  # everything else, without that session
    captured = capsys.readouterr()
    assert team.code not in captured.out and "Left out anonymous sessions" in captured.err
    third = store.create_participant(session=team.code)
    store.save_answer(third.id, "hidden_leader", "urgency.1", "2")
    assert main(["export", "--session", team.code.lower(), "--store", db]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 3 and all(r["answered_at"].endswith("T00:00:00+00:00") for r in rows)


def test_export_leaves_out_a_pulse_round_too_few_people_answered(tmp_path, capsys):
    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    team = store.create_session("Named", min_group=3, anonymous=False)
    for n in range(3):
        person = store.create_participant(session=team.code, display_name=f"P{n}")
        store.save_answer(person.id, "openness_pulse", "openness.1", "4")
        if n == 0:
            store.save_answer(person.id, "openness_pulse", "openness.1", "1", 2)
    assert main(["export", "--session", team.code, "--store", db]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert {r["round"] for r in rows} == {"1"} and len(rows) == 3
    assert f"{team.code} round 2" in captured.err


def _named_demo_session(db: str, people: int) -> str:
    store = open_store(db)
    team = store.create_session("Desk", anonymous=False)
    assert main(["demo", "--participants", str(people), "--session", team.code, "--store", db]) == 0
    return team.code


def test_cohort_reports_write_every_persons_scores_and_the_team_report(tmp_path):
    from kit.instruments.content import get_instrument
    from kit.instruments.scoring import trait_scores

    db = str(tmp_path / "kit.sqlite3")
    code = _named_demo_session(db, 12)
    out = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "kit", "report", "--session", code, "--out", str(out)]
        + ["--jobs", "2", "--store", db],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "13/13" in done.stderr  # tqdm's bar, on stderr
    assert f"Wrote 13 reports to {out}" in done.stdout
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 13 and "team-report.html" in files
    store, instrument = open_store(db), get_instrument("hidden_leader")
    for number, (participant_id, _) in enumerate(store.members(code), start=1):
        (path,) = out.glob(f"{number:02d}-*.html")
        page = path.read_text()
        # One strongest trait, a tie at the top, or all level: the report names which.
        assert re.search("Your strongest trait|One of your strongest traits|none stands out", page)
        for score in trait_scores(instrument, store.answers(participant_id, "hidden_leader")):
            assert f"<td class='kit-num'>{score.mean:.2f}</td>" in page, (path.name, score)
        person = store.participant_by_id(participant_id)
        assert person.resume_code not in page  # a report is shown to others
    team_page = (out / "team-report.html").read_text()
    assert "<b>12</b> people have joined" in team_page


def test_cohort_reports_name_and_skip_people_with_no_answers(tmp_path, capsys):
    db = str(tmp_path / "kit.sqlite3")
    code = _named_demo_session(db, 2)
    store = open_store(db)
    store.create_participant(session=code, display_name="Ana")  # joined, answered nothing yet
    out = tmp_path / "reports"
    assert main(["report", "--session", code, "--out", str(out), "--jobs", "1", "--store", db]) == 0
    captured = capsys.readouterr()
    assert "skipped Ana: no answers to Hidden-leader traits" in captured.err
    assert "Wrote 3 reports" in captured.out
    assert not list(out.glob("*ana*"))


def test_cohort_reports_refuse_a_wrong_code_and_keep_anonymous_answers_private(tmp_path, capsys):
    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    team = store.create_session("Room", anonymous=True, min_group=3)
    assert main(["demo", "--participants", "4", "--session", team.code, "--store", db]) == 0
    capsys.readouterr()
    out = tmp_path / "reports"
    assert main(["report", "--session", "NOPE-NOPE", "--out", str(out), "--store", db]) == 1
    assert f"no team session 'NOPE-NOPE' in this store; open sessions: {team.code}" in (
        capsys.readouterr().err
    )
    assert not out.exists()
    assert main(["report", "--session", team.code, "--out", str(out), "--store", db]) == 0
    assert "is anonymous: only the team report is written" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["team-report.html"]
