"""Headless widget tests of the team pages: joining, the pulse, the dashboard, and circle contributions."""

from __future__ import annotations

import re

from kit.circles.pages.session import CircleSessionApp
from kit.database import open_store
from kit.demo import simulate
from kit.exchange import my_answers_file
from kit.instruments.content import get_instrument
from kit.instruments.pages.focus_attitude import FocusAttitudeApp
from kit.instruments.pages.openness_pulse import OpennessPulseApp
from kit.start.pages import StartPage
from kit.team.pages import CoachDashboard


def link(monkeypatch, query: str) -> None:
    monkeypatch.setenv("QUERY_STRING", query)


def dashboard(key: str, db: str) -> CoachDashboard:
    app = CoachDashboard.open(key=key, store=db)
    for section in (app.header, app.results, app.controls, app.people, app.uploads, app.downloads):
        section()
    return app


def test_joining_on_the_start_page_gives_a_resume_code_in_the_session(db, monkeypatch):
    store = open_store(db)
    team = store.create_session("Desk")
    link(monkeypatch, f"session={team.code}")
    page = StartPage.open(db)
    page.team()
    page.widget()
    assert "Team session: Desk" in page.join_notice.value
    assert page.join()
    (member,) = store.members(team.code)
    assert member[1] == ""  # anonymous: no name kept
    assert "02_focus_and_attitude.ipynb?resume=" in page.join_notice.value
    assert page.join_button.disabled  # one press, one person


def test_a_wrong_or_closed_code_is_a_plain_message_and_nobody_joins(db, monkeypatch):
    store = open_store(db)
    team = store.create_session("Desk")
    page = StartPage.open(db)
    page.widget()
    page.join_code.value = "ZZZ-ZZZ"
    assert "There is no team session &#x27;ZZZ-ZZZ&#x27;" in page.join_notice.value
    assert not page.join()
    store.update_session(team.code, closed=True)
    page.join_code.value = team.code
    assert "is closed" in page.join_notice.value
    assert not page.join() and store.members(team.code) == []


def test_a_named_session_asks_for_the_name_before_joining(db):
    store = open_store(db)
    team = store.create_session("Desk", anonymous=False)
    page = StartPage.open(db)
    page.widget()
    page.join_code.value = team.code
    assert page.join_name.layout.display is None  # shown for a named session
    assert not page.join() and "Type your name first" in page.join_notice.value
    page.join_name.value = "  Ana  Lopes "
    assert page.join()
    assert store.members(team.code)[0][1] == "Ana Lopes"


def test_answers_on_a_session_page_belong_to_the_session_and_a_solo_code_joins_it(db, monkeypatch):
    store = open_store(db)
    alone = store.create_participant()
    team = store.create_session("Desk")
    link(monkeypatch, f"session={team.code}&resume={alone.resume_code}")
    app = FocusAttitudeApp.open(store=db)
    app.intro()
    assert app.team == team and app.participant.session == team.code
    app.questions()
    app.save("focus.1", 4)
    assert store.rows(session=team.code)[0]["item"] == "focus.1"


def test_the_pulse_saves_into_the_current_round_and_tells_an_open_page_of_a_new_one(
    db, monkeypatch
):
    store = open_store(db)
    team = store.create_session("Desk", min_group=3)
    person = store.create_participant(session=team.code)
    link(monkeypatch, f"resume={person.resume_code}")
    app = OpennessPulseApp.open(store=db)
    app.intro(), app.questions(), app.results(), app.team_results()
    app.save("openness.1", 2)
    assert "team-waiting" in app.team_view.value
    store.open_next_round(team.code, 1)
    assert app.follow_team() and "started round 2 of the pulse" in app.team_view.value
    again = OpennessPulseApp.open(store=db)
    assert again.round == 2 and again.answers == {}
    again.save("openness.1", 5)
    assert store.answers(person.id, "openness_pulse", 1) == {"openness.1": "2"}
    assert store.answers(person.id, "openness_pulse", 2) == {"openness.1": "5"}


