"""Workbook 05, running a Customer Circle: open actions, stories, the two lists, ideas, actions.

The notebook makes one :class:`CircleSessionApp` and calls one method per
section. The page has the kit's one shape: a controller
(:class:`kit.circles.controllers.SessionController`) holds the session as
frozen state and runs every action; each section here builds its widgets once,
registers how it redraws from that state, and hands what was typed to the
controller. Every entry is its own row in the store, written at once, so
nothing typed is lost on reload; with ``report=True`` the session's record is
static HTML, so the same notebook is the session summary.
"""

from __future__ import annotations

from datetime import date
from html import escape

import ipywidgets as widgets
from IPython.display import HTML

from kit.circles import backlog as bl
from kit.circles.controllers import SessionController, SessionState
from kit.circles.exports import actions_csv, actions_html, session_html, stories_html
from kit.circles.ical import due_dates
from kit.circles.model import ACTION_STATUSES, ACTS, FACTOR_KINDS, WHERE, Circle
from kit.database import PageStore
from kit.model import Participant, TeamSession
from kit.store.errors import StoreError
from kit.style import STYLE
from kit.ui.components import control, download_link, empty, hbox, html, vbox
from kit.ui.live import Every, shown_in
from kit.ui.page import Problems, WorkbookPage, open_for
from kit.workbooks import workbook

WORKBOOK = workbook("circle_session").file
_NO_STORY = ("(not linked to a story)", None)


