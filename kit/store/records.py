"""The tidy answer file: one row per answer, as CSV or JSON, and its validation.

``kit export``, ``kit import``, "Download my answers" and the start page's
upload all speak this one format, so any file the kit writes it can read back.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# "round" counts repeats of the openness pulse (1 for everything else); files
# without the column are read as round 1.
COLUMNS = (
    "session",
    "participant",
    "instrument",
    "item",
    "value",
    "answered_at",
    "demo",
    "round",
)
REQUIRED = COLUMNS[:6]
FORMAT = "customer-value-kit/answers"
VERSION = 1
MAX_ERRORS_SHOWN = 10
# One person's answers file is tens of kilobytes; a coach uploads a room's at
# once. The page script (kit.js) checks the same sizes before a file is read.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def size_problem(files: list[tuple[str, int]]) -> str | None:
    """Return what is wrong with the sizes of ``(name, bytes)`` files, or None.

    Examples
    --------
    >>> size_problem([("mine.json", 2_000)]) is None
    True
    >>> size_problem([("huge.json", 50 * 1024 * 1024)])
    "huge.json is 50.0 MB: an answers file is at most 5.0 MB. Choose the file from 'Download my answers'. Nothing was uploaded."
    """
    for name, size in files:
        if size > MAX_FILE_BYTES:
            return (
                f"{name} is {size / 2**20:.1f} MB: an answers file is at most "
                f"{MAX_FILE_BYTES / 2**20:.1f} MB. Choose the file from 'Download my answers'. "
                "Nothing was uploaded."
            )
    total = sum(size for _, size in files)
    if total > MAX_UPLOAD_BYTES:
        return (
            f"These files come to {total / 2**20:.1f} MB: upload at most "
            f"{MAX_UPLOAD_BYTES / 2**20:.1f} MB at a time. Nothing was uploaded."
        )
    return None


# Spreadsheet programs run cells that start with these as formulas.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# An apostrophe is how neutralise() marks a cell, so one typed by a person is
# marked too, and every cell reads back as it was written.
_MARKED_START = (*_FORMULA_START, "'")


@dataclass(frozen=True)
class AnswerFile:
    """A parsed answer file: rows plus any resume codes it carries, by participant."""

    rows: tuple[dict[str, str], ...]
    resume_codes: dict[str, str] = field(default_factory=dict)
    display_names: dict[str, str] = field(default_factory=dict)
    # Customer maps by participant: plain data as read from JSON, or (time
    # stamp, CustomerMap) once kit.store.import_answers has checked them.
    maps: dict[str, Any] = field(default_factory=dict)
    # Planned circles with their sessions, by participant: a list of records each.
    circles: dict[str, Any] = field(default_factory=dict)
    # Value-chain checks (workbook 7) by participant: plain data with ``updated_at``.
    value_chains: dict[str, Any] = field(default_factory=dict)


class ImportFileError(ValueError):
    """The file cannot be imported; ``errors`` says which rows and why."""

    LEAD = "nothing was imported; fix these and try again:"

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        lines = shown + ([f"... and {more} more problems"] if more > 0 else [])
        super().__init__(self.LEAD + "\n" + "\n".join(f"  {x}" for x in lines))


def neutralise(cell: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)"), neutralise("plain")
    ("'=HYPERLINK(1)", 'plain')
    """
    return "'" + cell if cell.startswith(_MARKED_START) else cell


