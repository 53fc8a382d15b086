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


def check_record(record: object, where: str) -> list[str]:
    """Say what is wrong with a circle record from a file (an empty list when it can be imported)."""
    from kit.model import ACTION_STATUSES, FACTOR_KINDS, STORY_KINDS

    if not isinstance(record, dict):
        return [f"{where}: a circle must be an object"]
    errors: list[str] = []
    try:
        circle_from_dict(record.get("circle") or {})
    except CircleError as err:
        errors.append(f"{where}: {err}")
    if not isinstance(record.get("updated_at"), str):
        errors.append(f"{where}: 'updated_at' must be a date and time")
    ideas: set[tuple[int, int]] = set()
    try:
        for s in record.get("sessions", []):
            n_stories = len(s["stories"])
            for t in s["stories"]:
                if t["kind"] not in STORY_KINDS or not isinstance(t["text"], str):
                    errors.append(
                        f"{where} session {s['number']}: a story's kind must be unhappy or happy"
                    )
                for key in ("teller", "act", "where", "prevention"):
                    if not isinstance(t[key], str):
                        errors.append(
                            f"{where} session {s['number']}: a story's {key} must be text"
                        )
            for f in s["factors"]:
                if f["kind"] not in FACTOR_KINDS:
                    errors.append(f"{where} session {s['number']}: unknown list '{f['kind']}'")
                if f["story"] is not None and not (
                    isinstance(f["story"], int) and 0 <= f["story"] < n_stories
                ):
                    errors.append(
                        f"{where} session {s['number']}: an entry names a story that is not there"
                    )
            for n, i in enumerate(s["ideas"]):
                ideas.add((s["number"], n))
                if not all(
                    isinstance(v, str) and isinstance(c, int) and c > 0 for v, c in i["votes"]
                ):
                    errors.append(
                        f"{where} session {s['number']}: votes must be [voter, count] pairs"
                    )
            if not isinstance(s["number"], int) or not isinstance(s["held_on"], str):
                errors.append(f"{where}: a session needs a number and a date")
        for a in record.get("actions", []):
            if a["status"] not in ACTION_STATUSES:
                errors.append(f"{where}: action '{a['text']}' has status '{a['status']}'")
            if a["idea"] is not None and tuple(a["idea"]) not in ideas:
                errors.append(f"{where}: action '{a['text']}' names an idea that is not there")
            for e in a["history"]:
                if e["status"] not in ACTION_STATUSES or not isinstance(e["session"], int):
                    errors.append(f"{where}: action '{a['text']}' has a bad history entry")
    except (KeyError, TypeError, ValueError) as err:
        errors.append(f"{where}: the circle's sessions or actions are incomplete ({err})")
    return errors
