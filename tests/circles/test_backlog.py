"""Circle sessions and the improvement backlog: votes, and actions carried over."""

import dataclasses
import re

import pytest

from kit.circles.backlog import backlog_figures, ranked
from kit.circles.content import agenda_template
from kit.circles.model import Idea, Story
from kit.circles.planning import new_circle
from kit.circles.sessions import NoVotesLeft


@pytest.fixture
def circle(store):
    person = store.create_participant()
    planned = new_circle(agenda_template())
    store.save_circle(person.id, planned)
    return planned.code


def test_ideas_are_ranked_by_votes():
    # The limit of votes per person is the database's (see test_circle_session).
    ideas = [Idea(1, 1, "A", votes=(("Ana", 2),)), Idea(2, 1, "B", votes=(("ana", 1), ("Bo", 3)))]
    assert [i.text for i in ranked(ideas)] == ["B", "A"]


def test_a_session_keeps_stories_factors_ideas_and_votes(store, circle):
    session, number = store.start_session(circle, "2027-01-12", votes_per_person=2)
    assert number == 1
    story = store.add_story(
        session,
        Story(
            0,
            session,
            "unhappy",
            "Engineer came without the part",
            "Ana",
            "omission",
            "support",
            "Check the kit list",
        ),
    )
    store.add_factor(session, "do not annoy", "Never arrive without the part", story)
    idea = store.add_idea(session, "Photo of the lift plate with every call", "Bo")
    assert store.vote(idea, "Ana") == 1
    assert store.vote(idea, "Ana") == 0
    with pytest.raises(NoVotesLeft, match="Ana has used all 2 votes"):
        store.vote(idea, "Ana")
    (saved,) = store.stories(session)
    assert (saved.kind, saved.act, saved.where, saved.teller) == (
        "unhappy",
        "omission",
        "support",
        "Ana",
    )
    assert store.factors(session)[0].story == story
    assert store.ideas(session)[0].votes == (("Ana", 2),)


def test_actions_carry_over_with_their_history(store, circle):
    first, _ = store.start_session(circle, "2027-01-12")
    action = store.open_action(circle, 1, "Photo of the lift plate", "Bo", "2027-02-01", None, "t1")
    second, number = store.start_session(circle, "2027-02-09")
    assert number == 2
    (carried,) = store.actions(circle)
    assert carried.status == "open" and carried.opened == 1  # the next session finds it open
    store.update_action(action, 2, "open", "Waiting for the phones", "t2")
    store.start_session(circle, "2027-03-09")
    store.update_action(action, 3, "done", "Every call has a photo now", "t3")
    (done,) = store.actions(circle)
    assert done.status == "done"
    assert [(e.session, e.status, e.note) for e in done.history] == [
        (1, "open", ""),
        (2, "open", "Waiting for the phones"),
        (3, "done", "Every call has a photo now"),
    ]
    store.open_action(circle, 3, "Spare parts van", "Ana", "2027-04-01", None, "t4")
    figures = backlog_figures(
        store.actions(circle), [(n, d) for _, n, d, _ in store.sessions(circle)]
    )
    assert [(f.opened, f.done, f.open_ages) for f in figures] == [
        (1, 0, (0,)),
        (1, 0, (28,)),
        (2, 1, (0,)),
    ]
    assert figures[-1].completion == 0.5


def test_kit_demo_gives_a_circle_with_six_past_sessions_whose_lists_evolve(tmp_path, capsys):
    from kit.cli import main
    from kit.database import open_store

    db = str(tmp_path / "kit.sqlite3")
    assert main(["demo", "--participants", "2", "--seed", "3", "--store", db]) == 0
    out = capsys.readouterr().out
    assert "a circle with 6 past sessions" in out
    store = open_store(db)
    owner = store.participant_by_code(out.split("?resume=")[1].strip())
    ((circle, _),) = store.circles(owner.id)
    assert len(store.sessions(circle.code)) == 6
    statuses = sorted(a.status for a in store.actions(circle.code))
    assert statuses == ["done", "dropped", "open", "open"]
    entries = store.entries(circle.code)
    assert any(len(e.per_session()) > 1 for e in entries)  # raised again in later sessions
    assert any(c.change == "merge" for c in store.changes(circle.code))
    assert all(store.revealed(s[0]) for s in store.sessions(circle.code))
    assert len(store.attendance(circle.code)) == 6


