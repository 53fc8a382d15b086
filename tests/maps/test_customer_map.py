"""Workbook 03: the customer map's edits and analysis (pure), its CSV files, and the app headless."""

import json

import pytest

from kit.cli import main
from kit.database import open_store
from kit.exchange import import_answers, my_answers_file
from kit.maps import logic as cm
from kit.maps.files import MapFileError, connections_csv, elements_csv, example_map, parse_map
from kit.maps.model import CustomerMap, name_key
from kit.maps.pages import CustomerMapApp

XSS = "<img src=x onerror=alert(1)>"


def build(spec: str) -> CustomerMap:
    """A map from 'Team:own team, A:internal customer; Team>A, A>Client' style text."""
    kinds = {"own": "own team", "int": "internal customer", "ext": "external customer"}
    elements, links = spec.split(";")
    cmap = CustomerMap()
    for part in elements.split(","):
        name, kind = part.strip().split(":")
        cmap = cm.add_element(cmap, name, kinds[kind])
    for part in filter(None, (p.strip() for p in links.split(","))):
        source, target = part.split(">")
        cmap = cm.add_connection(cmap, source, target, f"{source} to {target}")
    return cmap


def sights(cmap):
    return {s.connection.target: s for s in cm.analyse(cmap).outputs}


# -- line of sight -------------------------------------------------------------


def test_a_chain_through_internal_customers_reaches_the_paying_customer():
    cmap = build("Us:own, A:int, B:int, Pay:ext; Us>A, A>B, B>Pay")
    sight = sights(cmap)["A"]
    assert sight.path == ("Us", "A", "B", "Pay")
    summary = cm.analyse(cmap)
    assert summary.share == 1.0 and not summary.flagged


def test_a_dead_end_is_flagged_with_where_it_stops_and_a_question():
    cmap = build("Us:own, A:int, B:int, Pay:ext; Us>Pay, Us>A, A>B")
    summary = cm.analyse(cmap)
    assert summary.with_sight == 1 and len(summary.outputs) == 2 and summary.share == 0.5
    (flagged,) = summary.flagged
    assert flagged.connection.target == "A" and flagged.ends == ("B",)
    assert "What does 'B' do with 'Us to A'" in flagged.question()


def test_a_loop_with_no_exit_is_flagged_as_a_loop_and_listed():
    cmap = build("Us:own, A:int, B:int, Pay:ext; Us>Pay, Us>A, A>B, B>A")
    summary = cm.analyse(cmap)
    (flagged,) = summary.flagged
    assert flagged.loop in (("A", "B", "A"), ("B", "A", "B"))
    assert "goes round in a loop" in flagged.question()
    assert len(summary.loops) == 1 and set(summary.loops[0]) == {"A", "B"}


def test_a_loop_with_an_exit_still_has_a_line_of_sight_and_is_still_shown():
    cmap = build("Us:own, A:int, B:int, Pay:ext; Us>A, A>B, B>A, B>Pay")
    summary = cm.analyse(cmap)
    assert summary.share == 1.0 and summary.loops


def test_disconnected_parts_and_unlinked_elements():
    cmap = build("Us:own, Pay:ext, X:int, Y:int, Lonely:int; Us>Pay, X>Y")
    summary = cm.analyse(cmap)
    # X>Y is not the own team's output, so it is not counted, but it is drawn apart.
    assert [s.connection.target for s in summary.outputs] == ["Pay"]
    assert summary.unconnected == ("Lonely",)
    assert cm.unsighted(cmap) == {"x", "y", "lonely"}


def test_without_an_own_team_every_link_counts_and_without_a_customer_nothing_reaches():
    summary = cm.analyse(build("A:int, B:int; A>B"))
    assert not summary.has_team and not summary.has_customer
    assert len(summary.outputs) == 1 and summary.share == 0.0


