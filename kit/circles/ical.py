"""Calendar files (iCalendar, RFC 5545) for Customer Circles, written with ``icalendar``.

A circle's series is one event with a recurrence rule, so calendar apps show
the same dates the planner previews (:func:`kit.circles.meeting_days`), and a
time zone, so a 09:30 meeting stays at 09:30 across daylight-saving changes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kit.circles.model import AgendaBlock, Cadence
from kit.circles.planning import check_cadence, meeting_days

if TYPE_CHECKING:
    from icalendar import Calendar

PRODID = "-//Customer Value Workbooks//kit//EN"
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _calendar() -> Calendar:
    # icalendar takes longer to import than the rest of a page's modules
    # together: it loads when a file is written, not with every page.
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    return cal


def series_uid(key: str) -> str:
    """Return a stable UID for a series, so a re-imported file updates rather than duplicates.

    Examples
    --------
    The same key always gives the same UID:

    >>> series_uid("c-1a2b")
    'a6aa7cd9-c24e-5ba8-9198-de150ee18efa@customer-value-kit'
    >>> series_uid("c-1a2b") == series_uid("c-1a2b"), series_uid("c-1a2b") == series_uid("c-9f9f")
    (True, False)
    """
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, 'customer-value-kit:' + key)}@customer-value-kit"


def circle_series(
    key: str,
    title: str,
    cadence: Cadence,
    agenda: tuple[AgendaBlock, ...] = (),
    now: datetime | None = None,
    sequence: int = 0,
) -> bytes:
    """Return an .ics file with the circle's meetings as one recurring event.

    Parameters
    ----------
    key : str
        Identifies the circle; the event's UID is derived from it.
    title : str
        The event's summary (typed by a person: icalendar escapes it).
    cadence : Cadence
        When the circle meets.
    agenda : tuple of AgendaBlock
        Written into the description, one line a block.
    now : datetime, optional
        The DTSTAMP (defaults to the current UTC time).
    sequence : int
        The plan's revision: a calendar app replaces an event it has with a
        lower SEQUENCE for the same UID, so a changed plan updates the series.

    Returns
    -------
    bytes
        The calendar file's content.

    Examples
    --------
    Every two months on the last Thursday, starting from the first such day:

    >>> cadence = Cadence(2, -1, 3, "09:30", 90, "2027-01-01", "Europe/Amsterdam")
    >>> ics = circle_series("c-1a2b", "Team A", cadence, now=datetime(2026, 12, 1, tzinfo=UTC))
    >>> [line for line in ics.decode().splitlines() if line.startswith(("DTSTART;", "RRULE"))]
    ['DTSTART;TZID=Europe/Amsterdam:20270128T093000', 'RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=-1TH']
    """
    check_cadence(cadence)
    zone = ZoneInfo(cadence.timezone)
    first_day = meeting_days(cadence, 1)[0]
    hour, minute = (int(x) for x in cadence.start.split(":"))
    start = datetime(first_day.year, first_day.month, first_day.day, hour, minute, tzinfo=zone)
    from icalendar import Event, vRecur

    event = Event()
    event.add("uid", series_uid(key))
    event.add("dtstamp", now or datetime.now(UTC))
    event.add("sequence", sequence)
    event.add("summary", title)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=cadence.minutes))
    rule = vRecur(
        freq="MONTHLY",
        interval=cadence.months,
        byday=f"{cadence.ordinal}{_DAY_CODES[cadence.weekday]}",
    )
    event.add("rrule", rule)
    if cadence.place:
        event.add("location", cadence.place)
    if agenda:
        event.add(
            "description",
            "Agenda:\n" + "\n".join(f"{b.minutes} min  {b.title}" for b in agenda),
        )
    cal = _calendar()
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def due_dates(key: str, items: list[tuple[str, str, date]], now: datetime | None = None) -> bytes:
    """Return an .ics file with one all-day event per (id, summary, due date).

    Used for actions' due dates; each id gives a stable UID.

    Examples
    --------
    >>> items = [("7", "Call the bank", date(2027, 1, 12))]
    >>> ics = due_dates("c-1a2b", items, now=datetime(2026, 12, 1, tzinfo=UTC))
    >>> [line for line in ics.decode().splitlines() if line.startswith(("SUMMARY", "DTSTART"))]
    ['SUMMARY:Call the bank', 'DTSTART;VALUE=DATE:20270112']
    """
    from icalendar import Event

    cal = _calendar()
    for item_id, summary, due in items:
        event = Event()
        event.add("uid", series_uid(f"{key}:{item_id}"))
        event.add("dtstamp", now or datetime.now(UTC))
        event.add("summary", summary)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        cal.add_component(event)
    return cal.to_ical()
