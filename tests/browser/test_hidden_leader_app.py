"""A manager in Chromium against a real `kit serve`: answer, see results, leave, come back."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from kit.instruments.content import get_instrument

pytestmark = pytest.mark.browser
HL = get_instrument("hidden_leader")
WORKBOOK = "01_hidden_leader_traits.ipynb"
LOAD_TIMEOUT = 90_000


def open_workbook(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)


def stored_answers(store: Path, code: str) -> dict[str, str]:
    db = sqlite3.connect(store)
    rows = db.execute(
        "SELECT item, value FROM answers JOIN participants p ON p.id = participant_id"
        " WHERE p.resume_code = ?",
        (code,),
    ).fetchall()
    return dict(rows)


def wait_for(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def choose(page, item_text: str, label: str) -> None:
    page.locator(".kit-item", has_text=item_text).locator("label", has_text=label).click()


def tap_every_statement(page, value_for) -> None:
    for index, trait in enumerate(HL.traits):
        page.get_by_text(f"Trait {index + 1} of 5").wait_for()
        for item in trait.items:
            choose(page, item.text, HL.scale.label(value_for(index)))
        if index < len(HL.traits) - 1:
            page.get_by_role("button", name="Next").click()


def progress_says(page, text: str) -> None:
    page.locator(".kit-progress", has_text=text).wait_for(timeout=20_000)


def resume_code(page) -> str:
    return page.locator("[data-testid=resume-code]").first.inner_text(timeout=20_000).strip()


def test_complete_see_results_leave_and_come_back(page, server, browser):
    open_workbook(page, server.page(WORKBOOK))
    tap_every_statement(page, lambda trait_index: [2, 5, 4, 1, 3][trait_index])
    progress_says(page, "20 of 20 answered")
    page.get_by_role("button", name="See my results").click()
    page.get_by_text("All statements answered").wait_for(timeout=20_000)
    results = page.locator(".kit-cards")
    assert "Your strongest trait" in results.text_content()
    assert (
        "Technical skill balanced with communication"
        in results.locator(".kit-card").first.inner_text()
    )
    grow = results.locator(".kit-card").nth(1).inner_text()
    assert "An owner's mind-set" in grow and HL.trait("ownership").tips[0] in grow
    chart = page.locator(".kit-chart")
    chart.wait_for(state="visible")
    assert chart.bounding_box()["height"] > 100

    code = resume_code(page)
    expected = {
        item.id: str([2, 5, 4, 1, 3][i]) for i, t in enumerate(HL.traits) for item in t.items
    }
    wait_for(lambda: stored_answers(server.store, code) == expected)
    page.close()

    # Later, another browser window: the code brings every answer back.
    context = browser.new_context()
    again = context.new_page()
    open_workbook(again, server.page(WORKBOOK, f"resume={code}"))
    progress_says(again, "20 of 20 answered")
    for index, trait in enumerate(HL.traits):
        for item in trait.items:
            box = again.locator(".kit-item", has_text=item.text)
            checked = box.locator("input:checked").evaluate("e => e.parentElement.textContent")
            assert checked.strip() == HL.scale.label(int(expected[item.id]))
        if index < 4:
            again.get_by_role("button", name="Next").click()
    assert "Your strongest trait" in again.locator(".kit-cards").text_content()
    context.close()


def test_choices_work_from_the_keyboard(page, server):
    open_workbook(page, server.page(WORKBOOK))
    first = HL.items[0]
    box = page.locator(".kit-item", has_text=first.text)
    box.locator("input").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert box.locator("input:checked").evaluate("e => e.parentElement.textContent").strip() == (
        "About half the time"
    )
    code = resume_code(page)
    wait_for(lambda: stored_answers(server.store, code) == {first.id: "3"})


def test_unanswered_items_are_marked_when_finishing(page, server):
    open_workbook(page, server.page(WORKBOOK))
    choose(page, HL.items[0].text, "Almost always")
    page.get_by_role("button", name="See my results").click()
    page.get_by_text("19 statements still need an answer").wait_for(timeout=20_000)
    missing = page.locator(".kit-item.kit-missing:visible")
    assert missing.count() == 3
    assert "Not answered yet" in missing.first.inner_text()


def test_hostile_text_shows_as_text_and_runs_nothing(page, server, tmp_path):
    open_workbook(page, server.page(WORKBOOK))
    tap_every_statement(page, lambda i: 4 if i == 0 else 3)  # one strongest trait
    script, image = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
    page.locator("textarea").first.fill(script)
    page.get_by_placeholder("Commitment 1: pick or write").fill(image)
    page.get_by_placeholder("Commitment 2: pick or write").click()  # leave the box
    code = resume_code(page)
    wait_for(lambda: stored_answers(server.store, code).get("commitment.1") == image)

    open_workbook(page, server.page(WORKBOOK, f"resume={code}"))
    assert page.locator("textarea").first.input_value() == script
    assert page.get_by_placeholder("Commitment 1: pick or write").input_value() == image
    assert page.locator("img[src='x']").count() == 0

    page.get_by_role("button", name="Download report").click()
    link = page.get_by_text("Save the report (HTML)")
    link.wait_for(timeout=90_000)
    with page.expect_download() as caught:
        link.click()
    report = Path(caught.value.path()).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "&lt;img src=x onerror=alert(1)&gt;" in report
    viewer = page.context.new_page()
    viewer.on("dialog", lambda d: page.watch.dialogs.append(d.message))
    viewer.set_content(report)
    assert script in viewer.inner_text("body") and image in viewer.inner_text("body")
    assert viewer.locator("img[src='x']").count() == 0
    assert "Your strongest trait" in viewer.text_content("body")
    assert "HiddenLeaderApp" not in report


def test_download_my_answers_gives_a_file_the_start_page_restores(page, server):
    open_workbook(page, server.page(WORKBOOK))
    tap_every_statement(page, lambda i: 4)
    # The file is made when asked for (saving an answer never builds it).
    page.get_by_role("button", name="Download my answers").click()
    link = page.locator("a.kit-download", has_text="Save my answers (JSON)")
    link.wait_for(timeout=20_000)
    assert len(json.loads(_decoded(link.get_attribute("href")))["rows"]) == 20
    with page.expect_download() as caught:
        link.click()
    path = caught.value.path()
    document = json.loads(Path(path).read_text())
    code = resume_code(page)
    assert len(document["rows"]) == 20 and code in document["resume_codes"].values()

    page.goto(server.page("00_start_here.ipynb"))
    upload = page.get_by_role("button", name="Upload file")
    upload.wait_for(timeout=LOAD_TIMEOUT)
    with page.expect_file_chooser() as chooser:
        upload.click()
    chooser.value.set_files(path)
    # The same server still has them: the page says so rather than "restored 0".
    page.get_by_text(
        f"already on this server (nothing in the file is newer). Your resume code is {code}"
    ).wait_for(timeout=20_000)
    page.get_by_text("Continue to the hidden-leader self-assessment").click()
    page.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    progress_says(page, "20 of 20 answered")
    assert resume_code(page) == code


def _decoded(href: str | None) -> str:
    import base64

    if not href or "," not in href:
        return ""
    return base64.b64decode(href.split(",", 1)[1]).decode()


def test_start_page_code_entry_leads_into_the_workbook(page, server):
    open_workbook(page, server.page(WORKBOOK))
    choose(page, HL.items[1].text, "Now and then")
    code = resume_code(page)
    page.goto(server.page("00_start_here.ipynb"))
    field = page.get_by_placeholder("e.g. K7QM-3XTA-9PWD-H4RN")
    field.wait_for(timeout=LOAD_TIMEOUT)
    field.fill("wrong-code")
    page.get_by_role("button", name="Find my answers").click()
    page.get_by_text("No answers were found for 'wrong-code'").wait_for(timeout=20_000)
    field.fill(code.lower())
    page.get_by_role("button", name="Find my answers").click()
    page.get_by_text("Continue to the hidden-leader self-assessment").click()
    page.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    assert f"resume={code}" in page.url
    progress_says(page, "1 of 20 answered")


def test_wrong_resume_code_is_a_plain_message(page, server):
    open_workbook(page, server.page(WORKBOOK, "resume=NOPE-NOPE-NOPE"))
    message = page.get_by_text("No answers were found for the resume code 'NOPE-NOPE-NOPE'")
    message.wait_for(timeout=20_000)
    body = page.inner_text("body")
    assert "Traceback" not in body and "Error" not in body