def test_bridges_on_the_chain():
    cmap = build(
        "Us:own, Desk:int, Billing:int, Pay:ext; Us>Desk, Desk>Pay, Us>Billing, Billing>Pay"
    )
    cmap = cm.update_element(cmap, "Desk", bridge=True)
    summary = cm.analyse(cmap)
    assert [s.connection.target for s in summary.unbridged] == ["Billing"]


def test_missing_value_promise_sentences_are_listed():
    cmap = build("Us:own, Pay:ext, A:int; Us>Pay, Us>A")
    cmap = cm.update_connection(cmap, 0, promise="Repairs on the promised day")
    assert [c.target for c in cm.analyse(cmap).missing_promise] == ["A"]


# -- edits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: cm.add_element(m, "   ", "own team"), "cannot be empty"),
        (
            lambda m: cm.add_element(m, " us ", "internal customer"),
            "already an element called 'Us'",
        ),
        (lambda m: cm.add_element(m, "X", "supplier"), "'supplier' is not a kind"),
        (lambda m: cm.add_connection(m, "Us", "Us"), "cannot hand its output to itself"),
        (lambda m: cm.add_connection(m, "Us", "Nobody"), "no element called 'Nobody'"),
        (lambda m: cm.add_connection(m, "us", "PAY"), "already a link from 'Us' to 'Pay'"),
        (lambda m: cm.add_connection(m, "Us", "A", level="a few services"), "is for a paying"),
        (lambda m: cm.update_element(m, "A", new_name="pay"), "already an element called 'Pay'"),
    ],
)
def test_bad_edits_are_refused_with_a_plain_reason_and_change_nothing(edit, message):
    cmap = build("Us:own, A:int, Pay:ext; Us>Pay")
    with pytest.raises(cm.MapEditError, match=message):
        edit(cmap)
    assert cmap == build("Us:own, A:int, Pay:ext; Us>Pay")


def test_rename_carries_links_and_a_kind_change_drops_a_level_that_no_longer_applies():
    cmap = build("Us:own, Pay:ext; ")
    cmap = cm.add_connection(cmap, "Us", "Pay", "repairs", level="long-term partnership")
    cmap = cm.update_element(cmap, "Pay", new_name="Hospitals")
    assert cmap.connections[0].target == "Hospitals"
    assert cmap.connections[0].level == "long-term partnership"
    cmap = cm.update_element(cmap, "Hospitals", kind="internal customer")
    assert cmap.connections[0].level == ""


def test_undo_leaves_out_links_that_no_longer_fit_and_never_saves_a_broken_map():
    cmap = build("Us:own, Mid:int, Pay:ext; Us>Mid, Mid>Pay")
    # The link's element was renamed after the delete.
    without, deleted = cm.delete_connection(cmap, 0)
    renamed = cm.update_element(without, "Mid", new_name="Middle")
    back, skipped = cm.undo(renamed, deleted)
    assert skipped == 1 and back == renamed
    cm.analyse(back)  # and the analysis runs on what undo returns
    # The same link was added again after the delete.
    again = cm.add_connection(without, "Us", "Mid", "again")
    back, skipped = cm.undo(again, deleted)
    assert skipped == 1 and len(back.connections) == 2
    # A level that no longer applies does not come back.
    leveled = cm.add_connection(build("Us:own, Pay:ext; "), "Us", "Pay", level="trusted partner")
    without, deleted = cm.delete_connection(leveled, 0)
    changed = cm.update_element(without, "Pay", kind="internal customer")
    assert cm.undo(changed, deleted) == (changed, 1)


def test_a_team_with_no_links_has_no_outputs_rather_than_borrowing_others():
    summary = cm.analyse(build("Us:own, Sales:int, Fin:int, Client:ext; Sales>Fin, Fin>Client"))
    assert summary.outputs == () and summary.share is None
    from kit.maps.views import map_summary

    assert "Your team has no outputs linked yet" in map_summary(summary)


def test_a_chain_with_a_loop_and_a_dead_end_names_both():
    cmap = build("Us:own, A:int, B:int, End:int, Pay:ext; Us>Pay, Us>A, A>B, B>A, B>End")
    (flagged,) = cm.analyse(cmap).flagged
    assert "loop" in flagged.question() and "Elsewhere it stops at 'End'" in flagged.question()


