"""Circle sessions in the store: stories, factors, ideas, votes and the carried-over actions.

Each addition is its own small transaction, row by row, so several browsers
adding stories and votes to one session at once never overwrite each other
(every Voilà page has its own kernel; the store is what they share).
"""

from __future__ import annotations

import json

from kit.circles.backlog import factor_key
from kit.circles.model import (
    DEFAULT_VOTES,
    ENTRY_STATUSES,
    Action,
    ActionEvent,
    Entry,
    Factor,
    Idea,
    Raised,
    Story,
)
from kit.store.clock import now
from kit.store.codes import inserted_id
from kit.store.core import StoreCore
from kit.store.engine import Db, Record
from kit.store.errors import StoreError, guarded


class SessionMovedOn(StoreError):
    """Another window started a session since this page last looked."""


class NoVotesLeft(StoreError):
    """A voter has used all their votes in the session."""


class EntryGone(StoreError):
    """The entry, idea or story asked for was deleted or merged since the page read it."""


_TOUCH_BY_CIRCLE = "UPDATE circles SET updated_at = ? WHERE code = ?"
_TOUCH_BY_SESSION = (
    "UPDATE circles SET updated_at = ? WHERE code ="
    " (SELECT circle FROM circle_sessions WHERE id = ?)"
)
_TOUCH_BY_IDEA = (
    "UPDATE circles SET updated_at = ? WHERE code = (SELECT s.circle FROM circle_sessions s"
    " JOIN ideas i ON i.session_id = s.id WHERE i.id = ?)"
)
_TOUCH_BY_ACTION = (
    "UPDATE circles SET updated_at = ? WHERE code = (SELECT circle FROM actions WHERE id = ?)"
)


