"""The circle session's controller, with no widgets: frozen state replaced by each action."""

from dataclasses import FrozenInstanceError, replace
from datetime import date

import pytest

from kit.circles.content import agenda_template
from kit.circles.controllers import PlannerController, SessionController
from kit.circles.planning import new_circle


@pytest.fixture
def session(store):
    owner = store.create_participant()
    circle = new_circle(agenda_template())
    store.save_circle(owner.id, circle)
    return SessionController(store, circle)


def test_the_state_is_frozen_and_each_action_replaces_it(session):
    before = session.state
    with pytest.raises(FrozenInstanceError):
        before.confirm_start = True
    assert session.start_next(today="2026-12-01")
    assert session.state is not before and before.session_id is None
    assert (session.state.number, session.state.held_on) == (1, "2026-12-01")
    assert session.state.message == (
        "ok",
        "Session 1 has started: go through the open actions first.",
    )


def test_a_second_session_on_the_same_day_needs_a_second_press(session):
    session.start_next(today="2026-12-01")
    assert not session.start_next(today="2026-12-01")
    assert session.state.confirm_start and session.state.number == 1
    assert session.state.message[0] == "warn"
    assert session.start_next(today="2026-12-01") and session.state.number == 2


def test_the_second_press_still_counts_after_the_page_has_followed_the_store(session, store):
    session.start_next(today="2026-12-01")
    assert not session.start_next(today="2026-12-01")
    session.follow()  # the page reads the store every few seconds while the coach reads
    assert session.start_next(today="2026-12-01") and session.state.number == 2
    assert not session.start_next(today="2026-12-01")
    other = SessionController(store, session.state.circle)  # another tab starts session 3
    other.load()
    assert other.start_next(today="2026-12-01") is False and other.start_next(today="2026-12-01")
    session.follow()  # a session started meanwhile: the waiting press is forgotten
    assert not session.state.confirm_start and not session.start_next(today="2026-12-01")


def test_nothing_is_added_before_a_session_and_a_bad_entry_says_why(session, store):
    assert not session.add_story("unhappy", "Came late")
    assert session.state.message == ("error", "Start the session first (the button at the top).")
    session.start_next(today="2026-12-01")
    assert not session.add_idea("   ")
    assert session.state.message[0] == "error" and session.state.ideas == ()
    assert session.add_story("unhappy", "Came late", "Ana", "omission", "support", "Text ahead")
    [story] = session.state.stories
    assert (story.act, story.where, story.prevention) == ("omission", "support", "Text ahead")


def test_votes_count_down_and_stop_at_the_limit(session):
    session.start_next(today="2026-12-01")
    session.add_idea("Call back within the hour")
    idea = session.state.ideas[0].id
    assert [session.vote(idea, "Bo") for _ in range(4)] == [True, True, True, False]
    assert session.state.ideas[0].total == 3
    assert session.state.message == ("error", "Bo has used all 3 votes")


def test_an_idea_becomes_an_owned_action_that_the_next_session_reviews(session):
    session.start_next(today="2026-12-01")
    session.add_idea("Photo of the lift plate")
    idea = session.state.ideas[0].id
    assert not session.make_action(idea, "Ana", None)
    assert session.state.message == ("error", "Give the action a due date.")
    assert session.make_action(idea, "Ana", date(2026, 12, 20))
    [action] = session.state.open_actions
    assert (action.owner, action.due) == ("Ana", "2026-12-20")
    session.start_next(today="2026-12-08")
    assert session.update_action(action.id, "done", "Plates photographed")
    assert session.state.open_actions == ()


def test_follow_sees_another_device_and_says_so_to_a_waiting_member(store, session):
    team = store.create_session("Desk", anonymous=True)
    store.update_session(team.code, circle=session.state.circle.code)
    member = store.create_participant(session=team.code)
    phone = SessionController(
        store, session.state.circle, store.team_session(team.code), person=lambda: member
    )
    assert not phone.add_story("happy", "Fixed it first time")
    assert "has not started" in phone.state.message[1]
    session.start_next(today="2026-12-01")
    assert phone.follow() and phone.state.message == (
        "ok",
        "Session 1 has started: add your stories below.",
    )
    assert phone.add_story("happy", "Fixed it first time")
    assert phone.state.stories[0].teller == ""  # anonymous: no name on a member's story
    assert session.follow() and len(session.state.stories) == 1
    assert not session.follow()  # nothing new since


# -- the planner ------------------------------------------------------------------------


@pytest.fixture
def plan(store):
    owner = store.create_participant()
    return PlannerController(store, new_circle(agenda_template()), 0, lambda: owner), owner


def test_a_change_is_one_write_and_setting_what_is_there_writes_nothing(plan, store):
    planner, owner = plan
    assert planner.add_member("Ana", "front line") and planner.state.version == 1
    assert not planner.change(planner.state.circle)  # a box set to its own value
    assert planner.state.version == 1 and store.circles(owner.id)[0][1] == 1


def test_a_refused_cadence_says_why_and_keeps_the_saved_plan(plan, store):
    planner, owner = plan
    planner.add_member("Ana", "front line")
    bad = replace(planner.state.circle.cadence, start="25:99")
    assert not planner.set_cadence(bad)
    assert planner.state.message[0] == "error"
    assert planner.state.circle.cadence.start != "25:99"
    assert store.circles(owner.id)[0][0].cadence.start != "25:99"


def test_a_plan_changed_in_another_window_is_not_overwritten(plan, store):
    planner, owner = plan
    planner.add_member("Ana", "front line")
    other = PlannerController(store, planner.state.circle, planner.state.version, lambda: owner)
    assert other.add_member("Bo", "IT")
    assert not planner.add_member("Cy", "HR")
    assert planner.state.message[1].startswith("Not saved: this circle was changed in another")
    assert [m.name for m in store.circles(owner.id)[0][0].members] == ["Ana", "Bo"]


def test_fitting_the_agenda_fills_the_meeting(plan):
    planner, _ = plan
    planner.set_cadence(replace(planner.state.circle.cadence, minutes=60))
    assert planner.state.agenda_minutes != 60
    assert planner.fit_agenda() and planner.state.agenda_minutes == 60
