"""Access codes: resume codes people can read aloud and type without mistakes."""

from __future__ import annotations

import secrets

from kit.store.engine import Rows
from kit.store.errors import StoreError

# No 0/O, 1/I/L or U/V look-alikes: codes get read off screens and typed on phones.
ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
# Four groups of four read aloud like a phone number: 29**16 is about 2**77
# codes. Codes issued before had three groups (2**58) and still open answers.
GROUPS, GROUP_LEN = 4, 4
OLD_GROUPS = 3


def new_resume_code() -> str:
    """Return a fresh resume code such as ``'K7QM-3XTA-9PWD-H4RN'``, from ``secrets``."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LEN))
    return "-".join(chars[i : i + GROUP_LEN] for i in range(0, len(chars), GROUP_LEN))


def normalise_code(text: str) -> str | None:
    """Return ``text`` as a well-formed resume code, or None if it cannot be one.

    Case, spaces and dashes are forgiven, since people copy codes by hand.

    Examples
    --------
    >>> normalise_code(" k7qm 3xta-9pwd h4rn ")
    'K7QM-3XTA-9PWD-H4RN'
    >>> normalise_code("K7QM3XTA9PWD")  # a code issued before codes had four groups
    'K7QM-3XTA-9PWD'
    >>> normalise_code("hello") is None
    True
    """
    chars = "".join(c for c in text.upper() if c.isalnum())
    lengths = (GROUPS * GROUP_LEN, OLD_GROUPS * GROUP_LEN)
    if len(chars) not in lengths or any(c not in ALPHABET for c in chars):
        return None
    return "-".join(chars[i : i + GROUP_LEN] for i in range(0, len(chars), GROUP_LEN))


def new_public_id() -> str:
    """Return an anonymous participant id for exports, such as ``'p-3f9a1c0b7d2e'``."""
    return "p-" + secrets.token_hex(6)


RESPONDENT_PREFIX = "r-"


def new_respondent_id() -> str:
    """Return a pulse respondent id for one round, such as ``'r-9c2e4a7f10b3'``.

    Unrelated to the person's participant id: exports show pulse answers under it.
    """
    return RESPONDENT_PREFIX + secrets.token_hex(6)


# Join codes are read aloud in a room and typed off a projector, so they are
# short and use only characters that neither look nor sound alike: no 0/O,
# 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V, and of the letters that rhyme when spoken
# (B C D E G P T V Z) none at all. They give access to nothing but joining
# (the coach key guards the results); 14**6 is about 7.5 million codes.
JOIN_ALPHABET = "AFHKMNRWXY3479"
JOIN_LENGTH = 6


def new_join_code() -> str:
    """Return a fresh team-session join code such as ``'K7R-M3X'``, from ``secrets``.

    The alphabet (:data:`JOIN_ALPHABET`) leaves out characters that look or
    sound alike, so a code read off a projector is typed right first time.
    """
    chars = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))
    return chars[:3] + "-" + chars[3:]


def normalise_join_code(text: str) -> str | None:
    """Return ``text`` as a well-formed join code, or None if it cannot be one.

    Examples
    --------
    >>> normalise_join_code(" k7r m3x ")
    'K7R-M3X'
    >>> normalise_join_code("K7R-M3") is None
    True
    """
    chars = "".join(c for c in text.upper() if c.isalnum())
    if len(chars) != JOIN_LENGTH or any(c not in JOIN_ALPHABET for c in chars):
        return None
    return chars[:3] + "-" + chars[3:]


def new_coach_key() -> str:
    """Return a fresh coach key (32 URL-safe characters, about 190 bits, from ``secrets``)."""
    return secrets.token_urlsafe(24)


def inserted_id(cursor: Rows) -> int:
    """The id SQLite gave the row an INSERT just wrote."""
    if cursor.lastrowid is None:
        raise StoreError("the store did not say which row it wrote")
    return cursor.lastrowid
