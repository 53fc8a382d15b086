"""A coach and a room in Chromium against one `kit serve`: join, answer, watch, reveal, run a circle.

One Playwright run with a browser context per person, as on separate devices;
one participant is a phone (360×740, touch).
"""

from __future__ import annotations

import re

import pytest

from kit.instruments.content import get_instrument
from tests.browser.conftest import Watch
from tests.browser.test_hidden_leader_app import LOAD_TIMEOUT, resume_code

pytestmark = pytest.mark.browser
FA = get_instrument("focus_attitude")
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
LIVE = 30_000  # a live page redraws every 3 s; allow for a busy machine


def open_person(browser, server, **options):
    """A new browser context (one person's own device) with the usual watch on it."""
    context = browser.new_context(**options)
    page = context.new_page()
    watch = Watch(server.url.split("//", 1)[1])
    page.on("request", watch.request)
    page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
    page.on("console", watch.console)
    page.watch = watch
    return page


# Widgets wider than their cell are cut off on a phone (the cell hides overflow),
# which a page-wide scroll check cannot see.
CLIPPED = """() => [...document.querySelectorAll('.jupyter-widgets, .widget-html-content > *')]
  .filter(el => el.getBoundingClientRect().width > 0)
  .filter(el => {
    const cell = el.closest('.jp-OutputArea-child');
    return cell && el.getBoundingClientRect().right > cell.getBoundingClientRect().right + 1;
  })
  .map(el => el.className.toString().slice(0, 60) + ' ' + el.textContent.slice(0, 40))"""


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate(CLIPPED) == []


def clean(page) -> None:
    w = page.watch
    assert (w.foreign, w.dialogs, w.refused) == ([], [], [])


def join(page, server, code: str, touch: bool = False) -> str:
    """Join by typing the code on the start page; return the person's resume code."""
    page.goto(server.page("00_start_here.ipynb"))
    box = page.get_by_placeholder("e.g. K7R-M3X")
    box.wait_for(timeout=LOAD_TIMEOUT)
    box.fill(code.lower().replace("-", " "))  # as typed off a projector
    if touch:
        box.blur()  # a phone's keyboard closes: the box says which session the code is
        page.locator(".kit-note", has_text="Team session: Workshop").wait_for(timeout=20_000)
        page.get_by_role("button", name="Join").tap()
    else:
        box.press("Enter")  # Enter in the box presses Join
    joined = page.locator(".kit-ok", has_text="You have joined Workshop")
    joined.wait_for(timeout=20_000)
    # The links to the team's workbooks look like links, numbered once by their list.
    first = joined.locator("a.kit-team-link").first
    assert first.inner_text() == "Hidden-leader traits (15 min)"
    look = first.evaluate(
        "a => [getComputedStyle(a).color, getComputedStyle(a).textDecorationLine,"
        " getComputedStyle(a.closest('.kit-ok')).color]"
    )
    assert look[0] == "rgb(11, 95, 173)" and look[1] == "underline" and look[2] != look[0]
    return re.search(r"resume code is (\S+):", joined.text_content()).group(1)


def answer_02(page, server, resume: str, high: bool, touch: bool = False) -> None:
    page.goto(server.page("02_focus_and_attitude.ipynb", f"resume={resume}"))
    page.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    page.get_by_test_id("team-banner").wait_for()
    label = FA.scale.label(5 if high else 2)
    focus, attitude = FA.traits
    for trait in (focus, attitude):
        for item in trait.items:
            option = page.locator(".kit-item", has_text=item.text).locator("label", has_text=label)
            option.tap() if touch else option.click()
        if trait is focus:
            nxt = page.get_by_role("button", name="Next")
            nxt.tap() if touch else nxt.click()
    page.locator(".kit-progress", has_text="8 of 8 answered").wait_for(timeout=20_000)


