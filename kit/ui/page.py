"""What every workbook page shares: opening, the first save, messages and report mode.

A page opens for the person its link or parameters name (:func:`open_for`),
and never raises: every problem becomes a message at the top of the page. The
first thing a person saves creates them in the store, gives them a resume code
and shows it in the banner (:meth:`WorkbookPage.person`), the same way on every
page. A page made with ``report=True`` (a papermill run, the downloadable
report) returns static HTML from each section instead of widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML

from kit.database import Store, open_store
from kit.model import Participant, TeamSession
from kit.store.errors import StoreError
from kit.style import STYLE
from kit.ui.components import html, messages, page_top, resume_banner
from kit.ui.context import client_address
from kit.ui.person import LookupRefused, from_link, look_up

Problems = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Opening:
    """Who a page opens for: the store, the person, their team session, and what went wrong.

    ``store`` is None when nothing may be saved (the store cannot be opened,
    or too many wrong codes came from this client), so a page never makes a
    new person of someone whose code was good.
    """

    store: Store | None
    participant: Participant | None = None
    session: str | None = None
    team: TeamSession | None = None
    problems: Problems = ()


def open_for(resume: str, store: str, report: bool, what: str = "Answers") -> Opening:
    """Open the store and find the person and session the link (or ``resume``) names.

    Parameters
    ----------
    resume : str
        A resume code; in the app, ``?resume=`` in the link takes precedence.
    store : str
        The store's path or URL; empty for ``KIT_STORE`` or the default.
    report : bool
        A headless report run: the link is not read.
    what : str
        What the page saves, for the message when the store cannot be opened.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> where = str(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
    >>> opening = open_for("", where, report=True)
    >>> opening.participant is None, opening.problems
    (True, ())
    >>> open_for("NOPE-NOPE", where, report=True).problems[0][0]
    'error'
    """
    resume, session = from_link(resume, report)
    try:
        the_store = open_store(store or None)
    except StoreError as err:
        return Opening(None, problems=(("error", f"{what} cannot be saved: {err}."),))
    try:
        visitor = look_up(the_store, resume, session)
    except LookupRefused as err:
        # Saving now would make a new person of someone whose code was good.
        return Opening(None, problems=(("error", str(err)),))
    except StoreError as err:
        return Opening(
            the_store,
            session=session,
            problems=(("error", f"Your answers could not be looked up: {err}."),),
        )
    return Opening(
        the_store, visitor.participant, visitor.session, visitor.team, tuple(visitor.problems)
    )


class WorkbookPage:
    """The base of every workbook page: who it is for, the banner, messages, report mode.

    Parameters
    ----------
    store : Store or None
        Where the page saves; None when it cannot save (the reason is in ``problems``).
    participant : Participant, optional
        The person, once known; the first save creates one (:meth:`person`).
    session : str, optional
        The team session the person is in or joins with their first save.
    report : bool
        Build static HTML, not widgets.
    problems : tuple of (level, text)
        Messages for the top of the page.
    team : TeamSession, optional
        The team session, when the page is opened in one.
    """

    def __init__(
        self,
        store: Store | None,
        participant: Participant | None = None,
        session: str | None = None,
        report: bool = False,
        problems: Problems = (),
        team: TeamSession | None = None,
    ):
        self.store = store
        self.participant = participant
        self.session = session
        self.report = report
        self.problems = list(problems)
        self.team = team
        self.banner = html(
            resume_banner(participant.resume_code, participant.session) if participant else ""
        )
        self._drawers: list[Callable[[Any], None]] = []
        self._drawing = False

    # -- sections drawn from the page's state ----------------------------------------------

    @property
    def state(self) -> Any:
        """The page's frozen state, which its sections draw from (each page says what it is)."""
        return None

    def drawn_by(self, draw: Callable[[Any], None]) -> None:
        """Register how a section redraws from the state, and draw it now.

        Only the sections a notebook has shown register, so a redraw never
        asks whether a widget exists.
        """
        self._drawers.append(draw)
        draw(self.state)

    def redraw(self) -> None:
        """Redraw every shown section from the current state.

        A box set while drawing fires its handler; that handler's action sees
        no change and its redraw is skipped here, so one redraw draws once.
        """
        if self._drawing:
            return
        self._drawing = True
        try:
            state = self.state
            for draw in self._drawers:
                draw(state)
        finally:
            self._drawing = False

    # -- the top of the page ---------------------------------------------------------------

    def top(self) -> list[widgets.Widget]:
        """What opens the page: the stylesheet, notices, messages and the resume banner."""
        return [*page_top(messages(self.problems)), self.banner]

    def report_top(self) -> HTML:
        """What opens the report: the stylesheet and the messages."""
        return HTML(STYLE + messages(self.problems))

    def person(self, display_name: str = "") -> Participant:
        """Return the person saving: the first save creates them and shows their resume code.

        Raises
        ------
        StoreError
            When the page has no store or the person cannot be created; the
            caller shows it where the person acted.
        """
        if self.participant is None:
            if self.store is None:
                raise StoreError("this page cannot save (see the message at the top)")
            self.participant = self.store.create_participant(
                session=self.session, display_name=display_name, client=client_address()
            )
            self.banner.value = resume_banner(
                self.participant.resume_code, self.participant.session
            )
        return self.participant
