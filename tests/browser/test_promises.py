"""The promises the pages make, kept in Chromium against a real `kit serve`.

Nothing typed is lost when the tab closes; one person stays one person on
every link and on a second visit; two windows of one person agree; after the
reveal no participant page holds a spread or a distribution; a file too large
gets a plain message. (What a visitor might do on purpose is in test_abuse.)
"""

from __future__ import annotations

import re
import time

import pytest

from kit.database import open_store
from kit.instruments.content import get_instrument
from tests.browser.test_hidden_leader_app import LOAD_TIMEOUT
from tests.browser.test_team_session import LIVE, PHONE, clean, open_person

pytestmark = pytest.mark.browser
PULSE = get_instrument("openness_pulse")
HL = get_instrument("hidden_leader")


def code_on(page) -> str:
    banner = page.get_by_test_id("resume-code")
    banner.wait_for(timeout=20_000)
    return banner.inner_text()


def first_rating(page, label: str = "Almost never") -> None:
    page.locator(".kit-item").first.locator("label", has_text=label).click()


def first_answer(browser, server, workbook: str):
    """A new device opens ``workbook``, rates the first statement; return (page, resume code)."""
    page = open_person(browser, server)
    page.goto(server.page(workbook))
    page.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    first_rating(page)
    return page, code_on(page)


def test_text_typed_in_the_pulse_and_the_tab_closed_at_once_is_saved(browser, server):
    page, code = first_answer(browser, server, "06_openness_pulse.ipynb")
    box = page.locator("textarea").first
    # No pause between keys: ipywidgets sends a box's changes one at a time, so
    # the last ones are still in the browser when the tab closes.
    box.press_sequentially("Ask before deciding for us", delay=0)
    started = time.monotonic()
    page.close(run_before_unload=True)  # within a moment of the last key
    assert time.monotonic() - started < 1.0
    store = open_store(str(server.store))
    person = store.participant_by_code(code)
    deadline = time.monotonic() + 15
    wanted = "Ask before deciding for us"
    while time.monotonic() < deadline:
        if store.answers(person.id, "openness_pulse").get("reflection.safer") == wanted:
            break
        time.sleep(0.3)
    assert store.answers(person.id, "openness_pulse")["reflection.safer"] == (
        "Ask before deciding for us"
    )
    again = open_person(browser, server)
    again.goto(server.page("06_openness_pulse.ipynb", f"resume={code}"))
    again.locator("textarea").first.wait_for(timeout=LOAD_TIMEOUT)
    assert again.locator("textarea").first.input_value() == "Ask before deciding for us"
    again.context.close()


def test_a_box_says_saved_once_the_store_holds_the_text(browser, server):
    page, code = first_answer(browser, server, "01_hidden_leader_traits.ipynb")
    for _ in HL.traits:
        page.get_by_role("button", name=re.compile("Next|See my results")).last.click()
    box = page.locator("textarea").first
    box.wait_for(timeout=20_000)
    box.press_sequentially("Patients, not wards", delay=10)
    page.get_by_test_id("saved").first.wait_for(timeout=10_000)
    store = open_store(str(server.store))
    answers = store.answers(store.participant_by_code(code).id, "hidden_leader")
    assert "Patients, not wards" in answers.values()
    page.context.close()


