"""Workbook 06, the openness pulse: a short anonymous check, answered afresh each round.

Opening, saving, the questions and the downloads are shared with every
questionnaire workbook (:mod:`kit.instruments.pages.instrument`). In a team session the
answers go into the session's current round; the coach's dashboard shows the
team's totals and their trend across rounds.
"""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import HTML

from kit.instruments import views
from kit.instruments.pages.instrument import InstrumentApp
from kit.ui.components import empty, html, vbox
from kit.workbooks import workbook


class OpennessPulseApp(InstrumentApp):
    """One person's answers to the openness pulse (workbook 06)."""

    INSTRUMENT = "openness_pulse"
    WORKBOOK = workbook("openness_pulse").file
    REPORT_TITLE = "Openness pulse: my answers"
    REPORT_FILE = "openness-pulse"
    SECTION = "Theme"
    ROUNDS = True

    READY = "Thank you: one more question, in your own words"

    def results(self) -> widgets.Widget | HTML:
        """The free-text question and the person's own view of their answers."""
        if self.instrument is None:
            return empty(self.report)
        if self.report:
            return HTML(self._summary() + views.reflections(self.instrument, self.answers))
        self.summary = html()
        rows = self._reflection_rows(heading="h3")
        self.drawn_by(lambda _: setattr(self.summary, "value", self._summary()))
        return vbox([self.ready, *rows, self.summary])

    def _summary(self) -> str:
        assert self.instrument is not None
        summary = self.state.results
        if summary is None or not summary.answered:
            return ""
        done = (
            "<div class='kit-ok' role='status'>Thank you: all statements answered. Only the "
            "team's totals are ever shown to others.</div>"
            if summary.complete
            else ""
        )
        return done + views.score_table(summary)
