"""Pure scoring functions over the model: no I/O, no widgets."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from statistics import fmean

from kit.instruments.model import Block, Instrument, Placement, Results, TraitScore


def rating(value: object, points: int) -> int | None:
    """Return ``value`` as a rating from 1 to ``points``, or None if it is not one.

    Examples
    --------
    >>> rating("4", 5), rating("", 5), rating(9, 5)
    (4, None, None)
    """
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 1 <= number <= points else None


def trait_scores(instrument: Instrument, answers: Mapping[str, object]) -> tuple[TraitScore, ...]:
    """Score every trait as the mean of its answered items, in instrument order.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire.
    answers : mapping of str to value
        Answers by item id; unknown keys and non-ratings are ignored.

    Returns
    -------
    tuple of TraitScore
        One per trait; ``mean`` is None for a trait with no answered item.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> hl = get_instrument("hidden_leader")
    >>> scores = trait_scores(hl, {"urgency.1": 4, "urgency.2": "5"})
    >>> [(s.trait.id, s.mean) for s in scores if s.mean is not None]
    [('urgency', 4.5)]
    """
    points = instrument.scale.points
    scores = []
    for trait in instrument.traits:
        values = [rating(answers.get(item.id), points) for item in trait.items]
        given = [v for v in values if v is not None]
        scores.append(TraitScore(trait, round(fmean(given), 2) if given else None, len(given)))
    return tuple(scores)


def results(instrument: Instrument, answers: Mapping[str, object], grow: int = 2) -> Results:
    """Summarise a self-assessment: scores high to low, the strongest traits, the traits to grow.

    Strongest and traits to grow are named only once every item is answered,
    because a partial mean would point at the wrong habit. Ties are kept as
    ties: every trait at the top score is a strongest one, and every trait
    tied with the last one to grow is one to grow too, so the file's order
    never decides for the person. When every trait scores the same, none is
    named to grow.

    Parameters
    ----------
    instrument : Instrument
    answers : mapping of str to value
    grow : int, default 2
        How many traits to suggest growing (more when traits tie at the cut).

    Returns
    -------
    Results

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> hl = get_instrument("hidden_leader")
    >>> answers = {item.id: 3 for item in hl.items} | {"urgency.1": 5, "urgency.2": 5}
    >>> done = results(hl, answers)
    >>> [s.trait.id for s in done.strongest], len(done.to_grow)  # four traits tie at 3.00
    (['urgency'], 4)
    >>> answers |= {"ownership.1": 5, "ownership.2": 4, "enthusiasm.1": 1}
    >>> done = results(hl, answers)
    >>> [s.trait.id for s in done.strongest], [s.trait.id for s in done.to_grow]
    (['urgency'], ['enthusiasm', 'skill_and_communication', 'leading_change'])
    >>> results(hl, {"urgency.1": 5}).strongest  # not every item answered yet
    ()
    """
    scores = trait_scores(instrument, answers)
    answered = sum(s.answered for s in scores)
    total = len(instrument.items)
    ordered = tuple(sorted(scores, key=lambda s: -(s.mean if s.mean is not None else 0.0)))
    if answered < total or not ordered:
        return Results(ordered, answered, total, grow=grow)
    top = ordered[0].mean
    strongest = tuple(s for s in ordered if s.mean == top)
    rest = sorted((s for s in scores if s.mean != top), key=lambda s: s.mean or 0.0)
    if len(rest) > grow:
        cut = rest[grow - 1].mean
        rest = [s for s in rest if (s.mean or 0.0) <= (cut or 0.0)]
    return Results(ordered, answered, total, strongest, tuple(rest), grow)


def score_text(mean: float | None) -> str:
    """Write a trait score to the precision that tells scores apart (two places).

    Means of four ratings move in quarters, so one place would show 3.25 and
    3.20 (or 3.25 and 3.24) alike.

    Examples
    --------
    >>> score_text(3.25), score_text(4.0), score_text(None)
    ('3.25', '4.00', '—')
    """
    return "—" if mean is None else f"{mean:.2f}"


def progress(instrument: Instrument, answers: Mapping[str, object]) -> tuple[int, int]:
    """Return (answered, total) over the rated items.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> progress(get_instrument("hidden_leader"), {"urgency.1": 4, "urgency.2": "not a rating"})
    (1, 20)
    """
    points = instrument.scale.points
    answered = sum(rating(answers.get(i.id), points) is not None for i in instrument.items)
    return answered, len(instrument.items)


def unanswered(instrument: Instrument, answers: Mapping[str, object]) -> list[str]:
    """Return the ids of rated items still without a valid answer, in order.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> fa = get_instrument("focus_attitude")
    >>> unanswered(fa, {item.id: 4 for item in fa.items} | {"focus.2": 9})
    ['focus.2']
    """
    points = instrument.scale.points
    return [i.id for i in instrument.items if rating(answers.get(i.id), points) is None]


def placement(instrument: Instrument, answers: Mapping[str, object]) -> Placement | None:
    """Place a person on the instrument's four-block grid.

    A point within ``grid.near`` of the scale's middle on an axis is said to
    lie between the blocks on either side, because a questionnaire cannot
    tell the two apart that finely.

    Parameters
    ----------
    instrument : Instrument
        An instrument with a ``grid``.
    answers : mapping of str to value
        Answers by item id.

    Returns
    -------
    Placement or None
        None until every item of both axes is answered, or when the
        instrument has no grid.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> fa = get_instrument("focus_attitude")
    >>> answers = {f"focus.{n}": 5 for n in range(1, 5)} | {f"attitude.{n}": 1 for n in range(1, 5)}
    >>> placement(fa, answers).wording()
    'Problem Solver'
    >>> answers |= {"attitude.1": 4, "attitude.2": 4, "attitude.3": 3, "attitude.4": 2}
    >>> placement(fa, answers).wording()  # attitude 3.25: too close to the middle to call
    'between Problem Solver and Customer Value Creator, a little closer to Customer Value Creator'
    """
    grid = instrument.grid
    if grid is None:
        return None
    by_id = {s.trait.id: s for s in trait_scores(instrument, answers)}
    x_score, y_score = by_id[grid.x], by_id[grid.y]
    if not (x_score.complete and y_score.complete):
        return None
    assert x_score.mean is not None and y_score.mean is not None
    return place(instrument, x_score.mean, y_score.mean)


def place(instrument: Instrument, x: float, y: float) -> Placement | None:
    """Place a point given by its two axis means (see :func:`placement`).

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> place(get_instrument("focus_attitude"), 4.5, 4.25).wording()
    'Customer Value Creator'
    """
    grid = instrument.grid
    if grid is None:
        return None
    x, y = round(x, 2), round(y, 2)
    middle = (instrument.scale.points + 1) / 2
    # Means are rounded to 2 places, so compare with a little slack: a point
    # exactly `near` away counts as near.
    sides = [_sides(mean - middle, grid.near) for mean in (x, y)]
    blocks = tuple(b for b in grid.blocks if b.x in sides[0] and b.y in sides[1])
    leaning = None
    side_x, side_y = (_side(mean - middle) for mean in (x, y))
    if len(blocks) > 1 and side_x is not None and side_y is not None:
        leaning = grid.block(side_x, side_y)
    return Placement(x, y, blocks, leaning)


def _side(offset: float) -> str | None:
    if abs(offset) < 1e-9:
        return None
    return "high" if offset > 0 else "low"


def _sides(offset: float, near: float) -> tuple[str, ...]:
    if abs(offset) <= near + 1e-9:
        return ("low", "high")
    return ("high",) if offset > 0 else ("low",)


@dataclass(frozen=True)
class NextSteps:
    """What to do next from a point on the grid: where the steps come from, and the steps."""

    heading: str
    steps: tuple[str, ...]
    sources: tuple[Block, ...]  # the blocks the steps are taken from


_NAMED_WORKBOOKS = re.compile(r"\(workbooks? ([0-9][0-9 ,and]*)\)")


def _points_only_to(step: str, done: Collection[int]) -> bool:
    """True when a step's one purpose is a workbook the person has already finished."""
    named = _NAMED_WORKBOOKS.search(step)
    if named is None:
        return False
    numbers = {int(n) for n in re.findall(r"[0-9]+", named.group(1))}
    return bool(numbers) and numbers <= set(done)


