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

from collections.abc import Sequence
from datetime import date
from html import escape
from urllib.parse import quote

import ipywidgets as widgets
from IPython.display import HTML

from kit.circles import backlog as bl
from kit.circles.controllers import SessionController, SessionState
from kit.circles.exports import (
    actions_csv,
    actions_html,
    entries_csv,
    entries_html,
    session_html,
    stories_html,
)
from kit.circles.ical import due_dates
from kit.circles.model import (
    ACTION_STATUSES,
    ACTS,
    ENTRY_STATUSES,
    FACTOR_KINDS,
    WHERE,
    Circle,
    Idea,
)
from kit.circles.programme import Programme, management_summary, programme_csv, programme_html
from kit.database import PageStore
from kit.model import Participant, TeamSession
from kit.store.errors import StoreError
from kit.style import STYLE
from kit.ui.components import control, download_link, empty, hbox, html, vbox
from kit.ui.live import Every, live_seconds, shown_in
from kit.ui.page import Problems, WorkbookPage, open_for
from kit.workbooks import workbook

WORKBOOK = workbook("circle_session").file
_NO_STORY = ("(not linked to a story)", None)
_NEW_ENTRY = ("(a new entry: write it below)", None)
_NO_ENTRY = ("(no list entry)", None)


class CircleSessionApp(WorkbookPage):
    """One circle's session and its backlog. Use :meth:`open`, which never raises."""

    # The notebook's sections, in the order it shows them (tests and benches build all).
    SECTIONS = (
        "intro",
        "review",
        "stories_section",
        "lists",
        "ideas_section",
        "backlog",
        "programme_section",
        "downloads",
    )

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
        # Twice a second: a follow that finds nothing new asks the store one cheap question,
        # and a phone's story or vote should be on the facilitator's screen within a second.
        self.live = Every(
            self.follow,
            seconds=live_seconds("KIT_CIRCLE_LIVE_SECONDS", 0.5),
            shown=shown_in(self.notice),
        )
        self._programme_made: tuple[tuple[object, ...], tuple[Programme | None, str, str]] | None
        self._programme_made = None

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
        """Raise the chosen running-list entry again, or add the typed one as new."""
        done = self.controller.add_factor(
            self.f_kind.value, self.f_text.value, self.f_story.value, self.f_entry.value
        )
        if done:
            self.f_text.value = ""
        return self.acted(done, notice=self.notice_at("lists"))

    def mark_present(self) -> bool:
        """Record the ticked people as present at this session."""
        names = [box.description for box in self.present_boxes.children if box.value]
        return self.acted(self.controller.mark_present(names), notice=self.notice_at("present"))

    def correct_story(self) -> bool:
        """Save the chosen story's text, cause, place and prevention (an idea's or action's text)."""
        thing, thing_id = self._picked_story()
        fields = {"text": self.k_text.value}
        if not self.contributor and thing == "story":
            fields |= {
                "act": self.k_act.value,
                "where": self.k_where.value,
                "prevention": self.k_prevention.value,
            }
        if not self.contributor and thing == "action":
            due = self.k_due.value
            fields |= {"owner": self.k_owner.value, "due": due.isoformat() if due else ""}
        return self.acted(
            self.controller.correct(thing, thing_id, fields), notice=self.notice_at("correct")
        )

    def delete_story(self) -> bool:
        """Delete the chosen story (or, on a phone, the chosen story or idea of one's own)."""
        thing, thing_id = self._picked_story()
        return self.acted(self.controller.delete(thing, thing_id), notice=self.notice_at("correct"))

    def correct_entry(self) -> bool:
        """Save the chosen running-list entry's text and status."""
        fields = {"text": self.e_text.value, "status": self.e_status.value}
        return self.acted(
            self.controller.correct("entry", self.e_pick.value, fields),
            notice=self.notice_at("entries"),
        )

    def delete_entry(self) -> bool:
        """Delete the chosen running-list entry."""
        return self.acted(
            self.controller.delete("entry", self.e_pick.value), notice=self.notice_at("entries")
        )

    def merge_suggested(self) -> bool:
        """Merge the chosen suggested pair (the facilitator confirms each one)."""
        pair = self.m_suggest.value
        source, target = pair if pair else (None, None)
        return self.acted(self.controller.merge(source, target), notice=self.notice_at("merge"))

    def merge_chosen(self) -> bool:
        """Merge the first chosen entry into the second."""
        return self.acted(
            self.controller.merge(self.m_from.value, self.m_into.value),
            notice=self.notice_at("merge"),
        )

    def undo(
        self, place: str, things: tuple[str, ...], changes: tuple[str, ...] = ("edit", "delete")
    ) -> bool:
        """Undo this page's last change of those things; the message shows beside that Undo."""
        return self.acted(
            self.controller.undo(things, changes),
            notice=self.notice_at(place),
        )

    def reveal(self) -> bool:
        """Show the votes to everyone, or hide them again."""
        return self.acted(
            self.controller.reveal(not self.state.revealed), notice=self.notice_at("votes")
        )

    def vote_for(self, idea: int) -> bool:
        """A phone's vote for one idea (its own button)."""
        return self.acted(self.controller.vote(idea), notice=self.notice_at("votes"))

    def unvote_for(self, idea: int) -> bool:
        """Take one of this phone's votes back from an idea."""
        return self.acted(self.controller.unvote(idea), notice=self.notice_at("votes"))

    def add_idea(self) -> bool:
        """Add the typed idea."""
        done = self.controller.add_idea(self.i_text.value)
        if done:
            self.i_text.value = ""
        return self.acted(done, notice=self.notice_at("ideas"))

    def vote(self) -> bool:
        """Give one vote to the chosen idea, for the chosen person (the facilitator's page)."""
        return self.acted(
            self.controller.vote(self.v_idea.value, self.v_voter.value),
            notice=self.notice_at("votes"),
        )

    def take_back(self) -> bool:
        """Take one vote of the chosen person back from the chosen idea."""
        return self.acted(
            self.controller.unvote(self.v_idea.value, self.v_voter.value),
            notice=self.notice_at("votes"),
        )

    def set_votes_each(self, votes: int) -> bool:
        """Set how many dot votes each person has in this session."""
        return self.acted(
            self.controller.set_votes_each(int(votes)), notice=self.notice_at("votes")
        )

    def make_action(self) -> bool:
        """Turn the chosen idea into an action with one owner and a due date."""
        done = self.controller.make_action(
            self.c_idea.value, self.c_owner.value, self.c_due.value, self.c_entry.value
        )
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
        if not self.contributor and self.participant is not None:
            projector = workbook("circle_projector").file
            code = quote(self.participant.resume_code)
            parts.append(
                html(
                    f"<p><a href='{projector}?resume={code}' target='_blank' rel='noopener'>"
                    "Open the projector view</a> <span class='kit-muted'>· for the room's wall: "
                    "the agenda's countdown, a join QR code, what comes in</span></p>"
                )
            )
        if not self.contributor:
            self.start = control(widgets.Button, button_style="primary")
            self.start.on_click(lambda _: self.start_next())
            parts += [self.start, self.notice_at("start")]
            self.present_boxes = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
            self.present_boxes.add_class("kit-present")
            self.present_label = html()
            parts += [self.present_label, self.present_boxes, self.notice_at("present")]
            self.drawn_by(self._draw_present)
        parts.append(self.notice)
        self.drawn_by(self._draw_heading)
        self.live.start()
        return vbox(parts)

    def _draw_present(self, s: SessionState) -> None:
        shown = s.session_id is not None
        self.present_label.value = (
            f"<p><b>Who is here</b> <span class='kit-muted'>· {len(s.present)} of "
            f"{len(s.circle.members) if s.circle else 0} members ticked</span></p>"
            if shown
            else ""
        )
        names = list(s.people) if shown else []
        if [b.description for b in self.present_boxes.children] != names:
            boxes = []
            for name in names:
                box = widgets.Checkbox(description=name, indent=False)
                box.layout.width = "auto"
                box.observe(lambda _: self.mark_present(), "value")
                boxes.append(box)
            self.present_boxes.children = boxes
        here = {n.casefold() for n in s.present}
        for box in self.present_boxes.children:
            if box.value != (box.description.casefold() in here):
                box.value = box.description.casefold() in here

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
                f"opened in session {a.opened}{_overdue(a)}</li>"
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
        # On phones nobody is named beside an unhappy story unless the circle chose names.
        named = not self.contributor or self.circle.name_tellers
        self.drawn_by(
            lambda s: setattr(self.story_list, "value", stories_html(list(s.stories), named))
        )
        correcting = self._correction_group()
        if self.contributor:
            return vbox(
                [
                    self.s_kind,
                    self.s_text,
                    self.s_add,
                    self.notice_at("stories"),
                    self.story_list,
                    correcting,
                ]
            )
        self.s_teller = control(
            widgets.Combobox,
            placeholder="Who brought it (a member, or type a name)",
            description="Told by",
            ensure_option=False,
        )
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
        self.drawn_by(lambda s: setattr(self.s_teller, "options", s.people))
        return vbox(
            [
                hbox([self.s_kind, self.s_teller]),
                self.s_text,
                hbox([self.s_act, self.s_where]),
                self.s_prevention,
                self.s_add,
                self.notice_at("stories"),
                self.story_list,
                correcting,
            ]
        )

    def _correction_group(self) -> widgets.Widget:
        """Correct or delete a story (the facilitator: any, with its cause; a phone: its own)."""
        self.k_pick = control(
            widgets.Dropdown, description="Correct story", layout=widgets.Layout()
        )
        self.k_text = control(widgets.Textarea, layout=widgets.Layout(width="98%", height="60px"))
        self.k_save = control(
            widgets.Button, description="Save correction", layout=widgets.Layout()
        )
        self.k_save.on_click(lambda _: self.correct_story())
        self.k_delete = control(
            widgets.Button,
            description="Delete",
            layout=widgets.Layout(),
        )
        self.k_delete.on_click(lambda _: self.delete_story())
        self.k_undo = control(
            widgets.Button,
            description="Undo my last change" if self.contributor else "Undo last correction",
            layout=widgets.Layout(),
        )
        self.k_undo.on_click(lambda _: self.undo("correct", ("story", "idea", "action")))
        self.k_pick.observe(lambda _: self._fill_correction(), "value")
        self.k_title = html()
        parts: list[widgets.Widget] = [self.k_title, self.k_pick, self.k_text]
        if not self.contributor:
            self.k_act = control(
                widgets.Dropdown,
                options=[("(cause not known yet)", ""), *[(a, a) for a in ACTS]],
                description="Its cause",
            )
            self.k_where = control(
                widgets.Dropdown,
                options=[("(where not known yet)", ""), *[(w, w) for w in WHERE]],
                description="Happened at",
            )
            self.k_prevention = control(
                widgets.Text,
                placeholder="What would have prevented this one",
                description="Prevented by",
            )
            self.k_owner = control(
                widgets.Combobox, placeholder="Who owns it now", description="Owner is"
            )
            self.k_due = control(widgets.DatePicker, description="Due by")
            parts += [
                hbox([self.k_act, self.k_where]),
                self.k_prevention,
                hbox([self.k_owner, self.k_due]),
            ]
        parts += [hbox([self.k_save, self.k_delete, self.k_undo]), self.notice_at("correct")]
        self.drawn_by(self._draw_correction)
        box = vbox(parts)
        box.add_class("kit-correct")
        return box

    def _draw_correction(self, s: SessionState) -> None:
        if self.contributor:
            mine = [
                (f"Story: {t.text}", ("story", t.id))
                for t in s.stories
                if self.controller.mine("story", t.id)
            ] + [
                (f"Idea: {i.text}", ("idea", i.id))
                for i in s.ideas
                if self.controller.mine("idea", i.id)
            ]
            self.k_title.value = "<h4>Correct what you sent</h4>" if mine else ""
            _set_options(self.k_pick, mine)
            self.k_pick.layout.display = self.k_text.layout.display = None if mine else "none"
            for b in (self.k_save, self.k_delete, self.k_undo):
                b.layout.display = None if mine else "none"
        else:
            # Unhappy stories still without a cause come first: each needs classifying.
            waiting = [t for t in s.stories if t.kind == "unhappy" and not t.act]
            rest = [t for t in s.stories if t not in waiting]
            self.k_title.value = "<h4>Classify and correct stories, ideas and actions</h4>" + (
                f"<p class='kit-muted'>{len(waiting)} unhappy "
                f"stor{'y has' if len(waiting) == 1 else 'ies have'} no cause yet.</p>"
                if waiting
                else ""
            )
            _set_options(
                self.k_pick,
                [(f"needs a cause · {t.text}", ("story", t.id)) for t in waiting]
                + [(f"{t.kind} · {t.text}", ("story", t.id)) for t in rest]
                + [(f"idea · {i.text}", ("idea", i.id)) for i in s.ideas]
                + [(f"action · {a.text}", ("action", a.id)) for a in s.actions],
            )
        # The boxes are filled when another thing is picked (the dropdown's observer), not
        # on every redraw: a refused save keeps what was typed in them.

    def _picked_story(self) -> tuple[str, int | None]:
        picked = self.k_pick.value
        return picked if picked else ("story", None)

    def _fill_correction(self) -> None:
        thing, thing_id = self._picked_story()
        if not self.contributor:
            # A cause belongs to a story: for an idea or an action only the words change.
            for box in (self.k_act, self.k_where, self.k_prevention):
                box.disabled = thing != "story"
            for box in (self.k_owner, self.k_due):
                box.disabled = thing != "action"
            self.k_owner.options = self.state.people
        if thing == "idea":
            idea = next((i for i in self.state.ideas if i.id == thing_id), None)
            self.k_text.value = idea.text if idea else ""
            return
        if thing == "action":
            action = next((a for a in self.state.actions if a.id == thing_id), None)
            self.k_text.value = action.text if action else ""
            self.k_owner.value = action.owner if action else ""
            self.k_due.value = date.fromisoformat(action.due) if action else None
            return
        story = next((t for t in self.state.stories if t.id == thing_id), None)
        self.k_text.value = story.text if story else ""
        if not self.contributor:
            self.k_act.value = story.act if story else ""
            self.k_where.value = story.where if story else ""
            self.k_prevention.value = story.prevention if story else ""

    def lists(self) -> widgets.Widget | HTML:
        """The circle's running Do-Not-Annoy list and delight factors, carried from session to session."""
        if self.circle is None or self.report:
            return empty(self.report)
        self.factor_list = html()
        self.drawn_by(
            lambda s: setattr(self.factor_list, "value", entries_html(s.entries, s.number))
        )
        if self.contributor:
            # The lists are drawn up together, on the facilitator's screen.
            return self.factor_list
        self.f_kind = control(widgets.Dropdown, options=FACTOR_KINDS, description="List")
        self.f_entry = control(widgets.Dropdown, options=[_NEW_ENTRY], description="Entry")
        self.f_text = control(
            widgets.Text,
            placeholder="e.g. Never ask a customer twice for the address",
            description="New entry",
        )
        self.f_story = control(widgets.Dropdown, options=[_NO_STORY], description="From story")
        self.f_add = control(widgets.Button, description="Add to the list", button_style="primary")
        self.f_add.on_click(lambda _: self.add_factor())
        self.f_kind.observe(lambda _: self._list_options(self.state), "value")
        self.f_entry.observe(lambda _: self._list_options(self.state), "value")
        self.drawn_by(self._list_options)
        return vbox(
            [
                self.factor_list,
                html("<h4>Raise an entry</h4>"),
                hbox([self.f_kind, self.f_story]),
                self.f_entry,
                hbox([self.f_text, self.f_add]),
                self.notice_at("lists"),
                self._entry_corrections(),
                self._merging(),
            ]
        )

    def _list_options(self, s: SessionState) -> None:
        # Do-Not-Annoy entries come from unhappy stories, delight factors from happy ones.
        kind = "unhappy" if self.f_kind.value == "do not annoy" else "happy"
        _set_options(
            self.f_story,
            [_NO_STORY] + [(t.text, t.id) for t in s.stories if t.kind == kind],
        )
        _set_options(
            self.f_entry,
            [_NEW_ENTRY] + [(e.text, e.id) for e in s.entries if e.kind == self.f_kind.value],
        )
        # Raising an entry again needs no new words: the box is for a new entry only.
        self.f_text.disabled = self.f_entry.value is not None

    def _entry_corrections(self) -> widgets.Widget:
        self.e_pick = control(widgets.Dropdown, description="Correct entry")
        self.e_text = control(widgets.Text, description="Words")
        self.e_status = control(widgets.Dropdown, options=ENTRY_STATUSES, description="Status")
        self.e_save = control(widgets.Button, description="Save entry")
        self.e_save.on_click(lambda _: self.correct_entry())
        self.e_delete = control(widgets.Button, description="Delete entry")
        self.e_delete.on_click(lambda _: self.delete_entry())
        self.e_undo = control(widgets.Button, description="Undo last entry change")
        self.e_undo.on_click(lambda _: self.undo("entries", ("entry",), ("edit", "delete")))
        self.e_pick.observe(lambda _: self._fill_entry(), "value")
        self.drawn_by(self._draw_entry_choices)
        return vbox(
            [
                html("<h4>Correct an entry or set its status</h4>"),
                self.e_pick,
                hbox([self.e_text, self.e_status]),
                hbox([self.e_save, self.e_delete, self.e_undo]),
                self.notice_at("entries"),
            ]
        )

    def _draw_entry_choices(self, s: SessionState) -> None:
        # Filled when another entry is picked, not on every redraw (a refused save keeps them).
        _set_options(self.e_pick, [(f"{e.kind} · {e.text}", e.id) for e in s.entries])

    def _fill_entry(self) -> None:
        entry = next((e for e in self.state.entries if e.id == self.e_pick.value), None)
        self.e_text.value = entry.text if entry else ""
        self.e_status.value = entry.status if entry else ENTRY_STATUSES[0]

    def _merging(self) -> widgets.Widget:
        self.m_hint = html()
        self.m_suggest = control(widgets.Dropdown, description="Suggested", layout=widgets.Layout())
        self.m_merge_suggested = control(
            widgets.Button, description="Merge these two", layout=widgets.Layout()
        )
        self.m_merge_suggested.on_click(lambda _: self.merge_suggested())
        self.m_from = control(widgets.Dropdown, description="Merge")
        self.m_into = control(widgets.Dropdown, description="into")
        self.m_merge = control(widgets.Button, description="Merge")
        self.m_merge.on_click(lambda _: self.merge_chosen())
        self.m_undo = control(widgets.Button, description="Undo last merge")
        self.m_undo.on_click(lambda _: self.undo("merge", ("entry",), ("merge",)))
        self.drawn_by(self._draw_merging)
        return vbox(
            [
                html("<h4>Merge entries that say the same</h4>"),
                self.m_hint,
                hbox([self.m_suggest, self.m_merge_suggested]),
                hbox([self.m_from, self.m_into, self.m_merge]),
                self.m_undo,
                self.notice_at("merge"),
            ]
        )

    def _draw_merging(self, s: SessionState) -> None:
        found = s.suggestions()
        self.m_hint.value = (
            f"<p class='kit-muted'>{len(found)} pair{'' if len(found) == 1 else 's'} may say the "
            "same thing; nothing merges until you press Merge.</p>"
            if found
            else "<p class='kit-muted'>No entries look alike.</p>"
        )
        _set_options(
            self.m_suggest,
            [(f"“{x.merge.text}” into “{x.keep.text}”", (x.merge.id, x.keep.id)) for x in found],
        )
        self.m_suggest.layout.display = self.m_merge_suggested.layout.display = (
            None if found else "none"
        )
        choices = [(f"{e.kind} · {e.text}", e.id) for e in s.entries]
        _set_options(self.m_from, choices)
        _set_options(self.m_into, choices)

    def ideas_section(self) -> widgets.Widget | HTML:
        """Ideas, dot-votes, and chosen ideas turned into owned actions."""
        if self.circle is None or self.report:
            return empty(self.report)
        self.i_text = control(
            widgets.Text, placeholder="An idea the team could carry out", description="Idea"
        )
        self.i_add = control(widgets.Button, description="Add idea", button_style="primary")
        self.i_add.on_click(lambda _: self.add_idea())
        self.idea_list = html()
        if self.contributor:
            self.drawn_by(self._draw_ideas)
            self.my_left = html()
            self.vote_rows = vbox()
            self.vote_rows.add_class("kit-vote-rows")
            self._rows_for: tuple[int, ...] = ()
            self.drawn_by(self._draw_vote_rows)
            return vbox(
                [
                    self.i_text,
                    self.i_add,
                    self.notice_at("ideas"),
                    html("<h4>Your dot votes</h4>"),
                    self.my_left,
                    self.vote_rows,
                    self.notice_at("votes"),
                    self.idea_list,
                ]
            )
        self.v_idea = control(widgets.Dropdown, description="Vote for")
        self.v_vote = control(widgets.Button, description="Vote")
        self.v_vote.on_click(lambda _: self.vote())
        self.v_back = control(widgets.Button, description="Take back")
        self.v_back.on_click(lambda _: self.take_back())
        self.v_reveal = control(widgets.Button, button_style="primary")
        self.v_reveal.on_click(lambda _: self.reveal())
        self.drawn_by(self._draw_ideas)
        self.c_entry = control(widgets.Dropdown, options=[_NO_ENTRY], description="Addresses")
        self.v_each = control(
            widgets.BoundedIntText,
            value=self.state.votes_each,
            min=1,
            max=20,
            description="Votes each",
        )
        # Setting the box from the state (a redraw) is no change: the controller ignores it.
        self.v_each.observe(lambda c: self.set_votes_each(c["new"]), "value")
        self.v_voter = control(
            widgets.Combobox,
            placeholder="A member without a phone",
            description="Voter",
            ensure_option=False,
        )
        self.c_idea = control(widgets.Dropdown, description="Choose")
        self.c_owner = control(
            widgets.Combobox, placeholder="One owner, from the members", description="Owner"
        )
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
                self.v_reveal,
                html(
                    "<p class='kit-muted'>Everyone votes on their own phone; for a member "
                    "without one, vote here in their name.</p>"
                ),
                hbox([self.v_voter, self.v_idea]),
                hbox([self.v_vote, self.v_back]),
                self.notice_at("votes"),
                hbox([self.c_idea, self.c_owner]),
                hbox([self.c_entry, self.c_due]),
                self.c_make,
                self.notice_at("actions"),
            ]
        )

    def _draw_ideas(self, s: SessionState) -> None:
        self.idea_list.value = _ideas_html(s)
        if not self.contributor:
            # The list keeps the order ideas came in: a vote never moves the one chosen.
            _set_options(self.v_idea, [(i.text, i.id) for i in s.ideas])

    def _draw_vote_rows(self, s: SessionState) -> None:
        ids = tuple(i.id for i in s.ideas)
        if ids != self._rows_for:
            self._rows_for = ids
            self.vote_rows.children = [self._vote_row(i) for i in s.ideas]
        left = s.votes_each - sum(self.controller.my_votes(i) for i in s.ideas)
        self.my_left.value = (
            f"<p class='kit-muted'>You have {left} of {s.votes_each} votes left. "
            + (
                "The votes are shown now.</p>"
                if s.revealed
                else "Nobody sees the counts until the facilitator reveals them.</p>"
            )
            if s.ideas
            else "<p class='kit-muted'>No ideas to vote for yet.</p>"
        )
        for row, idea in zip(self.vote_rows.children, s.ideas, strict=True):
            label, plus, minus = row.children
            mine = self.controller.my_votes(idea)
            label.value = (
                f"<span class='kit-idea-text'>{escape(idea.text)}</span> "
                f"<span class='kit-muted'>· your votes: {mine}</span>"
            )
            plus.disabled = left <= 0
            minus.disabled = mine == 0

    def _vote_row(self, idea: Idea) -> widgets.Widget:
        plus = control(widgets.Button, description="+1 vote", button_style="primary")
        plus.on_click(lambda _, n=idea.id: self.vote_for(n))
        minus = control(widgets.Button, description="Take back")
        minus.on_click(lambda _, n=idea.id: self.unvote_for(n))
        for b in (plus, minus):
            b.tooltip = idea.text  # the button's name says which idea it votes for
        row = vbox([html(), plus, minus])
        row.add_class("kit-vote-row")
        return row

    def _draw_choices(self, s: SessionState) -> None:
        if self.v_each.value != s.votes_each:
            self.v_each.value = s.votes_each
        self.v_reveal.description = "Hide the votes" if s.revealed else "Reveal the votes"
        self.v_voter.options = s.people
        self.c_owner.options = s.people
        # An idea becomes one action; the ones already chosen leave this list.
        order = bl.ranked(s.ideas) if s.revealed else list(s.ideas)
        _set_options(self.c_idea, [(i.text, i.id) for i in order if not i.chosen])
        _set_options(self.c_entry, [_NO_ENTRY] + [(e.text, e.id) for e in s.entries])

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
        self.history = html()
        self.drawn_by(self._draw_backlog)
        return vbox([self.action_table, self.chart, self.history])

    def _draw_backlog(self, s: SessionState) -> None:
        self.action_table.value = actions_html(list(s.actions))
        self.history.value = _history_html(s)
        figures = _figures(s)
        if figures and s.actions:
            from kit.charts import to_png
            from kit.circles.charts import backlog

            self.chart.value = to_png(backlog(figures))
            self.chart.layout.display = None
        else:
            self.chart.layout.display = "none"

    def programme_section(self) -> widgets.Widget | HTML:
        """The circle over all its sessions: attendance, causes, the lists' trend, the backlog."""
        if self.circle is None or self.contributor:
            return empty(self.report)
        if self.report:
            return HTML(self._programme(self.state)[1])
        self.programme_view = html()
        self.programme_view.add_class("kit-programme-view")
        self.drawn_by(lambda s: setattr(self.programme_view, "value", self._programme(s)[1]))
        return self.programme_view

    def _programme(self, s: SessionState) -> tuple[Programme | None, str, str]:
        """The programme, its view and its charts, made once per change of the session.

        The view and the management summary both show it; the charts are
        most of the cost, so one redraw draws them once.
        """
        key = s.fingerprint()
        if self._programme_made is None or self._programme_made[0] != key:
            figures = self.controller.programme()
            charts = _programme_charts(figures)
            shown = (
                programme_html(figures) + charts
                if figures is not None
                else "<p class='kit-muted'>The programme could not be read.</p>"
            )
            self._programme_made = (key, (figures, shown, charts))
        return self._programme_made[1]

    def downloads(self) -> widgets.Widget | HTML:
        """The session summary, the actions as CSV and as calendar entries."""
        if self.report or self.circle is None or self.contributor:
            return empty(self.report)
        self.files = html()
        self.drawn_by(
            lambda s: setattr(self.files, "value", _files_html(s, *self._programme(s)[::2]))
        )
        return self.files


