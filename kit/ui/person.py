"""Who a page is for: the resume code and team session from the link, looked up in the store."""

from __future__ import annotations

from dataclasses import dataclass

from kit.database import PageStore
from kit.model import Participant, TeamSession
from kit.store.attempts import TOO_MANY_CODES, WRONG_CODES
from kit.store.codes import normalise_join_code
from kit.store.errors import StoreError
from kit.ui.context import client_address, cookies, query_params


@dataclass(frozen=True)
class Visitor:
    """The person a page opens for, and what to tell them about their link."""

    participant: Participant | None
    session: str | None
    problems: tuple[tuple[str, str], ...] = ()
    team: TeamSession | None = None


def from_link(resume: str, report: bool) -> tuple[str, str | None]:
    """Return (resume code, session code): the link's, except in a headless report run.

    A team link without a resume code, opened on a device that joined that
    session before, resumes the person who joined (the page script keeps a
    cookie per session): one device, one person.
    """
    if report:
        return resume, None
    params = query_params()
    session = params.get("session")
    if "resume" not in params and session:
        resume = member_code(session) or resume
    return params.get("resume", resume), session


def member_cookie(session: str) -> str:
    """The name of the cookie that remembers who joined ``session`` on this device."""
    return "kit-member-" + "".join(c for c in session if c.isalnum() or c == "-")


def member_code(session: str) -> str:
    """Return the resume code this device joined ``session`` with ('' when none)."""
    wanted = {member_cookie(session)}
    normal = normalise_join_code(session)
    if normal:
        wanted.add(member_cookie(normal))
    jar = cookies()
    return next((jar[name] for name in sorted(wanted) if jar.get(name)), "")


def look_up(store: PageStore, resume: str, session: str | None) -> Visitor:
    """Find the participant and check the session; a wrong code becomes a message.

    Raises
    ------
    LookupRefused
        When too many wrong codes came from this client: the page must not
        save (a person whose code is right would become a new person).
    StoreError
        When the store cannot be read (the caller decides what the page can still do).
    """
    problems: list[tuple[str, str]] = []
    participant = None
    client = client_address()
    if resume and store.too_many(client, WRONG_CODES):
        raise LookupRefused(TOO_MANY_CODES_PAGE)
    if resume:
        participant = store.participant_by_code(resume)
        if participant is None:
            store.note_attempt(client, WRONG_CODES)
            problems.append(("error", wrong_code_message(resume)))
    team = store.team_session(session) if session else None
    if session and team is None:
        problems.append(("warn", unknown_session_message(session)))
    if participant is not None and participant.session:
        if team is not None and team.code != participant.session:
            problems.append(
                (
                    "warn",
                    f"Your resume code belongs to team session {participant.session}, so your "
                    "answers stay there. To join another session, open its link without your code.",
                )
            )
        team = store.team_session(participant.session)
    elif participant is not None and team is not None and not team.closed:
        # Someone who began on their own joins the team they were given a link to.
        store.join_session(participant.id, team.code, client=client)
        participant = store.participant_by_code(participant.resume_code)
    if team is not None and team.closed and (participant is None or not participant.session):
        problems.append(
            (
                "warn",
                f"The team session '{team.title}' is closed, so your answers are saved for you "
                "alone. Ask your coach if you should still join.",
            )
        )
        team = None
    return Visitor(participant, team.code if team else None, tuple(problems), team)


TOO_MANY_CODES_PAGE = f"{TOO_MANY_CODES} This page saves nothing until then: reload it in a minute."


class LookupRefused(StoreError):
    """A code was not looked up: too many wrong ones came from this client."""


def wrong_code_message(code: str) -> str:
    """What to say when no one has the resume code ``code``."""
    return (
        f"No answers were found for the resume code '{code}'. Check it against the code you "
        "noted (it looks like K7QM-3XTA-9PWD-H4RN; dashes and case do not matter). Anything you "
        "answer now is saved under a new code."
    )


def unknown_session_message(code: str) -> str:
    """What to say when the link names a team session that does not exist."""
    return (
        f"There is no team session '{code}' on this server, so your answers are saved for "
        "you alone. Ask your coach for the join link."
    )
