"""The anonymity model, played as attacks: nobody can work out one person's answer.

Each test plays what a curious coach or participant would do with real
store calls and the same pictures the pages draw, then tries to recover one
person's score from what was shown. A recovery within 0.25 of the truth is
a failure.
"""

from __future__ import annotations

import csv
import io
import json
import random

import pytest

from kit.database import Store
from kit.exchange import import_answers, my_answers_file, upload_team_files
from kit.instruments.content import get_instrument
from kit.model import PULSE
from kit.store import records
from kit.store.sessions import SessionSettingsError
from kit.team.anonymity import Audience, Figure, Gate, disclose
from kit.team.picture import team_picture
from kit.team.views import coach_html, team_results_html
from tests.team.conftest import save_answers

HL = "hidden_leader"


def trait_means(picture) -> dict[str, float]:
    return {t.trait: t.mean for t in picture.profile.traits}


def recoveries(seen: list[tuple[int, dict[str, float]]]) -> list[tuple[int, dict[str, float]]]:
    """Every one-person score an attacker gets by differencing two figures a person apart."""
    found = []
    for n_a, means_a in seen:
        for n_b, means_b in seen:
            if n_b == n_a + 1 and means_a and means_b:
                found.append(
                    (n_b, {t: n_b * means_b[t] - n_a * means_a[t] for t in means_b if t in means_a})
                )
    return found


def own_file(tmp_path, value, name):
    """A person's own download from another copy of the kit (Binder), answering all ``value``."""
    elsewhere = Store(tmp_path / f"elsewhere-{name}.sqlite3")
    person = elsewhere.create_participant()
    save_answers(elsewhere, person, HL, value)
    return my_answers_file(elsewhere, person).encode()


# -- the one function -------------------------------------------------------------------


@pytest.mark.parametrize("covered", [0, 2, 4, 5, 9, 10, 15])
def test_what_each_audience_sees_at_each_group_size(covered):
    gate = Gate(covered, 5, covered, covered)
    shown = covered >= 5
    for figure in Figure:
        assert disclose(figure, gate, Audience.TEAM) == (shown and figure is Figure.MEANS)
    assert disclose(Figure.MEANS, gate, Audience.COACH) == shown
    assert disclose(Figure.BLOCK_COUNTS, gate, Audience.COACH) == shown
    assert disclose(Figure.TEXTS, gate, Audience.COACH) == shown
    assert disclose(Figure.SPREAD, gate, Audience.COACH) == (covered >= 10)


def test_participants_never_see_a_spread_a_block_count_or_a_text(store):
    team = store.create_session("Desk", min_group=3)
    rng = random.Random(4)
    for n in range(12):
        person = store.create_participant(session=team.code)
        for inst in (HL, "focus_attitude", PULSE):
            for item in get_instrument(inst).items:
                store.save_answer(person.id, inst, item.id, str(rng.randint(1, 5)))
        store.save_answer(person.id, PULSE, "reflection.safer", f"idea {n}")
    picture = team_picture(store, team)
    seen = team_results_html(picture)
    assert "±" not in seen and "kit-whisker" not in seen and "spread" not in seen
    assert "kit-block-count" not in seen and "idea " not in seen
    assert "Focus and attitude: the team&#x27;s means" in seen
    # The coach, with 12 people and a minimum group of 3, sees all three.
    coach = coach_html(picture)
    assert "±" in coach and "kit-block-count" in coach and "idea 1" in coach


# -- differencing: a figure at n people, then at n + 1 -----------------------------------


def test_one_more_person_never_moves_a_figure_by_one_person(store):
    team = store.create_session("Desk", min_group=3)
    truth = {}
    seen = []
    rng = random.Random(7)
    for n in range(1, 14):
        person = store.create_participant(session=team.code)
        truth[n] = rng.randint(1, 5)
        save_answers(store, person, HL, truth[n])
        picture = team_picture(store, team)
        seen.append((picture.profile.gate.covered, trait_means(picture)))
        assert picture.profile.gate.covered % 3 == 0
    for n, scores in recoveries(seen):
        assert all(abs(v - truth[n]) > 0.25 for v in scores.values()), (n, scores)
    assert not recoveries(seen)  # no two figures were ever one person apart


