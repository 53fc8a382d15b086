"""Precision and recall of the running lists' merge suggestions on the labelled pairs.

Run: ``python bench/similar.py``. Prints, for thresholds around the kit's
(``kit.circles.similar.THRESHOLD``), how many labelled pairs are suggested
rightly and wrongly, and the pairs the kit's threshold gets wrong; then the
time to suggest merges for 500 entries.
"""

from __future__ import annotations

import csv
import statistics
import time
from pathlib import Path

from kit.circles.model import Entry
from kit.circles.similar import THRESHOLD, similarity, suggest_merges

PAIRS = Path(__file__).parents[1] / "tests" / "circles" / "data" / "similar_pairs.csv"


def measured(threshold: float, rows: list[dict]) -> tuple[float, float, list[dict]]:
    """Return precision, recall and the wrongly judged pairs at ``threshold``."""
    tp = fp = fn = 0
    wrong = []
    for row in rows:
        said, same = similarity(row["a"], row["b"]) >= threshold, row["same"] == "1"
        tp += said and same
        fp += said and not same
        fn += same and not said
        if said != same:
            wrong.append(row)
    return tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, wrong


def main() -> None:
    rows = list(csv.DictReader(PAIRS.open(encoding="utf-8")))
    same = sum(r["same"] == "1" for r in rows)
    print(f"{len(rows)} labelled pairs ({same} the same, {len(rows) - same} different)")
    print("threshold  precision  recall")
    for threshold in (60, 65, THRESHOLD, 75, 80, 85, 90):
        p, r, _ = measured(threshold, rows)
        mark = "  <- the kit's" if threshold == THRESHOLD else ""
        print(f"{threshold:9}  {p:9.2f}  {r:6.2f}{mark}")
    for row in measured(THRESHOLD, rows)[2]:
        verdict = "missed" if row["same"] == "1" else "suggested wrongly"
        print(f"  {verdict}: {row['a']!r} ~ {row['b']!r} ({similarity(row['a'], row['b']):.0f})")
    texts = [r[k] for r in rows for k in ("a", "b")]
    entries = [Entry(n, "do not annoy", f"{texts[n % len(texts)]} {n}") for n in range(500)]
    times = []
    for _ in range(5):
        start = time.perf_counter()
        suggest_merges(entries)
        times.append(time.perf_counter() - start)
    print(f"suggesting merges among 500 entries: median {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
