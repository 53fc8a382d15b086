"""The coach dashboard (``coach_dashboard.ipynb?key=COACHKEY``): a team session, live.

The page opens only with the session's coach key. It shows who has joined
and the team's anonymous figures, redrawn by itself while it is open; lets
the coach reveal the results to participants, start a new pulse round, open
a circle to the team, upload files from Binder and download the team report.
"""

from __future__ import annotations

from datetime import date
from html import escape
from urllib.parse import quote, urlsplit

import ipywidgets as widgets
from IPython.display import HTML

from kit.content import ContentError
from kit.database import Store, open_store
from kit.exchange import upload_team_files
from kit.instruments import scoring, views
from kit.instruments.content import instruments
from kit.model import MIN_GROUP_DEFAULT, MIN_GROUP_FLOOR, PULSE, TeamSession
from kit.store import records
from kit.store.attempts import WRONG_CODES
from kit.store.errors import StoreError
from kit.store.records import ImportFileError, size_problem
from kit.style import STYLE
from kit.team.picture import TeamPicture, team_picture
from kit.team.views import coach_html
from kit.ui.components import Notice, control, download_link, empty, hbox, html, page_top, vbox
from kit.ui.components import messages as show_messages
from kit.ui.context import client_address, ephemeral, page_url, query_params
from kit.ui.live import Every, shown_in
from kit.workbooks import START

START_PAGE = START
NO_KEY = (
    "This is the coach dashboard of a team session. Open it with your coach link (it ends in "
    "?key=…): `kit session list` on the server prints it. To start a new session, fill in "
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
    "Check that the whole link was copied, or run `kit session list` on the server for the "
    "right one."
)


def join_link(session: TeamSession, here: str = "") -> str:
    """Return the link participants open to join ``session``.

    Built from the address of the coach's own page when there is one, so it
    names the host the coach used.

    Examples
    --------
    >>> s = TeamSession("K7R-M3X", "Desk", "key")
    >>> join_link(s, "http://10.0.0.5:8866/voila/render/coach_dashboard.ipynb?key=x")
    'http://10.0.0.5:8866/voila/render/00_start_here.ipynb?session=K7R-M3X'
    >>> join_link(s)
    '00_start_here.ipynb?session=K7R-M3X'
    """
    tail = f"{START_PAGE}?session={quote(session.code)}"
    if not here:
        return tail
    parts = urlsplit(here)
    folder = parts.path.rsplit("/", 1)[0]
    return f"{parts.scheme}://{parts.netloc}{folder}/{tail}"