def test_delete_then_undo_puts_element_and_links_back_in_place_even_after_other_edits():
    cmap = build("Us:own, A:int, Pay:ext; Us>A, A>Pay, Us>Pay")
    smaller, deleted = cm.delete_element(cmap, "a")
    assert [e.name for e in smaller.elements] == ["Us", "Pay"]
    assert len(smaller.connections) == 1 and deleted.describe() == "'A' and its 2 links"
    later = cm.add_element(smaller, "B", "internal customer")
    restored, skipped = cm.undo(later, deleted)
    assert skipped == 0
    assert [e.name for e in restored.elements] == ["Us", "A", "Pay", "B"]
    assert restored.connections == cmap.connections
    with pytest.raises(cm.MapEditError, match="was added since"):
        cm.undo(cm.add_element(smaller, "A", "own team"), deleted)


# -- layout ----------------------------------------------------------------------


def test_layout_puts_paying_customers_right_and_every_element_apart_with_40_elements():
    cmap = CustomerMap()
    cmap = cm.add_element(cmap, "Team", "own team")
    for n in range(1, 31):
        cmap = cm.add_element(cmap, f"Unit {n}", "internal customer")
    for n in range(1, 10):
        cmap = cm.add_element(cmap, f"Customer {n}", "external customer")
    for n in range(1, 31):
        cmap = cm.add_connection(cmap, "Team" if n % 3 == 1 else f"Unit {n - 1}", f"Unit {n}")
        if n % 4 == 0:
            cmap = cm.add_connection(cmap, f"Unit {n}", f"Customer {n % 9 + 1}")
    positions = cm.layout(cmap)
    assert len(positions) == 40 and len(set(positions.values())) == 40
    assert all(positions[f"Customer {n}"][0] == 0 for n in range(1, 10))
    assert all(x < 0 for name, (x, _) in positions.items() if not name.startswith("Customer"))
    # Elements with no line of sight sit in a band below the rest.
    lowest_sighted = min(
        y for k, (_, y) in positions.items() if name_key(k) not in cm.unsighted(cmap)
    )
    assert all(
        positions[e.name][1] < lowest_sighted
        for e in cmap.elements
        if name_key(e.name) in cm.unsighted(cmap)
    )
    from kit.charts import to_png
    from kit.maps.charts import customer_map

    png = to_png(customer_map(cmap, positions, cm.unsighted(cmap)))
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


# -- CSV files -------------------------------------------------------------------


def test_csv_round_trip_keeps_everything_and_neutralises_formulas():
    cmap = build("Us:own, Pay:ext; ")
    cmap = cm.add_element(cmap, "=HYPERLINK(1)", "internal customer", notes="+notes", bridge=True)
    cmap = cm.add_connection(cmap, "Us", "Pay", "@repairs", "trusted partner", "-fast")
    cmap = cm.add_connection(cmap, "Us", "=HYPERLINK(1)", "data")
    e, c = elements_csv(cmap), connections_csv(cmap)
    assert e.splitlines()[0] == "Label,Type,Description,Bridge"
    assert c.splitlines()[0] == "From,To,Label,Level,Promise"
    assert "'=HYPERLINK(1),internal customer,'+notes,yes" in e
    assert "Us,Pay,'@repairs,trusted partner,'-fast" in c
    assert parse_map(e, c) == cmap


