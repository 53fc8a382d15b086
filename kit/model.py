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