def next_steps(instrument: Instrument, where: Placement, done: Collection[int] = ()) -> NextSteps:
    """The steps toward the grid's goal block from where a person stands.

    A point clearly inside a block takes that block's steps. A point on or
    near a line takes the steps of every block it sits beside except the
    goal, the block it leans to first, so the centre (3.0, 3.0) is not
    treated as a Risk Avoider. Steps that send the person to a workbook
    they have already finished (``done``, workbook numbers) are left out.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> fa = get_instrument("focus_attitude")
    >>> centre = next_steps(fa, place(fa, 3.0, 3.0))
    >>> centre.heading, [b.name for b in centre.sources]
    ('Steps toward Customer Value Creator from the centre of the grid', ['Risk Avoider', \
'Problem Solver', 'Empire Builder'])
    >>> next_steps(fa, place(fa, 4.5, 4.5)).heading
    'Staying a Customer Value Creator, and bringing others with you'
    >>> low = next_steps(fa, place(fa, 1.5, 1.5), done={1})
    >>> low.heading, any("workbook 01" in step for step in low.steps)
    ('Steps toward Customer Value Creator from Risk Avoider', False)
    """
    grid = instrument.grid
    assert grid is not None
    goal = grid.block("high", "high")
    if where.clear:
        block = where.blocks[0]
        sources: tuple[Block, ...] = (block,)
        if block.id == goal.id:
            heading = f"Staying a {goal.name}, and bringing others with you"
        else:
            heading = f"Steps toward {goal.name} from {block.name}"
    else:
        beside = [b for b in where.blocks if b.id != goal.id]
        if where.leaning is not None and where.leaning in beside:
            beside.remove(where.leaning)
            beside.insert(0, where.leaning)
        sources = tuple(beside)
        if len(where.blocks) == 4:
            heading = f"Steps toward {goal.name} from the centre of the grid"
        else:
            names = " and ".join(b.name for b in where.blocks)
            heading = f"Steps toward {goal.name} from between {names}"
    # Take the steps in turns, so the first ones shown come from every block beside the point.
    steps: list[str] = []
    longest = max((len(b.steps) for b in sources), default=0)
    for n in range(longest):
        for block in sources:
            if n < len(block.steps) and not _points_only_to(block.steps[n], done):
                steps.append(block.steps[n])
    limit = max(4, len(sources[0].steps)) if sources else 4
    return NextSteps(heading, tuple(steps[:limit]), sources)