def test_bad_rows_give_one_error_with_every_row_number_and_import_nothing(tmp_path):
    elements = (
        "Label,Type,Description,Bridge\n"
        "Us,own team,,\n"
        ",internal customer,,\n"  # row 3: no name
        "Billing,supplier,,\n"  # row 4: unknown type
        "us,internal customer,,\n"  # row 5: duplicate
        "Pay,external customer,,maybe\n"  # row 6: bridge
    )
    connections = "From,To,Label\nUs,Us,self\nUs,Ghost,x\n"
    with pytest.raises(MapFileError) as err:
        parse_map(elements, connections, "e.csv", "c.csv")
    text = str(err.value)
    assert text.startswith("Nothing was imported")
    for where in (
        "e.csv row 3",
        "e.csv row 4",
        "e.csv row 5",
        "e.csv row 6",
        "c.csv row 2",
        "c.csv row 3",
    ):
        assert where in text, where
    assert "Type 'supplier' is not one of own team" in text
    db = str(tmp_path / "kit.sqlite3")
    app = CustomerMapApp.open(store=db)
    app.editor()
    assert (
        app.import_files([("e.csv", elements.encode()), ("c.csv", connections.encode())]) is False
    )
    assert "e.csv row 4" in app.notice_at("import").value and app.cmap == CustomerMap()


def test_missing_columns_and_non_text_files_are_named():
    with pytest.raises(MapFileError, match="the first row must name the columns Label, Type"):
        parse_map("Name,Kind\nUs,own team\n")
    with pytest.raises(MapFileError, match="not a text file"):
        parse_map(b"\xff\xfe\x00\x81")


def test_the_example_map_loads_and_shows_every_kind_of_finding():
    cmap = example_map()
    summary = cm.analyse(cmap)
    assert len(cmap.elements) >= 12
    assert summary.flagged and summary.loops and summary.unbridged and summary.missing_promise
    assert 0 < summary.share < 1


# -- store, files and commands ----------------------------------------------------


