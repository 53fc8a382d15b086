"""Team sessions: join codes, coach keys, anonymous aggregates, uploads, and the store's upgrade."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.exc import IntegrityError

from kit.database import Store
from kit.exchange import my_answers_file, upload_team_files
from kit.instruments.content import get_instrument
from kit.store import codes
from kit.store.errors import StoreError
from kit.store.records import ImportFileError
from kit.store.sessions import SessionSettingsError
from kit.team.anonymity import HIDDEN, NO_ANSWERS
from kit.team.picture import team_picture
from kit.team.views import coach_html, team_results_html
from tests.team.conftest import save_answers

# Pairs that look alike on a screen, and letters that rhyme when read aloud.
LOOK_ALIKES = set("0O1IL2Z5S6G8BUV") | set("BCDEGPTVZ")


def people(store, team, n, name=""):
    return [store.create_participant(session=team.code, display_name=name) for _ in range(n)]


# -- codes and keys -------------------------------------------------------------------


def test_join_codes_are_six_characters_with_no_look_alikes():
    for code in (codes.new_join_code() for _ in range(2_000)):
        letters = code.replace("-", "")
        assert len(letters) == 6 and code[3] == "-"
        assert not LOOK_ALIKES & set(letters), code
        assert set(letters) <= set(codes.JOIN_ALPHABET)


def test_ten_thousand_sessions_get_ten_thousand_different_codes(tmp_path):
    # 14**6 codes: 10,000 random draws hold about seven colliding pairs, so
    # this passes only because the store draws again until a code is free.
    # The drawing is the kit's, the same on every engine: one SQLite file,
    # without waiting for the disk, keeps this quick.
    store = Store(tmp_path / "codes.sqlite3")
    store._db.execute("PRAGMA synchronous=OFF")
    made = {store.create_session(f"Team {n}").code for n in range(10_000)}
    assert len(made) == 10_000


def test_a_join_code_is_forgiven_case_spaces_and_dashes_but_not_look_alikes():
    assert codes.normalise_join_code(" k7r m3x ") == "K7R-M3X"
    assert codes.normalise_join_code("K7RM3X") == "K7R-M3X"
    assert codes.normalise_join_code("K7R-M30") is None  # 0 is never in a code
    assert codes.normalise_join_code("K7R-M3") is None


def test_the_store_finds_a_session_by_a_loosely_typed_code_and_never_repeats_one(
    store, monkeypatch
):
    first = store.create_session("Desk")
    assert store.team_session(first.code.lower().replace("-", " ")) == first
    # When the random code is taken, the store draws again instead of failing.
    drawn = iter([first.code, "AFH-347"])
    monkeypatch.setattr("kit.store.sessions.new_join_code", lambda: next(drawn))
    assert store.create_session("Second").code == "AFH-347"


def test_coach_keys_are_long_random_and_only_the_exact_key_opens_a_session(store):
    a, b = store.create_session("A"), store.create_session("B")
    assert len(a.coach_key) >= 32 and a.coach_key != b.coach_key
    assert store.session_for_key(a.coach_key) == a
    # One character off (never the same one: a key ending in "x" made this pass by chance).
    other = "y" if a.coach_key.endswith("x") else "x"
    assert store.session_for_key(a.coach_key[:-1] + other) is None
    assert store.session_for_key("") is None
    assert store.session_for_key(a.code) is None


def test_a_minimum_group_under_three_is_refused_everywhere(store):
    with pytest.raises(SessionSettingsError, match="at least 3"):
        store.create_session("Desk", min_group=2)
    team = store.create_session("Desk", min_group=3)
    with pytest.raises(SessionSettingsError, match="at least 3"):
        store.update_session(team.code, min_group=1)
    with pytest.raises(IntegrityError):  # even a hand-written update is refused
        store._db.execute("UPDATE sessions SET min_group = 2")
    assert store.team_session(team.code).min_group == 3
    assert store.create_session("Default").min_group == 5


# -- aggregation and suppression ---------------------------------------------------------


@pytest.mark.parametrize("answered, shown", [(2, False), (3, True), (4, True)])
def test_team_figures_show_only_from_the_minimum_group(store, answered, shown):
    team = store.create_session("Desk", min_group=3)
    for person in people(store, team, answered):
        save_answers(store, person, "hidden_leader", 4)
        save_answers(store, person, "focus_attitude", 5)
    picture = team_picture(store, team)
    assert picture.profile.gate.shown is shown
    assert picture.blocks.gate.shown is shown
    page = coach_html(picture)
    if shown:
        assert HIDDEN not in page
        assert {t.mean for t in picture.profile.traits} == {4.0}
        # Figures move in steps of the minimum group: 4 finished, 3 counted.
        assert dict(picture.blocks.counts)["Customer Value Creator"] == 3
    else:
        assert picture.profile.traits == () and picture.blocks.counts == ()
        assert f"{HIDDEN} (2 of at least 3 have finished)" in page
        assert "4.00" not in page  # no figure leaks through


def test_figures_move_only_in_steps_so_a_new_person_cannot_be_worked_out(store):
    # Comparing two refreshes must never isolate one person's answers.
    team = store.create_session("Desk", min_group=3)
    group = people(store, team, 6)
    for person in group[:3]:
        save_answers(store, person, "hidden_leader", 2)
    first = team_picture(store, team)
    for person in group[3:5]:
        save_answers(store, person, "hidden_leader", 5)
        now = team_picture(store, team).profile
        assert now.traits == first.profile.traits and now.gate.covered == 3
    assert "3 people (5 have finished: the figures move in steps of 3" in coach_html(
        team_picture(store, team)
    )
    save_answers(store, group[5], "hidden_leader", 5)
    moved = team_picture(store, team).profile
    assert moved.gate.covered == 6 and {t.mean for t in moved.traits} == {3.5}
    # Someone who takes an answer back leaves the count until they finish again.
    store.save_answer(group[0].id, "hidden_leader", "urgency.1", None)
    assert team_picture(store, team).profile.gate.covered == 3


def test_the_spread_shows_only_to_the_coach_and_only_for_twice_the_minimum(store):
    team = store.create_session("Desk", min_group=3)
    group = people(store, team, 6)
    for n, person in enumerate(group[:3]):
        save_answers(store, person, "hidden_leader", 2 + n)
    # Three people, a mean and a spread: each could work out the other two.
    assert "±" not in coach_html(team_picture(store, team))
    for person in group[3:]:
        save_answers(store, person, "hidden_leader", 3)
    picture = team_picture(store, team)
    assert "±0.58" in coach_html(picture)
    assert "±" not in team_results_html(picture)


def test_no_answers_yet_differs_from_hidden(store):
    team = store.create_session("Desk", min_group=3)
    empty = coach_html(team_picture(store, team))
    assert NO_ANSWERS in empty and HIDDEN not in empty
    (person,) = people(store, team, 1)
    save_answers(store, person, "hidden_leader", 3)
    one = coach_html(team_picture(store, team))
    assert HIDDEN in one


def test_profile_means_and_spread_and_unfinished_people_do_not_count(store):
    team = store.create_session("Desk", min_group=3)
    for value, person in zip((2, 3, 4), people(store, team, 3), strict=True):
        save_answers(store, person, "hidden_leader", value)
    (half,) = people(store, team, 1)
    store.save_answer(half.id, "hidden_leader", "urgency.1", "1")  # started, not completed
    picture = team_picture(store, team)
    progress = {p.instrument: (p.started, p.completed) for p in picture.progress}
    assert progress["hidden_leader"] == (4, 3) and picture.joined == 4
    assert {(t.mean, t.spread) for t in picture.profile.traits} == {(3.0, 0.82)}
    assert "±" not in coach_html(picture)  # three people: no spread shown


def test_the_four_blocks_count_people_clearly_inside_and_those_between(store):
    team = store.create_session("Desk", min_group=4)
    fa = get_instrument("focus_attitude")
    focus = {i.id for i in fa.trait("focus").items}
    plans = [(5, 5), (5, 5), (1, 5), (3, 3)]  # two creators, one empire builder, one on the lines
    for (x, y), person in zip(plans, people(store, team, 4), strict=True):
        save_answers(
            store, person, "focus_attitude", lambda item, x=x, y=y: x if item in focus else y
        )
    blocks = team_picture(store, team).blocks
    assert dict(blocks.counts) == {
        "Risk Avoider": 0,
        "Problem Solver": 0,
        "Empire Builder": 1,
        "Customer Value Creator": 2,
    }
    assert blocks.between == 1


def test_the_pulse_keeps_rounds_apart_and_shows_the_trend(store):
    team = store.create_session("Desk", min_group=3)
    group = people(store, team, 3)
    for person in group:
        save_answers(store, person, "openness_pulse", 2)
    assert store.open_next_round(team.code, expected=1) == 2
    assert store.open_next_round(team.code, expected=1) == 2  # a second window's press: no round 3
    team = store.team_session(team.code)
    for person in group:
        save_answers(store, person, "openness_pulse", 4, round_=2)
    picture = team_picture(store, team)
    assert [(r.round, r.overall) for r in picture.pulse] == [(1, 2.0), (2, 4.0)]
    assert "up from round 1 to round 2 (2.00 → 4.00)" in coach_html(picture)
    assert store.answers(group[0].id, "openness_pulse", 1)["openness.1"] == "2"


def test_free_text_shows_as_text_without_order_or_names_and_only_to_the_coach(store):
    team = store.create_session("Desk", min_group=3, anonymous=False)
    texts = ["<script>alert(1)</script>", "More 1:1s", "<img src=x onerror=alert(1)>"]
    for text, person in zip(texts, people(store, team, 3, name="Ana"), strict=True):
        save_answers(store, person, "openness_pulse", 3)
        store.save_answer(person.id, "openness_pulse", "reflection.safer", text)
    picture = team_picture(store, team)
    coach = coach_html(picture)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in coach and "<script>" not in coach
    assert "&lt;img src=x onerror=alert(1)&gt;" in coach
    assert picture.pulse[0].texts == tuple(sorted(texts))  # sorted: the order tells nothing
    assert "Ana" not in coach
    participants = team_results_html(picture)
    assert "More 1:1s" not in participants and "3.00" in participants


def test_free_text_stays_hidden_below_the_minimum_group(store):
    team = store.create_session("Desk", min_group=3)
    (person,) = people(store, team, 1)
    save_answers(store, person, "openness_pulse", 3)
    store.save_answer(person.id, "openness_pulse", "reflection.safer", "Only I wrote this")
    assert "Only I wrote this" not in coach_html(team_picture(store, team))


# -- uploads from Binder ----------------------------------------------------------------------


def own_file(tmp_path, value):
    """A participant's own 'Download my answers' file, made in another store (Binder)."""
    elsewhere = Store(tmp_path / f"binder-{value}-{id(object())}.sqlite3")
    person = elsewhere.create_participant()
    save_answers(elsewhere, person, "hidden_leader", value)
    return my_answers_file(elsewhere, person).encode()


