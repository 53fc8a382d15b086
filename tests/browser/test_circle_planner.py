"""Workbook 04 in Chromium against a real `kit serve`: plan a circle and take the calendar file."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar

from tests.browser.test_focus_and_map import dropdown
from tests.browser.test_hidden_leader_app import LOAD_TIMEOUT, resume_code

pytestmark = pytest.mark.browser


def test_plan_a_circle_download_the_ics_and_find_the_plan_again(page, server, browser):
    page.goto(server.page("04_circle_planner.ipynb"))
    page.wait_for_selector(".kit-cadence", state="visible", timeout=LOAD_TIMEOUT)
    for name, group in [("Ana", "front line"), ("Bo", "front line"), ("Ida", "IT")]:
        page.get_by_placeholder("Name").fill(name)
        dropdown(page, "Role").select_option(group)
        page.get_by_role("button", name="Add member").click()
        page.locator(".kit-ok", has_text=f"Added {name}.").wait_for(timeout=20_000)
    assert "Only 3 members" in page.locator(".kit-mix").first.text_content()
    dropdown(page, "Meets").select_option(label="every two months")
    dropdown(page, "On the").select_option(label="last")
    dropdown(page, "Day").select_option(label="Thursday")
    page.locator(".kit-cadence", has_text="every two months on the last Thursday").wait_for(
        timeout=20_000
    )
    assert page.locator(".kit-dates li").count() == 6
    with page.expect_download(timeout=30_000) as download:
        page.get_by_text("Calendar file (.ics)").click()
    cal = Calendar.from_ical(Path(download.value.path()).read_bytes())
    (event,) = cal.walk("VEVENT")
    rule = event["RRULE"].to_ical().decode()
    assert "FREQ=MONTHLY" in rule and "INTERVAL=2" in rule and "BYDAY=-1TH" in rule
    code = resume_code(page)
    page.close()

    again = browser.new_context().new_page()
    again.goto(server.page("04_circle_planner.ipynb", f"resume={code}"))
    again.locator(".kit-cadence", has_text="every two months on the last Thursday").wait_for(
        timeout=LOAD_TIMEOUT
    )
    options = again.locator(".widget-select select").first.locator("option").all_text_contents()
    assert [o.replace("\xa0", " ") for o in options] == [
        "Ana · front line",
        "Bo · front line",
        "Ida · IT",
    ]
    again.context.close()


def test_every_button_shows_its_whole_label(page, server):
    # "Fit to the meeting's length" was cut to "Fit to the meeting's …".
    page.goto(server.page("04_circle_planner.ipynb"))
    page.wait_for_selector(".kit-cadence", state="visible", timeout=LOAD_TIMEOUT)
    cut = page.evaluate(
        """() => [...document.querySelectorAll('button.widget-button')]
            .filter(b => b.scrollWidth > b.clientWidth + 1).map(b => b.textContent)"""
    )
    labels = page.locator("button.widget-button").all_text_contents()
    assert "Fit to the meeting's length" in labels and cut == []


def agenda_boxes(page):
    return page.locator(".kit-agenda-block input[type=number]")


def visible_minutes(page) -> list[int]:
    return [int(v) for v in agenda_boxes(page).evaluate_all("els => els.map(e => e.value)")]


def test_after_fit_the_visible_minutes_sum_to_the_meeting(page, server):
    page.goto(server.page("04_circle_planner.ipynb"))
    page.wait_for_selector(".kit-cadence", state="visible", timeout=LOAD_TIMEOUT)
    meeting = page.locator(".kit-meeting-minutes input")
    before = sum(visible_minutes(page))
    assert int(meeting.input_value()) == before
    length = before - 15  # a shorter meeting: the agenda now runs over
    meeting.fill(str(length))
    meeting.press("Tab")
    page.locator(".kit-agenda-total.kit-warn").wait_for(timeout=20_000)
    first = agenda_boxes(page).first
    first.fill(str(int(first.input_value()) + 5))  # and one block is longer still
    first.press("Tab")
    page.locator(".kit-agenda-total", has_text=f"takes {before + 5} of").wait_for(timeout=20_000)
    fit = page.get_by_role("button", name="Fit to the meeting's length")
    fit.click()
    message = page.locator(".kit-ok", has_text="The agenda now fills the meeting exactly")
    message.wait_for(timeout=20_000)
    page.locator(".kit-agenda-total.kit-ok").wait_for(timeout=20_000)
    assert sum(visible_minutes(page)) == length
    # The message is beside the button pressed, not somewhere else on the page.
    gap = message.bounding_box()["y"] - (fit.bounding_box()["y"] + fit.bounding_box()["height"])
    assert -200 < gap < 200
