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
    summary = store.import_rows(records.AnswerFile(tuple(rows), maps=maps))
    code = summary.resume_codes.get(people[0], "")
    sessions = 0
    with contextlib.suppress(ContentError):
        owner = store.participant_by_code(code)
        sessions = demo_circle(store, owner.id, rng) if owner else 0
    return DemoSummary(summary.answers, code, sessions)


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