def test_the_minimum_group_only_rises_once_anyone_answered(store):
    team = store.create_session("Desk", min_group=5)
    store.update_session(team.code, min_group=4)  # nobody has answered: allowed
    store.update_session(team.code, min_group=5)
    rng = random.Random(3)
    truth = {}
    for n in range(1, 11):
        person = store.create_participant(session=team.code)
        truth[n] = rng.randint(1, 5)
        save_answers(store, person, HL, truth[n])
    with pytest.raises(SessionSettingsError, match="can only go up"):
        store.update_session(team.code, min_group=4)
    # The attack: change the minimum group and compare what each setting shows.
    seen = []
    for minimum in (5, 6, 7, 8, 9, 10):
        team = store.update_session(team.code, min_group=minimum)
        picture = team_picture(store, team)
        seen.append((picture.profile.gate.covered, trait_means(picture)))
    assert {n for n, _ in seen} == {10}  # raising it never shows a smaller group
    for n, scores in recoveries(seen):
        assert all(abs(v - truth[n]) > 0.25 for v in scores.values())
    # From now on the figure waits for 10 more people.
    for _ in range(9):
        save_answers(store, store.create_participant(session=team.code), HL, 3)
    assert team_picture(store, team).profile.gate.covered == 10


# -- padding the team ----------------------------------------------------------------------


def test_a_coach_cannot_pad_the_team_with_invented_files(store, tmp_path):
    team = store.create_session("Desk", min_group=5)
    real = store.create_participant(session=team.code)
    save_answers(store, real, HL, 2)
    invented = [(f"fake{n}.json", own_file(tmp_path, 3, f"a{n}")) for n in range(4)]
    upload_team_files(store, team, invented)
    picture = team_picture(store, team)
    assert not picture.profile.gate.shown  # the four invented people do not count
    (batch,) = store.upload_batches(team.code)
    with pytest.raises(SessionSettingsError, match="at least 5"):
        store.confirm_batch(team.code, batch.id)
    # Five invented people do count, as a group of their own: the real person,
    # alone in the group that joined, is in no figure.
    more = [("fake4.json", own_file(tmp_path, 3, "a4"))]
    store.remove_batch(team.code, batch.id)
    upload_team_files(store, team, invented + more)
    (batch,) = store.upload_batches(team.code)
    store.confirm_batch(team.code, batch.id)
    picture = team_picture(store, team)
    covered, means = picture.profile.gate.covered, trait_means(picture)
    assert covered == 5 and set(means.values()) == {3.0}
    # The attack: the coach knows the five invented 3s.
    guess = {t: (covered + 1) * m - 3 * covered for t, m in means.items()}
    assert all(abs(v - 2) > 0.25 for v in guess.values())


def test_files_uploaded_on_the_start_page_do_not_pad_the_team(store, tmp_path):
    team = store.create_session("Desk", min_group=5)
    real = store.create_participant(session=team.code)
    save_answers(store, real, HL, 2)
    for n in range(4):
        # A participant's invented files, each naming the session, with fresh ids.
        document = json.loads(own_file(tmp_path, 3, f"p{n}"))
        for row in document["rows"]:
            row["session"] = team.code
        summary = import_answers(store, json.dumps(document), f"f{n}.json", from_page=True)
        assert summary.new_participants == 1
    assert store.member_count(team.code) == 1
    assert not team_picture(store, team).profile.gate.shown
    (batch,) = store.upload_batches(team.code)
    assert (batch.kind, batch.people, batch.confirmed) == ("page", 4, False)


def test_an_uploaded_file_cannot_choose_its_resume_code(store, tmp_path):
    document = json.loads(own_file(tmp_path, 4, "chooser"))
    (public_id,) = document["resume_codes"]
    document["resume_codes"][public_id] = "AAAA-AAAA-AAAA"
    summary = import_answers(store, json.dumps(document), "mine.json", from_page=True)
    assert summary.resume_codes[public_id] != "AAAA-AAAA-AAAA"
    assert store.participant_by_code("AAAA-AAAA-AAAA") is None


# -- the pulse: never joinable to a person ----------------------------------------------------


