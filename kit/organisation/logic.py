"""The value-chain check: edits that return a new check, and the one-page picture it gives.

Pure functions over :class:`~kit.organisation.model.ValueChainCheck`: no I/O,
no widgets. Every edit validates what was typed and raises
:class:`CheckEditError` with a sentence a manager can act on; the check
passed in is never changed, so undo is keeping the old value.

The picture follows customer focus down the role families (executives,
managers, support functions, front line) and says where it stops: the first
level that the customer's information or the value promise does not reach.
Every gap found gets a severity (3 stops focus, 2 weakens it, 1 is worth
fixing) and a concrete next step, the manager's own where they wrote one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from kit.maps.logic import RELATIONSHIP_LEVELS, analyse
from kit.maps.model import EXTERNAL, INTERNAL, OWN_TEAM, CustomerMap, name_key
from kit.organisation.model import (
    USED,
    Bridge,
    CascadeLine,
    ChainContent,
    Leaders,
    Message,
    RoleMetrics,
    Segment,
    Skill,
    Transition,
    ValueChainCheck,
)
from kit.team.anonymity import Gate

MAX_TEXT = 1000
MAX_NAME = 120
MAX_ROWS = 60  # per list: a check is a page for a leadership meeting, not a database
MAX_COUNT = 100_000
ROWS: dict[str, type] = {
    "skills": Skill,
    "segments": Segment,
    "bridges": Bridge,
    "messages": Message,
}
PART_NAMES = {
    "leaders": "Leaders close to customers",
    "metrics": "Metrics and incentives",
    "skills": "Skills",
    "segments": "Relationship levels",
    "bridges": "Bridge people",
    "cascade": "The value promise",
}


class CheckEditError(ValueError):
    """An edit that cannot be made; the message says what to change."""


# -- edits ------------------------------------------------------------------------------------


def _text(label: str, value: Any, limit: int = MAX_TEXT) -> str:
    text = str(value if value is not None else "").strip()
    if len(text) > limit:
        raise CheckEditError(f"Keep the {label} to {limit} characters; it has {len(text)}.")
    return text


def _count(label: str, value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise CheckEditError(f"The {label} is a whole number, such as 3; not '{value}'.") from None
    if not 0 <= number <= MAX_COUNT:
        raise CheckEditError(f"The {label} is a whole number from 0 to {MAX_COUNT:,}.")
    return number


def _choice(label: str, value: Any, allowed: tuple[str, ...]) -> str:
    value = str(value or "").strip()
    if value and value not in allowed:
        raise CheckEditError(f"'{value}' is not a choice for the {label}: {', '.join(allowed)}.")
    return value


def _day(value: Any) -> str:
    value = str(value or "").strip()
    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise CheckEditError(f"'{value}' is not a date: write it as 2027-03-15.") from None


def _cleaned(kind: type, values: dict[str, Any], content: ChainContent) -> dict[str, Any]:
    """Check and tidy the fields of one row or part (only those given)."""
    roles = tuple(r.id for r in content.roles)
    known = {f.name for f in fields(kind)}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise CheckEditError(f"There is no '{key}' to fill in here.")
        if key in ("seniors", "complaints", "calls"):
            out[key] = _count(
                {
                    "seniors": "number of senior people",
                    "complaints": "number who handled complaints",
                    "calls": "number who listened in on calls",
                }[key],
                value,
            )
        elif key == "voice":
            ids = tuple(o.id for o in content.voices)
            out[key] = tuple(_choice("customer's voice", v, ids) for v in value)
        elif key == "used":
            out[key] = _choice("use of the information", value, USED)
        elif key == "gap":
            gap = _count("gap", value)
            top = len(content.gap_levels) - 1
            if gap is None or gap > top:
                raise CheckEditError(f"The gap is from 0 (none) to {top}.")
            out[key] = gap
        elif key in ("wants", "offers"):
            out[key] = _choice("relationship level", value, RELATIONSHIP_LEVELS)
        elif key == "role" and kind in (Skill,):
            out[key] = _choice("role family", value, roles)
        elif key == "audience":
            out[key] = tuple(_choice("level", v, roles) for v in value)
        elif key == "medium":
            out[key] = _choice("medium", value, content.media)
        elif key == "first":
            out[key] = _choice("first thing", value, content.priorities)
        elif key == "on":
            out[key] = _day(value)
        elif key == "active":
            out[key] = bool(value)
        elif key in ("name", "skill", "where", "segment"):
            out[key] = " ".join(_text(key, value, MAX_NAME).split())
        else:
            out[key] = _text(key.replace("_", " "), value)
    return out


def set_leaders(check: ValueChainCheck, content: ChainContent, **values: Any) -> ValueChainCheck:
    """Record how close the senior people are to customers.

    Examples
    --------
    >>> from kit.organisation.content import chain_content
    >>> c = set_leaders(ValueChainCheck(), chain_content(), seniors="8", complaints=2)
    >>> c.leaders.seniors, c.leaders.complaints
    (8, 2)
    >>> set_leaders(c, chain_content(), complaints=9)
    Traceback (most recent call last):
    ...
    kit.organisation.logic.CheckEditError: 9 people handled complaints, but there are 8 senior people in all: correct one of the two.
    """
    leaders = replace(check.leaders, **_cleaned(Leaders, values, content))
    for what, number in (
        ("handled complaints", leaders.complaints),
        ("listened in", leaders.calls),
    ):
        if number is not None and leaders.seniors is not None and number > leaders.seniors:
            raise CheckEditError(
                f"{number} people {what}, but there are {leaders.seniors} senior people in all: "
                "correct one of the two."
            )
    return replace(check, leaders=leaders)


def set_role(
    check: ValueChainCheck, content: ChainContent, role: str, **values: Any
) -> ValueChainCheck:
    """Record what the metrics of one role family carry of the customer."""
    if content.role(role) is None:
        raise CheckEditError(f"There is no role family '{role}'.")
    current = check.metrics_of(role)
    new = replace(current, **_cleaned(RoleMetrics, values, content))
    roles = [r for r in check.roles if r.role != role] + [new]
    order = [r.id for r in content.roles]
    roles.sort(key=lambda r: order.index(r.role) if r.role in order else len(order))
    return replace(check, roles=tuple(roles))


def set_transition(check: ValueChainCheck, content: ChainContent, **values: Any) -> ValueChainCheck:
    """Record the change-over's temporary adoption metrics and their stakes."""
    return replace(
        check, transition=replace(check.transition, **_cleaned(Transition, values, content))
    )


