"""The circle's projector view: the agenda block with its countdown, what comes in, how to join.

Meant for the wall of the room while the facilitator runs the session on
workbook 05: large type, the current block's countdown from its planned
minutes, the stories and ideas as phones send them (no teller named), the
votes only once revealed, and a big join code with a QR code of the join
link, drawn here (segno) so it works with no internet. The controller is
:class:`kit.circles.controllers.ProjectorController`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

import ipywidgets as widgets
from IPython.display import HTML

from kit.circles import backlog as bl
from kit.circles.controllers import ProjectorController, ProjectorState
from kit.circles.model import Circle
from kit.circles.planning import clock, countdown
from kit.database import PageStore
from kit.model import Participant
from kit.store.errors import StoreError
from kit.ui.components import control, hbox, html, vbox
from kit.ui.context import join_link, page_url
from kit.ui.live import Every, shown_in
from kit.ui.page import Problems, WorkbookPage, open_for
from kit.workbooks import workbook

WORKBOOK = workbook("circle_projector").file
# How often the store is read, in countdown ticks (one a second).
_FOLLOW_EVERY = 3


def qr_svg(text: str) -> str:
    """Return a QR code of ``text`` as inline SVG, drawn offline.

    Examples
    --------
    >>> svg = qr_svg("http://10.0.0.5:8866/voila/render/00_start_here.ipynb?session=K7R-M3X")
    >>> svg.startswith("<svg") and "<path" in svg
    True
    """
    import segno

    # Error correction M survives a projector's glare; a border of 4 modules is the standard's.
    return segno.make(text, error="m").svg_inline(scale=6, border=4, dark="#111827")


class CircleProjectorApp(WorkbookPage):
    """The projector view of one circle's latest session. Use :meth:`open`, which never raises."""

    def __init__(
        self,
        store: PageStore | None,
        circle: Circle | None = None,
        participant: Participant | None = None,
        problems: Problems = (),
    ):
        super().__init__(store, participant, None, False, problems)
        self.controller = ProjectorController(store, circle)
        self._ticks = 0
        self.live = Every(self.tick, seconds=1, shown=shown_in(self.notice))

    @property
    def state(self) -> ProjectorState:
        """What the projector shows now."""
        return self.controller.state

    @classmethod
    def open(cls, resume: str = "", store: str = "") -> CircleProjectorApp:
        """Open the projector for the first circle the resume code planned."""
        opening = open_for(resume, store, False, what="Circles")
        if opening.store is None:
            return cls(None, problems=opening.problems)
        if opening.participant is None:
            return cls(
                opening.store,
                problems=(
                    *opening.problems,
                    (
                        "note",
                        "Open this page with the resume code the circle was planned with: "
                        "the facilitator's page (workbook 5) links to it.",
                    ),
                ),
            )
        try:
            planned = opening.store.circles(opening.participant.id)
        except StoreError as err:
            return cls(None, problems=(("error", f"Circles cannot be read: {err}."),))
        if not planned:
            return cls(
                opening.store,
                participant=opening.participant,
                problems=(
                    ("warn", "There is no planned circle for this code: plan one in workbook 4."),
                ),
            )
        return cls(opening.store, planned[0][0], opening.participant, opening.problems)

    def tick(self) -> None:
        """Each second the countdown moves on; every few, the store is read again."""
        self._ticks += 1
        if self._ticks % _FOLLOW_EVERY == 0 and self.controller.follow():
            self.redraw()
        else:
            self._draw_clock(self.state)

    def step(self, by: int) -> bool:
        """Go to another agenda block (0 restarts the countdown of this one)."""
        return self.acted(self.controller.step(by), notice=self.notice_at("block"))

    # -- the one section ------------------------------------------------------------------

    def view(self) -> widgets.Widget | HTML:
        """The whole projector: block and countdown, join code and QR, stories and ideas."""
        parts = self.top()
        if self.state.session.circle is None:
            return vbox(parts)
        self.title = html()
        self.clock = html()
        self.clock.add_class("kit-countdown")
        back = control(widgets.Button, description="← Previous block")
        back.on_click(lambda _: self.step(-1))
        again = control(widgets.Button, description="Restart the countdown")
        again.on_click(lambda _: self.step(0))
        on = control(widgets.Button, description="Next block →", button_style="primary")
        on.on_click(lambda _: self.step(1))
        self.join = html()
        self.join.add_class("kit-join-big")
        self.arrived = html()
        self.drawn_by(self._draw)
        self.live.start()
        # The clock and how to join share the first screen; what comes in runs below.
        room = hbox([self.clock, self.join])
        room.add_class("kit-projector")
        return vbox(
            [
                *parts,
                self.notice,
                self.title,
                room,
                hbox([back, again, on]),
                self.notice_at("block"),
                self.arrived,
            ]
        )

    def _draw(self, s: ProjectorState) -> None:
        circle = s.session.circle
        assert circle is not None
        number = s.session.number
        self.title.value = (
            f"<h2 class='kit-projector-title'>{escape(circle.title)}"
            + (f" · session {number}" if number else "")
            + "</h2>"
        )
        self._draw_clock(s)
        self.join.value = _join_html(s)
        self.arrived.value = _arrived_html(s)

    def _draw_clock(self, s: ProjectorState) -> None:
        if not s.agenda or s.session.session_id is None:
            self.clock.value = (
                "<p class='kit-muted'>The session has not started: start it on the "
                "facilitator's page (workbook 5).</p>"
            )
            return
        block = s.agenda[s.block]
        left, over = countdown(block.minutes, s.started, datetime.now(UTC))
        state = (
            f"<span class='kit-over'>{clock(left)} over</span>"
            if over
            else f"{clock(left)}" + ("" if s.started else " <small>(not started)</small>")
        )
        self.clock.value = (
            f"<p class='kit-agenda-block'>Block {s.block + 1} of {len(s.agenda)}: "
            f"<b>{escape(block.title)}</b> · {block.minutes} min</p>"
            f"<p class='kit-clock' role='timer' aria-live='off'>{state}</p>"
        )


