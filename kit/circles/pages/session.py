"""Workbook 05, running a Customer Circle: open actions, stories, the two lists, ideas, actions.

The notebook makes one :class:`CircleSessionApp` and calls one method per
section. Every entry is its own row in the store, written at once, so nothing
typed is lost on reload; with ``report=True`` the session's record is static
HTML, so the same notebook is the session summary.
"""

from __future__ import annotations

from datetime import date
from html import escape

import ipywidgets as widgets
from IPython.display import HTML

from kit.circles import backlog as bl
from kit.circles.exports import actions_csv, actions_html, session_html, stories_html
from kit.circles.ical import due_dates
from kit.circles.model import ACTION_STATUSES, ACTS, FACTOR_KINDS, WHERE, Circle, Story
from kit.database import Store, open_store
from kit.model import TeamSession
from kit.store.clock import now
from kit.store.errors import StoreError
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
from kit.ui.context import client_address
from kit.ui.live import Every, shown_in
from kit.ui.person import from_link, look_up
from kit.workbooks import workbook

WORKBOOK = workbook("circle_session").file
_NO_STORY = ("(not linked to a story)", None)


class CircleSessionApp:
    """One circle's session and its backlog. Use :meth:`open`, which never raises."""

    def __init__(
        self,
        store: Store | None,
        circle: Circle | None = None,
        participant=None,
        report: bool = False,
        problems: tuple[tuple[str, str], ...] = (),
        team: TeamSession | None = None,
        plan_first: bool = False,
    ):
        self.store = store
        self.circle = circle
        self.plan_first = plan_first  # no circle planned yet: point to the planner
        self.participant = participant
        # A team member adding to the coach's circle from their own device: they
        # add stories and ideas and vote; running the session stays with the coach.
        self.team = team
        self.contributor = team is not None
        self.report = report
        self.problems = list(problems)
        self.notice = Notice()
        self.banner = html(
            resume_banner(participant.resume_code, participant.session) if participant else ""
        )
        self.session_id: int | None = None
        self.votes_per_person = 3
        self._filling_votes = False
        self._confirm_start = False
        self.number = 0
        self.held_on = ""
        self._parts: dict[str, widgets.Widget] = {}
        self._seen: tuple[object, ...] = ()
        self.live = Every(self.follow, shown=shown_in(self.notice))
        self._load()

    @classmethod
    def open(cls, resume: str = "", store: str = "", report: bool = False) -> CircleSessionApp:
        """Open the latest session of the person's first planned circle."""
        resume, session = from_link(resume, report)
        try:
            the_store = open_store(store or None)
            visitor = look_up(the_store, resume, session)
            planned = the_store.circles(visitor.participant.id) if visitor.participant else []
        except StoreError as err:
            return cls(
                None, report=report, problems=(("error", f"Circles cannot be read: {err}."),)
            )
        problems = list(visitor.problems)
        team = visitor.team
        if not planned and team is not None and team.circle and not report:
            try:
                shared = the_store.circle(team.circle)
            except StoreError as err:
                shared = None
                problems.append(("error", f"The team's circle cannot be read: {err}."))
            if shared is not None:
                return cls(the_store, shared, visitor.participant, report, tuple(problems), team)
        if not planned and team is not None:
            problems.append(
                (
                    "note",
                    f"Your coach has not opened a circle to the team session '{team.title}' yet. "
                    "Leave this page open: or reload it when they say so.",
                )
            )
            return cls(the_store, None, visitor.participant, report, tuple(problems))
        if not planned:
            problems.append(
                (
                    "warn",
                    "There is no planned circle for this resume code yet: plan one in workbook 4 "
                    "(the Circle planner) with the same code, then come back here.",
                )
            )
            return cls(
                the_store, None, visitor.participant, report, tuple(problems), plan_first=True
            )
        return cls(the_store, planned[0][0], visitor.participant, report, tuple(problems))

    # -- data ------------------------------------------------------------------------

    def _load(self) -> None:
        self.sessions = []
        self.stories: list[Story] = []
        self.factors = []
        self.ideas = []
        self.actions = []
        if self.store is None or self.circle is None:
            return
        try:
            self.sessions = self.store.sessions(self.circle.code)
            if self.sessions:
                self.session_id, self.number, self.held_on, self.votes_per_person = self.sessions[
                    -1
                ]
                self.stories = self.store.stories(self.session_id)
                self.factors = self.store.factors(self.session_id)
                self.ideas = self.store.ideas(self.session_id)
            self.actions = self.store.actions(self.circle.code)
        except StoreError as err:
            self.notice.show("error", f"The session could not be read: {err}.")

    def _do(self, work, done: str) -> bool:
        """Run one store write; show what happened; redraw. Never raises."""
        try:
            if self.contributor:
                self._check_still_open()
            work()
        except (bl.EntryError, StoreError) as err:
            self.notice.show("error", str(err))
            return False
        except Exception as err:  # noqa: BLE001 - the page must never show a traceback
            self.notice.show("error", f"That could not be saved ({type(err).__name__}: {err}).")
            return False
        self._load()
        self._refresh()
        self.notice.show("ok", done)
        return True

    def _need_session(self) -> int:
        if self.session_id is None:
            if self.contributor:
                raise bl.EntryError(
                    "Your coach has not started the session yet: this page shows it when they do."
                )
            raise bl.EntryError("Start the session first (the button at the top).")
        return self.session_id

    def _check_still_open(self) -> None:
        # The coach may have closed the circle to the team since this page opened.
        assert self.team is not None and self.circle is not None and self.store is not None
        team = self.store.team_session(self.team.code)
        if team is None or team.circle != self.circle.code or team.closed:
            raise bl.EntryError(
                "Your coach has closed this circle to the team, so nothing more can be added "
                "from here."
            )

    # -- sections --------------------------------------------------------------------

    def intro(self) -> widgets.Widget | HTML:
        """Messages, the circle, which session this is, and the button to start the next."""
        messages = show_messages(self.problems)
        if self.report:
            return HTML(STYLE + messages)
        parts = page_top(messages)
        parts.append(self.banner)
        if self.plan_first and self.participant is None:
            # With a resume code the banner links every workbook; without one, this.
            parts.append(
                html("<p><a href='04_circle_planner.ipynb'>Open the Circle planner</a></p>")
            )
        if self.circle is not None and self.contributor:
            self.heading = html()
            parts += [self.heading, self.notice]
            self._refresh()
            self.live.start()
        elif self.circle is not None:
            self.live.start()
            self.start = control(widgets.Button, button_style="primary")
            self.start.on_click(lambda _: self.start_next())
            self.heading = html()
            parts += [self.heading, self.start, self.notice]
            self._refresh()
        return vbox(parts)

    def review(self) -> widgets.Widget | HTML:
        """The open actions from earlier sessions, to update one by one."""
        if self.circle is None:
            return empty(self.report)
        if self.report:
            return HTML("")
        if self.contributor:
            self.open_list = html()
            self._refresh()
            return self.open_list
        self.a_pick = control(widgets.Dropdown, description="Action")
        self.a_status = control(widgets.Dropdown, options=ACTION_STATUSES, description="Now")
        self.a_note = control(
            widgets.Text, placeholder="What happened (a reason when dropped)", description="Note"
        )
        self.a_update = control(widgets.Button, description="Update action")
        self.a_update.on_click(lambda _: self.update_action())
        self.open_list = html()
        self._refresh()
        return vbox(
            [self.open_list, hbox([self.a_pick, self.a_status]), hbox([self.a_note, self.a_update])]
        )

    def stories_section(self) -> widgets.Widget | HTML:
        """Unhappy and happy stories; an unhappy one's cause and what would have prevented it."""
        if self.circle is None:
            return empty(self.report)
        if self.report:
            return HTML("")
        self.s_kind = control(
            widgets.Dropdown,
            options=[("unhappy customer", "unhappy"), ("happy customer", "happy")],
            description="Story of a",
        )
        if self.contributor:
            return self._contributor_stories()
        self.s_text = control(
            widgets.Textarea,
            placeholder="What happened, as the customer would tell it",
            layout=widgets.Layout(width="98%", height="70px"),
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
        self.s_add = control(widgets.Button, description="Add story", button_style="primary")
        self.s_add.on_click(lambda _: self.add_story())
        self.story_list = html()
        self._refresh()
        return vbox(
            [
                hbox([self.s_kind, self.s_teller]),
                self.s_text,
                hbox([self.s_act, self.s_where]),
                self.s_prevention,
                self.s_add,
                self.story_list,
            ]
        )

    def lists(self) -> widgets.Widget | HTML:
        """The Do-Not-Annoy list and delight factors, similar entries grouped and counted."""
        if self.circle is None:
            return empty(self.report)
        if self.report:
            return HTML("")
        if self.contributor:
            # The lists are drawn up together, on the coach's screen.
            self.factor_list = html()
            self.factor_list.value = self._lists_html()
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
        self.f_kind.observe(lambda _: self._story_options(), "value")
        self.factor_list = html()
        self._refresh()
        return vbox(
            [hbox([self.f_kind, self.f_story]), hbox([self.f_text, self.f_add]), self.factor_list]
        )

    def ideas_section(self) -> widgets.Widget | HTML:
        """Ideas, dot-votes, and chosen ideas turned into owned actions."""
        if self.circle is None:
            return empty(self.report)
        if self.report:
            return HTML("")
        self.i_text = control(
            widgets.Text, placeholder="An idea the team could carry out", description="Idea"
        )
        self.i_add = control(widgets.Button, description="Add idea", button_style="primary")
        self.i_add.on_click(lambda _: self.add_idea())
        if self.contributor:
            return self._contributor_ideas()
        self.v_each = control(
            widgets.BoundedIntText,
            value=self._votes_each(),
            min=1,
            max=20,
            description="Votes each",
        )
        self.v_each.observe(lambda c: self.set_votes_each(c["new"]), "value")
        self.v_voter = control(widgets.Text, placeholder="Your name", description="Voter")
        self.v_idea = control(widgets.Dropdown, description="Vote for")
        self.v_vote = control(widgets.Button, description="Vote")
        self.v_vote.on_click(lambda _: self.vote())
        self.c_idea = control(widgets.Dropdown, description="Choose")
        self.c_owner = control(widgets.Text, placeholder="One owner", description="Owner")
        self.c_due = control(widgets.DatePicker, description="Due")
        self.c_make = control(
            widgets.Button, description="Make it an action", button_style="success"
        )
        self.c_make.on_click(lambda _: self.make_action())
        self.idea_list = html()
        self._refresh()
        return vbox(
            [
                hbox([self.i_text, self.i_add]),
                self.idea_list,
                self.v_each,
                hbox([self.v_voter, self.v_idea, self.v_vote]),
                hbox([self.c_idea, self.c_owner]),
                hbox([self.c_due, self.c_make]),
            ]
        )

    def backlog(self) -> widgets.Widget | HTML:
        """Every action with its history, and the backlog's figures over sessions."""
        if self.circle is None:
            return empty(self.report)
        if self.report:
            return HTML(self._session_html() + self._chart_html())
        if self.contributor:
            return html(
                "<p class='kit-muted'>Your coach keeps the backlog; the open actions are at the "
                "top of this page.</p>"
            )
        self.chart = widgets.Image(format="png", layout=widgets.Layout(max_width="640px"))
        self.chart.add_class("kit-chart")
        self.action_table = html()
        self._refresh()
        return vbox([self.action_table, self.chart])

    def downloads(self) -> widgets.Widget | HTML:
        """The session summary, the actions as CSV and as calendar entries."""
        if self.report or self.circle is None or self.contributor:
            return empty(self.report)
        self.files = html()
        self._refresh()
        return self.files

    # -- a team member's own device ----------------------------------------------------

    def _contributor_stories(self) -> widgets.Widget:
        self.s_text = control(
            widgets.Textarea,
            placeholder="What happened, as the customer would tell it",
            layout=widgets.Layout(width="98%", height="90px"),
        )
        self.s_add = control(widgets.Button, description="Add story", button_style="primary")
        self.s_add.on_click(lambda _: self.add_story())
        self.story_list = html()
        self._refresh()
        return vbox([self.s_kind, self.s_text, self.s_add, self.story_list])

    def _contributor_ideas(self) -> widgets.Widget:
        self.v_idea = control(widgets.Dropdown, description="Vote for")
        self.v_vote = control(widgets.Button, description="Vote")
        self.v_vote.on_click(lambda _: self.vote())
        self.idea_list = html()
        self._refresh()
        return vbox(
            [
                self.i_text,
                self.i_add,
                self.idea_list,
                html("<p class='kit-muted'>Give your votes to the ideas you back most.</p>"),
                self.v_idea,
                self.v_vote,
            ]
        )

    def _my_name(self) -> str:
        """The name a contributor's stories and votes carry: their own in a named session.

        In an anonymous session a story carries no name and votes are counted
        under an id nobody sees, so each person still has their own votes.
        """
        if self.participant is None or self.team is None:
            return ""
        if self.team.anonymous:
            return ""
        return self.participant.display_name

    def _voter(self) -> str:
        self._ensure_person()
        return self._my_name() or f"#{self.participant.public_id}"

    def _ensure_person(self) -> None:
        # Someone who opened the circle straight from the session link gets a
        # resume code with their first contribution, as in every workbook.
        if self.participant is None and self.team is not None and self.store is not None:
            self.participant = self.store.create_participant(
                session=self.team.code, client=client_address()
            )
            self.banner.value = resume_banner(
                self.participant.resume_code, self.participant.session
            )

    def follow(self) -> bool:
        """Read the session again; redraw when anyone added or voted. True when redrawn."""
        if self.store is None or self.circle is None:
            return False
        previous = self.session_id
        self._load()
        seen = (
            self.session_id,
            len(self.stories),
            len(self.factors),
            tuple((i.id, i.total, i.chosen) for i in self.ideas),
            tuple((a.id, a.status) for a in self.actions),
        )
        if seen == self._seen:
            return False
        self._seen = seen
        self._refresh()
        if self.contributor and previous is None and self.session_id is not None:
            self.notice.show("ok", f"Session {self.number} has started: add your stories below.")
        return True

    # -- actions ---------------------------------------------------------------------

    def start_next(self) -> bool:
        """Start the circle's next session (the open actions come along).

        A second session on the same day needs a second press, so a double
        click or a stray press does not split the team's entries in two.
        """
        today = date.today().isoformat()
        if self.held_on == today and not self._confirm_start:
            self._confirm_start = True
            self.notice.show(
                "warn",
                f"Session {self.number} was started today already. Press the button again to "
                "start another one; to keep adding to this one, just carry on below.",
            )
            return False
        self._confirm_start = False
        number, after = self.number + 1, self.number
        return self._do(
            lambda: self.store.start_session(self.circle.code, today, self._votes_each(), after),
            f"Session {number} has started: go through the open actions first.",
        )

    def update_action(self) -> bool:
        """Record the chosen action's status and note in this session."""
        action_id, status, note = self.a_pick.value, self.a_status.value, self.a_note.value

        def work():
            self._need_session()
            if action_id is None:
                raise bl.EntryError("Choose an open action first.")
            text = bl.clean_entry("note", note, required=status == "dropped")
            self.store.update_action(action_id, self.number, status, text, now())

        if self._do(work, "Action updated."):
            self.a_note.value = ""
            return True
        return False

    def add_story(self) -> bool:
        """Add the typed story."""
        kind = self.s_kind.value
        unhappy = kind == "unhappy"

        def work():
            session = self._need_session()
            if self.contributor:
                text = bl.clean_entry("story", self.s_text.value)
                self._ensure_person()
                self.store.add_story(session, Story(0, session, kind, text, self._my_name()))
                return
            story = Story(
                0,
                session,
                kind,
                bl.clean_entry("story", self.s_text.value),
                bl.clean_entry("teller's name", self.s_teller.value, required=False, limit=80),
                self.s_act.value if unhappy else "",
                self.s_where.value if unhappy else "",
                bl.clean_entry("prevention", self.s_prevention.value, required=False)
                if unhappy
                else "",
            )
            self.store.add_story(session, story)

        if self._do(work, f"Added the story of a{'n' if unhappy else ''} {kind} customer."):
            self.s_text.value = ""
            if not self.contributor:
                self.s_prevention.value = ""
            return True
        return False

    def add_factor(self) -> bool:
        """Add the typed entry to the Do-Not-Annoy list or the delight factors."""
        kind, story = self.f_kind.value, self.f_story.value

        def work():
            session = self._need_session()
            self.store.add_factor(session, kind, bl.clean_entry("entry", self.f_text.value), story)

        if self._do(
            work,
            f"Added to the {'Do-Not-Annoy list' if kind == 'do not annoy' else 'delight factors'}.",
        ):
            self.f_text.value = ""
            return True
        return False

    def add_idea(self) -> bool:
        """Add the typed idea."""

        def work():
            session = self._need_session()
            text = bl.clean_entry("idea", self.i_text.value)
            if self.contributor:
                self._ensure_person()
            self.store.add_idea(session, text, self._my_name())

        if self._do(work, "Idea added."):
            self.i_text.value = ""
            return True
        return False

    def vote(self) -> bool:
        """Give one vote from the named voter to the chosen idea."""
        idea = self.v_idea.value
        left: list[int] = []

        def work():
            self._need_session()
            voter = self._voter() if self.contributor else self.v_voter.value
            name = bl.clean_entry("voter's name", voter, limit=80)
            if idea is None:
                raise bl.EntryError("Choose an idea to vote for.")
            left.append(self.store.vote(idea, name))

        if not self._do(work, "Vote counted."):
            return False
        plural = "" if left[0] == 1 else "s"
        who = "you" if self.contributor else self.v_voter.value.strip()
        self.notice.show("ok", f"Vote counted: {left[0]} vote{plural} left for {who}.")
        return True

    def set_votes_each(self, votes: int) -> bool:
        """Set how many dot votes each person has in this session."""
        if self._filling_votes:
            return False

        def work():
            self.store.set_votes_per_person(self._need_session(), int(votes))

        return self._do(work, f"Each person now has {votes} vote{'' if votes == 1 else 's'}.")

    def _votes_each(self) -> int:
        return self.votes_per_person if self.session_id is not None else 3

    def make_action(self) -> bool:
        """Turn the chosen idea into an action with one owner and a due date."""
        idea, owner, due = self.c_idea.value, self.c_owner.value, self.c_due.value

        def work():
            self._need_session()
            if idea is None:
                raise bl.EntryError("Choose the idea the team picked.")
            name = bl.clean_entry("owner", owner, limit=80)
            if due is None:
                raise bl.EntryError("Give the action a due date.")
            text = next(i.text for i in self.ideas if i.id == idea)
            self.store.open_action(
                self.circle.code, self.number, text, name, due.isoformat(), idea, now()
            )

        if self._do(work, "The idea is now an action: it opens the next session's review."):
            self.c_owner.value = ""
            return True
        return False

    # -- redrawing -------------------------------------------------------------------

    def _refresh(self) -> None:
        if self.circle is None:
            return
        if hasattr(self, "heading"):
            if self.session_id is None:
                waiting = (
                    "Your coach has not started a session yet: this page shows it when they do."
                    if self.contributor
                    else "No session yet."
                )
                self.heading.value = f"<h3>{escape(self.circle.title)}</h3><p>{waiting}</p>"
            else:
                self.heading.value = (
                    f"<h3 class='kit-session'>{escape(self.circle.title)} · session {self.number} · "
                    f"{escape(self.held_on)}</h3>"
                )
            if hasattr(self, "start"):
                self.start.description = f"Start session {self.number + 1}"
        open_actions = [a for a in self.actions if a.status == "open"]
        if hasattr(self, "open_list"):
            self.open_list.value = (
                "<ul class='kit-open-actions'>"
                + "".join(
                    f"<li>{escape(a.text)} · owner {escape(a.owner)} · due {escape(a.due)} · "
                    f"opened in session {a.opened}</li>"
                    for a in open_actions
                )
                + "</ul>"
                if open_actions
                else "<p class='kit-muted'>No open actions.</p>"
            )
            if hasattr(self, "a_pick"):
                _set_options(self.a_pick, [(f"{a.text} ({a.owner})", a.id) for a in open_actions])
        if hasattr(self, "story_list"):
            self.story_list.value = stories_html(self.stories)
        if hasattr(self, "factor_list"):
            self.factor_list.value = self._lists_html()
            if hasattr(self, "f_story"):
                self._story_options()
        if hasattr(self, "v_each") and self.v_each.value != self._votes_each():
            self._filling_votes = True
            try:
                self.v_each.value = self._votes_each()
            finally:
                self._filling_votes = False
        if hasattr(self, "idea_list"):
            ranked = bl.ranked(self.ideas)
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
            if hasattr(self, "c_idea"):
                # An idea becomes one action; the ones already chosen leave this list.
                _set_options(self.c_idea, [(i.text[:60], i.id) for i in ranked if not i.chosen])
        if hasattr(self, "action_table"):
            self.action_table.value = actions_html(self.actions)
            figures = self._figures()
            if figures and self.actions:
                from kit.charts import to_png
                from kit.circles.charts import backlog

                self.chart.value = to_png(backlog(figures))
                self.chart.layout.display = None
            else:
                self.chart.layout.display = "none"
        if hasattr(self, "files"):
            self.files.value = self._files_html()

    def _story_options(self) -> None:
        # Do-Not-Annoy entries come from unhappy stories, delight factors from happy ones.
        kind = "unhappy" if self.f_kind.value == "do not annoy" else "happy"
        self.f_story.options = [_NO_STORY] + [
            (s.text[:60], s.id) for s in self.stories if s.kind == kind
        ]

    def _figures(self):
        return bl.backlog_figures(self.actions, [(n, d) for _, n, d, _ in self.sessions])

    def _lists_html(self) -> str:
        parts = []
        for kind, title in (("do not annoy", "Do-Not-Annoy list"), ("delight", "Delight factors")):
            items = "".join(
                f"<li>{escape(g.text)} <span class='kit-muted'>· backed by {g.stories} "
                f"stor{'y' if g.stories == 1 else 'ies'}</span></li>"
                for g in bl.group_factors(self.factors, kind)
            )
            parts.append(
                f"<h4>{title}</h4><ul class='kit-factors'>{items or '<li class=kit-muted>none yet</li>'}</ul>"
            )
        return "".join(parts)

    def _session_html(self) -> str:
        groups = {kind: bl.group_factors(self.factors, kind) for kind in FACTOR_KINDS}
        if self.session_id is None:
            return "<p>No session has been held yet.</p>" + actions_html(self.actions)
        return session_html(
            self.number, self.held_on, self.stories, groups, bl.ranked(self.ideas), self.actions
        )

    def _chart_html(self) -> str:
        figures = self._figures()
        if not (figures and self.actions):
            return ""
        from kit.charts import to_png
        from kit.circles.charts import backlog
        from kit.style import png_img

        return png_img(
            to_png(backlog(figures)), "Completion rate and age of open actions per session"
        )

    def _files_html(self) -> str:
        if not self.actions and self.session_id is None:
            return "<p class='kit-muted'>The files appear once the first session has started.</p>"
        page = (
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>{escape(self.circle.title)}</title>{STYLE}</head>"
            "<body style='font-family: sans-serif; max-width: 50em; margin: 2em auto'>"
            f"<h2>{escape(self.circle.title)}</h2>{self._session_html()}</body></html>"
        )
        stamp = f"{date.today():%Y-%m-%d}"
        open_items = [
            (str(a.id), f"{a.text} ({a.owner})", date.fromisoformat(a.due))
            for a in self.actions
            if a.status == "open"
        ]
        links = [
            download_link(
                page,
                f"circle-session-{self.number}-{stamp}.html",
                "text/html",
                "Session summary (HTML)",
            ),
            download_link(
                actions_csv(self.actions),
                f"circle-actions-{stamp}.csv",
                "text/csv",
                "Actions (CSV)",
            ),
            download_link(
                due_dates(self.circle.code, open_items),
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