def set_text(check: ValueChainCheck, key: str, value: str) -> ValueChainCheck:
    """Set one of the check's sentences: ``merit``, ``customer`` or ``promise``."""
    labels = {"merit": "recognition", "customer": "paying customer", "promise": "value promise"}
    if key not in labels:
        raise CheckEditError(f"There is no '{key}' to fill in here.")
    return _with(check, key, _text(labels[key], value))


def set_line(
    check: ValueChainCheck, content: ChainContent, where: str, kind: str = "level", **values: Any
) -> ValueChainCheck:
    """Write what the promise means for one level or team, and a behaviour that shows it."""
    if kind == "level" and content.role(where) is None:
        raise CheckEditError(f"There is no level '{where}'.")
    if kind not in ("level", "team"):
        raise CheckEditError(f"'{kind}' is neither a level nor a team.")
    new = replace(check.line(where, kind), **_cleaned(CascadeLine, values, content))
    kept = [c for c in check.cascade if not (c.where == where and c.kind == kind)]
    return replace(check, cascade=tuple([*kept, new]))


def add_row(
    check: ValueChainCheck, content: ChainContent, part: str, **values: Any
) -> ValueChainCheck:
    """Add a skill, segment, bridge person or message.

    Examples
    --------
    >>> from kit.organisation.content import chain_content
    >>> c = add_row(ValueChainCheck(), chain_content(), "segments", name=" Hospitals ")
    >>> add_row(c, chain_content(), "segments", name="hospitals")
    Traceback (most recent call last):
    ...
    kit.organisation.logic.CheckEditError: 'Hospitals' is already on the list: change that one instead.
    """
    kind = _part(part)
    row = kind(**{**_defaults(kind), **_cleaned(kind, values, content)})
    label = _row_label(row)
    if not label:
        raise CheckEditError(
            f"Give the {_what(part)} a {'text' if part == 'messages' else 'name'} first."
        )
    same = [r for r in getattr(check, part) if name_key(_row_label(r)) == name_key(label)]
    if part in ("segments", "bridges") and same:
        raise CheckEditError(
            f"'{_row_label(same[0])}' is already on the list: change that one instead."
        )
    rows = getattr(check, part)
    if len(rows) >= MAX_ROWS:
        raise CheckEditError(f"The list holds at most {MAX_ROWS} {part}.")
    return _with(check, part, (*rows, row))