def test_pulse_answers_cannot_be_joined_to_the_persons_other_answers(store):
    team = store.create_session("Named", min_group=3, anonymous=False)
    secrets = {}
    for name, value in (("Alice", 1), ("Bob", 3), ("Cleo", 5)):
        person = store.create_participant(session=team.code, display_name=name)
        save_answers(store, person, HL, value)
        save_answers(store, person, PULSE, value)
        store.save_answer(person.id, PULSE, "reflection.safer", f"{name}'s secret wish")
        secrets[f"{name}'s secret wish"] = value
    rows = store.rows(session=team.code)
    for exported in (rows, list(csv.DictReader(io.StringIO(records.to_csv(rows))))):
        hl_ids = {r["participant"] for r in exported if r["instrument"] == HL}
        pulse = [r for r in exported if r["instrument"] == PULSE]
        pulse_ids = {r["participant"] for r in pulse}
        assert len(hl_ids) == 3 and len(pulse_ids) == 3 and not hl_ids & pulse_ids
        # Neither the order of rows nor their time stamps pair them up.
        first_pulse = next(n for n, r in enumerate(exported) if r["instrument"] == PULSE)
        assert all(r["instrument"] == PULSE for r in exported[first_pulse:])
        assert [r["participant"] for r in pulse] == sorted(r["participant"] for r in pulse)
        assert all(r["answered_at"].endswith("T00:00:00+00:00") for r in pulse)
    # A second round gets ids of its own.
    store.update_session(team.code, pulse_round=2)
    person = store.create_participant(session=team.code, display_name="Dan")
    store.save_answer(person.id, PULSE, "openness.1", "4", 2)
    store.save_answer(person.id, PULSE, "openness.1", "4", 1)
    ids = [r["participant"] for r in store.rows(session=team.code) if r["instrument"] == PULSE]
    assert len(set(ids)) == 5
    # Back into the store it came from, the export changes nothing.
    before = len(store.rows())
    import_answers(store, records.to_json(store.rows(session=team.code)), "export.json")
    assert len(store.rows()) == before


def test_free_text_changes_on_the_coachs_screen_only_in_steps(store):
    team = store.create_session("Desk", min_group=3)
    group = [store.create_participant(session=team.code) for _ in range(4)]
    for person in group:
        save_answers(store, person, PULSE, 3)
    for n, person in enumerate(group[:3]):
        store.save_answer(person.id, PULSE, "reflection.safer", f"first {n}")

    def texts():
        return team_picture(store, team).pulse[0].texts

    assert texts() == ("first 0", "first 1", "first 2")
    # One person edits: the line would point at whoever just typed, so it waits.
    store.save_answer(group[0].id, PULSE, "reflection.safer", "edited 0")
    assert texts() == ("first 0", "first 1", "first 2")
    store.save_answer(group[1].id, PULSE, "reflection.safer", "edited 1")
    assert texts() == ("first 0", "first 1", "first 2")
    store.save_answer(group[2].id, PULSE, "reflection.safer", "edited 2")
    assert texts() == ("edited 0", "edited 1", "edited 2")


def test_a_participant_cannot_pad_the_team_by_joining_again_from_one_device(
    store, tmp_path, monkeypatch
):
    from kit.start.pages import StartPage

    team = store.create_session("Desk", min_group=5)
    real = store.create_participant(session=team.code)
    save_answers(store, real, HL, 2)
    monkeypatch.setenv("QUERY_STRING", f"session={team.code}")
    cookie = ""
    for _ in range(5):  # the attacker's phone opens the join link five times
        monkeypatch.setenv("HTTP_COOKIE", cookie)
        page = StartPage.open(store.location)
        page.team()
        page.join()
        code = page.member.resume_code
        cookie = f"kit-member-{team.code}={code}"  # what the page script keeps
        save_answers(store, page.member, HL, 3)
    assert store.member_count(team.code) == 2
    store.update_session(team.code, revealed=True)
    picture = team_picture(store, team)
    assert not picture.profile.gate.shown and not trait_means(picture)


