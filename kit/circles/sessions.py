"""Circle sessions in the store: stories, factors, ideas, votes and the carried-over actions.

Each addition is its own small transaction, row by row, so several browsers
adding stories and votes to one session at once never overwrite each other
(every Voilà page has its own kernel; the store is what they share).
"""

from __future__ import annotations

import json
import sqlite3

from kit.circles.model import DEFAULT_VOTES, Action, ActionEvent, Factor, Idea, Story
from kit.store.clock import now
from kit.store.codes import inserted_id
from kit.store.core import StoreCore
from kit.store.errors import StoreError, guarded


class SessionMovedOn(StoreError):
    """Another window started a session since this page last looked."""


class NoVotesLeft(StoreError):
    """A voter has used all their votes in the session."""


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
                "INSERT INTO stories (session_id, kind, text, teller, act, place, prevention)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    story.kind,
                    story.text,
                    story.teller,
                    story.act,
                    story.where,
                    story.prevention,
                ),
            )
            db.execute(_TOUCH_BY_SESSION, (now(), session_id))
        return inserted_id(cursor)

    @guarded
    def stories(self, session_id: int) -> list[Story]:
        """Return a session's stories in the order they were told."""
        rows = self._db.execute(
            "SELECT id, session_id, kind, text, teller, act, place, prevention FROM stories"
            " WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return [Story(*r) for r in rows]

    @guarded
    def add_factor(self, session_id: int, kind: str, text: str, story: int | None) -> int:
        """Add a Do-Not-Annoy rule or delight factor; return its id."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO factors (session_id, kind, text, story_id) VALUES (?, ?, ?, ?)",
                (session_id, kind, text, story),
            )
            db.execute(_TOUCH_BY_SESSION, (now(), session_id))
        return inserted_id(cursor)

    @guarded
    def factors(self, session_id: int) -> list[Factor]:
        """Return a session's factors in the order they were added."""
        rows = self._db.execute(
            "SELECT id, session_id, kind, text, story_id FROM factors WHERE session_id = ?"
            " ORDER BY id",
            (session_id,),
        )
        return [Factor(*r) for r in rows]

    @guarded
    def add_idea(self, session_id: int, text: str, by: str = "") -> int:
        """Add an idea; return its id."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO ideas (session_id, text, by) VALUES (?, ?, ?)", (session_id, text, by)
            )
            db.execute(_TOUCH_BY_SESSION, (now(), session_id))
        return inserted_id(cursor)

    @guarded
    def ideas(self, session_id: int) -> list[Idea]:
        """Return a session's ideas with their votes, in the order they were proposed."""
        ideas = self._db.execute(
            "SELECT id, session_id, text, by, EXISTS (SELECT 1 FROM actions a WHERE"
            " a.idea_id = ideas.id) AS chosen FROM ideas WHERE session_id = ? ORDER BY id",
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
                " ON s.id = i.session_id WHERE i.id = ?",
                (idea_id,),
            ).fetchone()
            used = db.execute(
                "SELECT coalesce(sum(v.count), 0) FROM votes v JOIN ideas i ON i.id = v.idea_id"
                " WHERE i.session_id = ? AND v.voter = ?",
                (row["id"], voter),
            ).fetchone()[0]
            if used >= row["votes_per_person"]:
                raise NoVotesLeft(f"{voter} has used all {row['votes_per_person']} votes")
            db.execute(
                "INSERT INTO votes (idea_id, voter, count) VALUES (?, ?, 1) ON CONFLICT"
                " (idea_id, voter) DO UPDATE SET count = count + 1",
                (idea_id, voter),
            )
            db.execute(_TOUCH_BY_IDEA, (now(), idea_id))
        return row["votes_per_person"] - used - 1

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
    ) -> int:
        """Open an action in session number ``session``; its history starts there."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO actions (circle, idea_id, text, owner, due, opened) VALUES (?, ?, ?, ?, ?, ?)",
                (circle, idea_id, text, owner, due, session),
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
            "SELECT id, text, owner, due, opened, status FROM actions WHERE circle = ? ORDER BY id",
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
            )
            for r in rows
        ]

    # -- whole circles, for answer files --------------------------------------------

    @guarded
    def circle_record(self, code: str) -> dict:
        """Return one circle with every session, entry, vote and action, as plain data.

        Links inside the record use positions (a factor's story is its index in
        the session's stories; an action's idea is (session number, index)),
        so the record can be written into another store with new row ids.
        """
        row = self._db.execute(
            "SELECT settings, updated_at FROM circles WHERE code = ?", (code,)
        ).fetchone()
        record: dict = {"updated_at": row["updated_at"], "circle": json.loads(row["settings"])}
        sessions = []
        idea_place: dict[int, tuple[int, int]] = {}
        for session_id, number, held_on, votes in self.sessions(code):
            stories = self.stories(session_id)
            position = {s.id: n for n, s in enumerate(stories)}
            ideas = self.ideas(session_id)
            for n, idea in enumerate(ideas):
                idea_place[idea.id] = (number, n)
            sessions.append(
                {
                    "number": number,
                    "held_on": held_on,
                    "votes_per_person": votes,
                    "stories": [
                        {
                            k: getattr(s, k)
                            for k in ("kind", "text", "teller", "act", "where", "prevention")
                        }
                        for s in stories
                    ],
                    "factors": [
                        {
                            "kind": f.kind,
                            "text": f.text,
                            "story": None if f.story is None else position.get(f.story),
                        }
                        for f in self.factors(session_id)
                    ],
                    "ideas": [
                        {"text": i.text, "by": i.by, "votes": [list(v) for v in i.votes]}
                        for i in ideas
                    ],
                }
            )
        record["sessions"] = sessions
        idea_of = {
            r["id"]: r["idea_id"]
            for r in self._db.execute("SELECT id, idea_id FROM actions WHERE circle = ?", (code,))
        }
        record["actions"] = [
            {
                "text": a.text,
                "owner": a.owner,
                "due": a.due,
                "opened": a.opened,
                "status": a.status,
                "idea": list(idea_place[idea_of[a.id]])
                if idea_of.get(a.id) in idea_place
                else None,
                "history": [
                    {"session": e.session, "status": e.status, "note": e.note, "at": e.at}
                    for e in a.history
                ],
            }
            for a in self.actions(code)
        ]
        return record

    @staticmethod
    def _put_circle_record(db: sqlite3.Connection, participant_id: int, record: dict) -> None:
        """Write a checked circle record, replacing the circle if it is there."""
        code = record["circle"]["code"]
        db.execute("DELETE FROM circles WHERE code = ?", (code,))  # cascades to sessions, actions
        db.execute(
            "INSERT INTO circles (code, participant_id, settings, updated_at) VALUES (?, ?, ?, ?)",
            (
                code,
                participant_id,
                json.dumps(record["circle"], ensure_ascii=False),
                record["updated_at"],
            ),
        )
        idea_ids: dict[tuple[int, int], int] = {}
        for s in record["sessions"]:
            session_id = inserted_id(
                db.execute(
                    "INSERT INTO circle_sessions (circle, number, held_on, votes_per_person)"
                    " VALUES (?, ?, ?, ?)",
                    (code, s["number"], s["held_on"], s["votes_per_person"]),
                )
            )
            story_ids = [
                inserted_id(
                    db.execute(
                        "INSERT INTO stories (session_id, kind, text, teller, act, place, prevention)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            session_id,
                            t["kind"],
                            t["text"],
                            t["teller"],
                            t["act"],
                            t["where"],
                            t["prevention"],
                        ),
                    )
                )
                for t in s["stories"]
            ]
            for f in s["factors"]:
                story = story_ids[f["story"]] if f["story"] is not None else None
                db.execute(
                    "INSERT INTO factors (session_id, kind, text, story_id) VALUES (?, ?, ?, ?)",
                    (session_id, f["kind"], f["text"], story),
                )
            for n, i in enumerate(s["ideas"]):
                idea_id = inserted_id(
                    db.execute(
                        "INSERT INTO ideas (session_id, text, by) VALUES (?, ?, ?)",
                        (session_id, i["text"], i["by"]),
                    )
                )
                idea_ids[(s["number"], n)] = idea_id
                for voter, count in i["votes"]:
                    db.execute(
                        "INSERT INTO votes (idea_id, voter, count) VALUES (?, ?, ?)",
                        (idea_id, voter, count),
                    )
        for a in record["actions"]:
            idea = idea_ids.get(tuple(a["idea"])) if a["idea"] else None
            action_id = inserted_id(
                db.execute(
                    "INSERT INTO actions (circle, idea_id, text, owner, due, opened, status)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (code, idea, a["text"], a["owner"], a["due"], a["opened"], a["status"]),
                )
            )
            for e in a["history"]:
                db.execute(
                    "INSERT INTO action_events (action_id, session, status, note, at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (action_id, e["session"], e["status"], e["note"], e["at"]),
                )
