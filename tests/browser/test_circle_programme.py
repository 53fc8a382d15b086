"""A circle's second session in Chromium against `kit serve`: running lists, phones, hidden votes.

The facilitator opens session 2 of a circle whose session 1 left a
Do-Not-Annoy entry; three phones (separate browser contexts) add stories and
dot-vote; the votes stay a count until revealed; the facilitator classifies
a phone's story, merges two entries, undoes a delete and turns the top idea
into an action owned by a member.
"""

from __future__ import annotations

import dataclasses

import pytest

from kit.circles.content import agenda_template
from kit.circles.model import Member, Story
from kit.circles.planning import new_circle
from kit.database import open_store
from tests.browser.test_app_feel import serious_axe_violations
from tests.browser.test_focus_and_map import dropdown
from tests.browser.test_hidden_leader_app import LOAD_TIMEOUT
from tests.browser.test_team_session import LIVE, PHONE, clean, open_person

pytestmark = pytest.mark.browser

WAITING = "Never leave the customer waiting without an arrival time"


@pytest.fixture
def programme(server):
    """A circle with one past session, opened to a named team session of three members."""
    return circle_programme(server.store)


def circle_programme(path) -> tuple[str, list[str]]:
    """Write that circle into the store at ``path``: (the owner's code, the three phones' codes)."""
    store = open_store(str(path))
    owner = store.create_participant()
    circle = dataclasses.replace(
        new_circle(agenda_template()),
        title="Field service circle",
        members=(Member("Ana", "front line"), Member("Bo", "front line"), Member("Chen", "IT")),
    )
    store.save_circle(owner.id, circle)
    first, _ = store.start_session(circle.code, "2026-11-10")
    told = store.add_story(first, Story(0, first, "unhappy", "Waited in all morning", "Ana"))
    store.add_factor(first, "do not annoy", WAITING, told)
    store.reveal_votes(first)
    team = store.create_session("Circle room", anonymous=False, min_group=3)
    store.update_session(team.code, circle=circle.code)
    phones = [
        store.create_participant(session=team.code, display_name=name).resume_code
        for name in ("Ana", "Bo", "Chen")
    ]
    store.close()
    return owner.resume_code, phones


def ok(page, text: str) -> None:
    page.locator(".kit-ok", has_text=text).last.wait_for(timeout=20_000)


