"""Planned circles as plain data (for the store and answer files), checked on the way in."""

from __future__ import annotations

from dataclasses import asdict

from kit.circles import CircleError, check_cadence
from kit.model import ROLE_GROUPS, AgendaBlock, Cadence, Circle, Member


def circle_to_dict(circle: Circle) -> dict:
    """Return the circle as plain data."""
    return asdict(circle)


def circle_from_dict(data: dict) -> Circle:
    """Rebuild a circle from :func:`circle_to_dict` output.

    Raises
    ------
    CircleError
        Naming what is wrong, when the data is not a usable circle.
    """
    try:
        cadence = check_cadence(Cadence(**data["cadence"]))
        members = tuple(Member(**m) for m in data.get("members", []))
        agenda = tuple(AgendaBlock(**b) for b in data.get("agenda", []))
        circle = Circle(str(data["code"]), str(data["title"]), cadence, members, agenda)
    except (KeyError, TypeError) as err:
        raise CircleError(f"a circle's settings are incomplete ({err})") from None
    for member in members:
        if member.group not in ROLE_GROUPS:
            raise CircleError(f"member {member.name}: '{member.group}' is not a role group")
    if any(not isinstance(b.minutes, int) or b.minutes < 1 for b in agenda):
        raise CircleError("every agenda block needs a whole number of minutes, 1 or more")
    return circle
