"""Workbook 05 in Chromium against a real `kit serve`: run a session, find the action in the next."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar

from tests.browser.test_focus_and_map import dropdown
from tests.browser.test_hidden_leader_app import LOAD_TIMEOUT, resume_code

pytestmark = pytest.mark.browser


def ok(page, text: str) -> None:
    page.locator(".kit-ok", has_text=text).last.wait_for(timeout=20_000)


def test_plan_take_the_ics_run_a_session_and_find_its_action_open_in_the_next(
    page, server, browser
):
    # Plan the circle (workbook 4), which gives the resume code.
    page.goto(server.page("04_circle_planner.ipynb"))
    page.wait_for_selector(".kit-cadence", state="visible", timeout=LOAD_TIMEOUT)
    page.get_by_placeholder("Name").fill("Ana")
    page.get_by_role("button", name="Add member").click()
    ok(page, "Added Ana.")
    with page.expect_download(timeout=30_000) as download:
        page.get_by_text("Calendar file (.ics)").click()
    (event,) = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
    assert "FREQ=MONTHLY" in event["RRULE"].to_ical().decode()
    code = resume_code(page)

    page.goto(server.page("05_circle_session.ipynb", f"resume={code}"))
    page.get_by_role("button", name="Start session 1").click(timeout=LOAD_TIMEOUT)
    ok(page, "Session 1 has started")
    text = page.get_by_placeholder("What happened, as the customer would tell it")
    text.fill("The engineer came without the part")
    page.get_by_placeholder("Who brought it").fill("Ana")
    dropdown(page, "Cause").select_option("omission")
    dropdown(page, "Where").select_option("support")
    page.get_by_placeholder("What would have prevented it").fill("Check the kit list")
    page.get_by_role("button", name="Add story").click()
    ok(page, "Added the story of an unhappy customer.")
    dropdown(page, "Story of a").select_option(label="happy customer")
    text.fill("Fixed before the shop opened <script>alert(1)</script>")
    page.get_by_role("button", name="Add story").click()
    ok(page, "Added the story of a happy customer.")
    assert "<script>alert(1)</script>" in page.locator(".kit-stories").last.text_content()

    dropdown(page, "From story").select_option(label="The engineer came without the part")
    page.get_by_placeholder("e.g. Never ask a customer twice").fill("Never arrive without the part")
    page.get_by_role("button", name="Add to the list").click()
    ok(page, "Added to the Do-Not-Annoy list.")
    assert "raised in session 1 · 1 story" in page.locator(".kit-factors").first.text_content()

    page.get_by_placeholder("An idea the team could carry out").fill("Photo of the lift plate")
    page.get_by_role("button", name="Add idea").click()
    ok(page, "Idea added.")
    page.get_by_placeholder("A member without a phone").fill("Bo")
    page.get_by_role("button", name="Vote", exact=True).click()
    ok(page, "Vote counted: 2 votes left for Bo.")
    page.get_by_placeholder("One owner").fill("Bo")
    page.get_by_role("textbox", name="Due", exact=True).fill("2027-02-01")
    page.get_by_role("button", name="Make it an action").click()
    ok(page, "The idea is now an action")
    page.close()

    nxt = browser.new_context().new_page()
    nxt.goto(server.page("05_circle_session.ipynb", f"resume={code}"))
    nxt.get_by_role("button", name="Start session 2").click(timeout=LOAD_TIMEOUT)
    # Session 1 was held today, so the page asks for a second press.
    nxt.locator(".kit-warn", has_text="was started today already").wait_for(timeout=20_000)
    nxt.get_by_role("button", name="Start session 2").click()
    ok(nxt, "Session 2 has started")
    open_actions = nxt.locator(".kit-open-actions")
    assert "Photo of the lift plate · owner Bo · due 2027-02-01 · opened in session 1" in (
        open_actions.text_content()
    )
    nxt.context.close()