def test_the_map_travels_in_my_answers_file_and_the_coach_export(tmp_path, capsys):
    db, other = str(tmp_path / "a.sqlite3"), str(tmp_path / "b.sqlite3")
    store = open_store(db)
    person = store.create_participant()
    cmap = cm.add_element(example_map(), XSS, "external customer")
    store.save_map(person.id, cmap)
    mine = my_answers_file(store, person)
    assert json.loads(mine)["maps"][person.public_id]["elements"][-1]["name"] == XSS
    summary = import_answers(open_store(other), mine, "mine.json", from_page=True)
    assert summary.maps == 1
    (code,) = summary.resume_codes.values()  # a fresh code: files never choose theirs
    restored = open_store(other).participant_by_code(code)
    assert open_store(other).customer_map(restored.id) == cmap

    out = tmp_path / "all.json"
    assert main(["export", "--format", "json", "--out", str(out), "--store", db]) == 0
    third = str(tmp_path / "c.sqlite3")
    assert main(["import", str(out), "--store", third]) == 0
    assert "and 1 customer map" in capsys.readouterr().out
    assert list(open_store(third).maps().values())[0][1] == cmap
    assert main(["export", "--table", "map-connections", "--store", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "participant,From,To,Label,Level,Promise"
    assert len(lines) == 1 + len(cmap.connections)


def test_an_older_map_in_a_file_does_not_overwrite_a_newer_one(tmp_path):
    store = open_store(str(tmp_path / "kit.sqlite3"))
    person = store.create_participant()
    store.save_map(person.id, build("Us:own, Pay:ext; Us>Pay"))
    document = json.loads(my_answers_file(store, person))
    document["maps"][person.public_id]["updated_at"] = "2020-01-01T00:00:00+00:00"
    document["maps"][person.public_id]["elements"] = []
    document["maps"][person.public_id]["connections"] = []
    document["rows"] = []
    summary = import_answers(store, json.dumps(document), "old.json", from_page=True)
    assert summary.maps == 0 and len(store.customer_map(person.id).elements) == 2


def test_a_broken_map_in_an_answers_file_imports_nothing(tmp_path):
    store = open_store(str(tmp_path / "kit.sqlite3"))
    person = store.create_participant()
    store.save_answer(person.id, "hidden_leader", "urgency.1", "4")
    document = json.loads(my_answers_file(store, person))
    document["maps"] = {
        person.public_id: {
            "updated_at": "2026-01-01T00:00:00",
            "elements": [{"name": "A", "kind": "own team"}],
            "connections": [{"source": "A", "target": "A"}],
        }
    }
    other = open_store(str(tmp_path / "other.sqlite3"))
    with pytest.raises(Exception, match="connection 1: 'A' cannot hand its output to itself"):
        import_answers(other, json.dumps(document), "f.json", from_page=True)
    assert other.rows() == [] and other.maps() == {}


def test_kit_demo_gives_the_first_person_the_example_map(tmp_path, capsys):
    db = str(tmp_path / "kit.sqlite3")
    assert main(["demo", "--participants", "3", "--seed", "2", "--store", db]) == 0
    out = capsys.readouterr().out
    code = out.split("?resume=")[1].strip()
    person = open_store(db).participant_by_code(code)
    assert open_store(db).customer_map(person.id) == example_map()
    assert len(open_store(db).maps()) == 1


def test_kit_check_validates_the_example_map(tmp_path, capsys):
    from shutil import copytree

    from kit.paths import data_dir

    copytree(data_dir(), tmp_path / "data")
    (tmp_path / "data" / "example_map" / "connections.csv").write_text("From,To\nNobody,Us\n")
    assert main(["check", str(tmp_path / "data")]) == 1
    assert "connections.csv row 2: There is no element called 'Nobody'" in capsys.readouterr().err


# -- the app, headless -------------------------------------------------------------


def open_app(db, resume=""):
    app = CustomerMapApp.open(resume=resume, store=db)
    sections = [app.intro(), app.editor(), app.results(), app.downloads()]
    return app, sections


def add(app, name, kind):
    app.name.value, app.kind.value = name, kind
    app.add_element.click()


def link(app, source, target, handover=""):
    app.source.value, app.target.value, app.handover.value = source, target, handover
    app.add_link.click()


def test_edits_in_the_app_are_saved_at_once_and_survive_reopening(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    assert app.chart.layout.display == "none"
    add(app, "Service desk", "own team")
    add(app, "Finance", "internal customer")
    add(app, XSS, "external customer")
    link(app, "Service desk", XSS, "repairs")
    link(app, "Service desk", "Finance", "timesheets")
    assert "Linked" in app.notice_at("add link").value
    stored = open_store(db).customer_map(app.participant.id)
    assert [e.name for e in stored.elements] == ["Service desk", "Finance", XSS]
    assert len(stored.connections) == 2
    summary = app.summary.value
    assert "1 of 2 outputs (50%) reach a paying customer" in summary
    assert "The chain stops at Finance" in summary
    assert XSS not in summary and "&lt;img src=x onerror=alert(1)&gt;" in summary
    assert bytes(app.chart.value).startswith(b"\x89PNG")
    again, _ = open_app(db, resume=app.participant.resume_code)
    assert again.cmap == stored and again.elements.options == ("Service desk", "Finance", XSS)


def test_refused_edits_say_why_and_the_level_is_for_paying_customers_only(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    add(app, "Us", "own team")
    add(app, "us", "internal customer")
    assert "already an element called" in app.notice_at("add element").value
    add(app, "Pay", "external customer")
    add(app, "Ops", "internal customer")
    app.target.value = "Ops"
    assert app.level.disabled
    app.target.value = "Pay"
    assert not app.level.disabled
    link(app, "Us", "Us")
    assert "cannot hand its output to itself" in app.notice_at("add link").value
    assert open_store(db).customer_map(app.participant.id).connections == ()


def test_rename_delete_and_undo_in_the_app(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    assert app.undo.layout.display == "none"
    add(app, "Us", "own team")
    add(app, "Pay", "external customer")
    link(app, "Us", "Pay", "repairs")
    app.elements.value = "Pay"
    app.e_name.value = "Hospitals"
    app.e_save.click()
    assert app.links.options[0][0] == "Us → Hospitals: repairs"
    app.elements.value = "Hospitals"
    app.e_delete.click()
    assert open_store(db).customer_map(app.participant.id).connections == ()
    assert app.undo.description == "Undo: bring back 'Hospitals' and its 1 link"
    app.undo.click()
    assert "Brought back" in app.notice_at("undo").value
    assert len(open_store(db).customer_map(app.participant.id).connections) == 1


def test_example_map_loads_in_one_click_into_an_empty_map_only(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    app.example.click()
    assert app.cmap == example_map() and app.example.layout.display == "none"
    assert "Outputs with no line of sight" in app.summary.value
    assert (
        app.load_example() is False
        and "only loads into an empty map" in app.notice_at("example").value
    )


def test_csv_import_in_the_app_replaces_the_map_and_undo_brings_the_old_one_back(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    add(app, "Mine", "own team")
    example = example_map()
    files = [
        ("c.csv", connections_csv(example).encode()),
        ("e.csv", elements_csv(example).encode()),
    ]
    assert app.import_files(files)
    assert (
        app.cmap == example
        and "Imported 12 elements and 16 links from e.csv" in app.notice_at("import").value
    )
    app.undo.click()
    assert [e.name for e in open_store(db).customer_map(app.participant.id).elements] == ["Mine"]


def test_headless_run_from_csv_files_reads_no_store(tmp_path):
    e, c = tmp_path / "e.csv", tmp_path / "c.csv"
    e.write_text(elements_csv(example_map()))
    c.write_text(connections_csv(example_map()))
    app = CustomerMapApp.open(elements_csv=str(e), connections_csv=str(c), report=True)
    assert app.cmap == example_map() and app.store is None
    bad = CustomerMapApp.open(elements_csv=str(tmp_path / "missing.csv"), report=True)
    assert bad.problems and bad.cmap == CustomerMap()


def test_a_second_window_cannot_silently_overwrite_the_first_windows_edits(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    first, _ = open_app(db)
    add(first, "Us", "own team")
    code = first.participant.resume_code
    second, _ = open_app(db, resume=code)
    add(first, "Pay", "external customer")  # saved: version 2
    add(second, "Finance", "internal customer")  # made from version 1
    assert "changed in another window or tab" in second.notice_at("add element").value
    assert [e.name for e in open_store(db).customer_map(first.participant.id).elements] == [
        "Us",
        "Pay",
    ]
    third, _ = open_app(db, resume=code)  # a reload sees the latest and can save again
    add(third, "Finance", "internal customer")
    assert "Added" in third.notice_at("add element").value
    assert open_store(db).map_version(first.participant.id) == 3


def test_a_map_that_cannot_be_read_opens_read_only_and_is_not_overwritten(tmp_path, monkeypatch):
    from kit.database import Store
    from kit.store.errors import StoreError

    db = str(tmp_path / "kit.sqlite3")
    store = open_store(db)
    person = store.create_participant()
    store.save_map(person.id, example_map())

    def locked(self, participant_id):
        raise StoreError("the store could not be read or written (database is locked); try again")

    monkeypatch.setattr(Store, "customer_map", locked)
    app = CustomerMapApp.open(resume=person.resume_code, store=db)
    assert "Your map could not be read" in app.intro().children[1].value
    assert app.store is None and app.editor().value == ""
    monkeypatch.undo()
    assert open_store(db).customer_map(person.id) == example_map()


def test_a_refused_rename_keeps_the_selection_and_what_was_typed(tmp_path):
    app, _ = open_app(str(tmp_path / "kit.sqlite3"))
    add(app, "Us", "own team")
    add(app, "Pay", "external customer")
    app.elements.value = "Us"
    app.e_notes.value = "my notes"  # saves itself
    app.e_name.value = "PAY"  # refused: the name is taken
    assert "already an element called &#x27;Pay&#x27;" in app.notice_at("element").value
    assert app.elements.value == "Us" and app.e_name.value == "PAY"
    assert app.cmap.element("Us").notes == "my notes"


def test_edit_fields_save_themselves_and_selecting_shows_without_saving(tmp_path):
    db = str(tmp_path / "kit.sqlite3")
    app, _ = open_app(db)
    add(app, "Us", "own team")
    add(app, "Pay", "external customer")
    link(app, "Us", "Pay", "repairs")
    version = open_store(db).map_version(app.participant.id)
    app.links.value = 0
    app.elements.value = "Pay"
    assert open_store(db).map_version(app.participant.id) == version  # showing is not saving
    app.links.value = 0
    app.l_promise.value = "Lifts back in service the same day"
    app.l_level.value = "long-term partnership"
    stored = open_store(db).customer_map(app.participant.id).connections[0]
    assert stored.promise == "Lifts back in service the same day"
    assert stored.level == "long-term partnership"
    app.elements.value = "Us"
    app.e_bridge.value = True
    assert open_store(db).customer_map(app.participant.id).element("Us").bridge


def test_upload_tells_the_two_files_apart_by_their_header_and_refuses_two_of_a_kind(tmp_path):
    app, _ = open_app(str(tmp_path / "kit.sqlite3"))
    elements = b"Label,Type\nUs,own team\nPay,external customer\n"
    quoted = b'"From","To","Label"\nUs,Pay,repairs\n'
    assert app.import_files([("c.csv", quoted), ("e.csv", elements)])
    assert len(app.cmap.connections) == 1
    assert not app.import_files([("a.csv", elements), ("b.csv", elements)])
    assert "both elements files" in app.notice_at("import").value
    assert not app.import_files([("x.csv", b"Source,Target\nUs,Pay\n"), ("e.csv", elements)])
    assert "x.csv is neither an elements file" in app.notice_at("import").value
    assert len(app.cmap.connections) == 1  # nothing changed by the refused uploads


def test_diagram_boxes_never_overlap_even_with_long_names():
    from kit.maps.charts import customer_map

    cmap = build("Us:own, Pay:ext; Us>Pay")
    for n in range(4):
        name = f"Regional operations coordination and planning office of the far northern area {n}"
        assert len(name) == 79
        cmap = cm.add_element(cmap, name, "internal customer")
        cmap = cm.add_connection(cmap, "Us", name)
        cmap = cm.add_connection(cmap, name, "Pay")
    cmap = cm.add_element(cmap, "Cost $x$ and $y$ <b>bold</b>", "internal customer")
    ax = customer_map(cmap, cm.layout(cmap), cm.unsighted(cmap))
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts if t.get_bbox_patch()]
    assert len(boxes) == len(cmap.elements)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), "two element boxes overlap"
    labels = [t.get_text().replace("\n", " ") for t in ax.texts]
    assert "Cost $x$ and $y$ <b>bold</b>" in labels  # drawn as typed, not as a formula


def test_the_diagram_marks_dead_ends_loops_and_chains_with_no_bridge():
    from matplotlib.colors import to_hex

    app = CustomerMapApp(None, cmap=example_map())
    arrows = {}
    for text in app.diagram().texts:
        patch = getattr(text, "arrow_patch", None)
        if patch is not None:
            colour = to_hex(patch.get_edgecolor())
            arrows[colour] = arrows.get(colour, 0) + 1
    assert arrows["#e07a1f"] == 2  # Service planning → Billing → Property management firms
    assert arrows["#7d3c98"] == 2  # the reporting loop, both ways
    assert arrows["#c0392b"] == 3  # into elements with no line of sight


def test_typing_an_outputs_words_does_not_redraw_the_diagram_but_a_new_link_does(tmp_path):
    app, _ = open_app(str(tmp_path / "kit.sqlite3"))
    add(app, "Us", "own team")
    add(app, "Pay", "external customer")
    link(app, "Us", "Pay", "repairs")
    drawn, draw = [], app.diagram  # a 40-element map takes most of a second to draw
    app.diagram = lambda: drawn.append(1) or draw()
    app.links.value = 0
    app.l_promise.value = "Back in service the same day"
    assert drawn == []  # the same picture: not drawn again
    add(app, "Ops", "internal customer")
    assert drawn == [1]
