"""The questionnaires' controller: one person's answers as frozen state, each saved in one write. No widgets.

:class:`AnswersController` holds an :class:`AnswersState` (the answers by
item, the round, what could not be saved, and what the last action said) and
replaces it on every answer. The page (:mod:`kit.instruments.pages.instrument`)
and its questionnaire read the answers from this one state, so there is one
copy of them; the results are worked out once per state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

from kit.controller import Controller, Message
from kit.instruments import scoring
from kit.instruments.model import Instrument, Results
from kit.model import Participant
from kit.store.errors import StoreError, StoreUnreachable

# What a person reads when an answer waits for the store's database to come back.
RECONNECTING = (
    "Reconnecting to the store. Your answer is on this page and is saved by itself as soon "
    "as the store answers again; keep going."
)

if TYPE_CHECKING:
    from kit.database import PageStore


def _frozen(answers: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(answers))


@dataclass(frozen=True)
class AnswersState:
    """One person's answers to one instrument, as the page shows them."""

    instrument: Instrument | None
    answers: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    round: int = 1
    name: str = ""  # the name a named session shows
    not_saved: frozenset[str] = frozenset()  # answers on screen that could not be saved
    # Of those, the ones that wait for the store's database to come back: saved by themselves.
    reconnecting: frozenset[str] = frozenset()
    message: Message | None = None

    @cached_property
    def results(self) -> Results | None:
        """What the answers mean (worked out once for this state; None without an instrument)."""
        if self.instrument is None:
            return None
        return scoring.results(self.instrument, self.answers)


class AnswersController(Controller):
    """Save and follow one person's answers to one instrument.

    Parameters
    ----------
    store : PageStore or None
        Where answers go; None when the page cannot save.
    instrument : Instrument or None
        The instrument (None when its content file is broken).
    answers : mapping
        The answers the page opened with.
    person : callable
        Returns the person answering, creating them on their first answer
        (the page base's first save).
    instrument_id : str
        The instrument's id in the store.
    round : int
        The team session's round (the pulse is answered afresh each round).
    name : str
        The name a named session shows for the person.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import Store
    >>> from kit.instruments.content import get_instrument
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
    >>> me = store.create_participant()
    >>> hl = get_instrument("hidden_leader")
    >>> answers = AnswersController(store, hl, {}, lambda: me, "hidden_leader")
    >>> answers.save("urgency.1", 4), dict(answers.state.answers)
    (True, {'urgency.1': '4'})
    >>> answers.state.results.answered
    1
    >>> answers.save("reflection.paying_customer", "x" * 20_000), answers.state.message[0]
    (False, 'error')
    >>> store.answers(me.id, "hidden_leader")
    {'urgency.1': '4'}
    >>> store.close()
    """

    def __init__(
        self,
        store: PageStore | None,
        instrument: Instrument | None,
        answers: Mapping[str, str],
        person: Callable[[], Participant],
        instrument_id: str,
        round: int = 1,  # noqa: A002 - the store's word for it
        name: str = "",
    ):
        self.store = store
        self.instrument_id = instrument_id
        self._person = person
        self.state = AnswersState(instrument, _frozen(answers), round, name)

    def save(self, key: str, value: object) -> bool:
        """Save one answer now, in one write; say why (never raise) when it cannot be.

        The answer stays on screen even when the store refuses it, so nothing
        typed is lost; ``state.not_saved`` remembers it until a save works.
        """
        s = self.state
        text = "" if value is None else str(value)
        problem = s.instrument.check_answer(key, text) if text and s.instrument else None
        if problem:
            # Refuse here what an import of the person's own file would refuse later.
            return self._say("error", f"Not saved: {problem}. Shorten it and try again.")
        answers = {k: v for k, v in s.answers.items() if k != key}
        if text:
            answers[key] = text
        self.state = replace(s, answers=_frozen(answers))
        if self.store is None:
            return self._say("error", "This page cannot save answers (see the message at the top).")
        try:
            self.store.save_answer(self._person().id, self.instrument_id, key, text, s.round)
        except StoreUnreachable:
            self.state = replace(
                self.state,
                not_saved=self.state.not_saved | {key},
                reconnecting=self.state.reconnecting | {key},
            )
            return self._say("error", RECONNECTING)
        except Exception as err:  # noqa: BLE001 - the page must never show a traceback
            self.state = replace(self.state, not_saved=self.state.not_saved | {key})
            return self._say(
                "error",
                f"Your last answer could not be saved ({type(err).__name__}: {err}). It is still "
                "on screen; try again in a moment, or use Download my answers.",
            )
        self.state = replace(
            self.state,
            not_saved=self.state.not_saved - {key},
            reconnecting=self.state.reconnecting - {key},
            message=None,
        )
        return True

    def set_name(self, name: str, participant: Participant | None) -> bool:
        """Keep the name a named session shows for this person (saved once they exist)."""
        name = " ".join(name.split())[:60]
        self.state = replace(self.state, name=name)
        if participant is None or self.store is None:
            return True  # the first answer creates the person with this name
        try:
            self.store.set_display_name(participant.id, name)
        except StoreError as err:
            return self._say("error", f"Your name was not saved: {err}.")
        return True

    def save_pending(self) -> bool:
        """Save the answers that waited for the store's database; True when the page should say so.

        The page calls this as it follows the store, so answers given while
        the database was out of reach are saved once it is back, without the
        person tapping again. Only those: an answer the store refused for
        another reason waits for the person, with its message.

        Raises
        ------
        StoreUnreachable
            When the database is still away (the answers stay on screen, waiting).
        """
        s = self.state
        if not s.reconnecting or self.store is None:
            return False
        for key in sorted(s.reconnecting):
            try:
                self.store.save_answer(
                    self._person().id, self.instrument_id, key, s.answers.get(key, ""), s.round
                )
            except StoreUnreachable:
                raise
            except StoreError as err:
                self.state = replace(self.state, reconnecting=self.state.reconnecting - {key})
                self._say(
                    "error",
                    f"An answer could not be saved ({err}). It is still on screen; change it "
                    "to try again, or use Download my answers.",
                )
                return True
            self.state = replace(
                self.state,
                not_saved=self.state.not_saved - {key},
                reconnecting=self.state.reconnecting - {key},
            )
        self._say("ok", "Saved: the store answers again, and every answer on this page is kept.")
        return True

    def follow(self, participant: Participant | None, typing: Iterable[str] = ()) -> set[str]:
        """Take the answers another window or device saved; return the items that changed.

        What this page holds but has not managed to save, and the boxes being
        typed in (``typing``), stay as they are.

        Raises
        ------
        StoreError
            When the store cannot be read (the page says it stopped following).
        """
        s = self.state
        if participant is None or self.store is None or s.instrument is None:
            return set()
        stored = self.store.answers(participant.id, self.instrument_id, s.round)
        keep = set(typing) | s.not_saved
        mine = {k: v for k, v in s.answers.items() if k not in keep}
        theirs = {k: v for k, v in stored.items() if k not in keep}
        if mine == theirs:
            return set()
        moved = {k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k)}
        answers = {**theirs, **{k: s.answers[k] for k in keep if k in s.answers}}
        self.state = replace(
            s,
            answers=_frozen(answers),
            message=(
                "note",
                "Your answers were changed in another window or on another device; this page "
                "now shows the latest ones.",
            ),
        )
        return moved
