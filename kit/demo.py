"""Simulated answers, marked as demo data, for trying dashboards and for benchmarks."""

from __future__ import annotations

import contextlib
import dataclasses
import random
from dataclasses import dataclass

from kit.content import ContentError
from kit.database import Store
from kit.instruments.content import instruments
from kit.maps.files import MapFileError, example_map
from kit.store import records
from kit.store.clock import now

# Free-text answers for the openness pulse's question (demo data only).
DEMO_TEXTS = (
    "If the person who raises a problem was not the one asked to fix it.",
    "Managers saying first what they got wrong.",
    "Less blame in the weekly review; more 'what let this happen'.",
    "Time in meetings for the quieter people to speak.",
    "Knowing that bad news reaches the top without being softened.",
    "Hearing back what happened to the last thing we raised.",
)


@dataclass(frozen=True)
class DemoSummary:
    """What ``kit demo`` wrote."""

    answers: int
    example_code: str = ""
    circle_sessions: int = 0


def simulate(
    store: Store, participants: int, session: str | None = None, seed: int | None = None
) -> DemoSummary:
    """Write complete, plausible answers for ``participants`` demo people.

    Each simulated person has a level per trait, and item answers scatter
    around it, so team views show realistic spread rather than noise.

    Parameters
    ----------
    store : Store
    participants : int
        How many people to simulate (1 or more).
    session : str, optional
        The team session they join (created if missing, marked as demo).
    seed : int, optional
        Makes the answers repeatable.

    Returns
    -------
    DemoSummary
        The number of answers written, and the resume code of the first demo
        person, who also gets the example customer map.
    """
    if participants < 1:
        raise ValueError("--participants must be 1 or more")
    rng = random.Random(seed)
    rows = []
    stamp = now()
    people = []
    for _ in range(participants):
        person = f"demo-{rng.getrandbits(48):012x}"
        people.append(person)
        for instrument in instruments().values():
            top = instrument.scale.points
            for trait in instrument.traits:
                level = rng.gauss(3.3, 0.7)
                for item in trait.items:
                    value = min(top, max(1, round(rng.gauss(level, 0.6))))
                    rows.append(_row(session, person, instrument.id, item.id, str(value), stamp))
            picks = rng.sample(
                instrument.commitment_suggestions, k=min(2, len(instrument.commitment_suggestions))
            )
            for key, text in zip(instrument.commitment_keys(), picks, strict=False):
                rows.append(_row(session, person, instrument.id, key, text, stamp))
            if instrument.id == "openness_pulse" and len(people) % 3 == 1:
                # Every third person writes a line, as in a real room.
                for reflection in instrument.reflections:
                    key = instrument.reflection_key(reflection)
                    text = rng.choice(DEMO_TEXTS)
                    rows.append(_row(session, person, instrument.id, key, text, stamp))
    maps = {}
    # A broken example (kit check says why) must not stop the demo answers.
    with contextlib.suppress(MapFileError):
        maps = {people[0]: (stamp, example_map())}
    chains = {}
    with contextlib.suppress(ContentError):
        # Half the demo people, up to a leadership team's dozen, are managers with a
        # value-chain check (workbook 7).
        chains = {
            person: (stamp, demo_check(rng, full=n == 0))
            for n, person in enumerate(people[: max(1, min(12, participants // 2))])
        }
    if session and participants >= 2:
        # A second round of focus and attitude, after some coaching: some people move.
        focus = instruments().get("focus_attitude")
        for person in people if focus is not None else []:
            assert focus is not None
            lift = rng.choice((0.0, 0.0, 0.6, 1.0))
            for row in [
                r for r in rows if r["participant"] == person and r["instrument"] == focus.id
            ]:
                if row["item"] in {i.id for i in focus.items}:
                    value = min(focus.scale.points, max(1, round(int(row["value"]) + lift)))
                    rows.append(dict(row, value=str(value), round="2"))
    summary = store.import_rows(records.AnswerFile(tuple(rows), maps=maps, value_chains=chains))
    if session and participants >= 2 and instruments().get("focus_attitude"):
        team = store.team_session(session)
        if team is not None and team.focus_round < 2:
            store.add_session_note(
                team.code, "action", "Half-day workshop: the customer behind each job", "training"
            )
            store.add_session_note(
                team.code, "action", "Monthly one-to-ones on one customer each", "coaching"
            )
            store.add_session_note(
                team.code, "guardrail", "Tell the process owner before changing how a job is done"
            )
            store.update_session(team.code, focus_round=2)
    code = summary.resume_codes.get(people[0], "")
    sessions = 0
    with contextlib.suppress(ContentError):
        owner = store.participant_by_code(code)
        sessions = demo_circle(store, owner.id, rng) if owner else 0
    return DemoSummary(summary.answers, code, sessions)


def demo_check(rng: random.Random, full: bool = False) -> dict:
    """A plausible value-chain check of the example company, as stored (plain data).

    ``full`` fills every part (the first demo person's, to look at); the
    others vary, so the coach's combined picture has something to count.

    Examples
    --------
    >>> from kit.organisation.content import chain_content
    >>> from kit.organisation.files import check_from_dict
    >>> check = check_from_dict(demo_check(random.Random(1), full=True), chain_content())
    >>> len(check.messages), check.customer[:20]
    (3, 'Building owners and ')
    """
    from kit.organisation import logic
    from kit.organisation.content import chain_content
    from kit.organisation.files import check_to_dict
    from kit.organisation.model import ValueChainCheck

    c = chain_content()
    seniors = rng.randint(5, 9)
    check = logic.set_leaders(
        ValueChainCheck(),
        c,
        seniors=seniors,
        complaints=rng.choice((0, 0, 1, 2, 3)),
        calls=rng.choice((0, 1, 2)),
        voice=rng.choice(((), ("figures",), ("stories", "figures"))),
    )
    answers = {
        "executives": ("Renewals, complaint count", "yes", "Board review", ""),
        "managers": ("First-time fix rate", rng.choice(("partly", "yes", "no")), "", ""),
        "support": ("", rng.choice(("no", "partly")), "", ""),
        "front_line": ("Visits on time", "yes", "Team board", "Recognised at the monthly meeting"),
    }
    for role, (metrics, used, verified, gain) in answers.items():
        if full or rng.random() < 0.7:
            check = logic.set_role(
                check, c, role, metrics=metrics, used=used, verified=verified, gain=gain
            )
    check = logic.add_row(
        check,
        c,
        "skills",
        skill="Working with many levels of one customer",
        role="managers",
        gap=rng.choice((1, 2, 3)),
        step="Pair each manager with a key-account lead for a quarter",
    )
    check = logic.add_row(
        check,
        c,
        "segments",
        name="Hospitals",
        wants="long-term partnership",
        offers=rng.choice(("regular supplier", "long-term partnership")),
    )
    check = logic.add_row(
        check,
        c,
        "segments",
        name="Property managers",
        wants="a few services",
        offers="a few services",
    )
    if full or rng.random() < 0.5:
        check = logic.add_row(
            check,
            c,
            "bridges",
            name="Site coordinators",
            role="Service planners",
            chain="Field service",
            identified="Named by customers in reviews",
        )
    if full:
        check = logic.set_text(
            check, "customer", "Building owners and managers who pay for lifts that run"
        )
        check = logic.set_text(
            check, "promise", "Lifts that run, and a call back within the hour when one does not"
        )
        for level, meaning, behaviour in (
            (
                "executives",
                "Decide with the running rate in front of us",
                "Read one complaint a week",
            ),
            (
                "managers",
                "Plan visits around the building's day",
                "Call the site contact before a visit",
            ),
            (
                "front_line",
                "Leave a lift running and the tenants told",
                "Tell the building manager what was done",
            ),
        ):
            check = logic.set_line(check, c, level, meaning=meaning, behaviour=behaviour)
        for text, audience, medium, on, first in (
            (
                "Why the promise matters: the leadership kick-off",
                ("executives", "managers"),
                "Meeting",
                "2027-03-01",
                "The paying customer",
            ),
            (
                "The promise in each team's own words",
                ("front_line",),
                "One-to-one",
                "2027-03-08",
                "The paying customer",
            ),
            (
                "This quarter: visits per engineer",
                ("managers",),
                "E-mail",
                "2027-03-15",
                "Volume and sales targets",
            ),
        ):
            check = logic.add_row(
                check,
                c,
                "messages",
                text=text,
                audience=audience,
                medium=medium,
                on=on,
                first=first,
            )
    return check_to_dict(check)


_STORIES = [
    (
        "unhappy",
        "The engineer came without the right part and had to come back",
        "omission",
        "support",
        "Check the parts list against the lift model before leaving",
    ),
    (
        "unhappy",
        "Nobody told the building manager the lift would be off all morning",
        "omission",
        "front line",
        "Call the site contact the day before",
    ),
    (
        "unhappy",
        "The invoice named the wrong building",
        "commission",
        "support",
        "Take the address from the contract, not from the call",
    ),
    ("happy", "The engineer explained the fault to the tenants in plain words", "", "", ""),
    ("happy", "A stuck lift was running again within the hour", "", "", ""),
]
_IDEAS = [
    "Photograph the lift's plate at every visit",
    "Text the site contact the day before a visit",
    "One address field, filled from the contract",
    "A spare-parts kit per lift model in each van",
    "A two-minute handover call when an engineer changes",
    "Tenants' notice printed and taped up by the engineer",
]


def demo_circle(store: Store, owner: int, rng: random.Random, sessions: int = 6) -> int:
    """Give ``owner`` a planned circle with six monthly past sessions and a living backlog.

    The running lists evolve: entries come back session after session (an
    earlier entry raised again), one is merged, some get solved; people are
    marked present; the votes of every past session are revealed; and one
    action is left overdue, so the programme has something to show.

    Returns
    -------
    int
        The number of sessions written.
    """
    from datetime import date, timedelta

    from kit.circles.content import agenda_template
    from kit.circles.model import Member, Story
    from kit.circles.planning import meeting_days, new_circle

    circle = new_circle(agenda_template(), today=date.today() - timedelta(days=31 * sessions + 10))
    members = tuple(
        Member(n, g)
        for n, g in [
            ("Ana", "front line"),
            ("Bo", "front line"),
            ("Chen", "front line"),
            ("Dee", "front line"),
            ("Eli", "front line"),
            ("Fay", "IT"),
            ("Gus", "finance"),
        ]
    )
    circle = dataclasses.replace(circle, title="Demo circle: field service", members=members)
    store.save_circle(owner, circle)
    days = meeting_days(circle.cadence, sessions)
    actions: list[int] = []
    entry_of: dict[str, int] = {}  # an entry's words: its id, so a later story raises it again
    for number, day in enumerate(days, start=1):
        session, _ = store.start_session(circle.code, day.isoformat())
        at = f"{day.isoformat()}T10:00:00+00:00"
        store.mark_present(session, [m.name for m in rng.sample(members, rng.randint(4, 7))])
        for kind, text, act, where, prevention in rng.sample(_STORIES, 3):
            story = store.add_story(
                session,
                Story(0, session, kind, text, rng.choice(members).name, act, where, prevention),
            )
            words = prevention if kind == "unhappy" else text
            if not words:
                continue
            list_kind = "do not annoy" if kind == "unhappy" else "delight"
            entry_of[words] = store.add_factor(
                session, list_kind, words, story, entry_of.get(words)
            )
        if number == 2:
            # The same rule written again in other words: merged, and the merge kept.
            twin = store.add_factor(
                session, "do not annoy", "Call the site contact a day ahead", None
            )
            rule = _STORIES[1][4]
            if rule not in entry_of:
                entry_of[rule] = store.add_factor(session, "do not annoy", rule, None)
            store.merge_entries(twin, entry_of[rule], "facilitator", 2)
        if number == 2 and actions:
            store.update_action(
                actions[0], 2, "done", "Every visit report now has the plate's photo", at
            )
        if number == 3 and len(actions) > 2:
            store.update_action(actions[2], 3, "dropped", "The phones cannot send texts yet", at)
        if number == 4 and _STORIES[0][4] in entry_of:
            store.set_entry_status(entry_of[_STORIES[0][4]], "solved")
        idea = store.add_idea(session, _IDEAS[(number - 1) % len(_IDEAS)])
        for voter in members[:4]:
            store.vote(idea, voter.name)
        store.reveal_votes(session)
        if number <= 3:
            due = (day + timedelta(days=30)).isoformat()
            actions.append(
                store.open_action(
                    circle.code,
                    number,
                    _IDEAS[number - 1],
                    members[number].name,
                    due,
                    idea,
                    at,
                    entry_of.get(_STORIES[number - 1][4]),
                )
            )
        if number == 1:
            # Left open long past its date: the programme flags it overdue.
            due = (day + timedelta(days=45)).isoformat()
            actions.append(store.open_action(circle.code, 1, _IDEAS[3], "Fay", due, None, at))
    return len(days)


def _row(
    session: str | None, person: str, instrument: str, item: str, value: str, stamp: str
) -> dict:
    return {
        "session": session or "",
        "participant": person,
        "instrument": instrument,
        "item": item,
        "value": value,
        "answered_at": stamp,
        "demo": "1",
    }