class CircleSessionApp(WorkbookPage):
    """One circle's session and its backlog. Use :meth:`open`, which never raises."""

    def __init__(
        self,
        store: PageStore | None,
        circle: Circle | None = None,
        participant: Participant | None = None,
        report: bool = False,
        problems: Problems = (),
        team: TeamSession | None = None,
        plan_first: bool = False,
    ):
        super().__init__(store, participant, team.code if team else None, report, problems, team)
        self.plan_first = plan_first  # no circle planned yet: point to the planner
        self.controller = SessionController(
            store, circle, team, person=self.person if team is not None else None
        )
        self.live = Every(self.follow, shown=shown_in(self.notice))

    @property
    def state(self) -> SessionState:
        """What the page shows now (the controller's frozen state)."""
        return self.controller.state

    @property
    def circle(self) -> Circle | None:
        """The circle this page runs, or None when none is planned."""
        return self.state.circle

    @property
    def contributor(self) -> bool:
        """True on a team member's own device, adding to the coach's circle."""
        return self.controller.contributor

    @property
    def session_id(self) -> int | None:
        """The latest session's id (None before the first)."""
        return self.state.session_id

    @classmethod
    def open(cls, resume: str = "", store: str = "", report: bool = False) -> CircleSessionApp:
        """Open the latest session of the person's first planned circle."""
        opening = open_for(resume, store, report, what="Circles")
        the_store, person, team = opening.store, opening.participant, opening.team
        problems = list(opening.problems)
        if the_store is None:
            return cls(None, report=report, problems=tuple(problems))
        try:
            planned = the_store.circles(person.id) if person else []
        except StoreError as err:
            return cls(
                None, report=report, problems=(("error", f"Circles cannot be read: {err}."),)
            )
        if not planned and team is not None and team.circle and not report:
            try:
                shared = the_store.circle(team.circle)
            except StoreError as err:
                shared = None
                problems.append(("error", f"The team's circle cannot be read: {err}."))
            if shared is not None:
                return cls(the_store, shared, person, report, tuple(problems), team)
        if not planned and team is not None:
            problems.append(
                (
                    "note",
                    f"Your coach has not opened a circle to the team session '{team.title}' yet. "
                    "Leave this page open: or reload it when they say so.",
                )
            )
            return cls(the_store, None, person, report, tuple(problems))
        if not planned:
            problems.append(
                (
                    "warn",
                    "There is no planned circle for this resume code yet: plan one in workbook 4 "
                    "(the Circle planner) with the same code, then come back here.",
                )
            )
            return cls(the_store, None, person, report, tuple(problems), plan_first=True)
        return cls(the_store, planned[0][0], person, report, tuple(problems))

    # -- acting through the controller ---------------------------------------------------

    def follow(self) -> bool:
        """Read the session again; redraw when anyone added or voted. True when redrawn."""
        before = self.state.message
        if not self.controller.follow():
            return False
        self.redraw()
        if self.state.message is not None and self.state.message != before:
            self.notice.show(*self.state.message)
        return True

    def start_next(self) -> bool:
        """Start the circle's next session (a second one today needs a second press)."""
        return self.acted(self.controller.start_next(), notice=self.notice_at("start"))

    def update_action(self) -> bool:
        """Record the chosen action's status and note in this session."""
        done = self.controller.update_action(
            self.a_pick.value, self.a_status.value, self.a_note.value
        )
        if done:
            self.a_note.value = ""
        return self.acted(done, notice=self.notice_at("review"))

    def add_story(self) -> bool:
        """Add the typed story."""
        if self.contributor:
            done = self.controller.add_story(self.s_kind.value, self.s_text.value)
        else:
            done = self.controller.add_story(
                self.s_kind.value,
                self.s_text.value,
                self.s_teller.value,
                self.s_act.value,
                self.s_where.value,
                self.s_prevention.value,
            )
        if done:
            self.s_text.value = ""
            if not self.contributor:
                self.s_prevention.value = ""
        return self.acted(done, notice=self.notice_at("stories"))

    def add_factor(self) -> bool:
        """Add the typed entry to the Do-Not-Annoy list or the delight factors."""
        done = self.controller.add_factor(self.f_kind.value, self.f_text.value, self.f_story.value)
        if done:
            self.f_text.value = ""
        return self.acted(done, notice=self.notice_at("lists"))

    def add_idea(self) -> bool:
        """Add the typed idea."""
        done = self.controller.add_idea(self.i_text.value)
        if done:
            self.i_text.value = ""
        return self.acted(done, notice=self.notice_at("ideas"))

    def vote(self) -> bool:
        """Give one vote to the chosen idea (from the named voter on the coach's screen)."""
        voter = "" if self.contributor else self.v_voter.value
        return self.acted(
            self.controller.vote(self.v_idea.value, voter), notice=self.notice_at("votes")
        )

    def set_votes_each(self, votes: int) -> bool:
        """Set how many dot votes each person has in this session."""
        return self.acted(
            self.controller.set_votes_each(int(votes)), notice=self.notice_at("votes")
        )

    def make_action(self) -> bool:
        """Turn the chosen idea into an action with one owner and a due date."""
        done = self.controller.make_action(self.c_idea.value, self.c_owner.value, self.c_due.value)
        if done:
            self.c_owner.value = ""
        return self.acted(done, notice=self.notice_at("actions"))

    # -- sections ----------------------------------------------------------------------

    def intro(self) -> widgets.Widget | HTML:
        """Messages, the circle, which session this is, and the button to start the next."""
        if self.report:
            return self.report_top()
        parts = self.top()
        parts.append(
            html(
                "<p>Add your stories of customers and your ideas, and vote for the ideas you "
                "back most: the whole circle sees them as they come in.</p>"
                if self.contributor
                else "<p>60 to 90 minutes with the team. Follow the sections in order: each "
                "one feeds the next. Everything is saved the moment it is added.</p>"
            )
        )
        if self.plan_first and self.participant is None:
            # With a resume code the banner links every workbook; without one, this.
            parts.append(
                html("<p><a href='04_circle_planner.ipynb'>Open the Circle planner</a></p>")
            )
        if self.circle is None:
            return vbox(parts)
        self.heading = html()
        parts.append(self.heading)
        if not self.contributor:
            self.start = control(widgets.Button, button_style="primary")
            self.start.on_click(lambda _: self.start_next())
            parts += [self.start, self.notice_at("start")]
        parts.append(self.notice)
        self.drawn_by(self._draw_heading)
        self.live.start()
        return vbox(parts)

    def _draw_heading(self, s: SessionState) -> None:
        assert s.circle is not None
        if s.session_id is None:
            waiting = (
                "Your coach has not started a session yet: this page shows it when they do."
                if self.contributor
                else "No session yet."
            )
            self.heading.value = f"<h3>{escape(s.circle.title)}</h3><p>{waiting}</p>"
        else:
            self.heading.value = (
                f"<h3 class='kit-session'>{escape(s.circle.title)} · session {s.number} · "
                f"{escape(s.held_on)}</h3>"
            )
        if not self.contributor:
            self.start.description = f"Start session {s.number + 1}"

    def review(self) -> widgets.Widget | HTML:
        """The open actions from earlier sessions, to update one by one."""
        if self.circle is None or self.report:
            return empty(self.report)
        self.open_list = html()
        if self.contributor:
            self.drawn_by(self._draw_open_actions)
            return self.open_list
        self.a_pick = control(widgets.Dropdown, description="Action")
        self.a_status = control(widgets.Dropdown, options=ACTION_STATUSES, description="Now")
        self.a_note = control(
            widgets.Text, placeholder="What happened (a reason when dropped)", description="Note"
        )
        self.a_update = control(widgets.Button, description="Update action")
        self.a_update.on_click(lambda _: self.update_action())
        self.drawn_by(self._draw_open_actions)
        return vbox(
            [
                self.open_list,
                hbox([self.a_pick, self.a_status]),
                hbox([self.a_note, self.a_update]),
                self.notice_at("review"),
            ]
        )

    def _draw_open_actions(self, s: SessionState) -> None:
        self.open_list.value = (
            "<ul class='kit-open-actions'>"
            + "".join(
                f"<li>{escape(a.text)} · owner {escape(a.owner)} · due {escape(a.due)} · "
                f"opened in session {a.opened}</li>"
                for a in s.open_actions
            )
            + "</ul>"
            if s.open_actions
            else "<p class='kit-muted'>No open actions.</p>"
        )
        if not self.contributor:
            _set_options(self.a_pick, [(f"{a.text} ({a.owner})", a.id) for a in s.open_actions])

    def stories_section(self) -> widgets.Widget | HTML:
        """Unhappy and happy stories; an unhappy one's cause and what would have prevented it."""
        if self.circle is None or self.report:
            return empty(self.report)
        self.s_kind = control(
            widgets.Dropdown,
            options=[("unhappy customer", "unhappy"), ("happy customer", "happy")],
            description="Story of a",
        )
        self.s_text = control(
            widgets.Textarea,
            placeholder="What happened, as the customer would tell it",
            layout=widgets.Layout(width="98%", height="90px" if self.contributor else "70px"),
        )
        self.s_add = control(widgets.Button, description="Add story", button_style="primary")
        self.s_add.on_click(lambda _: self.add_story())
        self.story_list = html()
        self.drawn_by(lambda s: setattr(self.story_list, "value", stories_html(list(s.stories))))
        if self.contributor:
            return vbox(
                [self.s_kind, self.s_text, self.s_add, self.notice_at("stories"), self.story_list]
            )
        self.s_teller = control(widgets.Text, placeholder="Who brought it", description="Told by")
        self.s_act = control(
            widgets.Dropdown,
            options=[("(cause not known yet)", ""), *[(a, a) for a in ACTS]],
            description="Cause",
        )
        self.s_where = control(
            widgets.Dropdown,
            options=[("(where not known yet)", ""), *[(w, w) for w in WHERE]],
            description="Where",
        )
        self.s_prevention = control(
            widgets.Text, placeholder="What would have prevented it", description="Prevention"
        )
        return vbox(
            [
                hbox([self.s_kind, self.s_teller]),
                self.s_text,
                hbox([self.s_act, self.s_where]),
                self.s_prevention,
                self.s_add,
                self.notice_at("stories"),
                self.story_list,
            ]
        )

    def lists(self) -> widgets.Widget | HTML:
        """The Do-Not-Annoy list and delight factors, similar entries grouped and counted."""
        if self.circle is None or self.report:
            return empty(self.report)
        self.factor_list = html()
        if self.contributor:
            # The lists are drawn up together, on the coach's screen.
            self.drawn_by(lambda s: setattr(self.factor_list, "value", _lists_html(s)))
            return self.factor_list
        self.f_kind = control(widgets.Dropdown, options=FACTOR_KINDS, description="List")
        self.f_text = control(
            widgets.Text,
            placeholder="e.g. Never ask a customer twice for the address",
            description="Entry",
        )
        self.f_story = control(widgets.Dropdown, options=[_NO_STORY], description="From story")
        self.f_add = control(widgets.Button, description="Add to the list", button_style="primary")
        self.f_add.on_click(lambda _: self.add_factor())
        self.f_kind.observe(lambda _: self._story_options(self.state), "value")
        self.drawn_by(self._draw_lists)
        return vbox(
            [
                hbox([self.f_kind, self.f_story]),
                hbox([self.f_text, self.f_add]),
                self.notice_at("lists"),
                self.factor_list,
            ]
        )

    def _draw_lists(self, s: SessionState) -> None:
        self.factor_list.value = _lists_html(s)
        self._story_options(s)

    def _story_options(self, s: SessionState) -> None:
        # Do-Not-Annoy entries come from unhappy stories, delight factors from happy ones.
        kind = "unhappy" if self.f_kind.value == "do not annoy" else "happy"
        self.f_story.options = [_NO_STORY] + [
            (story.text[:60], story.id) for story in s.stories if story.kind == kind
        ]

    def ideas_section(self) -> widgets.Widget | HTML:
        """Ideas, dot-votes, and chosen ideas turned into owned actions."""
        if self.circle is None or self.report:
            return empty(self.report)
        self.i_text = control(
            widgets.Text, placeholder="An idea the team could carry out", description="Idea"
        )
        self.i_add = control(widgets.Button, description="Add idea", button_style="primary")
        self.i_add.on_click(lambda _: self.add_idea())
        self.v_idea = control(widgets.Dropdown, description="Vote for")
        self.v_vote = control(widgets.Button, description="Vote")
        self.v_vote.on_click(lambda _: self.vote())
        self.idea_list = html()
        self.drawn_by(self._draw_ideas)
        if self.contributor:
            return vbox(
                [
                    self.i_text,
                    self.i_add,
                    self.notice_at("ideas"),
                    self.idea_list,
                    html("<p class='kit-muted'>Give your votes to the ideas you back most.</p>"),
                    self.v_idea,
                    self.v_vote,
                    self.notice_at("votes"),
                ]
            )
        self.v_each = control(
            widgets.BoundedIntText,
            value=self.state.votes_each,
            min=1,
            max=20,
            description="Votes each",
        )
        # Setting the box from the state (a redraw) is no change: the controller ignores it.
        self.v_each.observe(lambda c: self.set_votes_each(c["new"]), "value")
        self.v_voter = control(widgets.Text, placeholder="Your name", description="Voter")
        self.c_idea = control(widgets.Dropdown, description="Choose")
        self.c_owner = control(widgets.Text, placeholder="One owner", description="Owner")
        self.c_due = control(widgets.DatePicker, description="Due")
        self.c_make = control(
            widgets.Button, description="Make it an action", button_style="success"
        )
        self.c_make.on_click(lambda _: self.make_action())
        self.drawn_by(self._draw_choices)
        return vbox(
            [
                hbox([self.i_text, self.i_add]),
                self.notice_at("ideas"),
                self.idea_list,
                self.v_each,
                hbox([self.v_voter, self.v_idea, self.v_vote]),
                self.notice_at("votes"),
                hbox([self.c_idea, self.c_owner]),
                hbox([self.c_due, self.c_make]),
                self.notice_at("actions"),
            ]
        )

    def _draw_ideas(self, s: SessionState) -> None:
        ranked = bl.ranked(s.ideas)
        self.idea_list.value = (
            "<ol class='kit-ideas'>"
            + "".join(
                f"<li>{escape(i.text)} · <b>{i.total}</b> vote{'' if i.total == 1 else 's'}"
                + (" · <i>now an action</i>" if i.chosen else "")
                + "</li>"
                for i in ranked
            )
            + "</ol>"
        )
        _set_options(self.v_idea, [(i.text[:60], i.id) for i in ranked])

    def _draw_choices(self, s: SessionState) -> None:
        if self.v_each.value != s.votes_each:
            self.v_each.value = s.votes_each
        # An idea becomes one action; the ones already chosen leave this list.
        _set_options(self.c_idea, [(i.text[:60], i.id) for i in bl.ranked(s.ideas) if not i.chosen])

    def backlog(self) -> widgets.Widget | HTML:
        """Every action with its history, and the backlog's figures over sessions."""
        if self.circle is None:
            return empty(self.report)
        if self.report:
            return HTML(_session_html(self.state) + _chart_html(self.state))
        if self.contributor:
            return html(
                "<p class='kit-muted'>Your coach keeps the backlog; the open actions are at the "
                "top of this page.</p>"
            )
        self.chart = widgets.Image(format="png", layout=widgets.Layout(max_width="640px"))
        self.chart.add_class("kit-chart")
        self.action_table = html()
        self.drawn_by(self._draw_backlog)
        return vbox([self.action_table, self.chart])

    def _draw_backlog(self, s: SessionState) -> None:
        self.action_table.value = actions_html(list(s.actions))
        figures = _figures(s)
        if figures and s.actions:
            from kit.charts import to_png
            from kit.circles.charts import backlog

            self.chart.value = to_png(backlog(figures))
            self.chart.layout.display = None
        else:
            self.chart.layout.display = "none"

    def downloads(self) -> widgets.Widget | HTML:
        """The session summary, the actions as CSV and as calendar entries."""
        if self.report or self.circle is None or self.contributor:
            return empty(self.report)
        self.files = html()
        self.drawn_by(lambda s: setattr(self.files, "value", _files_html(s)))
        return self.files


