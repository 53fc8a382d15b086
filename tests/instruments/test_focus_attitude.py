"""Workbook 02: placement on the four blocks (pure) and the app built headless."""

import pytest

from kit.content import ContentError
from kit.database import open_store
from kit.instruments.content import get_instrument, parse_instrument
from kit.instruments.pages.focus_attitude import FocusAttitudeApp
from kit.instruments.scoring import placement
from tests.conftest import ROOT

FA = "focus_attitude"


@pytest.fixture(scope="module")
def fa():
    return get_instrument(FA)


def answers(focus, attitude):
    """Four answers per axis; a number repeats, a list gives each answer."""
    focus = focus if isinstance(focus, list) else [focus] * 4
    attitude = attitude if isinstance(attitude, list) else [attitude] * 4
    given = {f"focus.{n}": v for n, v in enumerate(focus, 1)}
    return given | {f"attitude.{n}": v for n, v in enumerate(attitude, 1)}


@pytest.mark.parametrize(
    ("focus", "attitude", "block"),
    [
        (1, 1, "Risk Avoider"),
        (5, 1, "Problem Solver"),
        (1, 5, "Empire Builder"),
        (5, 5, "Customer Value Creator"),
        ([4, 4, 4, 3], [2, 2, 1, 2], "Problem Solver"),  # 3.75, 1.75: clear of both lines
    ],
)
def test_clear_points_fall_in_one_named_block(fa, focus, attitude, block):
    where = placement(fa, answers(focus, attitude))
    assert where.clear and where.wording() == block


def test_a_point_on_the_attitude_line_is_between_two_blocks_with_no_lean(fa):
    where = placement(fa, answers(5, [3, 3, 3, 3]))
    assert not where.clear and where.leaning is None
    assert where.wording() == "between Problem Solver and Customer Value Creator"


def test_a_point_just_off_a_line_says_which_side_it_leans_to(fa):
    where = placement(fa, answers([2, 2, 1, 1], [3, 3, 3, 4]))  # 1.5, 3.25
    assert (
        where.wording()
        == "between Risk Avoider and Empire Builder, a little closer to Empire Builder"
    )


def test_a_point_just_past_the_band_is_called(fa):
    # 3.5 is more than near (0.3) from the middle: one block.
    assert placement(fa, answers(1, [4, 4, 3, 3])).wording() == "Empire Builder"


def test_the_centre_is_between_all_four(fa):
    where = placement(fa, answers(3, 3))
    assert len(where.blocks) == 4 and where.wording() == "near the centre, between all four blocks"
    leaning = placement(fa, answers([3, 3, 3, 4], [3, 3, 3, 2]))  # 3.25, 2.75
    assert leaning.wording().endswith("a little closer to Problem Solver")


def test_no_placement_until_both_axes_are_answered(fa):
    partial = answers(5, 5)
    del partial["attitude.4"]
    assert placement(fa, partial) is None
    assert placement(get_instrument("hidden_leader"), {}) is None  # no grid at all


def test_grid_content_errors_name_the_entry_and_the_fix():
    text = (ROOT / "data" / "focus_attitude.toml").read_text()
    broken = text.replace('x = "focus"', 'x = "fokus"', 1).replace(
        'id = "empire_builder"\nname = "Empire Builder"\nx = "low"',
        'id = "empire_builder"\nname = "Empire Builder"\nx = "high"',
    )
    with pytest.raises(ContentError) as err:
        parse_instrument(broken, "fa.toml")
    message = str(err.value)
    assert "[grid]: 'x' names trait 'fokus', which is not a trait here" in message
    assert "grid.blocks[4]: covers the same quadrant as block 'empire_builder'" in message
    assert '[grid]: no block covers x = "low", y = "high"' in message


# -- the app, headless ----------------------------------------------------------


def build(db, resume=""):
    app = FocusAttitudeApp.open(resume=resume, store=db)
    sections = [app.intro(), app.questions(), app.results(), app.downloads()]
    return app, sections


def answer(app, given):
    for item, value in given.items():
        app.questionnaire.radio(item).value = value


