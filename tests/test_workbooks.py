"""The registry of workbooks matches the notebooks, and every list of links reads it."""

from kit.start.pages import continue_link, team_links
from kit.ui.components import resume_banner
from kit.workbooks import WORKBOOKS, personal_workbooks, team_workbooks, workbook
from tests.conftest import ROOT


def test_the_registry_names_every_notebook_and_only_those():
    on_disk = sorted(p.name for p in (ROOT / "workbooks").glob("*.ipynb"))
    assert sorted(w.file for w in WORKBOOKS) == on_disk
    assert len({w.key for w in WORKBOOKS}) == len(WORKBOOKS)


def test_link_lists_come_from_the_registry():
    from kit.model import TeamSession

    code = "K7QM-3XTA-9PWD-H4RN"
    banner, onward = resume_banner(code), continue_link(code)
    for w in personal_workbooks():
        assert f"{w.file}?resume={code}" in banner and w.label in banner
        assert f"{w.file}?resume={code}" in onward
    team = team_links(code, TeamSession("K7R-M3X", "Desk", "key"))
    assert [w.key for w in team_workbooks()] == [
        "hidden_leader",
        "focus_attitude",
        "openness_pulse",
    ]
    assert ">Openness pulse (3 min)</a>" in team and "3. " not in team  # the <ol> numbers them
    assert workbook("circle_session").file not in team  # only when the coach opens a circle