# -- drawing from the state (no widgets) ---------------------------------------------------


def _figures(s: SessionState) -> list[bl.SessionFigures]:
    return bl.backlog_figures(list(s.actions), [(n, d) for _, n, d, _ in s.sessions])


def _lists_html(s: SessionState) -> str:
    parts = []
    for kind, title in (("do not annoy", "Do-Not-Annoy list"), ("delight", "Delight factors")):
        items = "".join(
            f"<li>{escape(g.text)} <span class='kit-muted'>· backed by {g.stories} "
            f"stor{'y' if g.stories == 1 else 'ies'}</span></li>"
            for g in bl.group_factors(s.factors, kind)
        )
        parts.append(
            f"<h4>{title}</h4><ul class='kit-factors'>{items or '<li class=kit-muted>none yet</li>'}</ul>"
        )
    return "".join(parts)


def _session_html(s: SessionState) -> str:
    groups = {kind: bl.group_factors(s.factors, kind) for kind in FACTOR_KINDS}
    if s.session_id is None:
        return "<p>No session has been held yet.</p>" + actions_html(list(s.actions))
    return session_html(
        s.number, s.held_on, list(s.stories), groups, bl.ranked(s.ideas), list(s.actions)
    )


def _chart_html(s: SessionState) -> str:
    figures = _figures(s)
    if not (figures and s.actions):
        return ""
    from kit.charts import to_png
    from kit.circles.charts import backlog
    from kit.style import png_img

    return png_img(to_png(backlog(figures)), "Completion rate and age of open actions per session")


