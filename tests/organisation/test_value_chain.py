"""The value-chain check (workbook 7): the picture's logic, its files, and its page, headless."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from kit.exchange import import_answers, my_answers_file
from kit.maps import logic as cm
from kit.maps.model import CustomerMap
from kit.organisation import logic
from kit.organisation.content import chain_content
from kit.organisation.files import (
    CheckFileError,
    check_from_dict,
    check_to_dict,
    plan_csv,
    plan_ics,
)
from kit.organisation.model import ValueChainCheck
from kit.organisation.pages import ValueChainApp

XSS = "<img src=x onerror=alert(1)>"
C = chain_content()


def _map() -> CustomerMap:
    m = CustomerMap()
    for name, kind in [
        ("Field service", "own team"),
        ("Planning", "internal customer"),
        ("Hospitals", "external customer"),
        ("Schools", "external customer"),
    ]:
        m = cm.add_element(m, name, kind)
    m = cm.add_connection(m, "Field service", "Planning", "visit reports")
    m = cm.add_connection(m, "Planning", "Hospitals", "schedules", level="regular supplier")
    m = cm.add_connection(m, "Field service", "Schools", "repairs", level="a few services")
    return m


def _metrics_all_good(check: ValueChainCheck) -> ValueChainCheck:
    for role in C.roles:
        check = logic.set_role(
            check, C, role.id, metrics="Complaints", used="yes", verified="Review", gain="Bonus"
        )
    return check


# -- where customer focus stops ----------------------------------------------------------


def test_focus_stops_at_the_first_level_from_the_top_that_it_does_not_reach():
    check = _metrics_all_good(
        logic.set_leaders(ValueChainCheck(), C, seniors=6, complaints=3, calls=2, voice=("agenda",))
    )
    assert logic.picture(check, C).stops_at is None
    assert logic.picture(check, C).sentence() == (
        "Customer focus reaches every level down to Front line."
    )
    # Support functions measure nothing of the customer; the front line is fine.
    check = logic.set_role(check, C, "support", metrics="", used="no")
    p = logic.picture(check, C)
    assert p.stops_at.name == "Support functions"
    assert [s.stops for s in p.stations] == [False, False, True, False]
    # A break higher up is where it stops, whatever happens below.
    check = logic.set_role(check, C, "managers", used="no")
    assert logic.picture(check, C).stops_at.name == "Managers"


def test_leaders_who_meet_no_customer_stop_focus_at_the_top():
    check = _metrics_all_good(
        logic.set_leaders(ValueChainCheck(), C, seniors=5, complaints=0, calls=0)
    )
    p = logic.picture(check, C)
    assert p.stops_at.name == "Executives"
    assert p.top[0].key == "no_complaints" and p.top[0].severity == 3
    # One kind of contact only weakens it.
    check = logic.set_leaders(check, C, complaints=2)
    p = logic.picture(check, C)
    assert p.stops_at is None
    assert "senior leaders hear few customers first-hand" in p.stations[0].weak


def test_an_unanswered_level_is_not_a_stop():
    check = logic.set_role(ValueChainCheck(), C, "front_line", metrics="NPS", used="yes")
    p = logic.picture(check, C)
    assert p.stops_at is None
    assert [s.answered for s in p.stations] == [False, False, False, True]
    assert "not answered yet: Executives, Managers, Support functions" in p.sentence()


def test_gaps_are_ranked_by_severity_then_from_the_top_down_with_a_next_step_each():
    check = logic.set_leaders(ValueChainCheck(), C, seniors=4, calls=0)  # severity 2
    check = logic.set_role(check, C, "front_line", metrics="", used="no")  # 3 and 3
    check = logic.add_row(check, C, "skills", skill="Selling solutions", role="managers", gap=1)
    p = logic.picture(check, C)
    severities = [g.severity for g in p.gaps]
    assert severities == sorted(severities, reverse=True)
    assert [g.key for g in p.top] == ["no_metrics", "not_used", "no_calls"]
    assert all(g.step for g in p.gaps)
    assert "Front line" in p.top[0].step  # the template's {role}, filled in
    # The manager's own step replaces the suggested one, and says so.
    check = logic.set_step(check, p.top[0].id, "Put first-time fixes on the team board")
    again = logic.picture(check, C).top[0]
    assert again.step == "Put first-time fixes on the team board" and again.own


def test_a_relationship_mismatch_is_flagged_with_its_size():
    check = logic.add_row(
        ValueChainCheck(),
        C,
        "segments",
        name="Hospitals",
        wants="long-term partnership",
        offers="a few services",
    )
    check = logic.add_row(
        check, C, "segments", name="Schools", wants="a few services", offers="a few services"
    )
    check = logic.add_row(
        check, C, "segments", name="Shops", wants="a few services", offers="regular supplier"
    )
    p = logic.picture(check, C)
    assert [m.segment for m in p.mismatches] == ["Hospitals", "Shops"]
    assert p.mismatches[0].distance == -3 and p.mismatches[1].distance == 1
    assert "3 levels less than wanted" in p.mismatches[0].sentence()
    sizes = {g.subject: g.severity for g in p.gaps if g.key == "segment_mismatch"}
    assert sizes == {"Hospitals": 2, "Shops": 1}


def test_segments_come_from_the_maps_paying_customers_with_the_level_it_gives():
    assert logic.paying_customers(_map()) == (
        ("Hospitals", "regular supplier"),
        ("Schools", "a few services"),
    )


def test_map_chains_without_a_bridge_are_gaps_until_someone_bridges_them():
    p = logic.picture(ValueChainCheck(leaders=logic.Leaders(seniors=3)), C, _map())
    unbridged = [g for g in p.gaps if g.key == "unbridged_chain"]
    assert {g.subject for g in unbridged} == {"Planning", "Schools"}
    check = logic.add_row(
        ValueChainCheck(leaders=logic.Leaders(seniors=3)),
        C,
        "bridges",
        name="Ana",
        chain="Planning",
        rewarded="Team-lead track",
    )
    p = logic.picture(check, C, _map())
    assert {g.subject for g in p.gaps if g.key == "unbridged_chain"} == {"Schools"}


# -- the cascade and the communication plan ---------------------------------------------


def _cascade() -> ValueChainCheck:
    check = logic.set_text(ValueChainCheck(), "customer", "Building owners who pay for lifts")
    check = logic.set_text(check, "promise", "Lifts that run")
    for level in C.levels:
        check = logic.set_line(check, C, level.id, meaning="Plan around it", behaviour="Call")
    return check


def _message(check, text, audience, medium, on, first="The paying customer"):
    return logic.add_row(
        check, C, "messages", text=text, audience=audience, medium=medium, on=on, first=first
    )


def test_a_level_with_no_message_is_a_gap_and_stops_focus_there():
    check = _message(_cascade(), "Kick-off", ("executives", "managers"), "Meeting", "2027-03-01")
    p = logic.picture(check, C)
    no_message = [g.subject for g in p.gaps if g.key == "no_message"]
    assert no_message == ["front_line"]
    assert p.stops_at.name == "Front line"
    assert p.plan[2].messages == ()


def test_two_messages_putting_different_things_first_to_one_level_contradict():
    check = _message(_cascade(), "Customers first", ("managers",), "Meeting", "2027-03-01")
    check = _message(
        check,
        "Visits per engineer",
        ("managers",),
        "E-mail",
        "2027-03-10",
        first="Volume and sales targets",
    )
    found = [g for g in logic.picture(check, C).gaps if g.key == "contradiction"]
    assert len(found) == 1 and found[0].subject == "managers"
    assert "'Customers first' (The paying customer)" in found[0].title
    assert "'Visits per engineer' (Volume and sales targets)" in found[0].title


def test_a_level_told_before_the_level_above_it_and_one_medium_only_are_flagged():
    check = _message(_cascade(), "Kick-off", ("executives",), "Meeting", "2027-03-10")
    check = _message(check, "In your words", ("managers",), "One-to-one", "2027-03-01")
    check = _message(
        check, "On the board", ("managers", "front_line"), "Visual management", "2027-03-12"
    )
    p = logic.picture(check, C)
    early = [g for g in p.gaps if g.key == "early"]
    assert [g.subject for g in early] == ["managers"]
    assert (
        "Managers hear the promise on 2027-03-01, before Executives (2027-03-10)" in early[0].title
    )
    one = {g.subject for g in p.gaps if g.key == "one_medium"}
    assert one == {"executives", "front_line"}  # managers hear it by two media


def test_the_cascade_asks_for_every_team_on_the_map_and_warns_of_an_internal_customer_named_as_payer():
    check = logic.set_text(_cascade(), "customer", "Planning, our biggest internal customer")
    p = logic.picture(check, C, _map())
    teams = {g.subject for g in p.gaps if g.key == "no_meaning"}
    assert teams == {"Field service", "Planning"}
    assert p.internal_named == "Planning"
    assert p.chains[0][-1] in ("Hospitals", "Schools")  # every chain ends at a payer


def test_the_plan_exports_as_csv_and_as_a_calendar_with_one_event_per_dated_message():
    check = _message(
        _cascade(), "=HYPERLINK(1)", ("executives", "managers"), "Meeting", "2027-03-01"
    )
    check = _message(check, "Undated", ("front_line",), "E-mail", "")
    text = plan_csv(check, C)
    assert (
        text.splitlines()[1]
        == "2027-03-01,'=HYPERLINK(1),Executives; Managers,Meeting,The paying customer"
    )
    ics = plan_ics(check, C, "p-1", now=datetime(2026, 12, 1, tzinfo=UTC)).decode()
    assert ics.count("BEGIN:VEVENT") == 1 and "DTSTART;VALUE=DATE:20270301" in ics
    # The same plan gives the same UIDs: importing it again updates, not doubles.
    assert ics == plan_ics(check, C, "p-1", now=datetime(2026, 12, 1, tzinfo=UTC)).decode()


# -- edits refuse what cannot be right --------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: logic.set_leaders(c, C, seniors="-1"), "a whole number from 0"),
        (lambda c: logic.set_leaders(c, C, seniors=2, complaints=5), "correct one of the two"),
        (lambda c: logic.set_role(c, C, "managers", used="maybe"), "is not a choice"),
        (lambda c: logic.add_row(c, C, "messages", text="Hi", on="next week"), "not a date"),
        (lambda c: logic.add_row(c, C, "messages", text=""), "Give the message a text"),
        (lambda c: logic.add_row(c, C, "skills", skill="x" * 200), "Keep the skill to 120"),
        (lambda c: logic.set_text(c, "promise", "x" * 1001), "Keep the value promise to 1000"),
        (lambda c: logic.update_row(c, C, "skills", 4, skill="A"), "no longer on the list"),
    ],
)
def test_an_edit_that_cannot_be_right_says_what_to_change(edit, message):
    with pytest.raises(logic.CheckEditError, match=message):
        edit(ValueChainCheck())


def test_a_stored_check_is_read_back_with_the_same_rules():
    check = _message(_cascade(), "Kick-off", ("managers",), "Meeting", "2027-03-01")
    assert check_from_dict(json.loads(json.dumps(check_to_dict(check))), C) == check
    with pytest.raises(CheckFileError, match="leaders: The number of senior people"):
        check_from_dict({"leaders": {"seniors": "lots"}}, C)
    with pytest.raises(CheckFileError, match="'messages' must be a list"):
        check_from_dict({"messages": "all of them"}, C)


# -- the combined picture of several managers -------------------------------------------


def _picture_stopping_at(role: str):
    check = logic.set_role(ValueChainCheck(), C, role, metrics="", used="no")
    return logic.picture(check, C)


def test_an_anonymous_sessions_combined_picture_waits_for_the_minimum_group_and_moves_in_steps():
    four = [("", _picture_stopping_at("managers"))] * 4
    hidden = logic.combine(four, C, 5, named=False)
    assert not hidden.gate.shown and hidden.stops == () and hidden.gaps == ()
    seven = four + [("", _picture_stopping_at("front_line"))] * 3
    shown = logic.combine(seven, C, 5, named=False)
    # Seven checks, five counted: the first five to save, never one person's worth more.
    assert shown.gate.covered == 5
    assert dict(shown.stops) == {"Managers": 4, "Front line": 1}
    assert shown.people == ()


def test_a_named_sessions_combined_picture_shows_each_manager_at_any_size():
    team = logic.combine(
        [("Ana", _picture_stopping_at("managers")), ("Ben", _picture_stopping_at("support"))],
        C,
        5,
        named=True,
    )
    assert team.gate.covered == 2
    assert [(name, stop) for name, stop, _ in team.people] == [
        ("Ana", "Managers"),
        ("Ben", "Support functions"),
    ]
    # The shared gaps use the kit's words, never a manager's own text.
    assert ("Managers: no metric carries customer information", 1, 3) in team.gaps


# -- files: answers file, import, export ------------------------------------------------


def test_the_answers_file_carries_the_check_and_loads_it_back_into_another_store(tmp_path):
    from kit.database import open_store

    one = open_store(str(tmp_path / "one.sqlite3"))
    me = one.create_participant()
    check = _message(_cascade(), "Kick-off " + XSS, ("managers",), "Meeting", "2027-03-01")
    one.save_value_chain(me.id, check_to_dict(check))
    data = my_answers_file(one, me)
    two = open_store(str(tmp_path / "two.sqlite3"))
    import_answers(two, data.encode(), "mine.json")
    back = two.participant_by_code(me.resume_code)
    _, body = two.value_chain(back.id)
    assert check_from_dict(body, C) == check
    # A hand-edited file that breaks the rules is refused whole.
    broken = json.loads(data)
    broken["value_chains"][me.public_id]["leaders"] = {"seniors": "many"}
    three = open_store(str(tmp_path / "three.sqlite3"))
    with pytest.raises(Exception, match="value-chain check of .*senior people"):
        import_answers(three, json.dumps(broken).encode(), "mine.json")
    assert three.value_chains() == []


def test_kit_export_json_carries_the_checks_of_sessions_it_may_show(tmp_path, capsys):
    from kit.cli import main
    from kit.database import open_store

    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    big = store.create_session("Leaders", min_group=3, code="K7R-M3X")
    small = store.create_session("Few", min_group=3, code="W4N-7HX")
    for n in range(3):
        p = store.create_participant(session=big.code)
        store.save_value_chain(
            p.id, check_to_dict(logic.set_text(ValueChainCheck(), "promise", f"P{n}"))
        )
    lonely = store.create_participant(session=small.code)
    store.save_value_chain(
        lonely.id, check_to_dict(logic.set_text(ValueChainCheck(), "promise", "Mine"))
    )
    out = tmp_path / "all.json"
    assert main(["export", "--store", db, "--format", "json", "--out", str(out)]) == 0
    chains = json.loads(out.read_text())["value_chains"]
    assert sorted(c["promise"] for c in chains.values()) == ["P0", "P1", "P2"]
    assert "3 value-chain checks" in capsys.readouterr().err
    # An anonymous session's checks carry the day they were saved, not the second.
    assert all(c["updated_at"].endswith("T00:00:00+00:00") for c in chains.values())


# -- the page, headless -----------------------------------------------------------------


def _open(db: str, resume: str = "") -> ValueChainApp:
    app = ValueChainApp.open(resume=resume, store=db)
    for section in (
        "intro",
        "leaders",
        "metrics",
        "skills",
        "segments",
        "bridges",
        "cascade",
        "plan",
        "picture",
        "downloads",
    ):
        getattr(app, section)()
    return app


def _box(app: ValueChainApp, description: str, nth: int = 0):
    found = [b for b, _ in app._boxes if getattr(b, "description", "") == description]
    return found[nth]


def test_the_page_saves_each_box_and_a_reload_shows_it(db):
    app = _open(db)
    _box(app, "Senior people").value = "8"
    assert app.participant is not None  # the first save made the person, with a resume code
    assert "Saved." in app.notice_at("leaders").value
    _box(app, "Metrics", 1).value = "First-time fix rate"  # managers
    _box(app, "Value promise").value = "Lifts that run"
    again = _open(db, app.participant.resume_code)
    assert again.check.leaders.seniors == 8
    assert again.check.metrics_of("managers").metrics == "First-time fix rate"
    assert _box(again, "Value promise").value == "Lifts that run"


def test_a_wrong_number_is_refused_beside_the_box_and_loses_nothing(db):
    app = _open(db)
    _box(app, "Senior people").value = "8"
    _box(app, "Handled complaints").value = "twelve"
    said = app.notice_at("leaders").value
    assert "kit-error" in said and "whole number" in said and "Traceback" not in said
    assert _open(db, app.participant.resume_code).check.leaders.seniors == 8


def test_a_list_row_is_added_changed_deleted_and_brought_back(db):
    app = _open(db)
    boxes = app._lists["skills"]["boxes"]
    boxes["skill"].value = "Selling solutions"
    boxes["gap"].value = "3"
    boxes["role"].value = "managers"
    assert app._add_row("skills")
    assert app.check.skills[0].gap == 3 and app.check.skills[0].role == "managers"
    boxes["step"].value = "Pair with a key-account lead"  # the row is chosen: it saves itself
    assert app.check.skills[0].step == "Pair with a key-account lead"
    assert "Pair with a key-account lead" in app.picture_view.value  # the person's own step
    assert app._delete_selected("skills") and app.check.skills == ()
    assert app.acted(app.controller.undo_last())
    assert app.check.skills[0].skill == "Selling solutions"
    assert _open(db, app.participant.resume_code).check.skills[0].skill == "Selling solutions"


def test_the_maps_paying_customers_fill_the_segments(db):
    from kit.database import open_store

    store = open_store(db)
    me = store.create_participant()
    store.save_map(me.id, _map())
    app = _open(db, me.resume_code)
    assert app.fill_from_map()
    assert [(s.name, s.offers) for s in app.check.segments] == [
        ("Hospitals", "regular supplier"),
        ("Schools", "a few services"),
    ]
    assert not app.fill_from_map() and "already listed" in app.notice_at("segments").value
    # The map's teams are in the cascade, each with its own boxes.
    assert len([b for b, _ in app._boxes if b.description == "It means"]) == len(C.levels) + 2


def test_an_edit_from_a_second_window_is_not_overwritten(db):
    app = _open(db)
    _box(app, "Senior people").value = "8"
    other = _open(db, app.participant.resume_code)
    _box(other, "Senior people").value = "9"
    _box(app, "Listened in").value = "2"
    assert "changed in another window" in app.notice_at("leaders").value
    assert _open(db, app.participant.resume_code).check.leaders.seniors == 9


def test_every_free_text_field_is_escaped_in_the_page_and_the_report(db):
    from kit.organisation import views

    app = _open(db)
    for box, _ in app._boxes:
        if type(box).__name__ in ("Text", "Textarea") and box.description not in (
            "Senior people",
            "Handled complaints",
            "Listened in",
        ):
            box.value = XSS
    for part, fields in (
        ("skills", ("skill", "step")),
        ("segments", ("name", "note")),
        ("bridges", ("name", "role", "chain", "identified")),
        ("messages", ("text",)),
    ):
        boxes = app._lists[part]["boxes"]
        for field in fields:
            boxes[field].value = XSS
        if part == "messages":
            boxes["audience"][0].value = True
            boxes["on"].value = "2027-03-01"
        if part == "segments":
            boxes["wants"].value = "long-term partnership"
            boxes["offers"].value = "a few services"
        assert app._add_row(part), app.notice_at(part).value
    p = app.state.picture
    pages = [
        app.picture_view.value,
        app.plan_view.value,
        app.chains.value,
        views.report_html(app.check, p, C),
        views.all_gaps_html(p),
    ]
    for page in pages:
        assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in app.plan_view.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in views.report_html(app.check, p, C)


def test_showing_and_hiding_the_list_buttons_hides_nothing_else(db):
    from kit.ui.components import shared_layout

    app = _open(db)
    app._lists["skills"]["boxes"]["skill"].value = "Selling solutions"
    assert app._add_row("skills")  # the Add button hides, the Delete button shows
    assert shared_layout().display is None
    # The step boxes under the picture hide while there are fewer than three gaps.
    from kit.ui.components import sized_layout

    assert app.step_boxes[2].layout.display == "none"
    assert sized_layout("98%").display is None


def test_undo_brings_back_the_deleted_row_and_keeps_what_was_saved_since(db):
    app = _open(db)
    boxes = app._lists["segments"]["boxes"]
    boxes["name"].value = "Hospitals"
    assert app._add_row("segments")
    assert app._delete_selected("segments")
    _box(app, "Value promise").value = "Lifts that run"  # saved after the delete
    assert app.undo_last()
    again = _open(db, app.participant.resume_code)
    assert [s.name for s in again.check.segments] == ["Hospitals"]
    assert again.check.promise == "Lifts that run"


def test_a_refused_row_keeps_what_was_typed_in_its_boxes(db):
    app = _open(db)
    boxes = app._lists["messages"]["boxes"]
    boxes["text"].value = "Kick-off with every manager"
    boxes["on"].value = "15/03/2027"
    assert not app._add_row("messages")
    assert "not a date: write it as 2027-03-15" in app.notice_at("messages").value
    assert boxes["text"].value == "Kick-off with every manager"  # nothing lost
    boxes["on"].value = "2027-03-15"
    assert app._add_row("messages") and app.check.messages[0].on == "2027-03-15"


@pytest.fixture
def paused(monkeypatch):
    """Text boxes wait for the person's pause as in a kernel; the test says when it is over."""
    import asyncio

    from kit.ui import live

    loop = asyncio.new_event_loop()  # never run: a save waits until flushed
    monkeypatch.setattr(live, "_kernel_loop", lambda: loop)
    yield
    loop.close()


