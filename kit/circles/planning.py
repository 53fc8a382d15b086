"""Customer Circles: members' mix, the meeting cadence and the agenda's minutes.

Pure functions over :mod:`kit.model`: no I/O, no widgets. Calendar files are
written elsewhere (:mod:`kit.calendar`) from the same cadence, so the dates a
person previews are the dates their calendar shows.
"""

from __future__ import annotations

import calendar as _calendar
import secrets
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kit.circles.model import FRONT_LINE, ROLE_GROUPS, AgendaBlock, Cadence, Circle, Member

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
SIZE = (6, 12)


class CircleError(ValueError):
    """A circle's settings cannot be used; the message says what to change."""


def parse_rule(text: str) -> tuple[int, int]:
    """Read a rule such as "second Tuesday" or "last Thursday".

    Returns
    -------
    (ordinal, weekday)
        ``ordinal`` 1 to 5, or -1 for last; ``weekday`` 0 (Monday) to 6.

    Examples
    --------
    >>> parse_rule("Second tuesday"), parse_rule("last Thursday")
    ((2, 1), (-1, 3))
    """
    words = text.lower().split()
    if len(words) == 2 and words[0] in ORDINALS:
        days = [d.lower() for d in WEEKDAYS]
        if words[1] in days:
            return ORDINALS[words[0]], days.index(words[1])
    raise CircleError(
        f"'{text}' is not a meeting rule: write one of {', '.join(ORDINALS)} followed by a "
        'weekday, such as "second Tuesday" or "last Thursday"'
    )


def rule_words(ordinal: int, weekday: int) -> str:
    """Return "second Tuesday" for (2, 1).

    The reverse of :func:`parse_rule`.

    Examples
    --------
    >>> rule_words(2, 1), rule_words(-1, 4)
    ('second Tuesday', 'last Friday')
    >>> rule_words(*parse_rule("third wednesday"))
    'third Wednesday'
    """
    word = next(w for w, n in ORDINALS.items() if n == ordinal)
    return f"{word} {WEEKDAYS[weekday]}"


def nth_weekday(year: int, month: int, ordinal: int, weekday: int) -> date | None:
    """Return the ``ordinal``-th ``weekday`` of a month, or None when it has none (a fifth).

    Examples
    --------
    >>> nth_weekday(2026, 12, -1, 3), nth_weekday(2027, 2, 5, 0)
    (datetime.date(2026, 12, 31), None)
    """
    days = [
        d
        for d in _calendar.Calendar().itermonthdates(year, month)
        if d.month == month and d.weekday() == weekday
    ]
    if ordinal == -1:
        return days[-1]
    return days[ordinal - 1] if ordinal <= len(days) else None


