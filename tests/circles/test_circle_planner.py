"""Workbook 04, the circle planner, built headless: members, cadence, agenda, files."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from icalendar import Calendar

from kit.circles.pages.planner import CirclePlannerApp
from kit.database import open_store
from kit.ui.live import after_this_cell


def open_app(db, resume=""):
    app = CirclePlannerApp.open(resume=resume, store=db)
    sections = [app.intro(), app.members(), app.cadence(), app.agenda(), app.downloads()]
    return app, sections


def add(app, name, group):
    app.m_name.value, app.m_group.value = name, group
    app.m_add.click()


def test_members_are_saved_and_the_mix_says_what_is_missing(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    for n in range(5):
        add(app, f"Front {n}", "front line")
    assert "Nobody from a support function" in app.mix.value
    add(app, "Ida", "IT")
    assert "The mix fits the method" in app.mix.value
    add(app, "ida", "HR")
    assert "Ida is already a member" in app.notice_at("members").value
    ((circle, version),) = open_store(db).circles(app.participant.id)
    assert [m.name for m in circle.members][-1] == "Ida" and version == 6
    app.m_list.value = 0
    app.m_remove.click()
    assert len(open_store(db).circles(app.participant.id)[0][0].members) == 5


def test_cadence_preview_and_a_bad_time_is_refused_without_losing_the_plan(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    app.first.value = date(2027, 1, 1)
    app.every.value = 2
    app.ordinal.value = -1
    app.weekday.value = 3
    assert "every two months on the last Thursday" in app.preview.value
    assert (
        "Thursday 28 January 2027" in app.preview.value
        and "Thursday 25 March 2027" in app.preview.value
    )
    app.start.value = "half past nine"
    assert "not a time of day" in app.notice_at("cadence").value
    stored = open_store(db).circles(app.participant.id)[0][0]
    assert stored.cadence.start == "09:30" and stored.cadence.ordinal == -1


def test_agenda_minutes_edit_and_fit_the_meeting(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    app.minutes.value = 60
    assert "takes 90 of the meeting's 60 minutes" in app.agenda_total.value
    app.fit.click()
    assert "takes 60 of the meeting's 60 minutes" in app.agenda_total.value
    # The boxes show the fitted minutes at once, not the ones from before.
    assert sum(box.value for box in app.block_minutes) == 60
    assert "Calendar file (.ics)" in app.files.value
    app.block_minutes[0].value = 12
    stored = open_store(db).circles(app.participant.id)[0][0]
    assert stored.agenda[0].minutes == 12 and sum(b.minutes for b in stored.agenda) != 60
    # The files wait until the agenda fits the meeting again.
    assert "Calendar file (.ics)" not in app.files.value and "Fit to the meeting" in app.files.value


def test_the_files_offered_are_a_calendar_an_agenda_page_and_markdown(tmp_path):
    import base64
    import re

    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    app.title.value = "Desk, <script>alert(1)</script>"
    links = dict(
        re.findall(r"download='([^']+)' href='data:[^;]+;base64,([^']+)'", app.files.value)
    )
    ics = base64.b64decode(links["customer-circle.ics"])
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Desk, <script>alert(1)</script>"
    page = next(base64.b64decode(v).decode() for k, v in links.items() if k.endswith(".html"))
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    markdown = next(base64.b64decode(v).decode() for k, v in links.items() if k.endswith(".md"))
    assert markdown.startswith("# Desk, &lt;script&gt;alert(1)&lt;/script&gt;")
    # A time zone reads as typed, not "\\(Etc/UTC\\)".
    assert "09:30–11:00 (Etc/UTC)." in markdown and "\\(" not in markdown


def test_reopening_with_the_code_finds_the_plan(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    add(app, "Ana", "front line")
    again, _ = open_app(db, resume=app.participant.resume_code)
    assert again.circle == app.circle and again.m_list.options[0][0] == "Ana · front line"


def test_agenda_block_titles_can_be_reworded(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    app.block_titles[3].value = "What we never do to a customer"
    stored = open_store(db).circles(app.participant.id)[0][0]
    assert stored.agenda[3].title == "What we never do to a customer"
    app.block_titles[3].value = "   "
    assert "Give the block a title" in app.notice_at("agenda").value


def test_preview_shows_meetings_still_to_come_and_warns_about_fifth_weekdays(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    app.first.value = date(2020, 1, 1)  # a plan made long ago
    assert str(date.today().year) in app.preview.value
    assert "2020" not in app.preview.value
    app.ordinal.value = 5
    assert "some calendar apps (Outlook among them) read" in app.preview.value
    app.zone.value = "Europe"  # a folder of zones, not a zone
    assert "&#x27;Europe&#x27; is not a time zone" in app.notice_at("cadence").value


def in_own_loop(coroutine_function):
    """Run a coroutine on a new event loop in its own thread, as a kernel runs a cell.

    Not in this thread: the browser tests' Playwright keeps a loop running here.
    """
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_function()).result()


def test_in_a_kernel_the_files_come_just_after_the_page_is_built(tmp_path):
    # A kernel runs cells on an event loop: the calendar file is built just after
    # the cells, so the page's first widgets do not wait for it.
    db = str(tmp_path / "kit.sqlite3")

    async def page():
        app, _ = open_app(db)
        during = app.files.value
        await asyncio.sleep(0)
        return during, app.files.value

    during, after = in_own_loop(page)
    assert "Preparing the files" in during and "Calendar file (.ics)" not in during
    assert "Calendar file (.ics)" in after


def test_a_failure_in_put_off_work_is_said_and_the_loop_goes_on(caplog):
    done, shown = [], []

    def broken():
        raise RuntimeError("no calendar")

    async def page():
        assert after_this_cell(broken, shown.append, "The files") is True
        assert after_this_cell(lambda: done.append(1), shown.append) is True
        await asyncio.sleep(0)

    in_own_loop(page)
    assert done == [1] and "put off" in caplog.text
    assert shown == [
        "<div class='kit-error' role='alert'>The files could not be made (RuntimeError: "
        "no calendar). Your answers are saved: reload the page to try again.</div>"
    ]
    with ThreadPoolExecutor(1) as pool:  # a thread with no event loop: at once
        assert pool.submit(after_this_cell, lambda: done.append(2), shown.append).result() is False
    assert done == [1, 2]


def test_without_icalendar_the_files_say_so_instead_of_preparing_for_ever(tmp_path, monkeypatch):
    # Binder once installed the kit without icalendar: "Preparing the files…"
    # stayed on the page for ever, with the error seen by nobody.
    import sys

    db = str(tmp_path / "kit.sqlite3")
    monkeypatch.setitem(sys.modules, "icalendar", None)  # import icalendar now fails

    async def page():
        app, _ = open_app(db)
        await asyncio.sleep(0)
        return app.files.value

    shown = in_own_loop(page)
    assert "Preparing the files" not in shown
    assert "The calendar and agenda files could not be made" in shown
    assert "not installed: import of icalendar halted" in shown
    assert "Your answers are saved" in shown