def test_session_two_builds_on_session_one_with_phones_hidden_votes_and_corrections(
    server, browser, programme
):
    owner, phone_codes = programme
    coach = open_person(browser, server, viewport={"width": 1280, "height": 900})
    coach.goto(server.page("05_circle_session.ipynb", f"resume={owner}"))
    coach.get_by_role("button", name="Start session 2").click(timeout=LOAD_TIMEOUT)
    ok(coach, "Session 2 has started")
    # The session opens on the running list that session 1 left.
    lists = coach.locator(".kit-factors").first
    lists.get_by_text("raised in session 1 · 1 story").wait_for(timeout=LIVE)
    assert WAITING in lists.text_content()

    phones = [open_person(browser, server, **PHONE) for _ in phone_codes]
    for phone, code in zip(phones, phone_codes, strict=True):
        phone.goto(server.page("05_circle_session.ipynb", f"resume={code}"))
        phone.get_by_placeholder("What happened, as the customer would tell it").wait_for(
            timeout=LOAD_TIMEOUT
        )
    ana, bo, chen = phones
    for phone, text in (
        (ana, "Nobody said when the engineer would come"),
        (bo, "The engineer rang before coming <b>up</b>"),
    ):
        phone.get_by_placeholder("What happened, as the customer would tell it").fill(text)
        phone.get_by_role("button", name="Add story").tap()
        ok(phone, "Added the story")
    for phone, idea in ((chen, "Text the arrival time at 8"), (bo, "Call ahead from the van")):
        phone.get_by_placeholder("An idea the team could carry out").fill(idea)
        phone.get_by_role("button", name="Add idea").tap()
        ok(phone, "Idea added.")
    # Dot votes, each phone on its own: two for the text, one for the call.
    for phone, idea in (
        (ana, "Text the arrival time"),
        (bo, "Text the arrival time"),
        (chen, "Call ahead"),
    ):
        row = phone.locator(".kit-vote-row", has_text=idea)
        row.get_by_role("button", name="+1 vote").tap(timeout=LIVE)
        ok(phone, "Vote counted: 2 votes left for you.")
        row.get_by_text("your votes: 1").wait_for(timeout=20_000)
    # Hidden until revealed: a count on every screen, no idea's total anywhere.
    coach.locator(".kit-hidden-votes", has_text="3 votes cast so far").wait_for(timeout=LIVE)
    for page in (coach, ana):
        assert page.locator(".kit-ideas", has_text="votes").count() == 0
    coach.get_by_role("button", name="Reveal the votes").click()
    coach.locator(".kit-ideas li").first.get_by_text(
        "Text the arrival time at 8 · 2 votes"
    ).wait_for(timeout=LIVE)
    ana.locator(".kit-ideas", has_text="Text the arrival time at 8 · 2 votes").wait_for(
        timeout=LIVE
    )

    # The facilitator classifies the phone's unhappy story, which came without a cause.
    pick = dropdown(coach, "Correct story")
    pick.locator("option", has_text="needs a cause · Nobody said when").wait_for(
        state="attached", timeout=LIVE
    )
    pick.select_option(label="needs a cause · Nobody said when the engineer would come")
    dropdown(coach, "Its cause").select_option("omission")
    dropdown(coach, "Happened at").select_option("front line")
    coach.get_by_placeholder("What would have prevented this one").fill("Text a time window")
    coach.get_by_role("button", name="Save correction").click()
    ok(coach, "The story is corrected")
    stories = coach.locator(".kit-stories").first
    stories.get_by_text("Cause: omission at front line").wait_for(timeout=20_000)
    assert "The engineer rang before coming <b>up</b>" in stories.text_content()  # escaped

    # The same rule in other words, from the phone's story: suggested, merged on confirmation.
    dropdown(coach, "From story").select_option(label="Nobody said when the engineer would come")
    coach.get_by_placeholder("e.g. Never ask a customer twice").fill(
        "Never leave a customer waiting without an arrival time."
    )
    coach.get_by_role("button", name="Add to the list").click()
    ok(coach, "Added to the Do-Not-Annoy list.")
    assert coach.locator(".kit-factors").first.locator(".kit-entry").count() == 2
    coach.get_by_text("1 pair may say the same thing").wait_for(timeout=20_000)
    coach.get_by_role("button", name="Merge these two").click()
    ok(coach, "Merged")
    merged = coach.locator(".kit-factors").first
    merged.get_by_text("raised in sessions 1 and 2 · 2 stories").wait_for(timeout=20_000)
    assert merged.locator(".kit-entry").count() == 1

    # A delete, undone.
    dropdown(coach, "Correct entry").select_option(label=f"do not annoy · {WAITING}")
    coach.get_by_role("button", name="Delete entry").click()
    ok(coach, "The entry is deleted")
    assert coach.locator(".kit-factors").first.locator(".kit-entry").count() == 0
    coach.get_by_role("button", name="Undo last entry change").click()
    ok(coach, "Undone: the delete of an entry")
    coach.locator(".kit-factors").first.get_by_text(WAITING).wait_for(timeout=20_000)

    # The top idea becomes an action, owned by a member, addressing the entry.
    chosen = dropdown(coach, "Choose").evaluate("s => s.selectedOptions[0].text")
    assert chosen.replace("\xa0", " ") == "Text the arrival time at 8"
    owner_box = coach.get_by_placeholder("One owner, from the members")
    owner_box.fill("Bo")
    offered = coach.locator(f"datalist[id='{owner_box.get_attribute('list')}'] option")
    assert [o.get_attribute("value") for o in offered.all()] == ["Ana", "Bo", "Chen"]
    dropdown(coach, "Addresses").select_option(label=WAITING)
    coach.get_by_role("textbox", name="Due", exact=True).fill("2027-01-15")
    coach.get_by_role("button", name="Make it an action").click()
    ok(coach, "The idea is now an action")
    coach.locator(".kit-actions").get_by_text("Text the arrival time at 8").wait_for(timeout=20_000)
    coach.locator(".kit-factors").first.get_by_text("being worked on").wait_for(timeout=20_000)
    # Every change is kept and shown.
    history = coach.locator(".kit-history").text_content()
    assert "merge of an entry by facilitator" in history and "undone" in history

    assert serious_axe_violations(coach) == []
    assert serious_axe_violations(ana) == []
    for page in (coach, *phones):
        clean(page)
        page.goto("about:blank")
        page.context.close()


