"""Workbooks as files: committed clean, thin, and runnable headless with papermill."""

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from kit.database import open_store
from kit.exchange import my_answers_file
from kit.report import HIDDEN_LEADER, run_workbook, workbook_report
from tests.conftest import ROOT, answers_for

WORKBOOKS = sorted((ROOT / "workbooks").glob("*.ipynb"))
HL = "hidden_leader"


def test_the_workbooks_of_this_slice_exist():
    assert {p.name for p in WORKBOOKS} >= {
        "00_start_here.ipynb",
        "01_hidden_leader_traits.ipynb",
        "02_focus_and_attitude.ipynb",
        "03_customer_map.ipynb",
    }


def test_the_start_page_links_every_workbook_that_exists(tmp_path, monkeypatch):
    from kit.start.pages import StartPage

    monkeypatch.delenv("QUERY_STRING", raising=False)
    listed = StartPage.open(str(tmp_path / "kit.sqlite3")).catalogue().value
    for path in WORKBOOKS:
        if path.name[:2] != "00":
            assert f"<a href='{path.name}'>" in listed, f"the start page does not link {path.name}"
    # Someone who came with a team's join link sees no list meant for coaches.
    monkeypatch.setenv("QUERY_STRING", "session=K7R-M3X")
    assert StartPage.open(str(tmp_path / "kit.sqlite3")).catalogue() is None


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path: Path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: a cell has outputs; clear them"
            assert cell["execution_count"] is None, f"{path.name}: a cell has an execution count"


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_notebook_holds_no_logic(path: Path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        defined = [
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
            and hasattr(node, "name")
        ]
        assert not defined, f"{path.name} defines {defined}: move it into kit/"
        assert not any(isinstance(n, ast.Lambda) for n in ast.walk(tree)), (
            f"{path.name} has a lambda"
        )
        assert len(cell.source.splitlines()) <= 6, f"{path.name}: keep code cells to a few lines"


@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("01_hidden_leader_traits.ipynb", {"resume", "answers_file", "store", "report"}),
        ("02_focus_and_attitude.ipynb", {"resume", "answers_file", "store", "report"}),
        (
            "03_customer_map.ipynb",
            {"resume", "elements_csv", "connections_csv", "store", "report"},
        ),
        ("04_circle_planner.ipynb", {"resume", "store", "report"}),
        ("05_circle_session.ipynb", {"resume", "store", "report"}),
        ("06_openness_pulse.ipynb", {"resume", "answers_file", "store", "report"}),
        ("07_value_chain.ipynb", {"resume", "store", "report"}),
        ("coach_dashboard.ipynb", {"key", "store", "report"}),
    ],
)
def test_workbook_has_exactly_one_parameters_cell_with_literals(name, parameters):
    notebook = nbformat.read(ROOT / "workbooks" / name, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse(tagged[0].source)
    names = {t.id for node in tree.body for t in node.targets}
    assert names == parameters
    assert all(isinstance(node.value, ast.Constant) for node in tree.body)


def _outputs_text(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(str(output.get("data", {}).get("text/html", "")))
            assert output.get("output_type") != "error"
    return "\n".join(parts)


def test_papermill_run_for_one_participant_from_the_store(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    person = store.create_participant()
    from kit.instruments.content import get_instrument

    answers = answers_for(get_instrument(HL), {"urgency": 5, "ownership": 1, "enthusiasm": 2})
    for item, value in answers.items():
        store.save_answer(person.id, HL, item, value)
    store.save_answer(person.id, HL, "commitment.1", "Call three customers <b>myself</b>")
    executed = run_workbook(
        "01_hidden_leader_traits.ipynb",
        {"resume": person.resume_code, "store": db, "report": True},
        tmp_path,
    )
    html = _outputs_text(executed)
    assert re.search(r"Your strongest trait</div><h4>Sense of urgency for the customer", html)
    assert "An owner&#x27;s mind-set" in html and html.count("A trait to grow") == 2
    assert "data:image/png;base64," in html
    assert "Call three customers &lt;b&gt;myself&lt;/b&gt;" in html
    assert "application/vnd.jupyter.widget-view+json" not in executed.read_text()


def test_papermill_run_from_an_answers_file_needs_no_store(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    person = store.create_participant()
    store.save_answer(person.id, HL, "urgency.1", "4")
    answers_file = tmp_path / "mine.json"
    answers_file.write_text(my_answers_file(store, person))
    executed = run_workbook(
        "01_hidden_leader_traits.ipynb",
        {"answers_file": str(answers_file), "report": True, "store": str(tmp_path / "unused.db")},
        tmp_path,
    )
    html = _outputs_text(executed)
    assert "Answer the 19 remaining statements" in html
    assert "4 · Most of the time" in html
    assert not (tmp_path / "unused.db").exists()


def test_papermill_run_with_a_wrong_code_reports_it(tmp_path):
    executed = run_workbook(
        "01_hidden_leader_traits.ipynb",
        {"resume": "AAAA-BBBB-CCCC", "store": str(tmp_path / "k.db"), "report": True},
        tmp_path,
    )
    assert "No answers were found for the resume code" in _outputs_text(executed)


def test_report_is_html_with_no_code_and_nothing_remote(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    person = store.create_participant()
    from kit.instruments.content import get_instrument

    for item, value in answers_for(get_instrument(HL), {"urgency": 5}).items():
        store.save_answer(person.id, HL, item, value)
    page = workbook_report(HIDDEN_LEADER, "My results", resume=person.resume_code, store=db)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "Your strongest trait" in page
    assert "Take it with you" not in page and "Download my answers" not in page
    # What the page says about using it (time, saving) is not the report's to say.
    assert "About 15 minutes" not in page and "saved the moment" not in page
    for code in ("HiddenLeaderApp", "import ", "app.results()", "resume = "):
        assert code not in page, f"report shows code: {code}"
    # A report is shown to others: it must not carry the code that opens the answers.
    assert person.resume_code not in page and "widget-state" not in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", page)


def test_papermill_run_of_workbook_02_places_the_person_and_lists_their_steps(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    person = store.create_participant()
    for n, value in enumerate([5, 4, 5, 4, 2, 3, 2, 3], start=1):
        axis = "focus" if n <= 4 else "attitude"
        store.save_answer(person.id, "focus_attitude", f"{axis}.{(n - 1) % 4 + 1}", str(value))
    store.save_answer(
        person.id, "focus_attitude", "commitment.1", "Ask <i>finance</i> what they need"
    )
    executed = run_workbook(
        "02_focus_and_attitude.ipynb",
        {"resume": person.resume_code, "store": db, "report": True},
        tmp_path,
    )
    html = _outputs_text(executed)
    # focus 4.5, attitude 2.5: clearly external, attitude 0.5 below the middle.
    assert "<h4 class='kit-block-name'>Problem Solver</h4>" in html
    assert "Steps toward Customer Value Creator from Problem Solver" in html
    assert "data:image/png;base64," in html
    assert "Ask &lt;i&gt;finance&lt;/i&gt; what they need" in html
    assert "Beside your hidden-leader traits" in html and "not answered yet" in html


def test_papermill_run_of_workbook_03_from_the_store_and_from_csv_files(tmp_path):
    from kit.maps.files import connections_csv, elements_csv, example_map
    from kit.maps.logic import add_element

    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    person = store.create_participant()
    cmap = add_element(example_map(), "<script>alert(1)</script>", "internal customer")
    store.save_map(person.id, cmap)
    executed = run_workbook(
        "03_customer_map.ipynb",
        {"resume": person.resume_code, "store": db, "report": True},
        tmp_path,
    )
    html = _outputs_text(executed)
    assert "5 of 7 outputs (71%) reach a paying customer" in html
    assert "Outputs with no line of sight to a paying customer" in html
    assert "data:image/png;base64," in html and "<caption>Elements</caption>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html

    (tmp_path / "e.csv").write_text(elements_csv(example_map()))
    (tmp_path / "c.csv").write_text(connections_csv(example_map()))
    from_files = tmp_path / "files"
    from_files.mkdir()
    executed = run_workbook(
        "03_customer_map.ipynb",
        {
            "elements_csv": str(tmp_path / "e.csv"),
            "connections_csv": str(tmp_path / "c.csv"),
            "store": str(tmp_path / "unused.db"),
            "report": True,
        },
        from_files,
    )
    assert "5 of 7 outputs (71%)" in _outputs_text(executed)
    assert not (tmp_path / "unused.db").exists()


def test_papermill_run_of_workbook_04_prints_the_plan(tmp_path):
    from kit.circles.content import agenda_template
    from kit.circles.model import Member
    from kit.circles.planning import new_circle

    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    person = store.create_participant()
    circle = new_circle(agenda_template())
    circle = circle.__class__(
        circle.code,
        "Desk <i>circle</i>",
        circle.cadence,
        (Member("Ana <b>", "front line"),),
        circle.agenda,
    )
    store.save_circle(person.id, circle)
    executed = run_workbook(
        "04_circle_planner.ipynb",
        {"resume": person.resume_code, "store": db, "report": True},
        tmp_path,
    )
    html = _outputs_text(executed)
    assert "Desk &lt;i&gt;circle&lt;/i&gt;" in html and "Ana &lt;b&gt; (front line)" in html
    assert "Open actions from last time" in html and "Only 1 member" in html


def test_papermill_run_of_workbook_05_is_the_session_summary(tmp_path):
    from kit.circles.content import agenda_template
    from kit.circles.model import Story
    from kit.circles.planning import new_circle

    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    person = store.create_participant()
    circle = new_circle(agenda_template())
    store.save_circle(person.id, circle)
    session, _ = store.start_session(circle.code, "2027-01-12")
    store.add_story(
        session,
        Story(0, session, "unhappy", "Late <i>again</i>", "Ana", "omission", "front line", ""),
    )
    store.open_action(circle.code, 1, "Text the customer when late", "Bo", "2027-02-01", None, "t")
    executed = run_workbook(
        "05_circle_session.ipynb",
        {"resume": person.resume_code, "store": db, "report": True},
        tmp_path,
    )
    html = _outputs_text(executed)
    assert "Session 1 · 2027-01-12" in html and "Late &lt;i&gt;again&lt;/i&gt;" in html
    assert "<caption>Actions</caption>" in html and "Text the customer when late" in html
    assert "data:image/png;base64," in html  # the backlog chart


def test_papermill_run_of_workbook_06_shows_the_round_the_person_answered(tmp_path):
    from kit.instruments.content import get_instrument

    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    team = store.create_session("Desk", min_group=3)
    person = store.create_participant(session=team.code)
    pulse = get_instrument("openness_pulse")
    for item in pulse.items:
        store.save_answer(person.id, pulse.id, item.id, "2")
    store.open_next_round(team.code, 1)
    for item in pulse.items:
        store.save_answer(person.id, pulse.id, item.id, "5", 2)
    store.save_answer(person.id, pulse.id, "reflection.safer", "Say <b>thanks</b>", 2)
    executed = run_workbook(
        "06_openness_pulse.ipynb",
        {"resume": person.resume_code, "store": db, "report": True},
        tmp_path,
    )
    html = _outputs_text(executed)
    assert "<td class='kit-num'>5.00</td>" in html and "2.00" not in html
    assert "Say &lt;b&gt;thanks&lt;/b&gt;" in html


def test_papermill_run_of_workbook_07_is_the_picture_for_a_leadership_meeting(tmp_path):
    from kit.organisation import logic
    from kit.organisation.content import chain_content
    from kit.organisation.files import check_to_dict
    from kit.organisation.model import ValueChainCheck

    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    person = store.create_participant()
    content = chain_content()
    check = logic.set_leaders(ValueChainCheck(), content, seniors=6, complaints=0, calls=0)
    check = logic.set_role(check, content, "managers", metrics="<i>NPS</i>", used="no")
    check = logic.set_text(check, "promise", "Lifts that never strand <b>anyone</b>")
    store.save_value_chain(person.id, check_to_dict(check))
    executed = run_workbook(
        "07_value_chain.ipynb",
        {"resume": person.resume_code, "store": db, "report": True},
        tmp_path,
    )
    html = _outputs_text(executed)
    assert "Customer focus stops at Executives: no senior leader met a customer" in html
    # Each part's answers are in the report too, escaped.
    assert "6 senior people; 0 handled a customer complaint personally" in html
    assert "<td>&lt;i&gt;NPS&lt;/i&gt;</td>" in html
    assert "The three largest gaps" in html and "Next step" in html
    assert "Lifts that never strand &lt;b&gt;anyone&lt;/b&gt;" in html
    assert "<b>anyone</b>" not in html
    assert "application/vnd.jupyter.widget-view+json" not in executed.read_text()


def test_team_report_shows_the_figures_as_text_and_nothing_below_the_minimum(tmp_path):
    from kit.instruments.content import get_instrument
    from kit.report import team_report

    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    team = store.create_session("Desk <i>one</i>", min_group=3)
    pulse, traits = get_instrument("openness_pulse"), get_instrument(HL)
    for n in range(3):
        person = store.create_participant(session=team.code)
        for item in pulse.items:
            store.save_answer(person.id, pulse.id, item.id, str(3 + n % 2))
        store.save_answer(person.id, pulse.id, "reflection.safer", f"<script>alert({n})</script>")
        if n < 2:  # two of three did the self-assessment: below the minimum
            for item in traits.items:
                store.save_answer(person.id, HL, item.id, "4")
    page = team_report(team.coach_key, db)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "Desk &lt;i&gt;one&lt;/i&gt;" in page
    assert "&lt;script&gt;alert(0)&lt;/script&gt;" in page and "<script>alert(" not in page
    assert "<b>3.33</b>" in page  # the pulse's overall mean for three people
    assert "hidden to protect anonymity" not in page.split("<h4>Openness pulse</h4>")[1]
    assert "hidden to protect anonymity (2 of at least 3 have finished)" in page
    assert "4.00" not in page
    for code in ("CoachDashboard", "import ", "key = ", team.coach_key):
        assert code not in page, f"the team report shows {code}"
    assert "Your decisions" not in page and "Upload files" not in page
    assert "by itself" not in page and "live" not in page.lower().split("<h1")[1][:300]
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", page)


def test_papermill_run_of_the_dashboard_with_a_wrong_key_shows_no_data(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    team = store.create_session("Desk", min_group=3)
    executed = run_workbook(
        "coach_dashboard.ipynb", {"key": "x" * 32, "store": db, "report": True}, tmp_path
    )
    html = _outputs_text(executed)
    assert "does not open any team session" in html
    assert team.code not in html and "people have joined" not in html


def test_a_report_made_in_a_page_leaves_no_widget_open(tmp_path):
    # "Download report" makes the report in the page's own kernel: each click
    # used to leave the report's banner and notices behind as live widgets.
    from ipywidgets import DOMWidget
    from ipywidgets.widgets.widget import _instances

    db = str(tmp_path / "kit.sqlite3")
    person = open_store(db).create_participant()
    before = {k for k, w in _instances.items() if isinstance(w, DOMWidget)}
    page = workbook_report(HIDDEN_LEADER, "My results", resume=person.resume_code, store=db)
    assert "Hidden-leader traits" in page
    after = {k for k, w in _instances.items() if isinstance(w, DOMWidget)}
    assert after == before