def test_revealed_results_reach_an_open_page_as_totals_only(db, monkeypatch):
    store = open_store(db)
    team = store.create_session("Workshop", min_group=3, code="WS")
    simulate(store, 4, session="WS", seed=2)
    person = store.create_participant(session="WS")
    link(monkeypatch, f"resume={person.resume_code}")
    app = FocusAttitudeApp.open(store=db)
    app.intro()
    app.team_results()
    assert "team-results" not in app.team_view.value
    store.update_session(team.code, revealed=True)
    assert app.follow_team()
    assert "Totals for the whole team" in app.team_view.value
    assert not app.follow_team()  # nothing changed: nothing redrawn


def test_the_dashboard_without_a_key_or_with_a_wrong_one_shows_no_data(db):
    store = open_store(db)
    simulate(store, 6, session="WS", seed=1)
    for key in ("", "not-the-key-but-long-enough-xx"):
        app = dashboard(key, db)
        assert app.session is None and app.picture is None
    created = app.store.create_session("New one")
    assert store.session_for_key(created.coach_key) == created


def test_the_dashboard_follows_new_answers_and_the_coach_decides_the_reveal(db):
    store = open_store(db)
    team = store.create_session("Desk", min_group=3)
    app = dashboard(team.coach_key, db)
    assert "no answers yet" in app.picture_view.value
    simulate(store, 3, session=team.code, seed=4)
    assert app.refresh() and "<b>3</b> people have joined" in app.picture_view.value
    assert not app.refresh()  # nothing new: the page is left alone
    assert app.set_revealed(True) and store.team_session(team.code).revealed
    assert app.reveal_button.description == "Hide team results"
    assert not app.set_min_group(2) and "at least 3" in app.notice_at("controls").value
    assert store.team_session(team.code).min_group == 3


def test_an_anonymous_dashboard_opens_no_one_and_a_named_one_opens_each_person(db):
    store = open_store(db)
    anonymous = store.create_session("Anon", min_group=3)
    person = store.create_participant(session=anonymous.code)
    app = dashboard(anonymous.coach_key, db)
    assert app.show_person(person.id) == ""
    named = store.create_session("Named", min_group=3, anonymous=False)
    ana = store.create_participant(session=named.code, display_name="Ana")
    for item in get_instrument("focus_attitude").items:
        store.save_answer(ana.id, "focus_attitude", item.id, "5")
    app = dashboard(named.coach_key, db)
    assert ("Ana", ana.id) in app.person_choice.options
    shown = app.show_person(ana.id)
    assert "Placed: <b>Customer Value Creator</b>" in shown
    assert app.show_person(person.id) == ""  # someone from another session: nothing


def test_uploads_on_the_dashboard_are_all_or_nothing_with_a_message(db, tmp_path):
    store = open_store(db)
    team = store.create_session("Workshop", min_group=3)
    app = dashboard(team.coach_key, db)
    binder = open_store(str(tmp_path / "binder.sqlite3"))
    person = binder.create_participant()
    binder.save_answer(person.id, "hidden_leader", "urgency.1", "4")
    good = my_answers_file(binder, person).encode()
    assert not app.upload_files([("a.json", good), ("junk.json", b"{not json")])
    assert "junk.json is not valid JSON" in app.upload_notice.value
    assert store.members(team.code) == []
    assert app.upload_files([("a.json", good)])
    assert "Imported 1 answers from 1 file (1 people)" in app.upload_notice.value
    assert app.upload_files([("a.json", good)])
    assert "Already uploaded before: a.json" in app.upload_notice.value


