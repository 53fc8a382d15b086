"""Headless widget tests: build the workbook's UI, answer, click, and check what is stored and shown."""

import base64
import json
import re
from datetime import UTC, datetime

import ipywidgets as widgets

from kit.database import open_store
from kit.exchange import import_answers
from kit.instruments.pages.hidden_leader import HiddenLeaderApp
from kit.start.pages import StartPage

HL = "hidden_leader"


def build(db, resume=""):
    app = HiddenLeaderApp.open(resume=resume, store=db)
    sections = [app.intro(), app.questions(), app.results(), app.downloads()]
    return app, sections


def answer_everything(app, value_for=lambda trait_index: trait_index + 1):
    for index, trait in enumerate(app.instrument.traits):
        for item in trait.items:
            app.questionnaire.radio(item.id).value = value_for(index)


def test_first_answer_creates_a_participant_saves_and_shows_the_resume_code(db):
    app, _ = build(db)
    assert app.participant is None and app.banner.value == ""
    app.questionnaire.radio("enthusiasm.1").value = 4
    store = open_store(db)
    person = store.participant_by_code(app.participant.resume_code)
    assert store.answers(person.id, HL) == {"enthusiasm.1": "4"}
    assert person.resume_code in app.banner.value


def test_progress_and_paging(db):
    app, _ = build(db)
    q = app.questionnaire
    assert "Trait 1 of 5 · 0 of 20 answered" in q.progress.value
    assert q.back.disabled and not q.next.disabled
    q.radio("enthusiasm.2").value = 3
    q.next.click()
    assert "Trait 2 of 5 · 1 of 20 answered" in q.progress.value
    for _ in range(5):
        q.next.click()
    assert q.page == 4 and q.next.disabled
    q.back.click()
    assert q.page == 3


def test_finishing_with_gaps_marks_them_and_jumps_to_the_first(db):
    app, _ = build(db)
    q = app.questionnaire
    answer_everything(app)
    q.radio("urgency.2").value = None
    q.radio("leading_change.4").value = None
    assert q.try_finish() is False
    assert q.page == 2
    assert "2 statements still need an answer" in q.notice.value
    assert "kit-missing" in q._boxes["urgency.2"]._dom_classes
    assert "kit-missing" not in q._boxes["urgency.1"]._dom_classes
    q.radio("urgency.2").value = 5
    assert "kit-missing" not in q._boxes["urgency.2"]._dom_classes


def test_results_show_scores_strongest_and_two_to_grow_with_tips(db):
    app, _ = build(db)
    answer_everything(app)  # trait n gets n: leading change strongest
    app.questionnaire.finish.click()
    summary = app.summary.value
    assert "Your strongest trait" in summary and "Ability to lead change" in summary
    assert summary.count("A trait to grow") == 2
    assert "Enthusiasm for the work" in summary and "Technical skill balanced" in summary
    tip = app.instrument.trait("enthusiasm").tips[0]
    assert tip.replace("'", "&#x27;") in summary
    chart = app.chart
    assert chart.value[:8] == b"\x89PNG\r\n\x1a\n" and chart.layout.display is None


def test_results_follow_a_changed_answer(db):
    app, _ = build(db)
    answer_everything(app)
    before = app.summary.value
    for item in app.instrument.trait("enthusiasm").items:
        app.questionnaire.radio(item.id).value = 5
    after = app.summary.value
    assert before != after
    # Enthusiasm now ties with leading change at 5: both are named, as a tie.
    strongest = re.findall(r"One of your strongest traits</div><h4>([^<]+)", after)
    assert [s.strip() for s in strongest] == ["Enthusiasm for the work", "Ability to lead change"]
    assert "tie as your strongest, at 5.00" in after


