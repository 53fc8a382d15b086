"""Planned circles as plain data (for the store and answer files), checked on the way in."""

from __future__ import annotations

from dataclasses import asdict

from kit.circles.model import ROLE_GROUPS, AgendaBlock, Cadence, Circle, Member
from kit.circles.planning import CircleError, check_cadence


def circle_to_dict(circle: Circle) -> dict:
    """Return the circle as plain data.

    Examples
    --------
    >>> cadence = Cadence(1, 2, 1, "09:30", 90, "2026-12-01")
    >>> circle = Circle("c-1a2b", "Team A", cadence, (Member("Ana", "front line"),))
    >>> data = circle_to_dict(circle)
    >>> data["members"], data["cadence"]["first"]
    (({'name': 'Ana', 'group': 'front line'},), '2026-12-01')
    """
    return asdict(circle)


def circle_from_dict(data: dict) -> Circle:
    """Rebuild a circle from :func:`circle_to_dict` output.

    Raises
    ------
    CircleError
        Naming what is wrong, when the data is not a usable circle.

    Examples
    --------
    >>> cadence = Cadence(1, 2, 1, "09:30", 90, "2026-12-01")
    >>> circle = Circle("c-1a2b", "Team A", cadence, (Member("Ana", "front line"),))
    >>> circle_from_dict(circle_to_dict(circle)) == circle
    True
    >>> circle_from_dict({"code": "c-1a2b", "title": "Team A"})
    Traceback (most recent call last):
    ...
    kit.circles.planning.CircleError: a circle's settings are incomplete (no cadence)
    """
    if not isinstance(data, dict) or not isinstance(data.get("cadence"), dict):
        raise CircleError("a circle's settings are incomplete (no cadence)")
    try:
        cadence = check_cadence(Cadence(**data["cadence"]))
        members = tuple(Member(**m) for m in data.get("members", []))
        agenda = tuple(AgendaBlock(**b) for b in data.get("agenda", []))
        circle = Circle(
            str(data["code"]),
            str(data["title"]),
            cadence,
            members,
            agenda,
            bool(data.get("name_tellers", False)),
        )
    except (KeyError, TypeError, AttributeError) as err:
        raise CircleError(f"a circle's settings are incomplete ({err})") from None
    if not circle.code.startswith("c-") or not 0 < len(circle.title) <= 200:
        raise CircleError("a circle needs a code and a title of up to 200 characters")
    for member in members:
        if not isinstance(member.name, str) or not 0 < len(member.name) <= 80:
            raise CircleError("every member needs a name of up to 80 characters")
        if member.group not in ROLE_GROUPS:
            raise CircleError(f"member {member.name}: '{member.group}' is not a role group")
    for block in agenda:
        if isinstance(block.minutes, bool) or not isinstance(block.minutes, int):
            raise CircleError("every agenda block needs a whole number of minutes")
        if not 1 <= block.minutes <= 240:
            raise CircleError("every agenda block needs 1 to 240 minutes")
        if not all(
            isinstance(t, str) and len(t) <= 2000 for t in (block.id, block.title, block.guide)
        ):
            raise CircleError("every agenda block needs an id, a title and a guide as text")
    return circle