def test_team_members_add_stories_ideas_and_votes_to_the_coachs_circle(db, monkeypatch):
    store = open_store(db)
    summary = simulate(store, 1, seed=1)  # the coach, with a circle
    team = store.create_session("Desk", min_group=3, anonymous=True)
    coach = dashboard(team.coach_key, db)
    assert coach.open_circle(summary.example_code)
    owner_page = CircleSessionApp.open(resume=summary.example_code, store=db)
    for section in (owner_page.intro, owner_page.stories_section, owner_page.ideas_section):
        section()
    assert owner_page.start_next()  # this month's session, after the demo's six
    member = store.create_participant(session=team.code)
    link(monkeypatch, f"resume={member.resume_code}")
    mine = CircleSessionApp.open(store=db)
    assert mine.contributor and mine.circle.code == owner_page.circle.code
    for section in (mine.intro, mine.review, mine.stories_section, mine.lists, mine.ideas_section):
        section()
    assert not hasattr(mine, "start") and not hasattr(
        mine, "c_make"
    )  # running it stays with the coach
    mine.s_text.value = "Waited <b>all day</b>"
    assert mine.add_story()
    mine.i_text.value = "Text when the engineer leaves"
    assert mine.add_idea()
    # Each idea has its own vote button on the phone, named by the idea.
    (row,) = [r for r in mine.vote_rows.children if "Text when the engineer" in r.children[0].value]
    row.children[1].click()
    assert "left for you" in mine.notice_at("votes").value
    assert "your votes: 1" in row.children[0].value
    assert owner_page.follow()
    assert "Waited &lt;b&gt;all day&lt;/b&gt;" in owner_page.story_list.value
    # The counts stay hidden, on the facilitator's screen too, until revealed.
    assert "1 vote cast so far" in owner_page.idea_list.value
    assert "<b>1</b> vote" not in owner_page.idea_list.value
    owner_page.v_reveal.click()
    assert "Text when the engineer leaves · <b>1</b> vote" in owner_page.idea_list.value
    # The phone may correct what it sent, and nothing else.
    mine.follow()
    assert [label for label, _ in mine.k_pick.options] == [
        "Story: Waited <b>all day</b>",
        "Idea: Text when the engineer leaves",
    ]
    mine.k_text.value = "Waited all day long"
    assert mine.correct_story()
    assert owner_page.controller.add_story("happy", "Fixed before lunch", "Ana")
    mine.follow()
    others = [s for s in store.stories(owner_page.session_id) if not s.added_by]
    assert not mine.controller.correct("story", others[0].id, {"text": "Hijacked"})
    assert "only the stories and ideas you sent" in mine.state.message[1]
    (story,) = [s for s in store.stories(owner_page.session_id) if s.text.startswith("Waited")]
    assert story.teller == ""  # anonymous: no name on it


def test_a_named_session_never_shows_one_persons_pulse(db):
    store = open_store(db)
    team = store.create_session("Named", min_group=3, anonymous=False)
    ana = store.create_participant(session=team.code, display_name="Ana")
    for item in get_instrument("openness_pulse").items:
        store.save_answer(ana.id, "openness_pulse", item.id, "1")
    store.save_answer(ana.id, "hidden_leader", "urgency.1", "4")
    app = dashboard(team.coach_key, db)
    shown = app.show_person(ana.id)
    assert "Openness" not in shown and "Hidden-leader traits" in shown


def test_a_closed_circle_takes_nothing_more_from_an_open_page(db, monkeypatch):
    store = open_store(db)
    summary = simulate(store, 1, seed=1)
    team = store.create_session("Desk", min_group=3)
    coach = dashboard(team.coach_key, db)
    coach.open_circle(summary.example_code)
    member = store.create_participant(session=team.code)
    link(monkeypatch, f"resume={member.resume_code}")
    mine = CircleSessionApp.open(store=db)
    mine.intro(), mine.stories_section(), mine.ideas_section()
    assert coach.open_circle("")  # the coach closes it to the team
    mine.s_text.value = "Too late"
    assert not mine.add_story() and "closed this circle" in mine.notice_at("stories").value
    assert all(s.text != "Too late" for s in store.stories(mine.session_id))


def test_on_binder_the_dashboard_explains_team_sessions_instead_of_offering_one(db, monkeypatch):
    monkeypatch.setenv("KIT_EPHEMERAL", "1")
    app = CoachDashboard.open(store=db)
    page = app.header()
    html_shown = " ".join(getattr(w, "value", "") for w in page.children)
    assert "Team sessions need a shared server" in html_shown
    assert not any(getattr(w, "description", "") == "Create session" for w in _all(page))