def test_one_person_stays_one_person_on_every_link_and_on_a_second_visit(browser, server):
    store = open_store(str(server.store))
    team = store.create_session("Promises", min_group=3)
    join_link = server.page("00_start_here.ipynb", f"session={team.code}")
    phone = open_person(browser, server, **PHONE)
    phone.goto(join_link)
    phone.get_by_role("button", name="Join").wait_for(timeout=LOAD_TIMEOUT)
    phone.get_by_role("button", name="Join").tap()
    phone.locator(".kit-ok", has_text="You have joined Promises").wait_for(timeout=20_000)
    # The team's workbooks, listed once the person has joined, carry their code:
    # tapping one stays in the session (a join link shows no list meant for coaches).
    assert phone.locator("table a", has_text="Coach dashboard").count() == 0
    table_link = phone.locator(".kit-ok a", has_text="Openness pulse")
    table_link.wait_for()
    assert "resume=" in table_link.get_attribute("href")
    table_link.tap()
    phone.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    phone.get_by_test_id("team-banner").wait_for(timeout=20_000)
    first_rating(phone)
    phone.get_by_test_id("resume-code").wait_for(timeout=20_000)
    # Every link on this page keeps the person too.
    hrefs = phone.eval_on_selector_all(
        "#rendered_cells a[href$='.ipynb'], #rendered_cells a[href*='.ipynb?']",
        "els => els.map(e => e.getAttribute('href'))",
    )
    assert hrefs and all("resume=" in h for h in hrefs), hrefs
    # Opening the join link again on this device resumes the same person.
    phone.goto(join_link)
    phone.locator(".kit-ok", has_text="Welcome back").wait_for(timeout=LOAD_TIMEOUT)
    assert phone.get_by_role("button", name="Join").count() == 0
    assert store.member_count(team.code) == 1
    # The coach's dashboard counts one person, whose pulse answer reached the session.
    coach = open_person(browser, server)
    coach.goto(server.page("coach_dashboard.ipynb", f"key={team.coach_key}"))
    picture = coach.get_by_test_id("team-picture")
    picture.wait_for(timeout=LOAD_TIMEOUT)
    assert "1 person has joined" in picture.inner_text()
    row = picture.locator("tr", has_text="Openness pulse").first
    assert row.locator("td").nth(1).inner_text().strip() == "1"
    clean(phone)
    phone.context.close()
    coach.context.close()


def test_a_change_in_one_window_shows_in_the_other(browser, server):
    first = open_person(browser, server)
    first.goto(server.page("01_hidden_leader_traits.ipynb"))
    first.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    first_rating(first, "Almost always")
    code = code_on(first)
    second = first.context.new_page()
    second.goto(server.page("01_hidden_leader_traits.ipynb", f"resume={code}"))
    second.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    first_rating(second, "Almost never")
    first.locator(".kit-note", has_text="changed in another window").wait_for(timeout=LIVE)
    checked = first.locator(".kit-item").first.locator("input:checked")
    assert checked.evaluate("e => e.closest('label').textContent.trim()") == "Almost never"
    first.context.close()


def test_after_the_reveal_no_participant_page_shows_a_spread_or_a_distribution(browser, server):
    store = open_store(str(server.store))
    team = store.create_session("Reveal", min_group=3)
    for n in range(12):
        person = store.create_participant(session=team.code)
        for inst in ("hidden_leader", "focus_attitude", "openness_pulse"):
            for item in get_instrument(inst).items:
                store.save_answer(person.id, inst, item.id, str(1 + (n * 7 + len(item.id)) % 5))
    store.update_session(team.code, revealed=True)
    page = open_person(browser, server)
    for workbook in ("01_hidden_leader_traits", "02_focus_and_attitude", "06_openness_pulse"):
        page.goto(server.page(f"{workbook}.ipynb", f"resume={person.resume_code}"))
        page.get_by_test_id("team-results").wait_for(timeout=LOAD_TIMEOUT)
        text = page.locator("#rendered_cells").inner_text()
        assert "±" not in text and "spread" not in text.lower()
        assert page.locator(".kit-whisker, .kit-block-count, .kit-texts").count() == 0
    page.context.close()


def test_a_file_too_large_gets_a_plain_message_and_the_page_carries_on(browser, server, tmp_path):
    big = tmp_path / "huge.json"
    big.write_bytes(b" " * (50 * 1024 * 1024))
    page = open_person(browser, server)
    page.goto(server.page("00_start_here.ipynb"))
    button = page.locator(".widget-upload", has_text="Upload file")
    button.wait_for(timeout=LOAD_TIMEOUT)
    with page.expect_file_chooser() as chosen:
        button.click()
    chosen.value.set_files(str(big))
    note = page.locator(".kit-upload-too-big")
    note.wait_for(timeout=10_000)
    assert (
        "huge.json is 50.0 MB" in note.inner_text() and "Nothing was uploaded" in note.inner_text()
    )
    # The page is still connected: a code typed now is still looked up.
    box = page.get_by_placeholder("e.g. K7QM-3XTA-9PWD-H4RN")
    box.fill("AAAA-AAAA-AAAA-AAAA")
    box.press("Enter")
    page.locator(".kit-error", has_text="No answers were found").wait_for(timeout=20_000)
    page.context.close()
