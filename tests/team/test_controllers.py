"""The coach dashboard's controller, with no widgets: frozen state replaced by each action."""

from dataclasses import FrozenInstanceError

import pytest

from kit.demo import simulate
from kit.exchange import my_answers_file
from kit.instruments.content import get_instrument, instruments
from kit.team.controllers import DashboardController


@pytest.fixture
def team(store):
    return store.create_session("Desk", min_group=3, anonymous=False)


@pytest.fixture
def dash(store, team):
    board = DashboardController(store, team, instruments())
    board.refresh()
    return board


def test_the_state_is_frozen_and_follows_the_store_only_when_something_changed(store, team, dash):
    before = dash.state
    with pytest.raises(FrozenInstanceError):
        before.read_problem = "x"
    assert not dash.refresh() and dash.state is before  # nothing new: nothing to redraw
    simulate(store, 3, session=team.code, seed=4)
    assert dash.refresh() and dash.state.picture.joined == 3
    assert before.picture.joined == 0  # the earlier state is untouched


def test_a_store_out_of_reach_is_said_once_and_forgotten_when_it_answers(store, team, dash):
    store.close()
    assert dash.refresh() and "could not be read just now" in dash.state.read_problem
    assert not dash.refresh()  # the same problem again: nothing new to show
    dash.store = type(store)(store.location)
    assert dash.refresh() and dash.state.read_problem == ""


def test_the_coachs_decisions_are_written_and_the_refusals_say_why(store, team, dash):
    assert dash.set_revealed(True) and store.team_session(team.code).revealed
    assert not dash.set_revealed(True)  # already so: no write, no message
    assert dash.set_closed(True) and dash.state.message == ("ok", "Closed: nobody new can join.")
    assert dash.next_round() and dash.state.session.pulse_round == 2
    assert not dash.set_min_group(2) and "at least 3" in dash.state.message[1]
    assert (
        not dash.open_circle("NOPE-NOPE") and "No one has the resume code" in dash.state.message[1]
    )
    assert store.team_session(team.code).circle == ""


def test_one_person_opens_only_within_the_named_session(store, team, dash):
    ana = store.create_participant(session=team.code, display_name="Ana")
    outsider = store.create_participant(display_name="Bo")
    for item in get_instrument("focus_attitude").items:
        store.save_answer(ana.id, "focus_attitude", item.id, "5")
    assert dash.load_people() and dash.state.members == ((ana.id, "Ana"),)
    assert dash.open_person(ana.id) and dash.state.person.name == "Ana"
    assert [i for i, _ in dash.state.person.answers] == ["hidden_leader", "focus_attitude"]
    assert not dash.open_person(outsider.id) and dash.state.person is None


def test_uploads_are_all_or_nothing_and_a_batch_counts_once_the_coach_says(
    store, team, dash, tmp_path
):
    files = []
    for n in range(3):
        binder = type(store)(tmp_path / f"binder{n}.sqlite3")
        person = binder.create_participant()
        binder.save_answer(person.id, "hidden_leader", "urgency.1", "4")
        files.append((f"p{n}.json", my_answers_file(binder, person).encode()))
    assert not dash.upload_files([*files, ("junk.json", b"{not json")])
    assert "junk.json is not valid JSON" in dash.state.message[1] and dash.state.batches == ()
    assert dash.upload_files(files)
    (batch,) = dash.state.batches
    assert not batch.confirmed and dash.state.picture.profile.gate.started == 0
    assert dash.confirm_batch(batch.id) and dash.state.batches[0].confirmed
    assert dash.state.picture.profile.gate.started == 3
    assert dash.remove_batch(batch.id) and dash.state.batches == ()
