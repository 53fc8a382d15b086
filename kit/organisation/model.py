"""The value-chain check's model: what one manager says about their organisation.

Frozen dataclasses with no I/O, no widgets and no plotting. A check has the
four parts of the organisation's value-chain check (leaders close to
customers, metrics and incentives, skills, relationship levels and bridge
people) and the value-promise cascade with its communication plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Role:
    """A role family, from the top down (content: ``data/organisation/value_chain.toml``)."""

    id: str
    name: str
    cascade: bool = True  # the value promise is cascaded to this level


@dataclass(frozen=True)
class Option:
    """One choice offered by the content file (a place for the customer's voice, a gap level)."""

    id: str
    label: str


@dataclass(frozen=True)
class ChainContent:
    """The check's wording: role families, choices, and a suggested step per kind of gap."""

    title: str
    roles: tuple[Role, ...]
    voices: tuple[Option, ...]
    gap_levels: tuple[Option, ...]  # id is the level's number as text ("0" .. "3")
    media: tuple[str, ...]
    priorities: tuple[str, ...]
    skill_examples: tuple[str, ...]
    steps: dict[str, str] = field(default_factory=dict)

    def role(self, role_id: str) -> Role | None:
        """The role family called ``role_id``, or None."""
        return next((r for r in self.roles if r.id == role_id), None)

    def role_name(self, role_id: str) -> str:
        """The role's name as people read it (the id itself for one the file no longer has)."""
        role = self.role(role_id)
        return role.name if role else role_id

    @property
    def levels(self) -> tuple[Role, ...]:
        """The levels the value promise is cascaded to, from the top down."""
        return tuple(r for r in self.roles if r.cascade)


@dataclass(frozen=True)
class Leaders:
    """How close the senior people are to customers, in numbers where the method has numbers.

    ``None`` is "not answered yet", which differs from 0.
    """

    seniors: int | None = None  # senior people in all
    complaints: int | None = None  # of them, how many handled a complaint personally last month
    calls: int | None = None  # how many listened in on live customer calls last month
    voice: tuple[str, ...] = ()  # where the customer's voice is heard (ids of content voices)
    voice_note: str = ""


@dataclass(frozen=True)
class RoleMetrics:
    """What the metrics of one role family carry of the customer, and what using them brings."""

    role: str
    metrics: str = ""  # the metrics that carry customer information
    used: str = ""  # "yes", "partly", "no", or "" (not answered)
    verified: str = ""  # how anyone sees that the information is used
    gain: str = ""  # what the person gains from using it


USED = ("yes", "partly", "no")


@dataclass(frozen=True)
class Transition:
    """The temporary adoption metrics of a change-over to customer focus, and their stakes."""

    active: bool = False
    metrics: str = ""
    stakes: str = ""


@dataclass(frozen=True)
class Skill:
    """A skill customer focus asks of a role, how far the role is from it, and the next step."""

    role: str
    skill: str
    gap: int = 1  # 0 (none) to 3 (large)
    step: str = ""


@dataclass(frozen=True)
class Segment:
    """A customer segment: the relationship it wants and the one the organisation offers now."""

    name: str
    wants: str = ""  # one of kit.maps.logic.RELATIONSHIP_LEVELS, or ""
    offers: str = ""
    note: str = ""


@dataclass(frozen=True)
class Bridge:
    """A person who crosses between the operations side and the customer-facing side."""

    name: str
    role: str = ""
    chain: str = ""  # the team or chain of the customer map they bridge
    identified: str = ""  # how such people are found
    cultivated: str = ""  # how they are developed
    promoted: str = ""  # how they can move up
    rewarded: str = ""  # how the bridging is rewarded


@dataclass(frozen=True)
class CascadeLine:
    """What the value promise means for one level or one team, and a behaviour that shows it.

    ``kind`` is ``level`` (``where`` is a role id) or ``team`` (a team on the map).
    """

    where: str
    kind: str = "level"
    meaning: str = ""
    behaviour: str = ""


@dataclass(frozen=True)
class Message:
    """One message of the communication plan: what, to which levels, by what, when."""

    text: str
    audience: tuple[str, ...] = ()  # role ids of the levels it reaches
    medium: str = ""
    on: str = ""  # the day it goes out, ISO (YYYY-MM-DD)
    first: str = ""  # what it asks people to put first (one of the content's priorities)


@dataclass(frozen=True)
class ValueChainCheck:
    """One manager's value-chain check and value-promise cascade.

    ``steps`` holds the manager's own next step for a gap, by the gap's key,
    in place of the suggested one.
    """

    leaders: Leaders = Leaders()
    roles: tuple[RoleMetrics, ...] = ()
    transition: Transition = Transition()
    merit: str = ""
    skills: tuple[Skill, ...] = ()
    segments: tuple[Segment, ...] = ()
    bridges: tuple[Bridge, ...] = ()
    customer: str = ""  # the paying customer, in one sentence
    promise: str = ""  # the organisation's value promise, in one sentence
    cascade: tuple[CascadeLine, ...] = ()
    messages: tuple[Message, ...] = ()
    steps: tuple[tuple[str, str], ...] = ()

    def metrics_of(self, role_id: str) -> RoleMetrics:
        """The metrics answer of one role family (empty when not answered)."""
        return next((r for r in self.roles if r.role == role_id), RoleMetrics(role_id))

    def line(self, where: str, kind: str = "level") -> CascadeLine:
        """The cascade's line for one level or team (empty when not written)."""
        return next(
            (c for c in self.cascade if c.where == where and c.kind == kind),
            CascadeLine(where, kind),
        )

    def step(self, key: str) -> str:
        """The manager's own next step for the gap ``key`` ('' when they wrote none)."""
        return dict(self.steps).get(key, "")

    @property
    def empty(self) -> bool:
        """True when nothing has been answered yet."""
        return self == ValueChainCheck()
