"""Workbook 05, a circle session, built headless: review, stories, lists, ideas, backlog."""

import base64
import re
from datetime import date

import pytest

from kit.circles.pages.planner import CirclePlannerApp
from kit.circles.pages.session import CircleSessionApp
from kit.database import open_store


@pytest.fixture
def planned(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    planner = CirclePlannerApp.open(store=db)
    planner.intro(), planner.members()
    planner.m_name.value = "Ana"
    planner.m_add.click()
    return db, planner.participant.resume_code


def open_app(db, code):
    app = CircleSessionApp.open(resume=code, store=db)
    for name in CircleSessionApp.SECTIONS:
        getattr(app, name)()
    return app


def story(app, kind, text, act="", where="", prevention="", teller="Ana"):
    app.s_kind.value, app.s_text.value, app.s_teller.value = kind, text, teller
    if kind == "unhappy":
        app.s_act.value, app.s_where.value, app.s_prevention.value = act, where, prevention
    app.s_add.click()


def test_without_a_planned_circle_the_page_points_to_the_planner(tmp_path):
    app = CircleSessionApp.open(store=str(tmp_path / "k.db"))
    shown = " ".join(getattr(part, "value", "") for part in app.intro().children)
    assert "plan one in workbook 4" in shown
    assert "<a href='04_circle_planner.ipynb'>Open the Circle planner</a>" in shown


def test_nothing_is_added_before_the_session_starts(planned):
    app = open_app(*planned)
    assert app.start.description == "Start session 1"
    story(app, "unhappy", "Late")
    assert "Start the session first" in app.notice_at("stories").value


def test_a_full_session_and_the_action_waiting_in_the_next(planned):
    db, code = planned
    app = open_app(db, code)
    app.start.click()
    story(app, "unhappy", "Came without the <b>part</b>", "omission", "support", "Check the kit")
    story(app, "happy", "Fixed before the shop opened")
    assert "Cause: omission at support" in app.story_list.value
    assert "&lt;b&gt;part&lt;/b&gt;" in app.story_list.value
    app.f_story.value = app.f_story.options[1][1]
    app.f_text.value = "Never arrive without the part"
    app.f_add.click()
    assert "Never arrive without the part</span>" in app.factor_list.value
    assert "raised in session 1 · 1 story" in app.factor_list.value
    app.f_story.value = None  # raised again, by a story told without being written down
    app.f_entry.value = app.f_entry.options[1][1]
    assert app.f_text.disabled  # an entry raised again keeps its words
    app.f_add.click()
    assert "raised in session 1 (2×) · 1 story" in app.factor_list.value
    # Near-identical words typed as a new entry are suggested for a merge, never merged alone.
    app.f_entry.value = None
    app.f_text.value = "never arrive without a part!"
    app.f_add.click()
    assert app.factor_list.value.count("kit-entry") == 2
    assert "1 pair may say the same thing" in app.m_hint.value
    app.m_merge_suggested.click()
    assert app.factor_list.value.count("kit-entry") == 1
    assert "raised in session 1 (3×) · 1 story" in app.factor_list.value
    app.m_undo.click()
    assert app.factor_list.value.count("kit-entry") == 2
    assert "Undone: the merge of an entry" in app.notice_at("merge").value
    app.i_text.value = "Photo of the lift plate with each call"
    app.i_add.click()
    app.v_voter.value, app.v_idea.value = "Bo", app.v_idea.options[0][1]
    for _ in range(3):
        app.v_vote.click()
    assert "0 votes left for Bo" in app.notice_at("votes").value
    app.v_vote.click()
    assert "Bo has used all 3 votes" in app.notice_at("votes").value
    app.c_idea.value, app.c_owner.value = app.c_idea.options[0][1], "Bo"
    app.c_make.click()
    assert "Give the action a due date" in app.notice_at("actions").value
    app.c_due.value = date(2027, 2, 1)
    app.c_make.click()
    assert "<td>Photo of the lift plate with each call</td><td>Bo</td>" in app.action_table.value

    nxt = open_app(db, code)  # reload: everything is still there
    assert "Fixed before the shop opened" in nxt.story_list.value
    nxt.start.click()  # session 1 was today: the first press asks, the second starts
    nxt.start.click()
    assert "session 2" in nxt.heading.value
    assert (
        "opened in session 1" in nxt.open_list.value and nxt.story_list.value.count("none yet") == 2
    )
    nxt.a_pick.value, nxt.a_status.value = nxt.a_pick.options[0][1], "dropped"
    nxt.a_update.click()
    assert "Write the note first" in nxt.notice_at("review").value
    nxt.a_note.value = "The phones cannot take photos"
    nxt.a_update.click()
    (action,) = open_store(db).actions(nxt.circle.code)
    assert action.status == "dropped"
    assert [(e.session, e.status) for e in action.history] == [(1, "open"), (2, "dropped")]
    assert "No open actions" in nxt.open_list.value


def test_files_carry_the_summary_the_actions_csv_and_due_dates(planned):
    db, code = planned
    app = open_app(db, code)
    app.start.click()
    app.i_text.value = "=HYPERLINK(1)"
    app.i_add.click()
    app.c_idea.value, app.c_owner.value, app.c_due.value = (
        app.c_idea.options[0][1],
        "Bo",
        date(2027, 2, 1),
    )
    app.c_make.click()
    links = dict(
        re.findall(r"download='([^']+)' href='data:[^;]+;base64,([^']+)'", app.files.value)
    )
    assert "'=HYPERLINK(1),Bo,2027-02-01,1,open," in download(app, "circle-actions-")
    assert "<caption>Actions</caption>" in download(app, "circle-session-")
    from icalendar import Calendar

    (event,) = Calendar.from_ical(base64.b64decode(links["circle-actions.ics"])).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2027, 2, 1)


