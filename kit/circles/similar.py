"""Suggested merges for the running lists: entries that probably say the same thing.

A suggestion is never applied by itself; the facilitator confirms each one.
Texts are compared by rapidfuzz's ``token_sort_ratio`` after a light
normalisation (case, contractions, "never"/"don't" as one negation, small
words and plural endings dropped), so "Don't ask the customer for their
address twice" meets "Never ask a customer twice for the address". The
threshold was tuned on the labelled pairs in
``tests/circles/data/similar_pairs.csv``; ``bench/similar.py`` prints its
precision and recall.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kit.circles.model import Entry

# At 70 the labelled pairs give precision 0.86 and recall 0.95: a facilitator
# confirms each suggestion, so missing a real pair costs more than one to wave off.
THRESHOLD = 70

_CONTRACTIONS = {
    "don't": "not",
    "dont": "not",
    "doesn't": "not",
    "can't": "not",
    "cannot": "not",
    "won't": "not",
    "never": "not",
    "no": "not",
    "we're": "we",
    "isn't": "not",
}
_SMALL = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "on",
        "in",
        "for",
        "at",
        "with",
        "their",
        "our",
        "his",
        "her",
        "its",
        "we",
        "you",
        "they",
        "is",
        "are",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "that",
        "this",
        "it",
        "always",
        "every",
        "one",
        "any",
        "do",
        "does",
        "did",
        "please",
    ]
)
_WORD = re.compile(r"[\w']+")


def similar_key(text: str) -> str:
    """Return the words two entries are compared by.

    Examples
    --------
    >>> similar_key("Don't ask the customer for their address twice")
    'not ask customer address twice'
    >>> similar_key("Never leave a customer waiting.") == similar_key("never leave the customer waiting")
    True
    """
    words = []
    for word in _WORD.findall(text.casefold().replace("\u2019", "'")):
        word = _CONTRACTIONS.get(word, word)
        word = word.removesuffix("'s").rstrip("'")
        if word in _SMALL:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return " ".join(words)


def similarity(a: str, b: str) -> float:
    """How alike two entries' texts are, 0 to 100.

    Examples
    --------
    >>> similarity("Call back when you said you would", "Always call back when you promised to") >= THRESHOLD
    True
    >>> similarity("Keep customers updated on delays", "Keep the van tidy") < THRESHOLD
    True
    """
    from rapidfuzz import fuzz

    return fuzz.token_sort_ratio(similar_key(a), similar_key(b))


@dataclass(frozen=True)
class Suggestion:
    """Two entries of one list that may say the same thing; ``keep`` is the better-backed one."""

    keep: Entry
    merge: Entry
    score: float


def suggest_merges(entries: Sequence[Entry], threshold: float = THRESHOLD) -> list[Suggestion]:
    """Pairs of entries on the same list that look alike, most alike first.

    The entry raised more often is the one to keep (the earlier one on a tie).
    Each entry appears in at most one suggestion, so merging one never makes
    another suggestion stale.

    Examples
    --------
    >>> es = [Entry(1, "do not annoy", "Never ask a customer twice for the address"),
    ...       Entry(2, "do not annoy", "Don't ask the customer for their address twice"),
    ...       Entry(3, "do not annoy", "Keep the van tidy"),
    ...       Entry(4, "delight", "Never ask a customer twice for the address")]
    >>> [(s.keep.id, s.merge.id) for s in suggest_merges(es)]
    [(1, 2)]
    """
    # Imported here: the planner (workbook 04) shares these controllers and never suggests.
    from rapidfuzz import fuzz, process

    found: list[Suggestion] = []
    kinds = {e.kind for e in entries}
    for kind in sorted(kinds):
        group = [e for e in entries if e.kind == kind]
        if len(group) < 2:
            continue
        keys = [similar_key(e.text) for e in group]
        scores = process.cdist(keys, keys, scorer=fuzz.token_sort_ratio, score_cutoff=threshold)
        pairs = [
            (float(scores[i][j]), i, j)
            for i in range(len(group))
            for j in range(i + 1, len(group))
            if scores[i][j] >= threshold
        ]
        used: set[int] = set()
        for score, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
            if i in used or j in used:
                continue
            used |= {i, j}
            a, b = group[i], group[j]
            keep, merge = (b, a) if len(b.raised) > len(a.raised) else (a, b)
            found.append(Suggestion(keep, merge, score))
    return sorted(found, key=lambda s: -s.score)
