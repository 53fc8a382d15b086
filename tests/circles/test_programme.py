"""A circle as a programme: running lists that carry over, corrections kept with undo, votes."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kit.circles.content import agenda_template
from kit.circles.history import ChangedSince
from kit.circles.model import Story
from kit.circles.planning import new_circle
from kit.database import Store
from kit.store.errors import StoreError

FIXTURES = Path(__file__).parents[1] / "store" / "fixtures"


@pytest.fixture
def circle(store):
    planned = new_circle(agenda_template())
    store.save_circle(store.create_participant().id, planned)
    return planned.code


def unhappy(session, text, teller=""):
    return Story(0, session, "unhappy", text, teller)


def test_entries_carry_over_and_count_each_session_that_raises_them(store, circle):
    one, _ = store.start_session(circle, "2027-01-12")
    late = store.add_story(one, unhappy(one, "Waited all morning for the engineer"))
    waiting = store.add_factor(one, "do not annoy", "Say when you will arrive", late)
    store.add_factor(one, "delight", "Remember the dog's name", None)
    two, _ = store.start_session(circle, "2027-02-09")
    # Session 2 opens on the running list, and a new story attaches to the old entry.
    assert [e.text for e in store.entries(circle)] == [
        "Say when you will arrive",
        "Remember the dog's name",
    ]
    again = store.add_story(two, unhappy(two, "No arrival time given, again"))
    assert store.add_factor(two, "do not annoy", "", again, entry=waiting) == waiting
    three, _ = store.start_session(circle, "2027-03-09")
    store.add_factor(three, "do not annoy", "", None, entry=waiting)
    entry = store.entries(circle)[0]
    assert (entry.first, entry.last, entry.per_session(), entry.stories) == (
        1,
        3,
        {1: 1, 2: 1, 3: 1},
        2,
    )
    assert [r.story_text for r in entry.raised] == [
        "Waited all morning for the engineer",
        "No arrival time given, again",
        "",
    ]
    # A delight factor cannot be raised as a Do-Not-Annoy entry.
    delight = store.entries(circle)[1].id
    with pytest.raises(StoreError, match="deleted or merged"):
        store.add_factor(three, "do not annoy", "", None, entry=delight)


def test_an_action_addressing_a_new_entry_puts_it_to_work_and_status_is_the_facilitators(
    store, circle
):
    one, _ = store.start_session(circle, "2027-01-12")
    entry = store.add_factor(one, "do not annoy", "Say when you will arrive", None)
    assert store.entries(circle)[0].status == "new"
    store.open_action(circle, 1, "Text the arrival time", "Ana", "2027-02-01", None, "t", entry)
    assert store.entries(circle)[0].status == "being worked on"
    assert store.actions(circle)[0].entry == entry
    store.set_entry_status(entry, "solved")
    assert store.entries(circle)[0].status == "solved"
    with pytest.raises(StoreError, match="not an entry's status"):
        store.set_entry_status(entry, "forgotten")


def test_a_merge_keeps_every_story_and_its_undo_gives_both_entries_back(store, circle):
    one, _ = store.start_session(circle, "2027-01-12")
    s1 = store.add_story(one, unhappy(one, "Nobody said when they would come"))
    s2 = store.add_story(one, unhappy(one, "Waited in all day"))
    a = store.add_factor(one, "do not annoy", "Never leave the customer waiting", s1)
    b = store.add_factor(one, "do not annoy", "Never leave a customer waiting.", s2)
    two, _ = store.start_session(circle, "2027-02-09")
    store.add_factor(two, "do not annoy", "", None, entry=b)
    merge = store.merge_entries(b, a, "facilitator", 2)
    (merged,) = store.entries(circle)
    assert merged.id == a and merged.stories == 2 and merged.per_session() == {1: 2, 2: 1}
    store.undo(merge, "facilitator", 2)
    back = {e.id: e for e in store.entries(circle)}
    assert back[a].per_session() == {1: 1} and back[b].per_session() == {1: 1, 2: 1}
    assert [r.story for r in back[b].raised] == [s2, None]
    # Every step is kept, the undone merge marked as undone.
    assert [(c.change, c.undone) for c in store.changes(circle)] == [
        ("merge", True),
        ("undo", False),
    ]
    with pytest.raises(ChangedSince):
        store.undo(merge, "facilitator", 2)


def test_a_delete_hides_the_thing_keeps_its_row_and_undo_restores_it(store, circle):
    one, _ = store.start_session(circle, "2027-01-12")
    story = store.add_story(one, unhappy(one, "Typo storry"))
    idea = store.add_idea(one, "Open at 8")
    gone = store.delete("story", story, "facilitator", 1)
    store.delete("idea", idea, "facilitator", 1)
    assert store.stories(one) == [] and store.ideas(one) == []
    with pytest.raises(StoreError, match="deleted"):
        store.vote(idea, "Ana")
    store.undo(gone, "facilitator", 1)
    assert [s.text for s in store.stories(one)] == ["Typo storry"]
    # The file still holds the deleted idea, marked, for an honest history.
    record = store.circle_record(circle)
    assert record["sessions"][0]["ideas"][0]["deleted"] is True


def test_an_undo_never_overwrites_a_later_correction(store, circle):
    one, _ = store.start_session(circle, "2027-01-12")
    story = store.add_story(one, unhappy(one, "Came late"))
    first = store.edit("story", story, {"act": "omission", "where": "support"}, "facilitator", 1)
    store.edit("story", story, {"act": "commission"}, "facilitator", 1)
    with pytest.raises(ChangedSince, match="undo the later change first"):
        store.undo(first, "facilitator", 1)
    assert store.stories(one)[0].act == "commission"
    with pytest.raises(StoreError, match="not a story's act"):
        store.edit("story", story, {"act": "neglect"}, "facilitator", 1)
    assert store.edit("story", story, {"act": "commission"}, "facilitator", 1) == 0  # no change


def test_votes_stay_hidden_until_revealed_and_can_be_taken_back(store, circle):
    one, _ = store.start_session(circle, "2027-01-12")
    assert store.revealed(one) is False
    idea = store.add_idea(one, "Open at 8")
    store.vote(idea, "Ana")
    assert store.unvote(idea, "Ana") is True and store.unvote(idea, "Ana") is False
    assert store.ideas(one)[0].votes == ()
    store.reveal_votes(one)
    assert store.revealed(one) is True


VOTER = """
import sys
from kit.database import Store
from kit.circles.sessions import NoVotesLeft
store = Store(sys.argv[1])
counted = 0
for idea in map(int, sys.argv[3:]):
    try:
        store.vote(idea, sys.argv[2])
        counted += 1
    except NoVotesLeft:
        pass
