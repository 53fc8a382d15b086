"""The coach dashboard (``coach_dashboard.ipynb?key=COACHKEY``): a team session, live.

The page opens only with the session's coach key. It shows who has joined
and the team's anonymous figures, redrawn by itself while it is open; lets
the coach reveal the results to participants, start a new pulse round, open
a circle to the team, upload files from Binder and download the team report.
"""

from __future__ import annotations

from datetime import date
from html import escape
from urllib.parse import quote

import ipywidgets as widgets
from IPython.display import HTML

from kit.content import ContentError
from kit.database import PageStore, open_store
from kit.instruments.content import instruments
from kit.model import MIN_GROUP_DEFAULT, MIN_GROUP_FLOOR, PULSE, TeamSession
from kit.store import records
from kit.store.attempts import WRONG_CODES
from kit.store.errors import StoreError
from kit.store.sessions import ACTION_CATEGORIES
from kit.style import STYLE
from kit.team.controllers import DashboardController, DashboardState
from kit.team.picture import TeamPicture
from kit.team.views import batch_label, coach_html, person_html
from kit.ui.components import (
    Notice,
    control,
    download_link,
    empty,
    hbox,
    html,
    label_style,
    page_top,
    sized_layout,
    vbox,
)
from kit.ui.components import messages as show_messages
from kit.ui.context import client_address, ephemeral, join_link, page_url, query_params
from kit.ui.live import Every, shown_in
from kit.ui.page import Page, Problems

NO_KEY = (
    "This is the coach dashboard of a team session. Open it with your coach link (it ends in "
    "?key=…); the command kit session list on the server prints it. To start a new session, fill in "
    "the form below."
)
# On Binder each person's copy of the kit is their own: nobody else can reach it.
BINDER_SESSIONS = (
    "<div class='kit-note' role='status'><b>Team sessions need a shared server.</b> This copy "
    "runs on Binder for you alone: nobody else can open it, so a team session here would "
    "have a team of one. For a workshop on Binder, ask each person to use <b>Download my "
    "answers</b>; then, on a computer the team can reach, start <code>kit serve --host "
    "0.0.0.0</code>, create the session there and upload all the files on its dashboard.</div>"
)
TOO_MANY_KEYS = (
    "Too many wrong coach keys came from this network address in the last minute, so this one was not "
    "tried. Wait a minute, then open your coach link again."
)
WRONG_KEY = (
    "That coach key does not open any team session on this server, so no results are shown. "
    "Check that the whole link was copied; the command kit session list on the server prints "
    "the right one."
)


# Targets offered for the share of Customer Value Creators (the method asks: 100%? 50%? 10%?).
TARGETS = (10, 20, 25, 33, 50, 75, 100)