def test_answers_are_saved_and_the_block_and_steps_appear(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = build(db)
    assert app.chart.layout.display == "none"
    assert "Answer the 8 remaining statements" in app.summary.value
    answer(app, answers(5, 1))
    stored = open_store(db).answers(app.participant.id, FA)
    assert stored == {k: str(v) for k, v in answers(5, 1).items()}
    summary = app.summary.value
    assert (
        "Problem Solver" in summary
        and "Steps toward Customer Value Creator from Problem Solver" in summary
    )
    assert app.chart.layout.display is None
    assert bytes(app.chart.value).startswith(b"\x89PNG")
    assert app.steps[0].options[0].startswith("Pick one customer problem you keep fixing")
    app.steps[0].value = "Take the invoice errors to finance"
    assert open_store(db).answers(app.participant.id, FA)["commitment.1"] == (
        "Take the invoice errors to finance"
    )


def test_reopening_with_the_code_restores_answers_and_result(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = build(db)
    answer(app, answers(5, 5))
    again, _ = build(db, resume=app.participant.resume_code)
    assert again.questionnaire.radio("attitude.3").value == 5
    assert "Customer Value Creator" in again.summary.value
    assert "Staying a Customer Value Creator" in again.summary.value


def test_hidden_leader_scores_show_beside_the_axes_with_the_same_code(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = build(db)
    answer(app, answers(4, 4))
    related = app.related.value
    assert "An owner&#x27;s mind-set" in related and "not answered yet" in related
    assert f"01_hidden_leader_traits.ipynb?resume={app.participant.resume_code}" in related
    store = open_store(db)
    for n in range(1, 5):
        store.save_answer(app.participant.id, "hidden_leader", f"ownership.{n}", "4")
    again, _ = build(db, resume=app.participant.resume_code)
    related = again.related.value
    assert "<td>An owner&#x27;s mind-set</td><td class='kit-num'>4.00</td>" in related
    assert "Sense of urgency for the customer</td><td class='kit-num'>not answered yet" in related


def test_an_axis_needs_at_least_four_statements():
    text = (ROOT / "data" / "focus_attitude.toml").read_text()
    cut = text.replace(
        '[[traits.items]]\nid = "focus.4"\ntext = "I ask the people who receive my work how it could serve them better."\n',
        "",
    )
    assert cut != text
    with pytest.raises(
        ContentError, match="axis 'x' \\(trait 'focus'\\) has 3 items; an axis needs at least 4"
    ):
        parse_instrument(cut, "fa.toml")


def test_a_next_step_too_long_to_import_later_is_refused_with_a_message(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = build(db)
    answer(app, answers(5, 5))
    app.steps[0].value = "x" * 6000
    assert "Not saved: answer &#x27;commitment.1&#x27; is longer than 5000 characters" in (
        app.save_notice.value
    )
    assert "commitment.1" not in open_store(db).answers(app.participant.id, FA)


def test_the_exact_centre_takes_steps_from_every_block_it_sits_beside(fa):
    from kit.instruments.scoring import next_steps

    where = placement(fa, answers(3, 3))
    planned = next_steps(fa, where)
    assert planned.heading == "Steps toward Customer Value Creator from the centre of the grid"
    assert "Risk Avoider" not in planned.heading
    # The first three steps come one from each block that is not the goal.
    firsts = {b.steps[0] for b in fa.grid.blocks if b.name != "Customer Value Creator"}
    assert set(planned.steps[:3]) == firsts


def test_near_a_line_the_steps_come_from_the_block_beside_the_goal(fa):
    from kit.instruments.scoring import next_steps

    where = placement(fa, answers(5, [4, 3, 3, 3]))  # attitude 3.25: between PS and CVC
    assert not where.clear and where.leaning.name == "Customer Value Creator"
    planned = next_steps(fa, where)
    assert planned.heading == (
        "Steps toward Customer Value Creator from between Problem Solver and Customer Value Creator"
    )
    assert [b.name for b in planned.sources] == ["Problem Solver"]
    assert not planned.heading.startswith("Staying")  # not called a CVC on a 3.25


def test_a_person_who_did_workbook_01_is_not_told_to_take_it(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = build(db)
    answer(app, answers(1, 1))  # a Risk Avoider, whose steps include taking workbook 01
    assert "(workbook 01)" in app.summary.value
    assert any("(workbook 01)" in o for o in app.steps[0].options)
    store = open_store(db)
    for item in get_instrument("hidden_leader").items:
        store.save_answer(app.participant.id, "hidden_leader", item.id, "3")
    again, _ = build(db, resume=app.participant.resume_code)
    assert again.finished_workbooks() == {1, 2}
    assert "Steps toward Customer Value Creator from Risk Avoider" in again.summary.value
    assert "(workbook 01)" not in again.summary.value
    assert not any("(workbook 01)" in o for o in again.steps[0].options)
    assert "Answer the hidden-leader self-assessment" not in again.related.value