print(counted)
"""


def test_the_vote_limit_holds_when_several_processes_vote_at_once(store, circle, tmp_path):
    one, _ = store.start_session(circle, "2027-01-12", votes_per_person=3)
    ideas = [store.add_idea(one, f"Idea {n}") for n in range(4)]
    # Four processes (four pages' kernels) each try four votes for the same person.
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", VOTER, store.location, "Ana", *map(str, ideas)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    counted = sum(int(p.communicate(timeout=60)[0]) for p in runs)
    assert counted == 3
    assert sum(i.total for i in store.ideas(one)) == 3


def test_a_circle_record_carries_lists_history_and_votes_into_another_store(
    store, circle, tmp_path
):
    one, _ = store.start_session(circle, "2027-01-12")
    s1 = store.add_story(one, unhappy(one, "Nobody said when", "Ana"))
    a = store.add_factor(one, "do not annoy", "Never leave them waiting", s1)
    b = store.add_factor(one, "do not annoy", "Never leave a customer waiting", None)
    merge = store.merge_entries(b, a, "facilitator", 1)
    store.edit("entry", a, {"status": "being worked on"}, "facilitator", 1)
    idea = store.add_idea(one, "Text the arrival time", added_by="p-1")
    store.vote(idea, "Ana")
    store.mark_present(one, ["Ana", "Bo"])
    store.open_action(circle, 1, "Text the arrival time", "Bo", "2027-02-01", idea, "t", a)
    record = store.circle_record(circle)
    other = Store(tmp_path / "other.sqlite3")
    owner = other.create_participant()
    with other._write() as db:
        other._put_circle_record(db, owner.id, record)
    assert other.circle_record(circle) == record
    # The merge can still be undone in the new store, with its new row ids.
    (change,) = [c for c in other.changes(circle) if c.change == "merge"]
    assert change.id == merge
    other.undo(change.id, "facilitator", 1)
    assert len(other.entries(circle)) == 2
    assert other.attendance(circle) == {1: ["Ana", "Bo"]}
    other.close()


def test_a_store_from_kit_0_2_0_gets_its_list_rows_as_entries_and_keeps_votes_shown(tmp_path):
    path = tmp_path / "kit.sqlite3"
    shutil.copy(FIXTURES / "kit-0.2.0.sqlite3", path)
    store = Store(path)
    [(code,)] = store._db.execute("SELECT code FROM circles").fetchall()
    sessions = store.sessions(code)
    rows = sum(len(store.factors(s[0])) for s in sessions)
    entries = store.entries(code)
    assert rows > 0 and 0 < len(entries) <= rows
    assert sum(len(e.raised) for e in entries) == rows
    assert all(store.revealed(s[0]) for s in sessions)  # votes were always shown then
    store.close()


def test_a_file_of_the_circle_never_says_who_sent_or_corrected_a_story_from_a_phone(store, circle):
    one, _ = store.start_session(circle, "2027-01-12")
    story = store.add_story(one, Story(0, one, "unhappy", "Waited", added_by="p-ana"))
    store.edit("story", story, {"text": "Waited all day"}, "#p-ana", 1)
    record = store.circle_record(circle)
    assert "p-ana" not in json.dumps(record)
    assert record["changes"][0]["who"] == "a participant"
    assert store.stories(one)[0].added_by == "p-ana"  # the live session still knows, for undo