# -- drawing from the state (no widgets) ---------------------------------------------------


def _figures(s: SessionState) -> list[bl.SessionFigures]:
    return bl.backlog_figures(list(s.actions), [(n, d) for _, n, d, _ in s.sessions])


def _overdue(action) -> str:
    late = bl.overdue_days(action, date.today())
    return (
        f" · <span class='kit-overdue'>overdue {late} day{'' if late == 1 else 's'}</span>"
        if late
        else ""
    )


def _ideas_html(s: SessionState) -> str:
    """The session's ideas: counts and ranking only once the facilitator reveals the votes."""
    if not s.ideas:
        return "<p class='kit-muted'>No ideas yet.</p>"
    if not s.revealed:
        items = "".join(
            f"<li>{escape(i.text)}" + (" · <i>now an action</i>" if i.chosen else "") + "</li>"
            for i in s.ideas
        )
        return (
            f"<p class='kit-hidden-votes'>{s.votes_cast} vote{'' if s.votes_cast == 1 else 's'} "
            "cast so far; the counts stay hidden until the facilitator reveals them.</p>"
            f"<ul class='kit-ideas'>{items}</ul>"
        )
    return (
        "<ol class='kit-ideas'>"
        + "".join(
            f"<li>{escape(i.text)} · <b>{i.total}</b> vote{'' if i.total == 1 else 's'}"
            + (" · <i>now an action</i>" if i.chosen else "")
            + "</li>"
            for i in bl.ranked(s.ideas)
        )
        + "</ol>"
    )