def test_votes_per_person_can_be_set_for_the_session(planned):
    db, code = planned
    app = open_app(db, code)
    app.start.click()
    app.v_each.value = 1
    assert "Each person now has 1 vote" in app.notice_at("votes").value
    app.i_text.value = "An idea"
    app.i_add.click()
    app.v_voter.value = "Bo"
    app.v_vote.click()
    assert "0 votes left for Bo" in app.notice_at("votes").value
    app.v_vote.click()
    assert "Bo has used all 1 votes" in app.notice_at("votes").value
    assert open_app(db, code).v_each.value == 1


def test_a_second_start_on_the_same_day_needs_a_second_press(planned):
    db, code = planned
    app = open_app(db, code)
    other = open_app(db, code)
    app.start.click()
    app.start.click()
    assert "was started today already" in app.notice_at("start").value
    assert len(open_store(db).sessions(app.circle.code)) == 1
    other.start.click()  # this window still thinks there is no session
    assert "session 1 was started in another window" in other.notice_at("start").value
    app.start.click()  # the second press starts session 2
    assert "Session 2 has started" in app.notice_at("start").value


def test_an_idea_becomes_one_action_and_then_leaves_the_choice(planned):
    db, code = planned
    app = open_app(db, code)
    app.start.click()
    for text in ("First idea", "Second idea"):
        app.i_text.value = text
        app.i_add.click()
    app.c_idea.value = app.c_idea.options[0][1]
    app.c_owner.value, app.c_due.value = "Bo", date(2027, 2, 1)
    app.c_make.click()
    assert [label for label, _ in app.c_idea.options] == ["Second idea"]
    assert "<li>First idea · <i>now an action</i></li>" in app.idea_list.value


def test_the_summary_names_no_teller_of_an_unhappy_story_unless_the_circle_chose_names(planned):
    db, code = planned
    app = open_app(db, code)
    app.start.click()
    story(app, "unhappy", "Waited all morning", "omission", "support", teller="Ana")
    story(app, "happy", "Fixed in ten minutes", teller="Bo")
    summary = _summary(app)
    assert "Waited all morning" in summary and "(Ana)" not in summary
    assert "(Bo)" in summary  # a happy story's teller may be thanked
    planner = CirclePlannerApp.open(resume=code, store=db)
    planner.intro(), planner.members()
    planner.m_named.value = True
    assert "now name who told" in planner.notice_at("named").value
    again = open_app(db, code)
    assert "(Ana)" in _summary(again)


def _summary(app) -> str:
    return download(app, "circle-session-")


def download(app, name: str) -> str:
    """The text of the page's download link whose file name starts with ``name``."""
    links = re.findall(r"download='([^']+)' href='data:[^;]+;base64,([^']+)'", app.files.value)
    return next(base64.b64decode(v).decode() for k, v in links if k.startswith(name))


