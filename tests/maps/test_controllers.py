"""The map's controller, with no widgets: each edit checked, saved whole, and undone once."""

import pytest

from kit.maps import logic as cm
from kit.maps.controllers import MapController
from kit.maps.files import connections_csv, elements_csv, example_map
from kit.maps.model import CustomerMap


@pytest.fixture
def editor(store):
    me = store.create_participant()
    return MapController(store, CustomerMap(), 0, lambda: me), me


def test_an_edit_is_saved_whole_and_a_refused_one_writes_nothing(editor, store):
    ctl, me = editor
    assert ctl.apply(lambda m: cm.add_element(m, "Field service", "own team"), "Added.")
    assert ctl.state.version == 1 and ctl.state.message == ("ok", "Added.")
    assert not ctl.apply(lambda m: cm.add_element(m, "FIELD service", "own team"), "Added.")
    assert ctl.state.message[0] == "error" and store.map_version(me.id) == 1
    assert store.customer_map(me.id) == ctl.state.cmap


def test_undo_brings_back_a_deleted_element_with_its_links(editor, store):
    ctl, me = editor
    ctl.load_example()
    before = ctl.state.cmap
    target = before.connections[0].target
    ctl.apply(lambda m: cm.delete_element(m, target), "Deleted.")
    assert ctl.state.undo is not None and target in ctl.state.undo.label
    assert ctl.undo_last() and ctl.state.undo is None
    assert {e.name for e in ctl.state.cmap.elements} == {e.name for e in before.elements}
    assert store.customer_map(me.id) == ctl.state.cmap
    assert not ctl.undo_last() and ctl.state.message == ("warn", "There is nothing to undo.")


def test_an_imported_map_can_be_undone_only_straight_away(editor):
    ctl, _ = editor
    ctl.apply(lambda m: cm.add_element(m, "Billing", "internal customer"), "Added.")
    mine = ctl.state.cmap
    example = example_map()
    files = [
        ("e.csv", elements_csv(example).encode()),
        ("c.csv", connections_csv(example).encode()),
    ]
    assert ctl.import_files(files) and ctl.state.cmap == example
    assert ctl.undo_last() and ctl.state.cmap == mine
    assert ctl.import_files(files)
    ctl.apply(lambda m: cm.add_element(m, "Stores", "internal customer"), "Added.")
    assert ctl.state.undo is None  # the old map is gone once the imported one is edited


def test_a_map_saved_in_another_window_is_not_overwritten(editor, store):
    ctl, me = editor
    ctl.apply(lambda m: cm.add_element(m, "Field service", "own team"), "Added.")
    other = MapController(store, ctl.state.cmap, ctl.state.version, lambda: me)
    other.apply(lambda m: cm.add_element(m, "Billing", "internal customer"), "Added.")
    assert not ctl.apply(lambda m: cm.add_element(m, "Stores", "internal customer"), "Added.")
    assert ctl.state.message[1].startswith("Not saved: this map was changed in another window")
    assert [e.name for e in store.customer_map(me.id).elements] == ["Field service", "Billing"]
