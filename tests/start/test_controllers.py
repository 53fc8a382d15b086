"""The start page's controller, with no widgets: joining, coming back, restoring a file."""

from dataclasses import FrozenInstanceError

import pytest

from kit.exchange import my_answers_file
from kit.start.controllers import StartController
from kit.store.attempts import WRONG_CODES


@pytest.fixture
def start(store):
    return StartController(store)


def test_a_join_code_names_an_open_session_or_says_what_is_wrong(store, start):
    team = store.create_session("Desk", anonymous=False)
    assert start.check_join_code(f"  {team.code.lower()} ") == team
    assert start.state.message == (
        "note",
        "Team session: Desk. It is a named session: type your name, then press Join.",
    )
    with pytest.raises(FrozenInstanceError):
        start.state.team = None
    assert start.check_join_code("ZZZ-ZZZ") is None and start.state.team is None
    assert "no team session 'ZZZ-ZZZ'" in start.state.message[1]
    assert not start.join("Ana") and "no team session" in start.state.message[1]
    store.update_session(team.code, closed=True)
    assert start.check_join_code(team.code) is None and "is closed" in start.state.message[1]
    assert store.members(team.code) == []


def test_joining_twice_on_one_device_is_one_person_until_someone_else_says_so(store, start):
    team = store.create_session("Desk")
    start.check_join_code(team.code)
    assert start.join(client="10.0.0.5") and not start.state.again
    first = start.state.member
    assert start.join() and start.state.member == first  # a double tap
    again = StartController(store)
    again.check_join_code(team.code)
    assert again.join(returning=first.resume_code) and again.state.again
    assert "Welcome back" in again.state.message[1] and store.member_count(team.code) == 1
    assert again.someone_else() and again.state.member != first
    assert store.member_count(team.code) == 2


def test_a_named_session_keeps_the_name_tidy_and_asks_for_one(store, start):
    team = store.create_session("Desk", anonymous=False)
    start.check_join_code(team.code)
    assert not start.join("   ") and start.state.message[1].startswith("Type your name first")
    assert start.join("  Ana   Lopes " + "x" * 80)
    assert store.members(team.code)[0][1] == ("Ana Lopes " + "x" * 80)[:60]


def test_a_resume_code_finds_its_person_and_too_many_wrong_ones_stop_looking(store, start):
    person = store.create_participant()
    assert start.find(person.resume_code.lower()) and start.state.found == person
    assert not start.find("NOPE-NOPE") and start.state.found is None
    for _ in range(WRONG_CODES[1]):
        start.find("NOPE-NOPE", client="10.0.0.9")
    assert not start.find(person.resume_code, client="10.0.0.9")
    assert "Too many wrong codes" in start.state.message[1] and start.state.found is None


def test_a_restored_file_gives_back_its_code_and_a_bad_one_imports_nothing(store, start, tmp_path):
    laptop = type(store)(tmp_path / "laptop.sqlite3")
    person = laptop.create_participant()
    laptop.save_answer(person.id, "hidden_leader", "urgency.1", "4")
    data = my_answers_file(laptop, person).encode()
    assert not start.restore("mine.json", b"{broken") and start.state.restored == ""
    assert "mine.json" in start.state.message[1]
    assert start.restore("mine.json", data) and start.state.restored
    assert "Restored 1 answers from mine.json" in start.state.message[1]
    code = start.state.restored
    assert code != person.resume_code  # a file cannot choose its resume code
    assert store.answers(store.participant_by_code(code).id, "hidden_leader") == {"urgency.1": "4"}