class CircleSessions(StoreCore):
    """Store methods for circle sessions; mixed into :class:`kit.store.Store`.

    Every write also moves the circle's ``updated_at`` on, so importing an
    older file of the circle never replaces sessions held since.
    """

    @guarded
    def start_session(
        self,
        circle: str,
        held_on: str,
        votes_per_person: int = DEFAULT_VOTES,
        after: int | None = None,
    ) -> tuple[int, int]:
        """Open the circle's next session; return (session id, session number).

        ``after`` is the session number the page shows as the latest: when
        another window has started one since, nothing is started and
        :class:`SessionMovedOn` says so, so one press in each of two windows
        never makes two sessions.
        """
        with self._write() as db:
            row = db.execute(
                "SELECT coalesce(max(number), 0) AS n FROM circle_sessions WHERE circle = ?",
                (circle,),
            ).fetchone()
            if after is not None and row["n"] != after:
                raise SessionMovedOn(
                    f"session {row['n']} was started in another window; reload the page to "
                    "join it (no new session was started)"
                )
            number = row["n"] + 1
            cursor = db.execute(
                "INSERT INTO circle_sessions (circle, number, held_on, votes_per_person)"
                " VALUES (?, ?, ?, ?)",
                (circle, number, held_on, votes_per_person),
            )
            db.execute(_TOUCH_BY_CIRCLE, (now(), circle))
        return inserted_id(cursor), number

    @guarded
    def sessions(self, circle: str) -> list[tuple[int, int, str, int]]:
        """Return the circle's sessions as (id, number, held_on, votes per person), in order."""
        rows = self._db.execute(
            "SELECT id, number, held_on, votes_per_person FROM circle_sessions WHERE circle = ?"
            " ORDER BY number",
            (circle,),
        )
        return [tuple(r) for r in rows]

    @guarded
    def set_votes_per_person(self, session_id: int, votes: int) -> None:
        """Change how many votes each person has in a session (votes cast stay)."""
        with self._write() as db:
            db.execute(
                "UPDATE circle_sessions SET votes_per_person = ? WHERE id = ?", (votes, session_id)
            )
            db.execute(_TOUCH_BY_SESSION, (now(), session_id))

    @guarded
    def add_story(self, session_id: int, story: Story) -> int:
        """Add a story to a session; return its id."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO stories (session_id, kind, text, teller, act, place, prevention,"
                " added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    story.kind,
                    story.text,
                    story.teller,
                    story.act,
                    story.where,
                    story.prevention,
                    story.added_by,
                ),
            )
            db.execute(_TOUCH_BY_SESSION, (now(), session_id))
        return inserted_id(cursor)

    @guarded
    def stories(self, session_id: int) -> list[Story]:
        """Return a session's stories in the order they were told (deleted ones left out)."""
        rows = self._db.execute(
            "SELECT id, session_id, kind, text, teller, act, place, prevention, added_by"
            " FROM stories WHERE session_id = ? AND deleted = 0 ORDER BY id",
            (session_id,),
        )
        return [Story(*r) for r in rows]

    @guarded
    def circle_stories(self, circle: str) -> list[tuple[int, Story]]:
        """Return every session's stories as (session number, story), in order."""
        rows = self._db.execute(
            "SELECT s.number, t.id, t.session_id, t.kind, t.text, t.teller, t.act, t.place,"
            " t.prevention, t.added_by FROM stories t JOIN circle_sessions s ON s.id = t.session_id"
            " WHERE s.circle = ? AND t.deleted = 0 ORDER BY s.number, t.id",
            (circle,),
        )
        return [(r[0], Story(*tuple(r)[1:])) for r in rows]

    @guarded
    def add_factor(
        self,
        session_id: int,
        kind: str,
        text: str,
        story: int | None,
        entry: int | None = None,
    ) -> int:
        """Raise an entry of the circle's running list in a session; return the entry's id.

        With ``entry`` the session raises that entry again (``text`` may be
        empty: the entry's own words are kept); without it a new entry starts.

        Raises
        ------
        EntryGone
            When ``entry`` was deleted or merged since the page read it, or is
            on the other list.
        """
        with self._write() as db:
            circle = db.execute(
                "SELECT circle FROM circle_sessions WHERE id = ?", (session_id,)
            ).fetchone()["circle"]
            if entry is None:
                entry = inserted_id(
                    db.execute(
                        "INSERT INTO entries (circle, kind, text) VALUES (?, ?, ?)",
                        (circle, kind, text),
                    )
                )
            else:
                row = db.execute(
                    "SELECT kind, text FROM entries WHERE id = ? AND circle = ? AND deleted = 0"
                    " AND merged_into IS NULL",
                    (entry, circle),
                ).fetchone()
                if row is None or row["kind"] != kind:
                    raise EntryGone(
                        "that entry was deleted or merged in the meantime; choose it again"
                    )
                text = text or row["text"]
            db.execute(
                "INSERT INTO factors (session_id, kind, text, story_id, entry_id)"
                " VALUES (?, ?, ?, ?, ?)",
                (session_id, kind, text, story, entry),
            )
            db.execute(_TOUCH_BY_SESSION, (now(), session_id))
        return entry

    @guarded
    def factors(self, session_id: int) -> list[Factor]:
        """Return what a session raised on the running lists, in the order it was added."""
        rows = self._db.execute(
            "SELECT f.id, f.session_id, e.kind, e.text, f.story_id, f.entry_id FROM factors f"
            " JOIN entries e ON e.id = f.entry_id WHERE f.session_id = ? AND e.deleted = 0"
            " ORDER BY f.id",
            (session_id,),
        )
        return [Factor(*r) for r in rows]

    @guarded
    def entries(self, circle: str) -> list[Entry]:
        """Return the circle's running lists: every live entry with each time it was raised.

        A merged entry's raisings count for the entry it was merged into;
        deleted entries are left out (their history is kept, see ``changes``).
        """
        raised: dict[int, list[Raised]] = {}
        for r in self._db.execute(
            "SELECT f.entry_id, s.number, f.story_id, t.text, t.deleted FROM factors f"
            " JOIN circle_sessions s ON s.id = f.session_id"
            " LEFT JOIN stories t ON t.id = f.story_id WHERE s.circle = ? ORDER BY s.number, f.id",
            (circle,),
        ):
            story = None if r["deleted"] or r["story_id"] is None else r["story_id"]
            raised.setdefault(r["entry_id"], []).append(
                Raised(r["number"], story, r["text"] if story is not None else "")
            )
        rows = self._db.execute(
            "SELECT id, kind, text, status FROM entries WHERE circle = ? AND deleted = 0"
            " AND merged_into IS NULL ORDER BY id",
            (circle,),
        )
        return [
            Entry(r["id"], r["kind"], r["text"], r["status"], tuple(raised.get(r["id"], ())))
            for r in rows
        ]

    @guarded
    def set_entry_status(self, entry: int, status: str) -> None:
        """Set an entry's status (one of :data:`~kit.circles.model.ENTRY_STATUSES`)."""
        if status not in ENTRY_STATUSES:
            raise StoreError(f"'{status}' is not an entry's status")
        with self._write() as db:
            db.execute("UPDATE entries SET status = ? WHERE id = ?", (status, entry))
            db.execute(
                "UPDATE circles SET updated_at = ? WHERE code ="
                " (SELECT circle FROM entries WHERE id = ?)",
                (now(), entry),
            )

    @guarded
    def add_idea(self, session_id: int, text: str, by: str = "", added_by: str = "") -> int:
        """Add an idea (``added_by``: the phone's person, by public id); return its id."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO ideas (session_id, text, by, added_by) VALUES (?, ?, ?, ?)",
                (session_id, text, by, added_by),
            )
            db.execute(_TOUCH_BY_SESSION, (now(), session_id))
        return inserted_id(cursor)

    @guarded
    def ideas(self, session_id: int) -> list[Idea]:
        """Return a session's ideas with their votes, in the order they were proposed."""
        ideas = self._db.execute(
            "SELECT id, session_id, text, by, added_by, EXISTS (SELECT 1 FROM actions a WHERE"
            " a.idea_id = ideas.id AND a.deleted = 0) AS chosen FROM ideas"
            " WHERE session_id = ? AND deleted = 0 ORDER BY id",
            (session_id,),
        ).fetchall()
        votes: dict[int, list[tuple[str, int]]] = {}
        for r in self._db.execute(
            "SELECT v.idea_id, v.voter, v.count FROM votes v JOIN ideas i ON i.id = v.idea_id"
            " WHERE i.session_id = ? ORDER BY v.voter",
            (session_id,),
        ):
            votes.setdefault(r["idea_id"], []).append((r["voter"], r["count"]))
        return [
            Idea(
                r["id"],
                r["session_id"],
                r["text"],
                r["by"],
                tuple(votes.get(r["id"], ())),
                bool(r["chosen"]),
                r["added_by"],
            )
            for r in ideas
        ]

    @guarded
    def vote(self, idea_id: int, voter: str) -> int:
        """Give one vote to an idea; return the voter's votes left in the session.

        The check and the vote are one transaction, so two pages voting at once
        cannot exceed the limit.

        Raises
        ------
        NoVotesLeft
        """
        voter = " ".join(voter.split())
        with self._write() as db:
            row = db.execute(
                "SELECT s.id, s.votes_per_person FROM ideas i JOIN circle_sessions s"
                " ON s.id = i.session_id WHERE i.id = ? AND i.deleted = 0",
                (idea_id,),
            ).fetchone()
            if row is None:
                raise EntryGone("that idea was deleted in the meantime; no vote was counted")
            used = db.execute(
                "SELECT coalesce(sum(v.count), 0) FROM votes v JOIN ideas i ON i.id = v.idea_id"
                " WHERE i.session_id = ? AND v.voter = ?",
                (row["id"], voter),
            ).fetchone()[0]
            if used >= row["votes_per_person"]:
                raise NoVotesLeft(f"{voter} has used all {row['votes_per_person']} votes")
            db.execute(
                "INSERT INTO votes (idea_id, voter, count) VALUES (?, ?, 1) ON CONFLICT"
                " (idea_id, voter) DO UPDATE SET count = votes.count + 1",
                (idea_id, voter),
            )
            db.execute(_TOUCH_BY_IDEA, (now(), idea_id))
        return row["votes_per_person"] - used - 1

    @guarded
    def unvote(self, idea_id: int, voter: str) -> bool:
        """Take back one of the voter's votes for an idea; False when they gave it none."""
        voter = " ".join(voter.split())
        with self._write() as db:
            gone = db.execute(
                "UPDATE votes SET count = count - 1 WHERE idea_id = ? AND voter = ? AND count > 0",
                (idea_id, voter),
            ).rowcount
            db.execute("DELETE FROM votes WHERE idea_id = ? AND count = 0", (idea_id,))
            db.execute(_TOUCH_BY_IDEA, (now(), idea_id))
        return bool(gone)

    @guarded
    def revealed(self, session_id: int) -> bool:
        """Whether the session's vote counts are shown (hidden until the facilitator says)."""
        row = self._db.execute(
            "SELECT revealed FROM circle_sessions WHERE id = ?", (session_id,)
        ).fetchone()
        return bool(row and row["revealed"])

    @guarded
    def reveal_votes(self, session_id: int, shown: bool = True) -> None:
        """Show (or hide again) the session's vote counts to everyone."""
        with self._write() as db:
            db.execute(
                "UPDATE circle_sessions SET revealed = ? WHERE id = ?", (int(shown), session_id)
            )
            db.execute(_TOUCH_BY_SESSION, (now(), session_id))

    @guarded
    def set_block(self, session_id: int, block: int, started: str) -> None:
        """Record which agenda block the session is on and when it started (for the projector)."""
        with self._write() as db:
            db.execute(
                "UPDATE circle_sessions SET block = ?, block_started = ? WHERE id = ?",
                (block, started, session_id),
            )

    @guarded
    def block(self, session_id: int) -> tuple[int, str]:
        """Return the agenda block the session is on and when it started ('' before it did)."""
        row = self._db.execute(
            "SELECT block, block_started FROM circle_sessions WHERE id = ?", (session_id,)
        ).fetchone()
        return (row["block"], row["block_started"]) if row else (0, "")

    @guarded
    def mark_present(self, session_id: int, names: list[str]) -> None:
        """Record who is at the session (the names replace the ones recorded before)."""
        with self._write() as db:
            db.execute("DELETE FROM attendance WHERE session_id = ?", (session_id,))
            db.executemany(
                "INSERT INTO attendance (session_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(session_id, " ".join(n.split())) for n in names if n.strip()],
            )
            db.execute(_TOUCH_BY_SESSION, (now(), session_id))

    @guarded
    def attendance(self, circle: str) -> dict[int, list[str]]:
        """Return who was at each session, by session number."""
        found: dict[int, list[str]] = {}
        for r in self._db.execute(
            "SELECT s.number, a.name FROM attendance a JOIN circle_sessions s"
            " ON s.id = a.session_id WHERE s.circle = ? ORDER BY s.number, a.rowid",
            (circle,),
        ):
            found.setdefault(r["number"], []).append(r["name"])
        return found

    @guarded
    def open_action(
        self,
        circle: str,
        session: int,
        text: str,
        owner: str,
        due: str,
        idea_id: int | None,
        at: str,
        entry: int | None = None,
    ) -> int:
        """Open an action in session number ``session``; its history starts there.

        ``entry`` is the running list's entry it addresses: a new entry is
        then being worked on.
        """
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO actions (circle, idea_id, text, owner, due, opened, entry_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (circle, idea_id, text, owner, due, session, entry),
            )
            if entry is not None:
                db.execute(
                    "UPDATE entries SET status = 'being worked on' WHERE id = ? AND status = 'new'",
                    (entry,),
                )
            db.execute(
                "INSERT INTO action_events (action_id, session, status, note, at) VALUES (?, ?, 'open', '', ?)",
                (inserted_id(cursor), session, at),
            )
            db.execute(_TOUCH_BY_CIRCLE, (now(), circle))
        return inserted_id(cursor)

    @guarded
    def update_action(self, action_id: int, session: int, status: str, note: str, at: str) -> None:
        """Record an action's new status (with a note) in session number ``session``."""
        with self._write() as db:
            db.execute("UPDATE actions SET status = ? WHERE id = ?", (status, action_id))
            db.execute(
                "INSERT INTO action_events (action_id, session, status, note, at) VALUES (?, ?, ?, ?, ?)",
                (action_id, session, status, note, at),
            )
            db.execute(_TOUCH_BY_ACTION, (now(), action_id))

    @guarded
    def actions(self, circle: str) -> list[Action]:
        """Return the circle's actions with their histories, oldest first."""
        events: dict[int, list[ActionEvent]] = {}
        for r in self._db.execute(
            "SELECT e.action_id, e.session, e.status, e.note, e.at FROM action_events e"
            " JOIN actions a ON a.id = e.action_id WHERE a.circle = ? ORDER BY e.id",
            (circle,),
        ):
            events.setdefault(r["action_id"], []).append(
                ActionEvent(r["session"], r["status"], r["note"], r["at"])
            )
        rows = self._db.execute(
            "SELECT id, text, owner, due, opened, status, entry_id FROM actions"
            " WHERE circle = ? AND deleted = 0 ORDER BY id",
            (circle,),
        )
        return [
            Action(
                r["id"],
                r["text"],
                r["owner"],
                r["due"],
                r["opened"],
                r["status"],
                history=tuple(events.get(r["id"], ())),
                entry=r["entry_id"],
            )
            for r in rows
        ]

    # -- whole circles, for answer files --------------------------------------------

    @guarded
    def circle_record(self, code: str) -> dict:
        """Return one circle with every session, entry, vote, action and change, as plain data.

        Deleted rows come along, marked, so the history stays whole. Links
        inside the record use positions, never row ids: an entry is its index
        in ``entries``; a story or an idea is (session number, index in the
        session); an action is its index in ``actions``; so the record can be
        written into another store with new row ids.
        """
        db = self._db
        row = db.execute(
            "SELECT settings, updated_at FROM circles WHERE code = ?", (code,)
        ).fetchone()
        record: dict = {"updated_at": row["updated_at"], "circle": json.loads(row["settings"])}
        # Who sent a story from a phone, and who corrected it from there, stays in the
        # store for the session; a file leaves it out unless the circle chose names.
        named = bool(record["circle"].get("name_tellers", False))
        entry_rows = db.execute(
            "SELECT id, kind, text, status, merged_into, deleted FROM entries WHERE circle = ?"
            " ORDER BY id",
            (code,),
        ).fetchall()
        entry_at = {r["id"]: n for n, r in enumerate(entry_rows)}
        record["entries"] = [
            {
                "kind": r["kind"],
                "text": r["text"],
                "status": r["status"],
                "merged_into": entry_at.get(r["merged_into"]),
                "deleted": bool(r["deleted"]),
            }
            for r in entry_rows
        ]
        refs: dict[tuple[str, int], object] = {("entry", i): n for i, n in entry_at.items()}
        sessions = []
        present = self.attendance(code)
        for session_id, number, held_on, votes in self.sessions(code):
            stories = db.execute(
                "SELECT id, kind, text, teller, act, place, prevention, added_by, deleted"
                " FROM stories WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
            position = {s["id"]: n for n, s in enumerate(stories)}
            refs.update({("story", s["id"]): [number, n] for n, s in enumerate(stories)})
            ideas = db.execute(
                "SELECT id, text, by, added_by, deleted FROM ideas WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
            refs.update({("idea", i["id"]): [number, n] for n, i in enumerate(ideas)})
            factors = db.execute(
                "SELECT id, kind, text, story_id, entry_id FROM factors WHERE session_id = ?"
                " ORDER BY id",
                (session_id,),
            ).fetchall()
            refs.update({("factor", f["id"]): [number, n] for n, f in enumerate(factors)})
            votes_of: dict[int, list[list]] = {}
            for v in db.execute(
                "SELECT v.idea_id, v.voter, v.count FROM votes v JOIN ideas i ON i.id = v.idea_id"
                " WHERE i.session_id = ? ORDER BY v.voter",
                (session_id,),
            ):
                votes_of.setdefault(v["idea_id"], []).append([v["voter"], v["count"]])
            sessions.append(
                {
                    "number": number,
                    "held_on": held_on,
                    "votes_per_person": votes,
                    "revealed": self.revealed(session_id),
                    "present": present.get(number, []),
                    "stories": [
                        {
                            "kind": s["kind"],
                            "text": s["text"],
                            "teller": s["teller"],
                            "act": s["act"],
                            "where": s["place"],
                            "prevention": s["prevention"],
                            "added_by": s["added_by"] if named else "",
                            "deleted": bool(s["deleted"]),
                        }
                        for s in stories
                    ],
                    "factors": [
                        {
                            "kind": f["kind"],
                            "text": f["text"],
                            "story": position.get(f["story_id"]),
                            "entry": entry_at.get(f["entry_id"]),
                        }
                        for f in factors
                    ],
                    "ideas": [
                        {
                            "text": i["text"],
                            "by": i["by"],
                            "added_by": i["added_by"],
                            "deleted": bool(i["deleted"]),
                            "votes": votes_of.get(i["id"], []),
                        }
                        for i in ideas
                    ],
                }
            )
        record["sessions"] = sessions
        idea_place = {k[1]: v for k, v in refs.items() if k[0] == "idea"}
        action_rows = db.execute(
            "SELECT id, idea_id, text, owner, due, opened, status, entry_id, deleted FROM actions"
            " WHERE circle = ? ORDER BY id",
            (code,),
        ).fetchall()
        refs.update({("action", a["id"]): n for n, a in enumerate(action_rows)})
        events: dict[int, list[dict]] = {}
        for e in db.execute(
            "SELECT e.action_id, e.session, e.status, e.note, e.at FROM action_events e"
            " JOIN actions a ON a.id = e.action_id WHERE a.circle = ? ORDER BY e.id",
            (code,),
        ):
            events.setdefault(e["action_id"], []).append(
                {"session": e["session"], "status": e["status"], "note": e["note"], "at": e["at"]}
            )
        record["actions"] = [
            {
                "text": a["text"],
                "owner": a["owner"],
                "due": a["due"],
                "opened": a["opened"],
                "status": a["status"],
                "idea": idea_place.get(a["idea_id"]),
                "entry": entry_at.get(a["entry_id"]),
                "deleted": bool(a["deleted"]),
                "history": events.get(a["id"], []),
            }
            for a in action_rows
        ]
        record["changes"] = [
            {
                "session": c["session"],
                "at": c["at"],
                "who": c["who"] if named or not c["who"].startswith("#") else "a participant",
                "thing": c["thing"],
                "ref": refs.get((c["thing"], c["thing_id"])),
                "change": c["change"],
                "before": _refs_out(c, "before", refs),
                "after": _refs_out(c, "after", refs),
                "undone": bool(c["undone"]),
            }
            for c in db.execute("SELECT * FROM changes WHERE circle = ? ORDER BY id", (code,))
        ]
        return record

    @staticmethod
    def _put_circle_record(db: Db, participant_id: int, record: dict) -> None:
        """Write a checked circle record, replacing the circle if it is there.

        A record from a kit before the running lists has no ``entries``: its
        list rows become entries, rows with the same words sharing one.
        """
        code = record["circle"]["code"]
        db.execute("DELETE FROM circles WHERE code = ?", (code,))  # cascades to everything
        db.execute(
            "INSERT INTO circles (code, participant_id, settings, updated_at) VALUES (?, ?, ?, ?)",
            (
                code,
                participant_id,
                json.dumps(record["circle"], ensure_ascii=False),
                record["updated_at"],
            ),
        )
        entries = record.get("entries")
        if entries is None:
            entries, keys = [], {}
            for s in record["sessions"]:
                for f in s["factors"]:
                    key = (f["kind"], factor_key(f["text"]))
                    if key not in keys:
                        keys[key] = len(entries)
                        entries.append({"kind": f["kind"], "text": f["text"]})
                    f["entry"] = keys[key]
        entry_ids = [
            inserted_id(
                db.execute(
                    "INSERT INTO entries (circle, kind, text, status, deleted) VALUES (?, ?, ?, ?, ?)",
                    (
                        code,
                        e["kind"],
                        e["text"],
                        e.get("status", "new"),
                        int(e.get("deleted", False)),
                    ),
                )
            )
            for e in entries
        ]
        for e, entry_id in zip(entries, entry_ids, strict=True):
            if e.get("merged_into") is not None:
                db.execute(
                    "UPDATE entries SET merged_into = ? WHERE id = ?",
                    (entry_ids[e["merged_into"]], entry_id),
                )
        ids: dict[tuple[str, object], int] = {
            ("entry", n): entry_id for n, entry_id in enumerate(entry_ids)
        }
        for s in record["sessions"]:
            number = s["number"]
            session_id = inserted_id(
                db.execute(
                    "INSERT INTO circle_sessions (circle, number, held_on, votes_per_person,"
                    " revealed) VALUES (?, ?, ?, ?, ?)",
                    (
                        code,
                        number,
                        s["held_on"],
                        s["votes_per_person"],
                        int(s.get("revealed", True)),
                    ),
                )
            )
            db.executemany(
                "INSERT INTO attendance (session_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(session_id, name) for name in s.get("present", [])],
            )
            story_ids = []
            for n, t in enumerate(s["stories"]):
                story_ids.append(
                    inserted_id(
                        db.execute(
                            "INSERT INTO stories (session_id, kind, text, teller, act, place,"
                            " prevention, added_by, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (
                                session_id,
                                t["kind"],
                                t["text"],
                                t["teller"],
                                t["act"],
                                t["where"],
                                t["prevention"],
                                t.get("added_by", ""),
                                int(t.get("deleted", False)),
                            ),
                        )
                    )
                )
                ids[("story", (number, n))] = story_ids[-1]
            for n, f in enumerate(s["factors"]):
                story = story_ids[f["story"]] if f["story"] is not None else None
                ids[("factor", (number, n))] = inserted_id(
                    db.execute(
                        "INSERT INTO factors (session_id, kind, text, story_id, entry_id)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (session_id, f["kind"], f["text"], story, entry_ids[f["entry"]]),
                    )
                )
            for n, i in enumerate(s["ideas"]):
                idea_id = inserted_id(
                    db.execute(
                        "INSERT INTO ideas (session_id, text, by, added_by, deleted)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (
                            session_id,
                            i["text"],
                            i["by"],
                            i.get("added_by", ""),
                            int(i.get("deleted", False)),
                        ),
                    )
                )
                ids[("idea", (number, n))] = idea_id
                db.executemany(
                    "INSERT INTO votes (idea_id, voter, count) VALUES (?, ?, ?)",
                    [(idea_id, voter, count) for voter, count in i["votes"]],
                )
        for n, a in enumerate(record["actions"]):
            idea = ids.get(("idea", tuple(a["idea"]))) if a["idea"] else None
            entry = entry_ids[a["entry"]] if a.get("entry") is not None else None
            action_id = inserted_id(
                db.execute(
                    "INSERT INTO actions (circle, idea_id, text, owner, due, opened, status,"
                    " entry_id, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        code,
                        idea,
                        a["text"],
                        a["owner"],
                        a["due"],
                        a["opened"],
                        a["status"],
                        entry,
                        int(a.get("deleted", False)),
                    ),
                )
            )
            ids[("action", n)] = action_id
            db.executemany(
                "INSERT INTO action_events (action_id, session, status, note, at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(action_id, e["session"], e["status"], e["note"], e["at"]) for e in a["history"]],
            )
        for c in record.get("changes", []):
            ref = tuple(c["ref"]) if isinstance(c["ref"], list) else c["ref"]
            before, after = dict(c["before"]), dict(c["after"])
            if c["change"] == "merge":
                before["factors"] = [ids[("factor", tuple(f))] for f in before["factors"]]
                after["into"] = ids[("entry", after["into"])]
            db.execute(
                "INSERT INTO changes (circle, session, at, who, thing, thing_id, change, before,"
                " after, undone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    c["session"],
                    c["at"],
                    c["who"],
                    c["thing"],
                    ids[(c["thing"], ref)],
                    c["change"],
                    json.dumps(before, ensure_ascii=False),
                    json.dumps(after, ensure_ascii=False),
                    int(c["undone"]),
                ),
            )


def _refs_out(change: Record, side: str, refs: dict[tuple[str, int], object]) -> dict:
    """A change's before or after with the row ids of a merge written as positions."""
    data = json.loads(change[side])
    if change["change"] == "merge":
        if "factors" in data:
            data["factors"] = [refs[("factor", f)] for f in data["factors"]]
        if "into" in data:
            data["into"] = refs[("entry", data["into"])]
    return data