def test_typed_text_waits_for_a_pause_and_is_saved_before_any_other_edit(db, paused):
    app = _open(db)
    seniors, promise = _box(app, "Senior people"), _box(app, "Value promise")
    seniors.value = "8"  # no Enter, no leaving the box
    assert "Saving…" in app.notice_at("leaders").value
    promise.value = "Lifts that run"  # straight on to the next box, no pause
    assert app.participant is None  # nothing saved yet: the pause has not come
    # A choice made before either pause: both boxes are saved first, and neither
    # is set back by the redraw that follows.
    used = next(b for b, _ in app._boxes if getattr(b, "description", "") == "Used in the work")
    used.value = "no"
    assert (seniors.value, promise.value) == ("8", "Lifts that run")
    again = _open(db, app.participant.resume_code)
    assert again.check.leaders.seniors == 8 and again.check.promise == "Lifts that run"
    assert again.check.metrics_of(C.roles[0].id).used == "no"


def test_a_list_row_typed_in_keeps_its_keys_when_another_row_is_chosen_at_once(db, paused):
    app = _open(db)
    parts = app._lists["skills"]
    skill = parts["boxes"]["skill"]
    for name in ("Selling solutions", "Many levels of a customer"):
        parts["picker"].value = -1
        skill.value = name
        assert "Saving…" not in app.notice_at("skills").value  # a new row waits for Add
        assert app._add_row("skills")
    parts["picker"].value = 0
    skill.value = "Selling whole solutions"  # typed, and straight away the second row chosen
    parts["picker"].value = 1
    assert skill.value == "Many levels of a customer"
    assert [r.skill for r in app.check.skills] == [
        "Selling whole solutions",
        "Many levels of a customer",
    ]


def test_a_pause_saves_the_text_and_says_so_beside_it(db, paused):
    app = _open(db)
    box = _box(app, "Merit")
    box.value = "A yearly customer award"
    app._typing[id(box)].flush()  # the pause
    assert "Saved." in app.notice_at("metrics").value
    assert _open(db, app.participant.resume_code).check.merit == "A yearly customer award"


def test_a_level_told_before_any_level_above_it_is_flagged_even_with_one_undated_between():
    check = _message(_cascade(), "Kick-off", ("executives",), "Meeting", "2027-03-10")
    check = _message(check, "Undated", ("managers",), "E-mail", "")
    check = _message(check, "Board", ("front_line",), "Visual management", "2027-03-01")
    early = [g for g in logic.picture(check, C).gaps if g.key == "early"]
    assert [g.subject for g in early] == ["front_line"]
    # A team called "IT" is not found inside the word "with".
    from kit.maps import logic as cm

    m = cm.add_element(CustomerMap(), "IT", "internal customer")
    said = logic.set_text(_cascade(), "customer", "Owners with lifts that must run")
    assert logic.picture(said, C, m).internal_named == ""
