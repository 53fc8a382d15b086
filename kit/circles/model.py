"""Customer Circles' model: members, cadence, agenda, stories, factors, ideas and actions.

Frozen dataclasses with no I/O, no widgets and no plotting.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    # Whether the summary and exports may say who told an unhappy story; off by
    # default, so telling one stays safe beyond the room.
    name_tellers: bool = False


# What a circle session collects, in the method's order.
STORY_KINDS = ("unhappy", "happy")


ACTS = ("omission", "commission")


WHERE = (FRONT_LINE, "support")


FACTOR_KINDS = ("do not annoy", "delight")

# Dot votes each person has in a session, until the coach sets another number.
DEFAULT_VOTES = 3


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
    added_by: str = ""  # the public id of who sent it from their phone; '' for the facilitator


@dataclass(frozen=True)
class Factor:
    """A Do-Not-Annoy rule or a delight factor, drawn from one story (or none)."""

    id: int
    session: int
    kind: str
    text: str
    story: int | None = None
    entry: int | None = None  # the running list's entry this raises


# An entry of a running list moves from new to being worked on (an action
# addresses it) to solved or retired; the facilitator sets it.
ENTRY_STATUSES = ("new", "being worked on", "solved", "retired")


@dataclass(frozen=True)
class Raised:
    """One time an entry was raised: in which session, from which story (or none)."""

    session: int  # the session's number
    story: int | None = None
    story_text: str = ""


@dataclass(frozen=True)
class Entry:
    """An entry of the circle's running Do-Not-Annoy list or delight factors.

    It belongs to the circle, not to one session: each session that raises
    it again adds to ``raised``.

    Examples
    --------
    >>> e = Entry(1, "do not annoy", "Say when you will arrive",
    ...           raised=(Raised(1, 7), Raised(3, 9), Raised(3, None)))
    >>> e.first, e.last, e.per_session(), e.stories
    (1, 3, {1: 1, 3: 2}, 2)
    """

    id: int
    kind: str
    text: str
    status: str = "new"
    raised: tuple[Raised, ...] = ()

    @property
    def first(self) -> int | None:
        """The number of the session that first raised it."""
        return min((r.session for r in self.raised), default=None)

    @property
    def last(self) -> int | None:
        """The number of the session that last raised it."""
        return max((r.session for r in self.raised), default=None)

    @property
    def stories(self) -> int:
        """How many distinct stories are behind it."""
        return len({r.story for r in self.raised if r.story is not None})

    def per_session(self) -> dict[int, int]:
        """How many times each session raised it, by session number."""
        counts: dict[int, int] = {}
        for r in self.raised:
            counts[r.session] = counts.get(r.session, 0) + 1
        return counts


@dataclass(frozen=True)
class Change:
    """One kept change to a circle's records: what, by whom, before and after.

    ``before`` and ``after`` hold the changed fields (a merge keeps what it
    moved), so any change can be shown and undone and none is forgotten.
    """

    id: int
    session: int
    at: str
    who: str
    thing: str  # story, entry, idea or action
    thing_id: int
    change: str  # edit, delete, merge or undo
    before: dict
    after: dict
    undone: bool = False

    @property
    def described(self) -> str:
        """The change in words, as the page and its messages say it.

        Examples
        --------
        >>> Change(1, 2, "", "facilitator", "entry", 7, "merge", {}, {}).described
        'the merge of an entry'
        """
        article = "an" if self.thing[0] in "aeiou" else "a"
        return f"the {self.change} of {article} {self.thing}"


@dataclass(frozen=True)
class Idea:
    """An idea the team proposed in a session, with its votes by voter."""

    id: int
    session: int
    text: str
    by: str = ""
    votes: tuple[tuple[str, int], ...] = ()
    chosen: bool = False  # already made into an action
    added_by: str = ""  # the public id of who sent it from their phone; '' for the facilitator

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
    entry: int | None = None  # the running list's entry it addresses, if any