class CoachDashboard(Page):
    """A coach's view of one team session: sections drawn from a :class:`DashboardController`.

    Use :meth:`open`, which never raises.
    """

    def __init__(
        self,
        store: PageStore | None,
        session: TeamSession | None,
        report: bool = False,
        problems: Problems = (),
    ):
        super().__init__(store, report, problems)
        catalogue = {}
        try:
            catalogue = instruments()
        except ContentError as err:
            self.problems.append(("error", f"The questionnaires cannot be read: {err}."))
        self.controller = DashboardController(store, session, catalogue)
        self.live = Every(self.refresh, shown=shown_in(self.notice))
        self._read_problem = ""  # the message shown while the store could not be read

    @property
    def state(self) -> DashboardState:
        """What the page shows (the controller's frozen state)."""
        return self.controller.state

    @property
    def session(self) -> TeamSession | None:
        """The team session, as last read from the store (None without a good coach key)."""
        return self.state.session

    @property
    def picture(self) -> TeamPicture | None:
        """The team's anonymous figures, as last drawn."""
        return self.state.picture

    @classmethod
    def open(cls, key: str = "", store: str = "", report: bool = False) -> CoachDashboard:
        """Open the dashboard for the session whose coach key the link (or ``key``) carries."""
        if not report:
            key = query_params().get("key", key)
        try:
            the_store = open_store(store or None)
        except StoreError as err:
            return cls(None, None, report, (("error", f"The store cannot be opened: {err}."),))
        if not key:
            return cls(the_store, None, report, (("note", NO_KEY),))
        client = "" if report else client_address()
        try:
            if the_store.too_many(client, WRONG_CODES):
                return cls(the_store, None, report, (("error", TOO_MANY_KEYS),))
            session = the_store.session_for_key(key)
            if session is None:
                the_store.note_attempt(client, WRONG_CODES)
        except StoreError as err:
            return cls(the_store, None, report, (("error", f"Sessions cannot be read: {err}."),))
        if session is None:
            return cls(the_store, None, report, (("error", WRONG_KEY),))
        return cls(the_store, session, report)

    # -- header -------------------------------------------------------------------

    def header(self) -> widgets.Widget | HTML:
        """Messages, the session's name, its join code and link; or the form for a new session."""
        messages = show_messages(self.problems)
        if self.report:
            head = ""
            if self.session is not None:
                head = (
                    f"<h2>{escape(self.session.title)}</h2><p class='kit-muted'>Team report "
                    f"made on {date.today():%d %B %Y}. Session {escape(self.session.code)}, "
                    f"{'anonymous' if self.session.anonymous else 'named'}; figures show once "
                    f"{self.session.min_group} people have answered.</p>"
                )
            return HTML(STYLE + messages + head)
        parts = page_top(messages)
        if self.session is None:
            if self.store is not None and ephemeral():
                parts.append(html(BINDER_SESSIONS))
            elif self.store is not None:
                parts.append(self._new_session_form())
            return vbox(parts)
        parts += [html(self._session_head()), self.notice]
        return vbox(parts)

    def _session_head(self) -> str:
        assert self.session is not None
        s = self.session
        link = join_link(s, page_url())
        local = "localhost" in link or "127.0.0.1" in link
        hint = (
            "<p class='kit-warn'>This link names <b>localhost</b>, which only this computer can "
            "open. For a room, start the server with <code>kit serve --host 0.0.0.0</code> and "
            "use the address it prints.</p>"
            if local
            else ""
        )
        kind = (
            "Anonymous: nobody, you included, sees one person's answers."
            if s.anonymous
            else "Named: people give their name, and you can open each person's results."
        )
        closed = "<p class='kit-warn'>This session is closed: nobody new can join.</p>"
        return (
            f"<h2 data-testid='session-title'>{escape(s.title)}</h2>"
            "<p>People join by opening the link, or by typing the code on the start page:</p>"
            f"<div class='kit-join-code' data-testid='join-code'>{escape(s.code)}</div>"
            f"<p><a class='kit-join-link' href='{escape(link)}' target='_blank'>{escape(link)}</a>"
            f"</p>{hint}"
            f"<p class='kit-muted'>{kind} Team figures show once {s.min_group} people have "
            "finished, and then move in steps of that many; below that they are hidden to "
            "protect anonymity.</p>"
            "<p class='kit-muted'>Showing this page on a projector? Go full screen (F11) first: "
            "the address bar holds your coach key.</p>" + (closed if s.closed else "")
        )

    def _new_session_form(self) -> widgets.Widget:
        self.new_title = control(
            widgets.Text, description="Name", placeholder="e.g. Service desk, March"
        )
        self.new_kind = control(
            widgets.Dropdown,
            options=[
                ("Anonymous (no names kept)", True),
                ("Named (people give their name)", False),
            ],
            value=True,
            description="Kind",
        )
        self.new_min_group = control(
            widgets.BoundedIntText,
            value=MIN_GROUP_DEFAULT,
            min=MIN_GROUP_FLOOR,
            max=1000,
            description="Min. group",
        )
        create = control(widgets.Button, description="Create session", button_style="primary")
        create.on_click(lambda _: self.create_session())
        self.created_notice = Notice()
        return vbox(
            [
                html(
                    "<h3>Start a team session</h3><p class='kit-muted'>Team figures show once at "
                    f"least the minimum group has answered (at least {MIN_GROUP_FLOOR}; "
                    f"{MIN_GROUP_DEFAULT} is a safe default).</p>"
                ),
                self.new_title,
                self.new_kind,
                self.new_min_group,
                create,
                self.created_notice,
            ]
        )

    def create_session(self) -> bool:
        """Create the session the form describes, and link to its dashboard."""
        done = self.controller.create_session(
            self.new_title.value,
            anonymous=bool(self.new_kind.value),
            min_group=self.new_min_group.value,
        )
        made = self.state.created
        level, text = self.state.message or ("ok", "")
        if done and made is not None:
            dash = f"coach_dashboard.ipynb?key={quote(made.coach_key)}"
            self.created_notice.show(
                level,
                text + " ",
                f"<a href='{escape(dash)}' data-testid='coach-link'>Open the dashboard →</a>",
            )
        else:
            self.created_notice.show(level, text)
        return done

    # -- the team's picture ---------------------------------------------------------

    def results(self) -> widgets.Widget | HTML:
        """The team's figures; in the app they redraw by themselves every few seconds."""
        if self.session is None or self.store is None:
            return empty(self.report)
        self.controller.refresh()
        if self.report:
            problem = self.state.read_problem
            return HTML(show_messages((("error", problem),)) if problem else self._picture_of())
        self.picture_view = html()
        self.drawn_by(self._draw_picture)
        self.live.start()
        return self.picture_view

    def _picture_of(self) -> str:
        if self.picture is None:
            return ""
        return (
            "<div class='kit-team' data-testid='team-picture'>"
            + coach_html(self.picture)
            + "</div>"
        )

    def _draw_picture(self, state: DashboardState) -> None:
        self.picture_view.value = self._picture_of()
        if state.read_problem:
            self.notice.show("error", state.read_problem)
            self._read_problem = self.notice.value
        elif self._read_problem:
            if self.notice.value == self._read_problem:
                self.notice.clear()  # reading works again: the message would mislead
            self._read_problem = ""

    def refresh(self) -> bool:
        """Read the store again and redraw what changed; True when something did."""
        changed = self.controller.refresh()
        if changed:
            self.redraw()
        return changed

    # -- what the coach decides -------------------------------------------------------

    def controls(self) -> widgets.Widget | HTML:
        """Reveal to participants, the minimum group, pulse rounds, and closing the session."""
        if self.session is None or self.report:
            return empty(self.report)
        self.reveal_button = control(widgets.Button, button_style="primary")
        self.reveal_button.on_click(
            lambda _: self.set_revealed(not (self.session and self.session.revealed))
        )
        new_round = control(widgets.Button, description="Start a new pulse round")
        new_round.on_click(lambda _: self.next_round())
        self.min_group_box = control(
            widgets.BoundedIntText,
            value=self.session.min_group,
            min=MIN_GROUP_FLOOR,
            max=1000,
            description="Min. group",
        )
        self.min_group_box.observe(
            lambda c: None if self.drawing else self.set_min_group(c["new"]), "value"
        )
        self.close_button = control(widgets.Button)
        self.close_button.on_click(
            lambda _: self.set_closed(not (self.session and self.session.closed))
        )
        self.controls_status = html()
        self.circle_code = control(
            widgets.Text,
            description="Resume code",
            placeholder="the code you planned the circle with",
        )
        circle_open = control(widgets.Button, description="Open my circle to the team")
        circle_open.on_click(lambda _: self.open_circle(self.circle_code.value))
        circle_shut = control(widgets.Button, description="Close it to the team")
        circle_shut.on_click(lambda _: self.open_circle(""))
        self.circle_status = html()
        self.drawn_by(self._draw_controls)
        return vbox(
            [
                html("<h3>What participants see</h3>"),
                hbox([self.reveal_button, new_round, self.close_button]),
                self.min_group_box,
                self.notice_at("controls"),
                self.controls_status,
                html(
                    "<h3>A circle with the team's own devices</h3><p class='kit-muted'>Open the "
                    "circle you run in workbook 5 to this session: people who joined then add "
                    "their stories and ideas and vote from their own phones, and your circle page "
                    "shows them as they come.</p>"
                ),
                hbox([self.circle_code, circle_open, circle_shut]),
                self.notice_at("circle"),
                self.circle_status,
            ]
        )

    def _draw_controls(self, state: DashboardState) -> None:
        s = state.session
        assert s is not None
        self.reveal_button.description = (
            "Hide team results" if s.revealed else "Reveal team results"
        )
        self.close_button.description = "Reopen the session" if s.closed else "Close the session"
        with self.quietly():  # showing the stored value is not the coach choosing it again
            self.min_group_box.value = s.min_group
        shown = (
            "Participants' pages show the team's results (aggregates only)."
            if s.revealed
            else "Participants see only their own results until you reveal the team's."
        )
        self.controls_status.value = (
            f"<p class='kit-muted' data-testid='reveal-state'>{shown} The pulse is in round "
            f"{s.pulse_round}.</p>"
        )
        self.circle_status.value = (
            f"<p data-testid='circle-state'>Open to the team: <b>{escape(state.circle_title)}</b>. "
            "People reach it from their start-page links or the banner on their pages "
            "(5. Circle session).</p>"
            if state.circle_title
            else "<p class='kit-muted' data-testid='circle-state'>No circle is open to the "
            "team.</p>"
        )

    def set_revealed(self, revealed: bool) -> bool:
        """Let participants' pages show the team's results (or hide them again)."""
        return self.acted(self.controller.set_revealed(revealed), notice=self.notice_at("controls"))

    def set_min_group(self, value: int) -> bool:
        """Change the minimum group size (never below 3)."""
        return self.acted(self.controller.set_min_group(value), notice=self.notice_at("controls"))

    def set_closed(self, closed: bool) -> bool:
        """Close the session to newcomers (or reopen it)."""
        return self.acted(self.controller.set_closed(closed), notice=self.notice_at("controls"))

    def next_round(self) -> bool:
        """Start the openness pulse's next round: people answer it afresh."""
        return self.acted(self.controller.next_round(), notice=self.notice_at("controls"))

    def open_circle(self, resume: str) -> bool:
        """Open the circle planned under ``resume`` to the team ('' closes it again)."""
        return self.acted(self.controller.open_circle(resume), notice=self.notice_at("circle"))

    # -- conversion: target, rounds of workbook 2, coaching actions, guardrails ----------

    def conversion(self) -> widgets.Widget | HTML:
        """The target share of Value Creators, the next round of workbook 2, actions and guardrails."""
        if self.session is None or self.report:
            return empty(self.report)
        # Shared layouts and styles: every model is one more for the page to load
        # before its first widget shows, and this section has a dozen controls.
        auto, wide = sized_layout("auto"), sized_layout("30em")
        self.target_box = control(
            widgets.Dropdown,
            description="Target",
            options=[("no target", 0)] + [(f"{p}% Value Creators", p) for p in TARGETS],
            layout=auto,
            style=label_style(widgets.Dropdown, "initial"),
        )
        self.target_box.observe(
            lambda c: None if self.drawing else self.set_target(c["new"]), "value"
        )
        self.focus_round_button = control(widgets.Button, layout=auto)
        self.focus_round_button.on_click(lambda _: self.next_focus_round())
        self.action_kind = control(
            widgets.Dropdown, description="What", options=ACTION_CATEGORIES, layout=auto
        )
        self.action_text = control(
            widgets.Text,
            placeholder="e.g. Two-day course on solution selling for the front line",
            layout=wide,
        )
        add_action = control(widgets.Button, description="Keep the action")
        add_action.on_click(
            lambda _: self.add_note("action", self.action_text.value, self.action_kind.value)
        )
        self.guardrail_text = control(
            widgets.Text,
            placeholder="e.g. Tell the process owner before you change how a job is done",
            layout=wide,
        )
        add_rail = control(widgets.Button, description="Keep the guardrail")
        add_rail.on_click(lambda _: self.add_note("guardrail", self.guardrail_text.value))
        self.notes_box = control(widgets.Dropdown, description="Kept", layout=auto)
        remove = control(widgets.Button, description="Remove", button_style="danger")
        remove.on_click(lambda _: self.remove_note(self.notes_box.value))
        restore = control(widgets.Button, description="Undo remove")
        restore.on_click(
            lambda _: self.acted(self.controller.restore_note(), notice=self.notice_at("notes"))
        )
        self.drawn_by(self._draw_conversion)
        return vbox(
            [
                html(
                    "<h3>Customer Value Creators: target and conversion</h3><p class='kit-muted'>"
                    "Set the share you aim for; the figure above shows the team's share with its "
                    "uncertainty. Record what you do to convert people, then start another round "
                    "of workbook 2 to see who moved.</p>"
                ),
                hbox([self.target_box, self.focus_round_button]),
                self.notice_at("conversion"),
                html("<p><b>A coaching action</b> (counted between this round and the next)</p>"),
                hbox([self.action_kind, self.action_text, add_action]),
                html("<p><b>A guardrail</b> the team agreed for its Value Creators</p>"),
                hbox([self.guardrail_text, add_rail]),
                hbox([self.notes_box, remove, restore]),
                self.notice_at("notes"),
            ]
        )

    def _draw_conversion(self, state: DashboardState) -> None:
        s = state.session
        assert s is not None
        notes = state.picture.notes if state.picture else ()
        with self.quietly():
            if self.target_box.value != s.cvc_target:
                known = [v for _, v in self.target_box.options]
                if s.cvc_target not in known:
                    self.target_box.options = [
                        *self.target_box.options,
                        (f"{s.cvc_target}% Value Creators", s.cvc_target),
                    ]
                self.target_box.value = s.cvc_target
            options = [
                (
                    f"{'Action' if n.kind == 'action' else 'Guardrail'}: "
                    f"{n.category + ', ' if n.category else ''}{n.text[:60]}",
                    n.id,
                )
                for n in notes
            ]
            self.notes_box.options = options or [("(none kept yet)", None)]
        self.focus_round_button.description = (
            f"Start round {s.focus_round + 1} of focus and attitude"
        )

    def set_target(self, percent: int) -> bool:
        """Set the target share of Customer Value Creators."""
        return self.acted(self.controller.set_target(percent), notice=self.notice_at("conversion"))

    def next_focus_round(self) -> bool:
        """Start the next round of workbook 2."""
        return self.acted(self.controller.next_focus_round(), notice=self.notice_at("conversion"))

    def add_note(self, kind: str, text: str, category: str = "") -> bool:
        """Keep a coaching action or a guardrail, and clear its box."""

        def clear() -> None:
            if kind == "action":
                self.action_text.value = ""
            else:
                self.guardrail_text.value = ""

        return self.acted(
            self.controller.add_note(kind, text, category), clear, self.notice_at("notes")
        )

    def remove_note(self, note_id: int | None) -> bool:
        """Take a note off the lists (Undo brings it back)."""
        return self.acted(self.controller.remove_note(note_id), notice=self.notice_at("notes"))

    # -- named sessions: one person's results --------------------------------------------

    def people(self) -> widgets.Widget | HTML:
        """In a named session, each person's results; in an anonymous one, nothing to open."""
        if self.session is None or self.store is None or self.report:
            return empty(self.report)
        if self.session.anonymous:
            return html(
                "<p class='kit-muted'>This session is anonymous, so no one's own answers can be "
                "opened here.</p>"
            )
        self.person_choice = control(widgets.Dropdown, description="Person")
        self.person_view = html()
        self.person_choice.observe(
            lambda c: None if self.drawing else self.show_person(c["new"]), "value"
        )
        load = control(widgets.Button, description="Refresh the list")
        load.on_click(lambda _: self.load_people())
        self.controller.load_people()
        self.drawn_by(self._draw_people)
        return vbox(
            [
                html("<h3>One person's results</h3>"),
                hbox([self.person_choice, load]),
                self.notice_at("people"),
                self.person_view,
            ]
        )

    def _draw_people(self, state: DashboardState) -> None:
        options = [("Choose a person…", None)] + [
            (name or f"(no name yet, #{n})", pid)
            for n, (pid, name) in enumerate(state.members, start=1)
        ]
        if list(self.person_choice.options) != options:
            with self.quietly():
                self.person_choice.options = options
                self.person_choice.value = state.person.id if state.person else None
        person = state.person
        self.person_view.value = (
            person_html(person, self.controller.catalogue) if person is not None else ""
        )

    def load_people(self) -> bool:
        """Read the list of people again."""
        return self.acted(self.controller.load_people(), notice=self.notice_at("people"))

    def show_person(self, participant_id: int | None) -> str:
        """Show one person's scores (named sessions only); return the HTML shown."""
        self.acted(self.controller.open_person(participant_id), notice=self.notice_at("people"))
        person = self.state.person
        return person_html(person, self.controller.catalogue) if person is not None else ""

    # -- files ---------------------------------------------------------------------------

    def uploads(self) -> widgets.Widget | HTML:
        """Upload participants' answer files (from Binder) into this session: all or nothing."""
        if self.session is None or self.report:
            return empty(self.report)
        self.upload = widgets.FileUpload(
            accept=".json,.csv", multiple=True, description="Upload files"
        )
        self.upload.observe(lambda _: None if self.drawing else self._upload_chosen(), "value")
        self.upload_notice = Notice()
        self.batch_rows = vbox()
        self._batches_drawn: tuple | None = None
        self.drawn_by(self._draw_batches)
        return vbox(
            [
                html(
                    "<h3>Answer files from participants</h3><p class='kit-muted'>On Binder "
                    "nothing is kept: each person downloads their answers, and you upload all "
                    "the files here at once. Every file is checked first; if one is wrong, "
                    "none is imported. Uploaded people count in the team's figures only once "
                    f"you count them, as a batch of at least {self.session.min_group} (the "
                    "minimum group): nobody can then pad the team with invented answers to "
                    "single one person out.</p>"
                ),
                self.upload,
                self.upload_notice,
                self.batch_rows,
            ]
        )

    def _draw_batches(self, state: DashboardState) -> None:
        if state.batches == self._batches_drawn:
            return  # the buttons stay the ones the coach may be about to press
        self._batches_drawn = state.batches
        rows: list[widgets.Widget] = []
        for batch in state.batches:
            buttons: list[widgets.Widget] = []
            if not batch.confirmed:
                count = control(widgets.Button, description="Count them")
                count.on_click(lambda _, b=batch.id: self.confirm_batch(b))
                buttons.append(count)
            remove = control(widgets.Button, description="Remove them")
            remove.on_click(lambda _, b=batch.id: self.remove_batch(b))
            buttons.append(remove)
            rows.append(hbox([html(batch_label(batch)), *buttons]))
        self.batch_rows.children = rows

    def confirm_batch(self, batch: int) -> bool:
        """Count an upload batch in the team's figures (at least the minimum group)."""
        return self.acted(self.controller.confirm_batch(batch), notice=self.upload_notice)

    def remove_batch(self, batch: int) -> bool:
        """Remove an upload batch, its people and their answers."""
        return self.acted(self.controller.remove_batch(batch), notice=self.upload_notice)

    def _upload_chosen(self) -> bool:
        files = [(f["name"], bytes(f["content"])) for f in self.upload.value]
        if not files:
            return False
        with self.quietly():
            # Forget the bytes, so the same file chosen again uploads again.
            self.upload.value = ()
        return self.upload_files(files)

    def upload_files(self, files: list[tuple[str, bytes]]) -> bool:
        """Import participants' answer files into the session; show what happened."""
        return self.acted(self.controller.upload_files(files), notice=self.upload_notice)

    def downloads(self) -> widgets.Widget | HTML:
        """The team report (HTML) and the session's answers as CSV."""
        if self.session is None or self.report or self.store is None:
            return empty(self.report)
        session, store = self.session, self.store
        button = control(widgets.Button, description="Download team report")
        link = html()
        csv_button = control(widgets.Button, description="Answers as CSV")
        csv_link = html()
        notice = Notice()

        def team_report(_) -> None:
            button.disabled = True
            notice.show("note", "Preparing the team report: this takes a few seconds…")
            try:
                from kit.report import team_report as make

                page = make(session.coach_key, store.location)
            except Exception as err:  # noqa: BLE001 - shown, not raised
                notice.show("error", f"The team report could not be made ({type(err).__name__}).")
                return
            finally:
                button.disabled = False
            link.value = download_link(
                page,
                f"team-report-{date.today():%Y-%m-%d}.html",
                "text/html",
                "Save the team report",
            )
            notice.show("ok", "The team report is ready: use the link beside the button.")

        def answers_csv(_) -> None:
            try:
                rows = store.rows(session=session.code)
            except StoreError as err:
                notice.show("error", f"The answers could not be read: {err}.")
                return
            # The pulse is anonymous in every session: its rows stay out.
            rows = [r for r in rows if r["instrument"] != PULSE]
            csv_link.value = download_link(
                records.to_csv(rows),
                f"session-{session.code}-{date.today():%Y-%m-%d}.csv",
                "text/csv",
                f"Save {len(rows)} answers (CSV)",
            )

        button.on_click(team_report)
        csv_button.on_click(answers_csv)
        parts = [
            html(
                "<h3>Take it with you</h3><p class='kit-muted'>The team report shows the figures "
                "above, as a web page to keep or print.</p>"
            ),
            hbox([button, link]),
        ]
        if not self.session.anonymous:
            # One row per answer shows one person's answers: only a named session offers it.
            parts.append(hbox([csv_button, csv_link]))
        parts.append(notice)
        return vbox(parts)
