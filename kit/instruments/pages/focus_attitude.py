"""Workbook 02, focus and attitude: the person's point on the four blocks, and next steps.

Opening, saving, the questions and the downloads are shared with every
questionnaire workbook (:mod:`kit.instruments.pages.instrument`); this module adds the
results: the grid chart, where the person stands in words that admit a point
near a line, steps toward Customer Value Creator, and their hidden-leader
scores beside the axes they feed.
"""

from __future__ import annotations

from urllib.parse import quote

import ipywidgets as widgets
from IPython.display import HTML

from kit.content import ContentError
from kit.instruments import scoring, views
from kit.instruments.content import get_instrument
from kit.instruments.controllers import AnswersState
from kit.instruments.model import Placement
from kit.instruments.pages.instrument import InstrumentApp
from kit.style import png_img
from kit.ui.components import control, empty, html, vbox
from kit.workbooks import workbook

HIDDEN_LEADER_WORKBOOK = workbook("hidden_leader").file
STEPS_TITLE = "My next steps"


class FocusAttitudeApp(InstrumentApp):
    """One person's focus-and-attitude self-assessment (workbook 02)."""

    INSTRUMENT = "focus_attitude"
    # Asked again in rounds the coach starts, so the team can see who moved between blocks.
    ROUNDS = True
    WORKBOOK = workbook("focus_attitude").file
    REPORT_TITLE = "Focus and attitude: where I stand"
    REPORT_FILE = "focus-and-attitude-report"
    SECTION = "Part"

    def results(self) -> widgets.Widget | HTML:
        """The grid with the person's point, what it means, next steps, related traits."""
        if self.instrument is None:
            return empty(self.report)
        if self.report:
            return HTML(
                self._results_html(with_chart=True)
                + self._related_html()
                + views.reflections(self.instrument, self.answers, STEPS_TITLE)
            )
        chart = widgets.Image(format="png", layout=widgets.Layout(max_width="460px"))
        chart.add_class("kit-chart")
        self.chart, self.summary, self.related = chart, html(), html()
        self.steps = [
            control(
                widgets.Combobox,
                value=self.answers.get(key, ""),
                placeholder=f"Step {number}: pick one of the steps above or write your own",
                ensure_option=False,
                layout=widgets.Layout(width="100%"),
            )
            for number, key in enumerate(self.instrument.commitment_keys(), start=1)
        ]
        steps: list[widgets.Widget] = []
        for key, box in zip(self.instrument.commitment_keys(), self.steps, strict=True):
            steps += [box, self.typed_text(box, key)]
        self.drawn_by(self._draw_results)
        return vbox(
            [
                self.ready,
                chart,
                self.summary,
                self.related,
                html(
                    f"<h3>{STEPS_TITLE}</h3><p class='kit-muted'>Choose one or two things you "
                    "will do in the next month.</p>"
                ),
                *steps,
            ]
        )

    @property
    def placement(self) -> Placement | None:
        """Where the answers so far put the person (None until both axes are answered)."""
        assert self.instrument is not None
        return scoring.placement(self.instrument, self.answers)

    def _results_html(self, with_chart: bool) -> str:
        assert self.instrument is not None
        where = self.placement
        answered, total = scoring.progress(self.instrument, self.answers)
        chart = ""
        if with_chart and where is not None:
            chart = png_img(self._chart_png(where), _chart_alt(where))
        return (
            chart
            + "<div class='kit-cards'>"
            + views.placement(self.instrument, where, answered, total, self.finished_workbooks())
            + "</div>"
        )

    def _chart_png(self, where: Placement) -> bytes:
        # matplotlib loads on first use, so opening the page does not pay for it.
        from kit.charts import to_png
        from kit.instruments.charts import four_blocks

        assert self.instrument is not None and self.instrument.grid is not None
        return to_png(four_blocks(self.instrument.grid, self.instrument.scale, where))

    def _related_html(self) -> str:
        assert self.instrument is not None and self.instrument.grid is not None
        grid = self.instrument.grid
        groups = []
        for related in grid.related:
            try:
                other = get_instrument(related.instrument)
            except (ContentError, KeyError):
                continue
            scores = {s.trait.id: s for s in scoring.trait_scores(other, self.other_answers(other))}
            axis = self.instrument.trait(grid.x if related.axis == "x" else grid.y).name
            groups.append((axis, [scores[t] for t in related.traits if t in scores]))
        link = HIDDEN_LEADER_WORKBOOK
        if self.participant is not None:
            link += f"?resume={quote(self.participant.resume_code)}"
        text = "Answer the hidden-leader self-assessment with the same resume code →"
        return views.related_scores(groups, "" if self.report else link, text)

    def _draw_results(self, s: AnswersState) -> None:
        where = self.placement
        if where is not None:
            self.chart.value = self._chart_png(where)
            self.chart.layout.display = None
        else:
            self.chart.layout.display = "none"
        self.summary.value = self._results_html(with_chart=False)
        self.related.value = self._related_html()
        assert self.instrument is not None
        options = []
        if where is not None:
            options = list(
                scoring.next_steps(self.instrument, where, self.finished_workbooks()).steps
            )
        for box in self.steps:
            if list(box.options) != options:
                box.options = options


def _chart_alt(where: Placement) -> str:
    return (
        f"Four-block chart: your point at focus {where.x:.2f}, attitude {where.y:.2f}, "
        f"{where.wording()}"
    )
