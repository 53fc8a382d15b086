"""The questionnaires' model: instruments, their items and traits, scores and placements.

Frozen dataclasses with no I/O, no widgets and no plotting: state is replaced
(``dataclasses.replace``), never mutated.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scale:
    """A response scale: ``points`` ordered labels, value 1 for the first label.

    Parameters
    ----------
    labels : tuple of str
        One behavioural anchor per point, lowest first.
    """

    labels: tuple[str, ...]

    @property
    def points(self) -> int:
        """Number of points on the scale."""
        return len(self.labels)

    def label(self, value: int) -> str:
        """Return the words for ``value`` (1-based)."""
        return self.labels[value - 1]


@dataclass(frozen=True)
class Item:
    """One statement the person rates on the instrument's scale."""

    id: str
    text: str


@dataclass(frozen=True)
class Trait:
    """A trait measured by several items, with tips for growing it.

    ``team_use`` says how a person strong in the trait can put it to work
    for their team (shown when it is their strongest).
    """

    id: str
    name: str
    definition: str
    items: tuple[Item, ...]
    tips: tuple[str, ...]
    team_use: str = ""


@dataclass(frozen=True)
class Reflection:
    """A free-text prompt (for example, who the paying customer is)."""

    id: str
    title: str
    prompt: str


@dataclass(frozen=True)
class Block:
    """One quadrant of a two-axis grid, such as the Customer Value Creator.

    ``x`` and ``y`` say which half of each axis it covers: ``"low"`` or ``"high"``.
    """

    id: str
    name: str
    x: str
    y: str
    description: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class RelatedTraits:
    """Traits of another instrument shown beside one axis of a grid."""

    axis: str
    instrument: str
    traits: tuple[str, ...]


@dataclass(frozen=True)
class Grid:
    """Two traits of an instrument read as the axes of a four-block grid.

    Parameters
    ----------
    x, y : str
        The trait ids on the horizontal and vertical axis.
    x_labels, y_labels : tuple of str
        Names of the (low, high) ends of each axis.
    near : float
        A mean within ``near`` of the scale's midpoint counts as on the line.
    blocks : tuple of Block
        Exactly one block per quadrant.
    related : tuple of RelatedTraits
        Other instruments' traits worth reading beside an axis.
    """

    x: str
    y: str
    x_labels: tuple[str, str]
    y_labels: tuple[str, str]
    near: float
    blocks: tuple[Block, ...]
    related: tuple[RelatedTraits, ...] = ()

    def block(self, x: str, y: str) -> Block:
        """Return the block in the ``x`` half and ``y`` half ("low" or "high")."""
        for block in self.blocks:
            if (block.x, block.y) == (x, y):
                return block
        raise KeyError((x, y))


@dataclass(frozen=True)
class Instrument:
    """A questionnaire loaded from a content file in ``data/``.

    Answer keys are ``item.id`` for rated items, ``reflection.<id>`` for
    reflections and ``commitment.<n>`` (1-based) for commitments.
    """

    id: str
    title: str
    intro: str
    scale: Scale
    traits: tuple[Trait, ...]
    reflections: tuple[Reflection, ...] = ()
    commitment_suggestions: tuple[str, ...] = ()
    max_commitments: int = 3
    grid: Grid | None = None
    source: str = ""

    @property
    def items(self) -> tuple[Item, ...]:
        """Every rated item, in trait order."""
        return tuple(item for trait in self.traits for item in trait.items)

    def trait(self, trait_id: str) -> Trait:
        """Return the trait with id ``trait_id``."""
        for trait in self.traits:
            if trait.id == trait_id:
                return trait
        raise KeyError(trait_id)

    def reflection_key(self, reflection: Reflection) -> str:
        """Return the answer key under which ``reflection`` is stored."""
        return f"reflection.{reflection.id}"

    def commitment_keys(self) -> tuple[str, ...]:
        """Return the answer keys of the commitment slots."""
        return tuple(f"commitment.{n}" for n in range(1, self.max_commitments + 1))

    def text_keys(self) -> tuple[str, ...]:
        """Return the keys of every free-text answer."""
        return tuple(self.reflection_key(r) for r in self.reflections) + self.commitment_keys()

    def check_answer(self, key: str, value: str) -> str | None:
        """Say what is wrong with an answer, or return None when it is valid.

        Parameters
        ----------
        key : str
            The item, ``reflection.<id>`` or ``commitment.<n>`` key.
        value : str
            The answer as stored (text).

        Returns
        -------
        str or None
            A sentence naming the problem, or None.
        """
        if key in {item.id for item in self.items}:
            try:
                number = int(value)
            except (TypeError, ValueError):
                return f"item '{key}' needs a whole number from 1 to {self.scale.points}, not {value!r}"
            if not 1 <= number <= self.scale.points:
                return f"item '{key}' needs a value from 1 to {self.scale.points}, not {number}"
            return None
        if key in self.text_keys():
            if len(str(value)) > 5000:
                return f"answer '{key}' is longer than 5000 characters"
            return None
        return f"'{key}' is not an item of instrument '{self.id}'"


@dataclass(frozen=True)
class TraitScore:
    """The mean of a trait's answered items (None when none is answered)."""

    trait: Trait
    mean: float | None
    answered: int

    @property
    def complete(self) -> bool:
        """True when every item of the trait is answered."""
        return self.answered == len(self.trait.items)


@dataclass(frozen=True)
class Results:
    """What a completed (or partly completed) self-assessment shows.

    ``strongest`` holds every trait at the top score (more than one when they
    tie) and ``to_grow`` the lowest ones, with every trait tied at the cut
    (so a tie is never broken by the file's order). Both are empty until
    every statement is answered.
    """

    scores: tuple[TraitScore, ...]
    answered: int
    total: int
    strongest: tuple[TraitScore, ...] = ()
    to_grow: tuple[TraitScore, ...] = field(default_factory=tuple)
    grow: int = 2  # how many traits to grow were asked for

    @property
    def complete(self) -> bool:
        """True when every rated item is answered."""
        return self.answered == self.total

    @property
    def all_level(self) -> bool:
        """True when every trait has the same score: none stands out."""
        return self.complete and len(self.strongest) == len(self.scores)


@dataclass(frozen=True)
class Placement:
    """Where a person's two axis scores put them on a grid.

    ``blocks`` holds the one block the point lies in, or the two or four
    blocks it lies between when it is within ``Grid.near`` of an axis.
    ``leaning`` is the block on whose side of the lines the point lies, or
    None when it sits exactly on a line.
    """

    x: float
    y: float
    blocks: tuple[Block, ...]
    leaning: Block | None

    @property
    def clear(self) -> bool:
        """True when the point lies clearly inside one block."""
        return len(self.blocks) == 1

    def wording(self) -> str:
        """Say where the point is in plain words, without forcing a block.

        Examples
        --------
        >>> b = Block("a", "Problem Solver", "high", "low", "", ())
        >>> c = Block("b", "Customer Value Creator", "high", "high", "", ())
        >>> Placement(4.0, 3.0, (b, c), None).wording()
        'between Problem Solver and Customer Value Creator'
        """
        names = [b.name for b in self.blocks]
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            text = f"between {names[0]} and {names[1]}"
        else:
            text = "near the centre, between all four blocks"
        if self.leaning is not None:
            text += f", a little closer to {self.leaning.name}"
        return text