def _history_html(s: SessionState) -> str:
    """The kept changes, newest first (the last ten), so corrections stay visible."""
    if not s.changes:
        return ""
    items = "".join(
        f"<li>session {c.session} · {escape(c.described)} by {escape(c.who)}"
        f"{' · undone' if c.undone else ''}</li>"
        for c in reversed(s.changes[-10:])
    )
    return f"<h4>Changes kept</h4><ul class='kit-history'>{items}</ul>"


def _session_html(s: SessionState) -> str:
    if s.session_id is None:
        return "<p>No session has been held yet.</p>" + actions_html(list(s.actions))
    assert s.circle is not None
    ideas = bl.ranked(s.ideas) if s.revealed else list(s.ideas)
    return session_html(
        s.number,
        s.held_on,
        list(s.stories),
        list(s.entries),
        ideas,
        list(s.actions),
        named=s.circle.name_tellers,
    )


def _chart_html(s: SessionState) -> str:
    figures = _figures(s)
    if not (figures and s.actions):
        return ""
    from kit.charts import to_png
    from kit.circles.charts import backlog
    from kit.style import png_img

    return png_img(to_png(backlog(figures)), "Actions done, dropped and open after each session")


def _programme_charts(p: Programme | None) -> str:
    if p is None or not p.sessions:
        return ""
    from kit.charts import to_png
    from kit.circles.charts import cause_mix, lists_trend
    from kit.style import png_img

    return png_img(to_png(cause_mix(p)), "Unhappy stories per session, stacked by cause") + png_img(
        to_png(lists_trend(p)), "Times the running lists were raised, per session"
    )