def test_the_programme_view_of_the_demo_circle_shows_trends_causes_and_an_overdue_action(
    tmp_path, capsys
):
    from kit.cli import main

    db = str(tmp_path / "kit.sqlite3")
    main(["demo", "--participants", "1", "--seed", "2", "--store", db])
    code = capsys.readouterr().out.split("?resume=")[1].strip()
    app = open_app(db, code)
    shown = app.programme_view.value
    assert "<caption>Sessions</caption>" in shown and "<th class='kit-num'>#6</th>" in shown
    assert "Do-Not-Annoy list: times raised per session" in shown
    assert re.search(r"<td>(rising|falling|steady)</td>", shown)
    assert "<span class='kit-overdue'>overdue" in shown and "Median time to done:" in shown
    assert shown.count("<img src='data:image/png") == 2  # cause mix and the lists' trend
    summary = download(app, "circle-programme-summary")
    assert "<h2>What it needs from support functions</h2>" in summary and "@page" in summary
    # Nobody is named beside an unhappy story in what goes to management.
    for member in ("Ana", "Bo", "Chen", "Dee", "Eli", "Fay", "Gus"):
        assert f"({member})" not in summary


def test_typed_text_is_escaped_in_the_programme_and_its_summary(planned):
    db, code = planned
    app = open_app(db, code)
    app.start.click()
    story(app, "unhappy", "<img src=x onerror=alert(1)>", "omission", "support", "<b>x</b>")
    app.f_text.value = "<script>bad()</script>"
    app.f_add.click()
    app.redraw()
    assert "<script>bad()</script>" not in app.programme_view.value
    assert "&lt;script&gt;bad()&lt;/script&gt;" in app.programme_view.value
    from kit.circles.programme import management_summary

    page = management_summary(app.controller.programme())
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_projector_escapes_what_phones_typed_and_names_nobody():
    from kit.circles.controllers import ProjectorState, SessionState
    from kit.circles.model import Idea, Story
    from kit.circles.pages.projector import _arrived_html

    state = SessionState(
        None,
        sessions=((1, 1, "2027-01-12", 3),),
        stories=(Story(1, 1, "unhappy", "<script>x()</script>", "Ana"),),
        ideas=(Idea(1, 1, "<b>Open</b> at 8", votes=(("Ana", 2),)),),
    )
    shown = _arrived_html(ProjectorState(state))
    assert "<script>" not in shown and "&lt;script&gt;x()&lt;/script&gt;" in shown
    assert "Ana" not in shown and "&lt;b&gt;Open&lt;/b&gt; at 8" in shown
    assert "<b>2</b>" not in shown and "2 votes cast" in shown  # a count, until revealed


def test_the_facilitator_corrects_and_deletes_an_idea_and_an_action_with_undo(planned):
    db, code = planned
    app = open_app(db, code)
    app.start.click()
    app.i_text.value = "Opne at 8"
    app.i_add.click()
    picks = dict((label, value) for label, value in app.k_pick.options)
    app.k_pick.value = picks["idea · Opne at 8"]
    assert app.k_act.disabled  # an idea has no cause
    app.k_text.value = "Open at 8"
    assert app.correct_story()
    assert "Open at 8" in app.idea_list.value and "Opne" not in app.idea_list.value
    app.c_idea.value, app.c_owner.value = app.c_idea.options[0][1], "Ana"
    app.c_due.value = date(2027, 2, 1)
    app.c_make.click()
    picks = dict((label, value) for label, value in app.k_pick.options)
    app.k_pick.value = picks["action · Open at 8"]
    assert not app.k_owner.disabled and app.k_owner.value == "Ana"
    app.k_owner.value, app.k_due.value = "", date(2027, 3, 1)
    assert not app.correct_story() and "Write the owner first" in app.notice_at("correct").value
    app.k_owner.value = "Bo"
    assert app.correct_story()
    assert "<td>Open at 8</td><td>Bo</td><td>2027-03-01</td>" in app.action_table.value
    app.k_undo.click()  # the owner and date go back
    assert "<td>Open at 8</td><td>Ana</td><td>2027-02-01</td>" in app.action_table.value
    app.k_pick.value = picks["action · Open at 8"]
    app.k_delete.click()
    assert "No actions yet." in app.action_table.value
    app.k_undo.click()
    assert "Undone: the delete of an action" in app.notice_at("correct").value
    assert "<td>Open at 8</td><td>Ana</td>" in app.action_table.value
