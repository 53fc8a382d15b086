"""Customer Circles, the pure parts: members' mix, cadence rules, agenda minutes, calendar files."""

from datetime import date, datetime, time

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from kit.circles.content import agenda_template, parse_agenda
from kit.circles.ical import circle_series, due_dates
from kit.circles.model import Cadence, Member
from kit.circles.planning import (
    CircleError,
    cadence_words,
    check_member,
    check_mix,
    fit_agenda,
    meeting_days,
    meetings,
    nth_weekday,
    parse_rule,
)
from kit.cli import main
from kit.content import ContentError
from tests.conftest import ROOT

TUESDAY, THURSDAY = 1, 3


def cadence(
    months=1,
    rule="second Tuesday",
    start="09:30",
    minutes=90,
    first="2027-01-01",
    tz="Europe/Amsterdam",
):
    ordinal, weekday = parse_rule(rule)
    return Cadence(months, ordinal, weekday, start, minutes, first, tz, "Room 4")


# -- rules and dates ----------------------------------------------------------------


def test_rules_are_read_in_plain_words_and_a_wrong_one_says_what_to_write():
    assert parse_rule("second Tuesday") == (2, TUESDAY)
    assert parse_rule("LAST thursday") == (-1, THURSDAY)
    with pytest.raises(CircleError, match='such as "second Tuesday" or "last Thursday"'):
        parse_rule("every other Tuesday")


def test_months_with_and_without_a_fifth_weekday():
    assert nth_weekday(2027, 3, 5, TUESDAY) == date(2027, 3, 30)
    assert nth_weekday(2027, 2, 5, TUESDAY) is None
    assert nth_weekday(2027, 2, -1, TUESDAY) == date(2027, 2, 23)


def test_monthly_second_tuesday_starts_on_or_after_the_first_date():
    days = meeting_days(
        cadence(first="2027-01-13"), 3
    )  # the second Tuesday of January was the 12th
    assert days == [date(2027, 2, 9), date(2027, 3, 9), date(2027, 4, 13)]


def test_every_two_months_steps_two_months_and_skips_months_without_a_fifth_weekday():
    assert meeting_days(cadence(months=2, first="2027-01-01"), 4) == [
        date(2027, 1, 12),
        date(2027, 3, 9),
        date(2027, 5, 11),
        date(2027, 7, 13),
    ]
    fifth = meeting_days(cadence(months=2, rule="fifth Tuesday"), 3)
    # Jan, Mar, May, Jul, Sep, Nov 2027: only March and November have a fifth Tuesday.
    assert fifth == [date(2027, 3, 30), date(2027, 11, 30), date(2028, 5, 30)]


def test_a_meeting_keeps_its_local_time_across_a_daylight_saving_change():
    # Summer time starts in Amsterdam on 28 March 2027.
    series = meetings(cadence(rule="last Thursday", first="2027-03-01"), 2)
    (march, _), (april, _) = series
    assert march.date() == date(2027, 3, 25) and april.date() == date(2027, 4, 29)
    assert march.time() == april.time() == time(9, 30)
    assert march.utcoffset().total_seconds() == 3600 and april.utcoffset().total_seconds() == 7200


def test_the_cadence_is_said_plainly_never_bimonthly():
    words = cadence_words(cadence(months=2, rule="last Thursday", minutes=75))
    assert words == "every two months on the last Thursday, 09:30–10:45 (Europe/Amsterdam)"
    assert "bimonthly" not in words.lower()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"months": 3}, "every month or every two months"),
        ({"start": "9.30am"}, "not a time of day"),
        ({"minutes": 5}, "15 minutes to 4 hours"),
        ({"first": "next week"}, "not a date"),
        ({"timezone": "Mars/Olympus"}, "not a time zone"),
    ],
)
def test_bad_settings_say_what_to_fix(change, message):
    from dataclasses import replace

    with pytest.raises(CircleError, match=message):
        meeting_days(replace(cadence(), **change))


# -- members -------------------------------------------------------------------------


def test_the_mix_says_plainly_what_is_missing():
    front = [Member(f"F{n}", "front line") for n in range(7)]
    assert check_mix(front + [Member("Ida", "IT")]) == []
    too_few = check_mix(front[:3])
    assert too_few[0].startswith("Only 3 members") and "support function" in too_few[1]
    staff_heavy = check_mix(front[:3] + [Member(f"S{n}", "finance") for n in range(4)])
    assert staff_heavy == [
        "3 of 7 are from the front line: most members should be people who meet customers "
        "every day."
    ]
    assert check_mix(front * 2)[0].startswith("14 members is more than one conversation holds")


