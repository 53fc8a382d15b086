"""The questionnaires' queries: one answer saved at once, a person's answers read back.

A mixin of :class:`kit.database.Store`. Saving an answer rescores the person
in the same transaction (:class:`kit.instruments.trait_scores.TraitScores`),
so the team's figures never lag an answer.
"""

from __future__ import annotations

from typing import Protocol

from kit.instruments.content import instruments
from kit.instruments.trait_scores import TraitScores
from kit.model import PULSE, Participant
from kit.store.attempts import WRONG_CODES
from kit.store.clock import now
from kit.store.codes import new_respondent_id
from kit.store.errors import guarded


class AnswerQueries(TraitScores):
    """Store methods for answers."""

    # -- answers --------------------------------------------------------------

    @guarded
    def save_answer(
        self,
        participant_id: int,
        instrument: str,
        item: str,
        value: str | None,
        round: int = 1,  # noqa: A002 - the column's name
    ) -> str:
        """Save one answer at once (``None`` or empty text removes it).

        ``round`` counts the times a team answers the same instrument (the
        openness pulse); every other instrument is answered in round 1.

        Returns
        -------
        str
            The time stamp stored with the answer.
        """
        stamp = now()
        with self._write() as db:
            if value is None or value == "":
                db.execute(
                    "DELETE FROM answers WHERE participant_id = ? AND instrument = ? AND item = ?"
                    " AND round = ?",
                    (participant_id, instrument, item, round),
                )
            else:
                db.execute(
                    "INSERT INTO answers (participant_id, instrument, item, value, answered_at,"
                    " round) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (participant_id, instrument, item, round)"
                    " DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at",
                    (participant_id, instrument, item, str(value), stamp, round),
                )
            if instrument == PULSE:
                # The pulse's answers get their own id per round, so no export
                # can join them to the same person's other answers.
                db.execute(
                    "INSERT INTO pulse_respondents VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (participant_id, round, new_respondent_id()),
                )
            self._rescore(db, participant_id, instrument, item, round)
        return stamp

    @guarded
    def answers(
        self,
        participant_id: int,
        instrument: str,
        round: int = 1,  # noqa: A002 - the column's name
    ) -> dict[str, str]:
        """Return a participant's answers to one instrument (in one round), by item."""
        rows = self._db.execute(
            "SELECT item, value FROM answers WHERE participant_id = ? AND instrument = ?"
            " AND round = ?",
            (participant_id, instrument, round),
        )
        return {r["item"]: r["value"] for r in rows}

    @guarded
    def answer_with_time(
        self, participant_id: int, instrument: str, item: str, round_: int = 1
    ) -> tuple[str, str] | None:
        """Return (value, answered_at) of one stored answer, or None."""
        row = self._db.execute(
            "SELECT value, answered_at FROM answers WHERE participant_id = ? AND instrument = ?"
            " AND item = ? AND round = ?",
            (participant_id, instrument, item, round_),
        ).fetchone()
        return (row["value"], row["answered_at"]) if row else None


class LastWordsStore(Protocol):
    """What :func:`save_last_words` needs of the store."""

    def too_many(self, client: str, rule: tuple[str, int, float]) -> bool: ...
    def note_attempt(self, client: str, rule: tuple[str, int, float]) -> None: ...
    def participant_by_code(self, code: str) -> Participant | None: ...
    def answer_with_time(
        self, participant_id: int, instrument: str, item: str, round_: int = 1
    ) -> tuple[str, str] | None: ...
    def save_answer(
        self, participant_id: int, instrument: str, item: str, value: str | None, round: int = 1
    ) -> str: ...


def save_last_words(
    store: LastWordsStore, code: str, entries: list[list], client: str = "", arrived: str = ""
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

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import open_store
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3"))
    >>> person = store.create_participant()
    >>> sent = [["hidden_leader", 1, "reflection.paying_customer", "The hospitals"],
    ...         ["hidden_leader", 1, "urgency.1", "5"]]  # a rating is not free text: skipped
    >>> save_last_words(store, person.resume_code, sent), save_last_words(store, "WRONG", sent)
    (1, 0)
    >>> store.answers(person.id, "hidden_leader")
    {'reflection.paying_customer': 'The hospitals'}
    >>> store.close()
    """
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