def test_the_projector_counts_down_the_block_shows_how_to_join_and_what_comes_in(
    server, browser, programme
):
    owner, phone_codes = programme
    coach = open_person(browser, server, viewport={"width": 1280, "height": 900})
    coach.goto(server.page("05_circle_session.ipynb", f"resume={owner}"))
    link = coach.get_by_role("link", name="Open the projector view")
    link.wait_for(timeout=LOAD_TIMEOUT)
    wall = open_person(browser, server, viewport={"width": 1920, "height": 1080})
    wall.goto(server.page(link.get_attribute("href").split("/")[-1]))
    wall.locator(".kit-clock").wait_for(timeout=LOAD_TIMEOUT)
    assert "(not started)" in wall.locator(".kit-clock").text_content()
    wall.get_by_role("button", name="Next block →").click()
    ok(wall, "Now:")
    assert "Block 2 of" in wall.locator(".kit-agenda-block").text_content()

    def seconds() -> int:
        shown = wall.locator(".kit-clock").text_content().split()[0]
        minutes, secs = shown.split(":")
        return int(minutes) * 60 + int(secs)

    first = seconds()
    wall.wait_for_timeout(2500)
    assert 1 <= first - seconds() <= 4  # it counts down, a second at a time
    # A big join code and a QR code of the join link, drawn on the server (no other host).
    team = open_store(str(server.store)).team_sessions()[0]
    assert wall.locator(".kit-join-code").text_content() == team.code
    assert wall.locator(".kit-qr svg path").count() == 1
    assert (
        wall.locator(".kit-join-link")
        .text_content()
        .endswith(f"00_start_here.ipynb?session={team.code}")
    )
    # A phone's story appears on the wall, with nobody's name beside it.
    phone = open_person(browser, server, **PHONE)
    phone.goto(server.page("05_circle_session.ipynb", f"resume={phone_codes[0]}"))
    phone.get_by_placeholder("What happened, as the customer would tell it").fill(
        "Waited for a call back that never came", timeout=LOAD_TIMEOUT
    )
    phone.get_by_role("button", name="Add story").tap()
    ok(phone, "Added the story")
    listed = wall.locator(".kit-projector-list").first
    listed.get_by_text("Waited for a call back that never came").wait_for(timeout=LIVE)
    assert "Ana" not in listed.text_content()
    assert serious_axe_violations(wall) == []
    for page in (coach, wall, phone):
        clean(page)
        page.goto("about:blank")
        page.context.close()


def test_the_programme_view_shows_the_lists_trend_and_flags_overdue_actions_in_red(server, browser):
    import random

    from kit.demo import demo_circle

    store = open_store(str(server.store))
    owner = store.create_participant()
    demo_circle(store, owner.id, random.Random(4))  # six monthly sessions, lists that evolve
    store.close()
    page = open_person(browser, server, viewport={"width": 1280, "height": 900})
    page.goto(server.page("05_circle_session.ipynb", f"resume={owner.resume_code}"))
    view = page.locator(".kit-programme-view")
    view.wait_for(timeout=LOAD_TIMEOUT)
    trend = view.locator(".kit-trend").first
    assert "times raised per session" in trend.text_content()
    assert trend.locator("th", has_text="#6").count() == 1
    assert (
        trend.locator("td", has_text="rising").count()
        + trend.locator("td", has_text="falling").count()
        + trend.locator("td", has_text="steady").count()
        >= 1
    )
    late = view.locator(".kit-overdue").first
    assert late.text_content().startswith("overdue ")
    assert late.evaluate("e => getComputedStyle(e).color") == "rgb(185, 28, 28)"
    charts = view.locator("img")
    assert charts.count() == 2
    assert charts.first.get_attribute("alt") == "Unhappy stories per session, stacked by cause"
    assert serious_axe_violations(page) == []
    clean(page)
    page.goto("about:blank")
    page.context.close()
