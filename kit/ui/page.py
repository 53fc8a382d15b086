"""What every workbook page shares: opening, the first save, messages and report mode.

A page opens for the person its link or parameters name (:func:`open_for`),
and never raises: every problem becomes a message at the top of the page. The
first thing a person saves creates them in the store, gives them a resume code
and shows it in the banner (:meth:`WorkbookPage.person`), the same way on every
page. A page made with ``report=True`` (a papermill run, the downloadable
report) returns static HTML from each section instead of widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML

from kit.database import PageStore, open_store
from kit.exchange import my_answers_file
from kit.model import Participant, TeamSession
from kit.store.errors import StoreError
from kit.style import STYLE
from kit.ui.components import (
    Notice,
    control,
    download_link,
    hbox,
    html,
    messages,
    page_top,
    resume_banner,
    vbox,
)
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

    store: PageStore | None
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


class Page:
    """The base of every page: its store, report mode, messages, and sections drawn from its state.

    A page keeps a controller (``kit/<feature>/controllers.py``) whose frozen
    ``state`` the sections draw from; each section registers how it redraws
    (:meth:`drawn_by`), and each action ends in :meth:`acted`, which redraws
    and shows what the action said beside the controls.

    Parameters
    ----------
    store : PageStore or None
        Where the page saves; None when it cannot save (the reason is in ``problems``).
    report : bool
        Build static HTML, not widgets.
    problems : tuple of (level, text)
        Messages for the top of the page.
    """

    def __init__(self, store: PageStore | None, report: bool = False, problems: Problems = ()):
        self._store = store
        self.report = report
        self.problems = list(problems)
        self.controller: Any = None  # the page's controller (kit/<feature>/controllers.py)
        self._drawers: list[Callable[[Any], None]] = []
        self._drawing = False
        self.notice = Notice()  # what the page itself says (opening, following the store)
        self._notices: dict[str, Notice] = {}

    @property
    def store(self) -> PageStore | None:
        """Where the page saves (None when it cannot)."""
        return self._store

    @store.setter
    def store(self, store: PageStore | None) -> None:
        # The page and its controller always use the same store.
        self._store = store
        if self.controller is not None:
            self.controller.store = store

    # -- sections drawn from the page's state ----------------------------------------------

    @property
    def state(self) -> Any:
        """The page's frozen state, which its sections draw from (each page says what it is)."""
        return None

    def drawn_by(self, draw: Callable[[Any], None], now: bool = True) -> None:
        """Register how a section redraws from the state, and draw it now.

        Only the sections a notebook has shown register, so a redraw never
        asks whether a widget exists.
        """
        self._drawers.append(draw)
        if now:  # False: the section's first draw is put off (it draws on every redraw)
            draw(self.state)

    @property
    def drawing(self) -> bool:
        """True while the page itself sets widgets (a redraw), not the person."""
        return self._drawing

    @contextmanager
    def quietly(self) -> Iterator[None]:
        """Set widgets from the state without their handlers acting on it."""
        was, self._drawing = self._drawing, True
        try:
            yield
        finally:
            self._drawing = was

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

    def notice_at(self, place: str) -> Notice:
        """The message box of one group of controls, placed by its section right under them.

        An action passes it to :meth:`acted`, so what the action says shows
        beside the control that was used, not at the top of a long page.

        Examples
        --------
        >>> page = Page(None)
        >>> page.notice_at("members") is page.notice_at("members")
        True
        """
        if place not in self._notices:
            self._notices[place] = Notice()
        return self._notices[place]

    def acted(
        self,
        done: bool,
        then: Callable[[], object] | None = None,
        notice: Notice | None = None,
        tail: str = "",
    ) -> bool:
        """After an action: redraw every section from the state, then say what happened.

        ``then`` runs after a done action's redraw (to clear the boxes it came
        from, or keep a choice). The message comes last, so by the time a
        person reads "Added" the page already shows what was added; it goes
        to ``notice`` (the one beside the control used), or the page's own,
        followed by ``tail``, trusted HTML such as the links a done action offers.
        """
        self.redraw()
        if done and then is not None:
            then()
        message = getattr(self.state, "message", None)
        if message is not None:
            level, text = message
            self.say(level, text, notice, tail if done else "")
        return done

    def say(self, level: str, text: str, notice: Notice | None = None, tail: str = "") -> None:
        """Show a message in ``notice`` (the page's own by default) and clear the other places.

        One message at a time: what an earlier action said beside other
        controls is old news once the person acts somewhere else.
        """
        target = notice or self.notice
        for other in self._notices.values():
            if other is not target and other.value:
                other.clear()
        target.show(level, text, tail)

    def report_top(self) -> HTML:
        """What opens the report: the stylesheet and the messages."""
        return HTML(STYLE + messages(self.problems))