def test_suggested_commitments_start_with_the_tips_of_the_traits_to_grow(db):
    app, _ = build(db)
    writing = app.writing_widgets()
    assert writing is not None
    general = list(app.instrument.commitment_suggestions)
    assert list(app.commitment_boxes[0].options) == general  # nothing to grow yet
    answer_everything(app)  # enthusiasm 1, skill and communication 2: the two to grow
    offered = list(app.commitment_boxes[0].options)
    tips = [
        *app.instrument.trait("enthusiasm").tips,
        *app.instrument.trait("skill_and_communication").tips,
    ]
    assert offered[: len(tips)] == tips
    assert offered[len(tips) :] == general
    assert not set(app.instrument.trait("leading_change").tips) & set(offered)


def test_reopening_with_the_resume_code_restores_every_answer_and_text(db):
    app, _ = build(db)
    answer_everything(app, lambda i: 5 - i)
    writing = app.writing_widgets()
    writing.children[2].value = "The families who book with us"
    code = app.participant.resume_code
    again, _ = build(db, resume=code.lower())
    assert {i.id: again.questionnaire.radio(i.id).value for i in again.instrument.items} == {
        item.id: 5 - i for i, t in enumerate(again.instrument.traits) for item in t.items
    }
    assert again.answers["reflection.paying_customer"] == "The families who book with us"
    assert "Trait 1 of 5 · 20 of 20 answered" in again.questionnaire.progress.value


def test_resume_code_in_the_page_link_wins(db, monkeypatch):
    app, _ = build(db)
    app.questionnaire.radio("ownership.1").value = 2
    other, _ = build(db)
    other.questionnaire.radio("ownership.1").value = 5
    monkeypatch.setenv("QUERY_STRING", f"resume={app.participant.resume_code}&x=1")
    again = HiddenLeaderApp.open(resume=other.participant.resume_code, store=db)
    assert again.participant == app.participant
    assert again.answers == {"ownership.1": "2"}


def test_wrong_resume_code_is_a_plain_message_and_nothing_is_lost(db):
    app, _ = build(db)
    app.questionnaire.radio("ownership.1").value = 2
    wrong, sections = build(db, resume="ZZZZ-ZZZZ-ZZZZ")
    intro = sections[0]
    text = " ".join(getattr(c, "value", "") for c in intro.children)
    assert "No answers were found for the resume code &#x27;ZZZZ-ZZZZ-ZZZZ&#x27;" in text
    assert wrong.participant is None
    store = open_store(db)
    assert store.answers(app.participant.id, HL) == {"ownership.1": "2"}


def test_free_text_typed_in_the_boxes_is_saved_and_escaped_in_the_report_view(db):
    app, _ = build(db)
    answer_everything(app)
    writing = app.writing_widgets()
    areas = [w for w in writing.children if isinstance(w, widgets.Textarea)]
    boxes = [w for w in writing.children if isinstance(w, widgets.Combobox)]
    areas[0].value = "<script>alert(1)</script>"
    boxes[0].value = "<img src=x onerror=alert(1)>"
    stored = open_store(db).answers(app.participant.id, HL)
    assert stored["reflection.paying_customer"] == "<script>alert(1)</script>"
    assert stored["commitment.1"] == "<img src=x onerror=alert(1)>"
    from kit.instruments import views

    html = views.reflections(app.instrument, stored)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_download_my_answers_link_carries_a_file_kit_import_reads(db, tmp_path):
    app, sections = build(db)
    app.answers_button.click()
    assert "Save something first" in app.answers_notice.value and app.answers_link.value == ""
    answer_everything(app)
    # Saving answers never builds the file: it is made when asked for.
    assert app.answers_link.value == ""
    app.answers_button.click()
    link = app.answers_link
    assert "Save my answers (JSON)" in link.value and app.answers_notice.value == ""
    href = re.search(r"href='data:application/json;base64,([^']+)'", link.value).group(1)
    document = base64.b64decode(href).decode()
    assert len(json.loads(document)["rows"]) == 20
    other = open_store(str(tmp_path / "binder-next-time.sqlite3"))
    summary = import_answers(other, document, "mine.json", from_page=True)
    (code,) = summary.resume_codes.values()  # a fresh code there: files never choose theirs
    assert len(other.answers(other.participant_by_code(code).id, HL)) == 20


