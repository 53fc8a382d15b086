"""Team sessions in the store: join codes, coach keys, settings, and the team's answers.

A coach's dashboard and every participant's page run in their own kernels, so
the session's settings (reveal, pulse round, the circle open to the team) live
here and each page reads them again when it looks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from kit.model import MIN_GROUP_DEFAULT, MIN_GROUP_FLOOR, SessionNote, TeamSession
from kit.store.clock import now
from kit.store.codes import inserted_id, new_coach_key, new_join_code, normalise_join_code
from kit.store.engine import Db, Record
from kit.store.errors import StoreError, guarded

# Settings a coach can change after creating the session.
_SETTINGS = {
    "title",
    "min_group",
    "revealed",
    "pulse_round",
    "focus_round",
    "circle",
    "closed",
    "cvc_target",
}
NOTE_KINDS = ("action", "guardrail")
# What a coaching action between two rounds of focus and attitude was (seed 003 asks
# whether training, incentives or coaching convert people).
ACTION_CATEGORIES = ("training", "incentives", "coaching", "other")
MAX_NOTE = 500
MAX_NOTES = 100
TITLE_MAX = 80


class SessionSettingsError(StoreError):
    """A team session's settings are not allowed; the message says which and why."""


def check_min_group(value: object) -> int:
    """Return ``value`` as a minimum group size, or raise with what is allowed.

    Examples
    --------
    >>> check_min_group("4")
    4
    >>> check_min_group(2)
    Traceback (most recent call last):
    ...
    kit.store.sessions.SessionSettingsError: the minimum group size must be at least 3 ...
    """
    try:
        number = int(str(value).strip())
    except ValueError:
        raise SessionSettingsError(
            f"the minimum group size must be a whole number, not {value!r}"
        ) from None
    if number < MIN_GROUP_FLOOR:
        raise SessionSettingsError(
            f"the minimum group size must be at least {MIN_GROUP_FLOOR} (you gave {number}): "
            "with fewer, a team figure shows what one person answered"
        )
    if number > 1000:
        raise SessionSettingsError(f"the minimum group size {number} is more than 1000")
    return number