def _all(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all(child)


def test_the_dashboard_says_why_the_minimum_group_cannot_go_down(db):
    store = open_store(db)
    team = store.create_session("Desk", min_group=5)
    person = store.create_participant(session=team.code)
    store.save_answer(person.id, "hidden_leader", "urgency.1", "3")
    app = dashboard(team.coach_key, db)
    app.header()
    app.results()
    app.controls()
    app.min_group_box.value = 4
    assert "can only go up once anyone has answered" in app.notice_at("controls").value
    assert app.min_group_box.value == 5 and store.team_session(team.code).min_group == 5


def test_a_device_that_joined_before_carries_on_as_the_same_person(db, monkeypatch):
    store, team, page = joined_on_the_start_page(db, monkeypatch)
    assert page.join()  # a double tap
    assert store.member_count(team.code) == 1
    ((person_id, _),) = store.members(team.code)
    code = next(
        p
        for p in [
            store.participant_by_code(c)
            for c in re.findall(r"resume code is ([A-Z0-9-]+)", page.join_notice.value)
        ]
        if p
    ).resume_code
    # The page script keeps a cookie for the session: the join link, opened again.
    monkeypatch.setenv("HTTP_COOKIE", f"_xsrf=x; kit-member-{team.code}={code}")
    again = StartPage.open(db)
    again.team()
    assert "Welcome back" in again.join_notice.value and again.join_button.disabled
    assert again.join() and store.member_count(team.code) == 1
    # A workbook opened from the join link (no resume code) is the same person too.
    pulse = OpennessPulseApp.open(store=db)
    assert pulse.participant is not None and pulse.participant.id == person_id


def test_the_coach_counts_or_removes_an_upload_batch_on_the_dashboard(db, tmp_path):
    store = open_store(db)
    team = store.create_session("Workshop", min_group=3)
    app = dashboard(team.coach_key, db)
    files = []
    for n in range(3):
        binder = open_store(str(tmp_path / f"binder{n}.sqlite3"))
        person = binder.create_participant()
        for item in get_instrument("hidden_leader").items:
            binder.save_answer(person.id, "hidden_leader", item.id, "4")
        files.append((f"p{n}.json", my_answers_file(binder, person).encode()))
    assert app.upload_files(files[:2])
    assert "once you count their batch" in app.upload_notice.value
    (row,) = app.batch_rows.children
    label, count, remove = row.children
    assert "2 people, your upload (p0.json, p1.json): <b>not counted yet" in label.value
    count.click()  # two are fewer than the minimum group
    assert "counts in the team&#x27;s figures only with at least 3" in app.upload_notice.value
    remove.click()
    assert "Removed 2 uploaded people" in app.upload_notice.value
    assert app.batch_rows.children == () and store.members(team.code) == []
    assert app.upload_files(files)
    app.batch_rows.children[0].children[1].click()
    assert "The 3 people now count" in app.upload_notice.value
    assert "hidden to protect anonymity" not in app.picture_view.value
    assert "counted" in app.batch_rows.children[0].children[0].value


def test_someone_else_on_a_device_that_joined_before_joins_as_a_new_person(db, monkeypatch):
    store, team, first = joined_on_the_start_page(db, monkeypatch)
    monkeypatch.setenv("HTTP_COOKIE", f"kit-member-{team.code}={first.member.resume_code}")
    shared = StartPage.open(db)
    shared.team()
    assert "Welcome back" in shared.join_notice.value
    assert shared.someone_else.layout.display is None
    shared.someone_else.click()
    assert "You have joined Desk" in shared.join_notice.value
    assert shared.member.resume_code != first.member.resume_code
    assert "data-joined='1'" in shared.join_notice.value  # the script remembers the new person
    assert len(store.members(team.code)) == 2


def test_a_page_refused_for_too_many_wrong_codes_saves_nothing(db, monkeypatch):
    from kit.store.attempts import WRONG_CODES

    store = open_store(db)
    person = store.create_participant()
    for _ in range(WRONG_CODES[1]):
        store.note_attempt("10.0.0.5", WRONG_CODES)
    monkeypatch.setenv("HTTP_X_KIT_CLIENT", "10.0.0.5")
    link(monkeypatch, f"resume={person.resume_code}")  # a good code, from a busy address
    app = OpennessPulseApp.open(store=db)
    assert app.store is None and "Too many wrong codes" in app.problems[0][1]
    assert not app.save("openness.1", 4)
    assert len(store._db.execute("SELECT * FROM participants").fetchall()) == 1


def joined_on_the_start_page(db, monkeypatch) -> tuple:
    """A team session, its join link opened on the start page, and one join: (store, team, page)."""
    store = open_store(db)
    team = store.create_session("Desk", min_group=3)
    link(monkeypatch, f"session={team.code}")
    page = StartPage.open(db)
    page.team()
    assert page.join()
    return store, team, page


def test_a_dashboard_that_cannot_follow_the_store_says_so_and_recovers(db):
    store = open_store(db)
    team = store.create_session("Desk", min_group=3)
    app = dashboard(team.coach_key, db)
    app.store.close()  # the store is out of reach for a moment
    app.live.once()
    assert "The team&#x27;s answers could not be read just now" in app.notice.value
    app.store = open_store(db)
    simulate(store, 3, session=team.code, seed=4)
    app.live.once()
    assert app.notice.value == ""
    assert "<b>3</b> people have joined" in app.picture_view.value


def test_a_live_page_whose_follow_fails_says_so_beside_it_and_clears_when_it_works():
    from kit.ui.components import Notice
    from kit.ui.live import Every, shown_in

    notice, broken = Notice(), [True]

    def tick():
        if broken[0]:
            raise OSError("disk I/O error")

    live = Every(tick, shown=shown_in(notice))
    live.once()
    assert "cannot look for changes just now (OSError: disk I/O error)" in notice.value
    broken[0] = False
    live.once()
    assert notice.value == ""
    broken[0] = True
    live.once()
    notice.show("ok", "Saved your name.")  # a newer message stays when following recovers
    broken[0] = False
    live.once()
    assert "Saved your name." in notice.value


def test_a_questionnaire_that_cannot_follow_the_store_says_so_beside_its_answers(db):
    app = FocusAttitudeApp.open(store=db)
    app.questions()
    assert app.save(app.instrument.items[0].id, 3)
    app.store.close()  # the store is out of reach for a moment
    app.own.once()
    assert "This page cannot look for changes just now" in app.save_notice.value
    app.store = open_store(db)
    app.own.once()
    assert app.save_notice.value == ""


def test_live_pages_follow_the_store_in_voila_only(monkeypatch):
    # JupyterLab runs widget callbacks on another thread than these ticks: a
    # tick between a click and its save undid the click there.
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from kit.ui.live import Every

    async def started() -> bool:
        live = Every(lambda: None, seconds=60)
        try:
            return live.start()
        finally:
            live.stop()

    def run() -> bool:
        # In a thread of its own: the browser tests' Playwright keeps a loop here.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, started()).result()

    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.delenv("VOILA_BASE_URL", raising=False)
    assert run() is False
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    assert run() is True


def test_workbook_2_saves_into_the_sessions_round_and_tells_an_open_page_of_a_new_one(
    db, monkeypatch
):
    store = open_store(db)
    team = store.create_session("Desk", min_group=3)
    person = store.create_participant(session=team.code)
    link(monkeypatch, f"resume={person.resume_code}")
    app = FocusAttitudeApp.open(store=db)
    app.intro(), app.questions(), app.results(), app.team_results()
    app.save("focus.1", 2)
    store.open_next_round(team.code, 1, "focus")
    assert app.follow_team() and "started round 2 of this workbook" in app.team_view.value
    again = FocusAttitudeApp.open(store=db)
    intro = again.intro()
    assert again.round == 2 and again.answers == {}
    assert "This is round 2 of this workbook" in str(intro.children)
    again.save("focus.1", 5)
    assert store.answers(person.id, "focus_attitude", 1) == {"focus.1": "2"}
    assert store.answers(person.id, "focus_attitude", 2) == {"focus.1": "5"}
    # Outside the pulse, a person's rounds are one person: the export says which round.
    assert {(r["round"], r["value"]) for r in store.rows(session=team.code)} == {(1, "2"), (2, "5")}
