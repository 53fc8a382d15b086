"""Workbook 01, the hidden-leader self-assessment: scores, chart, tips, commitments.

Opening, saving, the questions and the downloads are shared with every
questionnaire workbook (:mod:`kit.instruments.pages.instrument`); this module adds the
results.
"""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import HTML

from kit.instruments import views
from kit.instruments.controllers import AnswersState
from kit.instruments.pages.instrument import InstrumentApp
from kit.style import png_img
from kit.ui.components import control, empty, html, vbox
from kit.workbooks import workbook


class HiddenLeaderApp(InstrumentApp):
    """One person's hidden-leader self-assessment (workbook 01)."""

    INSTRUMENT = "hidden_leader"
    WORKBOOK = workbook("hidden_leader").file
    REPORT_TITLE = "Hidden-leader traits: my results"
    REPORT_FILE = "hidden-leader-report"

    def results(self) -> widgets.Widget | HTML:
        """Scores, chart, strongest trait, traits to grow, reflections, commitments."""
        if self.instrument is None:
            return empty(self.report)
        if self.report:
            return HTML(
                self._results_html(with_chart=True)
                + views.reflections(self.instrument, self.answers)
            )
        self.summary = html()
        self.chart = widgets.Image(format="png", layout=widgets.Layout(max_width="640px"))
        self.chart.add_class("kit-chart")
        writing = self.writing_widgets()
        self.drawn_by(self._draw_results)
        return vbox([self.ready, self.chart, self.summary, writing])

    def _finished(self) -> None:
        super()._finished()
        if self.instrument is not None and not self.report:
            self.summary.value = (
                "<div class='kit-ok' role='status'>All statements answered: your results are "
                "below and follow any answer you change.</div>"
                + self._results_html(with_chart=False)
            )

    def _results_html(self, with_chart: bool) -> str:
        summary = self.state.results
        assert summary is not None
        chart = ""
        if with_chart and summary.answered:
            chart = png_img(self._chart_png(summary), "Bar chart of the trait scores")
        return chart + views.highlights(summary) + views.score_table(summary)

    def _chart_png(self, summary) -> bytes:
        # matplotlib loads on first use, so opening the page does not pay for it.
        from kit.charts import to_png
        from kit.instruments.charts import trait_bars

        assert self.instrument is not None
        grow = tuple(s.trait.id for s in summary.to_grow)
        return to_png(trait_bars(summary.scores, self.instrument.scale, highlight=grow))

    def _draw_results(self, s: AnswersState) -> None:
        summary = s.results
        assert summary is not None
        if summary.complete:
            self.chart.value = self._chart_png(summary)
            self.chart.layout.display = None
        else:
            self.chart.layout.display = "none"
        self.summary.value = self._results_html(with_chart=False)
        # Suggestions follow the traits to grow, which follow every answer.
        assert self.instrument is not None
        offered = list(views.commitment_suggestions(self.instrument, summary))
        for box in self.commitment_boxes:
            if list(box.options) != offered:
                box.options = offered

    def writing_widgets(self) -> widgets.VBox:
        """The two questions about the organisation and the commitments, as widgets."""
        assert self.instrument is not None
        rows: list[widgets.Widget] = [html("<h3>Two questions about your organisation</h3>")]
        rows += self._reflection_rows()
        line_layout = widgets.Layout(width="100%")
        rows.append(
            html(
                "<h3>My commitments</h3><p class='kit-muted'>Choose one to three things you will "
                "do in the next month: pick a suggestion (the first ones come from your traits "
                "to grow) or write your own.</p>"
            )
        )
        summary = self.state.results
        offered = list(
            views.commitment_suggestions(self.instrument, summary)
            if summary is not None
            else self.instrument.commitment_suggestions
        )
        self.commitment_boxes: list[widgets.Combobox] = []
        for number, key in enumerate(self.instrument.commitment_keys(), start=1):
            box = control(
                widgets.Combobox,
                value=self.answers.get(key, ""),
                options=offered,
                placeholder=f"Commitment {number}: pick or write",
                ensure_option=False,
                layout=line_layout,
            )
            self.commitment_boxes.append(box)
            rows += [box, self.typed_text(box, key)]
        return vbox(rows)
