"""Store throughput and save latency with 30 writers at once, on SQLite and on PostgreSQL.

Each writer is a separate process (as each page has its own kernel) saving
one rating per transaction (the rating and the person's trait score, as a
page does), all starting at the same moment. Prints saves per second and the
median and p95 latency of one save, beside one writer alone, for each
engine, in the same run. PostgreSQL is Debian's, started for the run in a
temp folder (tests/postgres.py) with fsync on, as SQLite's file is synced
at each commit.

    python bench/store_writers.py [--writers 30] [--saves 40] [--engine sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, p95

from kit.database import Store

WRITER = """
import json, sys, time
from kit.instruments.content import get_instrument
from kit.database import Store
path, session, saves = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = Store(path)
items = [i.id for i in get_instrument("hidden_leader").items]
person = store.create_participant(session=session)
print("ready", flush=True)
sys.stdin.readline()  # every writer starts at the same moment
took = []
first = time.time()
for n in range(saves):
    t = time.perf_counter()
    store.save_answer(person.id, "hidden_leader", items[n % len(items)], str(1 + n % 5))
    took.append(time.perf_counter() - t)
print(json.dumps({"took": took, "first": first, "last": time.time()}), flush=True)
"""


def run(writers: int, saves: int, new_store) -> tuple[float, list[float]]:
    """Return (wall seconds, every save's latency) for ``writers`` writers at once."""
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        path = new_store(Path(tmp))
        code = Store(path).create_session("Room").code
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(path), code, str(saves)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for _ in range(writers)
        ]
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        outs = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
        # From the first save anywhere to the last: process start-up is not the store's.
        wall = max(o["last"] for o in outs) - min(o["first"] for o in outs)
        latencies = [t for o in outs for t in o["took"]]
        assert len(Store(path).rows()) == writers * min(saves, 20)
        return wall, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=30)
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    engines = {}
    cluster = None
    if args.engine in ("sqlite", "both"):
        engines["SQLite"] = lambda tmp: str(tmp / "room.sqlite3")
    if args.engine in ("postgresql", "both"):
        from tests.postgres import PASSWORD, start_cluster

        cluster = start_cluster(fsync=True)
        os.environ["PGPASSWORD"] = PASSWORD  # the writers' processes take it from here
        made = iter(range(1, 1000))
        engines["PostgreSQL"] = lambda tmp: cluster.create_database(f"bench_{next(made)}")
    print(f"{'':32} {'saves/s':>8} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    try:
        for engine, new_store in engines.items():
            for label, writers in (("1 writer", 1), (f"{args.writers} writers", args.writers)):
                wall, lat = run(writers, args.saves, new_store)
                print(
                    f"{engine + ', ' + label:32} {len(lat) / wall:8.0f} "
                    f"{statistics.median(lat) * 1000:10.1f} {p95(lat) * 1000:8.1f} "
                    f"{max(lat) * 1000:8.1f}"
                )
    finally:
        if cluster is not None:
            cluster.remove()


if __name__ == "__main__":
    main()