def check_cadence(cadence: Cadence) -> Cadence:
    """Return the cadence if it can be used; raise :class:`CircleError` saying what to fix.

    Examples
    --------
    >>> cadence = Cadence(1, 2, 1, "09:30", 90, "2027-01-12", "Europe/Amsterdam")
    >>> check_cadence(cadence) is cadence
    True
    >>> check_cadence(Cadence(1, 2, 1, "9.30", 90, "2027-01-12"))
    Traceback (most recent call last):
    ...
    kit.circles.planning.CircleError: '9.30' is not a time of day: write it as 09:30.
    """
    ints = (cadence.months, cadence.ordinal, cadence.weekday, cadence.minutes)
    if any(isinstance(n, bool) or not isinstance(n, int) for n in ints):
        raise CircleError("The cadence's month step, rule, weekday and minutes must be numbers.")
    texts = (cadence.start, cadence.first, cadence.timezone, cadence.place)
    if any(not isinstance(t, str) for t in texts) or len(cadence.place) > 300:
        raise CircleError("The cadence's time, date, time zone and place must be text.")
    if cadence.months not in (1, 2):
        raise CircleError("A circle meets every month or every two months.")
    if cadence.ordinal not in (1, 2, 3, 4, 5, -1) or not 0 <= cadence.weekday <= 6:
        raise CircleError('Choose a rule such as "second Tuesday" or "last Thursday".')
    try:
        datetime.strptime(cadence.start, "%H:%M")
    except ValueError:
        raise CircleError(f"'{cadence.start}' is not a time of day: write it as 09:30.") from None
    if not 15 <= cadence.minutes <= 240:
        raise CircleError("A circle meets for 15 minutes to 4 hours; 60 to 90 minutes is usual.")
    try:
        date.fromisoformat(cadence.first)
    except ValueError:
        raise CircleError(f"'{cadence.first}' is not a date: write it as 2027-01-12.") from None
    try:
        ZoneInfo(cadence.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        raise CircleError(
            f"'{cadence.timezone}' is not a time zone: use a name such as Europe/Amsterdam."
        ) from None
    return cadence


def meeting_days(cadence: Cadence, count: int = 6, since: date | None = None) -> list[date]:
    """Return the next ``count`` meeting days from the cadence's first date on.

    The months step from the first date's month by ``cadence.months``; a month
    without the day (no fifth Tuesday) has no meeting, as calendar apps do
    with the same rule. ``since`` skips meetings before it (a preview shows
    what is still to come).

    Examples
    --------
    >>> c = Cadence(2, 5, 1, "09:30", 90, "2027-01-01", "Europe/Amsterdam")
    >>> [d.isoformat() for d in meeting_days(c, 3)]
    ['2027-03-30', '2027-11-30', '2028-05-30']
    """
    check_cadence(cadence)
    start = date.fromisoformat(cadence.first)
    first = max(start, since) if since else start
    year, month = start.year, start.month
    days: list[date] = []
    # Five years past the first wanted day is far more than any rule needs.
    span = (first.year - start.year) * 12 + first.month - start.month + 60
    for _ in range(span // cadence.months + 1):
        day = nth_weekday(year, month, cadence.ordinal, cadence.weekday)
        if day is not None and day >= first:
            days.append(day)
            if len(days) == count:
                break
        month += cadence.months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return days


def meetings(cadence: Cadence, count: int = 6) -> list[tuple[datetime, datetime]]:
    """Return (start, end) of the next meetings as aware datetimes in the circle's time zone.

    Examples
    --------
    The meeting stays at 09:30 local time when summer time begins in between:

    >>> cadence = Cadence(1, 2, 1, "09:30", 90, "2027-03-01", "Europe/Amsterdam")
    >>> [(s.isoformat(), f"{e:%H:%M}") for s, e in meetings(cadence, 2)]
    [('2027-03-09T09:30:00+01:00', '11:00'), ('2027-04-13T09:30:00+02:00', '11:00')]
    """
    zone = ZoneInfo(cadence.timezone)
    start = time.fromisoformat(cadence.start)
    out = []
    for day in meeting_days(cadence, count):
        begins = datetime.combine(day, start, tzinfo=zone)
        out.append((begins, begins + timedelta(minutes=cadence.minutes)))
    return out


def cadence_warning(cadence: Cadence) -> str:
    """Say what a user should know about an unusual rule, or return "".

    Examples
    --------
    >>> cadence_warning(Cadence(1, 5, 1, "09:30", 90, "2027-01-01"))[:36]
    'Not every month has a fifth Tuesday:'
    >>> cadence_warning(Cadence(1, -1, 1, "09:30", 90, "2027-01-01"))
    ''
    """
    if cadence.ordinal == 5:
        return (
            f"Not every month has a fifth {WEEKDAYS[cadence.weekday]}: those months have no "
            'meeting, and some calendar apps (Outlook among them) read "fifth" as "last". '
            '"Last" is the safer rule.'
        )
    return ""


def cadence_words(cadence: Cadence) -> str:
    """Say the cadence plainly, e.g. "every two months on the second Tuesday, 09:30–11:00".

    Never "bimonthly", which readers take as twice a month as often as every
    two months.

    Examples
    --------
    >>> cadence_words(Cadence(2, -1, 3, "14:00", 75, "2027-01-01", "Europe/Amsterdam"))
    'every two months on the last Thursday, 14:00–15:15 (Europe/Amsterdam)'
    """
    every = "every month" if cadence.months == 1 else "every two months"
    start = datetime.strptime(cadence.start, "%H:%M")
    end = start + timedelta(minutes=cadence.minutes)
    return (
        f"{every} on the {rule_words(cadence.ordinal, cadence.weekday)}, "
        f"{start:%H:%M}–{end:%H:%M} ({cadence.timezone})"
    )


def check_mix(members: list[Member] | tuple[Member, ...]) -> list[str]:
    """Say plainly what the circle's membership lacks (an empty list when the mix is right).

    The method asks for mostly front-line people, some staff from support
    functions such as IT, HR and finance, and a size that suits one
    conversation.

    Examples
    --------
    >>> check_mix([Member("Ana", "front line")] * 2)[0]
    'Only 2 members: a circle works best with 6 to 12, so everyone can speak.'
    """
    problems = []
    low, high = SIZE
    size = len(members)
    front = sum(m.group == FRONT_LINE for m in members)
    support = size - front
    if size < low:
        problems.append(
            f"Only {size} member{'s' if size != 1 else ''}: a circle works best with {low} to "
            f"{high}, so everyone can speak."
        )
    elif size > high:
        problems.append(
            f"{size} members is more than one conversation holds: split into two circles of "
            f"{low} to {high}."
        )
    if size and front * 2 <= size:
        problems.append(
            f"{front} of {size} are from the front line: most members should be people who "
            "meet customers every day."
        )
    if size and support == 0:
        problems.append(
            "Nobody from a support function (IT, HR, finance…): invite one or two, so causes "
            "in support can be fixed by the people who own them."
        )
    return problems


def check_member(members: tuple[Member, ...], name: str, group: str) -> Member:
    """Return a new member if the name is usable and new; raise :class:`CircleError`.

    Examples
    --------
    Spacing in the name is tidied; a name already in the circle, in any case, is refused:

    >>> members = (Member("Ana", "front line"),)
    >>> check_member(members, "  Bo   Berg ", "IT")
    Member(name='Bo Berg', group='IT')
    >>> check_member(members, "ana", "HR")
    Traceback (most recent call last):
    ...
    kit.circles.planning.CircleError: Ana is already a member.
    """
    name = " ".join(name.split())
    if not name:
        raise CircleError("Give the member's name.")
    if len(name) > 80:
        raise CircleError("Keep a name to 80 characters.")
    if group not in ROLE_GROUPS:
        raise CircleError(f"'{group}' is not a role group; choose {', '.join(ROLE_GROUPS)}.")
    for member in members:
        if member.name.casefold() == name.casefold():
            raise CircleError(f"{member.name} is already a member.")
    return Member(name, group)


def fit_agenda(blocks: tuple[AgendaBlock, ...], total: int) -> tuple[AgendaBlock, ...]:
    """Scale the template's minutes to a meeting of ``total`` minutes, keeping their order.

    Every block keeps at least 1 minute, and the minutes add up exactly to
    ``total`` (the rounding left over goes to the longest blocks).

    Examples
    --------
    >>> t = (AgendaBlock("a", "A", 10, ""), AgendaBlock("b", "B", 30, ""))
    >>> [b.minutes for b in fit_agenda(t, 90)]
    [23, 67]
    """
    if total < len(blocks):
        raise CircleError(f"{total} minutes is too short for {len(blocks)} agenda blocks.")
    weight = sum(b.minutes for b in blocks)
    exact = [b.minutes * total / weight for b in blocks]
    minutes = [max(1, int(x)) for x in exact]
    order = sorted(range(len(blocks)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    i = 0
    while sum(minutes) < total:
        minutes[order[i % len(order)]] += 1
        i += 1
    while sum(minutes) > total:
        biggest = max(range(len(minutes)), key=lambda k: minutes[k])
        minutes[biggest] -= 1
    return tuple(replace(b, minutes=m) for b, m in zip(blocks, minutes, strict=True))


def new_circle(
    template: tuple[AgendaBlock, ...], timezone: str = "UTC", today: date | None = None
) -> Circle:
    """A first draft: monthly on the second Tuesday at 09:30 for 90 minutes, from today.

    Parameters
    ----------
    template : tuple of AgendaBlock
        The agenda template, scaled to the 90 minutes (see :func:`fit_agenda`).
    timezone : str
        The IANA time zone the meetings are held in.
    today : date, optional
        The day the series starts from (defaults to today).

    Examples
    --------
    >>> from kit.circles.content import agenda_template
    >>> circle = new_circle(agenda_template(), "Europe/Amsterdam", date(2026, 12, 1))
    >>> meeting_days(circle.cadence, 1), sum(b.minutes for b in circle.agenda)
    ([datetime.date(2026, 12, 8)], 90)
    >>> circle.code.startswith("c-"), circle.members
    (True, ())
    """
    first = (today or date.today()).isoformat()
    cadence = Cadence(1, 2, 1, "09:30", 90, first, timezone)
    code = f"c-{secrets.token_hex(6)}"
    return Circle(code, "Customer Circle", cadence, (), fit_agenda(template, 90))


def countdown(minutes: int, started: str, now: datetime) -> tuple[int, bool]:
    """Seconds left in an agenda block of ``minutes`` started at ``started`` (ISO), and whether it is over.

    Before the block starts (``started`` is ''), the whole block is left. Over
    time, the seconds count up again, so the room sees by how much.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> at = datetime(2027, 1, 12, 9, 10, 30, tzinfo=timezone.utc)
    >>> countdown(15, "2027-01-12T09:00:00+00:00", at)
    (270, False)
    >>> countdown(5, "2027-01-12T09:00:00+00:00", at)
    (330, True)
    >>> countdown(5, "", at)
    (300, False)
    """
    total = minutes * 60
    if not started:
        return total, False
    gone = int((now - datetime.fromisoformat(started)).total_seconds())
    return (total - gone, False) if gone <= total else (gone - total, True)


def clock(seconds: int) -> str:
    """Minutes and seconds as a countdown shows them.

    Examples
    --------
    >>> clock(270), clock(3600)
    ('4:30', '60:00')
    """
    return f"{seconds // 60}:{seconds % 60:02d}"