def _join_html(s: ProjectorState) -> str:
    if s.team is None:
        return (
            "<p class='kit-muted'>To let phones join, open the circle to a team session on the "
            "coach dashboard.</p>"
        )
    link = join_link(s.team, page_url())
    return (
        "<div class='kit-join-card'><p>Join on your phone</p>"
        f"<p class='kit-join-code'>{escape(s.team.code)}</p>"
        f"<div class='kit-qr' role='img' aria-label='QR code of the join link'>{qr_svg(link)}</div>"
        f"<p class='kit-join-link'>{escape(link)}</p></div>"
    )


def _arrived_html(s: ProjectorState) -> str:
    session = s.session
    if session.session_id is None:
        return ""
    # Stories are shown without their tellers: the wall is no place to name anyone.
    stories = "".join(
        f"<li><span class='kit-badge'>{escape(t.kind)}</span> {escape(t.text)}</li>"
        for t in reversed(session.stories)
    )
    ideas = list(bl.ranked(session.ideas) if session.revealed else session.ideas)
    items = "".join(
        f"<li>{escape(i.text)}"
        + (f" · <b>{i.total}</b> vote{'' if i.total == 1 else 's'}" if session.revealed else "")
        + "</li>"
        for i in ideas
    )
    votes = (
        ""
        if session.revealed
        else f"<p class='kit-hidden-votes'>{session.votes_cast} vote"
        f"{'' if session.votes_cast == 1 else 's'} cast; revealed by the facilitator.</p>"
    )
    return (
        f"<h3>Stories ({len(session.stories)})</h3>"
        f"<ul class='kit-projector-list'>{stories or '<li class=kit-muted>none yet</li>'}</ul>"
        f"<h3>Ideas ({len(ideas)})</h3>{votes}"
        f"<ul class='kit-projector-list'>{items or '<li class=kit-muted>none yet</li>'}</ul>"
    )
