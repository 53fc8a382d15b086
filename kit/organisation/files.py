"""The value-chain check as plain data (store, answer files) and the plan's calendar and CSV.

A check travels as one JSON object: the store keeps it so, and "Download my
answers" carries it beside the person's answers, map and circles. Reading it
back checks every field with the same rules as an edit (:mod:`kit.organisation.logic`),
so a hand-edited file cannot put into the store what the page would refuse.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, fields
from datetime import date, datetime
from typing import Any

from kit.organisation import logic
from kit.organisation.model import (
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


class CheckFileError(ValueError):
    """A stored or uploaded check that cannot be read; ``errors`` says what and where."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def check_to_dict(check: ValueChainCheck) -> dict[str, Any]:
    """The check as plain data (JSON-ready).

    Examples
    --------
    >>> from kit.organisation.content import chain_content
    >>> c = ValueChainCheck(promise="Lifts that never strand anyone")
    >>> check_from_dict(check_to_dict(c), chain_content()) == c
    True
    """
    data = asdict(check)
    data["steps"] = dict(check.steps)
    return data


def check_from_dict(data: Any, content: ChainContent, where: str = "the check") -> ValueChainCheck:
    """Read a check from plain data, with every field checked.

    Raises
    ------
    CheckFileError
        Naming each field that is wrong.

    Examples
    --------
    >>> from kit.organisation.content import chain_content
    >>> check_from_dict({"skills": [{"role": "pilots", "skill": "Flying"}]}, chain_content())
    Traceback (most recent call last):
    ...
    kit.organisation.files.CheckFileError: the check: skills 1: 'pilots' is not a choice for the role family: executives, managers, support, front_line.
    """
    if not isinstance(data, dict):
        raise CheckFileError([f"{where} must be an object"])
    errors: list[str] = []

    def one(kind: type, raw: Any, label: str) -> Any:
        if not isinstance(raw, dict):
            errors.append(f"{where}: {label} must be an object")
            return None
        known = {f.name for f in fields(kind)}
        values = {k: v for k, v in raw.items() if k in known}
        for key in ("voice", "audience"):
            if key in values:
                if not isinstance(values[key], list | tuple):
                    errors.append(f"{where}: {label}: '{key}' must be a list")
                    return None
                values[key] = tuple(values[key])
        try:
            return kind(**logic._cleaned(kind, values, content))
        except logic.CheckEditError as err:
            errors.append(f"{where}: {label}: {err}")
        except TypeError:
            errors.append(f"{where}: {label}: a required field is missing")
        return None

    def many(kind: type, key: str) -> tuple[Any, ...]:
        raw = data.get(key) or []
        if not isinstance(raw, list | tuple):
            errors.append(f"{where}: '{key}' must be a list")
            return ()
        if len(raw) > logic.MAX_ROWS:
            errors.append(f"{where}: '{key}' holds at most {logic.MAX_ROWS} rows")
            return ()
        found = [one(kind, row, f"{key} {n}") for n, row in enumerate(raw, start=1)]
        return tuple(f for f in found if f is not None)

    leaders = one(Leaders, data.get("leaders") or {}, "leaders") or Leaders()
    transition = one(Transition, data.get("transition") or {}, "transition") or Transition()
    texts = {}
    for key in ("merit", "customer", "promise"):
        try:
            texts[key] = logic._text(key, data.get(key, ""))
        except logic.CheckEditError as err:
            errors.append(f"{where}: {err}")
    steps_raw = data.get("steps") or {}
    if not isinstance(steps_raw, dict):
        errors.append(f"{where}: 'steps' must be an object")
        steps_raw = {}
    steps = tuple((str(k), logic._text("step", v)) for k, v in steps_raw.items() if str(v).strip())
    roles = many(RoleMetrics, "roles")
    unknown = [r.role for r in roles if content.role(r.role) is None]
    if unknown:
        errors.append(f"{where}: roles: '{unknown[0]}' is not a role family of this kit")
    check = ValueChainCheck(
        leaders=leaders,
        roles=roles,
        transition=transition,
        skills=many(Skill, "skills"),
        segments=many(Segment, "segments"),
        bridges=many(Bridge, "bridges"),
        cascade=many(CascadeLine, "cascade"),
        messages=many(Message, "messages"),
        steps=steps,
        **texts,
    )
    if errors:
        raise CheckFileError(errors)
    return check


def plan_csv(check: ValueChainCheck, content: ChainContent) -> str:
    """The communication plan as CSV, by date, formulas neutralised.

    Examples
    --------
    >>> from kit.organisation.content import chain_content
    >>> m = Message("=Kick-off", ("executives", "managers"), "Meeting", "2027-03-01",
    ...             "The paying customer")
    >>> print(plan_csv(ValueChainCheck(messages=(m,)), chain_content()), end="")
    date,message,levels,medium,puts_first
    2027-03-01,'=Kick-off,Executives; Managers,Meeting,The paying customer
    """
    from kit.store.records import neutralise

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "message", "levels", "medium", "puts_first"])
    for m in sorted(check.messages, key=lambda m: m.on or "9999"):
        levels = "; ".join(content.role_name(r) for r in m.audience)
        writer.writerow([neutralise(c) for c in (m.on, m.text, levels, m.medium, m.first)])
    return out.getvalue()


def plan_ics(
    check: ValueChainCheck, content: ChainContent, key: str, now: datetime | None = None
) -> bytes:
    """The communication plan as a calendar file: one all-day event per dated message.

    ``key`` (the person's public id) makes each event's UID stable, so a
    file imported again updates the calendar rather than doubling it.

    Examples
    --------
    >>> from datetime import UTC
    >>> from kit.organisation.content import chain_content
    >>> m = Message("Kick-off", ("managers",), "Meeting", "2027-03-01")
    >>> ics = plan_ics(ValueChainCheck(messages=(m,)), chain_content(), "p-1",
    ...                now=datetime(2026, 12, 1, tzinfo=UTC)).decode()
    >>> [line for line in ics.splitlines() if line.startswith(("SUMMARY", "DTSTART"))]
    ['SUMMARY:Value promise (Meeting) to Managers: Kick-off', 'DTSTART;VALUE=DATE:20270301']
    """
    from kit.circles.ical import due_dates

    items = []
    for n, m in enumerate(check.messages):
        if not m.on:
            continue
        levels = ", ".join(content.role_name(r) for r in m.audience) or "everyone"
        medium = f" ({m.medium})" if m.medium else ""
        items.append(
            (
                f"message-{n}",
                f"Value promise{medium} to {levels}: {m.text}",
                date.fromisoformat(m.on),
            )
        )
    return due_dates(f"value-chain:{key}", items, now=now)
