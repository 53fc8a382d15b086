"""Workbook 01, the hidden-leader self-assessment: intro, questions, results, downloads.

The notebook makes one :class:`HiddenLeaderApp` and calls one method per
section. In the app each method returns widgets; with ``report=True`` (a
papermill run) each returns static HTML, so the same notebook is the report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML

from kit import scoring, views
from kit.content import ContentError, get_instrument
from kit.model import Instrument, Participant
from kit.store import SQLiteStore, StoreError, my_answers_file, open_store
from kit.store.records import ImportFileError, parse, validate
from kit.ui.components import (
    EPHEMERAL_NOTICE,
    Notice,
    download_link,
    hbox,
    html,
    resume_banner,
    style,
    vbox,
)
from kit.ui.context import ephemeral, query_params
from kit.ui.questionnaire import Questionnaire

INSTRUMENT = "hidden_leader"
_FALLBACK_HELP = "Run `kit check` on the server to see what is wrong in the content files."


class HiddenLeaderApp:
    """The state and views of one person's hidden-leader self-assessment.

    Use :meth:`open`, which never raises: every problem becomes a message on
    the page instead of a traceback.
    """

    def __init__(
        self,
        instrument: Instrument | None,
        store: SQLiteStore | None,
        participant: Participant | None = None,
        answers: dict[str, str] | None = None,
        session: str | None = None,
        report: bool = False,
        problems: tuple[tuple[str, str], ...] = (),
        make_report: Callable[[str], str] | None = None,
    ):
        self.instrument = instrument
        self.store = store
        self.participant = participant
        self.session = session
        self.report = report
        self.problems = list(problems)
        self._make_report = make_report
        if answers is None and participant is not None and store is not None:
            try:
                answers = store.answers(participant.id, INSTRUMENT)
            except StoreError as err:
                self.problems.append(("error", f"Your answers could not be read: {err}."))
        self.answers: dict[str, str] = dict(answers or {})
        self.banner = html(resume_banner(participant.resume_code) if participant else "")
        self.save_notice = Notice()
        self._questionnaire: Questionnaire | None = None
        self._results_parts: dict[str, widgets.Widget] = {}
        self._download_parts: dict[str, widgets.Widget] = {}

    # -- construction ----------------------------------------------------------

    @classmethod
    def open(
        cls,
        resume: str = "",
        answers_file: str = "",
        store: str = "",
        report: bool = False,
    ) -> HiddenLeaderApp:
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
        session = None
        if not report:
            params = query_params()
            resume = params.get("resume", resume)
            session = params.get("session")
        try:
            instrument = get_instrument(INSTRUMENT)
        except (ContentError, KeyError) as err:
            return cls(
                None,
                None,
                problems=(
                    ("error", f"The questionnaire cannot be shown: {err}. {_FALLBACK_HELP}"),
                ),
            )

        if answers_file:
            answers, problem = _read_answers_file(instrument, Path(answers_file))
            if problem:
                problems.append(("error", problem))
            return cls(instrument, None, answers=answers, report=report, problems=tuple(problems))

        try:
            the_store = open_store(store or None)
        except StoreError as err:
            return cls(
                instrument,
                None,
                report=report,
                problems=(("error", f"Answers cannot be saved: {err}."),),
            )

        participant = None
        try:
            if resume:
                participant = the_store.participant_by_code(resume)
                if participant is None:
                    problems.append(("error", _wrong_code(resume)))
            if session and not the_store.session_exists(session):
                problems.append(("warn", _unknown_session(session)))
                session = None
        except StoreError as err:
            problems.append(("error", f"Your answers could not be looked up: {err}."))
        if participant is not None:
            session = participant.session
        return cls(
            instrument,
            the_store,
            participant=participant,
            session=session,
            report=report,
            problems=tuple(problems),
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
                self.participant = self.store.create_participant(session=self.session)
                self.banner.value = resume_banner(self.participant.resume_code)
            self.store.save_answer(self.participant.id, INSTRUMENT, key, text)
        except Exception as err:  # noqa: BLE001 - the page must never show a traceback
            self.save_notice.show(
                "error",
                f"Your last answer could not be saved ({type(err).__name__}: {err}). It is still "
                "on screen; try again in a moment, or use Download my answers.",
            )
            return False
        self.save_notice.clear()
        self._refresh_downloads()
        return True

    # -- sections ----------------------------------------------------------------

    def intro(self) -> widgets.Widget | HTML:
        """The page header: messages, the resume code, the introduction."""
        messages = "".join(
            f"<div class='kit-{kind}' role='alert'>{escape(text)}</div>"
            for kind, text in self.problems
        )
        intro_text = views.intro(self.instrument) if self.instrument else ""
        if self.report:
            heading = f"<p class='kit-muted'>Report made on {date.today():%d %B %Y}.</p>"
            return HTML(views.STYLE + messages + heading + intro_text)
        parts = [style()]
        if ephemeral():
            parts.append(html(EPHEMERAL_NOTICE))
        if messages:
            parts.append(html(messages))
        parts += [self.banner, html(intro_text), self.save_notice]
        return vbox(parts)

    def questions(self) -> widgets.Widget | HTML:
        """The questionnaire (the answers table in a report)."""
        if self.instrument is None:
            return HTML("") if self.report else html("")
        if self.report:
            return HTML(views.answers_table(self.instrument, self.answers))
        self._questionnaire = Questionnaire(
            self.instrument,
            self.answers,
            on_answer=self._rated,
            on_finish=self._finished,
        )
        return self._questionnaire.widget

    def results(self) -> widgets.Widget | HTML:
        """Scores, chart, strongest trait, traits to grow, reflections, commitments."""
        if self.instrument is None:
            return HTML("") if self.report else html("")
        if self.report:
            return HTML(
                self._results_html(with_chart=True)
                + views.reflections(self.instrument, self.answers)
            )
        self._results_parts = {
            "summary": html(),
            "chart": widgets.Image(format="png", layout=widgets.Layout(max_width="640px")),
        }
        self._results_parts["chart"].add_class("kit-chart")
        writing = self._writing_widgets()
        self._refresh_results()
        return vbox([self._results_parts["chart"], self._results_parts["summary"], writing])

    def downloads(self) -> widgets.Widget | HTML:
        """ "Download my answers" and "Download report"."""
        if self.report or self.instrument is None:
            return HTML("") if self.report else html("")
        answers_link = html()
        report_button = widgets.Button(description="Download report")
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
        if "summary" in self._results_parts:
            self._results_parts["summary"].value = (
                "<div class='kit-ok' role='status'>All statements answered: your results are "
                "below and follow any answer you change.</div>"
                + self._results_html(with_chart=False)
            )

    def _results_html(self, with_chart: bool) -> str:
        assert self.instrument is not None
        summary = scoring.results(self.instrument, self.answers)
        chart = ""
        if with_chart and summary.answered:
            chart = views.png_img(self._chart_png(summary), "Bar chart of the trait scores")
        return chart + views.highlights(summary) + views.score_table(summary)

    def _chart_png(self, summary) -> bytes:
        # matplotlib loads on first use, so opening the page does not pay for it.
        from kit.charts import to_png, trait_bars

        assert self.instrument is not None
        grow = tuple(s.trait.id for s in summary.to_grow)
        return to_png(trait_bars(summary.scores, self.instrument.scale, highlight=grow))

    def _refresh_results(self) -> None:
        if not self._results_parts or self.instrument is None:
            return
        summary = scoring.results(self.instrument, self.answers)
        chart = self._results_parts["chart"]
        if summary.complete:
            chart.value = self._chart_png(summary)
            chart.layout.display = None
        else:
            chart.layout.display = "none"
        self._results_parts["summary"].value = self._results_html(with_chart=False)

    def _writing_widgets(self) -> widgets.VBox:
        assert self.instrument is not None
        rows: list[widgets.Widget] = [html("<h3>Two questions about your organisation</h3>")]
        area_layout = widgets.Layout(width="100%", height="90px")
        line_layout = widgets.Layout(width="100%")
        for reflection in self.instrument.reflections:
            key = self.instrument.reflection_key(reflection)
            area = widgets.Textarea(
                value=self.answers.get(key, ""),
                placeholder="Write a few sentences…",
                layout=area_layout,
            )
            area.observe(self._saver(key), "value")
            rows += [
                html(
                    f"<h4>{escape(reflection.title)}</h4><p class='kit-muted'>{escape(reflection.prompt)}</p>"
                ),
                area,
            ]
        rows.append(
            html(
                "<h3>My commitments</h3><p class='kit-muted'>Choose one to three things you will "
                "do in the next month: pick a suggestion from the list or write your own.</p>"
            )
        )
        for number, key in enumerate(self.instrument.commitment_keys(), start=1):
            box = widgets.Combobox(
                value=self.answers.get(key, ""),
                options=list(self.instrument.commitment_suggestions),
                placeholder=f"Commitment {number}: pick or write",
                ensure_option=False,
                layout=line_layout,
            )
            box.observe(self._saver(key), "value")
            rows.append(box)
        return vbox(rows)

    def _saver(self, key: str) -> Callable[[dict], None]:
        return lambda change: self.save(key, change["new"].strip())

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
        """Build the HTML report (papermill, then nbconvert) and offer it as a link.

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
            make = self._make_report or _default_report
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
            f"hidden-leader-report-{date.today():%Y-%m-%d}.html",
            "text/html",
            "Save the report (HTML)",
        )
        notice.show("ok", "Your report is ready: use the link beside the button.")
        return True


def _wrong_code(code: str) -> str:
    return (
        f"No answers were found for the resume code '{code}'. Check it against the code you "
        "noted (it looks like K7QM-3XTA-9PWD; dashes and case do not matter). Anything you "
        "answer now is saved under a new code."
    )


def _unknown_session(code: str) -> str:
    return (
        f"There is no team session '{code}' on this server, so your answers are saved for "
        "you alone. Ask your coach for the join link."
    )


def _default_report(resume: str, store: str) -> str:
    from kit.report import hidden_leader_report

    return hidden_leader_report(resume=resume, store=store)


def _read_answers_file(instrument: Instrument, path: Path) -> tuple[dict[str, str], str | None]:
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