def to_csv(rows: Iterable[dict[str, str]]) -> str:
    """Write rows as CSV text with the tidy columns, formulas neutralised."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(str(row.get(k, ""))) for k in COLUMNS})
    return out.getvalue()


def to_json(
    rows: Iterable[dict[str, str]],
    resume_codes: dict[str, str] | None = None,
    display_names: dict[str, str] | None = None,
    maps: dict[str, dict] | None = None,
    circles: dict[str, list] | None = None,
    value_chains: dict[str, dict] | None = None,
) -> str:
    """Write rows as the kit's JSON answer file.

    Parameters
    ----------
    rows : iterable of dict
        Tidy rows.
    resume_codes : dict, optional
        Participant id to resume code; only in a person's own download, never in
        a coach's export.
    display_names : dict, optional
        Participant id to display name.
    maps : dict, optional
        Participant id to customer map as plain data (``updated_at``,
        ``elements``, ``connections``).
    """
    document: dict[str, object] = {
        "format": FORMAT,
        "version": VERSION,
        "columns": list(COLUMNS),
        "rows": [{k: str(row.get(k, "")) for k in COLUMNS} for row in rows],
    }
    if resume_codes:
        document["resume_codes"] = resume_codes
    if display_names:
        document["display_names"] = display_names
    if maps:
        document["maps"] = maps
    if circles:
        document["circles"] = circles
    if value_chains:
        document["value_chains"] = value_chains
    return json.dumps(document, indent=1, ensure_ascii=False)


def parse(data: bytes | str, name: str = "file") -> AnswerFile:
    """Read an answer file (the kit's CSV or JSON) without validating its answers.

    Raises
    ------
    ImportFileError
        When the file is not a readable answer file at all.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(
                [f"{name} is not a text file: export answers as CSV or JSON from the kit"]
            ) from None
    stripped = data.lstrip()
    if not stripped:
        raise ImportFileError([f"{name} is empty"])
    if stripped[0] in "[{":
        return _parse_json(stripped, name)
    return _parse_csv(data, name)


def _parse_json(text: str, name: str) -> AnswerFile:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise ImportFileError(
            [f"{name} is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})"]
        ) from None
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    maps: dict[str, Any] = {}
    circles: dict[str, Any] = {}
    chains: dict[str, Any] = {}
    if isinstance(document, dict):
        if document.get("format") != FORMAT:
            raise ImportFileError(
                [f'{name} is JSON but not a kit answer file (expected "format": "{FORMAT}")']
            )
        if document.get("version") != VERSION:
            raise ImportFileError(
                [
                    f"{name} has version {document.get('version')!r}; this kit reads version {VERSION}"
                ]
            )
        raw_rows = document.get("rows")
        codes = document.get("resume_codes") or {}
        names = document.get("display_names") or {}
        maps = document.get("maps") or {}
        circles = document.get("circles") or {}
        chains = document.get("value_chains") or {}
        if not all(isinstance(x, dict) for x in (codes, names, maps, circles, chains)):
            raise ImportFileError(
                [
                    f"{name}: 'resume_codes', 'display_names', 'maps', 'circles' and "
                    "'value_chains' must be objects"
                ]
            )
    else:
        raw_rows = document
    if not isinstance(raw_rows, list) or not all(isinstance(r, dict) for r in raw_rows):
        raise ImportFileError([f"{name}: 'rows' must be a list of objects, one per answer"])
    rows = tuple({k: "" if v is None else str(v) for k, v in r.items()} for r in raw_rows)
    return AnswerFile(
        rows, {str(k): str(v) for k, v in codes.items()}, names, maps, circles, chains
    )


def _parse_csv(text: str, name: str) -> AnswerFile:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            [
                f"{name} lacks the column(s) {', '.join(missing)}; the first line must name "
                f"{', '.join(REQUIRED)}"
            ]
        )
    rows = []
    for row in reader:
        clean = {k: _unneutralise(v or "") for k, v in row.items() if k is not None}
        rows.append(clean)
    return AnswerFile(tuple(rows))


def _unneutralise(cell: str) -> str:
    # Undo neutralise() so a value written by the kit reads back unchanged.
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_MARKED_START) else cell


def normalised(answer_file: AnswerFile, rated: set[tuple[str, str]]) -> AnswerFile:
    """Return the file with times in UTC and ratings as plain numbers.

    Stored times are compared as text to keep the newer answer, so they must
    share one form; a rating typed as ``+4`` or `` 4`` is stored as ``4``.

    Parameters
    ----------
    answer_file : AnswerFile
        A file that :func:`validate` passed.
    rated : set of (instrument, item)
        The items whose values are ratings.
    """
    rows = []
    for row in answer_file.rows:
        when = datetime.fromisoformat(row["answered_at"])
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        clean = dict(row, answered_at=when.astimezone(UTC).replace(microsecond=0).isoformat())
        if (row["instrument"], row["item"]) in rated:
            clean["value"] = str(int(row["value"]))
        rows.append(clean)
    return AnswerFile(
        tuple(rows),
        answer_file.resume_codes,
        answer_file.display_names,
        answer_file.maps,
        answer_file.circles,
        answer_file.value_chains,
    )


def validate(
    answer_file: AnswerFile,
    check_answer: Callable[[str, str, str], str | None],
    name: str = "file",
) -> list[str]:
    """Return every problem in the file's rows (an empty list when it can be imported).

    Parameters
    ----------
    answer_file : AnswerFile
    check_answer : callable
        ``check_answer(instrument, item, value)`` returns a problem or None.
    name : str
        Used in messages.
    """
    errors: list[str] = []
    if not (
        answer_file.rows or answer_file.maps or answer_file.circles or answer_file.value_chains
    ):
        return [f"{name} has no answers in it"]
    seen: dict[tuple[str, str, str, str], int] = {}
    for number, row in enumerate(answer_file.rows, start=1):
        where = f"row {number}"
        missing = [c for c in REQUIRED if c != "session" and not row.get(c, "").strip()]
        if missing:
            errors.append(f"{where}: empty {', '.join(missing)}")
            continue
        problem = check_answer(row["instrument"], row["item"], row["value"])
        if problem:
            errors.append(f"{where}: {problem}")
        try:
            datetime.fromisoformat(row["answered_at"])
        except ValueError:
            errors.append(
                f"{where}: answered_at {row['answered_at']!r} is not a date and time "
                "(use ISO 8601, e.g. 2026-11-23T10:15:00+00:00)"
            )
        if row.get("demo", "") not in ("", "0", "1", "true", "false", "True", "False"):
            errors.append(f"{where}: demo must be 0 or 1, not {row['demo']!r}")
        round_text = row.get("round", "").strip() or "1"
        if not round_text.isdigit() or not 1 <= int(round_text) <= 1000:
            errors.append(f"{where}: round must be a whole number from 1, not {row['round']!r}")
        key = (row["participant"], row["instrument"], row["item"], round_text)
        if key in seen:
            errors.append(
                f"{where}: repeats the answer of row {seen[key]} for the same person and item"
            )
        seen[key] = number
    return errors
