"""Answer files in and out of the store: one person's file, a team's export, imports.

A kit file (JSON or CSV, see :mod:`kit.store.records`) carries a person's
answers to every workbook, their customer map and their circles, so moving
files crosses every feature: that is why it lives here, above them, and not
in the store's core. :class:`ExchangeQueries` is the store's side (tidy rows
out, validated rows in, in one transaction); the functions check a file
against every feature's rules before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kit.circles.files import check_record
from kit.circles.storage import CircleQueries
from kit.instruments.content import get_instrument, instruments
from kit.instruments.storage import AnswerQueries
from kit.maps.files import MapFileError, map_from_dict, map_to_dict
from kit.maps.model import CustomerMap
from kit.maps.storage import MapQueries
from kit.model import PULSE, Participant, TeamSession
from kit.organisation.storage import ChainQueries
from kit.store import records
from kit.store.clock import now
from kit.store.codes import RESPONDENT_PREFIX, inserted_id, new_resume_code, normalise_code
from kit.store.core import number_respondents, where_people
from kit.store.engine import Db
from kit.store.errors import StoreError, guarded
from kit.store.records import AnswerFile, ImportFileError

if TYPE_CHECKING:
    from kit.database import PageStore


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    answers: int
    new_participants: int
    updated_participants: int
    resume_codes: dict[str, str]
    maps: int = 0
    circles: int = 0
    value_chains: int = 0


class ExchangeQueries(ChainQueries, CircleQueries, MapQueries, AnswerQueries):
    """Export rows out, validated rows in: the queries that cross every feature.

    It builds on each feature's queries (an import writes answers, maps and
    circles in one transaction); :class:`kit.database.Store` is this class.
    """

    # -- export and import ----------------------------------------------------

    @guarded
    def rows(
        self, session: str | None = None, participant_id: int | None = None, own: bool = False
    ) -> list[dict]:
        """Return tidy export rows, optionally for one session or one participant.

        The openness pulse's rows name their respondent id of that round, not
        the participant, come after every other row in the order of those
        random ids, and carry the day they were answered, not the second: no
        row's id, place or time joins a pulse answer to the same person's other
        answers. Answers in anonymous sessions carry the day too. Only a
        person's own file (``own``) keeps ids and times, so it can be uploaded
        again as one person.
        """
        pulse = f"a.instrument = '{PULSE}'" if not own else "a.instrument = ''"
        # In an anonymous session the second an answer came could match it to
        # whoever was seen tapping then: the day is all an export says.
        anonymous = "coalesce(s.anonymous, 0) = 1" if not own else "0 = 1"
        query = (
            "SELECT coalesce(p.session, '') AS session,"
            f" CASE WHEN {pulse} THEN coalesce(r.respondent_id, 'r-unknown')"
            " ELSE p.public_id END AS participant,"
            f" a.instrument, a.item, a.value, CASE WHEN {pulse} OR {anonymous}"
            " THEN substr(a.answered_at, 1, 10) || 'T00:00:00+00:00' ELSE a.answered_at END"
            " AS answered_at, p.demo, a.round"
            " FROM answers a JOIN participants p ON p.id = a.participant_id"
            " LEFT JOIN pulse_respondents r ON r.participant_id = p.id AND r.round = a.round"
            " LEFT JOIN sessions s ON s.code = p.session"
        )
        where, args = where_people(session, participant_id)
        query += (
            where + f" ORDER BY {pulse}, CASE WHEN {pulse} THEN r.respondent_id END,"
            " p.id, a.instrument, a.round, a.item"
        )
        return [dict(r) for r in self._db.execute(query, args)]

    @guarded
    def import_rows(
        self,
        answer_file: AnswerFile,
        from_page: bool = False,
        into_session: str | None = None,
        files: str = "",
    ) -> ImportSummary:
        """Import validated rows in one transaction: all of them or none.

        A participant already in the store is matched by its public id; a file
        that carries a resume code for them must carry their own.

        Parameters
        ----------
        answer_file : AnswerFile
        from_page : bool
            The file was uploaded on a page anyone can open. It must then hold
            one person with their resume code, and it may join only a team
            session that exists, so nobody can overwrite someone else's answers
            or pad a team with invented people.
        into_session : str, optional
            Put everyone in this team session (a coach's upload on the
            dashboard); someone already in another session is refused.
        files : str
            The uploaded files' names, kept with the upload batch.

        People new to a session through an upload (a coach's, or a file
        uploaded on the start page) form an upload batch: they count in the
        team's figures only once the coach confirms the batch (see
        :meth:`confirm_batch`). Uploaded files never choose resume codes:
        anyone new gets a fresh one.

        Raises
        ------
        StoreError
            When the file breaks those rules; nothing is imported.
        """
        by_participant: dict[str, list[dict[str, str]]] = {}
        for row in answer_file.rows:
            by_participant.setdefault(row["participant"], []).append(row)
        for public_id in (*answer_file.maps, *answer_file.circles, *answer_file.value_chains):
            by_participant.setdefault(public_id, [])
        if from_page and len(by_participant) != 1:
            # A team export's pulse rows carry respondent ids: they are no more people.
            people = [p for p in by_participant if not p.startswith(RESPONDENT_PREFIX)]
            raise StoreError(
                f"this file holds {len(people) or len(by_participant)} people; upload your own file from "
                "'Download my answers' (a team's files go on the coach dashboard)"
            )
        codes_out: dict[str, str] = {}
        new = updated = count = maps = circles = chains = 0
        touched: list[int] = []
        uploaded = from_page or into_session is not None
        batches: dict[str, int] = {}

        def batch_for(db: Db, session: str) -> int:
            if session not in batches:
                batches[session] = self._open_batch(
                    db, session, "coach" if into_session else "page", files
                )
            return batches[session]

        with self._write() as db:
            for public_id, rows in by_participant.items():
                file_code = normalise_code(answer_file.resume_codes.get(public_id, "")) or None
                existing = db.execute(
                    "SELECT * FROM participants WHERE public_id = ?", (public_id,)
                ).fetchone()
                if public_id.startswith(RESPONDENT_PREFIX) and any(
                    row["instrument"] != PULSE for row in rows
                ):
                    # A respondent id stands for one round of the pulse, nothing
                    # else: other answers under it could be joined to the person.
                    raise StoreError(
                        f"{public_id} is a pulse respondent id: a file may hold only pulse "
                        "answers under it"
                    )
                if existing is None and public_id.startswith(RESPONDENT_PREFIX):
                    # Pulse rows of an export, back in the store they came from.
                    existing = db.execute(
                        "SELECT p.* FROM pulse_respondents r JOIN participants p"
                        " ON p.id = r.participant_id WHERE r.respondent_id = ?",
                        (public_id,),
                    ).fetchone()
                first = rows[0] if rows else {}
                demo = first.get("demo", "") in ("1", "true", "True")
                session = first.get("session") or None
                if into_session is not None:
                    session = into_session
                    if existing is not None and (
                        existing["session"] == into_session and existing["batch"] is None
                    ):
                        # Their answers are here already, from their own pages: a file
                        # must not change them (nor show which person a change moves).
                        raise StoreError(
                            f"participant {public_id} joined this session through its link: "
                            "their answers are already here, so their file is not needed"
                        )
                    if existing is not None and existing["session"] not in (None, into_session):
                        raise StoreError(
                            f"participant {public_id} already belongs to session "
                            f"{existing['session']}; their file cannot join this one too"
                        )
                    if existing is not None and existing["session"] is None:
                        db.execute(
                            "UPDATE participants SET session = ?, batch = ? WHERE id = ?",
                            (into_session, batch_for(db, into_session), existing["id"]),
                        )
                elif session and from_page:
                    # A closed session takes no one new, by link or by file.
                    known = db.execute(
                        "SELECT 1 FROM sessions WHERE code = ? AND closed = 0", (session,)
                    )
                    session = session if known.fetchone() else None
                elif session:
                    self._ensure_session(db, session, demo)
                again = (
                    into_session is not None
                    and existing is not None
                    and existing["session"] == into_session
                    and existing["batch"] is not None
                )
                if existing is not None:
                    # A coach's second upload of a file finds the person the
                    # first one made (under a fresh code, so the file's differs).
                    if (
                        (from_page or file_code)
                        and not again
                        and existing["resume_code"] != file_code
                    ):
                        raise StoreError(
                            f"participant {public_id} is already in the store with another "
                            "resume code: open the workbook with your own code instead"
                        )
                    pid = existing["id"]
                    updated += 1
                    codes_out[public_id] = existing["resume_code"]
                else:
                    if from_page and not file_code:
                        raise StoreError(
                            "this file has no resume code in it: use the file from "
                            "'Download my answers'"
                        )
                    # An uploaded file never chooses a resume code: one it
                    # could choose, someone could guess. kit import (the
                    # server's owner) keeps a file's code when it is free.
                    code = None if uploaded else file_code
                    taken = (
                        code
                        and db.execute(
                            "SELECT 1 FROM participants WHERE resume_code = ?", (code,)
                        ).fetchone()
                    )
                    if not code or taken:
                        code = new_resume_code()
                    cursor = db.execute(
                        "INSERT INTO participants (public_id, resume_code, session, display_name,"
                        " demo, created_at, batch) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            public_id,
                            code,
                            session,
                            str(answer_file.display_names.get(public_id, "")),
                            int(demo),
                            now(),
                            batch_for(db, session) if (uploaded and session) else None,
                        ),
                    )
                    pid = inserted_id(cursor)
                    if public_id.startswith(RESPONDENT_PREFIX):
                        # An export's pulse respondent keeps its id in this store too.
                        db.executemany(
                            "INSERT INTO pulse_respondents VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                            [(pid, r, public_id) for r in {int(x.get("round") or 1) for x in rows}],
                        )
                    new += 1
                    codes_out[public_id] = code
                for row in rows:
                    # The newer answer wins, so importing an older file never
                    # undoes what a person changed since.
                    cursor = db.execute(
                        "INSERT INTO answers (participant_id, instrument, item, value, answered_at,"
                        " round) VALUES (?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (participant_id, instrument, item, round)"
                        " DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at"
                        " WHERE excluded.answered_at > answers.answered_at"
                        " OR (excluded.answered_at = answers.answered_at"
                        " AND excluded.value <> answers.value)",
                        (
                            pid,
                            row["instrument"],
                            row["item"],
                            row["value"],
                            row["answered_at"],
                            int(row.get("round") or 1),
                        ),
                    )
                    count += cursor.rowcount  # rows older than the stored answer are skipped
                touched.append(pid)
                if public_id in answer_file.maps:
                    stamp, cmap = answer_file.maps[public_id]
                    stored = db.execute(
                        "SELECT updated_at FROM maps WHERE participant_id = ?", (pid,)
                    ).fetchone()
                    # As with answers, the newer map wins.
                    if stored is None or stamp >= stored["updated_at"]:
                        self._put_map(db, pid, cmap, stamp)
                        maps += 1
                for record in answer_file.circles.get(public_id, []):
                    code = record["circle"]["code"]
                    stored = db.execute(
                        "SELECT participant_id, updated_at FROM circles WHERE code = ?", (code,)
                    ).fetchone()
                    if stored is not None and stored["participant_id"] != pid:
                        raise StoreError(
                            f"circle {code} in this file belongs to someone else in the store"
                        )
                    # As with answers and maps, the newer circle wins.
                    if stored is None or record["updated_at"] >= stored["updated_at"]:
                        self._put_circle_record(db, pid, record)
                        circles += 1
                if public_id in answer_file.value_chains:
                    stamp, body = answer_file.value_chains[public_id]
                    stored = db.execute(
                        "SELECT updated_at FROM value_chain_checks WHERE participant_id = ?",
                        (pid,),
                    ).fetchone()
                    # As with answers, maps and circles, the newer check wins.
                    if stored is None or stamp >= stored["updated_at"]:
                        self._put_value_chain(
                            db,
                            pid,
                            json.dumps(body, ensure_ascii=False, sort_keys=True),
                            stamp,
                            stamp,
                        )
                        chains += 1
            number_respondents(db)
            self._rescore_people(db, touched)
        return ImportSummary(count, new, updated, codes_out, maps, circles, chains)


def _check_answer(instrument_id: str, item: str, value: str) -> str | None:
    if instrument_id not in instruments():
        return f"unknown instrument '{instrument_id}' (known: {', '.join(sorted(instruments()))})"
    return get_instrument(instrument_id).check_answer(item, value)


def import_answers(
    store: PageStore, data: bytes | str, name: str = "file", from_page: bool = False
) -> ImportSummary:
    """Validate a whole answer file, then import all of it or nothing.

    Parameters
    ----------
    store : PageStore
    data : bytes or str
        The file's contents (the kit's CSV or JSON).
    name : str
        The file's name, for messages.
    from_page : bool
        The file was uploaded on a page anyone can open: one person, with their
        resume code, joining only a session that exists (see
        :meth:`Store.import_rows`).

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
    chains, chain_errors = _checked_value_chains(answer_file.value_chains, name)
    errors += chain_errors
    if errors:
        raise ImportFileError(errors)
    rated = {(i.id, item.id) for i in instruments().values() for item in i.items}
    normal = replace(
        records.normalised(answer_file, rated), maps=maps, circles=circles, value_chains=chains
    )
    return store.import_rows(normal, from_page=from_page)


