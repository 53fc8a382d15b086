"""Workbook 07 in Chromium against a real `kit serve`: two managers, their coach, a cascade's calendar."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kit.database import open_store
from tests.browser.conftest import watched_page
from tests.browser.test_hidden_leader_app import LOAD_TIMEOUT, resume_code, wait_for

pytestmark = pytest.mark.browser
XSS = "<img src=x onerror=alert(1)>"
LIVE = 30_000  # the dashboard redraws every few seconds; allow for a busy machine


def open_check(page, server, resume: str = "") -> None:
    page.goto(server.page("07_value_chain.ipynb", f"resume={resume}" if resume else ""))
    page.get_by_placeholder("How many in all").wait_for(timeout=LOAD_TIMEOUT)


def typed(page, placeholder: str, text: str, nth: int = 0) -> None:
    """Type into a box and leave it with Enter, as a person does: that saves it."""
    box = page.get_by_placeholder(placeholder).nth(nth)
    box.fill(text)
    box.press("Enter") if box.evaluate("b => b.tagName") == "INPUT" else box.blur()


def stored_check(store: Path, code: str) -> dict:
    row = (
        sqlite3.connect(store)
        .execute(
            "SELECT body FROM value_chain_checks v JOIN participants p ON p.id = v.participant_id"
            " WHERE p.resume_code = ?",
            (code,),
        )
        .fetchone()
    )
    return json.loads(row[0]) if row else {}


def used_in_work(page, nth: int):
    return (
        page.locator(".widget-dropdown", has=page.locator("label", has_text="Used in the work"))
        .nth(nth)
        .locator("select")
    )


def test_two_managers_answer_and_the_coach_sees_their_combined_picture(browser, server):
    store = open_store(str(server.store))
    team = store.create_session("Leadership team", anonymous=False, min_group=3)
    ana = store.create_participant(session=team.code, display_name="Ana")
    ben = store.create_participant(session=team.code, display_name="Ben")
    store.close()

    pages = [watched_page(browser, server.url) for _ in range(3)]
    first, second, coach = (next(p) for p in pages)
    try:
        # Ana: her managers' metrics carry no customer information at all.
        open_check(first, server, ana.resume_code)
        first.get_by_text("You are in a team session").wait_for()
        typed(first, "How many in all", "6")
        typed(first, "Of them, how many handled a complaint personally last month", "2")
        used_in_work(first, 1).select_option("No")
        wait_for(lambda: stored_check(server.store, ana.resume_code).get("roles"))
        first.locator(".kit-lead", has_text="Customer focus stops at Managers").wait_for(
            timeout=20_000
        )
        # A wrong number is refused beside the box, and the 6 stays saved.
        typed(first, "Of them, how many listened in on live customer calls last month", "lots")
        first.locator(".kit-error", has_text="is a whole number, such as 3").wait_for()
        assert stored_check(server.store, ana.resume_code)["leaders"]["seniors"] == 6

        # Ben: the front line uses no customer information.
        open_check(second, server, ben.resume_code)
        used_in_work(second, 3).select_option("No")
        second.locator(".kit-lead", has_text="Customer focus stops at Front line").wait_for(
            timeout=20_000
        )

        coach.goto(server.page("coach_dashboard.ipynb", f"key={team.coach_key}"))
        together = coach.locator(
            "h4", has_text="The value-chain check (workbook 7): the managers together"
        )
        together.wait_for(timeout=LOAD_TIMEOUT)
        picture = coach.get_by_test_id("team-picture")
        coach.get_by_role("cell", name="Ana", exact=True).wait_for(timeout=LIVE)
        text = picture.inner_text()
        assert "Managers: 1 of 2 managers" in text and "Front line: 1 of 2 managers" in text
        assert "2 people have saved a check" in text

        # The dashboard follows the store: Ben's change shows without a reload.
        typed(second, "Which of their metrics carry customer information?", "Visits on time", 3)
        used_in_work(second, 3).select_option("Yes, in the regular work")
        coach.locator("li", has_text="Reaches every level answered: 1 of 2 managers").wait_for(
            timeout=LIVE
        )
    finally:
        for page in (first, second, coach):
            page.goto("about:blank")
        for generator in pages:
            next(generator, None)


def test_a_manager_cascades_the_promise_to_three_levels_and_downloads_the_calendar(browser, server):
    pages = watched_page(browser, server.url)
    page = next(pages)
    try:
        open_check(page, server)
        typed(
            page,
            "Who pays for what the organisation does, in one sentence",
            "Building owners who pay for lifts that run " + XSS,
        )
        code = resume_code(page)
        typed(
            page,
            "What the organisation promises that customer, in one sentence",
            "Lifts that run, and a call back within the hour",
        )
        for n, (meaning, behaviour) in enumerate(
            [
                ("Decide with the running rate in front of us", "Read one complaint a week"),
                ("Plan visits around the building's day", "Call the site contact first"),
                ("Leave the lift running and the tenants told", "Tell the manager what was done"),
            ]
        ):
            typed(page, "What the promise means for this job", meaning, n)
            typed(page, "One thing people here do that shows it", behaviour, n)
        wait_for(lambda: len(stored_check(server.store, code).get("cascade", [])) == 3)
        picker = (
            page.locator(".widget-dropdown", has=page.locator("label", has_text="Choose"))
            .nth(3)
            .locator("select")
        )
        for n, (level, medium, day) in enumerate(
            (
                ("Executives", "Meeting", "2027-03-01"),
                ("Managers", "One-to-one", "2027-03-08"),
                ("Front line", "Visual management", "2027-03-15"),
            )
        ):
            page.get_by_placeholder("What the message says about the promise").fill(
                f"The promise for {level.lower()}"
            )
            page.get_by_role("checkbox", name=level, exact=True).check()
            page.locator(".widget-dropdown", has=page.locator("label", has_text="Medium")).locator(
                "select"
            ).select_option(medium)
            page.get_by_placeholder("YYYY-MM-DD").fill(day)
            page.get_by_role("button", name="Add message").click()
            # The new message is on the list and chosen; a new one starts from empty boxes.
            picker.locator("option", has_text=f"{n + 1}. The promise for").wait_for(
                state="attached", timeout=20_000
            )
            # The page shows the new message chosen: Add gives way to Delete.
            expect(page.get_by_role("button", name="Add message")).to_be_hidden(timeout=20_000)
            picker.select_option("(a new one)")
            page.get_by_role("button", name="Add message").wait_for(timeout=20_000)
            expect(page.get_by_role("checkbox", name=level, exact=True)).not_to_be_checked(
                timeout=20_000
            )
            expect(
                page.get_by_placeholder("What the message says about the promise")
            ).to_have_value("", timeout=20_000)
        wait_for(lambda: len(stored_check(server.store, code).get("messages", [])) == 3)
        # The plan reaches every level, each at its time; the picture has no stop there.
        lead = page.locator(".kit-lead").inner_text()
        assert "Executives" not in lead and "Managers" not in lead
        assert "Building owners who pay for lifts that run <img src=x onerror=alert(1)>" in (
            page.locator(".kit-chain-picture").inner_text()
        )
        link = page.locator("a.kit-download", has_text="Plan as a calendar (.ics)")
        link.wait_for(timeout=20_000)
        with page.expect_download() as caught:
            link.click()
        assert caught.value.suggested_filename == "value-promise-plan.ics"
        ics = Path(caught.value.path()).read_text()
        assert ics.count("BEGIN:VEVENT") == 3
        for day in ("20270301", "20270308", "20270315"):
            assert f"DTSTART;VALUE=DATE:{day}" in ics
        assert "SUMMARY:Value promise (One-to-one) to Managers: The promise for managers" in ics
    finally:
        page.goto("about:blank")
        next(pages, None)


def test_on_a_phone_the_check_fits_and_keeps_what_is_typed_without_leaving_a_box(browser, server):
    from tests.browser.test_team_session import PHONE, clean, fits_the_phone, open_person

    page = open_person(browser, server, **PHONE)
    try:
        open_check(page, server)
        page.locator(".kit-lead").first.wait_for(timeout=LOAD_TIMEOUT)  # the picture is drawn
        fits_the_phone(page)
        seniors = page.get_by_placeholder("How many in all")
        seniors.tap()
        seniors.press_sequentially("7")  # no Enter, the box never left
        page.locator(".kit-ok", has_text="Saved.").wait_for(timeout=20_000)
        code = resume_code(page)
        assert stored_check(server.store, code)["leaders"]["seniors"] == 7
        # Straight from one box to the next, then the tab closed within a moment
        # of the last key: each box keeps what was typed.
        page.get_by_placeholder("How are people recognised for customer results?").fill(
            "A customer award each quarter"
        )
        page.get_by_placeholder("Who pays for what the organisation does, in one sentence").fill(
            "Building owners"
        )
        page.wait_for_timeout(100)  # the keys reach the server; the pause has not come
        page.goto("about:blank")
        wait_for(lambda: stored_check(server.store, code).get("customer") == "Building owners")
        assert stored_check(server.store, code)["merit"] == "A customer award each quarter"
        clean(page)
    finally:
        page.goto("about:blank")
        page.context.close()
