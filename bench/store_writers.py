"""Store throughput and save latency with 30 writers at once, as in a full workshop room.

Each writer is a separate process (as each page has its own kernel) saving
one answer per transaction. Prints saves per second and the median and p95
latency of one save, beside one writer alone measured in the same run.

    python bench/store_writers.py [--writers 30] [--saves 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT

from kit.store import SQLiteStore

WRITER = """
import json, sys, time
from kit.store import SQLiteStore
path, session, start, saves = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
store = SQLiteStore(path)
time.sleep(max(0.0, start - time.time()))
person = store.create_participant(session=session)
took = []
first = time.time()
for n in range(saves):
    t = time.perf_counter()
    store.save_answer(person.id, "hidden_leader", f"item.{n}", str(1 + n % 5))
    took.append(time.perf_counter() - t)
print(json.dumps({"took": took, "first": first, "last": time.time()}))
"""


def run(writers: int, saves: int) -> tuple[float, list[float]]:
    """Return (wall seconds, every save's latency) for ``writers`` writers at once."""
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        path = Path(tmp) / "room.sqlite3"
        code = SQLiteStore(path).create_session("Room").code
        start = time.time() + 2 + writers * 0.15  # after every process has started
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(path), code, str(start), str(saves)],
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for _ in range(writers)
        ]
        outs = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
        # From the first save anywhere to the last: process start-up is not the store's.
        wall = max(o["last"] for o in outs) - min(o["first"] for o in outs)
        latencies = [t for o in outs for t in o["took"]]
        assert len(SQLiteStore(path).rows()) == writers * saves
        return wall, latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=30)
    parser.add_argument("--saves", type=int, default=40)
    args = parser.parse_args()
    print(f"{'':22} {'saves/s':>8} {'median ms':>10} {'p95 ms':>8}")
    for label, writers in (("1 writer (baseline)", 1), (f"{args.writers} writers", args.writers)):
        wall, lat = run(writers, args.saves)
        print(
            f"{label:22} {len(lat) / wall:8.0f} {statistics.median(lat) * 1000:10.1f} "
            f"{p95(lat) * 1000:8.1f}"
        )


if __name__ == "__main__":
    main()
