"""Simulated answers, marked as demo data, for trying dashboards and for benchmarks."""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass

from kit.content import instruments
from kit.store import SQLiteStore, records
from kit.store.map_files import MapFileError, example_map
from kit.store.sqlite import now


@dataclass(frozen=True)
class DemoSummary:
    """What ``kit demo`` wrote."""

    answers: int
    example_code: str = ""


def simulate(
    store: SQLiteStore, participants: int, session: str | None = None, seed: int | None = None
) -> DemoSummary:
    """Write complete, plausible answers for ``participants`` demo people.

    Each simulated person has a level per trait, and item answers scatter
    around it, so team views show realistic spread rather than noise.

    Parameters
    ----------
    store : SQLiteStore
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
    maps = {}
    # A broken example (kit check says why) must not stop the demo answers.
    with contextlib.suppress(MapFileError):
        maps = {people[0]: (stamp, example_map())}
    summary = store.import_rows(records.AnswerFile(tuple(rows), maps=maps))
    return DemoSummary(summary.answers, summary.resume_codes.get(people[0], "") if maps else "")


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
