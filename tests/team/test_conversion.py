"""Seed 003's questions on the coach dashboard: how many Value Creators, and did anyone convert."""

from __future__ import annotations

import pytest

from kit.instruments.content import get_instrument, instruments
from kit.organisation import logic
from kit.organisation.content import chain_content
from kit.organisation.files import check_to_dict
from kit.organisation.model import ValueChainCheck
from kit.store.sessions import SessionSettingsError
from kit.team.controllers import DashboardController
from kit.team.picture import team_picture, wilson
from kit.team.views import coach_html, cvc_html, moves_html
from tests.team.conftest import save_answers

FOCUS = get_instrument("focus_attitude")
CREATOR = 5  # every statement at 5: entrepreneur and external, a clear Value Creator
AVOIDER = 1


def _people(store, team, values, round_=1, people=None):
    people = people or [store.create_participant(session=team.code) for _ in values]
    for person, value in zip(people, values, strict=True):
        save_answers(store, person, FOCUS.id, value, round_)
    return people


def test_the_wilson_interval_is_honest_for_small_groups():
    low, high = wilson(2, 5)
    assert 0.11 < low < 0.12 and 0.76 < high < 0.77
    # More people, same share: a narrower range.
    low50, high50 = wilson(20, 50)
    assert high50 - low50 < high - low
    with pytest.raises(ValueError):
        wilson(0, 0)


def test_the_share_of_value_creators_waits_for_the_gate_then_shows_its_range_and_the_target(store):
    team = store.create_session("Desk", min_group=5)
    store.update_session(team.code, cvc_target=50)
    _people(store, team, [CREATOR, CREATOR, AVOIDER, AVOIDER])
    picture = team_picture(store, store.team_session(team.code))
    assert picture.cvc is None
    assert "hidden to protect anonymity (4 of at least 5 have finished)" in cvc_html(picture)
    _people(store, team, [AVOIDER])
    picture = team_picture(store, store.team_session(team.code))
    assert (picture.cvc.creators, picture.cvc.people) == (2, 5)
    shown = cvc_html(picture)
    assert "2 of 5 people (40%)" in shown and "likely between 12% and 77%" in shown
    assert "too small to tell" in shown  # 50% lies inside the range


def test_people_who_moved_between_rounds_show_only_in_whole_steps_of_the_minimum_group(store):
    team = store.create_session("Desk", min_group=3)
    first = _people(store, team, [AVOIDER] * 4)
    dash = DashboardController(store, store.team_session(team.code), instruments())
    dash.refresh()
    assert dash.add_note("action", "Coaching on the customer behind each job", "coaching")
    assert dash.next_focus_round() and dash.state.session.focus_round == 2
    # Two people answer round 2: below the gate, the table holds no numbers at all.
    _people(store, team, [CREATOR, AVOIDER], round_=2, people=first[:2])
    picture = team_picture(store, store.team_session(team.code))
    (moves,) = picture.moves
    assert not moves.gate.shown and moves.cells == ()
    assert "hidden to protect anonymity (2 of at least 3 have finished)" in moves_html(picture)
    # A third: three people in both rounds, one of whom became a Value Creator.
    _people(store, team, [CREATOR], round_=2, people=first[2:3])
    picture = team_picture(store, store.team_session(team.code))
    (moves,) = picture.moves
    assert moves.gate.covered == 3
    assert moves.count("Risk Avoider", "Customer Value Creator") == 2
    assert moves.count("Risk Avoider", "Risk Avoider") == 1
    shown = moves_html(picture)
    assert "2 moved block; 2 became Customer Value Creators" in shown
    assert "coaching: Coaching on the customer behind each job" in shown
    # A fourth person answering both never moves a cell by one person's worth.
    _people(store, team, [CREATOR], round_=2, people=first[3:4])
    (moves,) = team_picture(store, store.team_session(team.code)).moves
    assert moves.gate.covered == 3 and moves.count("Risk Avoider", "Customer Value Creator") == 2


def test_the_latest_round_the_gate_lets_through_is_the_teams_blocks_now(store):
    team = store.create_session("Desk", min_group=3)
    first = _people(store, team, [AVOIDER] * 3)
    store.open_next_round(team.code, 1, "focus")
    picture = team_picture(store, store.team_session(team.code))
    assert dict(picture.blocks.counts)["Risk Avoider"] == 3  # round 2 has no answers yet
    _people(store, team, [CREATOR] * 3, round_=2, people=first)
    picture = team_picture(store, store.team_session(team.code))
    assert dict(picture.blocks.counts)["Customer Value Creator"] == 3
    assert picture.cvc.round == 2 and picture.cvc.share == 1.0


def test_the_coach_sets_a_target_and_keeps_guardrails_with_the_session(store):
    team = store.create_session("Desk", min_group=3)
    dash = DashboardController(store, team, instruments())
    dash.refresh()
    assert dash.set_target(25) and dash.state.session.cvc_target == 25
    with pytest.raises(SessionSettingsError):
        store.update_session(team.code, cvc_target=120)
    assert not dash.add_note("guardrail", "   ") and "write the text first" in dash.state.message[1]
    assert not dash.add_note("action", "Bonus for renewals", "bribes")
    assert dash.add_note("guardrail", "Tell the <b>owner</b> before changing a process")
    (note,) = store.session_notes(team.code)
    assert "Tell the &lt;b&gt;owner&lt;/b&gt;" in coach_html(dash.state.picture)
    assert dash.remove_note(note.id) and store.session_notes(team.code) == []
    assert dash.restore_note()
    assert [n.text for n in store.session_notes(team.code)] == [note.text]


