"""Load and validate the value-chain check's wording in ``data/organisation/value_chain.toml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kit.content import Checker, ContentError
from kit.organisation.model import ChainContent, Option, Role
from kit.paths import data_dir

CHAIN_FILE = Path("organisation") / "value_chain.toml"

# Every kind of gap the picture can find needs a suggested step.
STEP_KEYS = (
    "no_complaints",
    "no_calls",
    "no_voice",
    "no_metrics",
    "not_used",
    "not_verified",
    "no_gain",
    "no_adoption",
    "no_merit",
    "skill_gap",
    "segment_mismatch",
    "no_bridges",
    "bridge_unrewarded",
    "unbridged_chain",
    "no_customer",
    "no_promise",
    "no_meaning",
    "no_message",
    "contradiction",
    "early",
    "one_medium",
)
_KEYS = {"title", "roles", "voices", "gap_levels", "media", "priorities", "skill_examples", "steps"}
_PLACES = ("{role}", "{segment}", "{level}", "{name}")


def parse_chain(text: str, file: str = "<text>") -> ChainContent:
    """Parse and validate the check's content file, reporting every problem at once.

    Raises
    ------
    ContentError
        Naming the file, the entry and what to change.

    Examples
    --------
    >>> content = parse_chain((data_dir() / CHAIN_FILE).read_text(encoding="utf-8"))
    >>> [r.id for r in content.levels]
    ['executives', 'managers', 'front_line']
    >>> broken = (data_dir() / CHAIN_FILE).read_text(encoding="utf-8").replace(
    ...     'no_gain = "', 'no_gian = "')
    >>> try:
    ...     parse_chain(broken, "value_chain.toml")
    ... except ContentError as err:
    ...     print(err)
    value_chain.toml: steps: unknown key 'no_gian'; did you mean 'no_gain'? (allowed: ...
    """
    check = Checker(file)
    raw = check.toml(text)
    check.keys("", raw, _KEYS)
    title = check.text("", raw, "title")
    roles: list[Role] = []
    for n, r_raw in enumerate(check.tables("", raw, "roles"), start=1):
        entry = f"roles[{n}]"
        check.keys(entry, r_raw, {"id", "name", "cascade"})
        cascade = r_raw.get("cascade", True)
        if not isinstance(cascade, bool):
            check.add(entry, "'cascade' must be true or false")
            cascade = True
        roles.append(
            Role(check.text(entry, r_raw, "id"), check.text(entry, r_raw, "name"), cascade)
        )
    if not roles:
        check.add("roles", "list at least one role family as [[roles]] with an id and a name")
    elif not any(r.cascade for r in roles):
        check.add("roles", "mark at least one role with cascade = true: the promise needs a level")
    _unique(check, "roles", [r.id for r in roles])
    voices = _options(check, raw, "voices", "id")
    gap_levels = _options(check, raw, "gap_levels", "value")
    if [o.id for o in gap_levels] != [str(n) for n in range(len(gap_levels))] or not gap_levels:
        check.add("gap_levels", "give the levels values 0, 1, 2, ... in order (0 is no gap)")
    lists = {key: _texts(check, raw, key) for key in ("media", "priorities", "skill_examples")}
    steps_raw = raw.get("steps", {})
    steps: dict[str, str] = {}
    if not isinstance(steps_raw, dict):
        check.add("steps", "must be a [steps] table of suggested next steps")
    else:
        check.keys("steps", steps_raw, set(STEP_KEYS))
        for key in STEP_KEYS:
            steps[key] = check.text("steps", steps_raw, key)
            stray = [p for p in _between_braces(steps[key]) if p not in _PLACES]
            if stray:
                check.add(
                    f"steps.{key}",
                    f"'{stray[0]}' is not a place to fill; use {', '.join(_PLACES)}",
                )
    if check.problems:
        raise ContentError(check.problems)
    return ChainContent(
        title,
        tuple(roles),
        voices,
        gap_levels,
        lists["media"],
        lists["priorities"],
        lists["skill_examples"],
        steps,
    )


def _options(check: Checker, raw: dict, key: str, id_key: str) -> tuple[Option, ...]:
    found = []
    for n, o_raw in enumerate(check.tables("", raw, key), start=1):
        entry = f"{key}[{n}]"
        check.keys(entry, o_raw, {id_key, "label"})
        value = o_raw.get(id_key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        elif id_key == "value":
            check.add(entry, "'value' must be a whole number")
            value = ""
        else:
            value = check.text(entry, o_raw, id_key)
        found.append(Option(str(value), check.text(entry, o_raw, "label")))
    if not found:
        check.add(key, f"list at least one [[{key}]] with {id_key} and label")
    _unique(check, key, [o.id for o in found])
    return tuple(found)


def _texts(check: Checker, raw: dict, key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        check.add(key, f'must be a list of texts in quotes, such as {key} = ["...", "..."]')
        return ()
    return tuple(v.strip() for v in value if v.strip())


def _unique(check: Checker, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            check.add(key, f"'{item}' appears twice: each needs its own id")
        seen.add(item)


def _between_braces(text: str) -> list[str]:
    import re

    return re.findall(r"\{[^}]*\}", text)


@cache
def _load(directory: str) -> ChainContent:
    path = Path(directory) / CHAIN_FILE
    return parse_chain(path.read_text(encoding="utf-8"), str(path))


def chain_content(directory: Path | None = None) -> ChainContent:
    """The check's content from ``directory`` (the kit's data folder by default), read once.

    Raises
    ------
    ContentError
        When the file is wrong; ``kit check`` lists every problem.
    """
    return _load(str(directory or data_dir()))
