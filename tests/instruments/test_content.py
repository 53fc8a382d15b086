"""Content files: what a coach editing data/ sees when something is wrong."""

from pathlib import Path

import pytest

from kit.cli import main
from kit.content import ContentError
from kit.instruments.content import check_dir, parse_instrument
from kit.paths import data_dir

GOOD = (data_dir() / "hidden_leader.toml").read_text(encoding="utf-8")


def problems_for(text: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_instrument(text, "data/broken.toml")
    return [str(p) for p in caught.value.problems]


def test_shipped_instrument_has_five_traits_of_four_items_and_tips():
    instrument = parse_instrument(GOOD, "hidden_leader.toml")
    assert len(instrument.traits) == 5
    assert all(len(t.items) == 4 for t in instrument.traits)
    assert all(len(t.tips) >= 3 for t in instrument.traits)
    assert instrument.scale.points == 5
    assert [r.id for r in instrument.reflections] == ["paying_customer", "value_promise"]


def test_invalid_toml_names_the_file_and_the_line():
    (message,) = problems_for(GOOD.replace('title = "Hidden-leader traits"', 'title = "Hidden'))
    assert message.startswith("data/broken.toml")
    line = GOOD.splitlines().index('title = "Hidden-leader traits"') + 1
    assert f"line {line}" in message and "not valid TOML" in message


def test_misspelt_key_is_named_with_a_suggestion():
    typo, missing = problems_for(
        GOOD.replace('text = "I share good news', 'txt = "I share good news', 1)
    )
    assert "traits[1] 'enthusiasm' items[3]: unknown key 'txt'; did you mean 'text'?" in typo
    assert "traits[1] 'enthusiasm' items[3]: missing 'text'" in missing


def test_missing_and_empty_texts_are_named():
    messages = problems_for(
        GOOD.replace('name = "Sense of urgency for the customer"', 'name = " "')
    )
    assert messages == ["data/broken.toml: traits[3] 'urgency': 'name' is empty: write the name"]


def test_scale_must_have_five_labels():
    (message,) = problems_for(GOOD.replace('"Almost never", ', ""))
    assert "[scale]" in message and "has 4 labels" in message


def test_trait_with_too_few_items_and_tips():
    text = GOOD
    for item in ("urgency.3", "urgency.4"):
        text = text.replace(f'[[traits.items]]\nid = "{item}"', f'[[traits.itemz]]\nid = "{item}"')
    messages = problems_for(text)
    assert any("unknown key 'itemz'" in m for m in messages)
    assert any(
        "traits[3] 'urgency': has 2 items; give each trait 3 to 5 items" in m for m in messages
    )
    tips_cut = GOOD.replace(
        '    "Try a change small and reversible first (one team, two weeks) and share what you learned.",\n'
        '    "Invite the person most likely to resist a change to help design it.",\n',
        "",
    )
    (message,) = problems_for(tips_cut)
    assert "traits[5] 'leading_change': has 2 tips; give at least 3 per trait" in message


def test_duplicate_ids_are_refused():
    messages = problems_for(GOOD.replace('id = "ownership.4"', 'id = "ownership.3"'))
    assert messages == [
        "data/broken.toml: traits[4] 'ownership' items[4]: id 'ownership.3' is used twice: ids must be unique"
    ]


def test_all_problems_are_reported_at_once():
    text = GOOD.replace('id = "ownership.4"', 'id = "ownership.3"').replace('"Almost never", ', "")
    assert len(problems_for(text)) == 2


def test_kit_check_passes_on_shipped_content(capsys):
    assert main(["check"]) == 0
    assert "hidden_leader" in capsys.readouterr().out


def test_kit_check_fails_with_clear_messages(tmp_path: Path, capsys):
    (tmp_path / "good.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.toml").write_text(
        GOOD.replace('id = "hidden_leader"', 'id = "other"').replace("[scale]", "[scales]"),
        encoding="utf-8",
    )
    assert main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'bad.toml'}: unknown key 'scales'; did you mean 'scale'?" in err
    assert "problem(s) found" in err
    assert "Traceback" not in err


def test_kit_check_on_a_missing_folder(tmp_path: Path, capsys):
    assert main(["check", str(tmp_path / "nope")]) == 1
    assert "is not a folder of content files" in capsys.readouterr().err


def test_two_files_with_one_id_are_refused(tmp_path: Path):
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD, encoding="utf-8")
    found, problems = check_dir(tmp_path)
    assert len(found) == 1
    assert "is also the id of" in str(problems[0])