def update_row(
    check: ValueChainCheck, content: ChainContent, part: str, index: int, **values: Any
) -> ValueChainCheck:
    """Change one row of a list."""
    _part(part)
    rows = list(getattr(check, part))
    if not 0 <= index < len(rows):
        raise CheckEditError("That row is no longer on the list; reload the page.")
    new = replace(rows[index], **_cleaned(type(rows[index]), values, content))
    if not _row_label(new):
        raise CheckEditError(f"The {_what(part)} cannot be empty: delete the row instead.")
    rows[index] = new
    return _with(check, part, tuple(rows))


def delete_row(check: ValueChainCheck, part: str, index: int) -> tuple[ValueChainCheck, Any]:
    """Delete one row; returns the new check and the row, for Undo."""
    _part(part)
    rows = list(getattr(check, part))
    if not 0 <= index < len(rows):
        raise CheckEditError("That row is no longer on the list; reload the page.")
    gone = rows.pop(index)
    return _with(check, part, tuple(rows)), gone


def restore_row(check: ValueChainCheck, part: str, index: int, row: Any) -> ValueChainCheck:
    """Put a deleted row back where it was (or at the end), into the check as it is now.

    Raises
    ------
    CheckEditError
        When a row with the same name has been added since.
    """
    _part(part)
    rows = list(getattr(check, part))
    if part in ("segments", "bridges") and any(
        name_key(_row_label(r)) == name_key(_row_label(row)) for r in rows
    ):
        raise CheckEditError(f"'{_row_label(row)}' is on the list again: nothing to bring back.")
    rows.insert(min(index, len(rows)), row)
    return _with(check, part, tuple(rows))


def set_step(check: ValueChainCheck, key: str, text: str) -> ValueChainCheck:
    """Write the manager's own next step for one gap ('' brings back the suggested one)."""
    text = _text("next step", text)
    steps = [(k, v) for k, v in check.steps if k != key]
    if text:
        steps.append((key, text))
    return replace(check, steps=tuple(steps))


def _with(check: ValueChainCheck, key: str, value: Any) -> ValueChainCheck:
    changes: dict[str, Any] = {key: value}
    return replace(check, **changes)


def _part(part: str) -> type:
    if part not in ROWS:
        raise CheckEditError(f"There is no list '{part}'.")
    return ROWS[part]


def _defaults(kind: type) -> dict[str, Any]:
    first = fields(kind)[0].name
    return {first: ""}


def _row_label(row: Any) -> str:
    return str(getattr(row, fields(row)[0].name) if not isinstance(row, Skill) else row.skill)


def _what(part: str) -> str:
    return {"skills": "skill", "segments": "segment", "bridges": "person", "messages": "message"}[
        part
    ]


