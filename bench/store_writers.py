"""Store throughput and save latency with 30 writers at once, as in a full workshop room.

Each writer is a separate process (as each page has its own kernel) saving
one rating per transaction (the rating and the person's trait score, as a
page does), all starting at the same moment. Prints saves per second and the median and p95
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
from pathlib import Path

from _common import ROOT

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


def run(writers: int, saves: int) -> tuple[float, list[float]]:
    """Return (wall seconds, every save's latency) for ``writers`` writers at once."""
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        path = Path(tmp) / "room.sqlite3"
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


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=30)
    parser.add_argument("--saves", type=int, default=40)
    args = parser.parse_args()
    print(f"{'':22} {'saves/s':>8} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for label, writers in (("1 writer (baseline)", 1), (f"{args.writers} writers", args.writers)):
        wall, lat = run(writers, args.saves)
        print(
            f"{label:22} {len(lat) / wall:8.0f} {statistics.median(lat) * 1000:10.1f} "
            f"{p95(lat) * 1000:8.1f} {max(lat) * 1000:8.1f}"
        )


if __name__ == "__main__":
    main()
