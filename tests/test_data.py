"""kit.data: the store as tidy DataFrames, behind the same gates as the dashboard and export."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from kit import data
from kit.cli import main
from kit.database import open_store
from kit.demo import simulate
from kit.instruments.content import get_instrument
from kit.instruments.scoring import trait_scores


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {name: str(dtype) for name, dtype in frame.dtypes.items()}


def test_answers_are_the_rows_kit_export_writes_with_typed_columns(db, capsys):
    store = open_store(db)
    team = store.create_session("Desk", anonymous=False, min_group=3)
    simulate(store, 5, session=team.code, seed=3)
    frame = data.answers(db, session=team.code)
    assert dtypes(frame) == data.ANSWER_COLUMNS
    assert main(["export", "--session", team.code, "--store", db]) == 0
    exported = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(frame) == len(exported)
    assert list(zip(frame["participant"], frame["item"], frame["value"], strict=True)) == [
        (r["participant"], r["item"], r["value"]) for r in exported
    ]
    rated = frame[frame["instrument"] == "hidden_leader"]
    assert rated["rating"].between(1, 5).all()
    texts = frame[frame["item"].str.startswith(("reflection.", "commitment."))]
    assert len(texts) and texts["rating"].isna().all()
    assert frame["demo"].all()


def test_scores_are_each_persons_trait_means(db):
    store = open_store(db)
    team = store.create_session("Desk", anonymous=False, min_group=3)
    simulate(store, 4, session=team.code, seed=5)
    frame = data.scores(store, session=team.code, instrument="hidden_leader")
    assert dtypes(frame) == data.SCORE_COLUMNS
    instrument = get_instrument("hidden_leader")
    assert len(frame) == 4 * len(instrument.traits)
    for participant_id, _ in store.members(team.code):
        person = store.participant_by_id(participant_id)
        mine = frame[frame["participant"] == person.public_id].set_index("trait")
        for score in trait_scores(instrument, store.answers(participant_id, "hidden_leader")):
            assert mine.loc[score.trait.id, "mean"] == pytest.approx(score.mean)
            assert mine.loc[score.trait.id, "answered"] == 4
    with pytest.raises(data.DataError, match="no instrument 'traits'"):
        data.scores(store, instrument="traits")


def test_team_scores_are_the_dashboards_and_hold_nothing_below_the_minimum_group(db):
    from kit.team.picture import team_picture

    store = open_store(db)
    team = store.create_session("Desk", min_group=3)
    hl = get_instrument("hidden_leader")
    for n in range(2):  # two people: below the minimum group of three
        person = store.create_participant(session=team.code)
        for item in hl.items:
            store.save_answer(person.id, hl.id, item.id, str(2 + n))
    hidden = data.team_scores(store, team.code)
    assert dtypes(hidden) == data.TEAM_COLUMNS
    row = hidden[hidden["instrument"] == "hidden_leader"].iloc[0]
    assert not row["shown"] and pd.isna(row["mean"]) and pd.isna(row["people"])
    assert row["note"] == "hidden to protect anonymity (2 of at least 3 have finished)"
    person = store.create_participant(session=team.code)
    for item in hl.items:
        store.save_answer(person.id, hl.id, item.id, "5")
    shown = data.team_scores(store, team.code)
    shown = shown[shown["instrument"] == "hidden_leader"].set_index("trait")
    picture = team_picture(store, store.team_session(team.code))
    assert {t.trait: t.mean for t in picture.profile.traits} == shown["mean"].to_dict()
    assert shown["people"].eq(3).all() and shown["shown"].all()
    # The spread, as on the dashboard, waits for twice the minimum group.
    assert shown["spread"].isna().all()
    for _ in range(3):
        person = store.create_participant(session=team.code)
        for item in hl.items:
            store.save_answer(person.id, hl.id, item.id, "3")
    six = data.team_scores(store, team.code).query("instrument == 'hidden_leader'")
    assert six["people"].eq(6).all() and six["spread"].notna().all()


def test_an_anonymous_session_below_its_minimum_gives_no_rows_and_says_why(db):
    store = open_store(db)
    team = store.create_session("Room", anonymous=True, min_group=5)
    simulate(store, 3, session=team.code, seed=1)
    with pytest.raises(data.DataError, match="is anonymous and has 3 of at least 5 people"):
        data.answers(store, session=team.code)
    with pytest.raises(data.DataError, match="is anonymous and has 3 of at least 5"):
        data.scores(store, session=team.code)
    with pytest.warns(UserWarning, match=f"Left out anonymous sessions .*{team.code}"):
        everything = data.answers(store)
    assert team.code not in set(everything["session"])
    with pytest.raises(data.DataError, match="no team session 'NOPE'"):
        data.answers(store, session="NOPE")


def test_a_pulse_round_below_the_minimum_is_left_out_with_a_warning(db):
    store = open_store(db)
    team = store.create_session("Desk", anonymous=False, min_group=3)
    pulse = get_instrument("openness_pulse")
    for _ in range(2):
        person = store.create_participant(session=team.code)
        for item in pulse.items:
            store.save_answer(person.id, pulse.id, item.id, "4")
    with pytest.warns(UserWarning, match=f"{team.code} round 1"):
        frame = data.answers(store, session=team.code)
    assert "openness_pulse" not in set(frame["instrument"])


def test_actions_and_customer_map_frames(db):
    store = open_store(db)
    simulate(store, 1, seed=2)  # the first demo person: a circle with actions, and a map
    actions = data.actions(store, today="2100-01-01")
    assert dtypes(actions) == data.ACTION_COLUMNS and len(actions)
    open_ones = actions[actions["status"] == "open"]
    assert open_ones["overdue"].all()  # in 2100 every open action is past due
    assert not actions[actions["status"] != "open"]["overdue"].any()
    links = data.customer_map(store)
    assert dtypes(links) == data.MAP_COLUMNS and len(links)
    own = links[links["own_output"]]
    assert own["reaches_paying"].notna().all()
    reached = own[own["reaches_paying"]]
    assert (reached["steps_to_paying"] >= 1).all()
    assert links[~links["own_output"]]["reaches_paying"].isna().all()


def test_empty_store_gives_empty_frames_with_their_columns(db):
    for frame, columns in [
        (data.answers(db), data.ANSWER_COLUMNS),
        (data.scores(db), data.SCORE_COLUMNS),
        (data.actions(db), data.ACTION_COLUMNS),
        (data.customer_map(db), data.MAP_COLUMNS),
    ]:
        assert frame.empty and dtypes(frame) == columns


def test_maps_and_actions_of_a_held_back_session_stay_in_the_store(db, capsys):
    # An anonymous session of two: their answers are refused, and so are the
    # map and circle the first demo person made (they are that person's own).
    store = open_store(db)
    team = store.create_session("Room", anonymous=True, min_group=5)
    simulate(store, 2, session=team.code, seed=4)
    for frame_of in (data.customer_map, data.actions):
        with pytest.raises(data.DataError, match="is anonymous and has 2 of at least 5"):
            frame_of(store, session=team.code)
        with pytest.warns(UserWarning, match=f"anonymous sessions .*{team.code}"):
            assert frame_of(store).empty
    simulate(store, 1, seed=9)  # someone on their own: their map is theirs to export
    with pytest.warns(UserWarning):
        assert len(data.customer_map(store)) > 0 and len(data.actions(store)) > 0
    capsys.readouterr()
    assert main(["export", "--format", "json", "--store", db]) == 0
    exported = json.loads(capsys.readouterr().out)
    held = {store.participant_by_id(pid).public_id for pid, _ in store.members(team.code)}
    assert exported["maps"] and not held & set(exported["maps"])
    assert exported["circles"] and not held & set(exported["circles"])