class TeamSessions:
    """Store methods for team sessions; mixed into :class:`kit.store.Store`."""

    _db: Db
    _write: Callable[[], AbstractContextManager[Db]]

    @guarded
    def create_session(
        self,
        title: str,
        anonymous: bool = True,
        min_group: int = MIN_GROUP_DEFAULT,
        demo: bool = False,
        code: str | None = None,
    ) -> TeamSession:
        """Create a team session with a fresh join code and coach key.

        Parameters
        ----------
        title : str
            What the coach calls it (shown on participants' pages).
        anonymous : bool
            True keeps no names; False asks each person for a name.
        min_group : int
            Team figures show only when at least this many have answered (3 or more).
        demo : bool
            Marks a session of simulated people.
        code : str, optional
            A join code to use instead of a fresh one (``kit demo --session``).

        Raises
        ------
        SessionSettingsError
            For a minimum group size under 3, or a title that is empty or too long.
        """
        title = " ".join(title.split())
        if not title:
            raise SessionSettingsError("give the session a name, such as 'Service desk, March'")
        if len(title) > TITLE_MAX:
            raise SessionSettingsError(
                f"the session name has {len(title)} characters; keep it to {TITLE_MAX}"
            )
        min_group = check_min_group(min_group)
        with self._write() as db:
            for _ in range(20):
                join = code or new_join_code()
                taken = db.execute("SELECT 1 FROM sessions WHERE code = ?", (join,)).fetchone()
                if not taken:
                    break
                if code:
                    raise SessionSettingsError(f"there is already a session '{code}'")
            else:  # pragma: no cover - 29**6 codes make this all but impossible
                raise StoreError("no free join code was found; try again")
            db.execute(
                "INSERT INTO sessions (code, title, demo, created_at, anonymous, min_group,"
                " coach_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (join, title, int(demo), now(), int(anonymous), min_group, new_coach_key()),
            )
            row = db.execute("SELECT * FROM sessions WHERE code = ?", (join,)).fetchone()
        return _session(row)

    @guarded
    def team_session(self, code: str) -> TeamSession | None:
        """Return the session a typed join code names (case, spaces and dashes forgiven)."""
        typed = code.strip()
        if not typed:
            return None
        row = self._db.execute("SELECT * FROM sessions WHERE code = ?", (typed,)).fetchone()
        normal = normalise_join_code(typed)
        if row is None and normal:
            row = self._db.execute("SELECT * FROM sessions WHERE code = ?", (normal,)).fetchone()
        return _session(row) if row else None

    @guarded
    def session_for_key(self, key: str) -> TeamSession | None:
        """Return the session whose coach key is ``key``, or None."""
        key = key.strip()
        if len(key) < 16:  # keys are 32 characters; anything short is a mistake
            return None
        row = self._db.execute("SELECT * FROM sessions WHERE coach_key = ?", (key,)).fetchone()
        return _session(row) if row else None

    @guarded
    def team_sessions(self) -> list[TeamSession]:
        """Return every team session, newest first."""
        rows = self._db.execute("SELECT * FROM sessions ORDER BY created_at DESC, rowid DESC")
        return [_session(r) for r in rows]

    @guarded
    def update_session(self, code: str, **changes: object) -> TeamSession:
        """Change a session's settings (title, min_group, revealed, pulse_round, circle, closed).

        Raises
        ------
        SessionSettingsError
            For an unknown setting or a value that is not allowed.
        """
        unknown = set(changes) - _SETTINGS
        if unknown:
            raise SessionSettingsError(f"cannot change {', '.join(sorted(unknown))}")
        if "min_group" in changes:
            changes["min_group"] = check_min_group(changes["min_group"])
        for flag in ("revealed", "closed"):
            if flag in changes:
                changes[flag] = int(bool(changes[flag]))
        for which in ("pulse_round", "focus_round"):
            if which in changes:
                round_ = changes[which]
                if not isinstance(round_, int) or isinstance(round_, bool) or round_ < 1:
                    raise SessionSettingsError("rounds count from 1")
        if "cvc_target" in changes:
            target = changes["cvc_target"]
            if not isinstance(target, int) or isinstance(target, bool) or not 0 <= target <= 100:
                raise SessionSettingsError("the target is a share from 0% to 100%")
        with self._write() as db:
            row = db.execute("SELECT * FROM sessions WHERE code = ?", (code,)).fetchone()
            if row is None:
                raise SessionSettingsError(f"there is no session '{code}'")
            lower = int(changes.get("min_group", row["min_group"])) < row["min_group"]  # type: ignore[call-overload]
            if lower and _anyone_answered(db, code):
                # Figures over 5 people, then 4, then 5 again would give one
                # person away: once anyone has answered, the gate only rises.
                raise SessionSettingsError(
                    f"the minimum group can only go up once anyone has answered (it is "
                    f"{row['min_group']}; you asked for {changes['min_group']})"
                )
            for name, value in changes.items():
                db.execute(f"UPDATE sessions SET {name} = ? WHERE code = ?", (value, code))
            row = db.execute("SELECT * FROM sessions WHERE code = ?", (code,)).fetchone()
        return _session(row)

    @guarded
    def open_next_round(self, code: str, expected: int, which: str = "pulse") -> int:
        """Start the next round of the pulse (or of ``which="focus"``), unless another window already did.

        Returns the round the session is in now.
        """
        column = {"pulse": "pulse_round", "focus": "focus_round"}[which]
        with self._write() as db:
            db.execute(
                f"UPDATE sessions SET {column} = {column} + 1 WHERE code = ? AND {column} = ?",
                (code, expected),
            )
            row = db.execute(f"SELECT {column} FROM sessions WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise SessionSettingsError(f"there is no session '{code}'")
        return int(row[column])

    # -- team figures kept between changes ------------------------------------------------

    @guarded
    def kept_figure(
        self,
        code: str,
        figure: str,
        people: list[tuple[str, str]],
        step: int,
        compute: Callable[[list[str]], object],
    ) -> tuple[int, object]:
        """A team figure over the first of ``people``, kept until ``step`` of them differ.

        ``people`` are (id, fingerprint) in a lasting order (who came first);
        the fingerprint changes when what the person gave changes. The figure
        covers a kept number of them, which moves only in whole steps of
        ``step``: up when ``step`` more are there, down when fewer remain,
        and never because the minimum group was changed. It is worked out
        again (``compute`` gets the ids it covers and returns plain data)
        only when that number moves or at least ``step`` of its people came,
        went or changed; otherwise the kept one is given. So no figure ever
        moves by one person's worth (the same rule as the instruments' kept
        snapshots, :mod:`kit.instruments.trait_scores`).

        Returns
        -------
        (int, object)
            How many people the figure covers, and the figure (None below one step).

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from kit.database import Store
        >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
        >>> team = store.create_session("Desk", min_group=3)
        >>> count = lambda ids: len(ids)
        >>> store.kept_figure(team.code, "x", [("a", "1"), ("b", "1")], 3, count)
        (0, None)
        >>> people = [("a", "1"), ("b", "1"), ("c", "1"), ("d", "1")]
        >>> store.kept_figure(team.code, "x", people, 3, count)
        (3, 3)
        >>> people[0] = ("a", "2")  # one person changed: the kept figure stands
        >>> store.kept_figure(team.code, "x", people, 3, lambda ids: "new")
        (3, 3)
        >>> store.close()
        """
        import json

        row = self._db.execute(
            "SELECT level, people, body FROM kept_figures WHERE session = ? AND figure = ?",
            (code, figure),
        ).fetchone()
        level = int(row["level"]) if row else 0
        there = len(people)
        new_level = level
        if there - level >= step:
            new_level = level + (there - level) // step * step
        elif there < level:
            new_level = max(0, level - -(-(level - there) // step) * step)
        covered = dict(people[:new_level])
        if row is not None and new_level == level:
            kept = json.loads(row["people"])
            changed = len(covered.keys() ^ kept.keys()) + sum(
                1 for p in covered.keys() & kept.keys() if covered[p] != kept[p]
            )
            if changed < step:
                return level, json.loads(row["body"])
        body = compute(list(covered)) if new_level else None
        with self._write() as db:
            db.execute(
                "INSERT INTO kept_figures VALUES (?, ?, ?, ?, ?) ON CONFLICT (session, figure)"
                " DO UPDATE SET level = excluded.level, people = excluded.people,"
                " body = excluded.body",
                (code, figure, new_level, json.dumps(covered), json.dumps(body)),
            )
        return new_level, body

    # -- notes kept with a session: coaching actions between rounds, guardrails ---------

    @guarded
    def add_session_note(
        self, code: str, kind: str, text: str, category: str = "", round_: int = 1
    ) -> int:
        """Keep a coaching action or a guardrail with the session; return its id.

        Raises
        ------
        SessionSettingsError
            For an empty or too long text, an unknown kind or category, or a full list.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from kit.database import Store
        >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
        >>> team = store.create_session("Desk")
        >>> _ = store.add_session_note(team.code, "guardrail", "Tell the owner before changing a process")
        >>> [n.text for n in store.session_notes(team.code)]
        ['Tell the owner before changing a process']
        >>> store.close()
        """
        text = " ".join(str(text).split())
        if kind not in NOTE_KINDS:
            raise SessionSettingsError(f"a note is one of {', '.join(NOTE_KINDS)}")
        if not text:
            raise SessionSettingsError("write the text first")
        if len(text) > MAX_NOTE:
            raise SessionSettingsError(f"keep it to {MAX_NOTE} characters; it has {len(text)}")
        if kind == "action" and category not in ACTION_CATEGORIES:
            raise SessionSettingsError(f"choose what it was: {', '.join(ACTION_CATEGORIES)}")
        with self._write() as db:
            (held,) = db.execute(
                "SELECT COUNT(*) FROM session_notes WHERE session = ? AND deleted = 0", (code,)
            ).fetchone()
            if held >= MAX_NOTES:
                raise SessionSettingsError(f"a session keeps at most {MAX_NOTES} notes")
            cursor = db.execute(
                "INSERT INTO session_notes (session, kind, category, text, round, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (code, kind, category if kind == "action" else "", text, round_, now()),
            )
        return int(cursor.lastrowid or 0)

    @guarded
    def delete_session_note(self, code: str, note_id: int, deleted: bool = True) -> None:
        """Remove a note from the session's lists (``deleted=False`` brings it back)."""
        with self._write() as db:
            db.execute(
                "UPDATE session_notes SET deleted = ? WHERE session = ? AND id = ?",
                (int(deleted), code, note_id),
            )

    @guarded
    def session_notes(self, code: str) -> list[SessionNote]:
        """The session's coaching actions and guardrails, oldest first."""
        rows = self._db.execute(
            "SELECT id, kind, text, category, round, at FROM session_notes"
            " WHERE session = ? AND deleted = 0 ORDER BY id",
            (code,),
        )
        return [
            SessionNote(r["id"], r["kind"], r["text"], r["category"], r["round"], r["at"])
            for r in rows
        ]

    # -- the team's answers, for the dashboard -------------------------------------

    @guarded
    def join_session(
        self, participant_id: int, code: str, display_name: str = "", client: str = ""
    ) -> None:
        """Put a person who answered on their own into team session ``code``.

        As with :meth:`create_participant`, a second person from one address
        waits for the coach to count them.
        """
        origin = origin_of(code, client)
        with self._write() as db:
            batch = None
            if (
                origin
                and db.execute(
                    "SELECT 1 FROM participants WHERE session = ? AND origin = ? LIMIT 1",
                    (code, origin),
                ).fetchone()
            ):
                batch = self._open_batch(db, code, "address", "")
            db.execute(
                "UPDATE participants SET session = ?, display_name = ?, batch = ?, origin = ?"
                " WHERE id = ? AND session IS NULL",
                (code, display_name, batch, origin, participant_id),
            )

    @guarded
    def set_display_name(self, participant_id: int, name: str) -> None:
        """Change the name a named session shows for a person."""
        with self._write() as db:
            db.execute(
                "UPDATE participants SET display_name = ? WHERE id = ?", (name, participant_id)
            )

    @guarded
    def member_count(self, code: str) -> int:
        """Return how many people have joined the session through it (uploads not counted)."""
        return self._db.execute(
            "SELECT count(*) FROM participants WHERE session = ? AND batch IS NULL"
            " AND public_id NOT LIKE 'r-%'",
            (code,),
        ).fetchone()[0]

    # -- upload batches: people who came by file, counted once the coach confirms ----

    @staticmethod
    def _open_batch(db: Db, session: str, kind: str, files: str) -> int:
        """Return the batch new uploaded people join (inside an import's transaction).

        A coach's upload is a batch of its own; files uploaded on the start
        page gather in the session's one unconfirmed page batch, and people
        who joined from an address someone else joined from in theirs.
        """
        if kind in ("page", "address"):
            row = db.execute(
                "SELECT id FROM upload_batches WHERE session = ? AND kind = ?"
                " AND confirmed = 0 ORDER BY id DESC LIMIT 1",
                (session, kind),
            ).fetchone()
            if row is not None:
                return int(row[0])
        cursor = db.execute(
            "INSERT INTO upload_batches (session, kind, files, created_at) VALUES (?, ?, ?, ?)",
            (session, kind, files, now()),
        )
        return inserted_id(cursor)

    @guarded
    def upload_batches(self, code: str) -> list[UploadBatch]:
        """Return the session's upload batches, oldest first."""
        rows = self._db.execute(
            "SELECT b.id, b.kind, b.files, b.created_at, b.confirmed,"
            " (SELECT count(*) FROM participants p WHERE p.batch = b.id) AS people"
            " FROM upload_batches b WHERE b.session = ? ORDER BY b.id",
            (code,),
        )
        return [
            UploadBatch(
                r["id"], r["kind"], r["files"], r["created_at"], bool(r["confirmed"]), r["people"]
            )
            for r in rows
        ]

    @guarded
    def confirm_batch(self, code: str, batch: int) -> UploadBatch:
        """Count an upload batch in the team's figures; it must hold at least the minimum group.

        A batch of fewer would let whoever made it (who knows its answers)
        work out the real people's answers from the team's figures. People
        who joined from a shared address (kind "address") become members of
        the session whatever their number: the coach counts them once they
        match the people in the room.

        Raises
        ------
        SessionSettingsError
            For a batch of another session, or one with too few people.
        """
        with self._write() as db:
            row = db.execute(
                "SELECT s.min_group, (SELECT count(*) FROM participants p WHERE p.batch = b.id),"
                " b.kind FROM upload_batches b JOIN sessions s ON s.code = b.session"
                " WHERE b.id = ? AND b.session = ?",
                (batch, code),
            ).fetchone()
            if row is None:
                raise SessionSettingsError(f"session {code} has no upload batch {batch}")
            minimum, people, kind = row
            if kind == "address":
                # People who joined by the link from a shared address: once the
                # coach has checked them against the room, they are simply members.
                db.execute("UPDATE participants SET batch = NULL WHERE batch = ?", (batch,))
                db.execute(
                    "UPDATE upload_batches SET confirmed = 1, files = ? WHERE id = ?",
                    (f"{people} counted", batch),
                )
                return UploadBatch(batch, "address", f"{people} counted", "", True, people)
            if people < minimum:
                raise SessionSettingsError(
                    f"this upload holds {people} {'person' if people == 1 else 'people'}; an upload "
                    f"counts in the team's figures only with at least {minimum} (the minimum group)"
                )
            db.execute("UPDATE upload_batches SET confirmed = 1 WHERE id = ?", (batch,))
        return next(b for b in self.upload_batches(code) if b.id == batch)

    @guarded
    def remove_batch(self, code: str, batch: int) -> int:
        """Remove an upload batch and everyone in it, with their answers; return how many people."""
        with self._write() as db:
            found = db.execute(
                "SELECT 1 FROM upload_batches WHERE id = ? AND session = ?", (batch, code)
            ).fetchone()
            if found is None:
                raise SessionSettingsError(f"session {code} has no upload batch {batch}")
            people = db.execute("DELETE FROM participants WHERE batch = ?", (batch,)).rowcount
            db.execute("DELETE FROM published_levels WHERE session = ? AND grp = ?", (code, batch))
            db.execute("DELETE FROM upload_batches WHERE id = ?", (batch,))
        return people

    @guarded
    def members(self, code: str) -> list[tuple[int, str]]:
        """Return (participant id, display name) of everyone who joined, in joining order."""
        rows = self._db.execute(
            "SELECT id, display_name FROM participants WHERE session = ?"
            " AND public_id NOT LIKE 'r-%' ORDER BY id",
            (code,),
        )
        return [(r["id"], r["display_name"]) for r in rows]


@dataclass(frozen=True)
class UploadBatch:
    """People who came into a session by file: counted in its figures once ``confirmed``."""

    id: int
    # "coach" (the dashboard), "page" (files uploaded on the start page) or
    # "address" (joined from an address someone in the session joined from)
    kind: str
    files: str
    created_at: str
    confirmed: bool
    people: int


def origin_of(session: str | None, client: str) -> str | None:
    """A digest of where a person joined a session from, kept instead of their address."""
    if not (session and client):
        return None
    return hashlib.sha256(f"{session}|{client}".encode()).hexdigest()[:20]


def _anyone_answered(db: Db, code: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM answers a JOIN participants p ON p.id = a.participant_id"
        " WHERE p.session = ? LIMIT 1",
        (code,),
    ).fetchone()
    return row is not None


def _session(row: Record) -> TeamSession:
    return TeamSession(
        code=row["code"],
        title=row["title"],
        coach_key=row["coach_key"] or "",
        anonymous=bool(row["anonymous"]),
        min_group=row["min_group"],
        revealed=bool(row["revealed"]),
        pulse_round=row["pulse_round"],
        circle=row["circle"] or "",
        closed=bool(row["closed"]),
        demo=bool(row["demo"]),
        created_at=row["created_at"],
        focus_round=row["focus_round"],
        cvc_target=row["cvc_target"],
    )