@dataclass(frozen=True)
class TeamUpload:
    """What a coach's upload of participants' files did."""

    files: int
    people: int
    answers: int
    uploaded_before: tuple[str, ...]  # file names of people the store already had


def upload_team_files(
    store: PageStore, session: TeamSession, files: list[tuple[str, bytes]]
) -> TeamUpload:
    """Import participants' downloaded answer files into a team session: all of them or none.

    Each file must be one person's own file. Every file is checked before
    anything is written; the same person in two files is refused, and a
    person uploaded before is reported (only their newer answers are taken).

    Parameters
    ----------
    store : PageStore
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
        chains, chain_errors = _checked_value_chains(answer_file.value_chains, name)
        problems += map_errors + circle_errors + chain_errors
        people = (
            {r["participant"] for r in answer_file.rows} | set(maps) | set(circles) | set(chains)
        )
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
            normal = replace(
                records.normalised(answer_file, rated),
                maps=maps,
                circles=circles,
                value_chains=chains,
            )
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
        {k: v for f in checked for k, v in f.value_chains.items()},
    )
    summary = store.import_rows(
        merged, into_session=session.code, files=", ".join(name for name, _ in files)
    )
    return TeamUpload(len(files), len(owner_of), summary.answers, before)


def _updated_at(data: object, where: str) -> str:
    """The record's ``updated_at`` as UTC text to the second (a time with no zone is UTC).

    Raises
    ------
    ValueError
        Saying where, when it is not a date and time.
    """
    try:
        stamp = datetime.fromisoformat(str(data.get("updated_at", "")))  # type: ignore[attr-defined]
    except (ValueError, AttributeError):
        raise ValueError(f"{where}: 'updated_at' must be a date and time (ISO 8601)") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).replace(microsecond=0).isoformat()


def _checked_maps(raw: dict, name: str) -> tuple[dict[str, tuple[str, CustomerMap]], list[str]]:
    maps: dict[str, tuple[str, CustomerMap]] = {}
    errors: list[str] = []
    for public_id, data in raw.items():
        where = f"{name}: map of {public_id}"
        try:
            cmap = map_from_dict(data, where)
            maps[str(public_id)] = (_updated_at(data, where), cmap)
        except MapFileError as err:
            errors.extend(err.errors)
        except ValueError as err:
            errors.append(str(err))
    return maps, errors


def _checked_value_chains(raw: dict, name: str) -> tuple[dict[str, tuple[str, dict]], list[str]]:
    chains: dict[str, tuple[str, dict]] = {}
    errors: list[str] = []
    if not raw:
        return chains, errors
    # Only a file that carries checks needs their rules: every page imports this module.
    from kit.organisation.content import chain_content
    from kit.organisation.files import CheckFileError, check_from_dict, check_to_dict

    content = chain_content()
    for public_id, data in raw.items():
        where = f"{name}: value-chain check of {public_id}"
        try:
            check = check_from_dict(data, content, where)
            chains[str(public_id)] = (_updated_at(data, where), check_to_dict(check))
        except CheckFileError as err:
            errors.extend(err.errors)
        except ValueError as err:
            errors.append(str(err))
    return chains, errors


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


def maps_for_file(stored: dict[str, tuple[str, CustomerMap]]) -> dict[str, dict]:
    """Return stored maps as the plain data an answer file carries."""
    return {
        pid: {"updated_at": stamp, **map_to_dict(cmap)} for pid, (stamp, cmap) in stored.items()
    }


def my_answers_file(store: PageStore, participant: Participant) -> str:
    """Return a participant's own answer file (JSON, with their resume code)."""
    rows = store.rows(participant_id=participant.id, own=True)
    return records.to_json(
        rows,
        maps=maps_for_file(store.maps(participant_id=participant.id)),
        circles=store.circle_records(participant_id=participant.id),
        value_chains={
            pid: {"updated_at": stamp, **body}
            for pid, _, stamp, body in store.value_chains(participant_id=participant.id)
        },
        resume_codes={participant.public_id: participant.resume_code},
        display_names={participant.public_id: participant.display_name}
        if participant.display_name
        else None,
    )
