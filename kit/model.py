"""The kit's model: frozen dataclasses with no I/O, no widgets and no plotting.

State is replaced (``dataclasses.replace``), never mutated, so a value handed to
the UI or a report cannot change under it.
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
    """A trait measured by several items, with tips for growing it."""

    id: str
    name: str
    definition: str
    items: tuple[Item, ...]
    tips: tuple[str, ...]


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


MIN_GROUP_DEFAULT = 5
MIN_GROUP_FLOOR = 3  # below three, a team figure gives away what one person answered
# The openness pulse: answered afresh in rounds, and anonymous in every session,
# named ones too (its answers carry a respondent id of their own per round).
PULSE = "openness_pulse"


@dataclass(frozen=True)
class TeamSession:
    """A coach's team session: people join with ``code``; ``coach_key`` opens the dashboard.

    ``anonymous`` sessions keep no names, and nobody (the coach included) sees
    one person's answers. Team figures show only once ``min_group`` people
    have answered. ``revealed`` lets participants' pages show the team's
    results. ``pulse_round`` is the openness pulse's current round.
    ``circle`` is the circle whose session the team can add to from their own
    devices ('' when none). A ``closed`` session takes no one new.
    """

    code: str
    title: str
    coach_key: str
    anonymous: bool = True
    min_group: int = MIN_GROUP_DEFAULT
    revealed: bool = False
    pulse_round: int = 1
    circle: str = ""
    closed: bool = False
    demo: bool = False
    created_at: str = ""


@dataclass(frozen=True)
class Participant:
    """A person answering, identified in exports by ``public_id`` only.

    ``resume_code`` gives access to the answers and never leaves the person's
    own screen or own download.
    """

    id: int
    public_id: str
    resume_code: str
    session: str | None = None
    display_name: str = ""
    demo: bool = False


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
    """What a completed (or partly completed) self-assessment shows."""

    scores: tuple[TraitScore, ...]
    answered: int
    total: int
    strongest: TraitScore | None = None
    to_grow: tuple[TraitScore, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        """True when every rated item is answered."""
        return self.answered == self.total


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


# The three kinds of element on a customer map, in the order the UI offers them.
OWN_TEAM = "own team"
INTERNAL = "internal customer"
EXTERNAL = "external customer"
ELEMENT_KINDS = (OWN_TEAM, INTERNAL, EXTERNAL)


@dataclass(frozen=True)
class MapElement:
    """A team, unit or customer on a customer map; the name identifies it.

    ``bridge`` marks people or teams who cross between the operations side
    and the customer-facing side.
    """

    name: str
    kind: str
    notes: str = ""
    bridge: bool = False


@dataclass(frozen=True)
class MapConnection:
    """An output handed from one element to another.

    ``level`` is the relationship with a paying customer (for a connection
    into an external customer); ``promise`` says how the output serves the
    value promise to the paying customer.
    """

    source: str
    target: str
    handover: str = ""
    level: str = ""
    promise: str = ""


@dataclass(frozen=True)
class CustomerMap:
    """One manager's map of outputs and the customers who receive them."""

    elements: tuple[MapElement, ...] = ()
    connections: tuple[MapConnection, ...] = ()

    def element(self, name: str) -> MapElement | None:
        """Return the element called ``name`` (case and spaces ignored), or None."""
        key = name_key(name)
        for element in self.elements:
            if name_key(element.name) == key:
                return element
        return None


def name_key(name: str) -> str:
    """Return the form of a name used to compare names: case and extra spaces ignored.

    Examples
    --------
    >>> name_key("  Field   Service ") == name_key("field service")
    True
    """
    return " ".join(name.split()).casefold()


# Who sits in a Customer Circle: mostly front-line people, some support staff.
FRONT_LINE = "front line"
ROLE_GROUPS = (FRONT_LINE, "IT", "HR", "finance", "other support staff")


@dataclass(frozen=True)
class Member:
    """A person in a Customer Circle, by name and role group."""

    name: str
    group: str


@dataclass(frozen=True)
class Cadence:
    """When a circle meets: every ``months`` months on a rule such as "second Tuesday".

    ``ordinal`` is 1 to 5 for first to fifth, or -1 for last; ``weekday`` is
    0 for Monday to 6 for Sunday. Times are local to ``timezone`` (an IANA
    name such as ``Europe/Amsterdam``), so a meeting stays at 09:30 across a
    daylight-saving change.
    """

    months: int
    ordinal: int
    weekday: int
    start: str  # "HH:MM"
    minutes: int
    first: str  # ISO date: the series starts on the first meeting day on or after it
    timezone: str = "UTC"
    place: str = ""


@dataclass(frozen=True)
class AgendaBlock:
    """One block of a circle's agenda, with minutes and a short guide for the facilitator."""

    id: str
    title: str
    minutes: int
    guide: str


@dataclass(frozen=True)
class Circle:
    """A planned Customer Circle: who is in it, when it meets, and its agenda.

    ``code`` is a public id (``c-`` and hex) that names the circle in links
    and files; the circle belongs to the person whose resume code planned it.
    """

    code: str
    title: str
    cadence: Cadence
    members: tuple[Member, ...] = ()
    agenda: tuple[AgendaBlock, ...] = ()


# What a circle session collects, in the method's order.
STORY_KINDS = ("unhappy", "happy")
ACTS = ("omission", "commission")
WHERE = (FRONT_LINE, "support")
FACTOR_KINDS = ("do not annoy", "delight")
ACTION_STATUSES = ("open", "done", "dropped")


@dataclass(frozen=True)
class Story:
    """A customer story told in a circle session; an unhappy one carries its cause."""

    id: int
    session: int
    kind: str
    text: str
    teller: str = ""
    act: str = ""
    where: str = ""
    prevention: str = ""


@dataclass(frozen=True)
class Factor:
    """A Do-Not-Annoy rule or a delight factor, drawn from one story (or none)."""

    id: int
    session: int
    kind: str
    text: str
    story: int | None = None


@dataclass(frozen=True)
class Idea:
    """An idea the team proposed in a session, with its votes by voter."""

    id: int
    session: int
    text: str
    by: str = ""
    votes: tuple[tuple[str, int], ...] = ()
    chosen: bool = False  # already made into an action

    @property
    def total(self) -> int:
        """All votes cast for the idea."""
        return sum(n for _, n in self.votes)


@dataclass(frozen=True)
class ActionEvent:
    """One change in an action's life: opened, updated, done or dropped, in a session."""

    session: int
    status: str
    note: str
    at: str


@dataclass(frozen=True)
class Action:
    """An owned action carried from session to session until done or dropped."""

    id: int
    text: str
    owner: str
    due: str  # ISO date
    opened: int  # the session number it was opened in
    status: str = "open"
    history: tuple[ActionEvent, ...] = ()
