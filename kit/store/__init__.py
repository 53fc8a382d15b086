"""Persistence: choose and open the store, and move answer files in and out of it.

The store is chosen by ``--store PATH_OR_URL``, else ``KIT_STORE``, else a
SQLite file in the user's data folder. A URL names its engine so a larger
deployment can point at another database later; today only SQLite is built.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from kit.content import get_instrument, instruments
from kit.model import PULSE, CustomerMap, Participant, TeamSession
from kit.paths import default_store_path
from kit.store import records
from kit.store.circle_files import check_record
from kit.store.map_files import MapFileError, map_from_dict, map_to_dict
from kit.store.records import ImportFileError
from kit.store.sqlite import ImportSummary, SQLiteStore, StoreError

__all__ = [
    "ImportFileError",
    "ImportSummary",
    "SQLiteStore",
    "StoreError",
    "import_answers",
    "upload_team_files",
    "maps_for_file",
    "my_answers_file",
    "open_store",
    "save_last_words",
    "store_location",
]


def store_location(store: str | None = None) -> str:
    """Return the store to use: ``store`` if given, else ``KIT_STORE``, else the default file."""
    return store or os.environ.get("KIT_STORE") or str(default_store_path())


def open_store(store: str | None = None) -> SQLiteStore:
    """Open the store named by a path or URL (see :func:`store_location`).

    Parameters
    ----------
    store : str, optional
        A file path, ``sqlite:///relative.db`` or ``sqlite:////absolute.db``.

    Raises
    ------
    StoreError
        For an engine the kit does not support yet, or a file it cannot use.
    """
    location = store_location(store)
    if "://" in location:
        scheme, _, rest = location.partition("://")
        if scheme != "sqlite":
            raise StoreError(
                f"the store '{location}' uses '{scheme}', which this kit does not support yet; "
                "give a file path or a sqlite:/// URL"
            )
        location = rest[1:] if rest.startswith("/") else rest
        if not location:
            raise StoreError("a sqlite:/// URL needs a file path after it")
    return SQLiteStore(Path(location))


def _check_answer(instrument_id: str, item: str, value: str) -> str | None:
    if instrument_id not in instruments():
        return f"unknown instrument '{instrument_id}' (known: {', '.join(sorted(instruments()))})"
    return get_instrument(instrument_id).check_answer(item, value)


def import_answers(
    store: SQLiteStore, data: bytes | str, name: str = "file", from_page: bool = False
) -> ImportSummary:
    """Validate a whole answer file, then import all of it or nothing.

    Parameters
    ----------
    store : SQLiteStore
    data : bytes or str
        The file's contents (the kit's CSV or JSON).
    name : str
        The file's name, for messages.
    from_page : bool
        The file was uploaded on a page anyone can open: one person, with their
        resume code, joining only a session that exists (see
        :meth:`SQLiteStore.import_rows`).

    Raises
    ------
    ImportFileError
        Listing the rows that are wrong; nothing was imported.
    StoreError
        When the file belongs to someone else in the store; nothing was imported.
    """
    answer_file = records.parse(data, name)
    errors = records.validate(answer_file, _check_answer, name)
    maps, map_errors = _checked_maps(answer_file.maps, name)
    errors += map_errors
    circles, circle_errors = _checked_circles(answer_file.circles, name)
    errors += circle_errors
    if errors:
        raise ImportFileError(errors)
    rated = {(i.id, item.id) for i in instruments().values() for item in i.items}
    normal = replace(records.normalised(answer_file, rated), maps=maps, circles=circles)
    return store.import_rows(normal, from_page=from_page)


@dataclass(frozen=True)
class TeamUpload:
    """What a coach's upload of participants' files did."""

    files: int
    people: int
    answers: int
    uploaded_before: tuple[str, ...]  # file names of people the store already had


def upload_team_files(
    store: SQLiteStore, session: TeamSession, files: list[tuple[str, bytes]]
) -> TeamUpload:
    """Import participants' downloaded answer files into a team session: all of them or none.

    Each file must be one person's own file. Every file is checked before
    anything is written; the same person in two files is refused, and a
    person uploaded before is reported (only their newer answers are taken).

    Parameters
    ----------
    store : SQLiteStore
    session : TeamSession
        The session everyone in the files joins.
    files : list of (name, bytes)

    Raises
    ------
    ImportFileError
        Naming each file and what is wrong with it; nothing was imported.
    StoreError
        When someone in a file belongs to another session; nothing was imported.
    """
    if not files:
        raise ImportFileError(["no file was chosen"])
    errors: list[str] = []
    owner_of: dict[str, str] = {}
    checked: list[records.AnswerFile] = []
    rated = {(i.id, item.id) for i in instruments().values() for item in i.items}
    for name, data in files:
        try:
            answer_file = records.parse(data, name)
        except ImportFileError as err:
            errors += err.errors
            continue
        # With many files in one upload, every message names its file.
        problems = [
            p if p.startswith(name) else f"{name}, {p}"
            for p in records.validate(answer_file, _check_answer, name)
        ]
        maps, map_errors = _checked_maps(answer_file.maps, name)
        circles, circle_errors = _checked_circles(answer_file.circles, name)
        problems += map_errors + circle_errors
        people = {r["participant"] for r in answer_file.rows} | set(maps) | set(circles)
        if len(people) != 1:
            problems.append(
                f"{name} holds {len(people)} people; upload each person's own file "
                "(from 'Download my answers')"
            )
        for person in people:
            if person in owner_of:
                problems.append(
                    f"{name} and {owner_of[person]} are the same person's answers: upload one of them"
                )
            owner_of.setdefault(person, name)
        errors += problems
        if not problems:
            normal = replace(records.normalised(answer_file, rated), maps=maps, circles=circles)
            checked.append(normal)
    if errors:
        raise ImportFileError(errors)
    before = tuple(owner_of[p] for p in owner_of if store.participant_by_public_id(p) is not None)

    # A file from a participant's own Binder knows no rounds: its pulse answers
    # belong to the round the session is in now.
    def into_round(row: dict[str, str]) -> dict[str, str]:
        if (
            row["instrument"] == PULSE
            and not row.get("session")
            and row.get("round", "1") in ("", "1")
        ):
            return dict(row, round=str(session.pulse_round))
        return row

    merged = records.AnswerFile(
        tuple(into_round(row) for f in checked for row in f.rows),
        {k: v for f in checked for k, v in f.resume_codes.items()},
        # An anonymous session keeps no names, whatever the files say.
        {} if session.anonymous else {k: v for f in checked for k, v in f.display_names.items()},
        {k: v for f in checked for k, v in f.maps.items()},
        {k: v for f in checked for k, v in f.circles.items()},
    )
    summary = store.import_rows(
        merged, into_session=session.code, files=", ".join(name for name, _ in files)
    )
    return TeamUpload(len(files), len(owner_of), summary.answers, before)


def _checked_maps(raw: dict, name: str) -> tuple[dict[str, tuple[str, CustomerMap]], list[str]]:
    maps: dict[str, tuple[str, CustomerMap]] = {}
    errors: list[str] = []
    for public_id, data in raw.items():
        where = f"{name}: map of {public_id}"
        try:
            cmap = map_from_dict(data, where)
            stamp = datetime.fromisoformat(str(data.get("updated_at", "")))
        except MapFileError as err:
            errors.extend(err.errors)
            continue
        except ValueError:
            errors.append(f"{where}: 'updated_at' must be a date and time (ISO 8601)")
            continue
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        maps[str(public_id)] = (stamp.astimezone(UTC).replace(microsecond=0).isoformat(), cmap)
    return maps, errors


def _checked_circles(raw: dict, name: str) -> tuple[dict[str, list[dict]], list[str]]:
    circles: dict[str, list[dict]] = {}
    errors: list[str] = []
    for public_id, records_ in raw.items():
        if not isinstance(records_, list):
            errors.append(f"{name}: circles of {public_id} must be a list")
            continue
        for n, record in enumerate(records_, start=1):
            problems = check_record(record, f"{name}: circle {n} of {public_id}")
            errors += problems
            if not problems:
                circles.setdefault(str(public_id), []).append(record)
    return circles, errors


def save_last_words(
    store: SQLiteStore, code: str, entries: list[list], client: str = "", arrived: str = ""
) -> int:
    """Save the text a closing page sent for the person with resume code ``code``.

    A page whose tab closes a moment after the last key may not have passed
    those keys to its kernel; the page script sends the boxes' text as the
    page goes (see ``kit.js``). Each entry is ``[instrument, round, item,
    text]``; only free-text items are taken, each checked as any answer is,
    and only when it differs from what is stored and nothing was saved after
    ``arrived`` (ISO time: when the page's kernel was gone, so a later save
    came from another window).

    Returns
    -------
    int
        How many answers changed.
    """
    from kit.store.attempts import WRONG_CODES

    if store.too_many(client, WRONG_CODES):
        return 0
    person = store.participant_by_code(code)
    if person is None:
        store.note_attempt(client, WRONG_CODES)
        return 0
    catalogue = instruments()
    changed = 0
    for entry in entries[:20]:
        if not (isinstance(entry, list) and len(entry) == 4):
            continue
        instrument_id, round_, item, text = entry
        instrument = catalogue.get(str(instrument_id))
        text = str(text).strip()
        if instrument is None or str(item) not in instrument.text_keys():
            continue
        if text and instrument.check_answer(str(item), text):
            continue
        try:
            round_ = max(1, int(round_))
        except (TypeError, ValueError):
            continue
        stored = store.answer_with_time(person.id, instrument.id, str(item), round_)
        if stored is not None and arrived and stored[1] > arrived:
            continue  # saved again since this page sent its text
        if (stored[0] if stored else "") != text:
            store.save_answer(person.id, instrument.id, str(item), text, round_)
            changed += 1
    return changed


def maps_for_file(stored: dict[str, tuple[str, CustomerMap]]) -> dict[str, dict]:
    """Return stored maps as the plain data an answer file carries."""
    return {
        pid: {"updated_at": stamp, **map_to_dict(cmap)} for pid, (stamp, cmap) in stored.items()
    }


def my_answers_file(store: SQLiteStore, participant: Participant) -> str:
    """Return a participant's own answer file (JSON, with their resume code)."""
    rows = store.rows(participant_id=participant.id, own=True)
    return records.to_json(
        rows,
        maps=maps_for_file(store.maps(participant_id=participant.id)),
        circles=store.circle_records(participant_id=participant.id),
        resume_codes={participant.public_id: participant.resume_code},
        display_names={participant.public_id: participant.display_name}
        if participant.display_name
        else None,
    )
