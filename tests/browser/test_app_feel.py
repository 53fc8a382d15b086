"""Pages that behave like an app in Chromium: keyboard, messages, phones, axe, no notebook chrome."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import pytest

from kit.database import open_store
from kit.instruments.content import get_instrument
from tests.browser.test_focus_and_map import dropdown
from tests.browser.test_hidden_leader_app import (
    LOAD_TIMEOUT,
    WORKBOOK,
    open_workbook,
    progress_says,
)

pytestmark = pytest.mark.browser

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"  # axe-core, from the package
HL = get_instrument("hidden_leader")
PAGES = [
    "00_start_here.ipynb",
    "01_hidden_leader_traits.ipynb",
    "02_focus_and_attitude.ipynb",
    "03_customer_map.ipynb",
    "04_circle_planner.ipynb",
    "05_circle_session.ipynb",
    "06_openness_pulse.ipynb",
    "07_value_chain.ipynb",
    "circle_projector.ipynb",
]


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(
        "#rendered_cells .jupyter-widgets", state="visible", timeout=LOAD_TIMEOUT
    )


def serious_axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""
    )
    return list(found)


def gap(message, control) -> float:
    """How far a message is from the control that caused it (0 when they touch)."""
    m, c = message.bounding_box(), control.bounding_box()
    below = m["y"] - (c["y"] + c["height"])
    above = c["y"] - (m["y"] + m["height"])
    return max(below, above, 0)


@pytest.fixture
def team(server):
    return open_store(str(server.store)).create_session("Service desk", min_group=3)


@pytest.mark.parametrize("notebook", PAGES, ids=lambda n: n[:2])
def test_axe_finds_nothing_serious_and_no_jupyter_spinner_shows(page, server, notebook):
    open_page(page, server.page(notebook))
    assert page.locator(".spinner, .voila-spinner-color1, .jp-Spinner").count() == 0
    assert "Running " not in page.inner_text("body")
    assert page.locator("#loading").count() == 0  # the kit's loading state is gone too
    assert serious_axe_violations(page) == []
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.widget-label, button.widget-button')]
            .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.textContent)"""
    )
    assert cut == []  # no "Resume c…"
    # Small grey text reaches 7:1 against the white page.
    ratios = page.evaluate(
        """() => [...document.querySelectorAll('.kit-muted, .kit-card-kicker')].map(e => {
            const lum = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
            const [r, g, b] = getComputedStyle(e).color.match(/[0-9.]+/g).map(Number);
            const l = 0.2126 * lum(r) + 0.7152 * lum(g) + 0.0722 * lum(b);
            return 1.05 / (l + 0.05); })"""
    )
    assert all(r >= 7 for r in ratios), ratios


def test_axe_on_the_dashboard_and_a_join_link(page, server, team, browser):
    open_page(page, server.page("coach_dashboard.ipynb", f"key={team.coach_key}"))
    assert serious_axe_violations(page) == []
    phone = browser.new_context(viewport={"width": 360, "height": 780}).new_page()  # the coach's
    open_page(phone, server.page("coach_dashboard.ipynb", f"key={team.coach_key}"))
    phone.locator(".kit-join-link").wait_for()
    wide = phone.evaluate(
        """() => [...document.querySelectorAll('#rendered_cells *')]
            .filter(e => e.offsetParent && e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.className).slice(0, 5)"""
    )
    assert wide == []  # the join link wraps instead of running past the edge
    phone.goto("about:blank")  # leave, so its kernel goes
    phone.context.close()
    open_page(page, server.page("00_start_here.ipynb", f"session={team.code}"))
    assert serious_axe_violations(page) == []


def test_keyboard_only_finishes_01_and_lands_on_the_results(page, server):
    open_workbook(page, server.page(WORKBOOK))
    presses = []

    def press(key: str) -> None:
        page.keyboard.press(key)
        presses[-1] += 1

    def focused() -> dict:
        return page.evaluate(
            """() => { const e = document.activeElement;
                const group = e && e.closest && e.closest('[role=radiogroup]');
                return {tag: e ? e.tagName : '', type: e ? e.type || '' : '',
                        text: e ? (e.textContent || '').trim() : '',
                        group: group ? group.getAttribute('aria-labelledby') : null}; }"""
        )

    for index, trait in enumerate(HL.traits):
        presses.append(0)
        page.get_by_text(f"Trait {index + 1} of 5").wait_for()
        for item in trait.items:
            press("Tab")
            while focused()["type"] != "radio":  # the first page starts at the page's top
                press("Tab")
                assert presses[-1] < 30
            where = focused()
            ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
            assert ring == "3px"  # a focus ring one can see
            label = page.locator(f"#{where['group']}").inner_text().strip()
            assert label == item.text  # the group is named by its statement
            press("ArrowRight")  # "Now and then", then the next one along for each trait
            for _ in range(index % 3):
                press("ArrowRight")
        last = index == len(HL.traits) - 1
        target = "See my results" if last else "Next"
        while focused()["text"] != target:
            press("Tab")
            assert presses[-1] < 30
        press("Enter")
    progress_says(page, "20 of 20 answered")
    assert max(presses) < 30, presses
    heading = page.locator(".kit-results-ready")
    heading.wait_for(timeout=20_000)
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.classList.contains('kit-results-ready')"
    )
    page.wait_for_timeout(800)  # the smooth scroll
    box = heading.bounding_box()
    assert -2 <= box["y"] < page.viewport_size["height"] / 2  # in view, near the top
    answers = open_store(str(server.store)).answers(
        open_store(str(server.store))
        .participant_by_code(page.locator("[data-testid=resume-code]").first.inner_text().strip())
        .id,
        "hidden_leader",
    )
    assert answers["enthusiasm.1"] == "2" and answers["skill_and_communication.1"] == "3"
    assert serious_axe_violations(page) == []  # the results, cards and chart included