def check_record(record: object, where: str) -> list[str]:
    """Say what is wrong with a circle record from a file (an empty list when it can be imported).

    Examples
    --------
    >>> circle = Circle("c-1a2b", "Team A", Cadence(1, 2, 1, "09:30", 90, "2026-12-01"))
    >>> check_record({"circle": circle_to_dict(circle), "updated_at": "2026-12-01T09:00"}, "a.json")
    []
    >>> check_record({"circle": circle_to_dict(circle)}, "a.json")
    ["a.json: 'updated_at' must be a date and time"]
    """
    from kit.circles.model import ACTION_STATUSES, ENTRY_STATUSES, FACTOR_KINDS, STORY_KINDS

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
    entries = record.get("entries")
    n_entries = len(entries) if isinstance(entries, list) else 0
    try:
        for e in entries or []:
            if e["kind"] not in FACTOR_KINDS or not _text(e["text"], 1000, required=True):
                errors.append(f"{where}: a list entry needs a kind and a text")
            if e["status"] not in ENTRY_STATUSES or not isinstance(e["deleted"], bool):
                errors.append(f"{where}: a list entry has status '{e['status']}'")
            if e["merged_into"] is not None and not _index(e["merged_into"], n_entries):
                errors.append(f"{where}: a list entry was merged into one that is not there")
        numbers = set()
        for s in record.get("sessions", []):
            label = f"{where} session {s.get('number')}"
            if not _int(s["number"], 1, 10_000) or not _iso(s["held_on"]):
                errors.append(f"{label}: a session needs a number and a date (YYYY-MM-DD)")
                continue
            numbers.add(s["number"])
            if not _int(s["votes_per_person"], 1, 20):
                errors.append(f"{label}: votes per person must be 1 to 20")
            n_stories = len(s["stories"])
            for t in s["stories"]:
                if t["kind"] not in STORY_KINDS or not _text(t["text"], 1000, required=True):
                    errors.append(f"{label}: a story needs a kind (unhappy or happy) and a text")
                if not all(_text(t[k], 1000) for k in ("teller", "act", "where", "prevention")):
                    errors.append(f"{label}: a story's teller, cause and prevention must be text")
            for f in s["factors"]:
                if f["kind"] not in FACTOR_KINDS or not _text(f["text"], 1000, required=True):
                    errors.append(f"{label}: a list entry needs a kind and a text")
                story = f["story"]
                if story is not None and not (_int(story, 0, 10_000) and story < n_stories):
                    errors.append(f"{label}: an entry names a story that is not there")
                if entries is not None and not _index(f.get("entry"), n_entries):
                    errors.append(f"{label}: a list row names an entry that is not there")
            for n, i in enumerate(s["ideas"]):
                ideas.add((s["number"], n))
                if not _text(i["text"], 1000, required=True) or not _text(i["by"], 80):
                    errors.append(f"{label}: an idea needs a text")
                if not all(_text(v, 80, True) and _int(c, 1, 20) for v, c in i["votes"]):
                    errors.append(f"{label}: votes must be [voter, count] pairs of 1 to 20")
        for a in record.get("actions", []):
            name = f"{where}: action '{str(a.get('text'))[:40]}'"
            if a["status"] not in ACTION_STATUSES:
                errors.append(f"{name} has status '{a['status']}'")
            if not (
                _text(a["text"], 1000, True) and _text(a["owner"], 80, True) and _iso(a["due"])
            ):
                errors.append(f"{name} needs a text, an owner and a due date (YYYY-MM-DD)")
            if not _int(a["opened"], 1, 10_000) or a["opened"] not in numbers:
                errors.append(f"{name} was opened in a session that is not in the file")
            if a["idea"] is not None and tuple(a["idea"]) not in ideas:
                errors.append(f"{name} names an idea that is not there")
            if a.get("entry") is not None and not _index(a["entry"], n_entries):
                errors.append(f"{name} names a list entry that is not there")
            for e in a["history"]:
                if (
                    e["status"] not in ACTION_STATUSES
                    or not _int(e["session"], 1, 10_000)
                    or not _text(e["note"], 1000)
                    or not _text(e["at"], 40)
                ):
                    errors.append(f"{name} has a bad history entry")
        errors += _check_changes(record, where)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        errors.append(f"{where}: the circle's sessions or actions are incomplete ({err!r})")
    return errors


def _check_changes(record: dict, where: str) -> list[str]:
    """Say what is wrong with a record's kept changes: each must name a thing in the file."""
    sessions = {s["number"]: s for s in record.get("sessions", [])}
    entries, actions = record.get("entries") or [], record.get("actions", [])

    def there(thing: str, ref: object) -> bool:
        if thing in ("story", "idea", "factor"):
            key = {"story": "stories", "idea": "ideas", "factor": "factors"}[thing]
            return (
                isinstance(ref, list)
                and len(ref) == 2
                and ref[0] in sessions
                and _index(ref[1], len(sessions[ref[0]][key]))
            )
        return _index(ref, len(entries if thing == "entry" else actions))

    errors = []
    for c in record.get("changes", []):
        ok = (
            c["thing"] in ("story", "idea", "entry", "action")
            and c["change"] in ("edit", "delete", "merge", "undo")
            and there(c["thing"], c["ref"])
            and isinstance(c["before"], dict)
            and isinstance(c["after"], dict)
            and _text(c["who"], 80)
            and _text(c["at"], 40)
            and isinstance(c["undone"], bool)
        )
        if ok and c["change"] == "merge":
            ok = there("entry", c["after"].get("into")) and all(
                there("factor", f) for f in c["before"].get("factors", [])
            )
        if not ok:
            errors.append(f"{where}: a kept change names something that is not in the file")
    return errors


def _index(value: object, length: int) -> bool:
    return _int(value, 0, 1_000_000) and value < length  # type: ignore[operator]


def _int(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _text(value: object, limit: int, required: bool = False) -> bool:
    return isinstance(value, str) and len(value) <= limit and (bool(value.strip()) or not required)


def _iso(value: object) -> bool:
    from datetime import date

    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return isinstance(value, str)
