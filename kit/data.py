"""The store as pandas DataFrames: the analyst's way in.

Every function takes a store (an open store, a path or URL, or None for
``KIT_STORE`` / the default file) and returns a tidy frame: one row per
observation, one column per variable, with documented dtypes. The rows are
the ones ``kit export`` writes, through the same gates
(:func:`kit.team.anonymity.shared_rows`): an anonymous session below its minimum group gives
no rows, a pulse round below it is left out, and answers in anonymous
sessions carry their day, not their time. Team figures (:func:`team_scores`)
are the dashboard's own, behind the same minimum-group gate.

>>> from kit.database import open_store
>>> from kit.demo import simulate
>>> import tempfile, pathlib
>>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "k.db"))
>>> team = store.create_session("Desk", anonymous=False, min_group=3)
>>> _ = simulate(store, 4, session=team.code, seed=1)
>>> frame = scores(store, session=team.code, instrument="hidden_leader")
>>> frame.groupby("trait")["mean"].count().tolist()
[4, 4, 4, 4, 4]
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd

from kit.model import PULSE
from kit.team.anonymity import (
    Audience,
    DataError,
    Figure,
    SharedRows,
    disclose,
    find_session,
    sessions_held_back,
    shared_rows,
)

__all__ = [
    "DataError",
    "SharedRows",
    "actions",
    "answers",
    "customer_map",
    "find_session",
    "scores",
    "shared_rows",
    "team_scores",
]

ANSWER_COLUMNS = {
    "session": "string",
    "participant": "string",
    "instrument": "string",
    "round": "Int64",
    "item": "string",
    "value": "string",
    "rating": "Int64",
    "answered_at": "datetime64[ns, UTC]",
    "demo": "boolean",
}
SCORE_COLUMNS = {
    "session": "string",
    "participant": "string",
    "instrument": "string",
    "round": "Int64",
    "trait": "string",
    "name": "string",
    "mean": "Float64",
    "answered": "Int64",
    "items": "Int64",
}
TEAM_COLUMNS = {
    "instrument": "string",
    "round": "Int64",
    "trait": "string",
    "name": "string",
    "mean": "Float64",
    "spread": "Float64",
    "people": "Int64",
    "shown": "boolean",
    "note": "string",
}
ACTION_COLUMNS = {
    "circle": "string",
    "owner_id": "string",
    "action": "Int64",
    "text": "string",
    "owner": "string",
    "due": "datetime64[ns]",
    "opened": "Int64",
    "status": "string",
    "last_note": "string",
    "updated": "Int64",
    "overdue": "boolean",
}
MAP_COLUMNS = {
    "participant": "string",
    "source": "string",
    "source_kind": "string",
    "target": "string",
    "target_kind": "string",
    "handover": "string",
    "level": "string",
    "promise": "string",
    "own_output": "boolean",
    "reaches_paying": "boolean",
    "steps_to_paying": "Int64",
    "bridged": "boolean",
}

GAP_COLUMNS = {
    "participant": "string",
    "stops_at": "string",
    "rank": "Int64",
    "gap": "string",
    "kind": "string",
    "part": "string",
    "severity": "Int64",
    "next_step": "string",
    "own_step": "boolean",
}


@contextmanager
def _opened(store) -> Iterator:
    from kit.database import open_store

    if store is None or isinstance(store, str):
        opened = open_store(store or None)
        try:
            yield opened
        finally:
            opened.close()
    else:
        yield store


def _warn_held_back(hidden: list, what: str) -> None:
    if hidden:
        warnings.warn(
            f"Left out the {what} of anonymous sessions with fewer people than their minimum "
            f"group: {', '.join(sorted(s.code for s in hidden))}.",
            UserWarning,
            stacklevel=3,
        )


def _frame(records: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=list(columns))
    return frame.astype(columns)


def answers(store=None, session: str | None = None) -> pd.DataFrame:
    """Every answer as a tidy frame, one row per answer, as ``kit export`` writes them.

    Parameters
    ----------
    store : Store, str or None
        An open store, a store path or URL, or None for ``KIT_STORE`` or
        the default file.
    session : str, optional
        Only this team session (its join code).

    Returns
    -------
    pandas.DataFrame
        Columns: ``session`` (string, empty for no session), ``participant``
        (string: the public id, or the pulse round's respondent id),
        ``instrument``, ``round`` (Int64), ``item``, ``value`` (string, as
        given), ``rating`` (Int64: the value of a rated statement, else
        <NA>), ``answered_at`` (datetime64, UTC; midnight where only the
        day may be told), ``demo`` (boolean).

    Warns
    -----
    UserWarning
        Naming the pulse rounds and anonymous sessions held back because too
        few people answered them.

    Examples
    --------
    >>> from kit.database import open_store
    >>> import tempfile, pathlib
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "k.db"))
    >>> person = store.create_participant()
    >>> _ = store.save_answer(person.id, "hidden_leader", "enthusiasm.1", "4")
    >>> frame = answers(store)
    >>> frame[["instrument", "item", "rating"]].to_dict("records")
    [{'instrument': 'hidden_leader', 'item': 'enthusiasm.1', 'rating': 4}]
    """
    with _opened(store) as opened:
        shared = shared_rows(opened, session)
    for note in shared.held_back:
        warnings.warn(note, UserWarning, stacklevel=2)
    records = []
    for row in shared.rows:
        value = str(row["value"])
        records.append(
            {
                **row,
                "rating": int(value) if value.isdigit() and "." in row["item"] else None,
                "answered_at": pd.Timestamp(row["answered_at"]),
                "demo": bool(row["demo"]),
            }
        )
    frame = _frame(records, ANSWER_COLUMNS)
    # Reflections and commitments are text, whatever digits someone typed.
    text = frame["item"].str.startswith(("reflection.", "commitment."))
    frame.loc[text, "rating"] = pd.NA
    return frame


def scores(store=None, session: str | None = None, instrument: str | None = None) -> pd.DataFrame:
    """Each person's score per trait (the mean of its rated statements), tidy.

    Computed from :func:`answers`, so the same gates hold. The pulse's
    scores are per round under its respondent ids.

    Parameters
    ----------
    store : Store, str or None
    session : str, optional
    instrument : str, optional
        Only this instrument (``hidden_leader``, ``focus_attitude``,
        ``openness_pulse``).

    Returns
    -------
    pandas.DataFrame
        Columns: ``session``, ``participant``, ``instrument``, ``round``
        (Int64), ``trait`` (its id), ``name``, ``mean`` (Float64, <NA> when
        none of its statements is answered), ``answered`` and ``items``
        (Int64: statements answered, and in all).

    Examples
    --------
    >>> from kit.database import open_store
    >>> import tempfile, pathlib
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "k.db"))
    >>> person = store.create_participant()
    >>> for n in (1, 2):
    ...     _ = store.save_answer(person.id, "hidden_leader", f"enthusiasm.{n}", str(n + 2))
    >>> row = scores(store, instrument="hidden_leader").iloc[0]
    >>> row["trait"], float(row["mean"]), int(row["answered"]), int(row["items"])
    ('enthusiasm', 3.5, 2, 4)
    """
    from kit.instruments.content import instruments
    from kit.instruments.scoring import trait_scores

    frame = answers(store, session)
    catalogue = instruments()
    if instrument is not None:
        if instrument not in catalogue:
            raise DataError(f"no instrument '{instrument}': choose {', '.join(sorted(catalogue))}")
        frame = frame[frame["instrument"] == instrument]
    records = []
    keys = ["session", "participant", "instrument", "round"]
    for (code, who, inst, rnd), group in frame.groupby(keys, sort=False, dropna=False):
        if inst not in catalogue or not catalogue[inst].traits:
            continue
        given = dict(zip(group["item"], group["value"], strict=True))
        for score in trait_scores(catalogue[inst], given):
            records.append(
                {
                    "session": code,
                    "participant": who,
                    "instrument": inst,
                    "round": rnd,
                    "trait": score.trait.id,
                    "name": score.trait.name,
                    "mean": score.mean,
                    "answered": score.answered,
                    "items": len(score.trait.items),
                }
            )
    return _frame(records, SCORE_COLUMNS)


def team_scores(store=None, session: str = "") -> pd.DataFrame:
    """A team session's figures per trait, exactly as its dashboard shows them.

    Below the session's minimum group a figure holds no numbers: ``mean``
    and ``spread`` are <NA>, ``shown`` is False and ``note`` says why. Each
    number is one :func:`kit.team.anonymity.disclose` lets the coach see: the
    spread, for one, only from twice the minimum group.

    Parameters
    ----------
    store : Store, str or None
    session : str
        The team session's join code.

    Returns
    -------
    pandas.DataFrame
        Columns: ``instrument``, ``round`` (Int64), ``trait``, ``name``,
        ``mean`` and ``spread`` (Float64), ``people`` (Int64: how many the
        figure covers), ``shown`` (boolean), ``note`` (string, empty when shown).

    Examples
    --------
    >>> from kit.database import open_store
    >>> import tempfile, pathlib
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "k.db"))
    >>> team = store.create_session("Desk", min_group=3)
    >>> frame = team_scores(store, team.code)
    >>> row = frame.iloc[0]
    >>> row["instrument"], bool(row["shown"]), row["note"]
    ('hidden_leader', False, 'no answers yet')
    """
    from kit.team.picture import Profile, PulseRound, team_picture

    with _opened(store) as opened:
        team = find_session(opened, session)
        picture = team_picture(opened, team)
    records = []
    profiles: list[tuple[str, int, Profile | PulseRound]] = [("hidden_leader", 1, picture.profile)]
    if picture.axes is not None:
        profiles.append(("focus_attitude", 1, picture.axes))
    profiles += [(PULSE, r.round, r) for r in picture.pulse]
    for instrument, rnd, profile in profiles:
        gate = profile.gate
        if not disclose(Figure.MEANS, gate, Audience.COACH):
            records.append(
                {
                    "instrument": instrument,
                    "round": rnd,
                    "people": None,
                    "shown": False,
                    "note": gate.message(),
                }
            )
            continue
        for trait in profile.traits:
            records.append(
                {
                    "instrument": instrument,
                    "round": rnd,
                    "trait": trait.trait,
                    "name": trait.name,
                    "mean": trait.mean,
                    "spread": trait.spread
                    if disclose(Figure.SPREAD, gate, Audience.COACH)
                    else None,
                    "people": gate.covered,
                    "shown": True,
                    "note": "",
                }
            )
    return _frame(records, TEAM_COLUMNS)


def actions(store=None, session: str | None = None, today: str | None = None) -> pd.DataFrame:
    """Every Customer Circle action, one row each, with whether it is overdue.

    Parameters
    ----------
    store : Store, str or None
    session : str, optional
        Only circles planned by people of this team session.
    today : str, optional
        ISO date that counts as today (for ``overdue``); the real today when None.

    Returns
    -------
    pandas.DataFrame
        Columns: ``circle`` (its code), ``owner_id`` (the public id of the
        person who planned the circle), ``action`` (Int64 id), ``text``,
        ``owner`` (who does it), ``due`` (datetime64), ``opened`` (Int64: the
        circle session it was opened in), ``status`` (open, done, dropped),
        ``last_note`` and ``updated`` (the latest review's note and session),
        ``overdue`` (boolean: open and past its due date).

    Examples
    --------
    >>> from kit.database import open_store
    >>> from kit.demo import simulate
    >>> import tempfile, pathlib
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "k.db"))
    >>> _ = simulate(store, 1, seed=2)
    >>> frame = actions(store)
    >>> sorted(set(frame["status"])) <= ["done", "dropped", "open"], len(frame) > 0
    (True, True)
    """
    from datetime import date

    day = today or date.today().isoformat()
    records = []
    with _opened(store) as opened:
        team, hidden = sessions_held_back(opened, session)
        held = {owner for s in hidden for owner, _ in opened.circle_codes(session=s.code)}
        _warn_held_back(hidden, "circles")
        for owner_id, circle in opened.circle_codes(session=team.code if team else None):
            if owner_id in held:
                continue
            for action in opened.actions(circle):
                last = action.history[-1] if action.history else None
                records.append(
                    {
                        "circle": circle,
                        "owner_id": owner_id,
                        "action": action.id,
                        "text": action.text,
                        "owner": action.owner,
                        "due": pd.Timestamp(action.due) if action.due else pd.NaT,
                        "opened": action.opened,
                        "status": action.status,
                        "last_note": last.note if last else "",
                        "updated": last.session if last else action.opened,
                        "overdue": action.status == "open"
                        and bool(action.due)
                        and action.due < day,
                    }
                )
    return _frame(records, ACTION_COLUMNS)


def customer_map(store=None, session: str | None = None) -> pd.DataFrame:
    """Every customer map's links, one row each, with their line of sight to a paying customer.

    Parameters
    ----------
    store : Store, str or None
    session : str, optional
        Only maps of people in this team session.

    Returns
    -------
    pandas.DataFrame
        Columns: ``participant`` (public id), ``source`` and ``target``
        (element names) with their ``source_kind`` and ``target_kind``,
        ``handover``, ``level``, ``promise``, ``own_output`` (boolean: an
        output of the map's own team, or every link when no team is
        marked), ``reaches_paying`` (boolean, for own outputs), and
        ``steps_to_paying`` (Int64: handovers from the source to the
        nearest paying customer), ``bridged`` (boolean: a bridge person on
        the way).

    Examples
    --------
    >>> from kit.database import open_store
    >>> from kit.demo import simulate
    >>> import tempfile, pathlib
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "k.db"))
    >>> _ = simulate(store, 1, seed=2)  # the first demo person has the example map
    >>> frame = customer_map(store)
    >>> bool(frame["own_output"].any()), bool(frame["steps_to_paying"].min() >= 1)
    (True, True)
    """
    from kit.maps.logic import analyse
    from kit.maps.model import name_key

    records = []
    with _opened(store) as opened:
        team, hidden = sessions_held_back(opened, session)
        maps = opened.maps(session=team.code if team else None)
        for held in hidden:
            for public_id in opened.maps(session=held.code):
                maps.pop(public_id, None)
        _warn_held_back(hidden, "customer maps")
    for public_id, (_, cmap) in maps.items():
        kinds = {name_key(e.name): e.kind for e in cmap.elements}
        sights = {
            (name_key(s.connection.source), name_key(s.connection.target)): s
            for s in analyse(cmap).outputs
        }
        for link in cmap.connections:
            sight = sights.get((name_key(link.source), name_key(link.target)))
            records.append(
                {
                    "participant": public_id,
                    "source": link.source,
                    "source_kind": kinds.get(name_key(link.source), ""),
                    "target": link.target,
                    "target_kind": kinds.get(name_key(link.target), ""),
                    "handover": link.handover,
                    "level": link.level,
                    "promise": link.promise,
                    "own_output": sight is not None,
                    "reaches_paying": sight.reaches if sight else None,
                    "steps_to_paying": len(sight.path) - 1 if sight and sight.path else None,
                    "bridged": sight.bridged if sight else None,
                }
            )
    return _frame(records, MAP_COLUMNS)


def value_chain_gaps(store=None, session: str | None = None) -> pd.DataFrame:
    """Every value-chain check's gaps (workbook 7), one row each, largest first per manager.

    Parameters
    ----------
    store : Store, str or None
    session : str, optional
        Only checks of people in this team session.

    Returns
    -------
    pandas.DataFrame
        Columns: ``participant`` (public id), ``stops_at`` (the level where
        customer focus stops for them, empty when it reaches every level
        answered), ``rank`` (1 is the largest gap), ``gap`` (in words),
        ``kind`` (the kind of gap, a key of the content's steps), ``part``,
        ``severity`` (3 a large gap, 2 a medium one, 1 a small one),
        ``next_step`` and ``own_step`` (the manager wrote it).

    Examples
    --------
    >>> from kit.database import open_store
    >>> from kit.demo import simulate
    >>> import tempfile, pathlib
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "k.db"))
    >>> _ = simulate(store, 1, seed=2)  # the first demo person has a full check
    >>> frame = value_chain_gaps(store)
    >>> int(frame["rank"].min()), bool((frame["severity"] >= 1).all())
    (1, True)
    """
    from kit.organisation import logic
    from kit.organisation.content import chain_content
    from kit.organisation.files import CheckFileError, check_from_dict

    content = chain_content()
    records = []
    with _opened(store) as opened:
        team, hidden = sessions_held_back(opened, session)
        left_out = {p for s in hidden for p, *_ in opened.value_chains(session=s.code)}
        stored = [
            row
            for row in opened.value_chains(session=team.code if team else None)
            if row[0] not in left_out
        ]
        maps = opened.maps(session=team.code if team else None)
        _warn_held_back(hidden, "value-chain checks")
    for public_id, _, _, body in stored:
        cmap = maps.get(public_id, ("", None))[1]
        try:
            check = check_from_dict(body, content)
        except CheckFileError:
            continue  # kept by an older wording of the check (a role since removed): skipped
        p = logic.picture(check, content, cmap)
        stop = p.stops_at
        for rank, g in enumerate(p.gaps, start=1):
            records.append(
                {
                    "participant": public_id,
                    "stops_at": stop.name if stop else "",
                    "rank": rank,
                    "gap": g.title,
                    "kind": g.key,
                    "part": g.part,
                    "severity": g.severity,
                    "next_step": g.step,
                    "own_step": g.own,
                }
            )
    return _frame(records, GAP_COLUMNS)
