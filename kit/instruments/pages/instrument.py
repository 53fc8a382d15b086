"""What every questionnaire workbook shares: opening, saving, intro, questions, downloads.

A workbook's app subclasses :class:`InstrumentApp`, names its instrument and
workbook, and adds ``results()``. The notebook makes one app and calls one
method per section. In the app each method returns widgets; with
``report=True`` (a papermill run) each returns static HTML, so the same
notebook is the report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path
from urllib.parse import quote

import ipywidgets as widgets
from IPython.display import HTML

from kit.content import ContentError
from kit.database import Store, open_store
from kit.exchange import my_answers_file
from kit.instruments import views
from kit.instruments.content import get_instrument
from kit.instruments.model import Instrument
from kit.model import Participant, TeamSession
from kit.store.errors import StoreError
from kit.store.records import ImportFileError, parse, validate
from kit.style import STYLE
from kit.ui.components import (
    Notice,
    control,
    download_link,
    empty,
    hbox,
    html,
    page_top,
    resume_banner,
    vbox,
)
from kit.ui.components import messages as show_messages
from kit.ui.context import client_address, ephemeral
from kit.ui.live import Every, SavedAsTyped, shown_in
from kit.ui.person import LookupRefused, from_link, look_up
from kit.ui.questionnaire import Questionnaire

_FALLBACK_HELP = "Run `kit check` on the server to see what is wrong in the content files."


class InstrumentApp:
    """The state and views of one person's answers to one instrument.

    Use :meth:`open`, which never raises: every problem becomes a message on
    the page instead of a traceback. Subclasses set the class attributes and
    add ``results()``.
    """

    INSTRUMENT = ""
    WORKBOOK = ""
    REPORT_TITLE = ""
    REPORT_FILE = "report"
    SECTION = "Trait"  # what one page of statements is called
    ROUNDS = False  # True: answered afresh in each of the team session's rounds (the pulse)

    def __init__(
        self,
        instrument: Instrument | None,
        store: Store | None,
        participant: Participant | None = None,
        answers: dict[str, str] | None = None,
        session: str | None = None,
        report: bool = False,
        problems: tuple[tuple[str, str], ...] = (),
        make_report: Callable[[str], str] | None = None,
        team: TeamSession | None = None,
    ):
        self.instrument = instrument
        self.store = store
        self.participant = participant
        self.session = session
        self.team = team
        self.round = team.pulse_round if (team is not None and self.ROUNDS) else 1
        self._name = participant.display_name if participant else ""
        self.report = report
        self.problems = list(problems)
        self._make_report = make_report
        self.answers_path: Path | None = None
        if answers is None and participant is not None and store is not None:
            try:
                answers = store.answers(participant.id, self.INSTRUMENT, self.round)
            except StoreError as err:
                self.problems.append(("error", f"Your answers could not be read: {err}."))
        self.answers: dict[str, str] = dict(answers or {})
        self.banner = html(
            resume_banner(participant.resume_code, participant.session) if participant else ""
        )
        self.save_notice = Notice()
        self._questionnaire: Questionnaire | None = None
        self._results_parts: dict[str, widgets.Widget] = {}
        self._download_parts: dict[str, widgets.Widget] = {}
        # Made only for a page in a team session: every widget costs the page's load.
        self._team_view = html() if (team is not None and not report) else None
        self._team_seen: tuple[object, ...] = ()
        self._typed: dict[str, SavedAsTyped] = {}
        self._not_saved: set[str] = set()  # answers on screen that could not be saved
        # The live checks let a store error through, so the page says it stopped following.
        self.live = Every(lambda: self.follow_team(raising=True), shown=shown_in(self.save_notice))
        # Another window or device with the same resume code: this page follows the store.
        self.own = Every(lambda: self.follow_own(raising=True), shown=shown_in(self.save_notice))

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
        problems: list[tuple[str, str]] = []
        resume, session = from_link(resume, report)
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
            if problem:
                problems.append(("error", problem))
            app = cls(instrument, None, answers=answers, report=report, problems=tuple(problems))
            app.answers_path = Path(answers_file)
            return app

        try:
            the_store = open_store(store or None)
        except StoreError as err:
            return cls(
                instrument,
                None,
                report=report,
                problems=(("error", f"Answers cannot be saved: {err}."),),
            )

        participant = team = None
        try:
            visitor = look_up(the_store, resume, session)
            participant, session, team = visitor.participant, visitor.session, visitor.team
            problems.extend(visitor.problems)
        except LookupRefused as err:
            # Saving now would make a new person of someone whose code was good.
            return cls(instrument, None, report=report, problems=(("error", str(err)),))
        except StoreError as err:
            problems.append(("error", f"Your answers could not be looked up: {err}."))
        return cls(
            instrument,
            the_store,
            participant=participant,
            session=session,
            report=report,
            problems=tuple(problems),
            team=team,
        )

    # -- saving ------------------------------------------------------------------

    def save(self, key: str, value: object) -> bool:
        """Save one answer now; show a message (never raise) if it cannot be saved.

        Returns
        -------
        bool
            True when the answer is stored.
        """
        text = "" if value is None else str(value)
        problem = self.instrument.check_answer(key, text) if text and self.instrument else None
        if problem:
            # Refuse here what an import of the person's own file would refuse later.
            self.save_notice.show("error", f"Not saved: {problem}. Shorten it and try again.")
            return False
        if text:
            self.answers[key] = text
        else:
            self.answers.pop(key, None)
        if self.store is None:
            self.save_notice.show(
                "error", "This page cannot save answers (see the message at the top)."
            )
            return False
        try:
            if self.participant is None:
                self.participant = self.store.create_participant(
                    session=self.session, display_name=self._name, client=client_address()
                )
                self.banner.value = resume_banner(
                    self.participant.resume_code, self.participant.session
                )
            self.store.save_answer(self.participant.id, self.INSTRUMENT, key, text, self.round)
        except Exception as err:  # noqa: BLE001 - the page must never show a traceback
            self._not_saved.add(key)
            self.save_notice.show(
                "error",
                f"Your last answer could not be saved ({type(err).__name__}: {err}). It is still "
                "on screen; try again in a moment, or use Download my answers.",
            )
            return False
        self._not_saved.discard(key)
        self.save_notice.clear()
        self._refresh_downloads()
        return True

    # -- sections ----------------------------------------------------------------

    def intro(self) -> widgets.Widget | HTML:
        """The page header: messages, the resume code, the introduction."""
        messages = show_messages(self.problems)
        intro_text = views.intro(self.instrument) if self.instrument else ""
        if self.report:
            heading = f"<p class='kit-muted'>Report made on {date.today():%d %B %Y}.</p>"
            return HTML(STYLE + messages + heading + intro_text)
        parts = page_top(messages)
        parts += [self.banner, *self._team_intro(), html(intro_text), self.save_notice]
        return vbox(parts)

    # -- the team session ----------------------------------------------------------

    def _team_intro(self) -> list[widgets.Widget]:
        if self.team is None:
            return []
        t = self.team
        round_note = f" This is round {self.round} of the pulse." if self.ROUNDS else ""
        if t.anonymous or self.ROUNDS:
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
                value=self._name,
                description="Your name",
                placeholder="as your coach knows you",
            )
            status = html()
            SavedAsTyped(name, self.set_name, status)
            parts += [name, status]
        return parts

    def set_name(self, name: str) -> bool:
        """Keep the name a named session shows for this person."""
        name = " ".join(name.split())[:60]
        self._name = name
        if self.participant is None or self.store is None:
            return True  # used when the first answer creates the person
        try:
            self.store.set_display_name(self.participant.id, name)
        except StoreError as err:
            self.save_notice.show("error", f"Your name was not saved: {err}.")
            return False
        return True

    def team_results(self) -> widgets.Widget | HTML | None:
        """The team's results, once the coach reveals them (aggregates only).

        Nothing at all (None) on a page outside a team session.
        """
        if self.report:
            return HTML("")
        if self.team is None or self._team_view is None:
            return None
        self.follow_team()
        self.live.start()
        return self._team_view

    def follow_team(self, raising: bool = False) -> bool:
        """Read the session again; show the team's results if revealed. True when redrawn.

        A store that cannot be read gives False, or its error with ``raising``.
        """
        if self.team is None or self.store is None or self._team_view is None:
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
        moved = self.ROUNDS and team.pulse_round != self.round
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
                f"{team.pulse_round} of the pulse. <a href='{escape(again)}'>Open it</a> "
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
        self._team_view.value = "".join(parts)
        return True

    def questions(self) -> widgets.Widget | HTML:
        """The questionnaire (the answers table in a report)."""
        if self.instrument is None:
            return empty(self.report)
        if self.report:
            return HTML(views.answers_table(self.instrument, self.answers))
        self._questionnaire = Questionnaire(
            self.instrument,
            self.answers,
            on_answer=self._rated,
            on_finish=self._finished,
            section=self.SECTION,
        )
        self.own.start()
        return self._questionnaire.widget

    def follow_own(self, raising: bool = False) -> bool:
        """Show answers changed in another window or device; True when something changed.

        The page reads the person's answers again every few seconds (as the
        dashboard reads the team's), so two tabs of one resume code never
        show, or download, different answers without saying so.
        """
        if self.participant is None or self.store is None or self.instrument is None:
            return False
        try:
            stored = self.store.answers(self.participant.id, self.INSTRUMENT, self.round)
        except StoreError:
            if raising:
                raise
            return False
        # What this page holds but has not managed to save stays as it is.
        typing = {key for key, box in self._typed.items() if box.unsaved} | self._not_saved
        mine = {k: v for k, v in self.answers.items() if k not in typing}
        theirs = {k: v for k, v in stored.items() if k not in typing}
        if mine == theirs:
            return False
        moved = {k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k)}
        self.answers = {**theirs, **{k: self.answers[k] for k in typing if k in self.answers}}
        if self._questionnaire is not None:
            self._questionnaire.restore(self.answers)
        for key, box in self._typed.items():
            if key in moved:
                box.show(self.answers.get(key, ""))
        self.save_notice.show(
            "note",
            "Your answers were changed in another window or on another device; this page now "
            "shows the latest ones.",
        )
        self._refresh_results()
        self._refresh_downloads()
        return True

    def results(self) -> widgets.Widget | HTML:
        """What the answers mean; each workbook writes its own."""
        raise NotImplementedError

    def downloads(self) -> widgets.Widget | HTML:
        """ "Download my answers" and "Download report"."""
        if self.report or self.instrument is None:
            return empty(self.report)
        answers_link = html()
        report_button = control(widgets.Button, description="Download report")
        report_button.on_click(lambda _: self.prepare_report())
        self._download_parts = {
            "answers": answers_link,
            "report_button": report_button,
            "report_link": html(),
            "notice": Notice(),
        }
        self._refresh_downloads()
        return vbox(
            [
                html(
                    (
                        "<p><b>Nothing is kept here after you leave:</b> "
                        if ephemeral()
                        else "<p>Your answers stay on this server. "
                    )
                    + "Take a copy with you: the answers file can be uploaded on the start page "
                    "of any copy of the kit (or with <code>kit import</code>); the report is a "
                    "web page you can keep or print.</p>"
                ),
                answers_link,
                hbox([report_button, self._download_parts["report_link"]]),
                self._download_parts["notice"],
            ]
        )

    # -- reactions -----------------------------------------------------------------

    def _rated(self, item_id: str, value: int | None) -> None:
        self.save(item_id, value)
        self._refresh_results()

    def _finished(self) -> None:
        self._refresh_results()

    def _refresh_results(self) -> None:
        """Redraw the results after an answer changed (subclasses)."""

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

    def _refresh_downloads(self) -> None:
        link = self._download_parts.get("answers")
        if link is None:
            return
        if self.participant is None or self.store is None:
            link.value = (
                "<p class='kit-muted'>Download my answers appears after your first answer.</p>"
            )
            return
        link.value = download_link(
            my_answers_file(self.store, self.participant),
            f"my-answers-{date.today():%Y-%m-%d}.json",
            "application/json",
            "Download my answers",
        )

    def prepare_report(self) -> bool:
        """Build the HTML report from the workbook's cells, here in the page's kernel, and offer it as a link.

        Returns
        -------
        bool
            True when the link is ready.
        """
        notice: Notice = self._download_parts["notice"]
        link: widgets.HTML = self._download_parts["report_link"]
        if self.participant is None or self.store is None:
            notice.show(
                "warn", "Answer at least one statement first: the report shows your answers."
            )
            return False
        button: widgets.Button = self._download_parts["report_button"]
        button.disabled = True
        notice.show("note", "Preparing your report: this takes a few seconds…")
        try:
            make = self._make_report or self._default_report
            page = make(self.participant.resume_code, self.store.location)
        except Exception as err:  # noqa: BLE001 - shown to the person, not raised
            notice.show(
                "error",
                f"The report could not be made ({type(err).__name__}: {err}). Your answers are safe; try again.",
            )
            return False
        finally:
            button.disabled = False
        link.value = download_link(
            page,
            f"{self.REPORT_FILE}-{date.today():%Y-%m-%d}.html",
            "text/html",
            "Save the report (HTML)",
        )
        notice.show("ok", "Your report is ready: use the link beside the button.")
        return True

    def _default_report(self, resume: str, store: str) -> str:
        from kit.report import workbook_report

        return workbook_report(self.WORKBOOK, self.REPORT_TITLE, resume=resume, store=store)


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