def _files_html(s: SessionState) -> str:
    if not s.actions and s.session_id is None:
        return "<p class='kit-muted'>The files appear once the first session has started.</p>"
    assert s.circle is not None
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(s.circle.title)}</title>{STYLE}</head>"
        "<body style='font-family: sans-serif; max-width: 50em; margin: 2em auto'>"
        f"<h2>{escape(s.circle.title)}</h2>{_session_html(s)}</body></html>"
    )
    stamp = f"{date.today():%Y-%m-%d}"
    open_items = [
        (str(a.id), f"{a.text} ({a.owner})", date.fromisoformat(a.due)) for a in s.open_actions
    ]
    links = [
        download_link(
            page, f"circle-session-{s.number}-{stamp}.html", "text/html", "Session summary (HTML)"
        ),
        download_link(
            actions_csv(list(s.actions)), f"circle-actions-{stamp}.csv", "text/csv", "Actions (CSV)"
        ),
        download_link(
            due_dates(s.circle.code, open_items),
            "circle-actions.ics",
            "text/calendar",
            "Open actions' due dates (.ics)",
        ),
    ]
    return "<p>" + " · ".join(links) + "</p>"


def _set_options(box: widgets.Dropdown, options: list[tuple[str, object]]) -> None:
    """Replace a dropdown's choices, keeping the chosen one, else choosing the first.

    A dropdown whose value is None looks chosen in the browser but is not, so
    a press of its button would be refused for no visible reason.
    """
    current = box.value
    box.options = options
    values = [v for _, v in options]
    box.value = current if current in values else (values[0] if values else None)