def test_report_button_offers_the_report_and_failures_are_messages(db):
    made = []
    app, _ = build(db)
    app.make_report = lambda code, store: made.append(code) or "<html>report</html>"
    app.prepare_report()
    assert "Answer at least one statement first" in app.report_notice.value
    app.questionnaire.radio("urgency.1").value = 3
    app.report_button.click()
    assert made == [app.participant.resume_code]
    assert "download='hidden-leader-report-" in app.report_link.value

    def broken(code, store):
        raise RuntimeError("kernel died")

    app.make_report = broken
    app.report_button.click()
    assert "could not be made (RuntimeError: kernel died)" in app.report_notice.value
    assert not app.report_button.disabled


def test_broken_content_is_a_message_on_the_page(tmp_path, monkeypatch, db):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "hidden_leader.toml").write_text("id = 'hidden_leader'\n[scale]\n")
    monkeypatch.setenv("KIT_DATA", str(tmp_path / "content"))
    app, sections = build(db)
    text = " ".join(getattr(c, "value", "") for c in sections[0].children)
    assert "The questionnaire cannot be shown" in text and "kit check" in text


def test_unusable_store_is_a_message_and_answers_stay_on_screen(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"x" * 4096)
    app, sections = build(str(junk))
    text = " ".join(getattr(c, "value", "") for c in sections[0].children)
    assert "Answers cannot be saved" in text
    app.questionnaire.radio("urgency.1").value = 4
    assert app.answers == {"urgency.1": "4"}  # kept on the page for Download my answers
    assert "This page cannot save answers" in app.save_notice.value
    assert "Traceback" not in app.save_notice.value


def test_start_page_finds_a_code_and_links_into_workbook_01(db):
    app, _ = build(db)
    app.questionnaire.radio("urgency.1").value = 4
    page = StartPage.open(db)
    page.widget()
    page.code.value = app.participant.resume_code.lower()
    assert (
        f"01_hidden_leader_traits.ipynb?resume={app.participant.resume_code}"
        in page.code_notice.value
    )
    page.code.value = "nope"
    page.go.click()
    assert "No answers were found for &#x27;nope&#x27;" in page.code_notice.value


def test_start_page_upload_restores_a_downloaded_file(db, tmp_path):
    source = str(tmp_path / "binder.sqlite3")
    app, _ = build(source)
    answer_everything(app)
    from kit.exchange import my_answers_file

    document = my_answers_file(app.store, app.participant).encode()
    page = StartPage.open(db)
    page.widget()
    page.upload.value = (
        {
            "name": "mine.json",
            "type": "application/json",
            "size": len(document),
            "content": memoryview(document),
            "last_modified": datetime.now(UTC),
        },
    )
    assert "Restored 20 answers from mine.json" in page.upload_notice.value
    code = re.search(r"Your resume code is ([A-Z0-9-]+)\.", page.upload_notice.value).group(1)
    assert code != app.participant.resume_code  # the file could not choose it
    assert f"resume={code}" in page.upload_notice.value
    page.upload.value = (
        {
            "name": "bad.json",
            "type": "",
            "size": 3,
            "content": memoryview(b"{x"),
            "last_modified": datetime.now(UTC),
        },
    )
    assert "bad.json" in page.upload_notice.value and "not valid JSON" in page.upload_notice.value


def test_start_page_upload_refuses_a_file_of_several_people(db, tmp_path, capsys):
    from kit.cli import main

    team = tmp_path / "team.json"
    main(["demo", "--participants", "3", "--session", "WS", "--store", str(tmp_path / "t.db")])
    main(["export", "--format", "json", "--out", str(team), "--store", str(tmp_path / "t.db")])
    page = StartPage.open(db)
    page.widget()
    data = team.read_bytes()
    page.upload.value = (
        {
            "name": "team.json",
            "type": "",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": datetime.now(UTC),
        },
    )
    assert "this file holds 3 people" in page.upload_notice.value
    assert open_store(db).rows() == []
