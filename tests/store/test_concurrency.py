"""A room at once: 30 processes (as 30 page kernels would) saving into one store, on each engine."""

from __future__ import annotations

import subprocess
import sys
import time

from kit.instruments.content import get_instrument

WRITERS = 30
# Each writer is one person in the room: joins, answers every statement of the
# hidden-leader self-assessment, then changes their mind on one of them.
WRITER = """
import sys, time
from kit.database import Store
from kit.instruments.content import get_instrument
path, session, start, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
store = Store(path)
items = [i.id for i in get_instrument("hidden_leader").items]
time.sleep(max(0.0, start - time.time()))
person = store.create_participant(session=session)
for k, item in enumerate(items):
    store.save_answer(person.id, "hidden_leader", item, str(1 + (n + k) % 5))
store.save_answer(person.id, "hidden_leader", items[0], "5")
print(person.public_id)
"""


def test_thirty_writers_at_once_lose_and_duplicate_nothing(store):
    path = store.location
    team = store.create_session("Room", min_group=3)
    items = [i.id for i in get_instrument("hidden_leader").items]
    # Every process starts its writes at the same moment, after all have started up.
    start = time.time() + 8
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), team.code, str(start), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * WRITERS, [err for _, err in outputs if err]
    members = store.members(team.code)
    assert len(members) == WRITERS
    rows = store.rows(session=team.code)
    assert len(rows) == WRITERS * len(items)  # none lost, none twice
    assert len({(r["participant"], r["item"]) for r in rows}) == len(rows)
    by_person = {}
    for row in rows:
        by_person.setdefault(row["participant"], {})[row["item"]] = row["value"]
    assert sorted(by_person) == sorted(out.strip() for out, _ in outputs)
    for answers in by_person.values():
        assert answers[items[0]] == "5"  # the later change won