def test_the_scale_is_one_row_on_a_desk_and_one_column_on_a_phone(browser, server):
    for width, columns in ((1280, 5), (360, 1)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        open_workbook(page, server.page(WORKBOOK))
        labels = page.locator(".kit-item").first.locator(".widget-radio-box label")
        xs = {round(labels.nth(n).bounding_box()["x"]) for n in range(5)}
        ys = {round(labels.nth(n).bounding_box()["y"]) for n in range(5)}
        assert len(xs) == columns and len(ys) == 6 - columns  # never 2-1-2
        body = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('.kit-item-text')).fontSize)"
        )
        assert body >= 16
        wide = page.evaluate(
            """() => [...document.querySelectorAll('#rendered_cells *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map(e => e.className).slice(0, 5)"""
        )
        assert wide == []  # nothing runs past the screen's edge
        context.close()


def test_messages_show_beside_the_control_used(page, server):
    open_page(page, server.page("03_customer_map.ipynb"))
    for name, kind in (("Desk", "own team"), ("Pay", "external customer")):
        page.get_by_placeholder("Name, e.g. Billing").fill(name)
        dropdown(page, "Kind").select_option(kind)
        page.get_by_role("button", name="Add element").click()
        page.locator(".kit-ok", has_text=f"Added '{name}'").wait_for(timeout=20_000)
    add_link = page.get_by_role("button", name="Add link")
    for _ in range(2):  # the second is the same link again: refused
        dropdown(page, "From").select_option("Desk")
        dropdown(page, "To").select_option("Pay")
        add_link.click()
    refused = page.locator(".kit-error", has_text="already")
    refused.wait_for(timeout=20_000)
    assert gap(refused, add_link) < 200
    assert page.locator(".kit-ok", has_text="Added 'Pay'").count() == 0  # old news cleared

    open_page(page, server.page("04_circle_planner.ipynb"))
    zone = page.locator(".kit-time-zone input")
    zone.fill("Mars/Olympus")
    zone.press("Enter")
    bad = page.locator(".kit-error", has_text="not a time zone")
    bad.wait_for(timeout=20_000)
    assert gap(bad, zone) < 200


def test_enter_in_a_one_line_box_presses_its_button(page, server, team):
    open_page(page, server.page("00_start_here.ipynb"))
    box = page.get_by_placeholder("e.g. K7R-M3X")
    box.fill(team.code)
    box.press("Enter")
    page.locator(".kit-ok", has_text="You have joined").wait_for(timeout=20_000)


def test_links_stand_out_from_the_text_around_them(page, server):
    open_page(page, server.page("00_start_here.ipynb"))
    styles = page.evaluate(
        """() => [...document.querySelectorAll('#rendered_cells a[href]')].map(a => {
            const s = getComputedStyle(a), p = getComputedStyle(a.parentElement);
            return [s.textDecorationLine, s.color, p.color]; })"""
    )
    assert styles
    for decoration, color, around in styles:
        assert "underline" in decoration or color != around


def test_a_button_whose_work_takes_a_while_says_it_is_running(page, server):
    open_workbook(page, server.page(WORKBOOK))
    page.locator(".kit-item").first.locator(".widget-radio-box label").nth(3).click()
    page.locator("[data-testid=resume-code]").first.wait_for(timeout=20_000)
    button = page.get_by_role("button", name="Download report")
    button.click()
    page.locator(".widget-button.kit-busy[aria-busy=true]", has_text="Download report").wait_for(
        timeout=10_000
    )
    page.get_by_text("Save the report (HTML)").wait_for(timeout=90_000)
    page.wait_for_function(
        "() => !document.querySelector('.widget-button.kit-busy')", timeout=10_000
    )


# Bytes sent over the network, against the size of what they carried.
SENT = """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
  .reduce(([sent, size], r) => [sent + r.transferSize, size + r.decodedBodySize], [0, 0])"""
# Scripts the browser takes from its own cache send nothing over the network.
FETCHED_SCRIPTS = """() => performance.getEntriesByType('resource')
  .filter(r => /\\/voila\\/static\\/.*\\.js/.test(r.name) && r.transferSize > 0)
  .map(r => r.name.split('/voila/')[1])"""


def test_pages_come_compressed_and_the_next_takes_its_scripts_from_the_cache(page, server):
    # A phone on a room's Wi-Fi: the first page brings Voilà's scripts (some
    # 90 files, 5 MB as they are) gzipped; the next page the person opens
    # asks the server for none of Voilà's own 70 again, not even "has it
    # changed?" (the widget extensions' files are still checked: kit.server_static).
    open_page(page, server.page("00_start_here.ipynb"))
    page.wait_for_load_state("load")
    sent, size = page.evaluate(SENT)
    assert size > 3_000_000 and sent < 0.4 * size
    assert len(page.evaluate(FETCHED_SCRIPTS)) > 50
    page.get_by_role("link", name="workbook 1").click()
    page.wait_for_selector(".kit-questionnaire", state="visible", timeout=LOAD_TIMEOUT)
    assert page.evaluate(FETCHED_SCRIPTS) == []
    assert "Could not open static file" not in server.log.read_text()
