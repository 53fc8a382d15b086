"""Merge suggestions for the running lists, judged on the labelled pairs."""

import csv
from pathlib import Path

from kit.circles.model import Entry, Raised
from kit.circles.similar import THRESHOLD, similarity, suggest_merges

PAIRS = Path(__file__).with_name("data") / "similar_pairs.csv"


def test_the_threshold_finds_most_real_pairs_and_few_false_ones():
    rows = list(csv.DictReader(PAIRS.open(encoding="utf-8")))
    said = [(similarity(r["a"], r["b"]) >= THRESHOLD, r["same"] == "1") for r in rows]
    tp = sum(s and y for s, y in said)
    precision = tp / sum(s for s, _ in said)
    recall = tp / sum(y for _, y in said)
    assert precision >= 0.85 and recall >= 0.9, (precision, recall)


def test_the_coachs_example_is_suggested_and_the_better_backed_entry_is_kept():
    once = Entry(1, "do not annoy", "Never leave the customer waiting without an arrival time")
    twice = Entry(
        2,
        "do not annoy",
        "Never leave a customer waiting without an arrival time.",
        raised=(Raised(1), Raised(2)),
    )
    other = Entry(3, "do not annoy", "Keep the van tidy")
    (suggestion,) = suggest_merges([once, twice, other])
    assert (suggestion.keep, suggestion.merge) == (twice, once)


def test_entries_on_different_lists_are_never_suggested():
    text = "Remember the customer's name"
    assert suggest_merges([Entry(1, "do not annoy", text), Entry(2, "delight", text)]) == []
