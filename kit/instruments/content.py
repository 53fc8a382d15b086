"""Load and validate the instrument files in ``data/instruments/`` into model objects."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kit.content import Checker, ContentError, Problem
from kit.instruments.model import (
    Block,
    Grid,
    Instrument,
    Item,
    Reflection,
    RelatedTraits,
    Scale,
    Trait,
)
from kit.paths import data_dir

SCALE_POINTS = 5


ITEMS_PER_TRAIT = (3, 5)


MIN_TIPS = 3


MIN_STEPS = 3


MIN_AXIS_ITEMS = 4


_TOP_KEYS = {"id", "title", "intro", "scale", "traits", "reflections", "commitments", "grid"}


_GRID_KEYS = {"x", "y", "x_labels", "y_labels", "near", "blocks", "related"}


_BLOCK_KEYS = {"id", "name", "x", "y", "description", "steps"}


_RELATED_KEYS = {"axis", "instrument", "traits"}


_SCALE_KEYS = {"labels"}


_TRAIT_KEYS = {"id", "name", "definition", "items", "tips", "team_use"}


_ITEM_KEYS = {"id", "text"}


_REFLECTION_KEYS = {"id", "title", "prompt"}


_COMMITMENT_KEYS = {"max", "suggestions"}


def parse_instrument(text: str, file: str = "<text>") -> Instrument:
    """Parse and validate an instrument from TOML text.

    Parameters
    ----------
    text : str
        The file's contents.
    file : str
        The name used in error messages.

    Returns
    -------
    Instrument

    Raises
    ------
    ContentError
        Listing every problem found, each naming the file and the entry.

    Examples
    --------
    >>> parse_instrument('id = "x"', "x.toml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kit.content.ContentError: x.toml: missing 'title'...
    """
    check = Checker(file)
    raw = check.toml(text)

    check.keys("", raw, _TOP_KEYS)
    instrument_id = check.text("", raw, "id")
    title = check.text("", raw, "title")
    intro = check.text("", raw, "intro")

    scale_raw = raw.get("scale")
    labels: tuple[str, ...] = ()
    if not isinstance(scale_raw, dict):
        check.add("[scale]", f"missing: add a [scale] table with {SCALE_POINTS} labels")
    else:
        check.keys("[scale]", scale_raw, _SCALE_KEYS)
        raw_labels = scale_raw.get("labels")
        if not isinstance(raw_labels, list) or not all(
            isinstance(x, str) and x.strip() for x in raw_labels
        ):
            check.add("[scale]", "'labels' must be a list of non-empty texts, lowest first")
        elif len(raw_labels) != SCALE_POINTS:
            check.add(
                "[scale]",
                f"'labels' has {len(raw_labels)} labels; the kit uses a {SCALE_POINTS}-point scale",
            )
        else:
            labels = tuple(x.strip() for x in raw_labels)

    traits: list[Trait] = []
    seen_ids: set[str] = set()
    raw_traits = check.tables("", raw, "traits")
    if not raw_traits:
        check.add("", "no [[traits]]: add at least one trait")
    for t_index, t_raw in enumerate(raw_traits, start=1):
        entry = f"traits[{t_index}]"
        check.keys(entry, t_raw, _TRAIT_KEYS)
        t_id = check.text(entry, t_raw, "id")
        if t_id:
            entry = f"traits[{t_index}] '{t_id}'"
            if t_id in seen_ids:
                check.add(entry, f"id '{t_id}' is used twice: ids must be unique")
            seen_ids.add(t_id)
        name = check.text(entry, t_raw, "name")
        definition = check.text(entry, t_raw, "definition")
        items: list[Item] = []
        raw_items = check.tables(entry, t_raw, "items")
        low, high = ITEMS_PER_TRAIT
        if not low <= len(raw_items) <= high:
            check.add(entry, f"has {len(raw_items)} items; give each trait {low} to {high} items")
        for i_index, i_raw in enumerate(raw_items, start=1):
            i_entry = f"{entry} items[{i_index}]"
            check.keys(i_entry, i_raw, _ITEM_KEYS)
            i_id = check.text(i_entry, i_raw, "id")
            i_text = check.text(i_entry, i_raw, "text")
            if i_id:
                if i_id in seen_ids:
                    check.add(i_entry, f"id '{i_id}' is used twice: ids must be unique")
                seen_ids.add(i_id)
            items.append(Item(i_id, i_text))
        raw_tips = t_raw.get("tips", [])
        if not isinstance(raw_tips, list) or not all(
            isinstance(x, str) and x.strip() for x in raw_tips
        ):
            check.add(entry, "'tips' must be a list of non-empty texts")
            raw_tips = []
        elif len(raw_tips) < MIN_TIPS:
            check.add(entry, f"has {len(raw_tips)} tips; give at least {MIN_TIPS} per trait")
        team_use = t_raw.get("team_use", "")
        if not isinstance(team_use, str):
            check.add(entry, "'team_use' must be a text")
            team_use = ""
        traits.append(
            Trait(
                t_id,
                name,
                definition,
                tuple(items),
                tuple(x.strip() for x in raw_tips),
                team_use.strip(),
            )
        )

    reflections: list[Reflection] = []
    for r_index, r_raw in enumerate(check.tables("", raw, "reflections"), start=1):
        entry = f"reflections[{r_index}]"
        check.keys(entry, r_raw, _REFLECTION_KEYS)
        r_id = check.text(entry, r_raw, "id")
        reflections.append(
            Reflection(r_id, check.text(entry, r_raw, "title"), check.text(entry, r_raw, "prompt"))
        )

    commitments_raw = raw.get("commitments", {})
    suggestions: tuple[str, ...] = ()
    max_commitments = 3
    if not isinstance(commitments_raw, dict):
        check.add("[commitments]", "must be a table with 'max' and 'suggestions'")
    else:
        check.keys("[commitments]", commitments_raw, _COMMITMENT_KEYS)
        max_commitments = commitments_raw.get("max", 3)
        if not isinstance(max_commitments, int) or not 1 <= max_commitments <= 5:
            check.add("[commitments]", "'max' must be a whole number from 1 to 5")
            max_commitments = 3
        raw_suggestions = commitments_raw.get("suggestions", [])
        if not isinstance(raw_suggestions, list) or not all(
            isinstance(x, str) for x in raw_suggestions
        ):
            check.add("[commitments]", "'suggestions' must be a list of texts")
        else:
            suggestions = tuple(x.strip() for x in raw_suggestions if x.strip())

    grid = None
    if "grid" in raw:
        grid = _parse_grid(check, raw["grid"], traits)

    if check.problems:
        raise ContentError(check.problems)
    return Instrument(
        id=instrument_id,
        title=title,
        intro=intro,
        scale=Scale(labels),
        traits=tuple(traits),
        reflections=tuple(reflections),
        commitment_suggestions=suggestions,
        max_commitments=max_commitments,
        grid=grid,
        source=file,
    )


def _texts(check: Checker, entry: str, table: dict, key: str, count: int | None = None) -> tuple:
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        check.add(entry, f"'{key}' must be a list of non-empty texts in quotes")
        return ()
    if count is not None and len(value) != count:
        check.add(entry, f"'{key}' needs exactly {count} texts, not {len(value)}")
        return ()
    return tuple(x.strip() for x in value)


def _parse_grid(check: Checker, raw: object, traits: list[Trait]) -> Grid | None:
    """Read the optional [grid] table: two traits read as the axes of four blocks."""
    entry = "[grid]"
    if not isinstance(raw, dict):
        check.add(entry, "must be a table with x, y, x_labels, y_labels, near and blocks")
        return None
    check.keys(entry, raw, _GRID_KEYS)
    axes = []
    by_id = {t.id: t for t in traits}
    for axis in ("x", "y"):
        trait_id = check.text(entry, raw, axis)
        if trait_id and trait_id not in by_id:
            check.add(
                entry,
                f"'{axis}' names trait '{trait_id}', which is not a trait here "
                f"(traits: {', '.join(sorted(by_id))})",
            )
        elif trait_id and len(by_id[trait_id].items) < MIN_AXIS_ITEMS:
            check.add(
                entry,
                f"axis '{axis}' (trait '{trait_id}') has {len(by_id[trait_id].items)} items; "
                f"an axis needs at least {MIN_AXIS_ITEMS}, so a point near a line is told apart "
                "from one in a block",
            )
        axes.append(trait_id)
    x_labels = _texts(check, entry, raw, "x_labels", 2)
    y_labels = _texts(check, entry, raw, "y_labels", 2)
    near = raw.get("near", 0.3)
    if isinstance(near, bool) or not isinstance(near, int | float) or not 0 <= near < 1:
        check.add(entry, "'near' must be a number from 0 to just under 1, such as 0.3")
        near = 0.3
    blocks: list[Block] = []
    quadrants: dict[tuple[str, str], str] = {}
    for index, b_raw in enumerate(check.tables(entry, raw, "blocks"), start=1):
        b_entry = f"grid.blocks[{index}]"
        check.keys(b_entry, b_raw, _BLOCK_KEYS)
        b_id = check.text(b_entry, b_raw, "id")
        sides = []
        for axis in ("x", "y"):
            side = b_raw.get(axis)
            if side not in ("low", "high"):
                check.add(b_entry, f'\'{axis}\' must be "low" or "high", not {side!r}')
            sides.append(str(side))
        quadrant = (sides[0], sides[1])
        if quadrant in quadrants:
            check.add(b_entry, f"covers the same quadrant as block '{quadrants[quadrant]}'")
        quadrants[quadrant] = b_id
        steps = _texts(check, b_entry, b_raw, "steps")
        if steps and len(steps) < MIN_STEPS:
            check.add(b_entry, f"has {len(steps)} steps; give at least {MIN_STEPS}")
        blocks.append(
            Block(
                b_id,
                check.text(b_entry, b_raw, "name"),
                sides[0],
                sides[1],
                check.text(b_entry, b_raw, "description"),
                steps,
            )
        )
    if len(blocks) != 4:
        check.add(entry, f"has {len(blocks)} [[grid.blocks]]; give exactly 4, one per quadrant")
    for quadrant in [(x, y) for y in ("low", "high") for x in ("low", "high")]:
        if quadrant not in quadrants:
            check.add(entry, f'no block covers x = "{quadrant[0]}", y = "{quadrant[1]}"')
    related: list[RelatedTraits] = []
    for index, r_raw in enumerate(check.tables(entry, raw, "related"), start=1):
        r_entry = f"grid.related[{index}]"
        check.keys(r_entry, r_raw, _RELATED_KEYS)
        named = r_raw.get("axis")
        if named not in ("x", "y"):
            check.add(r_entry, f'\'axis\' must be "x" or "y", not {named!r}')
        related.append(
            RelatedTraits(
                str(named),
                check.text(r_entry, r_raw, "instrument"),
                _texts(check, r_entry, r_raw, "traits"),
            )
        )
    return Grid(
        axes[0],
        axes[1],
        (x_labels + ("", ""))[:2],
        (y_labels + ("", ""))[:2],
        float(near),
        tuple(blocks),
        tuple(related),
    )


def load_instrument_file(path: Path) -> Instrument:
    """Load and validate one instrument file.

    Raises
    ------
    ContentError
        When the file is unreadable or invalid.

    Examples
    --------
    >>> hl = load_instrument_file(data_dir() / "hidden_leader.toml")
    >>> hl.title, len(hl.traits), len(hl.items)
    ('Hidden-leader traits', 5, 20)
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ContentError([Problem(str(path), "", f"cannot be read ({err})")]) from None
    return parse_instrument(text, str(path))


def check_dir(directory: Path) -> tuple[list[Instrument], list[Problem]]:
    """Validate every ``*.toml`` content file in ``directory``.

    Returns
    -------
    instruments : list of Instrument
        The files that are valid.
    problems : list of Problem
        Everything wrong, across all files (empty when all is well).

    Examples
    --------
    >>> import tempfile
    >>> found, problems = check_dir(data_dir())
    >>> [i.id for i in found], problems
    (['focus_attitude', 'hidden_leader', 'openness_pulse'], [])
    >>> check_dir(Path(tempfile.mkdtemp()))[1][0].message
    'holds no *.toml content files'
    """
    if not directory.is_dir():
        return [], [Problem(str(directory), "", "is not a folder of content files")]
    files = sorted(directory.glob("*.toml"))
    if not files:
        return [], [Problem(str(directory), "", "holds no *.toml content files")]
    instruments: list[Instrument] = []
    problems: list[Problem] = []
    ids: dict[str, str] = {}
    for path in files:
        try:
            instrument = load_instrument_file(path)
        except ContentError as err:
            problems.extend(err.problems)
            continue
        if instrument.id in ids:
            problems.append(
                Problem(
                    str(path), "id", f"'{instrument.id}' is also the id of {ids[instrument.id]}"
                )
            )
            continue
        ids[instrument.id] = str(path)
        instruments.append(instrument)
    problems.extend(_related_problems(instruments))
    return instruments, problems


def _related_problems(found: list[Instrument]) -> list[Problem]:
    """Check that traits named across files (a grid's related traits) exist."""
    by_id = {i.id: i for i in found}
    problems = []
    for instrument in found:
        for index, related in enumerate(instrument.grid.related if instrument.grid else (), 1):
            entry = f"grid.related[{index}]"
            other = by_id.get(related.instrument)
            if other is None:
                problems.append(
                    Problem(
                        instrument.source,
                        entry,
                        f"instrument '{related.instrument}' is not in the content folder "
                        f"(known: {', '.join(sorted(by_id))})",
                    )
                )
                continue
            known = {t.id for t in other.traits}
            for trait_id in related.traits:
                if trait_id not in known:
                    problems.append(
                        Problem(
                            instrument.source,
                            entry,
                            f"'{related.instrument}' has no trait '{trait_id}' "
                            f"(traits: {', '.join(sorted(known))})",
                        )
                    )
    return problems


def instruments() -> dict[str, Instrument]:
    """Return the registry of instruments in the content folder, by id.

    Raises
    ------
    ContentError
        When any content file is invalid (run ``kit check`` to see why).

    Examples
    --------
    >>> sorted(instruments())
    ['focus_attitude', 'hidden_leader', 'openness_pulse']
    >>> instruments()["openness_pulse"].title
    'Openness pulse'
    """
    return _instruments_in(str(data_dir()))


@cache
def _instruments_in(directory: str) -> dict[str, Instrument]:
    # Read once per folder and process: each Voila page is a new kernel, so an
    # edited file shows on the next page load.
    found, problems = check_dir(Path(directory))
    if problems:
        raise ContentError(problems)
    return {i.id: i for i in found}


def get_instrument(instrument_id: str) -> Instrument:
    """Return one instrument by id; the error names the valid choices.

    Examples
    --------
    >>> get_instrument("focus_attitude").title
    'Focus and attitude'
    >>> get_instrument("nope")
    Traceback (most recent call last):
    ...
    KeyError: "unknown instrument 'nope' (known: focus_attitude, hidden_leader, openness_pulse)"
    """
    registry = instruments()
    try:
        return registry[instrument_id]
    except KeyError:
        raise KeyError(
            f"unknown instrument '{instrument_id}' (known: {', '.join(sorted(registry))})"
        ) from None
