"""Load and validate the Customer Circle agenda template in ``data/circles/``."""

from __future__ import annotations

from pathlib import Path

from kit.circles.model import AgendaBlock
from kit.content import Checker, ContentError, Problem
from kit.paths import data_dir

# The method's order: each block feeds the next, so a template keeps all of them in it.
AGENDA_ORDER = (
    "review_actions",
    "unhappy_stories",
    "causes",
    "do_not_annoy",
    "happy_stories",
    "delight",
    "ideas",
    "actions",
)


AGENDA_FILE = Path("circles") / "agenda.toml"


_AGENDA_KEYS = {"title", "minutes", "blocks"}


_BLOCK_KEYS_AGENDA = {"id", "title", "minutes", "guide"}


def parse_agenda(text: str, file: str = "<text>") -> tuple[AgendaBlock, ...]:
    """Parse and validate the Customer Circle agenda template.

    Raises
    ------
    ContentError
        Listing every problem: a missing or moved block, minutes that are not
        whole numbers, an empty guide.

    Examples
    --------
    >>> block = '[[blocks]]\\nid = "{0}"\\ntitle = "Step"\\nminutes = 10\\nguide = "Talk."\\n'
    >>> text = "".join(block.format(i) for i in AGENDA_ORDER)
    >>> parse_agenda(text)[2]
    AgendaBlock(id='causes', title='Step', minutes=10, guide='Talk.')
    >>> parse_agenda(text.replace("minutes = 10", "minutes = 0", 1))
    Traceback (most recent call last):
    ...
    kit.content.ContentError: <text>: blocks[1]: 'minutes' must be a whole number of 1 or more
    """
    check = Checker(file)
    raw = check.toml(text)
    check.keys("", raw, _AGENDA_KEYS)
    blocks = []
    for index, b_raw in enumerate(check.tables("", raw, "blocks"), start=1):
        entry = f"blocks[{index}]"
        check.keys(entry, b_raw, _BLOCK_KEYS_AGENDA)
        b_id = check.text(entry, b_raw, "id")
        minutes = b_raw.get("minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
            check.add(entry, "'minutes' must be a whole number of 1 or more")
            minutes = 1
        blocks.append(
            AgendaBlock(
                b_id, check.text(entry, b_raw, "title"), minutes, check.text(entry, b_raw, "guide")
            )
        )
    ids = tuple(b.id for b in blocks)
    if ids != AGENDA_ORDER:
        missing = [i for i in AGENDA_ORDER if i not in ids]
        extra = [i for i in ids if i not in AGENDA_ORDER]
        detail = (
            "; ".join(
                part
                for part in (
                    f"missing: {', '.join(missing)}" if missing else "",
                    f"not part of the method: {', '.join(extra)}" if extra else "",
                )
                if part
            )
            or "the blocks are out of order"
        )
        check.add(
            "[[blocks]]",
            f"{detail}. The blocks must be, in this order: {', '.join(AGENDA_ORDER)}",
        )
    if check.problems:
        raise ContentError(check.problems)
    return tuple(blocks)


def agenda_template(directory: Path | None = None) -> tuple[AgendaBlock, ...]:
    """Load the agenda template from the content folder.

    Raises
    ------
    ContentError

    Examples
    --------
    The shipped template (or the one under ``KIT_DATA``) has every block of
    the method, in its order:

    >>> blocks = agenda_template()
    >>> tuple(b.id for b in blocks) == AGENDA_ORDER, blocks[0].id
    (True, 'review_actions')
    """
    path = (directory or data_dir()) / AGENDA_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ContentError([Problem(str(path), "", f"cannot be read ({err})")]) from None
    return parse_agenda(text, str(path))