def test_members_need_a_new_name_and_a_known_group():
    members = (Member("Ana", "front line"),)
    assert check_member(members, "  Bo   Li ", "HR") == Member("Bo Li", "HR")
    with pytest.raises(CircleError, match="already a member"):
        check_member(members, "ana", "IT")
    with pytest.raises(CircleError, match="not a role group"):
        check_member(members, "Cy", "sales")


# -- agenda -------------------------------------------------------------------------------


def test_the_template_follows_the_methods_order():
    ids = [b.id for b in agenda_template()]
    assert ids == [
        "review_actions",
        "unhappy_stories",
        "causes",
        "do_not_annoy",
        "happy_stories",
        "delight",
        "ideas",
        "actions",
    ]


@pytest.mark.parametrize("total", [45, 60, 75, 90, 120, 17])
def test_minutes_are_scaled_to_the_meeting_and_add_up_exactly(total):
    blocks = fit_agenda(agenda_template(), total)
    assert sum(b.minutes for b in blocks) == total
    assert all(b.minutes >= 1 for b in blocks)
    assert [b.id for b in blocks] == [b.id for b in agenda_template()]


def test_an_agenda_with_a_moved_or_missing_block_is_refused_with_the_fix(tmp_path, capsys):
    text = (ROOT / "data" / "circles" / "agenda.toml").read_text()
    moved = (
        text.replace('id = "happy_stories"', 'id = "tmp"')
        .replace('id = "unhappy_stories"', 'id = "happy_stories"')
        .replace('id = "tmp"', 'id = "unhappy_stories"')
    )
    with pytest.raises(ContentError, match="the blocks are out of order"):
        parse_agenda(moved, "agenda.toml")
    from shutil import copytree

    copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "circles" / "agenda.toml").write_text(
        text.replace('id = "delight"', 'id = "delights"')
    )
    assert main(["check", str(tmp_path / "data")]) == 1
    err = capsys.readouterr().err
    assert "missing: delight; not part of the method: delights" in err


# -- calendar files ---------------------------------------------------------------------


def parsed(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


@pytest.mark.parametrize(
    "series",
    [
        cadence(),
        cadence(months=2, rule="fifth Tuesday"),
        cadence(rule="last Thursday", first="2027-03-01"),
        cadence(months=2, rule="first Monday", tz="America/New_York", first="2027-02-01"),
    ],
    ids=["monthly", "every-two-months-fifth", "across-dst", "new-york"],
)
def test_the_ics_parses_back_and_a_calendar_app_would_compute_the_same_dates(series):
    ics = circle_series("circle-1", "Customer Circle", series, fit_agenda(agenda_template(), 90))
    cal = parsed(ics)
    assert cal["VERSION"] == "2.0" and cal["PRODID"] == "-//Customer Value Workbooks//kit//EN"
    (event,) = cal.walk("VEVENT")
    for field in ("UID", "DTSTAMP", "DTSTART", "DTEND", "RRULE"):
        assert field in event, field
    assert cal.walk("VTIMEZONE")[0]["TZID"] == series.timezone
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == series.timezone and start.time() == time(9, 30)
    rule = event["RRULE"].to_ical().decode()
    occurrences = rrulestr(rule, dtstart=start)
    expanded = [occurrences[i] for i in range(6)]
    assert [d.date() for d in expanded] == meeting_days(series, 6)
    assert all(d.time() == time(9, 30) for d in expanded)
    assert "Open actions from last time" in event["DESCRIPTION"]


def test_the_uid_is_stable_so_a_second_download_updates_the_same_series():
    one = parsed(circle_series("circle-1", "A", cadence(), now=datetime(2026, 1, 1)))
    two = parsed(circle_series("circle-1", "B", cadence(), now=datetime(2026, 2, 1)))
    other = parsed(circle_series("circle-2", "A", cadence()))
    uid = one.walk("VEVENT")[0]["UID"]
    assert uid == two.walk("VEVENT")[0]["UID"] != other.walk("VEVENT")[0]["UID"]


def test_typed_text_cannot_add_events_or_fields_to_the_file():
    title = "Circle\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected; x, y"
    cal = parsed(circle_series("c", title, cadence()))
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == title.replace("\r\n", "\n")  # one event, text intact


def test_actions_due_dates_are_all_day_events():
    ics = due_dates("circle-1", [("a1", "Fix the invoice address", date(2027, 2, 1))])
    (event,) = parsed(ics).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2027, 2, 1)
    assert str(event["SUMMARY"]) == "Fix the invoice address"


def test_a_changed_plan_carries_a_higher_sequence_so_calendars_update_it():
    first = parsed(circle_series("c", "A", cadence(), sequence=1)).walk("VEVENT")[0]
    later = parsed(circle_series("c", "A", cadence(), sequence=7)).walk("VEVENT")[0]
    assert first["UID"] == later["UID"] and (first["SEQUENCE"], later["SEQUENCE"]) == (1, 7)