def test_a_coach_and_three_people_run_a_session_end_to_end(browser, server):
    coach = open_person(browser, server, viewport={"width": 1200, "height": 900})

    # No key: a plain message and the form for a new session, and no data.
    coach.goto(server.page("coach_dashboard.ipynb"))
    coach.get_by_text("Open it with your coach link").wait_for(timeout=LOAD_TIMEOUT)
    assert coach.get_by_test_id("team-picture").count() == 0
    coach.get_by_placeholder("e.g. Service desk, March").fill("Workshop")
    minimum = coach.locator(".widget-text", has_text="Min. group").locator("input")
    minimum.fill("3")
    minimum.press("Enter")
    coach.get_by_role("button", name="Create session").click()
    coach.get_by_test_id("coach-link").click()
    code = coach.get_by_test_id("join-code").text_content(timeout=LOAD_TIMEOUT)
    key = coach.url.split("key=")[1]
    picture = coach.get_by_test_id("team-picture")
    picture.get_by_text("no answers yet").first.wait_for()

    # A wrong key shows no data.
    stranger = open_person(browser, server)
    stranger.goto(server.page("coach_dashboard.ipynb", f"key={key[:-2]}xx"))
    stranger.get_by_text("does not open any team session").wait_for(timeout=LOAD_TIMEOUT)
    assert stranger.get_by_test_id("team-picture").count() == 0
    assert code not in stranger.content()

    # Three people join on their own devices; one is a phone.
    ana, bo = open_person(browser, server), open_person(browser, server)
    phone = open_person(browser, server, **PHONE)
    codes = [join(ana, server, code), join(bo, server, code), join(phone, server, code, touch=True)]
    fits_the_phone(phone)  # the start page, after joining
    # All three come from this machine's one address, as phones behind a venue's
    # router do: the second and third wait until the coach counts them in.
    waiting = coach.get_by_test_id("upload-batch").filter(
        has_text="2 people, joined from an address"
    )
    waiting.wait_for(timeout=LIVE)
    coach.get_by_role("button", name="Count them").click()
    coach.get_by_text("The 2 people now count").wait_for(timeout=20_000)

    answer_02(ana, server, codes[0], high=True)
    answer_02(bo, server, codes[1], high=True)
    blocks = picture.locator("h4", has_text="The four blocks").locator(
        "xpath=following-sibling::*[1]"
    )
    picture.get_by_text(
        "hidden to protect anonymity (2 of at least 3 have finished)"
    ).first.wait_for(timeout=LIVE)
    assert picture.locator(".kit-block-cell").count() == 0  # no counts below the minimum
    ana.get_by_test_id("team-waiting").wait_for()  # not revealed: her own results only

    answer_02(phone, server, codes[2], high=False, touch=True)
    # Without a reload, the dashboard now shows the team's blocks.
    creators = picture.locator(".kit-block-cell", has_text="Customer Value Creator")
    creators.locator(".kit-block-count", has_text="2").wait_for(timeout=LIVE)
    assert (
        picture.locator(".kit-block-cell", has_text="Risk Avoider")
        .locator(".kit-block-count")
        .text_content()
        == "1"
    )
    assert "3 people" in blocks.text_content()
    # The phone answered everything with no sideways scrolling and nothing cut off.
    fits_the_phone(phone)
    assert resume_code(phone) == codes[2]

    # An anonymous session: no one's own results, not even for the coach.
    assert "no one's own answers can be opened" in coach.content()
    for other in codes:
        assert other not in coach.content()

    # Results reach participants' pages only after the reveal, and as totals.
    assert ana.get_by_test_id("team-results").count() == 0
    coach.get_by_role("button", name="Reveal team results").click()
    for page in (ana, phone):
        team = page.get_by_test_id("team-results")
        team.wait_for(timeout=LIVE)
        assert "Totals for the whole team" in team.text_content()
    phone_page = phone.content()
    assert codes[0] not in phone_page and codes[1] not in phone_page
    fits_the_phone(phone)

    # A circle with the team's own devices: the coach plans one and opens it to the session.
    coach_circle = open_person(browser, server, viewport={"width": 1200, "height": 900})
    coach_circle.goto(server.page("04_circle_planner.ipynb"))
    coach_circle.get_by_placeholder("Name").fill("Ana")
    coach_circle.get_by_role("button", name="Add member").click(timeout=LOAD_TIMEOUT)
    coach_circle.locator(".kit-ok", has_text="Added Ana.").wait_for(timeout=20_000)
    planner_code = resume_code(coach_circle)
    coach.get_by_placeholder("the code you planned the circle with").fill(planner_code)
    coach.get_by_role("button", name="Open my circle to the team").click()
    coach.get_by_test_id("circle-state").get_by_text("Open to the team").wait_for(timeout=20_000)
    coach_circle.goto(server.page("05_circle_session.ipynb", f"resume={planner_code}"))
    coach_circle.get_by_role("button", name="Start session 1").click(timeout=LOAD_TIMEOUT)
    coach_circle.locator(".kit-ok", has_text="Session 1 has started").wait_for(timeout=20_000)

    stories = {ana: "Waited a week for a callback", phone: "Engineer came <b>twice</b>"}
    for page, story in stories.items():
        page.goto(
            server.page("05_circle_session.ipynb", f"resume={codes[0 if page is ana else 2]}")
        )
        text = page.get_by_placeholder("What happened, as the customer would tell it")
        text.fill(story, timeout=LOAD_TIMEOUT)
        page.get_by_role("button", name="Add story").click()
        page.locator(".kit-ok", has_text="Added the story").wait_for(timeout=20_000)
    ana.get_by_placeholder("An idea the team could carry out").fill("Call back within a day")
    ana.get_by_role("button", name="Add idea").click()
    ana.locator(".kit-ok", has_text="Idea added.").wait_for(timeout=20_000)
    for page in (ana, phone):
        # Each idea has its own vote button on the phone, under the idea's words.
        row = page.locator(".kit-vote-row", has_text="Call back within a day")
        row.get_by_role("button", name="+1 vote").click(timeout=LIVE)
        page.locator(".kit-ok", has_text="Vote counted: 2 votes left for you.").wait_for(
            timeout=20_000
        )
        row.get_by_text("your votes: 1").wait_for(timeout=20_000)
    # The coach's circle page shows both stories as they come, and the votes only as a
    # count until the coach reveals them (no group-think).
    listed = coach_circle.locator(".kit-stories").first
    for story in stories.values():
        listed.get_by_text(story).wait_for(timeout=LIVE)
    coach_circle.locator(".kit-hidden-votes", has_text="2 votes cast so far").wait_for(timeout=LIVE)
    assert coach_circle.locator(".kit-ideas", has_text="· 2 votes").count() == 0
    coach_circle.get_by_role("button", name="Reveal the votes").click()
    coach_circle.locator(".kit-ideas", has_text="Call back within a day · 2 votes").wait_for(
        timeout=LIVE
    )
    ana.locator(".kit-ideas", has_text="Call back within a day · 2 votes").wait_for(timeout=LIVE)
    for page in (coach, stranger, ana, bo, phone, coach_circle):
        clean(page)


def test_kit_serve_prints_the_links_of_open_sessions_only(tmp_path):
    from kit.database import Store
    from tests.serving import start_server, stop_server

    store = Store(tmp_path / "kit.sqlite3")
    open_one = store.create_session("Service desk")
    closed = store.update_session(store.create_session("Last year").code, closed=True)
    store.close()
    running = start_server(tmp_path)
    try:
        printed = running.log.read_text()
    finally:
        stop_server(running)
    assert f"00_start_here.ipynb?session={open_one.code}" in printed
    assert f"coach_dashboard.ipynb?key={open_one.coach_key}" in printed
    assert closed.code not in printed and closed.coach_key not in printed