def test_joins_in_private_windows_from_one_address_wait_for_the_coach(store, monkeypatch):
    from kit.start.pages import StartPage

    team = store.create_session("Desk", min_group=5)
    real = store.create_participant(session=team.code, client="10.0.0.7")
    save_answers(store, real, HL, 2)
    monkeypatch.setenv("QUERY_STRING", f"session={team.code}")
    monkeypatch.setenv("HTTP_X_KIT_CLIENT", "10.0.0.9")
    monkeypatch.delenv("HTTP_COOKIE", raising=False)  # a private window each time
    for _ in range(5):
        page = StartPage.open(store.location)
        page.team()
        assert page.join()
        save_answers(store, page.member, HL, 3)
    # The first person from 10.0.0.9 counts; the four after wait for the coach,
    # whose room has two people in it, not six.
    assert store.member_count(team.code) == 2
    (batch,) = store.upload_batches(team.code)
    assert (batch.kind, batch.people, batch.confirmed) == ("address", 4, False)
    assert not team_picture(store, team).profile.gate.shown
    # Where phones do share one address, the coach counts them in as members.
    store.confirm_batch(team.code, batch.id)
    assert store.member_count(team.code) == 6


def test_taking_an_answer_back_neither_moves_the_figure_nor_swaps_someone_in(store):
    # m = 3; A, B, C, D finish; the figure covers A, B, C. A takes an answer
    # back, hoping D slips into the figure in their place: then d = a + 3Δ.
    team = store.create_session("Desk", min_group=3)
    group = [store.create_participant(session=team.code) for _ in range(4)]
    for person, value in zip(group, (1, 2, 3, 5), strict=True):
        save_answers(store, person, HL, value)
    before = team_picture(store, team)
    assert before.profile.gate.covered == 3
    first_item = get_instrument(HL).items[0].id
    store.save_answer(group[0].id, HL, first_item, None)  # A takes one answer back
    after = team_picture(store, team)
    assert trait_means(after) == trait_means(before) and after.profile.gate.covered == 3
    # A edits instead: still one person's change, still held back.
    store.save_answer(group[0].id, HL, first_item, "5")
    assert trait_means(team_picture(store, team)) == trait_means(before)
    # Once as many people as the minimum group have changed, the figure moves.
    for person in group[1:3]:
        store.save_answer(person.id, HL, first_item, "5")
    assert trait_means(team_picture(store, team)) != trait_means(before)


def test_a_batch_of_invented_people_does_not_force_the_real_groups_figure_to_move(store, tmp_path):
    team = store.create_session("Desk", min_group=3)
    real = [store.create_participant(session=team.code) for _ in range(3)]
    for person, value in zip(real, (1, 2, 4), strict=True):
        save_answers(store, person, HL, value)
    store.save_answer(real[0].id, PULSE, "reflection.safer", "first words")
    for person in real:
        save_answers(store, person, PULSE, 3)
    before = {t.trait: t.mean for t in team_picture(store, team).profile.traits}
    item = get_instrument(HL).items[0].id
    store.save_answer(real[0].id, HL, item, "5")  # one real edit, held back
    store.save_answer(real[0].id, PULSE, "reflection.safer", "edited words")
    files = [(f"f{n}.json", own_file(tmp_path, 3, f"b{n}")) for n in range(3)]
    upload_team_files(store, team, files)
    (batch,) = store.upload_batches(team.code)
    store.confirm_batch(team.code, batch.id)
    picture = team_picture(store, team)
    assert picture.profile.gate.covered == 6
    # The six means are the real three as they were, plus the invented 3s.
    for trait, mean in trait_means(picture).items():
        assert mean == pytest.approx((3 * before[trait] + 9) / 6, abs=0.01)
    assert "edited words" not in picture.pulse[0].texts


def test_files_cannot_write_into_a_pulse_respondent_or_a_member_who_joined(store, tmp_path):
    from kit.store.errors import StoreError

    team = store.create_session("Named", min_group=3, anonymous=False)
    person = store.create_participant(session=team.code, display_name="Alice")
    save_answers(store, person, PULSE, 2)
    (respondent,) = {r["participant"] for r in store.rows() if r["instrument"] == PULSE}
    planted = {
        "session": team.code,
        "participant": respondent,
        "instrument": HL,
        "item": get_instrument(HL).items[0].id,
        "value": "5",
        "answered_at": "2099-01-01T00:00:00+00:00",
        "demo": "0",
        "round": "1",
    }
    with pytest.raises(StoreError, match="pulse respondent id"):
        import_answers(store, records.to_json([planted]), "planted.json")
    # A coach's upload may not touch someone who joined through the link either.
    mine = my_answers_file(store, person).encode()
    with pytest.raises(StoreError, match="joined this session through its link"):
        upload_team_files(store, team, [("alice.json", mine)])
    assert store.answers(person.id, HL) == {}