def test_circles_travel_whole_through_export_and_import(tmp_path, capsys):
    import json

    from kit.cli import main
    from kit.database import open_store
    from kit.exchange import import_answers, my_answers_file

    db, other, out = (str(tmp_path / n) for n in ("a.sqlite3", "b.sqlite3", "all.json"))
    assert main(["demo", "--participants", "1", "--seed", "4", "--store", db]) == 0
    code = capsys.readouterr().out.split("?resume=")[1].strip()
    store = open_store(db)
    owner = store.participant_by_code(code)
    ((circle, _),) = store.circles(owner.id)
    before = store.circle_record(circle.code)

    assert main(["export", "--format", "json", "--out", out, "--store", db]) == 0
    assert "1 circle and 1 value-chain check to" in capsys.readouterr().err
    assert main(["import", out, "--store", other]) == 0
    assert "and 1 circle and 1 value-chain check:" in capsys.readouterr().out
    assert open_store(other).circle_record(circle.code) == before

    # A person's own file restores their circle on another server too.
    third = open_store(str(tmp_path / "c.sqlite3"))
    summary = import_answers(third, my_answers_file(store, owner), "mine.json", from_page=True)
    assert summary.circles == 1
    assert third.circle_record(circle.code)["actions"] == before["actions"]

    # A broken record imports nothing and names the problem.
    document = json.loads(my_answers_file(store, owner))
    document["circles"][owner.public_id][0]["actions"][0]["status"] = "maybe"
    fourth = open_store(str(tmp_path / "d.sqlite3"))
    with pytest.raises(Exception, match="has status 'maybe'"):
        import_answers(fourth, json.dumps(document), "bad.json", from_page=True)
    assert fourth.rows() == [] and fourth.circle_records() == {}


def test_a_circle_in_a_file_cannot_take_over_someone_elses(tmp_path, store, circle):
    import json

    from kit.exchange import import_answers, my_answers_file

    owner_rows = store.circle_records()
    (owner_id,) = owner_rows
    intruder = store.create_participant()
    store.save_answer(intruder.id, "hidden_leader", "urgency.1", "3")
    document = json.loads(my_answers_file(store, intruder))
    record = owner_rows[owner_id][0]
    record["updated_at"] = "2099-01-01T00:00:00+00:00"
    document["circles"] = {intruder.public_id: [record]}
    with pytest.raises(Exception, match="belongs to someone else"):
        import_answers(store, json.dumps(document), "x.json", from_page=True)


def test_an_older_file_of_a_circle_never_replaces_sessions_held_since(tmp_path, capsys):
    from kit.cli import main
    from kit.database import open_store
    from kit.exchange import import_answers, my_answers_file

    db = str(tmp_path / "kit.sqlite3")
    main(["demo", "--participants", "1", "--seed", "5", "--store", db])
    code = capsys.readouterr().out.split("?resume=")[1].strip()
    store = open_store(db)
    owner = store.participant_by_code(code)
    ((circle, _),) = store.circles(owner.id)
    old_file = my_answers_file(store, owner)
    import time

    time.sleep(1.1)  # time stamps are to the second
    store.start_session(circle.code, "2027-05-11")
    summary = import_answers(store, old_file, "old.json", from_page=True)
    assert summary.circles == 0 and len(store.sessions(circle.code)) == 7


def test_votes_count_one_person_however_the_name_is_typed(store, circle):
    session, _ = store.start_session(circle, "2027-01-12", votes_per_person=2)
    idea = store.add_idea(session, "An idea")
    store.vote(idea, "Bo")
    store.vote(idea, " bo ")
    with pytest.raises(NoVotesLeft):
        store.vote(idea, "BO")
    assert store.ideas(session)[0].votes == (("Bo", 2),)