class CoachDashboard:
    """A coach's view of one team session.

    Use :meth:`open`, which never raises.
    """

    def __init__(
        self,
        store: Store | None,
        session: TeamSession | None,
        report: bool = False,
        problems: tuple[tuple[str, str], ...] = (),
    ):
        self.store = store
        self.session = session
        self.report = report
        self.problems = list(problems)
        self.catalogue = {}
        try:
            self.catalogue = instruments()
        except ContentError as err:
            self.problems.append(("error", f"The questionnaires cannot be read: {err}."))
        self.picture: TeamPicture | None = None
        # A report makes no widgets: their state would be saved into the report's page.
        self._picture = ""
        self._picture_html = None if report else html()
        self._fingerprint: int | None = None
        self.notice = Notice()  # never shown in a report, but always there to speak to
        self.live = Every(self.refresh, shown=shown_in(self.notice) if self.notice else None)
        self._syncing = False
        self._batches_seen: list | None = None
        self._read_problem = ""  # the message shown while the store could not be read

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
            f"<p><a href='{escape(link)}' target='_blank'>{escape(link)}</a></p>{hint}"
            f"<p class='kit-muted'>{kind} Team figures show once {s.min_group} people have "
            "finished, and then move in steps of that many; below that they are hidden to "
            "protect anonymity.</p>"
            "<p class='kit-muted'>Showing this page on a projector? Go full screen (F11) first: "
            "the address bar holds your coach key.</p>" + (closed if s.closed else "")
        )

    def _new_session_form(self) -> widgets.Widget:
        title = control(widgets.Text, description="Name", placeholder="e.g. Service desk, March")
        named = control(
            widgets.Dropdown,
            options=[
                ("Anonymous (no names kept)", True),
                ("Named (people give their name)", False),
            ],
            value=True,
            description="Kind",
        )
        minimum = control(
            widgets.BoundedIntText,
            value=MIN_GROUP_DEFAULT,
            min=MIN_GROUP_FLOOR,
            max=1000,
            description="Min. group",
        )
        create = control(widgets.Button, description="Create session", button_style="primary")
        result = Notice()

        def make(_) -> None:
            assert self.store is not None
            try:
                made = self.store.create_session(
                    title.value, anonymous=bool(named.value), min_group=minimum.value
                )
            except StoreError as err:
                result.show("error", f"The session was not created: {err}.")
                return
            dash = f"coach_dashboard.ipynb?key={quote(made.coach_key)}"
            result.show(
                "ok",
                f"Created '{made.title}' with join code {made.code}. Keep your coach link to "
                "yourself: it opens the team's results. ",
                f"<a href='{escape(dash)}' data-testid='coach-link'>Open the dashboard →</a>",
            )

        create.on_click(make)
        return vbox(
            [
                html(
                    "<h3>Start a team session</h3><p class='kit-muted'>Team figures show once at "
                    f"least the minimum group has answered (at least {MIN_GROUP_FLOOR}; "
                    f"{MIN_GROUP_DEFAULT} is a safe default).</p>"
                ),
                title,
                named,
                minimum,
                create,
                result,
            ]
        )

    # -- the team's picture ---------------------------------------------------------

    def results(self) -> widgets.Widget | HTML:
        """The team's figures; in the app they redraw by themselves every few seconds."""
        if self.session is None or self.store is None:
            return empty(self.report)
        self.refresh()
        if self.report:
            return HTML(self._picture)
        self.live.start()
        return self._picture_html

    def refresh(self) -> bool:
        """Read the store again and redraw what changed; True when something did."""
        if self.session is None or self.store is None:
            return False
        try:
            self.session = self.store.team_session(self.session.code) or self.session
            picture = team_picture(self.store, self.session, self.catalogue or None)
        except (StoreError, ContentError) as err:
            message = f"The team's answers could not be read just now: {err}."
            if self.notice is None:
                self._picture = show_messages((("error", message),))
            else:
                self.notice.show("error", message)
                self._read_problem = self.notice.value
            return False
        if self.notice is not None and self._read_problem == self.notice.value:
            self.notice.clear()  # reading works again: the message would mislead
        self._read_problem = ""
        self._show_batches()  # people waiting to be counted come in without a redraw
        fingerprint = picture.fingerprint()
        if fingerprint == self._fingerprint:
            return False
        self.picture, self._fingerprint = picture, fingerprint
        self._picture = (
            "<div class='kit-team' data-testid='team-picture'>" + coach_html(picture) + "</div>"
        )
        if self._picture_html is not None:
            self._picture_html.value = self._picture
        self._sync_controls()
        return True

    # -- what the coach decides -------------------------------------------------------

    def controls(self) -> widgets.Widget | HTML:
        """Reveal to participants, the minimum group, pulse rounds, and closing the session."""
        if self.session is None or self.report:
            return empty(self.report)
        self._reveal = control(widgets.Button, button_style="primary")
        self._reveal.on_click(lambda _: self.set_revealed(not self.session.revealed))
        self._round = control(widgets.Button, description="Start a new pulse round")
        self._round.on_click(lambda _: self.next_round())
        self._minimum = control(
            widgets.BoundedIntText,
            value=self.session.min_group,
            min=MIN_GROUP_FLOOR,
            max=1000,
            description="Min. group",
        )
        self._minimum.observe(
            lambda c: None if self._syncing else self.set_min_group(c["new"]), "value"
        )
        self._close = control(widgets.Button)
        self._close.on_click(lambda _: self.set_closed(not self.session.closed))
        self._controls_status = html()
        self._circle_code = control(
            widgets.Text,
            description="Resume code",
            placeholder="the code you planned the circle with",
        )
        self._circle_open = control(widgets.Button, description="Open my circle to the team")
        self._circle_open.on_click(lambda _: self.open_circle(self._circle_code.value))
        self._circle_shut = control(widgets.Button, description="Close it to the team")
        self._circle_shut.on_click(lambda _: self.open_circle(""))
        self._circle_status = html()
        self._sync_controls()
        return vbox(
            [
                html("<h3>What participants see</h3>"),
                hbox([self._reveal, self._round, self._close]),
                self._minimum,
                self._controls_status,
                html(
                    "<h3>A circle with the team's own devices</h3><p class='kit-muted'>Open the "
                    "circle you run in workbook 5 to this session: people who joined then add "
                    "their stories and ideas and vote from their own phones, and your circle page "
                    "shows them as they come.</p>"
                ),
                hbox([self._circle_code, self._circle_open, self._circle_shut]),
                self._circle_status,
            ]
        )

    def open_circle(self, resume: str) -> bool:
        """Open the circle planned under ``resume`` to the team ('' closes it again)."""
        assert self.session is not None and self.store is not None
        if not resume.strip():
            return self._change(circle="")
        try:
            owner = self.store.participant_by_code(resume)
            planned = self.store.circles(owner.id) if owner else []
        except StoreError as err:
            self.notice.show("error", f"The circle could not be looked up: {err}.")
            return False
        if owner is None:
            self.notice.show(
                "error",
                f"No one has the resume code '{resume.strip()}'. Use the code shown on your "
                "circle planner (workbook 4).",
            )
            return False
        if not planned:
            self.notice.show(
                "error", "That resume code has no planned circle yet: plan one in workbook 4."
            )
            return False
        return self._change(circle=planned[0][0].code)

    def _sync_controls(self) -> None:
        if self.session is None or not hasattr(self, "_reveal"):
            return
        s = self.session
        self._reveal.description = "Hide team results" if s.revealed else "Reveal team results"
        self._close.description = "Reopen the session" if s.closed else "Close the session"
        if self._minimum.value != s.min_group:
            # Showing the stored value is not the coach choosing it again.
            self._syncing = True
            try:
                self._minimum.value = s.min_group
            finally:
                self._syncing = False
        shown = (
            "Participants' pages show the team's results (aggregates only)."
            if s.revealed
            else "Participants see only their own results until you reveal the team's."
        )
        self._controls_status.value = (
            f"<p class='kit-muted' data-testid='reveal-state'>{shown} The pulse is in round "
            f"{s.pulse_round}.</p>"
        )
        try:
            circle = self.store.circle(s.circle) if (s.circle and self.store) else None
        except StoreError:
            circle = None
        self._circle_status.value = (
            f"<p data-testid='circle-state'>Open to the team: <b>{escape(circle.title)}</b>. "
            "People reach it from their start-page links or the banner on their pages "
            "(5. Circle session).</p>"
            if circle
            else "<p class='kit-muted' data-testid='circle-state'>No circle is open to the "
            "team.</p>"
        )

    def _change(self, **changes: object) -> bool:
        assert self.session is not None and self.store is not None
        try:
            self.session = self.store.update_session(self.session.code, **changes)
        except StoreError as err:
            self.notice.show("error", f"Not changed: {err}.")
            self._sync_controls()
            return False
        self.notice.clear()
        self._fingerprint = None
        self.refresh()
        return True

    def set_revealed(self, revealed: bool) -> bool:
        """Let participants' pages show the team's results (or hide them again)."""
        return self._change(revealed=revealed)

    def set_min_group(self, value: int) -> bool:
        """Change the minimum group size (never below 3)."""
        return self._change(min_group=value)

    def set_closed(self, closed: bool) -> bool:
        """Close the session to newcomers (or reopen it)."""
        return self._change(closed=closed)

    def next_round(self) -> bool:
        """Start the openness pulse's next round: people answer it afresh."""
        assert self.session is not None and self.store is not None
        try:
            after = self.store.open_next_round(self.session.code, self.session.pulse_round)
        except StoreError as err:
            self.notice.show("error", f"No new round was started: {err}.")
            return False
        self.notice.show(
            "ok",
            f"Round {after} of the pulse has started: participants' pulse pages now ask afresh, "
            "and earlier rounds stay for the trend.",
        )
        self._fingerprint = None
        self.refresh()
        return True

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
        self._person = control(widgets.Dropdown, description="Person")
        self._person_view = html()
        self._person.observe(lambda c: self.show_person(c["new"]), "value")
        load = control(widgets.Button, description="Refresh the list")
        load.on_click(lambda _: self._load_people())
        self._load_people()
        return vbox(
            [html("<h3>One person's results</h3>"), hbox([self._person, load]), self._person_view]
        )

    def _load_people(self) -> None:
        assert self.session is not None and self.store is not None
        try:
            members = self.store.members(self.session.code)
        except StoreError as err:
            self.notice.show("error", f"The list of people could not be read: {err}.")
            return
        options = [("Choose a person…", None)] + [
            (name or f"(no name yet, #{n})", pid) for n, (pid, name) in enumerate(members, start=1)
        ]
        self._person.options = options

    def show_person(self, participant_id: int | None) -> str:
        """Show one person's scores (named sessions only); return the HTML shown."""
        if participant_id is None or self.session is None or self.session.anonymous:
            if hasattr(self, "_person_view"):
                self._person_view.value = ""
            return ""
        assert self.store is not None
        try:
            members = dict(self.store.members(self.session.code))
        except StoreError:
            return ""
        if participant_id not in members:
            return ""  # never someone outside this session
        parts = []
        # The pulse promises everyone that only team totals are shown: never one person's.
        for instrument_id in ("hidden_leader", "focus_attitude"):
            instrument = self.catalogue.get(instrument_id)
            if instrument is None:
                continue
            try:
                answers = self.store.answers(participant_id, instrument_id)
            except StoreError as err:
                self._person_view.value = show_messages(
                    [("error", f"Their answers could not be read: {err}.")]
                )
                return self._person_view.value
            results = scoring.results(instrument, answers)
            parts.append(f"<h4>{escape(instrument.title)}</h4>")
            if not results.answered:
                parts.append("<p class='kit-muted'>Not answered yet.</p>")
                continue
            parts.append(views.score_table(results))
            where = scoring.placement(instrument, answers)
            if where is not None:
                parts.append(f"<p>Placed: <b>{escape(where.wording())}</b></p>")
        self._person_view.value = "".join(parts)
        return self._person_view.value

    # -- files ---------------------------------------------------------------------------

    def uploads(self) -> widgets.Widget | HTML:
        """Upload participants' answer files (from Binder) into this session: all or nothing."""
        if self.session is None or self.report:
            return empty(self.report)
        self._upload = widgets.FileUpload(
            accept=".json,.csv", multiple=True, description="Upload files"
        )
        self._upload.observe(lambda _: self.upload_files(), "value")
        self._upload_notice = Notice()
        self._batches = vbox()
        self._show_batches()
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
                self._upload,
                self._upload_notice,
                self._batches,
            ]
        )

    def _show_batches(self) -> None:
        """List the session's upload batches, each with its buttons (redrawn when they change)."""
        if not hasattr(self, "_batches") or self.session is None or self.store is None:
            return
        try:
            batches = self.store.upload_batches(self.session.code)
        except StoreError as err:
            self._upload_notice.show("error", f"The uploads could not be listed: {err}.")
            return
        if batches == self._batches_seen:
            return
        self._batches_seen = batches
        rows: list[widgets.Widget] = []
        for batch in batches:
            where = {
                "coach": "your upload",
                "page": "uploaded on the start page",
                "address": "joined from an address someone else here joined from (one device "
                "again, or phones sharing one network): count them if they are all in the room",
            }.get(batch.kind, batch.kind)
            state = "counted" if batch.confirmed else "<b>not counted yet</b>"
            files = f" ({escape(batch.files)})" if batch.files else ""
            label = html(
                f"<span data-testid='upload-batch'>{batch.people} "
                f"{'person' if batch.people == 1 else 'people'}, {where}{files}: {state}</span>"
            )
            buttons: list[widgets.Widget] = []
            if not batch.confirmed:
                count = control(widgets.Button, description="Count them")
                count.on_click(lambda _, b=batch.id: self.confirm_batch(b))
                buttons.append(count)
            remove = control(widgets.Button, description="Remove them")
            remove.on_click(lambda _, b=batch.id: self.remove_batch(b))
            buttons.append(remove)
            rows.append(hbox([label, *buttons]))
        self._batches.children = rows

    def confirm_batch(self, batch: int) -> bool:
        """Count an upload batch in the team's figures (at least the minimum group)."""
        assert self.session is not None and self.store is not None
        try:
            done = self.store.confirm_batch(self.session.code, batch)
        except StoreError as err:
            self._upload_notice.show("error", f"Not counted: {err}.")
            return False
        self._upload_notice.show(
            "ok",
            f"The {done.people} {'person' if done.people == 1 else 'people'} now count"
            f"{'s' if done.people == 1 else ''}.",
        )
        self._uploads_changed()
        return True

    def remove_batch(self, batch: int) -> bool:
        """Remove an upload batch, its people and their answers."""
        assert self.session is not None and self.store is not None
        try:
            people = self.store.remove_batch(self.session.code, batch)
        except StoreError as err:
            self._upload_notice.show("error", f"Not removed: {err}.")
            return False
        self._upload_notice.show(
            "ok", f"Removed {people} uploaded {'person' if people == 1 else 'people'}."
        )
        self._uploads_changed()
        return True

    def _uploads_changed(self) -> None:
        self._fingerprint = None
        self.refresh()
        self._show_batches()

    def upload_files(self, files: list[tuple[str, bytes]] | None = None) -> bool:
        """Import the chosen files into the session; show what happened."""
        assert self.session is not None and self.store is not None
        if files is None:
            files = [(f["name"], bytes(f["content"])) for f in self._upload.value]
            if not files:
                return False
        too_big = size_problem([(name, len(data)) for name, data in files])
        if too_big:
            self._upload_notice.show("error", too_big)
            if hasattr(self, "_upload"):
                self._upload.value = ()
            return False
        try:
            done = upload_team_files(self.store, self.session, files)
        except (ImportFileError, StoreError) as err:
            self._upload_notice.show("error", str(err))
            return False
        except Exception as err:  # noqa: BLE001 - a file must never show a traceback
            self._upload_notice.show(
                "error",
                f"The files could not be read ({type(err).__name__}); nothing was imported.",
            )
            return False
        finally:
            if hasattr(self, "_upload"):
                self._upload.value = ()
        again = ""
        if done.uploaded_before:
            again = (
                f" Already uploaded before: {', '.join(done.uploaded_before)} (only answers newer "
                "than the stored ones were taken)."
            )
        self._upload_notice.show(
            "ok",
            f"Imported {done.answers} answers from {done.files} file"
            f"{'s' if done.files != 1 else ''} ({done.people} people).{again} New people count "
            "in the figures once you count their batch below.",
        )
        self._uploads_changed()
        return True

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