# -- the picture ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """One thing in the way of customer focus, with a next step.

    ``key`` is the kind of gap (a key of the content's ``steps``); ``subject``
    what it is about (a role id, a segment, a person); ``id`` joins both and
    is where the manager's own step is kept.
    """

    key: str
    part: str
    subject: str
    title: str
    severity: int  # 3 large (it stops focus where it is), 2 medium (it weakens it), 1 small
    step: str = ""
    own: bool = False  # the step is the manager's own

    @property
    def id(self) -> str:
        return f"{self.key}:{name_key(self.subject)}"


@dataclass(frozen=True)
class Station:
    """One role family on the way down: what reaches it of the customer, and what breaks."""

    role: str
    name: str
    answered: bool
    breaks: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()

    @property
    def stops(self) -> bool:
        return bool(self.breaks)


@dataclass(frozen=True)
class Mismatch:
    """A segment whose wanted relationship differs from the one offered."""

    segment: str
    wants: str
    offers: str

    @property
    def distance(self) -> int:
        """Levels between them: positive when the organisation offers more than is wanted."""
        return RELATIONSHIP_LEVELS.index(self.offers) - RELATIONSHIP_LEVELS.index(self.wants)

    def sentence(self) -> str:
        more = "more" if self.distance > 0 else "less"
        return (
            f"{self.segment} wants '{self.wants}' and is offered '{self.offers}': "
            f"{abs(self.distance)} level{'s' if abs(self.distance) != 1 else ''} {more} than wanted."
        )


@dataclass(frozen=True)
class LevelPlan:
    """What the communication plan does for one level of the cascade."""

    role: str
    name: str
    messages: tuple[int, ...]  # indexes into the check's messages, by date
    media: tuple[str, ...]
    first_day: str = ""


@dataclass(frozen=True)
class ChainPicture:
    """The one-page picture of a check: where focus stops, its gaps, and the plan's checks."""

    stations: tuple[Station, ...]
    gaps: tuple[Gap, ...]
    mismatches: tuple[Mismatch, ...]
    plan: tuple[LevelPlan, ...]
    unanswered: tuple[str, ...]  # part names not answered yet
    chains: tuple[tuple[str, ...], ...] = ()  # the map's chains to a paying customer
    internal_named: str = ""  # an internal customer named as the paying customer

    @property
    def stops_at(self) -> Station | None:
        """The first level, from the top, that customer focus does not reach."""
        return next((s for s in self.stations if s.answered and s.stops), None)

    @property
    def top(self) -> tuple[Gap, ...]:
        """The three largest gaps."""
        return self.gaps[:3]

    def sentence(self) -> str:
        """Where customer focus stops, in one sentence.

        Examples
        --------
        >>> ChainPicture((), (), (), (), ("Skills",)).sentence()
        'Answer the parts of the check to see where customer focus stops.'
        """
        answered = [s for s in self.stations if s.answered]
        stop = self.stops_at
        if stop is not None:
            return f"Customer focus stops at {stop.name}: {'; '.join(stop.breaks)}."
        if not answered:
            return "Answer the parts of the check to see where customer focus stops."
        if len(answered) < len(self.stations):
            missing = ", ".join(s.name for s in self.stations if not s.answered)
            return (
                f"Customer focus reaches every level answered so far; not answered yet: {missing}."
            )
        return f"Customer focus reaches every level down to {self.stations[-1].name}."


def picture(
    check: ValueChainCheck, content: ChainContent, cmap: CustomerMap | None = None
) -> ChainPicture:
    """Follow customer focus down the organisation and rank what is in its way.

    Parameters
    ----------
    check : ValueChainCheck
    content : ChainContent
    cmap : CustomerMap, optional
        The manager's customer map: its chains without a bridge are gaps, and
        its internal customers must not be named as the paying customer.

    Examples
    --------
    >>> from kit.organisation.content import chain_content
    >>> content = chain_content()
    >>> c = set_leaders(ValueChainCheck(), content, seniors=6, complaints=2, calls=1,
    ...                 voice=("stories",))
    >>> c = set_role(c, content, "executives", metrics="Churn", used="yes", verified="Board",
    ...              gain="Bonus")
    >>> c = set_role(c, content, "managers", metrics="", used="no")
    >>> p = picture(c, content)
    >>> p.stops_at.name
    'Managers'
    >>> p.sentence()
    'Customer focus stops at Managers: no metric carries customer information; the customer information is not used in their work.'
    >>> [g.key for g in p.top]
    ['no_metrics', 'not_used', 'no_bridges']
    """
    cmap = cmap or CustomerMap()
    gaps: list[Gap] = []
    unanswered: list[str] = []

    def gap(key: str, part: str, subject: str, title: str, severity: int, **fill: str) -> None:
        own = check.step(f"{key}:{name_key(subject)}")
        step = own or content.steps.get(key, "").format(
            **{"role": "", "segment": "", "level": "", "name": "", **fill}
        )
        gaps.append(Gap(key, part, subject, title, severity, step, bool(own)))

    plan = _plan(check, content)
    plans = {p.role: p for p in plan}
    cascade_started = bool(check.customer or check.promise or check.cascade or check.messages)
    top_role = content.roles[0].id if content.roles else ""

    # Leaders close to customers: the top of the chain.
    leaders = check.leaders
    leaders_answered = leaders != Leaders()
    if not leaders_answered:
        unanswered.append(PART_NAMES["leaders"])
    if leaders.complaints == 0:
        gap(
            "no_complaints",
            "leaders",
            "leaders",
            "No senior leader handled a customer complaint personally last month",
            3,
        )
    if leaders.calls == 0:
        gap(
            "no_calls",
            "leaders",
            "leaders",
            "No senior leader listened in on live customer calls last month",
            2,
        )
    if leaders_answered and not leaders.voice and not leaders.voice_note:
        gap(
            "no_voice",
            "leaders",
            "leaders",
            "The customer's voice is not heard in leadership meetings",
            2,
        )

    metrics_answered = any(_answered(r) for r in check.roles) or bool(
        check.merit or check.transition != Transition()
    )
    if not metrics_answered:
        unanswered.append(PART_NAMES["metrics"])
    stations: list[Station] = []
    for role in content.roles:
        m = check.metrics_of(role.id)
        breaks: list[str] = []
        weak: list[str] = []
        answered = _answered(m)
        if role.id == top_role and leaders_answered:
            answered = True
            if leaders.complaints == 0 and leaders.calls == 0:
                breaks.append("no senior leader met a customer's problem first-hand last month")
            elif leaders.complaints == 0 or leaders.calls == 0:
                weak.append("senior leaders hear few customers first-hand")
        if _answered(m):
            for key, stops, said, title, severity in _metric_checks(m):
                (breaks if stops else weak).append(said)
                gap(key, "metrics", role.id, f"{role.name}: {title}", severity, role=role.name)
        if role.cascade and cascade_started:
            answered = True
            line = check.line(role.id)
            if not line.meaning:
                breaks.append("the promise has not been put into words for their job")
                gap(
                    "no_meaning",
                    "cascade",
                    role.id,
                    f"{role.name}: what the promise means for their job is not written",
                    2,
                    level=role.name,
                )
            elif not line.behaviour:
                weak.append("no behaviour shows the promise yet")
                gap(
                    "no_meaning",
                    "cascade",
                    role.id,
                    f"{role.name}: no behaviour that shows the promise",
                    1,
                    level=role.name,
                )
            if not plans[role.id].messages:
                breaks.append("no message about the promise reaches them")
                gap(
                    "no_message",
                    "cascade",
                    role.id,
                    f"{role.name}: no message about the promise reaches them",
                    2,
                    level=role.name,
                )
        stations.append(Station(role.id, role.name, answered, tuple(breaks), tuple(weak)))

    if check.transition.active and not check.transition.metrics:
        gap(
            "no_adoption",
            "metrics",
            "transition",
            "The change-over has no temporary adoption metrics",
            2,
        )
    if metrics_answered and not check.merit:
        gap("no_merit", "metrics", "merit", "Merit for customer results is not recognised", 1)

    # The value promise and its communication plan.
    internal_named = ""
    if cascade_started:
        if not check.customer:
            gap("no_customer", "cascade", "customer", "The paying customer is not named", 3)
        else:
            for e in cmap.elements:
                if e.kind in (INTERNAL, OWN_TEAM) and _names_in(e.name, check.customer):
                    internal_named = e.name
                    break
        if not check.promise:
            gap("no_promise", "cascade", "promise", "The value promise is not written", 3)
        for issue in _plan_issues(check, content, plan):
            gap(*issue[:5], **issue[5])
        for team in teams(cmap):
            if not check.line(team, "team").meaning:
                gap(
                    "no_meaning",
                    "cascade",
                    team,
                    f"{team}: what the promise means for this team is not written",
                    1,
                    level=team,
                )
    else:
        unanswered.append(PART_NAMES["cascade"])

    # Skills, relationship levels and bridge people.
    if not check.skills:
        unanswered.append(PART_NAMES["skills"])
    for sk in check.skills:
        if sk.gap > 0:
            gap(
                "skill_gap",
                "skills",
                f"{sk.role} {sk.skill}",
                f"{content.role_name(sk.role)}: {sk.skill} ({gap_label(content, sk.gap).lower()})",
                min(3, sk.gap),
                role=content.role_name(sk.role),
                name=sk.skill,
            )
            if sk.step and not check.step(f"skill_gap:{name_key(sk.role + ' ' + sk.skill)}"):
                gaps[-1] = replace(gaps[-1], step=sk.step, own=True)
    mismatches = tuple(
        Mismatch(s.name, s.wants, s.offers)
        for s in check.segments
        if s.wants and s.offers and s.wants != s.offers
    )
    if not check.segments:
        unanswered.append(PART_NAMES["segments"])
    for mm in mismatches:
        gap(
            "segment_mismatch",
            "segments",
            mm.segment,
            mm.sentence(),
            2 if abs(mm.distance) >= 2 else 1,
            segment=mm.segment,
        )
    summary = analyse(cmap)
    chains = tuple(s.path for s in summary.outputs if s.reaches)
    if not check.bridges:
        unanswered.append(PART_NAMES["bridges"])
        if len(unanswered) < len(PART_NAMES):
            gap(
                "no_bridges",
                "bridges",
                "bridges",
                "Nobody is named as a bridge between operations and the customer side",
                2,
            )
    for b in check.bridges:
        if not b.promoted and not b.rewarded:
            gap(
                "bridge_unrewarded",
                "bridges",
                b.name,
                f"{b.name}: bridging is neither rewarded nor a way up",
                1,
                name=b.name,
            )
    bridged_names = {name_key(b.chain) for b in check.bridges if b.chain} | {
        name_key(b.name) for b in check.bridges
    }
    seen: set[str] = set()
    for s in summary.unbridged:
        through = s.path[1] if len(s.path) > 2 else s.path[-1]
        if set(map(name_key, s.path)) & bridged_names or name_key(through) in seen:
            continue
        seen.add(name_key(through))
        gap(
            "unbridged_chain",
            "bridges",
            through,
            f"No bridge on the chain {' → '.join(s.path)}",
            2,
            name=through,
        )

    order = list(PART_NAMES)
    gaps.sort(key=lambda g: (-g.severity, order.index(g.part)))
    return ChainPicture(
        tuple(stations),
        tuple(gaps),
        mismatches,
        plan,
        tuple(unanswered),
        chains,
        internal_named,
    )


def _metric_checks(m: RoleMetrics) -> list[tuple[str, bool, str, str, int]]:
    """What is wrong with one role family's metrics: (gap, stops focus, station's words, gap's words, severity)."""
    found: list[tuple[str, bool, str, str, int]] = []
    if not m.metrics:
        found.append(
            (
                "no_metrics",
                True,
                "no metric carries customer information",
                "no metric carries customer information",
                3,
            )
        )
    if m.used == "no":
        found.append(
            (
                "not_used",
                True,
                "the customer information is not used in their work",
                "customer information is not used in the work",
                3,
            )
        )
    elif m.used == "partly":
        found.append(
            (
                "not_used",
                False,
                "the customer information is used only in part",
                "customer information is used only in part",
                2,
            )
        )
    if m.metrics and not m.verified:
        found.append(
            (
                "not_verified",
                False,
                "nobody checks that it is used",
                "nobody checks that customer information is used",
                2,
            )
        )
    if m.metrics and not m.gain:
        found.append(
            (
                "no_gain",
                False,
                "using it brings them nothing",
                "using customer information brings them nothing",
                2,
            )
        )
    return found


def _names_in(name: str, sentence: str) -> bool:
    """True when ``name`` appears in ``sentence`` as whole words (case and spaces ignored).

    Examples
    --------
    >>> _names_in("IT", "Owners with lifts"), _names_in("Billing", "Our billing team")
    (False, True)
    """
    words = re.escape(name_key(name)).replace(r"\ ", r"\s+")
    return re.search(rf"(?<!\w){words}(?!\w)", name_key(sentence)) is not None


def _answered(m: RoleMetrics) -> bool:
    return bool(m.metrics or m.used or m.verified or m.gain)


def gap_label(content: ChainContent, gap: int) -> str:
    """A gap level's words, as the content file gives them ("Large gap")."""
    return next((o.label for o in content.gap_levels if o.id == str(gap)), str(gap))


def teams(cmap: CustomerMap) -> tuple[str, ...]:
    """The teams of a customer map the promise is cascaded to: the own team, then internal ones.

    Examples
    --------
    >>> from kit.maps import logic as cm
    >>> m = cm.add_element(CustomerMap(), "Billing", "internal customer")
    >>> m = cm.add_element(m, "Field service", "own team")
    >>> m = cm.add_element(m, "Hospital", "external customer")
    >>> teams(m)
    ('Field service', 'Billing')
    """
    own = [e.name for e in cmap.elements if e.kind == OWN_TEAM]
    inside = [e.name for e in cmap.elements if e.kind == INTERNAL]
    return tuple(own + inside)


def paying_customers(cmap: CustomerMap) -> tuple[tuple[str, str], ...]:
    """The map's paying customers, with the relationship level its links give them.

    Examples
    --------
    >>> from kit.maps import logic as cm
    >>> m = cm.add_element(CustomerMap(), "Us", "own team")
    >>> m = cm.add_element(m, "Hospital", "external customer")
    >>> m = cm.add_connection(m, "Us", "Hospital", "repairs", level="trusted partner")
    >>> paying_customers(m)
    (('Hospital', 'trusted partner'),)
    """
    levels = {name_key(c.target): c.level for c in cmap.connections if c.level}
    return tuple(
        (e.name, levels.get(name_key(e.name), "")) for e in cmap.elements if e.kind == EXTERNAL
    )


def _plan(check: ValueChainCheck, content: ChainContent) -> tuple[LevelPlan, ...]:
    dated = sorted(range(len(check.messages)), key=lambda i: (check.messages[i].on or "9999", i))
    out = []
    for level in content.levels:
        reach = tuple(i for i in dated if level.id in check.messages[i].audience)
        media = tuple(
            dict.fromkeys(check.messages[i].medium for i in reach if check.messages[i].medium)
        )
        days = [check.messages[i].on for i in reach if check.messages[i].on]
        out.append(LevelPlan(level.id, level.name, reach, media, min(days) if days else ""))
    return tuple(out)


def _plan_issues(
    check: ValueChainCheck, content: ChainContent, plan: tuple[LevelPlan, ...]
) -> list[tuple[Any, ...]]:
    """The communication plan's gaps: contradictions, a level told before the one above, one medium."""
    issues: list[tuple[Any, ...]] = []
    for level in plan:
        firsts: dict[str, int] = {}
        for i in level.messages:
            first = check.messages[i].first
            if first:
                firsts.setdefault(first, i)
        if len(firsts) > 1:
            (a, i), (b, j) = list(firsts.items())[:2]
            issues.append(
                (
                    "contradiction",
                    "cascade",
                    level.role,
                    f"{level.name} hear two messages that put different things first: "
                    f"'{_short(check.messages[i].text)}' ({a}) and "
                    f"'{_short(check.messages[j].text)}' ({b})",
                    2,
                    {"level": level.name},
                )
            )
        if len(level.messages) >= 1 and len(level.media) == 1:
            issues.append(
                (
                    "one_medium",
                    "cascade",
                    level.role,
                    f"{level.name} hear about the promise by one medium only ({level.media[0]})",
                    1,
                    {"level": level.name},
                )
            )
    # Each level hears it after every level above it: compared with the latest of
    # their first days, so a level with no date in between hides nothing.
    for n, lower in enumerate(plan):
        above = [u for u in plan[:n] if u.first_day]
        if not lower.first_day or not above:
            continue
        upper = max(above, key=lambda u: u.first_day)
        if lower.first_day < upper.first_day:
            issues.append(
                (
                    "early",
                    "cascade",
                    lower.role,
                    f"{lower.name} hear the promise on {lower.first_day}, before {upper.name} "
                    f"({upper.first_day})",
                    1,
                    {"level": lower.name, "name": upper.first_day},
                )
            )
    return issues


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- the picture of several managers, for the coach ----------------------------------------

# How a gap reads when several managers' checks are counted together: the kit's
# words for the kind of gap and what it is about (a level, a segment, a skill), so
# that a manager's own sentences (messages, steps, notes) never reach the coach.
TEAM_WORDS = {
    "no_complaints": "No senior leader handled a complaint personally",
    "no_calls": "No senior leader listened in on live calls",
    "no_voice": "The customer's voice is not heard in leadership meetings",
    "no_metrics": "{subject}: no metric carries customer information",
    "not_used": "{subject}: customer information is not fully used",
    "not_verified": "{subject}: nobody checks that customer information is used",
    "no_gain": "{subject}: using customer information brings nothing",
    "no_adoption": "The change-over has no adoption metrics",
    "no_merit": "Merit for customer results is not recognised",
    "skill_gap": "A skill gap: {subject}",
    "segment_mismatch": "The relationship wanted and offered differ: {subject}",
    "no_bridges": "No bridge people are named",
    "bridge_unrewarded": "Bridge people are neither rewarded nor promoted",
    "unbridged_chain": "A chain to the paying customer has no bridge",
    "no_customer": "The paying customer is not named",
    "no_promise": "The value promise is not written",
    "no_meaning": "{subject}: the promise is not put into words for the job",
    "no_message": "{subject}: no message about the promise reaches them",
    "contradiction": "{subject}: messages put different things first",
    "early": "{subject}: told before the level above them",
    "one_medium": "{subject}: reached by one medium only",
}
# Gaps about one named person or chain are counted as one kind.
_ONE_KIND = {"bridge_unrewarded", "unbridged_chain", "no_bridges"}


@dataclass(frozen=True)
class TeamChain:
    """Several managers' checks counted together: where focus stops, and the shared gaps.

    Below the gate it holds no figures. ``people`` (named sessions only) has
    each manager's name, where focus stops for them and their largest gap.
    """

    gate: Gate
    stops: tuple[tuple[str, int], ...] = ()  # (level, managers who say focus stops there)
    gaps: tuple[tuple[str, int, int], ...] = ()  # (gap, managers, largest severity)
    mismatches: tuple[tuple[str, int], ...] = ()  # (segment, managers who see a mismatch)
    people: tuple[tuple[str, str, str], ...] = ()


def answered(pictures: list[tuple[str, ChainPicture]]) -> list[tuple[str, ChainPicture]]:
    """The pictures of checks with at least one level answered (the others count nowhere)."""
    return [(n, p) for n, p in pictures if any(s.answered for s in p.stations)]


def combine(
    pictures: list[tuple[str, ChainPicture]],
    content: ChainContent,
    min_group: int,
    named: bool,
    started: int = 0,
    covered: int | None = None,
) -> TeamChain:
    """Count several managers' pictures together, behind the minimum-group gate.

    In an anonymous session the figures cover the first managers to save, in
    whole steps of the minimum group (``covered`` gives the number when a
    kept level decides it, see :meth:`kit.store.sessions.TeamSessions.kept_figure`),
    and every gap is named in the kit's words: a level, never a skill, a
    segment or a team a manager typed. In a named one they cover everyone,
    with each manager's own line.

    Parameters
    ----------
    pictures : list of (name, ChainPicture)
        In the order the managers first saved.
    content : ChainContent
    min_group : int
    named : bool
    started : int
        How many have started (to tell "no answers yet" from "hidden").
    covered : int, optional
        How many of the answered pictures to count (anonymous sessions).

    Examples
    --------
    >>> from kit.organisation.content import chain_content
    >>> content = chain_content()
    >>> c = set_role(ValueChainCheck(), content, "managers", used="no")
    >>> one = ("Ana", picture(c, content))
    >>> combine([one, one], content, 3, named=False).gate.shown
    False
    >>> team = combine([one] * 4, content, 3, named=False)
    >>> team.gate.covered, team.stops[0]
    (3, ('Managers', 3))
    """
    done = answered(pictures)
    finished = len(done)
    if covered is None:
        covered = finished if named else finished - finished % min_group
    gate = Gate(
        finished, min_group, max(started, finished), covered if named or covered >= min_group else 0
    )
    if not named and not gate.shown:
        return TeamChain(gate)
    stops: dict[str, int] = {}
    gaps: dict[tuple[str, str], list[int]] = {}
    mismatches: dict[str, int] = {}
    words: dict[tuple[str, str], str] = {}
    people = []
    for name, p in done[:covered]:
        stop = p.stops_at
        where = stop.name if stop else "Reaches every level answered"
        stops[where] = stops.get(where, 0) + 1
        seen: set[tuple[str, str]] = set()
        for g in p.gaps:
            key, said = _team_gap(g, content, named)
            if key in seen:
                continue
            seen.add(key)
            words.setdefault(key, said)
            gaps.setdefault(key, []).append(g.severity)
        if named:
            for mm in p.mismatches:
                mismatches[mm.segment] = mismatches.get(mm.segment, 0) + 1
            people.append(
                (name or "(no name)", stop.name if stop else "—", p.top[0].title if p.top else "—")
            )
    level_order = [r.name for r in content.roles]
    ordered_stops = sorted(
        stops.items(), key=lambda kv: level_order.index(kv[0]) if kv[0] in level_order else 99
    )
    ranked = sorted(gaps.items(), key=lambda kv: (-len(kv[1]), -max(kv[1])))
    return TeamChain(
        gate,
        tuple(ordered_stops),
        tuple((words[key], len(sev), max(sev)) for key, sev in ranked),
        tuple(sorted(mismatches.items(), key=lambda kv: -kv[1])),
        tuple(people),
    )


def _team_gap(g: Gap, content: ChainContent, named: bool) -> tuple[tuple[str, str], str]:
    """How one manager's gap counts with the others': its key and its words.

    Examples
    --------
    >>> from kit.organisation.content import chain_content
    >>> gap = Gap("skill_gap", "skills", "managers Selling to hospitals", "Managers: ...", 2)
    >>> _team_gap(gap, chain_content(), named=False)
    (('skill_gap', 'managers'), 'A skill gap: Managers')
    """
    if g.key in _ONE_KIND:
        return (g.key, ""), TEAM_WORDS[g.key]
    if g.key == "skill_gap":
        if named:
            return (g.key, name_key(g.subject)), TEAM_WORDS[g.key].format(
                subject=g.title.split(" (")[0]
            )
        role = g.subject.split(" ", 1)[0]
        return (g.key, role), TEAM_WORDS[g.key].format(subject=content.role_name(role))
    if content.role(g.subject) is not None:
        return (g.key, g.subject), TEAM_WORDS[g.key].format(subject=content.role_name(g.subject))
    if named:
        return (g.key, name_key(g.subject)), TEAM_WORDS[g.key].format(subject=g.subject)
    # Something the manager named (a segment, a team of their map): one kind, no name.
    return (g.key, ""), _UNNAMED.get(g.key, TEAM_WORDS[g.key].format(subject="one of theirs"))


_UNNAMED = {
    "segment_mismatch": "A segment is offered another relationship than it wants",
    "no_meaning": "A team on the map: the promise is not put into words for the job",
    "no_message": "A team on the map: no message about the promise reaches it",
}