def test_uploaded_files_join_the_session_and_a_second_upload_of_one_is_detected(store, tmp_path):
    team = store.create_session("Workshop", min_group=3)
    files = [(f"p{n}.json", own_file(tmp_path, 3)) for n in range(3)]
    done = upload_team_files(store, team, files)
    assert (done.files, done.people, done.answers, done.uploaded_before) == (3, 3, 60, ())
    # Uploaded people count once the coach confirms them as a batch.
    assert not team_picture(store, team).profile.gate.shown
    (batch,) = store.upload_batches(team.code)
    assert (batch.people, batch.confirmed, batch.files) == (3, False, "p0.json, p1.json, p2.json")
    store.confirm_batch(team.code, batch.id)
    assert team_picture(store, team).profile.gate.shown
    again = upload_team_files(store, team, files[:1])
    assert again.uploaded_before == ("p0.json",) and again.answers == 0
    assert len(store.members(team.code)) == 3


def test_an_upload_with_one_bad_or_repeated_file_imports_nothing(store, tmp_path):
    team = store.create_session("Workshop", min_group=3)
    good = own_file(tmp_path, 4)
    broken = json.loads(own_file(tmp_path, 4))
    broken["rows"][0]["value"] = "9"
    with pytest.raises(ImportFileError) as err:
        upload_team_files(store, team, [("a.json", good), ("b.json", json.dumps(broken).encode())])
    assert "b.json" in str(err.value)
    with pytest.raises(ImportFileError, match="a-copy.json and a.json are the same person"):
        upload_team_files(store, team, [("a.json", good), ("a-copy.json", good)])
    assert store.members(team.code) == [] and store.rows(session=team.code) == []


def test_an_upload_cannot_pull_someone_out_of_another_session(store, tmp_path):
    other = store.create_session("Other")
    (person,) = people(store, other, 1)
    save_answers(store, person, "hidden_leader", 2)
    team = store.create_session("Workshop")
    with pytest.raises(StoreError, match="already belongs to session"):
        upload_team_files(store, team, [("theirs.json", my_answers_file(store, person).encode())])


def test_a_binder_file_uploaded_during_round_two_counts_in_round_two(store, tmp_path):
    team = store.create_session("Workshop", min_group=3)
    store.open_next_round(team.code, 1)
    elsewhere = Store(tmp_path / "binder.sqlite3")
    person = elsewhere.create_participant()
    save_answers(elsewhere, person, "openness_pulse", 4)
    upload_team_files(
        store,
        store.team_session(team.code),
        [("p.json", my_answers_file(elsewhere, person).encode())],
    )
    (member,) = store.members(team.code)
    assert store.answers(member[0], "openness_pulse", 2)["openness.1"] == "4"
    assert store.answers(member[0], "openness_pulse", 1) == {}