def test_votes_from_many_processes_at_once_never_exceed_the_limit(store, circle):
    import subprocess
    import sys

    session, _ = store.start_session(circle, "2027-01-12", votes_per_person=3)
    idea = store.add_idea(session, "An idea")
    code = (
        "import sys\n"
        "from kit.database import open_store\n"
        "from kit.circles.sessions import NoVotesLeft\n"
        f"s = open_store({store.location!r})\n"
        "for _ in range(3):\n"
        "    try:\n"
        f"        s.vote({idea}, 'Ana')\n"
        "    except NoVotesLeft:\n"
        "        pass\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(6)]
    assert all(p.wait(timeout=60) == 0 for p in procs)
    assert store.ideas(session)[0].total == 3


def test_a_second_window_cannot_start_a_second_session(store, circle):
    from kit.circles.sessions import SessionMovedOn

    store.start_session(circle, "2027-01-12", after=0)
    with pytest.raises(SessionMovedOn, match="session 1 was started in another window"):
        store.start_session(circle, "2027-01-12", after=0)
    assert len(store.sessions(circle)) == 1


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("sessions", 0, "held_on"), "last week", "a session needs a number and a date"),
        (("actions", 0, "due"), "soon", "needs a text, an owner and a due date"),
        (("actions", 0, "opened"), "abc", "was opened in a session that is not in the file"),
        (("sessions", 0, "votes_per_person"), "x", "votes per person must be 1 to 20"),
        (("circle", "agenda", 0, "guide"), None, "an id, a title and a guide as text"),
        (("circle", "members", 0, "name"), 5, "a name of up to 80 characters"),
        (("circle", "cadence", "timezone"), "Europe", "not a time zone"),
        (("circle", "cadence", "ordinal"), True, "must be numbers"),
        (("sessions", 0, "ideas", 0, "votes", 0, 1), 10**30, "votes must be [voter, count] pairs"),
    ],
)
def test_a_circle_record_with_a_wrong_field_is_refused_before_anything_is_written(
    tmp_path, capsys, path, value, message
):
    import json

    from kit.cli import main
    from kit.database import open_store
    from kit.exchange import import_answers, my_answers_file
    from kit.store.records import ImportFileError

    db = str(tmp_path / "kit.sqlite3")
    main(["demo", "--participants", "1", "--seed", "6", "--store", db])
    code = capsys.readouterr().out.split("?resume=")[1].strip()
    store = open_store(db)
    owner = store.participant_by_code(code)
    document = json.loads(my_answers_file(store, owner))
    target = document["circles"][owner.public_id][0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    fresh = open_store(str(tmp_path / "fresh.sqlite3"))
    with pytest.raises(ImportFileError, match=re.escape(message)):
        import_answers(fresh, json.dumps(document), "f.json", from_page=True)
    assert fresh.rows() == [] and fresh.circle_records() == {}


def test_overdue_is_an_open_action_past_its_date_and_says_by_how_many_days():
    from datetime import date

    from kit.circles.backlog import overdue_days
    from kit.circles.model import Action

    due = Action(1, "Fix the van", "Bo", "2027-02-01", 1)
    assert overdue_days(due, date(2027, 1, 31)) is None  # not yet
    assert overdue_days(due, date(2027, 2, 1)) is None  # due today is still on time
    assert overdue_days(due, date(2027, 2, 2)) == 1
    for status in ("done", "dropped"):
        assert overdue_days(dataclasses.replace(due, status=status), date(2027, 9, 1)) is None


def test_people_are_the_members_then_anyone_named_since_matched_by_name(store, circle):
    from kit.circles.controllers import SessionController
    from kit.circles.model import Member

    planned = dataclasses.replace(
        store.circle(circle), members=(Member("Ana", "front line"), Member("Bo", "IT"))
    )
    owner = store.circle_codes()[0]
    store.save_circle(store.participant_by_public_id(owner[0]).id, planned)
    session = SessionController(store, planned)
    session.start_next(today="2027-01-12")
    session.add_story("happy", "Quick fix", teller="ana")  # a member, typed in lower case
    session.add_story("happy", "Kind words", teller="Dee")  # someone not in the plan
    session.vote(None, "x")  # refused: no idea chosen, nothing recorded
    assert session.state.people == ("Ana", "Bo", "Dee")