def _check_stopping_at(role):
    return check_to_dict(logic.set_role(ValueChainCheck(), chain_content(), role, used="no"))


def test_the_managers_checks_together_are_hidden_below_the_gate_in_an_anonymous_session(store):
    team = store.create_session("Leaders", min_group=3)
    for role in ("managers", "managers"):
        person = store.create_participant(session=team.code)
        store.save_value_chain(person.id, _check_stopping_at(role))
    shown = coach_html(team_picture(store, team))
    assert "The value-chain check (workbook 7)" in shown
    assert "hidden to protect anonymity (2 of at least 3 have finished)" in shown
    person = store.create_participant(session=team.code)
    store.save_value_chain(person.id, _check_stopping_at("support"))
    shown = coach_html(team_picture(store, team))
    assert "Managers: 2 of 3 managers" in shown and "Support functions: 1 of 3 managers" in shown


def test_a_named_sessions_coach_sees_each_managers_line(store):
    team = store.create_session("Leaders", min_group=3, anonymous=False)
    for name, role in (("Ana", "managers"), ("Ben", "front_line")):
        person = store.create_participant(session=team.code, display_name=name)
        store.save_value_chain(person.id, _check_stopping_at(role))
    shown = coach_html(team_picture(store, team))
    assert "<td>Ana</td><td>Managers</td>" in shown and "<td>Ben</td><td>Front line</td>" in shown


# -- the attacks on the new figures, each played -----------------------------------------


def _save(store, person, role="managers", skill="", segment=""):
    check = logic.set_role(ValueChainCheck(), chain_content(), role, used="no")
    if skill:
        check = logic.add_row(check, chain_content(), "skills", skill=skill, role="managers", gap=3)
    if segment:
        check = logic.add_row(
            check,
            chain_content(),
            "segments",
            name=segment,
            wants="long-term partnership",
            offers="a few services",
        )
    store.save_value_chain(person.id, check_to_dict(check))


def test_uploaded_people_open_no_gate_until_the_coach_counts_them(store, tmp_path):
    from kit.database import open_store
    from kit.exchange import my_answers_file, upload_team_files

    team = store.create_session("Leaders", min_group=3)
    anna = store.create_participant(session=team.code)
    _save(store, anna, skill="Anna's secret plan")
    files = []
    for n in range(2):
        other = open_store(str(tmp_path / f"other{n}.sqlite3"))
        me = other.create_participant()
        _save(other, me, role="support")
        files.append((f"p{n}.json", my_answers_file(other, me).encode()))
    upload_team_files(store, store.team_session(team.code), files)
    shown = coach_html(team_picture(store, store.team_session(team.code)))
    assert "hidden to protect anonymity (1 of at least 3 have finished)" in shown
    assert "secret plan" not in shown


def test_the_managers_figure_names_no_typed_words_and_stands_while_fewer_than_a_step_change(store):
    team = store.create_session("Leaders", min_group=3)
    people = [store.create_participant(session=team.code) for _ in range(4)]
    for n, person in enumerate(people):
        _save(store, person, skill=f"Skill only manager {n} has", segment=f"Segment {n}")
    shown = coach_html(team_picture(store, store.team_session(team.code)))
    assert "Managers: 3 of 3 managers" in shown
    assert "Skill only manager" not in shown and "Segment 0" not in shown
    assert "A skill gap: Managers: 3 of 3 managers" in shown
    # One manager changes their mind: the kept figure stands.
    _save(store, people[0], role="front_line")
    again = coach_html(team_picture(store, store.team_session(team.code)))
    assert (
        "Managers: 3 of 3 managers" in again
        and "Front line" not in again.split("managers together")[1]
    )
    # Raising the minimum group above the 3 people covered hides the figure: it is
    # never shown again over 4 people, one more than before.
    store.update_session(team.code, min_group=4)
    chain = team_picture(store, store.team_session(team.code)).chain
    assert not chain.gate.shown and chain.stops == () and chain.gaps == ()


def test_the_transition_table_stands_when_one_person_takes_an_answer_back_or_the_gate_rises(store):
    team = store.create_session("Desk", min_group=3)
    first = _people(store, team, [AVOIDER] * 6)
    store.open_next_round(team.code, 1, "focus")
    _people(store, team, [CREATOR, CREATOR, AVOIDER, CREATOR, AVOIDER, AVOIDER], 2, first)
    (moves,) = team_picture(store, store.team_session(team.code)).moves
    assert moves.gate.covered == 6
    before = moves.cells
    # Person 4 takes one answer back: the table moves by a whole step or not at all.
    store.save_answer(first[3].id, FOCUS.id, FOCUS.items[0].id, "", 2)
    (moves,) = team_picture(store, store.team_session(team.code)).moves
    assert moves.gate.covered in (3, 6) and sum(n for *_, n in moves.cells) == moves.gate.covered
    # Answered again, the table is back over the same six people.
    store.save_answer(first[3].id, FOCUS.id, FOCUS.items[0].id, "5", 2)
    (moves,) = team_picture(store, store.team_session(team.code)).moves
    assert moves.gate.covered == 6 and moves.cells == before
    # Raising the minimum group keeps it over the same six people.
    store.update_session(team.code, min_group=5)
    (moves,) = team_picture(store, store.team_session(team.code)).moves
    assert moves.gate.covered == 6 and moves.cells == before