def _files_html(s: SessionState, p: Programme | None = None, charts: str = "") -> str:
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
            entries_csv(list(s.entries)),
            f"circle-lists-{stamp}.csv",
            "text/csv",
            "Running lists (CSV)",
        ),
        download_link(
            due_dates(s.circle.code, open_items),
            "circle-actions.ics",
            "text/calendar",
            "Open actions' due dates (.ics)",
        ),
    ]
    if p is not None and p.sessions:
        links += [
            download_link(
                management_summary(p, STYLE, charts),
                f"circle-programme-summary-{stamp}.html",
                "text/html",
                "Programme summary for management (HTML, prints on one page)",
            ),
            download_link(
                programme_csv(p), f"circle-programme-{stamp}.csv", "text/csv", "Programme (CSV)"
            ),
        ]
    return "<p>" + " · ".join(links) + "</p>"


def _set_options(box: widgets.Dropdown, options: Sequence[tuple[str, object]]) -> None:
    """Replace a dropdown's choices, keeping the chosen one, else choosing the first.

    A dropdown whose value is None looks chosen in the browser but is not, so
    a press of its button would be refused for no visible reason (where None
    is a choice, such as "a new entry", it is listed first). Unchanged choices are left
    alone, so a redraw every few seconds never resets what is being chosen.
    """
    options = list(options)
    if list(box.options) == options:
        return
    current = box.value
    values = [v for _, v in options]
    box.options = options
    box.value = current if current in values else (values[0] if values else None)
