"""The questionnaires' controller, with no widgets: one copy of the answers, one write per answer."""

from dataclasses import FrozenInstanceError

import pytest

from kit.instruments.content import get_instrument
from kit.instruments.controllers import AnswersController

HL = "hidden_leader"


@pytest.fixture
def answering(store):
    me = store.create_participant()
    return AnswersController(store, get_instrument(HL), {}, lambda: me, HL), me


def test_each_answer_replaces_the_frozen_state_and_is_stored_at_once(answering, store):
    ctl, me = answering
    before = ctl.state
    assert ctl.save("urgency.1", 4) and ctl.save("urgency.2", 2)
    assert before.answers == {} and dict(ctl.state.answers) == {"urgency.1": "4", "urgency.2": "2"}
    with pytest.raises(TypeError):
        ctl.state.answers["urgency.3"] = "5"  # read-only: only save() changes answers
    with pytest.raises(FrozenInstanceError):
        ctl.state.round = 2
    assert store.answers(me.id, HL) == {"urgency.1": "4", "urgency.2": "2"}
    assert ctl.save("urgency.1", None) and store.answers(me.id, HL) == {"urgency.2": "2"}


def test_the_results_are_worked_out_once_per_state(answering):
    ctl, _ = answering
    ctl.save("urgency.1", 4)
    state = ctl.state
    assert state.results is state.results and state.results.answered == 1
    ctl.save("urgency.2", 5)
    assert ctl.state.results.answered == 2


def test_an_answer_the_store_refuses_stays_on_screen_and_is_marked(answering, store):
    ctl, me = answering
    ctl.save("urgency.1", 4)
    store.close()
    assert not ctl.save("urgency.2", 5)
    assert ctl.state.answers["urgency.2"] == "5" and ctl.state.not_saved == {"urgency.2"}
    assert ctl.state.message[1].startswith("Your last answer could not be saved")


def test_answers_from_another_window_come_in_except_what_is_being_typed(answering, store):
    ctl, me = answering
    ctl.save("urgency.1", 4)
    store.save_answer(me.id, HL, "urgency.1", "1")
    store.save_answer(me.id, HL, "reflection.paying_customer", "theirs")
    moved = ctl.follow(me, typing={"reflection.paying_customer"})
    assert moved == {"urgency.1"} and ctl.state.answers["urgency.1"] == "1"
    assert "reflection.paying_customer" not in ctl.state.answers
    assert ctl.state.message[0] == "note"
    assert ctl.follow(me) == {"reflection.paying_customer"}
    assert ctl.follow(me) == set()