class WorkbookPage(Page):
    """The base of every workbook page: who it is for, the banner, messages, report mode.

    A page sets ``WORKBOOK``, ``REPORT_TITLE`` and ``REPORT_FILE`` to offer
    its report (:meth:`report_download`), and ``state`` to what its
    sections draw from.

    Parameters
    ----------
    store : PageStore or None
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
    make_report : callable, optional
        ``(resume code, store) -> HTML`` for the report; by default the
        workbook run headless (:func:`kit.report.workbook_report`).
    """

    WORKBOOK = ""  # the notebook's file name, for its report
    REPORT_TITLE = ""
    REPORT_FILE = "report"  # the downloaded report's name, before its date
    NOTHING_TO_REPORT = "Answer at least one statement first: the report shows your answers."

    def __init__(
        self,
        store: PageStore | None,
        participant: Participant | None = None,
        session: str | None = None,
        report: bool = False,
        problems: Problems = (),
        team: TeamSession | None = None,
        make_report: Callable[[str, str], str] | None = None,
    ):
        super().__init__(store, report, problems)
        self.participant = participant
        self.session = session
        self.team = team
        self.banner = html(
            resume_banner(participant.resume_code, participant.session) if participant else ""
        )
        # How the report is made (a test may give its own): by default, from the workbook's cells.
        self.make_report: Callable[[str, str], str] = make_report or self._workbook_report

    # -- the top of the page ---------------------------------------------------------------

    def top(self) -> list[widgets.Widget]:
        """What opens the page: the stylesheet, notices, messages and the resume banner."""
        return [*page_top(messages(self.problems)), self.banner]

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

    # -- the person's own file, made when asked for --------------------------------------

    def answers_download(self, label: str = "Download my answers") -> widgets.Widget:
        """A button that makes the person's answers file when pressed, and the link to save it.

        The file holds everything of the person's in the store (every
        workbook's answers, their map and circles), so it is read when asked
        for, never on each save.
        """
        self.answers_button = control(widgets.Button, description=label)
        self.answers_button.on_click(lambda _: self.make_answers_file())
        self.answers_link = html()
        self.answers_notice = Notice()
        return vbox([hbox([self.answers_button, self.answers_link]), self.answers_notice])

    def make_answers_file(self) -> bool:
        """Make the person's answers file now and offer it as a link; True when it is ready."""
        if self.participant is None or self.store is None:
            self.answers_notice.show(
                "warn", "Save something first: the file holds what you have saved."
            )
            return False
        try:
            data = my_answers_file(self.store, self.participant)
        except StoreError as err:
            self.answers_notice.show("error", f"Your answers file could not be made: {err}.")
            return False
        self.answers_notice.clear()
        self.answers_link.value = download_link(
            data,
            f"my-answers-{date.today():%Y-%m-%d}.json",
            "application/json",
            "Save my answers (JSON)",
        )
        return True

    # -- the report, made in the page's kernel when asked for --------------------------------

    def report_download(self) -> widgets.Widget:
        """The "Download report" button, the link it makes, and what it says."""
        self.report_button = control(widgets.Button, description="Download report")
        self.report_button.on_click(lambda _: self.prepare_report())
        self.report_link = html()
        self.report_notice = Notice()
        return vbox([hbox([self.report_button, self.report_link]), self.report_notice])

    def prepare_report(self) -> bool:
        """Build the HTML report from the workbook's cells, here in the page's kernel, and offer it as a link.

        Returns
        -------
        bool
            True when the link is ready.
        """
        notice = self.report_notice
        if self.participant is None or self.store is None:
            notice.show("warn", self.NOTHING_TO_REPORT)
            return False
        self.report_button.disabled = True
        notice.show("note", "Preparing your report: this takes a few seconds…")
        try:
            page = self.make_report(self.participant.resume_code, self.store.location)
        except Exception as err:  # noqa: BLE001 - shown to the person, not raised
            notice.show(
                "error",
                f"The report could not be made ({type(err).__name__}: {err}). "
                "Your answers are safe; try again.",
            )
            return False
        finally:
            self.report_button.disabled = False
        self.report_link.value = download_link(
            page,
            f"{self.REPORT_FILE}-{date.today():%Y-%m-%d}.html",
            "text/html",
            "Save the report (HTML)",
        )
        notice.show("ok", "Your report is ready: use the link beside the button.")
        return True

    def _workbook_report(self, resume: str, store: str) -> str:
        from kit.report import workbook_report

        return workbook_report(self.WORKBOOK, self.REPORT_TITLE, resume=resume, store=store)
