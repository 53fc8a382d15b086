"""What every questionnaire workbook shares: opening, saving, intro, questions, downloads.

A workbook's app subclasses :class:`InstrumentApp`, names its instrument and
workbook, and adds ``results()``. The notebook makes one app and calls one
method per section. In the app each method returns widgets; with
``report=True`` (a papermill run) each returns static HTML, so the same
notebook is the report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from html import escape
from pathlib import Path
from urllib.parse import quote

import ipywidgets as widgets
from IPython.display import HTML

from kit.content import ContentError
from kit.database import PageStore
from kit.instruments import views
from kit.instruments.content import get_instrument
from kit.instruments.controllers import AnswersController, AnswersState
from kit.instruments.model import Instrument
from kit.instruments.scoring import unanswered
from kit.model import PULSE, Participant, TeamSession
from kit.store.errors import StoreError
from kit.store.records import ImportFileError, parse, validate
from kit.style import STYLE
from kit.ui.components import (
    control,
    empty,
    html,
    messages,
    vbox,
)
from kit.ui.context import ephemeral
from kit.ui.live import Every, SavedAsTyped, shown_in
from kit.ui.page import Problems, WorkbookPage, open_for
from kit.ui.questionnaire import Questionnaire
from kit.workbooks import personal_workbooks

_FALLBACK_HELP = (
    "Ask whoever runs this server to check the content files (the command kit check names "
    "what is wrong)."
)


class InstrumentApp(WorkbookPage):
    """The state and views of one person's answers to one instrument.

    Use :meth:`open`, which never raises: every problem becomes a message on
    the page instead of a traceback. Subclasses set the class attributes and
    add ``results()``, drawing from :attr:`state` (one copy of the answers, in
    an :class:`~kit.instruments.controllers.AnswersController`).
    """

    INSTRUMENT = ""
    SECTION = "Trait"  # what one page of statements is called
    ROUNDS = False  # True: answered afresh in each of the team session's rounds (the pulse)

    def __init__(
        self,
        instrument: Instrument | None,
        store: PageStore | None,
        participant: Participant | None = None,
        answers: dict[str, str] | None = None,
        session: str | None = None,
        report: bool = False,
        problems: Problems = (),
        make_report: Callable[[str, str], str] | None = None,
        team: TeamSession | None = None,
    ):
        super().__init__(store, participant, session, report, problems, team, make_report)
        self.instrument = instrument
        self.answers_path: Path | None = None
        round_ = team.round_of(self.INSTRUMENT) if (team is not None and self.ROUNDS) else 1
        if answers is None and participant is not None and store is not None:
            try:
                answers = store.answers(participant.id, self.INSTRUMENT, round_)
            except StoreError as err:
                self.problems.append(("error", f"Your answers could not be read: {err}."))
        self.controller = AnswersController(
            store,
            instrument,
            answers or {},
            lambda: self.person(self.state.name),
            self.INSTRUMENT,
            round_,
            participant.display_name if participant else "",
        )
        self.save_notice = self.notice  # where a save says it failed, under the intro
        # The head of the results: "See my results" fills it, and the page script
        # (kit.js) scrolls it into view and moves focus to it (data-kit-go).
        self.ready = html()
        self._finishes = 0
        self.questionnaire: Questionnaire | None = None
        # Made only for a page in a team session: every widget costs the page's load.
        self.team_view = html() if (team is not None and not report) else None
        self._team_seen: tuple[object, ...] = ()
        self._typed: dict[str, SavedAsTyped] = {}
        # The live checks let a store error through, so the page says it stopped following.
        self.live = Every(lambda: self.follow_team(raising=True), shown=shown_in(self.notice))
        # Another window or device with the same resume code: this page follows the store.
        self.own = Every(lambda: self.follow_own(raising=True), shown=shown_in(self.notice))

    @property
    def state(self) -> AnswersState:
        """The person's answers as the page shows them (frozen; replaced by each save)."""
        return self.controller.state

    @property
    def answers(self) -> Mapping[str, str]:
        """The answers on the page, by item (the one copy the questionnaire reads too)."""
        return self.state.answers

    @property
    def round(self) -> int:
        """The team session's round these answers belong to (1 outside the pulse)."""
        return self.state.round

    # -- construction ----------------------------------------------------------

    @classmethod
    def open(
        cls,
        resume: str = "",
        answers_file: str = "",
        store: str = "",
        report: bool = False,
    ) -> InstrumentApp:
        """Open the workbook for the person the page link or parameters name.

        Parameters
        ----------
        resume : str
            A resume code; in the app, ``?resume=`` in the link takes precedence.
        answers_file : str
            A kit answer file to read instead of the store (headless runs).
        store : str
            The store's path or URL; empty for ``KIT_STORE`` or the default.
        report : bool
            Build static HTML (for papermill and the downloadable report).
        """
        try:
            instrument = get_instrument(cls.INSTRUMENT)
        except (ContentError, KeyError) as err:
            return cls(
                None,
                None,
                problems=(
                    ("error", f"The questionnaire cannot be shown: {err}. {_FALLBACK_HELP}"),
                ),
            )
        if answers_file:
            answers, problem = read_answers_file(instrument, Path(answers_file))
            app = cls(
                instrument,
                None,
                answers=answers,
                report=report,
                problems=(("error", problem),) if problem else (),
            )
            app.answers_path = Path(answers_file)
            return app
        opening = open_for(resume, store, report)
        return cls(
            instrument,
            opening.store,
            participant=opening.participant,
            session=opening.session,
            report=report,
            problems=opening.problems,
            team=opening.team,
        )

    # -- saving ------------------------------------------------------------------

    def save(self, key: str, value: object) -> bool:
        """Save one answer now (one write); show a message (never raise) if it cannot be saved.

        Returns
        -------
        bool
            True when the answer is stored.
        """
        saved = self.controller.save(key, value)
        if self.state.message is not None:
            self.notice.show(*self.state.message)
        else:
            self.notice.clear()
        return saved

    # -- sections ----------------------------------------------------------------

    def intro(self) -> widgets.Widget | HTML:
        """The page header: messages, the resume code, the introduction."""
        intro_text = views.intro(self.instrument) if self.instrument else ""
        if self.report:
            heading = f"<p class='kit-muted'>Report made on {date.today():%d %B %Y}.</p>"
            return HTML(STYLE + messages(self.problems) + heading + intro_text)
        return vbox([*self.top(), *self._team_intro(), html(intro_text), self.notice])

    # -- the team session ----------------------------------------------------------

    def _team_intro(self) -> list[widgets.Widget]:
        if self.team is None:
            return []
        t = self.team
        pulse = self.INSTRUMENT == PULSE
        round_note = ""
        if self.ROUNDS and (pulse or self.round > 1):
            round_note = (
                f" This is round {self.round} of {'the pulse' if pulse else 'this workbook'}."
            )
        if t.anonymous or pulse:
            # The pulse is anonymous in every session: no one's own answers are shown.
            who = (
                "Your answers here are anonymous: your coach and your team see only totals, "
                f"and only once {t.min_group} people have finished."
            )
        else:
            who = (
                "It is a named session: your coach sees your name beside your results; the team "
                f"sees only totals, once {t.min_group} people have finished."
            )
        parts: list[widgets.Widget] = [
            html(
                f"<div class='kit-note' data-testid='team-banner'>You are in the team session "
                f"<b>{escape(t.title)}</b> ({escape(t.code)}). {who}{round_note}</div>"
            )
        ]
        if not t.anonymous:
            name = control(
                widgets.Text,
                value=self.state.name,
                description="Your name",
                placeholder="as your coach knows you",
            )
            status = html()
            SavedAsTyped(name, self.set_name, status)
            parts += [name, status]
        return parts

    def set_name(self, name: str) -> bool:
        """Keep the name a named session shows for this person."""
        if self.controller.set_name(name, self.participant):
            return True
        assert self.state.message is not None
        self.notice.show(*self.state.message)
        return False

    def team_results(self) -> widgets.Widget | HTML | None:
        """The team's results, once the coach reveals them (aggregates only).

        Nothing at all (None) on a page outside a team session.
        """
        if self.report:
            return HTML("")
        if self.team is None or self.team_view is None:
            return None
        self.follow_team()
        self.live.start()
        return self.team_view

    def follow_team(self, raising: bool = False) -> bool:
        """Read the session again; show the team's results if revealed. True when redrawn.

        A store that cannot be read gives False, or its error with ``raising``.
        """
        if self.team is None or self.store is None or self.team_view is None:
            return False
        from kit.team.picture import team_picture
        from kit.team.views import team_results_html

        try:
            team = self.store.team_session(self.team.code) or self.team
            picture = team_picture(self.store, team) if team.revealed else None
        except (StoreError, ContentError):
            if raising:
                raise
            return False
        moved = self.ROUNDS and team.round_of(self.INSTRUMENT) != self.round
        seen = (team.revealed, picture.fingerprint() if picture else None, moved)
        if seen == self._team_seen:
            return False
        self._team_seen = seen
        parts = ["<h3>Your team</h3>"]
        if moved:
            again = (
                f"?resume={quote(self.participant.resume_code)}"
                if self.participant
                else f"?session={quote(team.code)}"
            )
            parts.append(
                f"<div class='kit-warn' role='status'>Your coach has started round "
                f"{team.round_of(self.INSTRUMENT)} of "
                f"{'the pulse' if self.INSTRUMENT == PULSE else 'this workbook'}. "
                f"<a href='{escape(again)}'>Open it</a> "
                "to answer afresh; your answers to this round are kept.</div>"
            )
        if picture is None:
            parts.append(
                "<p class='kit-muted' data-testid='team-waiting'>The team's results appear here "
                "when your coach shares them.</p>"
            )
        else:
            parts.append(
                "<div data-testid='team-results'><p class='kit-muted'>Totals for the whole "
                "team; nobody's own answers are shown.</p>" + team_results_html(picture) + "</div>"
            )
        self.team_view.value = "".join(parts)
        return True

    def questions(self) -> widgets.Widget | HTML:
        """The questionnaire (the answers table in a report)."""
        if self.instrument is None:
            return empty(self.report)
        if self.report:
            return HTML(views.answers_table(self.instrument, self.answers))
        self.questionnaire = Questionnaire(
            self.instrument,
            lambda: self.answers,
            on_answer=self._rated,
            on_finish=self._finished,
            section=self.SECTION,
        )
        self.own.start()
        return self.questionnaire.widget

    def follow_own(self, raising: bool = False) -> bool:
        """Show answers changed in another window or device; True when something changed.

        The page reads the person's answers again every few seconds (as the
        dashboard reads the team's), so two tabs of one resume code never
        show, or download, different answers without saying so.
        """
        typing = {key for key, box in self._typed.items() if box.unsaved}
        try:
            saved = self.controller.save_pending()
            moved = self.controller.follow(self.participant, typing)
        except StoreError:
            if raising:
                raise
            return False
        if saved and not moved:
            self.acted(True)  # the waiting answers are saved now (or one was refused): say so
            return True
        if not moved:
            return False
        if self.questionnaire is not None:
            self.questionnaire.restore()
        for key, box in self._typed.items():
            if key in moved:
                box.show(self.answers.get(key, ""))
        self.acted(True)
        return True

    def results(self) -> widgets.Widget | HTML:
        """What the answers mean; each workbook writes its own."""
        raise NotImplementedError

    def downloads(self) -> widgets.Widget | HTML:
        """ "Download my answers" and "Download report", each made when pressed."""
        if self.report or self.instrument is None:
            return empty(self.report)
        return vbox(
            [
                html(
                    (
                        "<p><b>Nothing is kept here after you leave:</b> "
                        if ephemeral()
                        else "<p>Your answers stay on this server. "
                    )
                    + "Take a copy with you: the answers file can be uploaded on the start page "
                    "of any copy of the kit; the report is a web page you can keep or print.</p>"
                ),
                self.answers_download(),
                self.report_download(),
            ]
        )

    # -- reactions -----------------------------------------------------------------

    def _rated(self, item_id: str, value: int | None) -> None:
        self.save(item_id, value)
        self.redraw()

    READY = "Your results"  # the heading "See my results" takes a person to

    def _finished(self) -> None:
        self.redraw()
        self._finishes += 1  # a new mark on every press, so every press scrolls
        self.ready.value = (
            f"<h3 class='kit-results-ready' tabindex='-1' data-kit-go='results-{self._finishes}'>"
            f"{escape(self.READY)}</h3>"
        )

    def other_answers(self, instrument: Instrument) -> dict[str, str]:
        """Return this person's answers to another instrument ({} when there are none)."""
        if self.answers_path is not None:
            return read_answers_file(instrument, self.answers_path)[0]
        if self.participant is None or self.store is None:
            return {}
        try:
            return self.store.answers(self.participant.id, instrument.id)
        except StoreError:
            return {}

    def finished_workbooks(self) -> frozenset[int]:
        """The numbers of the questionnaire workbooks this person has answered in full.

        A page uses it not to send someone to a workbook they have done.
        """
        done = set()
        for entry in personal_workbooks():
            if not entry.instrument or entry.number is None:
                continue
            try:
                other = get_instrument(entry.instrument)
            except (ContentError, KeyError):
                continue
            given = self.answers if other.id == self.INSTRUMENT else self.other_answers(other)
            if not unanswered(other, given):
                done.add(entry.number)
        return frozenset(done)

    def _reflection_rows(self, heading: str = "h4") -> list[widgets.Widget]:
        """A heading, the prompt and a saved-as-you-type box for each reflection."""
        assert self.instrument is not None
        rows: list[widgets.Widget] = []
        layout = widgets.Layout(width="100%", height="90px")
        for reflection in self.instrument.reflections:
            key = self.instrument.reflection_key(reflection)
            area = control(
                widgets.Textarea,
                value=self.answers.get(key, ""),
                placeholder="Write a few sentences…",
                layout=layout,
            )
            rows += [
                html(
                    f"<{heading}>{escape(reflection.title)}</{heading}>"
                    f"<p class='kit-muted'>{escape(reflection.prompt)}</p>"
                ),
                area,
                self.typed_text(area, key),
            ]
        return rows

    def typed_text(self, box: widgets.Widget, key: str) -> widgets.HTML:
        """Save ``box`` as ``key`` while the person types; return its "Saved" line.

        The pulse's free text reaches the coach only in the team's steps
        (:meth:`kit.instruments.trait_scores.TraitScores.published_texts`), so saving
        it at each pause shows the coach nothing of who is typing.
        """
        status = html()
        saver = SavedAsTyped(
            box,
            lambda text: self.save(key, text.strip()),
            status,
            answer=(self.INSTRUMENT, self.round, key),
        )
        self._typed[key] = saver
        return status


def read_answers_file(instrument: Instrument, path: Path) -> tuple[dict[str, str], str | None]:
    """Read one person's answers from a kit answer file, without touching the store."""
    try:
        answer_file = parse(path.read_bytes(), path.name)
    except OSError as err:
        return {}, f"The answers file {path} cannot be read ({err.strerror})."
    except ImportFileError as err:
        return {}, str(err)

    def check(instrument_id: str, item: str, value: str) -> str | None:
        if instrument_id != instrument.id:
            return None  # answers to other workbooks are fine, just not shown here
        return instrument.check_answer(item, value)

    errors = validate(answer_file, check, path.name)
    if errors:
        return {}, "The answers file has problems: " + "; ".join(errors[:5])
    people = {r["participant"] for r in answer_file.rows if r["instrument"] == instrument.id}
    if len(people) > 1:
        return {}, f"The answers file holds {len(people)} people; give one person's file."
    return {
        r["item"]: r["value"] for r in answer_file.rows if r["instrument"] == instrument.id
    }, None
